// The enterprises from the vector tiles (api/tiles.py), drawn on canvas by a Leaflet GridLayer of our
// own: below the point zoom a tile holds cells (a count at the centre of mass of the enterprises of a
// 32-pixel square), drawn as circles with their number; from the point zoom, single enterprises coloured
// by size class. A tile too dense for points holds 8-pixel cells, drawn as small squares.
// The layer knows what it drew, so clicks, the legend, the "none here" message and the tests ask it,
// through its methods, rather than reading a plugin's insides.
import { getBytes, isAbort } from "./api.js";
import { decodeTile } from "./mvt.js";
import { short, sizeColour } from "./format.js";

const CLUSTER_FILL = "#253494";
const DENSE_PITCH = 8;  // settings.TILE_DENSE_CELL_PIXELS

function cellRadius(count) { return Math.min(15, 6 + Math.log10(count) * 3); }
function pointRadius(zoom) { return zoom >= 15 ? 7 : 5; }

export const EnterpriseTiles = L.GridLayer.extend({
  options: { tilePointMinZoom: 11, font: '"Noto Sans Bengali", "Noto Sans", sans-serif' },

  initialize(urlTemplate, options) {
    L.GridLayer.prototype.initialize.call(this, options);
    this.urlTemplate = urlTemplate;
    this.drawn = new Map();    // "x:y:z" -> {coords, features}
    this.pending = new Map();  // "x:y:z" -> AbortController
    this.on("tileunload", (e) => {
      const key = this.keyOf(e.coords);
      this.pending.get(key)?.abort();
      this.pending.delete(key);
      this.drawn.delete(key);
    });
  },

  onAdd(map) {
    this.map = map;
    L.GridLayer.prototype.onAdd.call(this, map);
  },
  onRemove(map) {
    L.GridLayer.prototype.onRemove.call(this, map);
    this.map = null;
  },

  keyOf(coords) { return `${coords.x}:${coords.y}:${coords.z}`; },

  setTemplate(urlTemplate) {
    if (urlTemplate === this.urlTemplate) return;
    this.urlTemplate = urlTemplate;
    if (this.map) this.redraw();
  },

  createTile(coords, done) {
    const canvas = document.createElement("canvas");
    const size = this.getTileSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    const key = this.keyOf(coords);
    const controller = new AbortController();
    this.pending.set(key, controller);
    const url = L.Util.template(this.urlTemplate, { x: coords.x, y: coords.y, z: coords.z });
    getBytes(url, controller.signal)
      .then((bytes) => {
        const features = this.paint(canvas, decodeTile(bytes), size, ratio, coords.z);
        this.pending.delete(key);
        this.drawn.set(key, { coords, features });
        done(null, canvas);
      })
      .catch((error) => {
        this.pending.delete(key);
        if (!isAbort(error)) done(error, canvas);
      });
    return canvas;
  },

  paint(canvas, layers, size, ratio, zoom) {
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    const features = [];
    Object.values(layers).forEach((layer) => {
      const scale = size.x / layer.extent;
      layer.features.forEach((feature) => {
        const [px, py] = feature.points[0] || [];
        if (px === undefined) return;
        const x = px * scale;
        const y = py * scale;
        const p = feature.properties;
        if (layer.name === "cells") {
          const dense = zoom >= this.options.tilePointMinZoom;
          if (dense) {
            context.fillStyle = CLUSTER_FILL;
            context.globalAlpha = Math.min(0.9, 0.35 + Math.log10(p.count + 1) / 4);
            context.fillRect(x - DENSE_PITCH / 2 + 0.5, y - DENSE_PITCH / 2 + 0.5, DENSE_PITCH - 1, DENSE_PITCH - 1);
            context.globalAlpha = 1;
            features.push({ kind: "cell", dense: true, x, y, r: DENSE_PITCH / 2, properties: p });
            return;
          }
          const r = cellRadius(p.count);
          context.beginPath();
          context.arc(x, y, r, 0, 2 * Math.PI);
          context.fillStyle = CLUSTER_FILL;
          context.globalAlpha = 0.85;
          context.fill();
          context.globalAlpha = 1;
          context.lineWidth = 1.5;
          context.strokeStyle = "#ffffff";
          context.stroke();
          context.fillStyle = "#ffffff";
          context.font = `bold ${r >= 12 ? 10 : 9}px ${this.options.font}`;
          context.textAlign = "center";
          context.textBaseline = "middle";
          context.fillText(short(p.count), x, y + 0.5);
          features.push({ kind: "cell", dense: false, x, y, r, properties: p });
        } else {
          const r = pointRadius(zoom);
          context.beginPath();
          context.arc(x, y, r, 0, 2 * Math.PI);
          context.fillStyle = sizeColour(p.size_class);
          context.fill();
          context.lineWidth = 1.2;
          context.strokeStyle = "#ffffff";
          context.stroke();
          features.push({ kind: "enterprise", id: feature.id ?? p.id, x, y, r, properties: p });
        }
      });
    });
    return features;
  },

  // Every drawn feature of the current zoom, with its position in the map's pixels (project()'s).
  * features() {
    if (!this.map) return;
    const zoom = this.map.getZoom();
    const size = this.getTileSize();
    for (const { coords, features } of this.drawn.values()) {
      if (coords.z !== zoom) continue;
      for (const f of features) yield { ...f, px: coords.x * size.x + f.x, py: coords.y * size.y + f.y };
    }
  },

  // The feature under a map position, if any (the nearest one when circles overlap).
  hit(latlng, slack = 3) {
    const { map } = this;
    if (!map) return null;
    const at = map.project(latlng, map.getZoom());
    let best = null;
    let bestDistance = Infinity;
    for (const f of this.features()) {
      const d = Math.hypot(f.px - at.x, f.py - at.y);
      if (d <= f.r + slack && d < bestDistance) { best = f; bestDistance = d; }
    }
    return best;
  },

  // What the loaded tiles of this zoom hold: enterprises once (a point near a tile edge is repeated in the
  // next tile), cells by their count. inView: only those inside the map's current view.
  summary({ inView = false } = {}) {
    const { map } = this;
    if (!map) return null;
    const view = map.getPixelBounds();
    const ids = new Set();
    let count = 0;
    const sizes = new Set();
    let clusters = 0;
    let dense = 0;
    for (const f of this.features()) {
      if (inView && !view.contains([f.px, f.py])) continue;
      if (f.kind === "cell") {
        count += f.properties.count;
        if (f.dense) dense += 1; else clusters += 1;
      } else if (!ids.has(f.id)) {
        ids.add(f.id);
        count += 1;
        sizes.add(f.properties.size_class || "");
      }
    }
    return { count, sizes, clusters, dense, complete: this.pending.size === 0 };
  },

  // What is drawn, in the map container's pixels: {kind, id, x, y, r, count} (for the browser tests).
  onScreen() {
    const { map } = this;
    const zoom = map.getZoom();
    const out = [];
    for (const f of this.features()) {
      const point = map.latLngToContainerPoint(map.unproject([f.px, f.py], zoom));
      out.push({ kind: f.kind, id: f.id === undefined ? null : Number(f.id), x: point.x, y: point.y, r: f.r, count: f.properties.count ?? 1 });
    }
    return out;
  },
});

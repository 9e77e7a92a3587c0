// The map's tools, top left under the zoom buttons: a link to this view, a PNG of it, print, locate me
// and full screen. Each is a real <button> with a name in the page's language.
import { config } from "./config.js";
import { words } from "./format.js";
import { selectionLabel } from "./panel.js";

const $ = (id) => document.getElementById(id);

// Feather-style line icons, drawn here: an icon font or emoji may be missing on an offline machine.
const ICONS = {
  link: '<path d="M10 13a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1"/><path d="M14 11a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1"/>',
  png: '<rect x="3" y="3" width="18" height="18" rx="2"/><circle cx="8.5" cy="8.5" r="1.5"/><path d="M21 15l-5-5L5 21"/>',
  print: '<path d="M6 9V2h12v7"/><rect x="6" y="14" width="12" height="8"/><path d="M6 18H4a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2h-2"/>',
  locate: '<circle cx="12" cy="12" r="7"/><circle cx="12" cy="12" r="2"/><path d="M12 1v4M12 19v4M1 12h4M19 12h4"/>',
  fullscreen: '<path d="M8 3H3v5M16 3h5v5M8 21H3v-5M16 21h5v-5"/>',
};

function button(container, name, label, action) {
  const b = L.DomUtil.create("button", `tool tool-${name}`, container);
  b.type = "button";
  b.id = `tool-${name}`;
  b.title = label;
  b.setAttribute("aria-label", label);
  b.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[name]}</svg>`;
  L.DomEvent.on(b, "click", (e) => { L.DomEvent.stop(e); action(b); });
  return b;
}

function showLink() {
  const box = $("permalink");
  const input = $("permalink-url");
  input.value = window.location.href;
  box.hidden = false;
  input.focus();
  input.select();
}

function copyLink() {
  const input = $("permalink-url");
  const done = () => { $("permalink-done").textContent = words.linkCopied; };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, () => { input.select(); });
  else { input.select(); document.execCommand("copy"); done(); }
}

const loadImage = (src) => new Promise((resolve, reject) => {
  const image = new Image();
  image.onload = () => resolve(image);
  image.onerror = reject;
  image.src = src;
});

// The view as a PNG: what the map draws (boundaries and areas are SVG, enterprises canvas; basemap
// images of another origin cannot be read back, so they are left out), with a title, the legend and
// the sources, drawn by hand onto one canvas.
export async function viewAsPng(map) {
  const frame = map.getContainer();
  const box = frame.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const head = 36;
  const legendRows = [...document.querySelectorAll("#legend li")];
  const legendTitle = document.querySelector("#legend .legend-title")?.textContent || "";
  const foot = 44 + legendRows.length * 18;
  const canvas = document.createElement("canvas");
  canvas.width = box.width * ratio;
  canvas.height = (box.height + head + foot) * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  g.fillStyle = "#eef3f6";
  g.fillRect(0, 0, box.width, box.height + head + foot);
  const parts = [...frame.querySelectorAll(".leaflet-pane img, .leaflet-pane canvas, .leaflet-pane svg")];
  for (const part of parts) {
    const r = part.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    try {
      let source = part;
      if (part.tagName.toLowerCase() === "svg") {
        const text = new XMLSerializer().serializeToString(part);
        source = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`);
      } else if (part.tagName.toLowerCase() === "img" && new URL(part.src, window.location.href).origin !== window.location.origin) {
        continue;
      }
      g.drawImage(source, r.left - box.left, r.top - box.top + head, r.width, r.height);
    } catch (error) {
      // A part that cannot be drawn is left out rather than losing the picture.
    }
  }
  const font = '"Noto Sans Bengali", "Noto Sans", sans-serif';
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, box.width, head);
  g.fillStyle = "#1b2a33";
  g.font = `600 15px ${font}`;
  g.fillText(`${words.mapTitle}: ${selectionLabel()}`, 10, 23);
  g.fillStyle = "#ffffff";
  g.fillRect(0, box.height + head, box.width, foot);
  let y = box.height + head + 18;
  g.fillStyle = "#1b2a33";
  g.font = `600 12px ${font}`;
  g.fillText(legendTitle, 10, y);
  y += 18;
  g.font = `12px ${font}`;
  legendRows.forEach((row) => {
    const swatch = row.querySelector(".box, .dot, .cluster, .dense");
    g.fillStyle = swatch ? getComputedStyle(swatch).backgroundColor : "#253494";
    g.fillRect(10, y - 10, 12, 12);
    g.strokeStyle = "#6b6b6b";
    g.strokeRect(10.5, y - 9.5, 11, 11);
    g.fillStyle = "#1b2a33";
    g.fillText(row.textContent.trim(), 28, y);
    y += 18;
  });
  g.fillStyle = "#4f5f69";
  g.font = `10px ${font}`;
  g.fillText(config.boundaryAttributionText, 10, y + 4);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

function savePng(map) {
  viewAsPng(map).then((blob) => {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "bscic-map.png";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
}

export function setUpTools(map, { onFail }) {
  const control = L.control({ position: "topleft" });
  control.onAdd = () => {
    const div = L.DomUtil.create("div", "leaflet-bar tools");
    L.DomEvent.disableClickPropagation(div);
    button(div, "link", words.linkToView, showLink);
    button(div, "png", words.savePng, () => savePng(map));
    button(div, "print", words.print, () => window.print());
    if (navigator.geolocation) {
      button(div, "locate", words.locateMe, () => {
        navigator.geolocation.getCurrentPosition(
          (position) => {
            const where = L.latLng(position.coords.latitude, position.coords.longitude);
            L.circleMarker(where, { radius: 8, color: "#0b5394", weight: 3, fillOpacity: 0.3 }).addTo(map);
            map.setView(where, Math.max(map.getZoom(), config.tilePointMinZoom + 2));
          },
          () => onFail({ kind: "failed", message: words.locateFailed }),
          { timeout: 10_000 },
        );
      });
    }
    const frame = map.getContainer().parentElement;
    if (frame.requestFullscreen) {
      button(div, "fullscreen", words.fullScreen, () => {
        if (document.fullscreenElement) document.exitFullscreen();
        else frame.requestFullscreen().catch(() => onFail({ kind: "failed", message: words.fullScreenFailed }));
      });
      document.addEventListener("fullscreenchange", () => {
        $("tool-fullscreen").setAttribute("aria-pressed", String(document.fullscreenElement === frame));
        map.invalidateSize();
      });
    }
    return div;
  };
  control.addTo(map);
  $("permalink-copy").addEventListener("click", copyLink);
  $("permalink-close").addEventListener("click", () => { $("permalink").hidden = true; $("tool-link").focus(); });
  window.addEventListener("beforeprint", () => map.invalidateSize());
  window.addEventListener("afterprint", () => map.invalidateSize());

}

// The national industry map. Modules, each one thing: config and format (words, numbers), state (the
// filters and the URL), api (requests), choropleth, tiles (the enterprises), panel (the figures), popup,
// list (the results), controls (the filters), tools (link, print, locate, full screen). This file makes
// the map and ties them together: a change of state goes to every part that shows it.
// Every filter goes to the server in the API's own words; nothing is filtered again here.
import { config } from "./config.js";
import { getJSON, idle, isAbort, onActivity } from "./api.js";
import { onChange, pageQuery, saveView, startView, state, trackView, update, withFilters } from "./state.js";
import { digits, escapeHtml, fmt, sizeColour, sizeLabel, words } from "./format.js";
import { Choropleth, levelFor, SIMPLIFY } from "./choropleth.js";
import { EnterpriseTiles } from "./tiles.js";
import { refresh as refreshPanel, relabel } from "./panel.js";
import { openEnterprise } from "./popup.js";
import { ResultsList } from "./list.js";
import { loadAreaOptions, setUpControls, showState } from "./controls.js";
import { setUpTools } from "./tools.js";

const $ = (id) => document.getElementById(id);
const AREAS = ["division", "district", "upazila"];
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/* The map and its layers ------------------------------------------------------------------------- */

const map = L.map("map", {
  minZoom: config.minZoom, maxZoom: config.maxZoom, attributionControl: false, zoomSnap: 1,
});
trackView(() => ({ zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng }));
const narrow = () => map.getSize().x < 600;
const defaultZoom = () => (narrow() ? config.zoom - 1 : config.zoom);
if (startView) map.setView([startView.lat, startView.lng], startView.zoom, { animate: false });
else if (config.bounds) map.fitBounds(config.bounds, { padding: [16, 16], animate: false });
else map.setView(config.center, defaultZoom(), { animate: false });

// The scale sits bottom left; the sources fold into a button bottom right, so neither covers the other.
const attribution = L.control.attribution({ position: "bottomright", prefix: false }).addTo(map);
if (config.basemap) {
  L.tileLayer(config.basemap.url, { attribution: config.basemap.attribution, maxZoom: config.maxZoom }).addTo(map);
}
attribution.addAttribution(config.boundaryAttribution);
const scale = L.control.scale({ position: "bottomleft", imperial: false }).addTo(map);
function fitAttribution() {
  const room = map.getSize().x - scale.getContainer().offsetWidth - 40;
  attribution.getContainer().style.maxWidth = `${Math.max(80, room)}px`;
}

fitAttribution();
map.on("resize", fitAttribution);

map.createPane("boundaries").style.zIndex = 420;
map.getPane("boundaries").style.pointerEvents = "none";
map.createPane("enterprises").style.zIndex = 450;
const outline = (style) => L.geoJSON(null, { pane: "boundaries", interactive: false, style: { fill: false, ...style } }).addTo(map);
const layers = {
  divisions: outline({ color: "#37474f", weight: 1.6 }),
  districts: outline({ color: "#607d8b", weight: 0.7 }),
  upazilas: outline({ color: "#78909c", weight: 0.6, dashArray: "3 3" }),
  selected: outline({ color: "#1b2a33", weight: 3 }),
};
const choropleth = new Choropleth(map, {
  onPick: (level, code) => choose(level === "division" ? { division: code, district: "", upazila: "" }
    : level === "district" ? { district: code, upazila: "" } : { upazila: code }),
});
// With the data version: after an import the URLs are new, so no cache serves the old tiles.
const tileUrl = () => withFilters(config.urls.tiles, { v: config.tileVersion });
const tiles = new EnterpriseTiles(tileUrl(), {
  pane: "enterprises", tilePointMinZoom: config.tilePointMinZoom, maxZoom: config.maxZoom,
});

const legend = L.control({ position: "bottomright" });
legend.onAdd = () => {
  const div = L.DomUtil.create("div", "legend");
  div.id = "legend";
  L.DomEvent.disableClickPropagation(div);
  return div;
};
legend.addTo(map);

/* Status, messages and errors -------------------------------------------------------------------- */

let failure = null;
function showStatus() {
  const el = $("map-status");
  el.classList.toggle("error", !!failure);
  el.textContent = failure ? failure.message : "";
}
onActivity((waiting, busy) => {
  if (failure) return;
  const el = $("map-status");
  if (busy) el.textContent = words.tooManyRequests.replace("{seconds}", digits(busy.retryAfter));
  else el.textContent = waiting ? words.loading : "";
});
function failed(error) {
  if (isAbort(error)) return;
  failure = { message: error.kind === "refused" ? `${words.badLink} ${error.message}` : error.message };
  showStatus();
}
function clearFailure() { failure = null; showStatus(); }

function mapMessage(text, action, onAction) {
  const box = $("map-message");
  if (!text) { box.hidden = true; return; }
  $("map-message-text").textContent = text;
  const button = $("map-message-action");
  button.textContent = action;
  button.onclick = onAction;
  box.hidden = false;
}

/* Boundaries of the chosen area ------------------------------------------------------------------ */

const boundaries = {
  division: getJSON("divisions", `${config.urls.divisions}?simplify=${SIMPLIFY.division}`)
    .then((data) => { layers.divisions.addData(data); return data; }),
  district: getJSON("districts", `${config.urls.districts}?simplify=${SIMPLIFY.district}`)
    .then((data) => { layers.districts.addData(data); return data; }),
  upazila: Promise.resolve(null),
};
boundaries.division.catch(failed);
boundaries.district.catch(failed);

function loadUpazilaBoundaries() {
  layers.upazilas.clearLayers();
  if (!state.district) { boundaries.upazila = Promise.resolve(null); return; }
  const district = state.district;
  boundaries.upazila = getJSON("upazila-boundaries", `${config.urls.upazilas}?district=${encodeURIComponent(district)}`)
    .then((data) => { if (state.district === district) layers.upazilas.addData(data); return data; });
  boundaries.upazila.catch(failed);
}

function chosenArea() {
  const find = (data, key, code) => data?.features.find((f) => f.properties[key] === code) || null;
  if (state.upazila) return boundaries.upazila.then((d) => find(d, "geocode", state.upazila));
  if (state.district) return boundaries.district.then((d) => find(d, "code", state.district));
  if (state.division) return boundaries.division.then((d) => find(d, "code", state.division));
  return Promise.resolve(null);
}

// Leaflet drops a new view asked for while a zoom animation runs, so a fit waits for the animation.
let zooming = false;
map.on("zoomanim", () => { zooming = true; });
map.on("zoomend", () => { zooming = false; });
function fitTo(bounds) {
  if (zooming) { map.once("zoomend", () => fitTo(bounds)); return; }
  map.fitBounds(bounds, { padding: [16, 16], animate: !reducedMotion });
}
function fitNational() { map.setView(config.center, defaultZoom(), { animate: !reducedMotion }); }

// Outline the chosen area; with zoomTo, move to it (to the country when none is chosen).
function showArea(zoomTo) {
  const asked = AREAS.map((name) => state[name]).join("|");
  return chosenArea().then((feature) => {
    if (asked !== AREAS.map((name) => state[name]).join("|")) return;
    layers.selected.clearLayers();
    if (feature) layers.selected.addData(feature);
    if (!zoomTo) return;
    if (feature) fitTo(layers.selected.getBounds());
    else if (!AREAS.some((name) => state[name])) fitNational();
  }).catch(failed);
}

/* What the map shows at each zoom ---------------------------------------------------------------- */

let total = null;  // the panel's total row for the current filters

function loadChoropleth() {
  choropleth.load(levelFor(map.getZoom())).then(renderLegend).catch(failed);
}

function showLayersForZoom() {
  const zoomedIn = map.getZoom() >= config.pointsMinZoom;
  if (zoomedIn) {
    if (map.hasLayer(choropleth.layer)) map.removeLayer(choropleth.layer);
    if (!map.hasLayer(tiles)) map.addLayer(tiles);
  } else {
    if (map.hasLayer(tiles)) map.removeLayer(tiles);
    if (!map.hasLayer(choropleth.layer)) map.addLayer(choropleth.layer);
    if (choropleth.level !== levelFor(map.getZoom())) loadChoropleth();
  }
  // "Map shows" chooses the choropleth's figure: it has no meaning where enterprises are drawn.
  $("measure-field").hidden = zoomedIn;
  renderLegend();
  explainView();
}

function renderLegend() {
  const el = $("legend");
  if (map.getZoom() < config.pointsMinZoom) { el.innerHTML = choropleth.legendHtml(); return; }
  // Only what the view holds: the size classes drawn, the numbered circles, the dense squares.
  const seen = tiles.summary({ inView: true }) || { sizes: new Set(), clusters: 0, dense: 0 };
  const rows = config.sizes.filter((s) => seen.sizes.has(s.value))
    .map((s) => `<li><span class="dot" style="background:${s.colour}"></span>${escapeHtml(s.label)}</li>`);
  if (seen.sizes.has("")) rows.push(`<li><span class="dot" style="background:${sizeColour("")}"></span>${escapeHtml(sizeLabel(""))}</li>`);
  if (seen.clusters) rows.push(`<li><span class="cluster" aria-hidden="true">${digits(12)}</span>${escapeHtml(words.cluster)}</li>`);
  if (seen.dense) rows.push(`<li><span class="dense" aria-hidden="true"></span>${escapeHtml(words.dense)}</li>`);
  el.innerHTML = rows.length ? `<p class="legend-title">${escapeHtml(rows.length && seen.sizes.size ? words.sizeClass : words.enterprises)}</p><ul>${rows.join("")}</ul>` : "";
  el.hidden = !rows.length;
}

// The hint under the map and the message on it: what the view holds, or why it holds nothing.
function explainView() {
  const zoomedIn = map.getZoom() >= config.pointsMinZoom;
  let hint = words.zoomForPoints;
  if (total && total.count === 0 && !total.suppressed) {
    mapMessage(words.noneMatch, words.clearFilters, () => choose({ division: "", district: "", upazila: "", size: "", sector: "", q: "" }));
    $("map-hint").textContent = "";
    return;
  }
  mapMessage(null);
  if (zoomedIn) {
    const seen = tiles.summary({ inView: true });
    if (seen && seen.complete && seen.count === 0 && total && (total.count > 0 || total.suppressed)) {
      const text = total.suppressed ? words.noneInViewFew : words.noneInViewOf.replace("{total}", fmt(total.count));
      mapMessage(text, words.showThem, () => { if (AREAS.some((n) => state[n])) showArea(true); else fitNational(); });
      hint = "";
    } else {
      hint = map.getZoom() >= config.tilePointMinZoom && !seen?.dense ? words.clickEnterprise : words.cluster;
    }
  }
  $("map-hint").textContent = hint;
}

tiles.on("load", () => { renderLegend(); explainView(); });
tiles.on("tileerror", () => failed({ kind: "failed", message: words.loadFailed }));
map.on("zoomend", showLayersForZoom);
map.on("moveend", () => {
  saveView();
  updateLinks();
  renderLegend();
  explainView();
  results.scheduleLoad();
});

/* Enterprises: click, hover, the results list ----------------------------------------------------- */

map.on("click", (e) => {
  if (!map.hasLayer(tiles)) return;
  const hit = tiles.hit(e.latlng);
  if (!hit) return;
  if (hit.kind === "enterprise") openEnterprise(map, hit.id, e.latlng, { onFail: failed });
  else map.setView(e.latlng, Math.min(map.getZoom() + 2, config.maxZoom));
});
map.on("mousemove", (e) => {
  map.getContainer().style.cursor = map.hasLayer(tiles) && tiles.hit(e.latlng) ? "pointer" : "";
});

const results = new ResultsList(map, {
  onFail: failed,
  onChoose: (feature) => {
    const [lng, lat] = feature.geometry.coordinates;
    const where = L.latLng(lat, lng);
    const zoom = Math.max(map.getZoom(), config.tilePointMinZoom + 4);
    map.once("moveend", () => {
      openEnterprise(map, feature.id, where, { onFail: failed }).then((popup) => {
        popup?.getElement()?.querySelector("h2")?.setAttribute("tabindex", "-1");
        popup?.getElement()?.querySelector("h2")?.focus();
      });
    });
    if (reducedMotion) map.setView(where, zoom, { animate: false });
    else map.flyTo(where, zoom, { duration: 0.8 });
  },
});

/* Filters --------------------------------------------------------------------------------------- */

function updateLinks() {
  const other = config.language === "bn" ? "en" : "bn";
  $("language-switch").href = `?${pageQuery(other)}`;
  $("reset").href = `?lang=${config.language}`;
}

// A choice of the user's: a new history entry, then every part follows (onChange below).
function choose(changes) { clearFailure(); update(changes); }

onChange((changed, how, view) => {
  if (changed.length === 1 && changed[0] === "measure") {
    choropleth.recolour();
    renderLegend();
    return;
  }
  if (how === "history") clearFailure();
  const areaChanged = changed.some((name) => AREAS.includes(name));
  if (areaChanged) {
    loadAreaOptions({ districts: changed.includes("division") || how === "history" }).then(relabel).catch(failed);
    if (changed.includes("district") || how === "history") loadUpazilaBoundaries();
  }
  showState();
  tiles.setTemplate(tileUrl());
  // Zoomed in the choropleth is not shown, so not fetched; zooming out loads it.
  if (map.getZoom() >= config.pointsMinZoom) choropleth.forget();
  if (how === "history") {
    if (view) map.setView([view.lat, view.lng], view.zoom, { animate: false });
    showArea(!view);
  } else if (areaChanged) {
    showArea(true);
  }
  if (map.getZoom() < config.pointsMinZoom) loadChoropleth();
  else choropleth.forget();
  total = null;
  refreshPanel().then((row) => { if (row) { total = row; explainView(); } });
  results.load();
  updateLinks();
});

setUpControls({
  onChoose: choose,
  onMeasure: (measure) => update({ measure }),
  onPlace: (place) => {
    const changes = { q: "", division: place.division_code || "", district: "", upazila: "" };
    if (place.level === "division") changes.division = place.code;
    if (place.level === "district") changes.district = place.code;
    if (place.level === "upazila") { changes.district = place.district_code; changes.upazila = place.code; }
    choose(changes);
  },
  onFail: failed,
});
setUpTools(map, { onFail: failed });

/* First frame ------------------------------------------------------------------------------------ */

loadUpazilaBoundaries();
showArea(false);
showLayersForZoom();
refreshPanel().then((row) => {
  if (row) { total = row; explainView(); }
  results.arm();
});
updateLinks();

window.bscicMap = {
  // For the browser tests and the curious: what the page believes it shows, through public methods.
  debug: {
    state,
    map: () => map,
    idle,
    zooming: () => zooming,
    renderedCount: () => (map.hasLayer(tiles) ? tiles.summary().count : null),
    inView: () => {
      const seen = map.hasLayer(tiles) ? tiles.summary({ inView: true }) : null;
      return seen && { ...seen, sizes: [...seen.sizes] };
    },
    onScreen: () => (map.hasLayer(tiles) ? tiles.onScreen() : []),
    // The code of the outlined area (an upazila's geocode), or null.
    selectedArea: () => {
      const [feature] = layers.selected.getLayers().map((layer) => layer.feature);
      return feature ? (state.upazila ? feature.properties.geocode : feature.properties.code) : null;
    },
    choroplethLevel: () => choropleth.level,
  },
};

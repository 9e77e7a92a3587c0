// The state of the page (filters and what the map shows), kept in the URL. A change of filters is a new
// history entry, so the back button undoes it; a pan or zoom replaces the current entry, so the URL is
// always a bookmark of what is on screen without the back button stepping through every drag.
import { config } from "./config.js";

export const FILTERS = ["division", "district", "upazila", "size", "sector", "q"];
const listeners = [];

function read(search) {
  const params = new URLSearchParams(search);
  const next = {};
  FILTERS.forEach((name) => { next[name] = params.get(name) || ""; });
  next.measure = config.measures[params.get("measure")] ? params.get("measure") : "count";
  const view = { zoom: parseInt(params.get("zoom"), 10), lat: parseFloat(params.get("lat")), lng: parseFloat(params.get("lng")) };
  return { filters: next, view: Number.isNaN(view.zoom + view.lat + view.lng) ? null : view };
}

const start = read(window.location.search);
export const state = start.filters;
export const startView = start.view;
let viewOf = () => null;  // the map's current view, once there is a map

export function filterQuery(extra = {}) {
  const query = new URLSearchParams();
  FILTERS.forEach((name) => { if (state[name]) query.set(name, state[name]); });
  Object.entries(extra).forEach(([k, v]) => query.set(k, v));
  return query;
}
export function withFilters(url, extra) {
  const text = filterQuery(extra).toString();
  return text ? `${url}?${text}` : url;
}
export function pageQuery(language = config.language) {
  const query = filterQuery();
  if (state.measure !== "count") query.set("measure", state.measure);
  const view = viewOf();
  if (view) {
    query.set("zoom", view.zoom);
    query.set("lat", view.lat.toFixed(4));
    query.set("lng", view.lng.toFixed(4));
  }
  query.set("lang", language);
  return query;
}

export function trackView(getView) { viewOf = getView; }

// Called with (changedNames, how, view): how is "user" (a control, a click) or "history" (back/forward,
// with the view of that entry, or null).
export function onChange(listener) { listeners.push(listener); }

function notify(changed, how, view = null) { listeners.forEach((listener) => listener(changed, how, view)); }

export function update(changes, { history: entry = "push" } = {}) {
  const changed = Object.keys(changes).filter((name) => state[name] !== changes[name]);
  if (!changed.length) return;
  changed.forEach((name) => { state[name] = changes[name]; });
  // The measure only recolours the map: it is part of the bookmark, not of the history.
  const filtersChanged = changed.some((name) => FILTERS.includes(name));
  if (entry === "push" && filtersChanged) history.pushState(null, "", `?${pageQuery()}`);
  else history.replaceState(null, "", `?${pageQuery()}`);
  notify(changed, "user");
}

export function saveView() { history.replaceState(null, "", `?${pageQuery()}`); }

// Back or forward: the filters of that entry, and its view, which the listeners move the map to.
window.addEventListener("popstate", () => {
  const { filters, view } = read(window.location.search);
  const changed = Object.keys(filters).filter((name) => state[name] !== filters[name]);
  Object.assign(state, filters);
  notify(changed, "history", view);
});

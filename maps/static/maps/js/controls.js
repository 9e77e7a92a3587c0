// The filter controls: division → district → upazila, size, sector, the search box (names and products,
// and places: "Bogura" offers to go there), what the choropleth shows, and on a phone the drawer that
// holds them. Controls only report what the user chose; main.js applies it.
import { config } from "./config.js";
import { getJSON, isAbort } from "./api.js";
import { state } from "./state.js";
import { escapeHtml, placeName, words } from "./format.js";

const $ = (id) => document.getElementById(id);
export const controls = {};
const KEYBOARD_SETTLE_MS = 900;
const NAVIGATION_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

function fillSelect(select, rows, valueKey, allLabel, selected) {
  const sorted = rows.slice().sort((a, b) => placeName(a).localeCompare(placeName(b), config.language));
  select.replaceChildren(new Option(allLabel, ""));
  sorted.forEach((row) => select.append(new Option(placeName(row), row[valueKey], false, row[valueKey] === selected)));
  select.value = selected || "";
}

// Fill the district and upazila lists for the current state (the server wrote those of the first URL).
export function loadAreaOptions({ districts = true } = {}) {
  const jobs = [];
  if (districts) {
    const url = `${config.urls.districts}?geometry=false${state.division ? `&division=${encodeURIComponent(state.division)}` : ""}`;
    jobs.push(getJSON("district-list", url).then((rows) => fillSelect(controls.district, rows, "code", words.allDistricts, state.district)));
  }
  const upazila = controls.upazila;
  if (!state.district) {
    upazila.replaceChildren(new Option(words.allUpazilas, ""));
    upazila.disabled = true;
    upazila.title = words.chooseDistrictFirst;
  } else {
    upazila.disabled = false;
    upazila.title = "";
    const url = `${config.urls.upazilas}?geometry=false&district=${encodeURIComponent(state.district)}`;
    jobs.push(getJSON("upazila-list", url).then((rows) => fillSelect(upazila, rows, "geocode", words.allUpazilas, state.upazila)));
  }
  return Promise.all(jobs);
}

export function showState() {
  ["division", "size", "sector", "measure"].forEach((name) => { controls[name].value = state[name] || (name === "measure" ? "count" : ""); });
  if (document.activeElement !== controls.q) controls.q.value = state.q;
  // A list still loading keeps its old value; loadAreaOptions chooses the state's once it has arrived.
  ["district", "upazila"].forEach((name) => {
    if ([...controls[name].options].some((o) => o.value === state[name])) controls[name].value = state[name];
  });
  const chosen = ["division", "district", "upazila", "size", "sector", "q"].filter((name) => state[name]).length;
  $("filters-count").textContent = chosen ? ` (${chosen})` : "";
}

// A select changed by the arrow keys on a closed list would otherwise reload the map at every press:
// such a change waits until the keys rest (or Enter, or leaving the control); a mouse or touch choice,
// or Enter, applies at once.
function settleKeyboard(select, apply) {
  let keyed = false;
  let timer = null;
  const now = () => { clearTimeout(timer); timer = null; apply(select.value); };
  select.addEventListener("keydown", (e) => {
    if (NAVIGATION_KEYS.has(e.key) || e.key.length === 1) keyed = true;
    if (e.key === "Enter" && timer) { e.preventDefault(); now(); }
  });
  select.addEventListener("pointerdown", () => { keyed = false; });
  select.addEventListener("change", () => {
    if (!keyed) { now(); return; }
    keyed = false;
    clearTimeout(timer);
    timer = setTimeout(now, KEYBOARD_SETTLE_MS);
  });
  select.addEventListener("blur", () => { if (timer) now(); });
}

function showPlaces(places, onPlace) {
  const box = $("place-suggestions");
  box.replaceChildren();
  places.forEach((place) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "place";
    const level = words[`level_${place.level}`] || place.level;
    button.innerHTML = `${escapeHtml(words.goTo)} <strong>${escapeHtml(placeName(place))}</strong> <span>(${escapeHtml(level)})</span>`;
    button.addEventListener("click", () => { box.replaceChildren(); box.hidden = true; onPlace(place); });
    item.append(button);
    box.append(item);
  });
  box.hidden = !places.length;
}

export function setUpControls({ onChoose, onMeasure, onPlace, onFail }) {
  ["division", "district", "upazila", "size", "sector", "q", "measure"].forEach((name) => { controls[name] = $(`f-${name}`); });
  settleKeyboard(controls.division, (code) => onChoose({ division: code, district: "", upazila: "" }));
  settleKeyboard(controls.district, (code) => onChoose({ district: code, upazila: "" }));
  settleKeyboard(controls.upazila, (code) => onChoose({ upazila: code }));
  settleKeyboard(controls.size, (value) => onChoose({ size: value }));
  settleKeyboard(controls.sector, (value) => onChoose({ sector: value }));
  settleKeyboard(controls.measure, (value) => onMeasure(value));

  let typing = null;
  const search = () => {
    clearTimeout(typing);
    const text = controls.q.value.trim();
    if (text !== state.q) onChoose({ q: text });
    if (text.length < 2) { showPlaces([], onPlace); return; }
    getJSON("places", `${config.urls.places}?q=${encodeURIComponent(text)}`)
      .then((places) => showPlaces(places.slice(0, 5), onPlace))
      .catch((error) => { if (!isAbort(error)) { showPlaces([], onPlace); onFail(error); } });
  };
  controls.q.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(search, 450); });
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); search(); });

  // The drawer: on a phone the filters fold away behind one button, so the map keeps the screen.
  const toggle = $("filters-toggle");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    $("filters").classList.toggle("open", open);
  });
  showState();
}

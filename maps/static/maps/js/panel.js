// The side panel: what is selected, its totals, the bars by size class and sector, workers by sex, the
// downloads. Figures always sit under the label they belong to: while a new selection loads, the old
// figures are dimmed under "Loading…"; if it fails, the old label comes back with them, and the reason.
import { config } from "./config.js";
import { getJSON, isAbort } from "./api.js";
import { state, withFilters } from "./state.js";
import { decimal, escapeHtml, fmt, hiddenMark, money, sectorLabel, sizeLabel, UNCLASSIFIED_COLOUR, words } from "./format.js";

const $ = (id) => document.getElementById(id);
let shownLabel = "";

function selectedText(select) {
  return select && select.value && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "";
}

export function selectionLabel() {
  const parts = ["f-upazila", "f-district", "f-division"].map((id) => selectedText($(id))).filter(Boolean);
  if (!parts.length) parts.push(words.country);
  if (state.size) parts.push(sizeLabel(state.size));
  if (state.sector) parts.push(sectorLabel(state.sector));
  if (state.q) parts.push(`“${state.q}”`);
  return parts.join(" · ");
}

// The label of the figures on screen, written again once the place names of the lists have arrived.
export function relabel() {
  if ($("panel").getAttribute("aria-busy") !== "true") { shownLabel = selectionLabel(); $("selection-label").textContent = shownLabel; }
}

const shownCount = (row) => (row.suppressed ? hiddenMark() : fmt(row.count));

function renderBars(container, rows, empty) {
  container.replaceChildren();
  if (empty) {
    container.innerHTML = `<p class="empty">${escapeHtml(words.noneMatch)}</p>`;
    return;
  }
  const max = Math.max(1, ...rows.map((r) => r.row.count || 0));
  rows.forEach((r) => {
    const label = document.createElement("span");
    label.className = "bar-label";
    label.title = r.label;
    label.innerHTML = `<span class="swatch" style="background:${r.colour}"></span>${escapeHtml(r.label)}`;
    const track = document.createElement("span");
    track.className = "bar-track";
    track.setAttribute("aria-hidden", "true");
    const bar = document.createElement("span");
    bar.className = `bar${r.row.suppressed ? " suppressed" : ""}`;
    if (!r.row.suppressed) {
      bar.style.width = `${((100 * (r.row.count || 0)) / max).toFixed(1)}%`;
      bar.style.background = r.colour;
    }
    track.append(bar);
    const value = document.createElement("span");
    value.className = "bar-value";
    value.dataset.key = r.key;
    value.textContent = shownCount(r.row);
    container.append(label, track, value);
  });
}

function renderSex(total) {
  const el = $("workers-by-sex");
  const male = total.workers_male;
  const female = total.workers_female;
  if (total.suppressed || male === null || female === null || male + female === 0) {
    el.innerHTML = `<p class="empty">${escapeHtml(total.suppressed ? hiddenMark() : total.count === 0 ? "–" : words.notStated)}</p>`;
    return;
  }
  const share = (100 * male) / (male + female);
  const part = (colour, word, n, pc) => `<span><span class="swatch" style="background:${colour}"></span>${escapeHtml(word)} ${fmt(n)} (${decimal(pc)}%)</span>`;
  el.innerHTML = `<div class="stack" role="img" aria-label="${escapeHtml(`${words.male} ${fmt(male)}, ${words.female} ${fmt(female)}`)}">`
    + `<span class="male" style="width:${share.toFixed(1)}%"></span><span class="female" style="width:${(100 - share).toFixed(1)}%"></span></div>`
    + `<div class="stack-legend">${part("#0072B2", words.male, male, share)}${part("#CC79A7", words.female, female, 100 - share)}</div>`;
}

// The share of the selection with each public field filled (api.stats' total.completeness), under the
// labels the page was given (maps.views: quality.completeness' fields).
function renderCompleteness(total) {
  const list = $("completeness");
  list.replaceChildren();
  const shares = total.completeness;
  config.completenessFields.forEach(([field, label]) => {
    const term = document.createElement("dt");
    term.textContent = label;
    const value = document.createElement("dd");
    value.dataset.field = field;
    const share = shares ? shares[field] : null;
    value.textContent = total.suppressed ? hiddenMark() : share === null || share === undefined ? "–" : `${decimal(100 * share)}%`;
    list.append(term, value);
  });
}

function setDownloads(enabled) {
  [["download-csv", config.urls.exportCsv], ["download-geojson", config.urls.exportGeojson]].forEach(([id, url]) => {
    const link = $(id);
    if (enabled) {
      link.href = withFilters(url);
      link.removeAttribute("aria-disabled");
      link.classList.remove("disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
      link.classList.add("disabled");
    }
  });
  $("download-empty").hidden = enabled;
}

function render(size, sector) {
  const total = size.total;
  $("total-count").textContent = shownCount(total);
  $("total-count").dataset.value = total.suppressed ? "" : String(total.count);
  $("total-workers").textContent = total.suppressed ? hiddenMark() : fmt(total.workers_total);
  $("total-investment").textContent = total.suppressed ? "–" : money(total.investment_bdt);
  const none = total.count === 0 && !total.suppressed;
  const rows = config.sizes.map((s) => ({
    label: s.label, colour: s.colour, key: s.value,
    row: size.groups.find((g) => g.size_class === s.value) || { count: 0, suppressed: false },
  }));
  size.groups.filter((g) => !g.size_class).forEach((g) => rows.push({ label: words.unclassified, colour: UNCLASSIFIED_COLOUR, row: g, key: "" }));
  renderBars($("by-size"), rows, none);
  const sectors = sector.groups.slice().sort((a, b) => (b.count || 0) - (a.count || 0))
    .map((g) => ({ label: sectorLabel(g.isic_section), colour: "#2c7fb8", row: g, key: g.isic_section }));
  renderBars($("by-sector"), sectors, none || !sectors.length);
  renderSex(total);
  renderCompleteness(total);
  const note = $("suppressed-note");
  note.hidden = !(total.suppressed || size.groups.some((g) => g.suppressed));
  note.textContent = words.hiddenNote;
  $("panel-empty").hidden = !none;
  setDownloads(!none);
  return total;
}

function fail(error) {
  const box = $("panel-error");
  box.textContent = error.kind === "refused" ? `${words.badLink} ${error.message}` : error.message;
  box.hidden = false;
  $("selection-label").textContent = shownLabel;
}

// Load the figures of the current state; resolves with the total row (or null when it failed or was
// overtaken by a newer selection).
export function refresh() {
  const panel = $("panel");
  panel.setAttribute("aria-busy", "true");
  $("panel-error").hidden = true;
  const label = selectionLabel();
  $("selection-label").textContent = `${label} · ${words.loading}`;
  return Promise.all([
    getJSON("stats-size", withFilters(config.urls.stats, { by: "size" })),
    getJSON("stats-sector", withFilters(config.urls.stats, { by: "sector" })),
  ]).then(([size, sector]) => {
    panel.setAttribute("aria-busy", "false");
    shownLabel = selectionLabel();
    $("selection-label").textContent = shownLabel;
    return render(size, sector);
  }).catch((error) => {
    if (isAbort(error)) return null;
    panel.setAttribute("aria-busy", "false");
    fail(error);
    return null;
  });
}

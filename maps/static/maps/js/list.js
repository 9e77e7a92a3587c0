// The results list: the enterprises of the current view and filters, a page at a time by the API's
// cursor, each a button that flies the map to the enterprise and opens its popup. It is also how a
// keyboard reaches the enterprises, which on the map are pixels of a canvas. It loads only while it is on
// screen (at the foot of the panel): a page of a district's view costs a database as much as the figures.
import { config } from "./config.js";
import { getJSON, isAbort } from "./api.js";
import { withFilters } from "./state.js";
import { escapeHtml, fmt, placeName, sizeColour, sizeLabel, words } from "./format.js";

const PAGE = 20;
const $ = (id) => document.getElementById(id);

export class ResultsList {
  constructor(map, { onChoose, onFail }) {
    this.map = map;
    this.onChoose = onChoose;
    this.onFail = onFail;
    this.next = null;
    this.timer = null;
    this.visible = false;
    this.stale = true;
    // Not before the panel's figures are in: until then the panel is short and the list would be on
    // screen, and its page would compete with the figures for the database.
    this.armed = false;
    $("results-more").addEventListener("click", () => this.more());
    new IntersectionObserver(([entry]) => {
      this.visible = entry.isIntersecting;
      if (this.visible && this.stale && this.armed) this.load();
    }).observe($("results"));
  }

  bboxText() {
    const b = this.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  }

  // Soon, not at once: a drag or a run of zooms makes one request at its end.
  scheduleLoad() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 350);
  }

  arm() {
    this.armed = true;
    // Measured now, with the figures laid out (the observer reports a frame later).
    const box = $("results").getBoundingClientRect();
    const panel = $("panel").getBoundingClientRect();
    this.visible = box.top < Math.min(panel.bottom, window.innerHeight) && box.bottom > Math.max(panel.top, 0);
    if (this.visible && this.stale) this.load();
  }

  load() {
    clearTimeout(this.timer);
    this.stale = !(this.visible && this.armed);
    if (this.stale) return null;
    // count=false: the number in the view would cost more than the page (a count over the whole bbox).
    const url = withFilters(config.urls.enterprises, { bbox: this.bboxText(), page_size: PAGE, count: "false" });
    $("results").setAttribute("aria-busy", "true");
    return getJSON("results", url).then((page) => {
      $("results-list").replaceChildren();
      this.show(page);
    }).catch((error) => this.failed(error));
  }

  more() {
    if (!this.next) return null;
    return getJSON("results", this.next).then((page) => this.show(page)).catch((error) => this.failed(error));
  }

  failed(error) {
    if (isAbort(error)) return;
    $("results").setAttribute("aria-busy", "false");
    $("results-count").textContent = error.message;
    if (this.onFail) this.onFail(error);
  }

  show(page) {
    $("results").setAttribute("aria-busy", "false");
    const list = $("results-list");
    page.features.forEach((feature) => {
      const p = feature.properties;
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "result";
      button.dataset.enterprise = feature.id;
      const place = [placeName(p, "upazila"), placeName(p, "district")].filter(Boolean).join(", ");
      button.innerHTML = `<span class="swatch" style="background:${sizeColour(p.size_class)}"></span>`
        + `<span class="result-name">${escapeHtml(placeName(p))}</span>`
        + `<span class="result-meta">${escapeHtml(sizeLabel(p.size_class))} · ${escapeHtml(place)}</span>`;
      button.addEventListener("click", () => this.onChoose(feature));
      item.append(button);
      list.append(item);
    });
    this.next = page.next;
    $("results-more").hidden = !page.next;
    const shown = list.children.length;
    let text = words.noneInView;
    if (shown) text = (page.next ? words.resultsMore : words.resultsShown).replace("{shown}", fmt(shown));
    $("results-count").textContent = text;
  }
}

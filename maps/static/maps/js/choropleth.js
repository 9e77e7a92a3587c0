// The choropleth, zoomed out: enterprises (or workers, investment, enterprises per km²) by division,
// district or, with a district chosen, by upazila. Classes are quantiles of the areas that have a figure,
// so one city with ten times the rest does not make the map one colour.
import { config } from "./config.js";
import { getJSON } from "./api.js";
import { state, withFilters } from "./state.js";
import { bangla, escapeHtml, hiddenMark, measureText, words } from "./format.js";

// ColorBrewer YlGnBu, 5 classes: sequential, colour-blind safe and readable in grey.
const PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
export const HIDDEN_FILL = "#bdbdbd";
// Metres to simplify each level's shapes by: about a pixel at the zooms where the level is drawn.
export const SIMPLIFY = { division: 500, district: 200, upazila: 100 };
const LEVEL_WORDS = { division: "byDivision", district: "byDistrict", upazila: "byUpazila" };

export function levelFor(zoom) {
  if (state.district) return "upazila";
  return state.division || zoom >= 8 ? "district" : "division";
}

function quantileBreaks(values) {
  const sorted = values.filter((v) => v !== null && v !== undefined && v > 0).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const classes = Math.min(PALETTE.length, sorted.length);
  const lows = [sorted[0]];
  for (let i = 1; i < classes; i++) {
    const v = sorted[Math.floor((i * sorted.length) / classes)];
    if (v > lows[lows.length - 1]) lows.push(v);
  }
  // Each class ends at the largest figure below the next class's start.
  return lows.map((low, i) => {
    const below = i + 1 < lows.length ? sorted.filter((v) => v < lows[i + 1]) : sorted;
    return { low, high: below[below.length - 1] };
  });
}

export class Choropleth {
  constructor(map, { onPick }) {
    this.map = map;
    this.level = null;
    this.breaks = [];
    this.layer = L.geoJSON(null, {
      style: (feature) => this.style(feature.properties),
      onEachFeature: (feature, layer) => this.bind(feature, layer, onPick),
    });
  }

  classColour(i) {
    if (this.breaks.length <= 1) return PALETTE[PALETTE.length - 2];
    return PALETTE[Math.round((i * (PALETTE.length - 1)) / (this.breaks.length - 1))];
  }

  fill(p) {
    const value = p[state.measure];
    if (p.suppressed) return HIDDEN_FILL;
    if (!value) return "#ffffff";
    for (let i = this.breaks.length - 1; i >= 0; i--) if (value >= this.breaks[i].low) return this.classColour(i);
    return this.classColour(0);
  }

  style(p) {
    return { fillColor: this.fill(p), fillOpacity: p[state.measure] || p.suppressed ? 0.8 : 0.35, color: "#ffffff", weight: 0.8 };
  }

  bind(feature, layer, onPick) {
    const p = feature.properties;
    layer.bindTooltip(() => {
      const name = bangla ? p[`${this.level}_name_bn`] : p[`${this.level}_name_en`];
      const value = p.suppressed ? hiddenMark() : measureText(state.measure, p[state.measure]);
      return `<strong>${escapeHtml(name)}</strong><br>${escapeHtml(config.measures[state.measure])}: ${escapeHtml(value)}`;
    }, { sticky: true, className: "area-tooltip" });
    layer.on("click", () => onPick(this.level, p[`${this.level}_code`]));
  }

  // Fetch and draw the areas of a level for the current filters. Resolves when drawn.
  load(level) {
    this.level = level;
    const url = withFilters(config.urls.stats, { format: "geojson", by: level, simplify: SIMPLIFY[level] });
    return getJSON("choropleth", url).then((data) => {
      let features = data.features;
      // With a district chosen, its upazilas only: the rest of the country would be empty and in the way.
      if (level === "upazila") features = features.filter((f) => f.properties.district_code === state.district);
      this.layer.clearLayers();
      this.areas = features;
      this.breaks = quantileBreaks(features.map((f) => f.properties[state.measure]));
      this.layer.addData(features);
      return features;
    });
  }

  forget() {
    this.level = null;
    this.areas = [];
    this.layer.clearLayers();
  }

  recolour() {
    this.breaks = quantileBreaks((this.areas || []).map((f) => f.properties[state.measure]));
    this.layer.setStyle((feature) => this.style(feature.properties));
  }

  legendHtml() {
    const title = `${config.measures[state.measure]} ${words[LEVEL_WORDS[this.level] || "byDivision"]}`;
    const range = (c) => (c.low === c.high ? measureText(state.measure, c.low)
      : `${measureText(state.measure, c.low)} – ${measureText(state.measure, c.high)}`);
    const rows = this.breaks.map((c, i) => `<li><span class="box" style="background:${this.classColour(i)}"></span>${escapeHtml(range(c))}</li>`);
    rows.push(`<li><span class="box none"></span>${escapeHtml(words.noEnterprises)}</li>`);
    rows.push(`<li><span class="box" style="background:${HIDDEN_FILL}"></span>${escapeHtml(words.hidden)}</li>`);
    return `<p class="legend-title">${escapeHtml(title)}</p><ul>${rows.join("")}</ul><small>${escapeHtml(words.quantiles)}</small>`;
  }
}

// The popup of one enterprise, from its public API record (never the tiles' few properties).
import { config } from "./config.js";
import { getJSON, isAbort } from "./api.js";
import { bangla, digits, escapeHtml, fmt, placeName, sectorLabel, sizeColour, sizeLabel, words } from "./format.js";

export function recordUrl(id) { return config.urls.enterprise.replace("{id}", encodeURIComponent(id)); }

function content(feature, url) {
  const p = feature.properties;
  let workers = words.notStated;
  if (p.workers_total !== null) {
    workers = fmt(p.workers_total);
    if (p.workers_male !== null && p.workers_female !== null) {
      workers += ` (${words.male} ${fmt(p.workers_male)}, ${words.female} ${fmt(p.workers_female)})`;
    }
  }
  // The Bangla product where the record has one.
  const product = (bangla && p.product_bn) || p.product || p.product_bn;
  const rows = [
    [words.sizeClass, `<span class="swatch" style="background:${sizeColour(p.size_class)}"></span>${escapeHtml(sizeLabel(p.size_class))}`],
    [words.sector, escapeHtml(sectorLabel(p.isic_section))],
    [words.product, escapeHtml(product || words.notStated)],
    [words.kind, escapeHtml(config.kinds[p.kind] || p.kind || "")],
    [words.workers, escapeHtml(workers)],
    [words.yearEstablished, escapeHtml(p.year_established ? digits(p.year_established) : words.notStated)],
    [words.upazila, escapeHtml(placeName(p, "upazila"))],
    [words.district, escapeHtml(placeName(p, "district"))],
  ];
  const page = p.page
    ? `<a class="popup-page" href="${escapeHtml(`${p.page}?lang=${config.language}`)}">${escapeHtml(words.enterprisePage)}</a><br>` : "";
  return `<div class="popup" data-enterprise="${escapeHtml(feature.id ?? "")}"><h2>${escapeHtml(placeName(p))}</h2><dl>`
    + rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`).join("")
    + `</dl>${page}<a href="${escapeHtml(url)}" target="_blank" rel="noopener">${escapeHtml(words.apiRecord)}</a></div>`;
}

// Open the popup of enterprise `id` at its location (or at `latlng` until the record says where it is).
export function openEnterprise(map, id, latlng, { onFail } = {}) {
  const url = recordUrl(id);
  return getJSON("enterprise", url).then((feature) => {
    const where = feature.geometry ? L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]) : latlng;
    const popup = L.popup({ maxWidth: 320 }).setLatLng(where).setContent(content(feature, url)).openOn(map);
    return popup;
  }).catch((error) => { if (!isAbort(error) && onFail) onFail(error); });
}

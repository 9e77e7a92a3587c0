// Words and numbers in the page's language. English groups figures the international way (236,832);
// Bangla writes Bangla digits grouped in lakh and crore (২,৩৬,৮৩২), as Bangladeshi documents do.
import { config } from "./config.js";

export const words = config.strings;
export const bangla = config.language === "bn";
const BANGLA_DIGITS = "০১২৩৪৫৬৭৮৯";
const locale = bangla ? "bn-BD" : "en-GB";
const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });

// A browser without Bangla locale data writes Latin digits: map them.
export function digits(text) {
  return bangla ? String(text).replace(/[0-9]/g, (d) => BANGLA_DIGITS[+d]) : String(text);
}
export const fmt = (n) => (n === null || n === undefined ? "–" : digits(whole.format(n)));
export const decimal = (n) => (n === null || n === undefined ? "–" : digits(oneDecimal.format(n)));
// Short enough for a cluster circle: 950, 1.2K, 12K (Bangla: ১.২ হা).
export const short = (n) => digits(n < 1000 ? whole.format(n) : compact.format(n));

export function money(n) {
  if (n === null || n === undefined) return "–";
  if (n >= 1e7) return `${decimal(n / 1e7)} ${words.crore}`;
  if (n >= 1e5) return `${decimal(n / 1e5)} ${words.lakh}`;
  return fmt(n);
}

// "<3": groups smaller than the server's threshold are hidden; the threshold comes from the server.
export const hiddenMark = () => `<${digits(config.suppressBelow)}`;

export function measureText(measure, n) {
  if (measure === "investment_bdt") return money(n);
  if (measure === "per_km2") return decimal(n);
  return fmt(n);
}

export function placeName(row, prefix) {
  const p = prefix ? `${prefix}_` : "";
  return (bangla ? row[`${p}name_bn`] : row[`${p}name_en`]) || row[`${p}name_en`] || row[`${p}name_bn`] || "";
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const sizeByValue = Object.fromEntries(config.sizes.map((s) => [s.value, s]));
export const UNCLASSIFIED_COLOUR = "#6b6b6b";
export const sizeLabel = (value) => sizeByValue[value]?.label ?? words.unclassified;
export const sizeColour = (value) => sizeByValue[value]?.colour ?? UNCLASSIFIED_COLOUR;
export const sectorLabel = (letter) => (letter ? `${letter} · ${config.sectors[letter] || ""}` : words.notStated);

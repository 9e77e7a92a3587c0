// The data-quality choropleth: districts (or one district's upazilas) coloured by score, from the API's
// boundaries and the scores the page carries. The table under the map holds the same figures, so the
// page says everything without this script, without a basemap, and to a screen reader.
const config = JSON.parse(document.getElementById("quality-config").textContent);
const BANGLA_DIGITS = "০১২৩৪৫৬৭৮৯";
config.digits = (n) => (config.bangla ? String(n).replace(/[0-9]/g, (d) => BANGLA_DIGITS[+d]) : String(n));

// Dark red where the score is low (look here first), pale where it is high: one hue, so the order never
// depends on telling hues apart; the legend names each step.
const STEPS = [
  [50, "#a50f15"],
  [70, "#de2d26"],
  [85, "#fb6a4a"],
  [95, "#fcae91"],
  [101, "#fee5d9"],
];
const colour = (score) => (score == null ? "#dddddd" : STEPS.find(([upTo]) => score < upTo)[1]);

function legend() {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = L.DomUtil.create("div", "quality-legend");
    let from = 0;
    const rows = STEPS.map(([upTo, fill]) => {
      const label = `${config.digits(from)}–${config.digits(Math.min(upTo, 100))}`;
      from = upTo;
      return `<span><i style="background:${fill}"></i>${label}</span>`;
    });
    box.innerHTML = `<strong>${config.strings.score}</strong>${rows.join("")}`;
    return box;
  };
  return control;
}

function areaCode(feature) {
  return config.level === "district" ? feature.properties.code : feature.properties.geocode;
}

async function draw() {
  const element = document.getElementById("quality-map");
  if (!element || !window.L) return;
  const url = new URL(config.level === "district" ? config.districts : config.upazilas, window.location.href);
  url.searchParams.set("simplify", config.level === "district" ? "500" : "100");
  if (config.district) url.searchParams.set("district", config.district);
  const response = await fetch(url);
  if (!response.ok) return;
  const boundaries = await response.json();
  const map = L.map(element, { zoomSnap: 0.25, attributionControl: false });
  const layer = L.geoJSON(boundaries, {
    style: (feature) => ({
      color: "#555",
      weight: 0.8,
      fillOpacity: 0.85,
      fillColor: colour(config.scores[areaCode(feature)]),
    }),
    onEachFeature: (feature, shape) => {
      const code = areaCode(feature);
      const score = config.scores[code];
      const name = config.names[code] || feature.properties.name_en;
      shape.bindTooltip(`${name}: ${score == null ? config.strings.noData : `${config.strings.score} ${config.digits(score)}`}`);
      if (config.level === "district") {
        shape.on("click", () => {
          const next = new URL(window.location.href);
          next.searchParams.set("district", feature.properties.code);
          next.searchParams.delete("after");
          window.location.assign(next);
        });
      }
    },
  }).addTo(map);
  legend().addTo(map);
  map.fitBounds(layer.getBounds());
}

window.addEventListener("load", draw);

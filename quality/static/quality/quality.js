// The data-quality choropleth: districts (or one district's upazilas) coloured by score, from the API's
// boundaries and the scores the page carries. The table under the map holds the same figures, so the
// page says everything without this script, without a basemap, and to a screen reader.
const config = JSON.parse(document.getElementById("quality-config").textContent);

// Light (low score: look here first) to dark, one hue: ordered without telling hues apart.
const STEPS = [
  [50, "#fee5d9"],
  [70, "#fcae91"],
  [85, "#fb6a4a"],
  [95, "#de2d26"],
  [101, "#a50f15"],
];
const colour = (score) => (score == null ? "#dddddd" : STEPS.find(([upTo]) => score < upTo)[1]);

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
      shape.bindTooltip(`${name}: ${score == null ? config.strings.noData : `${config.strings.score} ${score}`}`);
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
  map.fitBounds(layer.getBounds());
}

window.addEventListener("load", draw);

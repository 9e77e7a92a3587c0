// The enterprise's place on a small map: a point, the district's outline (context when there is no basemap,
// as on offline machines), and the basemap of the settings when there is one.
(function () {
  "use strict";
  var element = document.getElementById("storefront-map");
  var source = document.getElementById("storefront-map-config");
  if (!element || !source || !window.L) return;
  var config = JSON.parse(source.textContent);
  var here = L.latLng(config.lat, config.lng);
  var map = L.map(element, { scrollWheelZoom: false, attributionControl: !!config.basemap }).setView(here, config.zoom);
  if (config.basemap) {
    L.tileLayer(config.basemap, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
  }
  if (config.outline) {
    L.geoJSON(JSON.parse(config.outline), {
      interactive: false,
      style: { color: "#4f5f69", weight: 1.5, fill: true, fillColor: "#ffffff", fillOpacity: 0.7 },
    }).addTo(map);
  }
  L.circleMarker(here, { radius: 8, color: "#ffffff", weight: 2, fillColor: "#006a4e", fillOpacity: 1 })
    .addTo(map)
    .bindTooltip(config.label);
  element.dataset.ready = "1";
})();

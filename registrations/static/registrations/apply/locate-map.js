// The factory's point: tapped on a Leaflet map, taken from the phone's GPS, or typed as latitude and
// longitude. The basemap is a setting and may be empty (offline): the chosen district's boundary, from the
// database, is drawn as the guide either way. The server decides the office from the point.
const L = window.L;
const element = document.getElementById("locate-map");

const toAsciiDigits = (text) => text.replace(/[০-৯]/g, (d) => String(d.charCodeAt(0) - 0x09e6));

if (element && L) {
  const config = JSON.parse(document.getElementById("apply-map-config").textContent);
  const firstBoundary = JSON.parse(document.getElementById("apply-district-boundary").textContent);
  const strings = config.strings;
  const latitude = document.querySelector("input[name=latitude]");
  const longitude = document.querySelector("input[name=longitude]");
  const status = document.getElementById("map-status");
  const gps = document.getElementById("use-gps");
  const readonly = element.dataset.readonly === "1";
  const [west, south, east, north] = config.extent;
  const country = L.latLngBounds([south, west], [north, east]);

  const map = L.map(element, {
    minZoom: config.minZoom,
    maxZoom: config.maxZoom,
    maxBounds: country.pad(0.2),
  }).setView(config.center, config.zoom);
  if (config.basemapUrl) {
    L.tileLayer(config.basemapUrl, { attribution: config.basemapAttribution, maxZoom: config.maxZoom }).addTo(map);
  }
  map.attributionControl.setPrefix(false).addAttribution(config.boundaryAttribution);

  let outline = null;
  let marker = null;

  const showBoundary = (feature, fit) => {
    if (outline) outline.remove();
    outline = null;
    if (!feature) return;
    outline = L.geoJSON(feature, {
      interactive: false,
      style: { color: "#006a4e", weight: 2, fillColor: "#006a4e", fillOpacity: 0.06 },
    }).addTo(map);
    if (fit) map.fitBounds(outline.getBounds());
  };

  const typed = () => {
    const lat = Number.parseFloat(toAsciiDigits(latitude.value.trim()));
    const lng = Number.parseFloat(toAsciiDigits(longitude.value.trim()));
    return Number.isFinite(lat) && Number.isFinite(lng) ? L.latLng(lat, lng) : null;
  };

  const place = (point) => {
    if (marker) marker.setLatLng(point);
    else {
      marker = L.circleMarker(point, {
        radius: 9,
        color: "#fff",
        weight: 3,
        fillColor: "#a4161a",
        fillOpacity: 1,
        interactive: false,
      }).addTo(map);
    }
  };

  const choose = (point, message) => {
    latitude.value = point.lat.toFixed(6);
    longitude.value = point.lng.toFixed(6);
    place(point);
    status.textContent = message;
  };

  // Leaflet drops a setView that comes while a zoom animation runs (as to the district just chosen, when
  // the phone's GPS answers quickly): the view is then set once the animation has ended.
  const look = (point, zoom) => {
    if (map._animatingZoom) map.once("zoomend", () => map.setView(point, zoom));
    else map.setView(point, zoom);
  };

  const start = typed();
  showBoundary(firstBoundary, !start);
  if (start) {
    place(start);
    map.setView(start, Math.max(map.getZoom(), 15));
  }

  if (!readonly) {
    map.on("click", (event) => choose(event.latlng, strings.picked));

    for (const input of [latitude, longitude]) {
      input.addEventListener("change", () => {
        const point = typed();
        if (point) {
          place(point);
          look(point, Math.max(map.getZoom(), 14));
        }
      });
    }

    document.addEventListener("apply:district-boundary", (event) => showBoundary(event.detail, true));

    if (gps) {
      gps.hidden = false;
      gps.addEventListener("click", () => {
        if (!("geolocation" in navigator)) {
          status.textContent = strings.noGeolocation;
          return;
        }
        status.textContent = strings.locating;
        navigator.geolocation.getCurrentPosition(
          (position) => {
            const point = L.latLng(position.coords.latitude, position.coords.longitude);
            const metres = String(Math.round(position.coords.accuracy));
            choose(point, strings.located.replace("%(metres)s", metres));
            look(point, 16);
          },
          (error) => {
            status.textContent = strings.geolocationFailed.replace("%(reason)s", error.message);
          },
          { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
        );
      });
    }
  }

  // For the browser tests and for a person at the console: the map, and the point as it stands.
  window.bscicApply = { map, marker: () => marker };
}

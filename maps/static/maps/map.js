/*
 * The national industry map. One file, read top to bottom:
 *   1. configuration, words and numbers in the page's language
 *   2. the state (filters + view), kept in the URL
 *   3. requests to the API (a newer request of the same kind cancels the older one)
 *   4. the map: boundaries, the choropleth (zoomed out), the enterprises from vector tiles (zoomed in)
 *   5. the filter controls (division → district → upazila cascade, size, sector, search)
 *   6. the side panel: totals, bars by size and sector, workers by sex, downloads
 *   7. the enterprise popup
 * Every filter goes to the server in the API's own words; nothing is filtered again here.
 * Leaflet calls init() once django-leaflet has made the map (callback of {% leaflet_map %}).
 */
(function () {
  "use strict";

  // VectorGrid 1.3.0 calls L.DomEvent.fakeStop on a click, which Leaflet 1.8 removed. Marking the event
  // stopped is what it did: the map then does not treat the click on an enterprise as a click on the map.
  if (window.L && L.DomEvent && !L.DomEvent.fakeStop) {
    L.DomEvent.fakeStop = function (e) { e._stopped = true; };
  }

  /* 1. Configuration and language ------------------------------------------------------------------ */

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var words = config.strings;
  var bangla = config.language === "bn";
  var BANGLA_DIGITS = "০১২৩৪৫৬৭৮৯";
  var numberFormat = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 0 });
  var decimalFormat = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 1 });

  function digits(text) {
    // A browser without Bangla locale data writes Latin digits: map them.
    return bangla ? String(text).replace(/[0-9]/g, function (d) { return BANGLA_DIGITS[+d]; }) : String(text);
  }
  function fmt(n) { return n === null || n === undefined ? "–" : digits(numberFormat.format(n)); }
  function money(n) {
    if (n === null || n === undefined) return "–";
    if (n >= 1e7) return digits(decimalFormat.format(n / 1e7)) + " " + words.crore;
    if (n >= 1e5) return digits(decimalFormat.format(n / 1e5)) + " " + words.lakh;
    return fmt(n);
  }
  function measureText(measure, n) { return measure === "investment_bdt" ? money(n) : fmt(n); }
  function placeName(row, prefix) {
    var p = prefix ? prefix + "_" : "";
    return (bangla ? row[p + "name_bn"] : row[p + "name_en"]) || row[p + "name_en"] || row[p + "name_bn"] || "";
  }
  function escapeHtml(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var sizeByValue = {};
  config.sizes.forEach(function (s) { sizeByValue[s.value] = s; });
  function sizeLabel(value) { return value && sizeByValue[value] ? sizeByValue[value].label : words.unclassified; }
  function sizeColour(value) { return value && sizeByValue[value] ? sizeByValue[value].colour : "#6b6b6b"; }
  function sectorLabel(letter) { return letter ? letter + " · " + (config.sectors[letter] || "") : words.notStated; }

  /* 2. State, kept in the URL ---------------------------------------------------------------------- */

  var FILTERS = ["division", "district", "upazila", "size", "sector", "q"];
  var params = new URLSearchParams(window.location.search);
  var state = {};
  FILTERS.forEach(function (name) { state[name] = params.get(name) || ""; });
  state.measure = config.measures[params.get("measure")] ? params.get("measure") : "count";
  var urlView = {
    zoom: parseInt(params.get("zoom"), 10),
    lat: parseFloat(params.get("lat")),
    lng: parseFloat(params.get("lng")),
  };

  function filterQuery() {
    var query = new URLSearchParams();
    FILTERS.forEach(function (name) { if (state[name]) query.set(name, state[name]); });
    return query.toString();
  }
  function withFilters(url, extra) {
    var query = new URLSearchParams(filterQuery());
    Object.keys(extra || {}).forEach(function (k) { query.set(k, extra[k]); });
    var text = query.toString();
    return text ? url + "?" + text : url;
  }
  function pageQuery(language) {
    var query = new URLSearchParams(filterQuery());
    if (state.measure !== "count") query.set("measure", state.measure);
    if (map) {
      var c = map.getCenter();
      query.set("zoom", map.getZoom());
      query.set("lat", c.lat.toFixed(4));
      query.set("lng", c.lng.toFixed(4));
    }
    query.set("lang", language);
    return query.toString();
  }
  function syncUrl() {
    // replaceState: the URL is a bookmark of what is on screen, not a history of every pan.
    history.replaceState(null, "", "?" + pageQuery(config.language));
    var other = config.language === "bn" ? "en" : "bn";
    document.getElementById("language-switch").href = "?" + pageQuery(other);
    document.getElementById("reset").href = "?lang=" + config.language;
    document.getElementById("download-csv").href = withFilters(config.urls.exportCsv);
    document.getElementById("download-geojson").href = withFilters(config.urls.exportGeojson);
  }

  /* 3. Requests ------------------------------------------------------------------------------------ */

  // The latest request of each kind wins: an answer to an older one (the user chose again meanwhile) is
  // dropped. Not aborted: the server finishes the query anyway, and an abort would read as a failure.
  var latest = {};
  var busy = 0;
  function status(text, isError) {
    var el = document.getElementById("map-status");
    el.textContent = text || "";
    el.classList.toggle("error", !!isError);
  }
  function getJSON(channel, url) {
    var ticket = (latest[channel] || 0) + 1;
    latest[channel] = ticket;
    busy += 1;
    status.failed = false;
    status(words.loading);
    var done = function () { busy -= 1; if (!busy && !status.failed) status(""); };
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + url);
        return response.json();
      })
      .then(function (data) {
        done();
        // Never settles for a stale answer, so the caller draws only the latest one.
        return latest[channel] === ticket ? data : new Promise(function () {});
      }, function (error) {
        done();
        status.failed = true;
        status(words.loadFailed, true);
        throw error;
      });
  }

  /* 4. The map ------------------------------------------------------------------------------------- */

  var map = null;
  var layers = {};
  var boundaryData = { division: null, district: null };
  var legend = null;
  var pointsMinZoom = config.pointsMinZoom;
  // Metres to simplify a level's shapes by, for its boundaries and its choropleth alike: about a pixel at
  // the zooms where the level is drawn, and the two layers then share their edges.
  var SIMPLIFY = { division: 500, district: 200 };

  // ColorBrewer YlGnBu, 5 classes: sequential, colour-blind safe and readable in grey.
  var PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
  var HIDDEN_FILL = "#bdbdbd";

  function init(leafletMap) {
    map = leafletMap;
    document.documentElement.classList.add("js");
    map.createPane("boundaries").style.zIndex = 420;
    map.getPane("boundaries").style.pointerEvents = "none";
    map.createPane("enterprises").style.zIndex = 450;
    if (!config.basemap) map.attributionControl.addAttribution(config.boundaryAttribution);

    // A view in the URL wins. Otherwise the server's box of the chosen area lets the first frame, and the
    // first tiles, be of that area rather than of the country; the boundaries need not arrive first.
    var startAtArea = false;
    if (!isNaN(urlView.zoom) && !isNaN(urlView.lat) && !isNaN(urlView.lng)) {
      map.setView([urlView.lat, urlView.lng], urlView.zoom, { animate: false });
    } else if (config.bounds) {
      map.fitBounds(config.bounds, { padding: [16, 16], animate: false });
      startAtArea = true;
    } else {
      map.setView(config.center, defaultZoom(), { animate: false });
    }

    layers.divisions = L.geoJSON(null, {
      pane: "boundaries", interactive: false, style: { color: "#37474f", weight: 1.6, fill: false },
    }).addTo(map);
    layers.districts = L.geoJSON(null, {
      pane: "boundaries", interactive: false, style: { color: "#607d8b", weight: 0.7, fill: false },
    }).addTo(map);
    layers.upazilas = L.geoJSON(null, {
      pane: "boundaries", interactive: false,
      style: { color: "#78909c", weight: 0.6, dashArray: "3 3", fill: false },
    }).addTo(map);
    layers.selected = L.geoJSON(null, {
      pane: "boundaries", interactive: false, style: { color: "#1b2a33", weight: 3, fill: false },
    }).addTo(map);
    layers.choropleth = L.geoJSON(null, { style: choroplethStyle, onEachFeature: choroplethTooltip });
    layers.points = new EnterpriseGrid(tileUrl(), {
      pane: "enterprises",
      rendererFactory: L.canvas.tile,
      interactive: true,
      vectorTileLayerStyles: { cells: cellStyle, enterprises: enterpriseStyle },
      getFeatureId: featureId,
      maxZoom: map.getMaxZoom(),
    });
    layers.points.on("click", onPointClick);
    legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);

    getJSON("divisions", config.urls.divisions + "?simplify=" + SIMPLIFY.division).then(function (data) {
      boundaryData.division = data;
      layers.divisions.addData(data);
      highlightSelection(false);
    });
    getJSON("districts", config.urls.districts + "?simplify=" + SIMPLIFY.district).then(function (data) {
      boundaryData.district = data;
      layers.districts.addData(data);
      highlightSelection(!(urlView.zoom >= 0) && !startAtArea && !!state.district);
    });

    map.on("moveend", function () { syncUrl(); });
    map.on("zoomend", function () { showLayersForZoom(); });
    setUpControls();
    loadUpazilaBoundaries();
    showLayersForZoom();
    refreshData();
    syncUrl();
  }

  // A point of VectorGrid is a CircleMarker without a latlng (it lives in tile pixels). Leaflet 1.9 asks a
  // small clicked marker for getLatLng() to place the event, and fails; without the method it uses the
  // mouse position, which is what a click on a 5-pixel circle means anyway.
  var EnterpriseGrid = L.VectorGrid.Protobuf.extend({
    _createLayer: function (feat, pxPerExtent, layerStyle) {
      var layer = L.VectorGrid.Protobuf.prototype._createLayer.call(this, feat, pxPerExtent, layerStyle);
      if (feat.type === 1) layer.getLatLng = undefined;
      return layer;
    },
  });

  function defaultZoom() {
    // A phone is too narrow for the whole country at the desktop's zoom.
    return map.getSize().x < 600 ? config.zoom - 1 : config.zoom;
  }

  function tileUrl() { return withFilters(config.urls.tiles); }

  function choroplethLevel() {
    return state.division || map.getZoom() >= 8 ? "district" : "division";
  }

  function showLayersForZoom() {
    var zoomedIn = map.getZoom() >= pointsMinZoom;
    if (zoomedIn) {
      if (map.hasLayer(layers.choropleth)) map.removeLayer(layers.choropleth);
      if (!map.hasLayer(layers.points)) map.addLayer(layers.points);
    } else {
      if (map.hasLayer(layers.points)) map.removeLayer(layers.points);
      if (!map.hasLayer(layers.choropleth)) map.addLayer(layers.choropleth);
      if (layers.choropleth.level !== choroplethLevel()) loadChoropleth();
    }
    renderLegend();
    var hint = words.zoomForPoints;
    if (zoomedIn) hint = map.getZoom() >= config.tilePointMinZoom ? words.clickEnterprise : words.cluster;
    document.getElementById("map-hint").textContent = hint;
  }

  /* The choropleth: zoomed out, enterprises by division or district. */

  var classBreaks = [];

  function loadChoropleth() {
    var level = choroplethLevel();
    layers.choropleth.level = level;
    var url = withFilters(config.urls.stats, { format: "geojson", by: level, simplify: SIMPLIFY[level] });
    getJSON("choropleth", url).then(function (data) {
      layers.choropleth.clearLayers();
      classBreaks = quantileBreaks(data.features.map(function (f) { return f.properties[state.measure]; }));
      layers.choropleth.addData(data);
      renderLegend();
    });
  }

  function quantileBreaks(values) {
    // Quantiles of the areas that have a figure: each class holds about as many areas, so the map does not
    // become one colour when a city has ten times the rest. Zero and hidden areas get their own colours.
    var sorted = values.filter(function (v) { return v !== null && v > 0; }).sort(function (a, b) { return a - b; });
    if (!sorted.length) return [];
    var classes = Math.min(PALETTE.length, sorted.length);
    var lows = [sorted[0]];
    for (var i = 1; i < classes; i++) {
      var v = sorted[Math.floor((i * sorted.length) / classes)];
      if (v > lows[lows.length - 1]) lows.push(v);
    }
    // Every measure is a whole number, so a class ends one below where the next begins.
    return lows.map(function (low, i) {
      return { low: low, high: i + 1 < lows.length ? lows[i + 1] - 1 : sorted[sorted.length - 1] };
    });
  }
  function classColour(i) {
    if (classBreaks.length <= 1) return PALETTE[PALETTE.length - 2];
    return PALETTE[Math.round((i * (PALETTE.length - 1)) / (classBreaks.length - 1))];
  }
  function fillFor(properties) {
    var value = properties[state.measure];
    if (properties.suppressed) return HIDDEN_FILL;
    if (!value) return "#ffffff";
    for (var i = classBreaks.length - 1; i >= 0; i--) if (value >= classBreaks[i].low) return classColour(i);
    return classColour(0);
  }
  function choroplethStyle(feature) {
    var p = feature.properties;
    return {
      fillColor: fillFor(p), fillOpacity: p[state.measure] || p.suppressed ? 0.8 : 0.35,
      color: "#ffffff", weight: 0.8,
    };
  }
  function areaName(p) {
    var level = layers.choropleth.level;
    return bangla ? p[level + "_name_bn"] : p[level + "_name_en"];
  }
  function choroplethTooltip(feature, layer) {
    layer.bindTooltip(function () {
      var p = feature.properties;
      var value = p.suppressed ? "<3" : measureText(state.measure, p[state.measure]);
      return "<strong>" + escapeHtml(areaName(p)) + "</strong><br>" +
        escapeHtml(config.measures[state.measure]) + ": " + escapeHtml(digits(value));
    }, { sticky: true, className: "area-tooltip" });
    layer.on("click", function () {
      var level = layers.choropleth.level;
      var code = feature.properties[level + "_code"];
      if (level === "division") chooseDivision(code, true);
      else chooseDistrict(code, true);
    });
  }

  /* The enterprises: vector tiles, counts per cell below the point zoom, single enterprises from it. */

  var cellSeq = 0;
  function featureId(feature) {
    // Enterprises are known by their id (setFeatureStyle, popups); a cell only needs to be told apart from
    // the other cells of its tile.
    return feature.properties.id !== undefined ? feature.properties.id : "cell-" + (cellSeq += 1);
  }
  function cellStyle(properties) {
    var radius = Math.max(4, Math.min(24, 3 + Math.sqrt(properties.count) * 1.4));
    return { radius: radius, fill: true, fillColor: "#253494", fillOpacity: 0.5, color: "#ffffff", weight: 1.2 };
  }
  function enterpriseStyle(properties, zoom) {
    return {
      radius: zoom >= 15 ? 7 : 5, fill: true, fillColor: sizeColour(properties.size_class), fillOpacity: 0.92,
      color: "#ffffff", weight: 1.2,
    };
  }
  function onPointClick(e) {
    var p = e.layer.properties || {};
    if (p.id !== undefined) {
      openEnterprise(p.id, e.latlng);
    } else {
      map.setView(e.latlng, Math.min(map.getZoom() + 2, Math.max(config.tilePointMinZoom, map.getZoom() + 1)));
    }
  }

  function renderedCount() {
    // What the loaded tiles of the current zoom draw: enterprises once (a point near a tile edge is repeated
    // in the next tile), cells by their count (a cell lies in one tile only). For the browser test, and for
    // anyone checking the map against the panel.
    var grid = layers.points;
    if (!map.hasLayer(grid)) return null;
    var zoom = map.getZoom();
    var ids = {};
    var total = 0;
    Object.keys(grid._vectorTiles).forEach(function (key) {
      if (+key.split(":")[2] !== zoom) return;
      var features = grid._vectorTiles[key]._features || {};
      Object.keys(features).forEach(function (id) {
        var entry = features[id];
        if (entry.layerName === "cells") total += entry.feature.properties.count;
        else if (!ids[id]) { ids[id] = true; total += 1; }
      });
    });
    return total;
  }

  /* Boundaries of the chosen area. */

  function findArea(level, code) {
    var data = boundaryData[level];
    if (!data || !code) return null;
    for (var i = 0; i < data.features.length; i++) {
      if (data.features[i].properties.code === code) return data.features[i];
    }
    return null;
  }
  function highlightSelection(zoomTo) {
    layers.selected.clearLayers();
    var feature = findArea("district", state.district) || findArea("division", state.division);
    if (!feature) return;
    layers.selected.addData(feature);
    if (zoomTo) fitTo(layers.selected.getBounds());
  }
  // Leaflet drops a new view asked for while a zoom animation runs (choosing a district right after its
  // division), so wait for that animation to end.
  function fitTo(bounds) {
    if (map._animatingZoom) { map.once("zoomend", function () { fitTo(bounds); }); return; }
    map.fitBounds(bounds, { padding: [16, 16] });
  }
  function loadUpazilaBoundaries() {
    layers.upazilas.clearLayers();
    if (!state.district) return;
    getJSON("upazila-boundaries", config.urls.upazilas + "?district=" + encodeURIComponent(state.district))
      .then(function (data) { layers.upazilas.addData(data); });
  }

  /* Legend. */

  function renderLegend() {
    if (!legend || !legend.getContainer()) return;
    var html;
    if (map.getZoom() >= pointsMinZoom) {
      html = "<h4>" + escapeHtml(words.sizeClass) + "</h4><ul>" + config.sizes.map(function (s) {
        return '<li><span class="dot" style="background:' + s.colour + '"></span>' + escapeHtml(s.label) + "</li>";
      }).join("") + '</ul><small><span class="cluster" style="display:inline-block;vertical-align:middle"></span> ' +
        escapeHtml(words.cluster) + "</small>";
    } else {
      var level = layers.choropleth.level === "division" ? words.byDivision : words.byDistrict;
      html = "<h4>" + escapeHtml(config.measures[state.measure]) + " " + escapeHtml(level) + "</h4><ul>";
      classBreaks.forEach(function (c, i) {
        var range = c.low === c.high ? measureText(state.measure, c.low)
          : measureText(state.measure, c.low) + " – " + measureText(state.measure, c.high);
        html += '<li><span class="box" style="background:' + classColour(i) + '"></span>' + escapeHtml(range) + "</li>";
      });
      html += '<li><span class="box none"></span>' + escapeHtml(words.noEnterprises) + "</li>";
      html += '<li><span class="box" style="background:' + HIDDEN_FILL + '"></span>' + escapeHtml(words.hidden) + "</li>";
      html += "</ul><small>" + escapeHtml(words.quantiles) + "</small>";
    }
    legend.getContainer().innerHTML = html;
  }

  /* 5. Filter controls ----------------------------------------------------------------------------- */

  var controls = {};

  function fillSelect(select, rows, valueKey, allLabel, selected) {
    rows = rows.slice().sort(function (a, b) { return placeName(a).localeCompare(placeName(b), config.locale); });
    select.innerHTML = "";
    select.appendChild(new Option(allLabel, ""));
    rows.forEach(function (row) {
      var value = row[valueKey];
      select.appendChild(new Option(placeName(row), value, false, value === selected));
    });
  }

  function loadDistrictOptions() {
    var url = config.urls.districts + "?geometry=false" +
      (state.division ? "&division=" + encodeURIComponent(state.division) : "");
    return getJSON("district-list", url).then(function (rows) {
      fillSelect(controls.district, rows, "code", words.allDistricts, state.district);
      renderSelectionLabel();
    });
  }
  function loadUpazilaOptions() {
    var select = controls.upazila;
    if (!state.district) {
      select.innerHTML = "";
      select.appendChild(new Option(words.allUpazilas, ""));
      select.disabled = true;
      select.title = words.chooseDistrictFirst;
      return Promise.resolve();
    }
    select.disabled = false;
    select.title = "";
    var url = config.urls.upazilas + "?geometry=false&district=" + encodeURIComponent(state.district);
    return getJSON("upazila-list", url).then(function (rows) {
      fillSelect(select, rows, "geocode", words.allUpazilas, state.upazila);
      renderSelectionLabel();
    });
  }

  function chooseDivision(code, zoomTo) {
    state.division = code;
    state.district = "";
    state.upazila = "";
    controls.division.value = code;
    loadDistrictOptions();
    loadUpazilaOptions();
    loadUpazilaBoundaries();
    if (zoomTo && code) highlightSelection(true);
    else if (!code) { highlightSelection(false); map.setView(config.center, defaultZoom()); }
    filtersChanged();
  }
  function chooseDistrict(code, zoomTo) {
    state.district = code;
    state.upazila = "";
    if (code && !state.division) {
      var area = findArea("district", code);
      if (area) { state.division = area.properties.division_code; controls.division.value = state.division; loadDistrictOptions(); }
    }
    if (controls.district.querySelector('option[value="' + code + '"]')) controls.district.value = code;
    loadUpazilaOptions();
    loadUpazilaBoundaries();
    highlightSelection(!!(zoomTo && code));
    filtersChanged();
  }

  function setUpControls() {
    ["division", "district", "upazila", "size", "sector", "q", "measure"].forEach(function (name) {
      controls[name] = document.getElementById("f-" + name);
    });
    loadDistrictOptions();
    loadUpazilaOptions();

    controls.division.addEventListener("change", function () { chooseDivision(controls.division.value, true); });
    controls.district.addEventListener("change", function () { chooseDistrict(controls.district.value, true); });
    controls.upazila.addEventListener("change", function () { state.upazila = controls.upazila.value; filtersChanged(); });
    controls.size.addEventListener("change", function () { state.size = controls.size.value; filtersChanged(); });
    controls.sector.addEventListener("change", function () { state.sector = controls.sector.value; filtersChanged(); });
    controls.measure.addEventListener("change", function () {
      state.measure = controls.measure.value;
      // The same areas, coloured by another figure: no new request needed.
      var values = [];
      layers.choropleth.eachLayer(function (l) { values.push(l.feature.properties[state.measure]); });
      classBreaks = quantileBreaks(values);
      layers.choropleth.setStyle(choroplethStyle);
      renderLegend();
      syncUrl();
    });
    var typing = null;
    controls.q.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () {
        if (state.q !== controls.q.value.trim()) { state.q = controls.q.value.trim(); filtersChanged(); }
      }, 450);
    });
    document.getElementById("filters").addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(typing);
      state.q = controls.q.value.trim();
      filtersChanged();
    });
  }

  function filtersChanged() {
    layers.points.setUrl(tileUrl());
    // Zoomed in, the choropleth is not shown, so it is not fetched: its old areas go, and showLayersForZoom
    // loads the new ones on zooming out.
    if (map.getZoom() >= pointsMinZoom) {
      latest.choropleth = (latest.choropleth || 0) + 1;  // an answer on its way is for the old filters
      layers.choropleth.clearLayers();
      layers.choropleth.level = null;
    } else {
      loadChoropleth();
    }
    refreshData();
    syncUrl();
  }

  /* 6. Side panel ---------------------------------------------------------------------------------- */

  function refreshData() {
    renderSelectionLabel();
    getJSON("stats-size", withFilters(config.urls.stats, { by: "size" })).then(renderSizeAndTotals);
    getJSON("stats-sector", withFilters(config.urls.stats, { by: "sector" })).then(renderSectors);
  }

  function selectedText(select) {
    return select && select.value && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "";
  }
  function renderSelectionLabel() {
    var parts = [selectedText(controls.upazila), selectedText(controls.district), selectedText(controls.division)]
      .filter(Boolean);
    if (!parts.length) parts.push(words.country);
    if (state.size) parts.push(sizeLabel(state.size));
    if (state.sector) parts.push(sectorLabel(state.sector));
    if (state.q) parts.push("“" + state.q + "”");
    document.getElementById("selection-label").textContent = parts.join(" · ");
  }

  function shownCount(row) { return row.suppressed ? "<3" : fmt(row.count); }

  function renderSizeAndTotals(data) {
    renderSelectionLabel();
    var total = data.total;
    var countEl = document.getElementById("total-count");
    countEl.textContent = digits(shownCount(total));
    countEl.dataset.value = total.suppressed ? "" : String(total.count);
    document.getElementById("total-workers").textContent = total.suppressed ? "<3" : fmt(total.workers_total);
    document.getElementById("total-investment").textContent = total.suppressed ? "–" : money(total.investment_bdt);

    var rows = config.sizes.map(function (s) {
      var group = data.groups.filter(function (g) { return g.size_class === s.value; })[0];
      return { label: s.label, colour: s.colour, row: group || { count: 0, suppressed: false }, key: s.value };
    });
    data.groups.forEach(function (g) {
      if (!g.size_class) rows.push({ label: words.unclassified, colour: "#6b6b6b", row: g, key: "" });
    });
    renderBars(document.getElementById("by-size"), rows, total.count === 0);
    renderSex(total);
    var anyHidden = data.groups.some(function (g) { return g.suppressed; }) || total.suppressed;
    var note = document.getElementById("suppressed-note");
    note.hidden = !anyHidden;
    note.textContent = words.hiddenNote;
  }

  function renderSectors(data) {
    var rows = data.groups.slice().sort(function (a, b) { return (b.count || 0) - (a.count || 0); }).map(function (g) {
      return { label: sectorLabel(g.isic_section), colour: "#2c7fb8", row: g, key: g.isic_section };
    });
    renderBars(document.getElementById("by-sector"), rows, !rows.length);
  }

  function renderBars(container, rows, empty) {
    container.innerHTML = "";
    if (empty) {
      container.innerHTML = '<p class="empty">' + escapeHtml(words.noneMatch) + "</p>";
      return;
    }
    var max = Math.max.apply(null, rows.map(function (r) { return r.row.count || 0; }).concat([1]));
    rows.forEach(function (r) {
      var label = document.createElement("span");
      label.className = "bar-label";
      label.title = r.label;
      label.innerHTML = '<span class="swatch" style="background:' + r.colour + '"></span>' + escapeHtml(r.label);
      var track = document.createElement("span");
      track.className = "bar-track";
      track.setAttribute("aria-hidden", "true");
      var bar = document.createElement("span");
      bar.className = "bar" + (r.row.suppressed ? " suppressed" : "");
      bar.style.display = "block";
      if (!r.row.suppressed) {
        bar.style.width = ((100 * (r.row.count || 0)) / max).toFixed(1) + "%";
        bar.style.background = r.colour;
      }
      track.appendChild(bar);
      var value = document.createElement("span");
      value.className = "bar-value";
      value.dataset.key = r.key;
      value.textContent = digits(shownCount(r.row));
      container.appendChild(label);
      container.appendChild(track);
      container.appendChild(value);
    });
  }

  function renderSex(total) {
    var el = document.getElementById("workers-by-sex");
    var male = total.workers_male;
    var female = total.workers_female;
    if (total.suppressed || male === null || female === null || male + female === 0) {
      el.innerHTML = '<p class="empty">' + escapeHtml(total.suppressed ? "<3" : words.notStated) + "</p>";
      return;
    }
    var share = (100 * male) / (male + female);
    el.innerHTML =
      '<div class="stack" role="img" aria-label="' + escapeHtml(words.male + " " + fmt(male) + ", " + words.female + " " + fmt(female)) + '">' +
      '<span class="male" style="width:' + share.toFixed(1) + '%"></span>' +
      '<span class="female" style="width:' + (100 - share).toFixed(1) + '%"></span></div>' +
      '<div class="stack-legend"><span><span class="swatch" style="background:#0072B2"></span>' + escapeHtml(words.male) +
      " " + fmt(male) + " (" + digits(decimalFormat.format(share)) + "%)</span>" +
      '<span><span class="swatch" style="background:#CC79A7"></span>' + escapeHtml(words.female) + " " + fmt(female) +
      " (" + digits(decimalFormat.format(100 - share)) + "%)</span></div>";
  }

  /* 7. Enterprise popup ---------------------------------------------------------------------------- */

  function openEnterprise(id, latlng) {
    var url = config.urls.enterprise.replace("{id}", encodeURIComponent(id));
    getJSON("enterprise", url).then(function (feature) {
      var p = feature.properties;
      var workers = p.workers_total === null ? words.notStated : fmt(p.workers_total) +
        (p.workers_male !== null && p.workers_female !== null
          ? " (" + words.male + " " + fmt(p.workers_male) + ", " + words.female + " " + fmt(p.workers_female) + ")" : "");
      var rows = [
        [words.sizeClass, '<span class="swatch" style="background:' + sizeColour(p.size_class) + '"></span>' + escapeHtml(sizeLabel(p.size_class))],
        [words.sector, escapeHtml(sectorLabel(p.isic_section))],
        [words.product, escapeHtml(p.product || words.notStated)],
        [words.kind, escapeHtml(config.kinds[p.kind] || p.kind || "")],
        [words.workers, escapeHtml(workers)],
        [words.yearEstablished, escapeHtml(p.year_established ? digits(p.year_established) : words.notStated)],
        [words.upazila, escapeHtml(placeName(p, "upazila"))],
        [words.district, escapeHtml(placeName(p, "district"))],
      ];
      var html = '<div class="popup" data-enterprise="' + escapeHtml(feature.id !== undefined ? feature.id : id) + '"><h3>' + escapeHtml(placeName(p)) + "</h3><dl>" +
        rows.map(function (r) { return "<dt>" + escapeHtml(r[0]) + "</dt><dd>" + r[1] + "</dd>"; }).join("") +
        "</dl>" +
        // The enterprise's own page, when it has a public one (the API gives its path, or null).
        (p.page ? '<a class="popup-page" href="' + escapeHtml(p.page + "?lang=" + config.language) + '">' +
          escapeHtml(words.enterprisePage) + "</a><br>" : "") +
        '<a href="' + escapeHtml(url) + '" target="_blank" rel="noopener">' + escapeHtml(words.apiRecord) + "</a></div>";
      var where = feature.geometry ? L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]) : latlng;
      L.popup({ maxWidth: 320 }).setLatLng(where).setContent(html).openOn(map);
    });
  }

  window.bscicMap = {
    init: init,
    // For the browser tests and the curious: what the page believes it shows.
    debug: {
      state: state,
      renderedCount: renderedCount,
      idle: function () { return busy === 0; },
      map: function () { return map; },
    },
  };
})();

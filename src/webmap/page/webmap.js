// scicov webmap: the page's own script. Reads the GeoJSON and metadata embedded in the page
// (script elements data-*), draws them with Leaflet on a canvas, and wires the type selector,
// layer switcher, legend, popups, search and downloads. Chinese first, English second.
(function () {
  'use strict';

  const byId = (id) => document.getElementById(id);
  const embedded = (name) => {
    const el = byId('data-' + name);
    return el ? JSON.parse(el.textContent) : { type: 'FeatureCollection', features: [] };
  };
  const meta = embedded('meta');
  const data = {};
  for (const name of ['counties', 'townships', 'villages', 'gaps', 'proposed_sites', 'facilities']) {
    data[name] = embedded(name);
  }
  const types = meta.types || [];
  const typeByKey = Object.fromEntries(types.map((t) => [t.key, t]));
  const aliases = meta.aliases || {};

  // ---- formatting -------------------------------------------------------------------------
  const esc = (s) => String(s === undefined || s === null ? '' : s).replace(/[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const int = (v) => (v === undefined || v === null ? '–' : Math.round(v).toLocaleString('zh-CN'));
  const pct = (v) => (v === undefined || v === null ? '–' : (v * 100).toFixed(1) + '%');
  const typeName = (key) => (typeByKey[key] ? typeByKey[key].zh + ' ' + typeByKey[key].en : key);
  const alias = (table, field) => (aliases[table] && aliases[table][field]) || field;
  const yesNo = (v) => (v ? '<span class="yes">✓ 是 yes</span>' : '<span class="no">✗ 否 no</span>');
  const words = { national: '国家级 national', provincial: '省级 provincial', city: '市级 city', county: '县级 county',
    existing: '已建 existing', planned: '规划 planned', proposed: '拟建 proposed', candidate: '候选 candidate' };
  const word = (v) => (v ? words[v] || v : '–');

  // ---- colours ----------------------------------------------------------------------------
  const typeColours = ['#c0392b', '#8e44ad', '#1f6fb2', '#1e8449', '#d35400', '#7f6000', '#117a65', '#6c3483'];
  const typeColour = Object.fromEntries(types.map((t, i) => [t.key, typeColours[i % typeColours.length]]));
  const yearColours = ['#fde725', '#a0da39', '#4ac16d', '#1fa187', '#277f8e', '#365c8d', '#46327e', '#440154'];
  // Proposed sites by year; a long plan is shown by periods (at most 8, whole multiples of 5 years).
  const years = meta.years || [];
  const span = years.length ? years[years.length - 1] - years[0] + 1 : 0;
  const periodLength = span <= 8 ? 1 : Math.ceil(span / 8 / 5) * 5;
  const periodOf = (y) => (years.length ? years[0] + Math.floor((y - years[0]) / periodLength) * periodLength : y);
  const periods = [...new Set(years.map(periodOf))];
  const periodName = (p) => (periodLength === 1 ? p + '年' : p + '–' + (p + periodLength - 1) + '年');
  const yearColour = (y) => yearColours[Math.max(0, periods.indexOf(periodOf(y))) % yearColours.length];
  const covered = '#7fc97f';
  const uncovered = '#f4a582';
  const partly = '#fee08b';
  const gapColour = '#b2182b';

  // ---- lookups ----------------------------------------------------------------------------
  const nameOf = {};
  for (const f of data.counties.features.concat(data.townships.features)) {
    nameOf[f.properties.code] = f.properties.name;
  }
  const villageByCode = {};
  for (const f of data.villages.features) villageByCode[f.properties.code] = f.properties;

  // The type the page opens with: the one whose coverage varies most across villages.
  const mixedness = (key) => {
    let yes = 0;
    for (const f of data.villages.features) yes += f.properties['cov_' + key] ? 1 : 0;
    return Math.min(yes, data.villages.features.length - yes);
  };
  let currentType = types.length ? types.reduce((a, b) => (mixedness(b.key) > mixedness(a.key) ? b : a)).key : '';

  // ---- map --------------------------------------------------------------------------------
  const renderer = L.canvas({ padding: 0.5, tolerance: 4 });
  const map = L.map('map', { renderer: renderer, preferCanvas: true, zoomSnap: 0.5, minZoom: 3, maxZoom: 18 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a> · scicov');
  const baseLayers = { '无底图 No basemap': L.layerGroup() };
  if (meta.basemap) {
    baseLayers['底图 Basemap'] = L.tileLayer(meta.basemap, { attribution: esc(meta.basemap_attribution || ''),
      maxZoom: 18, subdomains: ['0', '1', '2', '3', '4', '5', '6', '7'] });
  }
  (meta.basemap ? baseLayers['底图 Basemap'] : baseLayers['无底图 No basemap']).addTo(map);

  const popupRow = (label, value) => '<tr><th>' + label + '</th><td>' + value + '</td></tr>';

  function villagePopup(p) {
    let rows = '';
    for (const t of types) {
      const cov = p['cov_' + t.key] ? 1 : 0;
      const minutes = p['time_' + t.key + '_min'];
      const metres = p['dist_' + t.key + '_m'];
      const nearest = minutes !== undefined && minutes !== null ? int(minutes) + ' 分钟 min'
        : metres !== undefined && metres !== null ? int(metres) + ' 米 m' : '–';
      rows += '<tr class="cov" data-type="' + esc(t.key) + '" data-cov="' + cov + '" data-dist="' +
        esc(metres === undefined || metres === null ? '' : metres) + '" data-time="' +
        esc(minutes === undefined || minutes === null ? '' : minutes) + '"><td>' + esc(t.zh) + '<br><small>' +
        esc(t.en) + '</small></td><td>' + yesNo(cov) + '</td><td class="num">' + nearest + '</td></tr>';
    }
    return '<div class="popup village" data-code="' + esc(p.code) + '"><h3>' + esc(p.name) + '</h3>' +
      '<div class="sub">' + esc(nameOf[p.township_code] || p.township_code || '') + ' · ' +
      esc(nameOf[p.county_code] || p.county_code || '') + ' · ' + esc(p.settlement || '村(社区) village') + '</div>' +
      '<table>' + popupRow('人口 People', '<span class="population">' + int(p.population) + '</span>') + '</table>' +
      '<table><tr><th>类型 Type</th><th>覆盖 Covered</th><th>最近 Nearest</th></tr>' + rows + '</table></div>';
  }

  function unitPopup(p, table) {
    let rows = '';
    for (const t of types) {
      const share = p['share_' + t.key];
      if (share === undefined) continue;
      let extra = '';
      if (p['sites_' + t.key] !== undefined) {
        extra = ' · 新建 new sites ' + int(p['sites_' + t.key]) + ' → ' + pct(p['share_after_' + t.key]) +
          (p['year_met_' + t.key] ? ' (' + p['year_met_' + t.key] + '年达标 met)' : '');
      }
      rows += '<tr><td>' + esc(t.zh) + '</td><td class="num">' + pct(share) + '</td><td>' + pct(p['target_' + t.key]) +
        '</td><td>' + yesNo(p['met_' + t.key]) + esc(extra) + '</td></tr>';
    }
    const level = table === 'counties' ? '县(区) county' : '乡镇(街道) township';
    const parent = p.county_code && nameOf[p.county_code] ? ' · ' + esc(nameOf[p.county_code]) : '';
    return '<div class="popup unit"><h3>' + esc(p.name) + '</h3><div class="sub">' + level + parent + ' · ' +
      esc(p.code) + '</div><table>' + popupRow('人口 People', int(p.population)) +
      popupRow('村(社区) Villages', int(p.villages)) + '</table><table><tr><th>类型 Type</th><th>覆盖率 Share</th>' +
      '<th>目标 Target</th><th>达标 Met</th></tr>' + rows + '</table></div>';
  }

  const facilityKnown = ['name', 'type', 'type_zh', 'grade', 'status', 'id', 'county_code', 'village_code',
    'villages_reached', 'pop_reached'];
  function facilityPopup(p) {
    let rows = popupRow('级别 Grade', esc(word(p.grade))) + popupRow('状态 Status', esc(word(p.status))) +
      popupRow('覆盖村 Villages reached', int(p.villages_reached)) + popupRow('覆盖人口 People reached', int(p.pop_reached));
    for (const [k, v] of Object.entries(p)) {
      if (facilityKnown.includes(k) || v === null || v === '') continue;
      rows += popupRow(esc(alias('facilities', k)) + (alias('facilities', k) !== k ? ' ' + esc(k) : ''), esc(v));
    }
    return '<div class="popup facility"><h3>' + esc(p.name || p.id) + '</h3><div class="sub">' +
      esc(typeName(p.type)) + ' · ' + esc(nameOf[p.county_code] || '') + '</div><table>' + rows + '</table></div>';
  }

  function sitePopup(p) {
    const v = villageByCode[p.village_code];
    return '<div class="popup site"><h3>拟建 Proposed ' + esc(typeName(p.type)) + '</h3><div class="sub">' +
      esc(p.year) + '年 · ' + esc(v ? v.name : p.village_code) + ' · ' + esc(nameOf[p.township_code] || '') + '</div><table>' +
      popupRow('年份 Year', esc(p.year)) + popupRow('顺序 Rank', esc(p.rank)) +
      popupRow('新覆盖村 Villages gained', int(p.gain_villages)) + popupRow('新覆盖人口 People gained', int(p.gain_population)) +
      popupRow('选址 Host', esc(p.host_kind || '–')) + '</table></div>';
  }

  function gapPopup(p) {
    return '<div class="popup gap"><h3>覆盖缺口 Gap: ' + esc(typeName(p.type)) + '</h3><div class="sub">' +
      esc(nameOf[p.township_code] || '') + ' · ' + esc(nameOf[p.county_code] || '') + '</div><table>' +
      popupRow('人口 People', int(p.population)) +
      (p.area_m2 !== undefined ? popupRow('面积 Area', (p.area_m2 / 1e6).toFixed(1) + ' km²') : '') + '</table></div>';
  }

  // ---- layers -----------------------------------------------------------------------------
  const villageStyle = (f) => ({ renderer: renderer, weight: 0.4, color: '#8a8f95', fillOpacity: 0.55,
    fillColor: f.properties['cov_' + currentType] ? covered : uncovered });
  const villages = L.geoJSON(data.villages, {
    renderer: renderer, style: villageStyle, filter: (f) => f.geometry !== null,
    onEachFeature: (f, layer) => layer.bindPopup(() => villagePopup(f.properties), { maxWidth: 360 }),
  });
  const townships = L.geoJSON(data.townships, {
    renderer: renderer, style: { weight: 1, color: '#4b5563', dashArray: '4 3', fill: false },
    filter: (f) => f.geometry !== null,
    onEachFeature: (f, layer) => layer.bindPopup(() => unitPopup(f.properties, 'townships'), { maxWidth: 420 }),
  });
  const counties = L.geoJSON(data.counties, {
    renderer: renderer, style: { weight: 2.2, color: '#1f2937', fill: false }, filter: (f) => f.geometry !== null,
    onEachFeature: (f, layer) => layer.bindPopup(() => unitPopup(f.properties, 'counties'), { maxWidth: 420 }),
  });
  const gaps = L.geoJSON(data.gaps, {
    renderer: renderer, filter: (f) => f.geometry !== null,
    style: { weight: 1.5, color: gapColour, dashArray: '5 3', fillColor: gapColour, fillOpacity: 0.18 },
    onEachFeature: (f, layer) => layer.bindPopup(() => gapPopup(f.properties)),
  });
  const gapsShown = L.layerGroup();

  const facilityRadius = (i) => Math.max(3, 7 - i);
  const facilitiesByType = {};
  const facilityMarkers = [];
  types.forEach((t, i) => { facilitiesByType[t.key] = L.layerGroup(); facilitiesByType[t.key].typeIndex = i; });
  for (const f of data.facilities.features) {
    if (!f.geometry) continue;
    const [lon, lat] = f.geometry.coordinates;
    const group = facilitiesByType[f.properties.type] || (facilitiesByType[f.properties.type] = L.layerGroup());
    const i = types.findIndex((t) => t.key === f.properties.type);
    const r = facilityRadius(i < 0 ? types.length : i);
    const m = L.circleMarker([lat, lon], { renderer: renderer, radius: r, baseRadius: r,
      weight: 1, color: '#fff', fillColor: typeColour[f.properties.type] || '#555', fillOpacity: 0.95 });
    m.feature = f;
    m.bindPopup(() => facilityPopup(f.properties), { maxWidth: 360 });
    group.addLayer(m);
    facilityMarkers.push(m);
  }

  const sitesByYear = {};  // by period: the first year of each
  const siteMarkers = [];
  for (const p of periods) sitesByYear[p] = L.layerGroup();
  for (const f of data.proposed_sites.features) {
    if (!f.geometry) continue;
    const [lon, lat] = f.geometry.coordinates;
    const y = f.properties.year;
    const m = L.circleMarker([lat, lon], { renderer: renderer, radius: 6, weight: 2.5, color: '#111',
      fillColor: yearColour(y), fillOpacity: 1 });
    m.feature = f;
    m.bindPopup(() => sitePopup(f.properties));
    siteMarkers.push(m);
    sitesByYear[periodOf(y)].addLayer(m);
  }

  // Gaps and proposed sites show the selected type; villages are coloured by it.
  function showType(key) {
    currentType = key;
    villages.setStyle(villageStyle);
    townshipFill.setStyle(townshipFillStyle);
    gapsShown.clearLayers();
    gaps.eachLayer((l) => { if (l.feature.properties.type === key) gapsShown.addLayer(l); });
    for (const m of siteMarkers) {
      const group = sitesByYear[periodOf(m.feature.properties.year)];
      if (m.feature.properties.type === key) group.addLayer(m); else group.removeLayer(m);
    }
    updateLegend();
  }

  // Names: counties always, townships from zoom 10 (hundreds of labels are noise further out).
  const labelOf = (layer, cls) => L.tooltip({ permanent: true, direction: 'center', className: 'place-label ' + cls,
    interactive: false }).setLatLng(layer.getBounds().getCenter()).setContent(esc(layer.feature.properties.name));
  const countyLabels = L.layerGroup();
  counties.eachLayer((l) => countyLabels.addLayer(labelOf(l, 'county')));
  const townshipLabels = L.layerGroup();
  townships.eachLayer((l) => townshipLabels.addLayer(labelOf(l, 'township')));
  const countyNames = L.layerGroup([countyLabels]);
  const townshipNames = L.layerGroup();
  const updateLabels = () => {
    if (map.getZoom() >= 10) townshipNames.addLayer(townshipLabels); else townshipNames.removeLayer(townshipLabels);
  };
  map.on('zoomend', updateLabels);

  // Thousands of village-level facilities would hide the villages at city scale: markers grow
  // with the zoom, to their full size from zoom 12.
  const markerScale = () => Math.min(1, Math.max(0.4, (map.getZoom() - 6) / 6));
  const updateMarkers = () => {
    const k = markerScale();
    for (const m of facilityMarkers) m.setRadius(m.options.baseRadius * k);
  };
  map.on('zoomend', updateMarkers);

  // A large map (more than 10,000 villages or facilities, e.g. ten cities) stays quick by drawing
  // less when zoomed out: below zoom 9 the townships, filled by their share covered, stand in for
  // their villages; types with more than 2,000 facilities are drawn from zoom 10. Nearer in, where
  // only a part of the area is in view, everything is drawn.
  const large = data.villages.features.length > 10000 || data.facilities.features.length > 10000;
  const villageZoom = large ? 9 : 0;
  const denseZoom = large ? 10 : 0;
  const townshipFill = L.geoJSON(data.townships, {
    renderer: renderer, filter: (f) => f.geometry !== null, style: (f) => townshipFillStyle(f),
    onEachFeature: (f, layer) => layer.bindPopup(() => unitPopup(f.properties, 'townships'), { maxWidth: 420 }),
  });
  function townshipFillStyle(f) {
    const p = f.properties;
    const share = p['share_' + currentType] || 0;
    const target = p['target_' + currentType] || 1;
    const colour = p['met_' + currentType] ? covered : share >= target / 2 ? partly : uncovered;
    return { renderer: renderer, weight: 0.6, color: '#8a8f95', fillOpacity: 0.55, fillColor: colour };
  }
  const villageOverlay = L.layerGroup();
  const denseTypes = large ? Object.keys(facilitiesByType).filter((k) => facilitiesByType[k].getLayers().length > 2000) : [];
  const facilityOverlay = {};
  for (const key of Object.keys(facilitiesByType)) facilityOverlay[key] = L.layerGroup([facilitiesByType[key]]);
  const updateDetail = () => {
    const near = map.getZoom() >= villageZoom;
    if (near !== villageOverlay.hasLayer(villages)) {
      villageOverlay.clearLayers();
      villageOverlay.addLayer(near ? villages : townshipFill);
    }
    for (const key of denseTypes) {
      const show = map.getZoom() >= denseZoom;
      if (show !== facilityOverlay[key].hasLayer(facilitiesByType[key])) {
        if (show) facilityOverlay[key].addLayer(facilitiesByType[key]); else facilityOverlay[key].removeLayer(facilitiesByType[key]);
      }
    }
  };
  map.on('zoomend', updateDetail);

  const count = (n) => ' <span class="count">(' + n.toLocaleString('zh-CN') + ')</span>';
  const overlays = {};
  overlays['村(社区)覆盖 Village coverage' + count(data.villages.features.length) +
    (large ? ' <small>(zoom < ' + villageZoom + ': 乡镇 townships)</small>' : '')] = villageOverlay;
  overlays['覆盖缺口 Gaps'] = gapsShown;
  overlays['乡镇界 Township borders'] = townships;
  overlays['乡镇名 Township names (zoom ≥ 10)'] = townshipNames;
  overlays['县界 County borders'] = counties;
  overlays['县名 County names'] = countyNames;
  for (const p of periods) {
    overlays['<span data-layer="sites-' + p + '"><i style="color:' + yearColour(p) + '">●</i> ' + periodName(p) +
      '拟建 Proposed</span>'] = sitesByYear[p];
  }
  for (const [key, group] of Object.entries(facilitiesByType)) {
    overlays['<span data-layer="facilities-' + esc(key) + '"><i style="color:' + (typeColour[key] || '#555') +
      '">●</i> ' + esc(typeName(key)) + count(group.getLayers().length) +
      (denseTypes.includes(key) ? ' <small>(zoom ≥ ' + denseZoom + ')</small>' : '') + '</span>'] = facilityOverlay[key];
  }
  for (const layer of Object.values(overlays)) layer.addTo(map);
  L.control.layers(baseLayers, overlays, { collapsed: false, position: 'topright' }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  // ---- legend -----------------------------------------------------------------------------
  const legend = L.control({ position: 'bottomleft' });
  legend.onAdd = () => L.DomUtil.create('div', 'legend');
  legend.addTo(map);
  function updateLegend() {
    const t = typeByKey[currentType];
    let html = '<h4>' + esc(t ? t.zh : '') + ' 覆盖 coverage</h4>' +
      '<div><i style="background:' + covered + '"></i>已覆盖 covered</div>' +
      '<div><i style="background:' + uncovered + '"></i>未覆盖 not covered</div>' +
      (large ? '<div><small>zoom < ' + villageZoom + ': 乡镇 townships 达标 met / <i style="background:' + partly +
        '"></i>≥ ½ 目标 target / 未达 below</small></div>' : '') +
      '<div><i style="background:rgba(178,24,43,.18);border:1.5px dashed ' + gapColour + '"></i>覆盖缺口 gap</div>' +
      '<h4>设施 Facilities</h4>';
    for (const x of types) html += '<div><i class="dot" style="background:' + typeColour[x.key] + '"></i>' + esc(typeName(x.key)) + '</div>';
    if (years.length) {
      html += '<h4>拟建站点 Proposed sites</h4>';
      for (const p of periods) html += '<div><i class="dot" style="background:' + yearColour(p) + ';border:2px solid #111"></i>' + periodName(p) + '</div>';
    }
    html += '<h4>界线 Borders</h4><div><i class="line" style="border-color:#1f2937"></i>县 county</div>' +
      '<div><i class="line" style="border-color:#4b5563;border-top-style:dashed"></i>乡镇 township</div>';
    legend.getContainer().innerHTML = html;
  }

  const select = byId('type-select');
  for (const t of types) {
    const o = document.createElement('option');
    o.value = t.key;
    o.textContent = t.zh + ' ' + t.en;
    select.appendChild(o);
  }
  select.value = currentType;
  select.addEventListener('change', () => showType(select.value));
  showType(currentType);

  // Areas to jump to: everything, each city (the counties sharing a 4-digit code prefix) and each
  // county. The page opens on the city with the most villages: a map of several far-apart cities
  // shows little at the zoom that holds them all.
  const areaSelect = byId('area-select');
  const areas = [{ label: '全部 All', layers: counties.getLayers() }];
  const cities = {};
  counties.eachLayer((l) => { (cities[String(l.feature.properties.code).slice(0, 4)] ||= []).push(l); });
  for (const [prefix, members] of Object.entries(cities).sort()) {
    if (members.length > 1) areas.push({ label: prefix + '…: ' + members.map((l) => l.feature.properties.name).join('、'), layers: members, city: true });
    for (const l of members.sort((a, b) => (a.feature.properties.code < b.feature.properties.code ? -1 : 1))) {
      areas.push({ label: (members.length > 1 ? '\u3000' : '') + l.feature.properties.name, layers: [l], city: members.length === 1 });
    }
  }
  areas.forEach((a, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = a.label.length > 40 ? a.label.slice(0, 40) + '…' : a.label;
    areaSelect.appendChild(o);
  });
  const showArea = (i) => {
    const b = L.featureGroup(areas[i].layers).getBounds();
    if (b.isValid()) map.fitBounds(b, { padding: [10, 10], animate: false }); else map.setView([35, 105], 4);
  };
  areaSelect.addEventListener('change', () => showArea(Number(areaSelect.value)));
  const villagesIn = (a) => a.layers.reduce((n, l) => n + (l.feature.properties.villages || 0), 0);
  let start = 0;
  let most = -1;
  areas.forEach((a, i) => { if (a.city && villagesIn(a) > most) { most = villagesIn(a); start = i; } });
  areaSelect.value = String(start);
  showArea(start);
  updateLabels();
  updateMarkers();
  updateDetail();

  // ---- search -----------------------------------------------------------------------------
  const index = [];
  facilityMarkers.forEach((m) => index.push({ name: m.feature.properties.name || '', kind: typeName(m.feature.properties.type),
    layer: m, group: facilityOverlay[m.feature.properties.type] }));
  villages.eachLayer((l) => index.push({ name: l.feature.properties.name || '', layer: l, group: villageOverlay,
    kind: '村(社区) village · ' + (nameOf[l.feature.properties.township_code] || '') }));
  townships.eachLayer((l) => index.push({ name: l.feature.properties.name || '', layer: l, group: townships,
    kind: '乡镇 township · ' + (nameOf[l.feature.properties.county_code] || '') }));
  counties.eachLayer((l) => index.push({ name: l.feature.properties.name || '', layer: l, group: counties,
    kind: '县(区) county' }));

  const input = byId('search');
  const results = byId('search-results');
  let matches = [];
  function find(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const exact = [];
    const partial = [];
    for (const item of index) {
      const n = item.name.toLowerCase();
      if (n === q) exact.push(item); else if (n.includes(q)) partial.push(item);
      if (exact.length + partial.length >= 200) break;
    }
    return exact.concat(partial).slice(0, 30);
  }
  function select_(item) {
    results.hidden = true;
    if (!map.hasLayer(item.group)) map.addLayer(item.group);
    const layer = item.layer;
    if (layer.getLatLng) {
      map.setView(layer.getLatLng(), Math.max(map.getZoom(), 13), { animate: false });
      updateDetail();
      layer.openPopup();
    } else {
      const p = layer.feature.properties;
      const at = p.rep_lat !== undefined && p.rep_lon !== undefined ? L.latLng(p.rep_lat, p.rep_lon) : layer.getBounds().getCenter();
      map.fitBounds(layer.getBounds(), { maxZoom: 14, animate: false });
      if (item.group === villageOverlay && map.getZoom() < villageZoom) map.setZoom(villageZoom, { animate: false });
      updateDetail();
      layer.openPopup(at);
    }
  }
  function showResults() {
    matches = find(input.value);
    results.innerHTML = '';
    matches.forEach((item, i) => {
      const li = document.createElement('li');
      li.innerHTML = esc(item.name) + '<span class="kind">' + esc(item.kind) + '</span>';
      li.addEventListener('mousedown', (e) => { e.preventDefault(); select_(matches[i]); });
      results.appendChild(li);
    });
    if (!matches.length && input.value.trim()) {
      results.innerHTML = '<li class="none">无结果 No match</li>';
    }
    results.hidden = !input.value.trim();
  }
  input.addEventListener('input', showResults);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && matches.length) select_(matches[0]);
    if (e.key === 'Escape') results.hidden = true;
  });
  input.addEventListener('blur', () => { results.hidden = true; });

  // ---- downloads (made here from the embedded data) ----------------------------------------
  function download(name, text, mime) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: mime }));
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  function facilitiesCsv() {
    const fields = [];
    for (const f of data.facilities.features) for (const k of Object.keys(f.properties)) if (!fields.includes(k)) fields.push(k);
    const cell = (v) => {
      const s = v === undefined || v === null ? '' : String(v);
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    const lines = [fields.concat(['lon', 'lat']).join(',')];
    for (const f of data.facilities.features) {
      const c = f.geometry ? f.geometry.coordinates : ['', ''];
      lines.push(fields.map((k) => cell(f.properties[k])).concat([c[0], c[1]]).join(','));
    }
    return '\ufeff' + lines.join('\r\n') + '\r\n';  // the BOM lets spreadsheet programs read UTF-8
  }
  const stem = (meta.source || 'scicov').replace(/\.[^.]*$/, '');
  byId('download-csv').addEventListener('click', () => download(stem + '-facilities.csv', facilitiesCsv(), 'text/csv'));
  byId('download-geojson').addEventListener('click', () =>
    download(stem + '-facilities.geojson', JSON.stringify(data.facilities), 'application/geo+json'));

  // ---- for tests and scripts --------------------------------------------------------------
  window.scicovMap = {
    map: map,
    meta: meta,
    layers: { villages, townships, counties, gaps: gapsShown, facilitiesByType: facilityOverlay, sitesByYear },
    showType: showType,
    find: find,
    facilitiesCsv: facilitiesCsv,
    /** Markers and shapes drawn now (on the map and in the canvas renderer). */
    drawn: () => {
      const on = (l) => map.hasLayer(l) && renderer._layers[L.stamp(l)] !== undefined;
      let v = 0;
      villages.eachLayer((l) => { v += on(l) ? 1 : 0; });
      return { facilities: facilityMarkers.filter(on).length, sites: siteMarkers.filter(on).length, villages: v };
    },
  };
})();

"""The browser side of the maps: one small script and stylesheet inlined into every page.

``LANDEVAL`` decodes the compact layer data (:mod:`landeval.maps.encode`) and builds one
Leaflet feature group per category on the canvas renderer. Inside a group, features sharing
a style are drawn as one multi-polygon path (a handful of Leaflet objects instead of one per
parcel, which is what keeps a 30,000-parcel page quick). The paths take no mouse events:
a click or hover is resolved on the map, through a grid index, to the feature under the
pointer, datasets taken in priority order (a parcel before the 改一补一 item or platform
around it), so a click on a parcel always opens the parcel; the popup links to whatever
else lies there. Popups and tooltips are built from the feature's (already HTML-escaped)
properties. The runtime also holds the search box, the filters (by county, platform,
class and treatment) with the export of the parcels shown to CSV, the legend, the title,
labels, the north arrow and the print layout.
Tests reach the map through ``window.LANDEVAL`` (``map``, ``layers``, ``datasets``,
``drawn``, ``bounds``, ``pointIn``, ``focus``, ``hitsAt``, ``setFilter``, ``exportRows``).
"""

from __future__ import annotations

RUNTIME_JS = r"""
var LANDEVAL = (function () {
  var api = {map: null, datasets: {}, layers: {}, labels: {}, timings: [], popup: null,
    filters: {}, filterDefs: [], measuring: false, placeLabels: []};
  // Phase timings (ms since navigation start) for the benchmark; cheap enough to keep.
  api.mark = function (what) { api.timings.push([what, performance.now()]); };

  function escapeHtml(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
  }
  function unescapeHtml(s) {
    return String(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
  }
  api.escapeHtml = escapeHtml;

  function decodeColumn(col, n) {
    if (col.v) { return col.v; }
    var out = new Array(n);
    for (var i = 0; i < n; i++) { out[i] = col.i[i] < 0 ? null : col.d[col.i[i]]; }
    return out;
  }

  // Geometry arrives as integer deltas (see encode.py); decode to Leaflet latlngs and keep
  // each feature's bounding box for hit tests and zooming.
  function decodeGeometry(g, ox, oy, scale, box) {
    var polys = [], s = Infinity, w = Infinity, n = -Infinity, e = -Infinity;
    for (var p = 0; p < g.length; p++) {
      var rings = [];
      for (var r = 0; r < g[p].length; r++) {
        var ring = g[p][r], pts = new Array(ring.length / 2), x = ox, y = oy;
        for (var k = 0; k < ring.length; k += 2) {
          x += ring[k]; y += ring[k + 1];
          var lat = y / scale, lng = x / scale;
          pts[k / 2] = L.latLng(lat, lng);
          if (r === 0) {
            if (lat < s) { s = lat; } if (lat > n) { n = lat; }
            if (lng < w) { w = lng; } if (lng > e) { e = lng; }
          }
        }
        rings.push(pts);
      }
      polys.push(rings);
    }
    box.push(s, w, n, e);
    return polys;
  }

  // Leaflet closes each ring with closePath(); on one path of thousands of rings Chromium
  // makes that quadratic (seconds for 30,000 parcels). A line back to the first vertex
  // closes the ring the same way at linear cost.
  function patchCanvas() {
    L.Canvas.include({
      _updatePoly: function (layer, closed) {
        if (!this._drawing) { return; }
        var parts = layer._parts, ctx = this._ctx;
        if (!parts.length) { return; }
        ctx.beginPath();
        for (var i = 0; i < parts.length; i++) {
          var part = parts[i];
          for (var j = 0; j < part.length; j++) {
            if (j) { ctx.lineTo(part[j].x, part[j].y); } else { ctx.moveTo(part[j].x, part[j].y); }
          }
          if (closed && part.length) { ctx.lineTo(part[0].x, part[0].y); }
        }
        this._fillStroke(ctx, layer);
      }
    });
  }

  api.init = function (map, labels) {
    patchCanvas();
    api.map = map;
    api.labels = labels;
    // The data layers draw on one canvas (fast for many parcels); everything else (the
    // highlight, leaflet-measure's lines and vertices, which style their SVG elements)
    // takes SVG.
    api.canvas = L.canvas({padding: 0.5});
    map.options.renderer = L.svg({padding: 0.5});
    L.control.scale({imperial: false, maxWidth: 160, position: 'bottomleft'}).addTo(map);
    // Pan popups clear of the title (top) and the layer control and legend (right).
    api.popup = L.popup({maxWidth: 380, minWidth: 220, autoPanPaddingTopLeft: [50, 90],
      autoPanPaddingBottomRight: [280, 30]});
    api.tooltip = L.tooltip({sticky: true, direction: 'top', opacity: 0.92, offset: [0, -6]});
    map.on('popupclose', function () { if (api.highlight) { api.highlight.remove(); } });
    map.on('click', onClick);
    map.on('mousemove', onMove);
    map.on('mouseout', function () { api.tooltip.remove(); });
    map.on('measurestart', function () { api.measuring = true; });
    map.on('measurefinish', function () { setTimeout(function () { api.measuring = false; }, 0); });
    map.on('zoomend', syncPlaceLabels);
    map.getContainer().addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a.ld-also-link');
      if (!a) { return; }
      e.preventDefault();
      e.stopPropagation();
      var ds = api.datasets[a.getAttribute('data-ds')], i = Number(a.getAttribute('data-i'));
      api.openPopup(ds, i, api.popup.getLatLng());
    }, true);
    window.addEventListener('beforeprint', beforePrint);
    window.addEventListener('afterprint', afterPrint);
  };

  api.addDataset = function (name, d) {
    var n = d.n, props = new Array(n), cols = {};
    Object.keys(d.cols).forEach(function (c) { cols[c] = decodeColumn(d.cols[c], n); });
    for (var i = 0; i < n; i++) {
      var p = {};
      for (var c in cols) { p[c] = cols[c][i]; }
      props[i] = p;
    }
    var shapes = new Array(n), boxes = new Array(n);
    for (var j = 0; j < n; j++) {
      if (d.geom[j]) {
        var box = [];
        shapes[j] = decodeGeometry(d.geom[j], d.origin[0], d.origin[1], d.scale, box);
        boxes[j] = box;
      } else {
        shapes[j] = null;
      }
    }
    api.mark('dataset ' + name);
    api.datasets[name] = {name: name, n: n, props: props, shapes: shapes, boxes: boxes,
      popup: d.popup, title: d.title, search: d.search || [], tooltip: d.tooltip || [],
      pick: d.pick === undefined ? null : d.pick, label: d.label || '', columns: Object.keys(cols),
      groupsOf: new Array(n), grid: null};
  };

  function fmtNumber(v, digits) {
    return Number(v).toLocaleString('zh-CN',
      {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }

  function fmt(v, f) {
    if (v === null || v === undefined || v === '') { return null; }
    var lab = api.labels;
    switch (f) {
      case 'num0': return fmtNumber(v, 0);
      case 'num1': return fmtNumber(v, 1);
      case 'num2': return fmtNumber(v, 2);
      case 'pct': return fmtNumber(v * 100, 1) + '%';
      case 'bool': return v ? lab.yes : lab.no;
      case 'flags': return v.split(',').filter(Boolean).map(function (c) {
        return (lab.flags && lab.flags[c]) || c; }).join('、') || null;
      case 'class': case 'treatment': case 'tier': case 'kind': case 'source': case 'status':
        return (lab[f] && lab[f][v]) || v;
      default: return v;
    }
  }
  api.fmt = fmt;

  // Property values are HTML-escaped in Python (encode.py), so they are inserted as markup.
  api.popupHtml = function (ds, i) {
    var p = ds.props[i], rows = '';
    ds.popup.forEach(function (f) {
      var v = f.c2 ? (p[f.c] || p[f.c2]) : p[f.c];
      var shown = fmt(v, f.f);
      if (shown !== null) { rows += '<tr><th>' + f.l + '</th><td>' + shown + '</td></tr>'; }
    });
    var head = ds.label ? '<span class="ld-popup-kind">' + ds.label + '</span>' : '';
    return '<div class="ld-popup" data-ds="' + ds.name + '">' + head +
      '<div class="ld-popup-title">' + (p[ds.title] || '') + '</div><table>' + rows +
      '</table></div>';
  };

  function alsoHtml(others) {
    if (!others || !others.length) { return ''; }
    return '<div class="ld-also">' + api.labels.alsoHere + '：' + others.map(function (h) {
      var title = h.ds.props[h.i][h.ds.title] || '';
      return '<a href="#" class="ld-also-link" data-ds="' + h.ds.name + '" data-i="' + h.i +
        '">' + h.ds.label + ' ' + title + '</a>';
    }).join('；') + '</div>';
  }

  function tooltipHtml(ds, i) {
    var p = ds.props[i];
    return ds.tooltip.map(function (c) { return p[c]; }).filter(Boolean).join(' · ');
  }

  function styleFor(spec, p) {
    var s = {color: spec.color, weight: spec.weight, opacity: spec.opacity,
      fillOpacity: spec.fillOpacity, fill: spec.fillOpacity > 0, dashArray: spec.dash || null,
      interactive: false};
    var v = spec.fillBy ? p[spec.fillBy] : null;
    s.fillColor = (spec.fillMap && v !== null && v !== undefined && spec.fillMap[v]) ||
      spec.fillColor;
    if (spec.dashBy) { s.dashArray = p[spec.dashBy] ? null : '4 3'; }
    // a marked feature (e.g. a decision the review changed) gets a heavy outline
    var mark = spec.strokeBy ? spec.strokeMap[p[spec.strokeBy]] : null;
    if (mark) { s.color = mark; s.weight = Math.max(2.5, spec.weight); s.opacity = 1; }
    return s;
  }

  function accept(spec, p) {
    if (!spec.filter) { return true; }
    var v = p[spec.filter.c];
    return spec.filter.in.indexOf(v === null || v === undefined ? '' : v) >= 0;
  }

  // The user's filters (county, platform, class, treatment) on a filterable layer.
  function passes(p) {
    for (var c in api.filters) {
      var want = api.filters[c];
      if (want !== '' && want !== null && want !== undefined && p[c] !== want) { return false; }
    }
    return true;
  }

  // Ray casting over every ring (holes included: even-odd rule).
  function inside(shape, lat, lng) {
    var hit = false;
    for (var p = 0; p < shape.length; p++) {
      for (var r = 0; r < shape[p].length; r++) {
        var ring = shape[p][r];
        for (var a = 0, b = ring.length - 1; a < ring.length; b = a++) {
          var ya = ring[a].lat, yb = ring[b].lat;
          if ((ya > lat) !== (yb > lat) &&
              lng < (ring[b].lng - ring[a].lng) * (lat - ya) / (yb - ya) + ring[a].lng) {
            hit = !hit;
          }
        }
      }
    }
    return hit;
  }

  // A uniform grid over a dataset's features: the candidates of a point are one cell's.
  function grid(ds) {
    if (ds.grid) { return ds.grid; }
    var s = Infinity, w = Infinity, n = -Infinity, e = -Infinity, i;
    for (i = 0; i < ds.n; i++) {
      var b = ds.boxes[i];
      if (!b) { continue; }
      if (b[0] < s) { s = b[0]; } if (b[1] < w) { w = b[1]; }
      if (b[2] > n) { n = b[2]; } if (b[3] > e) { e = b[3]; }
    }
    var size = Math.max(1, Math.min(512, Math.ceil(Math.sqrt(ds.n))));
    var g = {s: s, w: w, dy: Math.max((n - s) / size, 1e-9), dx: Math.max((e - w) / size, 1e-9),
      size: size, cells: {}};
    for (i = 0; i < ds.n; i++) {
      var bx = ds.boxes[i];
      if (!bx) { continue; }
      var r0 = cellOf(g, bx[0], 'y'), r1 = cellOf(g, bx[2], 'y');
      var c0 = cellOf(g, bx[1], 'x'), c1 = cellOf(g, bx[3], 'x');
      for (var r = r0; r <= r1; r++) {
        for (var c = c0; c <= c1; c++) {
          var key = r * (size + 1) + c;
          (g.cells[key] = g.cells[key] || []).push(i);
        }
      }
    }
    ds.grid = g;
    return g;
  }
  function cellOf(g, v, axis) {
    var k = axis === 'y' ? Math.floor((v - g.s) / g.dy) : Math.floor((v - g.w) / g.dx);
    return Math.max(0, Math.min(g.size, k));
  }

  function shown(ds, i) {
    var groups = ds.groupsOf[i];
    if (!groups) { return false; }
    for (var k = 0; k < groups.length; k++) {
      if (groups[k]._ldOn[i] && api.map.hasLayer(groups[k])) { return true; }
    }
    return false;
  }

  function featureAt(ds, latlng) {
    var g = grid(ds), lat = latlng.lat, lng = latlng.lng;
    if (lat < g.s - g.dy || lng < g.w - g.dx) { return -1; }
    var items = g.cells[cellOf(g, lat, 'y') * (g.size + 1) + cellOf(g, lng, 'x')] || [];
    for (var k = items.length - 1; k >= 0; k--) {
      var i = items[k], b = ds.boxes[i];
      if (lat < b[0] || lat > b[2] || lng < b[1] || lng > b[3]) { continue; }
      if (shown(ds, i) && inside(ds.shapes[i], lat, lng)) { return i; }
    }
    return -1;
  }

  // Every shown feature under a point, one per dataset, datasets in priority order.
  api.hitsAt = function (latlng) {
    var names = Object.keys(api.datasets).filter(function (k) {
      return api.datasets[k].pick !== null; });
    names.sort(function (a, b) { return api.datasets[a].pick - api.datasets[b].pick; });
    var hits = [];
    names.forEach(function (name) {
      var ds = api.datasets[name], i = featureAt(ds, latlng);
      if (i >= 0) { hits.push({ds: ds, i: i}); }
    });
    return hits;
  };

  function onClick(e) {
    if (api.measuring) { return; }
    var hits = api.hitsAt(e.latlng);
    if (hits.length) { api.openPopup(hits[0].ds, hits[0].i, e.latlng, hits.slice(1)); }
  }

  var moveFrame = null, lastMove = null;
  function onMove(e) {
    lastMove = e.latlng;
    if (moveFrame) { return; }
    moveFrame = requestAnimationFrame(function () {
      moveFrame = null;
      var hits = api.measuring ? [] : api.hitsAt(lastMove);
      api.map.getContainer().style.cursor = hits.length ? 'pointer' : '';
      var top = hits.length ? hits[0] : null;
      if (!top || !top.ds.tooltip.length) { api.tooltip.remove(); return; }
      api.tooltip.setLatLng(lastMove).setContent(tooltipHtml(top.ds, top.i));
      if (!api.tooltip._map) { api.tooltip.addTo(api.map); }
    });
  }

  api.openPopup = function (ds, i, latlng, others) {
    if (api.highlight) { api.highlight.remove(); }
    if (others === undefined) {
      others = api.hitsAt(latlng).filter(function (h) { return h.ds !== ds; });
    }
    api.highlight = L.polygon(ds.shapes[i], {color: '#00e5ff', weight: 3, fill: false,
      interactive: false}).addTo(api.map);
    api.popup.setLatLng(latlng).setContent(api.popupHtml(ds, i) + alsoHtml(others))
      .openOn(api.map);
    api.popup._ldFeature = [ds.name, i];
  };

  // Draw a group's features that pass its own filter and (when filterable) the user's.
  function draw(group) {
    var spec = group._ldSpec, ds = api.datasets[spec.dataset], byStyle = {}, order = [];
    var varies = Boolean(spec.fillBy || spec.dashBy || spec.strokeBy);
    var fixed = varies ? null : styleFor(spec, {});
    group._ldItems = [];
    group._ldOn = new Uint8Array(ds.n);
    group._ldAll.forEach(function (i) {
      if (spec.filterable && !passes(ds.props[i])) { return; }
      var style = varies ? styleFor(spec, ds.props[i]) : fixed;
      var key = varies ? JSON.stringify(style) : '';
      if (!byStyle[key]) { byStyle[key] = {style: style, items: []}; order.push(key); }
      byStyle[key].items.push(i);
      group._ldItems.push(i);
      group._ldOn[i] = 1;
    });
    order.forEach(function (key) {
      var part = byStyle[key], latlngs = [];
      part.items.forEach(function (i) {
        for (var p = 0; p < ds.shapes[i].length; p++) { latlngs.push(ds.shapes[i][p]); }
      });
      var path = L.polygon(latlngs, L.extend({renderer: api.canvas}, part.style));
      path._ldItems = part.items;
      path._ldDataset = spec.dataset;
      group.addLayer(path);
    });
  }

  function fill(group) {
    var spec = group._ldSpec, ds = api.datasets[spec.dataset];
    group._ldAll = [];
    for (var i = 0; i < ds.n; i++) {
      if (!ds.shapes[i] || !accept(spec, ds.props[i])) { continue; }
      group._ldAll.push(i);
      (ds.groupsOf[i] = ds.groupsOf[i] || []).push(group);
    }
    draw(group);
    group._ldFilled = true;
  }

  api.layer = function (spec) {
    var group = L.featureGroup();
    group._ldKey = spec.key;
    group._ldSpec = spec;
    group._ldItems = [];
    group._ldOn = new Uint8Array(0);
    if (spec.lazy) {
      group.on('add', function () { if (!group._ldFilled) { fill(group); } });
    } else {
      fill(group);
    }
    api.layers[spec.key] = group;
    api.mark('layer ' + spec.key);
    return group;
  };

  // Features drawn now: of one layer (key), of one dataset, or all.
  api.drawn = function (key, dataset) {
    var total = 0;
    Object.keys(api.layers).forEach(function (k) {
      var g = api.layers[k];
      if ((key && k !== key) || !api.map.hasLayer(g)) { return; }
      g.eachLayer(function (path) {
        if (!dataset || path._ldDataset === dataset) { total += path._ldItems.length; }
      });
    });
    return total;
  };

  api.bounds = function (dsName, i) {
    var b = api.datasets[dsName].boxes[i];
    return L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
  };

  // A point inside the feature (for clicking it or anchoring its popup).
  api.pointIn = function (dsName, i) {
    var ds = api.datasets[dsName], b = ds.boxes[i];
    var c = L.latLng((b[0] + b[2]) / 2, (b[1] + b[3]) / 2);
    if (inside(ds.shapes[i], c.lat, c.lng)) { return c; }
    var ring = ds.shapes[i][0][0];
    for (var k = 1; k < ring.length - 1; k++) {
      var m = L.latLng((ring[0].lat + ring[k].lat + ring[k + 1].lat) / 3,
        (ring[0].lng + ring[k].lng + ring[k + 1].lng) / 3);
      if (inside(ds.shapes[i], m.lat, m.lng)) { return m; }
    }
    return c;
  };

  api.focus = function (dsName, i) {
    var ds = api.datasets[dsName], map = api.map, groups = ds.groupsOf[i] || [];
    if (!groups.length) { return false; }
    if (!groups.some(function (g) { return map.hasLayer(g); })) {
      // The feature's layer is switched off: switch it on so the result can be seen.
      map.addLayer(groups[0]);
    }
    map.fitBounds(api.bounds(dsName, i), {maxZoom: 17, animate: false});
    api.openPopup(ds, i, api.pointIn(dsName, i));
    return true;
  };

  api.search = function (query, limit) {
    var q = escapeHtml(String(query).trim()).toLowerCase(), hits = [];
    if (!q) { return hits; }
    limit = limit || 10;
    Object.keys(api.datasets).forEach(function (name) {
      var ds = api.datasets[name];
      for (var i = 0; i < ds.n && hits.length < limit; i++) {
        if (!ds.groupsOf[i]) { continue; }
        for (var k = 0; k < ds.search.length; k++) {
          var s = ds.props[i][ds.search[k]];
          if (s && String(s).toLowerCase().indexOf(q) >= 0) {
            hits.push({dataset: name, index: i, title: ds.props[i][ds.title] || '', match: s,
              kind: ds.label});
            break;
          }
        }
      }
    });
    return hits;
  };

  api.addSearch = function (opts) {
    var Search = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var box = L.DomUtil.create('div', 'leaflet-bar ld-search');
        box.innerHTML = '<input type="search" class="ld-search-input" placeholder="' +
          opts.placeholder + '" aria-label="' + opts.placeholder + '">' +
          '<ul class="ld-search-list"></ul>';
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var input = box.querySelector('input'), list = box.querySelector('ul'), hits = [];
        function show() {
          hits = api.search(input.value, 10);
          if (!input.value.trim()) { list.innerHTML = ''; return; }
          if (!hits.length) {
            list.innerHTML = '<li class="ld-none">' + opts.none + '</li>';
            return;
          }
          list.innerHTML = hits.map(function (h, k) {
            var extra = h.match !== h.title ? ' <span>' + h.match + '</span>' : '';
            var kind = h.kind ? '<em>' + h.kind + '</em> ' : '';
            return '<li data-k="' + k + '">' + kind + h.title + extra + '</li>';
          }).join('');
        }
        function choose(k) {
          var h = hits[k];
          if (h) { list.innerHTML = ''; api.focus(h.dataset, h.index); }
        }
        input.addEventListener('input', show);
        input.addEventListener('keydown', function (e) {
          if (e.key === 'Enter') { show(); choose(0); }
          if (e.key === 'Escape') { input.value = ''; list.innerHTML = ''; }
        });
        list.addEventListener('click', function (e) {
          var li = e.target.closest('li[data-k]');
          if (li) { choose(Number(li.getAttribute('data-k'))); }
        });
        return box;
      }
    });
    new Search().addTo(api.map);
  };

  // --- filters and the CSV export of the parcels shown ---------------------------------
  function filterableGroups() {
    return Object.keys(api.layers).map(function (k) { return api.layers[k]; })
      .filter(function (g) { return g._ldSpec.filterable && g._ldFilled; });
  }

  api.setFilter = function (column, value) {
    api.filters[column] = value || '';
    filterableGroups().forEach(function (g) { g.clearLayers(); draw(g); });
    if (api.popup && api.popup._map) { api.map.closePopup(); }
    if (api.updateCount) { api.updateCount(); }
    return api.shownParcels().length;
  };

  // Parcels drawn now on a layer that is switched on (what the filters and layers show).
  api.shownParcels = function (inView) {
    var ds = api.datasets.parcels, out = [], view = inView ? api.map.getBounds() : null;
    if (!ds) { return out; }
    for (var i = 0; i < ds.n; i++) {
      if (!shown(ds, i)) { continue; }
      if (view && !view.intersects(api.bounds('parcels', i))) { continue; }
      out.push(i);
    }
    return out;
  };

  function csvCell(text) {
    if (text === null || text === undefined) { return ''; }
    var s = unescapeHtml(text);
    if (/^[=+\-@\t\r＝＋－＠]/.test(s)) { s = "'" + s; }  // never a formula in a spreadsheet
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  // Rows of the parcels shown: the header (titles of the popup) then one row per parcel.
  api.exportRows = function (inView) {
    var ds = api.datasets.parcels, rows = [];
    if (!ds) { return rows; }
    var fields = [{l: api.labels.parcelCode, c: ds.title, f: 'text'}].concat(ds.popup);
    rows.push(fields.map(function (f) { return unescapeHtml(f.l); }));
    api.shownParcels(inView).forEach(function (i) {
      var p = ds.props[i];
      rows.push(fields.map(function (f) {
        var v = f.c2 ? (p[f.c] || p[f.c2]) : p[f.c];
        if (v === null || v === undefined || v === '') { return null; }
        if (/^num/.test(f.f)) { return String(v); }
        if (f.f === 'pct') { return String(v); }  // a share 0-1, as the CSV of the lists
        return unescapeHtml(fmt(v, f.f));
      }));
    });
    return rows;
  };

  api.exportCsv = function (inView) {
    var text = api.exportRows(inView).map(function (r) {
      return r.map(csvCell).join(',');
    }).join('\r\n') + '\r\n';
    var blob = new Blob(['\ufeff' + text], {type: 'text/csv;charset=utf-8'});
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = api.labels.csvName;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    return text;
  };

  api.addFilters = function (defs, opts) {
    var ds = api.datasets.parcels;
    if (!ds) { return; }
    defs = defs.filter(function (d) { return ds.columns.indexOf(d.c) >= 0; });
    api.filterDefs = defs;
    var Filters = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var box = L.DomUtil.create('div', 'leaflet-bar ld-filter');
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var html = '<div class="ld-filter-head">' + opts.title + '</div>';
        defs.forEach(function (d) {
          var seen = {}, values = [];
          ds.props.forEach(function (p) {
            var v = p[d.c];
            if (v === null || v === undefined || v === '' || seen[v]) { return; }
            seen[v] = 1;
            values.push(v);
          });
          var rank = {};
          (d.order || []).forEach(function (v, k) { rank[v] = k; });
          values.sort(function (a, b) {
            var ra = a in rank ? rank[a] : 1e9, rb = b in rank ? rank[b] : 1e9;
            return ra !== rb ? ra - rb : String(a).localeCompare(String(b), 'zh-CN');
          });
          html += '<label>' + d.l + '<select data-c="' + d.c + '"><option value="">' +
            opts.all + '</option>' + values.map(function (v) {
              return '<option value="' + v + '">' + (fmt(v, d.f) || v) + '</option>';
            }).join('') + '</select></label>';
        });
        html += '<div class="ld-filter-count"></div><label class="ld-filter-view">' +
          '<input type="checkbox" class="ld-filter-inview"> ' + opts.inView + '</label>' +
          '<button type="button" class="ld-filter-csv">' + opts.csv + '</button>';
        box.innerHTML = html;
        var count = box.querySelector('.ld-filter-count');
        api.updateCount = function () {
          count.textContent = opts.count.replace('{n}', fmtNumber(api.shownParcels().length, 0))
            .replace('{total}', fmtNumber(ds.n, 0));
        };
        box.querySelectorAll('select').forEach(function (sel) {
          sel.addEventListener('change', function () {
            // the options hold escaped text, as the properties do
            api.setFilter(sel.getAttribute('data-c'), sel.value ? escapeHtml(sel.value) : '');
          });
        });
        box.querySelector('.ld-filter-csv').addEventListener('click', function () {
          api.exportCsv(box.querySelector('.ld-filter-inview').checked);
        });
        Object.keys(api.layers).forEach(function (key) {
          api.layers[key].on('add remove', function () { setTimeout(api.updateCount, 0); });
        });
        setTimeout(api.updateCount, 0);
        return box;
      }
    });
    new Filters().addTo(api.map);
  };

  api.addLegend = function (sections) {
    var Legend = L.Control.extend({
      options: {position: 'bottomright'},
      onAdd: function () {
        var box = L.DomUtil.create('div', 'ld-legend');
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        box.innerHTML = sections.map(function (s, k) {
          var items = s.items.map(function (it) {
            return '<div class="ld-item"><i class="ld-sw ld-' + (it.s || 'fill') +
              '" style="--c:' + it.c + '"></i>' + it.l + '</div>';
          }).join('');
          return '<div class="ld-section" data-k="' + k + '"><div class="ld-head">' + s.title +
            '</div>' + items + '</div>';
        }).join('');
        function sync() {
          sections.forEach(function (s, k) {
            if (!s.layers) { return; }
            var on = s.layers.some(function (key) {
              return api.layers[key] && api.map.hasLayer(api.layers[key]); });
            box.querySelector('[data-k="' + k + '"]').style.display = on ? '' : 'none';
          });
        }
        Object.keys(api.layers).forEach(function (key) {
          api.layers[key].on('add remove', function () { setTimeout(sync, 0); });
        });
        sync();
        return box;
      }
    });
    new Legend().addTo(api.map);
  };

  api.addTitle = function (title, subtitle) {
    var div = L.DomUtil.create('div', 'ld-title', api.map.getContainer());
    div.innerHTML = '<div class="ld-title-main">' + title + '</div><div class="ld-title-sub">' +
      subtitle + '</div>';
  };

  api.addLabels = function (labels) {
    labels.forEach(function (t) {
      L.tooltip({permanent: true, direction: 'center', className: 'ld-label',
        interactive: false}).setLatLng([t[1], t[2]]).setContent(t[0]).addTo(api.map);
    });
  };

  // Names of features (platforms) on the map, shown from a zoom on; a click opens the
  // feature's popup. Each label: [text, lat, lng, minZoom, dataset, index].
  api.addPlaceLabels = function (labels) {
    labels.forEach(function (t) {
      var icon = L.divIcon({className: 'ld-plabel', html: '<span>' + t[0] + '</span>',
        iconSize: null});
      var marker = L.marker([t[1], t[2]], {icon: icon, keyboard: false, riseOnHover: true});
      marker._ldMinZoom = t[3];
      marker.on('click', function () {
        var ds = api.datasets[t[4]];
        if (ds) { api.openPopup(ds, t[5], L.latLng(t[1], t[2])); }
      });
      marker.addTo(api.map);
      api.placeLabels.push(marker);
    });
    syncPlaceLabels();
  };
  function syncPlaceLabels() {
    var z = api.map.getZoom();
    api.placeLabels.forEach(function (m) {
      var el = m.getElement();
      if (el) { el.style.display = z >= m._ldMinZoom ? '' : 'none'; }
    });
  }

  api.addNorthArrow = function (title) {
    var North = L.Control.extend({
      options: {position: 'bottomleft'},
      onAdd: function () {
        var box = L.DomUtil.create('div', 'ld-north');
        box.title = title;
        box.innerHTML = '<svg viewBox="0 0 24 36" width="24" height="36" aria-label="' + title +
          '"><polygon points="12,2 20,26 12,21 4,26" fill="#222"/>' +
          '<polygon points="12,2 12,21 4,26" fill="#fff" stroke="#222" stroke-width="1"/>' +
          '<text x="12" y="35" text-anchor="middle" font-size="10" font-weight="bold">N</text>' +
          '</svg>';
        return box;
      }
    });
    new North().addTo(api.map);
  };

  api.addAttribution = function (text) {
    if (api.map.attributionControl) { api.map.attributionControl.addAttribution(text); }
  };

  // --- print: the map as it is on screen, scaled to one A4 landscape page ---------------
  var printed = null;
  function beforePrint() {
    // Leaflet's own idea of the map's size: what the canvas was drawn for
    var c = api.map.getContainer(), size = api.map.getSize();
    printed = {width: c.style.width, height: c.style.height};
    // The map keeps its pixel size, so Leaflet redraws nothing and the canvas stays true;
    // CSS zoom fits it into the printable area of the page (285 x 198 mm at 96 px/inch).
    c.style.setProperty('width', size.x + 'px', 'important');
    c.style.setProperty('height', size.y + 'px', 'important');
    var zoom = Math.min(1070 / size.x, 740 / size.y, 1);
    document.documentElement.style.setProperty('--ld-print-zoom', String(zoom));
  }
  function afterPrint() {
    if (!printed) { return; }
    var c = api.map.getContainer();
    c.style.removeProperty('width');
    c.style.removeProperty('height');
    c.style.width = printed.width;
    c.style.height = printed.height;
    document.documentElement.style.removeProperty('--ld-print-zoom');
    printed = null;
  }
  api.beforePrint = beforePrint;
  api.afterPrint = afterPrint;

  return api;
})();
window.LANDEVAL = LANDEVAL;
"""

RUNTIME_CSS = """
.leaflet-container { background: #e9e7e1; font-family: "Microsoft YaHei", "PingFang SC",
  "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; }
.ld-title { position: absolute; top: 8px; left: 50%; transform: translateX(-50%);
  z-index: 800; pointer-events: none; background: rgba(255,255,255,0.92); padding: 6px 14px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); text-align: center;
  max-width: calc(100% - 620px); min-width: 240px; }
.ld-title-main { font-size: 17px; font-weight: bold; color: #222; }
.ld-title-sub { font-size: 12px; color: #555; }
.ld-legend { background: rgba(255,255,255,0.94); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px; line-height: 18px;
  max-height: 60vh; overflow-y: auto; }
.ld-head { font-weight: bold; margin-top: 4px; }
.ld-item { white-space: nowrap; }
.ld-sw { display: inline-block; width: 14px; height: 12px; margin-right: 6px;
  vertical-align: -1px; border: 1px solid #555; background: var(--c); }
.ld-sw.ld-line { background: transparent; border: 2px solid var(--c); height: 8px; }
.ld-sw.ld-dash { background: transparent; border: 2px dashed var(--c); height: 8px; }
.ld-search { background: #fff; padding: 4px; width: 230px; }
.ld-search-input { width: 100%; box-sizing: border-box; font-size: 13px; padding: 3px 5px;
  border: 1px solid #bbb; border-radius: 3px; }
.ld-search-list { list-style: none; margin: 2px 0 0 0; padding: 0; max-height: 260px;
  overflow-y: auto; font-size: 12px; }
.ld-search-list li { padding: 3px 4px; cursor: pointer; border-bottom: 1px solid #eee; }
.ld-search-list li:hover { background: #eef4ff; }
.ld-search-list li span { color: #777; }
.ld-search-list li em { color: #2c5d8f; font-style: normal; font-size: 11px; }
.ld-search-list li.ld-none { color: #999; cursor: default; }
.ld-filter { background: #fff; padding: 4px 6px; width: 226px; font-size: 12px; }
.ld-filter-head { font-weight: bold; margin-bottom: 2px; }
.ld-filter label { display: block; margin: 2px 0; }
.ld-filter select { width: 100%; font-size: 12px; }
.ld-filter-count { color: #555; margin: 3px 0; }
.ld-filter-csv { width: 100%; font-size: 12px; cursor: pointer; margin-top: 2px; }
.ld-popup-kind { font-size: 11px; color: #2c5d8f; }
.ld-popup-title { font-weight: bold; font-size: 14px; margin-bottom: 4px; word-break: break-all; }
.ld-popup table { border-collapse: collapse; font-size: 12px; }
.ld-popup th { text-align: left; color: #555; font-weight: normal; padding: 1px 8px 1px 0;
  white-space: nowrap; vertical-align: top; }
.ld-popup td { padding: 1px 0; }
.ld-also { margin-top: 6px; padding-top: 4px; border-top: 1px solid #ddd; font-size: 12px; }
.leaflet-tooltip.ld-label { background: transparent; border: none; box-shadow: none;
  font-size: 15px; font-weight: bold; color: #555; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.leaflet-tooltip.ld-label::before { display: none; }
.ld-plabel { white-space: nowrap; }
.ld-plabel span { display: inline-block; transform: translate(-50%, -50%); font-size: 12px;
  font-weight: bold; color: #1f3b57; background: rgba(255,255,255,0.78); padding: 0 4px;
  border-radius: 3px; border: 1px solid rgba(31,59,87,0.35); cursor: pointer; }
.ld-north { background: rgba(255,255,255,0.85); padding: 2px 4px; border-radius: 3px;
  line-height: 0; }
.leaflet-control-layers-overlays label, .leaflet-control-layers-group label { font-size: 12px; }
.leaflet-control-layers-group-name { font-weight: bold; font-size: 12px; }
@page { size: A4 landscape; margin: 6mm; }
@media print {
  html, body { width: auto !important; height: auto !important; overflow: hidden !important;
    margin: 0 !important; }
  /* the page's size when no script ran before printing; the script pins the screen size */
  .folium-map { width: 277mm !important; height: 190mm !important;
    zoom: var(--ld-print-zoom, 1); page-break-inside: avoid; break-inside: avoid; }
  .leaflet-control-layers, .leaflet-control-zoom, .leaflet-control-zoom-fullscreen,
  .ld-search, .ld-filter, .leaflet-control-measure, .leaflet-popup,
  .leaflet-tooltip:not(.ld-label) { display: none !important; }
  .ld-title { max-width: 70%; }
  .leaflet-container, .ld-legend, .ld-title, .ld-sw, .leaflet-pane canvas {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

"""The browser side of the maps: one small script and stylesheet inlined into every page.

``LANDEVAL`` decodes the compact layer data (:mod:`landeval.maps.encode`) and builds one
Leaflet feature group per category on the canvas renderer. Inside a group, features sharing
a style are drawn as one multi-polygon path (a handful of Leaflet objects instead of one per
parcel, which is what keeps a 30,000-parcel page quick); a click or hover is resolved to its
feature by a bounding-box and point-in-polygon test. Popups and tooltips are built from the
feature's (already HTML-escaped) properties; the search box, legend and title live here too.
Tests reach the map through ``window.LANDEVAL`` (``map``, ``layers``, ``datasets``,
``drawn``, ``bounds``, ``pointIn``, ``focus``).
"""

from __future__ import annotations

RUNTIME_JS = r"""
var LANDEVAL = (function () {
  var api = {map: null, datasets: {}, layers: {}, labels: {}, timings: [], popup: null};
  // Phase timings (ms since navigation start) for the benchmark; cheap enough to keep.
  api.mark = function (what) { api.timings.push([what, performance.now()]); };

  function escapeHtml(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
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
    L.control.scale({imperial: false, maxWidth: 160}).addTo(map);
    // Pan popups clear of the title (top) and the layer control and legend (right).
    api.popup = L.popup({maxWidth: 380, minWidth: 220, autoPanPaddingTopLeft: [50, 90],
      autoPanPaddingBottomRight: [280, 30]});
    api.tooltip = L.tooltip({sticky: true, direction: 'top', opacity: 0.92, offset: [0, -6]});
    map.on('popupclose', function () { if (api.highlight) { api.highlight.remove(); } });
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
      groupsOf: new Array(n)};
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
      case 'class': case 'treatment': case 'tier': case 'kind':
        return (lab[f] && lab[f][v]) || v;
      default: return v;
    }
  }

  // Property values are HTML-escaped in Python (encode.py), so they are inserted as markup.
  api.popupHtml = function (ds, i) {
    var p = ds.props[i], rows = '';
    ds.popup.forEach(function (f) {
      var v = f.c2 ? (p[f.c] || p[f.c2]) : p[f.c];
      var shown = fmt(v, f.f);
      if (shown !== null) { rows += '<tr><th>' + f.l + '</th><td>' + shown + '</td></tr>'; }
    });
    return '<div class="ld-popup"><div class="ld-popup-title">' + (p[ds.title] || '') +
      '</div><table>' + rows + '</table></div>';
  };

  function tooltipHtml(ds, i) {
    var p = ds.props[i];
    return ds.tooltip.map(function (c) { return p[c]; }).filter(Boolean).join(' · ');
  }

  function styleFor(spec, p) {
    var s = {color: spec.color, weight: spec.weight, opacity: spec.opacity,
      fillOpacity: spec.fillOpacity, fill: spec.fillOpacity > 0, dashArray: spec.dash || null,
      interactive: spec.interactive};
    var v = spec.fillBy ? p[spec.fillBy] : null;
    s.fillColor = (spec.fillMap && v !== null && v !== undefined && spec.fillMap[v]) ||
      spec.fillColor;
    if (spec.dashBy) { s.dashArray = p[spec.dashBy] ? null : '4 3'; }
    return s;
  }

  function accept(spec, p) {
    if (!spec.filter) { return true; }
    var v = p[spec.filter.c];
    return spec.filter.in.indexOf(v === null || v === undefined ? '' : v) >= 0;
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

  function featureAt(ds, items, latlng) {
    var lat = latlng.lat, lng = latlng.lng;
    for (var k = items.length - 1; k >= 0; k--) {
      var i = items[k], b = ds.boxes[i];
      if (lat < b[0] || lat > b[2] || lng < b[1] || lng > b[3]) { continue; }
      if (inside(ds.shapes[i], lat, lng)) { return i; }
    }
    return -1;
  }

  api.openPopup = function (ds, i, latlng) {
    if (api.highlight) { api.highlight.remove(); }
    api.highlight = L.polygon(ds.shapes[i], {color: '#00e5ff', weight: 3, fill: false,
      interactive: false}).addTo(api.map);
    api.popup.setLatLng(latlng).setContent(api.popupHtml(ds, i)).openOn(api.map);
    api.popup._ldFeature = [ds.name, i];
  };

  // One canvas path per style within a category: a few paths instead of one Leaflet
  // object per parcel keeps 30,000 parcels quick to open; hits are resolved per feature.
  function fill(group, spec) {
    var ds = api.datasets[spec.dataset], byStyle = {}, order = [];
    var varies = Boolean(spec.fillBy || spec.dashBy), fixed = varies ? null : styleFor(spec, {});
    for (var i = 0; i < ds.n; i++) {
      if (!ds.shapes[i] || !accept(spec, ds.props[i])) { continue; }
      var style = varies ? styleFor(spec, ds.props[i]) : fixed;
      var key = varies ? JSON.stringify(style) : '';
      if (!byStyle[key]) { byStyle[key] = {style: style, items: []}; order.push(key); }
      byStyle[key].items.push(i);
      (ds.groupsOf[i] = ds.groupsOf[i] || []).push(group);
      group._ldItems.push(i);
    }
    order.forEach(function (key) {
      var part = byStyle[key], latlngs = [];
      part.items.forEach(function (i) {
        for (var p = 0; p < ds.shapes[i].length; p++) { latlngs.push(ds.shapes[i][p]); }
      });
      var path = L.polygon(latlngs, part.style);
      path._ldItems = part.items;
      path._ldDataset = spec.dataset;
      if (spec.interactive) {
        path.on('click', function (e) {
          var i = featureAt(ds, part.items, e.latlng);
          if (i >= 0) { api.openPopup(ds, i, e.latlng); }
        });
        if (ds.tooltip.length) {
          path.on('mousemove', function (e) {
            var i = featureAt(ds, part.items, e.latlng);
            if (i < 0) { api.tooltip.remove(); return; }
            api.tooltip.setLatLng(e.latlng).setContent(tooltipHtml(ds, i));
            if (!api.tooltip._map) { api.tooltip.addTo(api.map); }
          });
          path.on('mouseout', function () { api.tooltip.remove(); });
        }
      }
      group.addLayer(path);
    });
    group._ldFilled = true;
  }

  api.layer = function (spec) {
    var group = L.featureGroup();
    group._ldKey = spec.key;
    group._ldItems = [];
    if (spec.lazy) {
      group.on('add', function () { if (!group._ldFilled) { fill(group, spec); } });
    } else {
      fill(group, spec);
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
          if (s && s.toLowerCase().indexOf(q) >= 0) {
            hits.push({dataset: name, index: i, title: ds.props[i][ds.title] || '', match: s});
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
            return '<li data-k="' + k + '">' + h.title + extra + '</li>';
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

  return api;
})();
window.LANDEVAL = LANDEVAL;
"""

RUNTIME_CSS = """
.leaflet-container { background: #f4f3ef; font-family: "Microsoft YaHei", "PingFang SC",
  "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; }
.ld-title { position: absolute; top: 8px; left: 50%; transform: translateX(-50%);
  z-index: 800; pointer-events: none; background: rgba(255,255,255,0.92); padding: 6px 14px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); text-align: center; }
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
.ld-search-list li.ld-none { color: #999; cursor: default; }
.ld-popup-title { font-weight: bold; font-size: 14px; margin-bottom: 4px; word-break: break-all; }
.ld-popup table { border-collapse: collapse; font-size: 12px; }
.ld-popup th { text-align: left; color: #555; font-weight: normal; padding: 1px 8px 1px 0;
  white-space: nowrap; vertical-align: top; }
.ld-popup td { padding: 1px 0; }
.leaflet-tooltip.ld-label { background: transparent; border: none; box-shadow: none;
  font-size: 14px; font-weight: bold; color: #666; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.leaflet-tooltip.ld-label::before { display: none; }
.leaflet-control-layers-overlays label { font-size: 12px; }
"""

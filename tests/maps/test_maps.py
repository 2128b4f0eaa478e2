"""Unit tests of landeval.maps: GCJ-02, encoding, escaping, offline assets, pages written."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from landeval.config import default_config, load_config
from landeval.errors import ConfigError, DataError
from landeval.maps import build_context, write_maps
from landeval.maps.assets import MissingAssetError, inline_assets
from landeval.maps.basemaps import TIANDITU_ENV, resolve_basemap
from landeval.maps.efficiency_map import quantile_classes
from landeval.maps.encode import (
    SCALE,
    encode_columns,
    encode_geometries,
    escape_text,
    to_js,
)
from landeval.maps.fields import parcel_attributes
from landeval.maps.gcj02 import shift_geometries, wgs84_to_gcj02
from landeval.maps.platform_map import platform_attributes
from landeval.maps.simplify import county_outlines, display_geometry
from tests.maps.test_fixture import QUOTE_NAME, XSS_NAME, make_map_inputs

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def inputs():
    return make_map_inputs(330)


@pytest.fixture(scope="module")
def written(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    paths = write_maps(**inputs, config=default_config(), year=2024, out_dir=out)
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def _config(**maps):
    return load_config(None, maps=maps)


# --- GCJ-02 -------------------------------------------------------------------------------

# Reference values from the eviltransform project's own tests
# (github.com/googollee/eviltransform, python/test.py, TESTS: wgsLat, wgsLng, gcjLat, gcjLng).
EVILTRANSFORM_TESTS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # beijing
]


@pytest.mark.parametrize(("wlat", "wlng", "glat", "glng"), EVILTRANSFORM_TESTS)
def test_gcj02_matches_published_vectors_within_1m(wlat, wlng, glat, glng):
    lon, lat = wgs84_to_gcj02(wlng, wlat)
    _, _, dist = GEOD.inv(float(lon), float(lat), glng, glat)
    assert dist < 1.0
    # ...and the shift itself is hundreds of metres, so the test is not vacuous.
    _, _, shift = GEOD.inv(wlng, wlat, glng, glat)
    assert shift > 300


def test_gcj02_vectorised_and_outside_china_unchanged():
    lon, lat = wgs84_to_gcj02(
        np.array([121.5272106, 2.35, 120.63]), np.array([31.1774276, 48.85, 30.06])
    )
    assert lon[1] == 2.35 and lat[1] == 48.85  # Paris stays where it is
    assert abs(lon[0] - 121.531541859215) < 1e-8
    # Shaoxing (袍江) moves by several hundred metres
    _, _, d = GEOD.inv(120.63, 30.06, float(lon[2]), float(lat[2]))
    assert 300 < d < 800


def test_shift_geometries_moves_every_vertex():
    box = shapely.box(120.6, 30.0, 120.61, 30.01)
    (moved,) = shift_geometries(np.array([box], dtype=object))
    a = shapely.get_coordinates(box)
    b = shapely.get_coordinates(moved)
    expect_lon, expect_lat = wgs84_to_gcj02(a[:, 0], a[:, 1])
    np.testing.assert_allclose(b[:, 0], expect_lon)
    np.testing.assert_allclose(b[:, 1], expect_lat)


# --- encoding -------------------------------------------------------------------------------


def _decode(origin, ring):
    x, y = origin
    out = []
    for k in range(0, len(ring), 2):
        x += ring[k]
        y += ring[k + 1]
        out.append((x, y))
    return out


def test_encode_geometries_hand_computed():
    # A 2 x 1 unit box (1e-5 degree units): vertices from (maxx, miny) counter-clockwise.
    sq = shapely.box(120.0, 30.0, 120.00002, 30.00001)
    origin, enc = encode_geometries(np.array([sq, None], dtype=object))
    assert origin == [12000000, 3000000]
    assert enc == [[[[2, 0, 0, 1, -2, 0, 0, -1]]], None]


def test_encode_geometries_keeps_shared_edges_and_holes():
    left = shapely.Polygon([(120.0, 30.0), (120.001, 30.0), (120.001, 30.001), (120.0, 30.001)])
    right = shapely.Polygon(
        [(120.001, 30.0), (120.002, 30.0), (120.002, 30.001), (120.001, 30.001)],
        holes=[[(120.0013, 30.0003), (120.0017, 30.0003), (120.0017, 30.0007)]],
    )
    origin, (a, b) = encode_geometries(np.array([left, right], dtype=object))
    pa = set(_decode(origin, a[0][0]))
    pb = set(_decode(origin, b[0][0]))
    assert pa & pb == {(12000100, 3000000), (12000100, 3000100)}  # the shared edge
    assert len(b[0]) == 2  # exterior and hole
    assert sorted(_decode(origin, b[0][1])) == [
        (12000130, 3000030),
        (12000170, 3000030),
        (12000170, 3000070),
    ]


def test_encode_geometries_drops_repeated_vertices_after_rounding():
    # Two vertices 0.2 m apart round to the same 1e-5 degree: one is dropped.
    poly = shapely.Polygon(
        [(120.0, 30.0), (120.001, 30.0), (120.001000002, 30.0), (120.001, 30.001)]
    )
    origin, (enc,) = encode_geometries(np.array([poly], dtype=object))
    assert len(_decode(origin, enc[0][0])) == 3


def test_encode_columns_dictionary_escaping_and_numbers():
    frame = pd.DataFrame(
        {
            "name": [XSS_NAME, "甲", None, "甲", "甲", "甲", "甲", "甲"],
            "code": [f"c{i}" for i in range(8)],
            "value": [1.23456, np.nan, 2.0, 3.5, None, 0.0, -1.25, 10.0],
            "ok": [True, False, None, True, True, True, True, True],
        }
    ).astype({"name": "string", "code": "string"})
    enc = encode_columns(
        frame, {"name": "text", "code": "text", "value": "num2", "ok": "bool", "absent": "num1"}
    )
    assert enc["name"]["d"] == ["&lt;script&gt;alert(1)&lt;/script&gt;", "甲"]
    assert enc["name"]["i"] == [0, 1, -1, 1, 1, 1, 1, 1]
    assert enc["code"] == {"v": [f"c{i}" for i in range(8)]}  # all distinct: no dictionary
    assert enc["value"]["v"] == [1.23, None, 2, 3.5, None, 0, -1.25, 10]
    assert enc["ok"]["v"] == [True, False, None, True, True, True, True, True]
    assert enc["absent"]["v"] == [None] * 8


def test_escape_text_and_to_js_cannot_close_the_script():
    assert escape_text(QUOTE_NAME) == "&quot;引号&#x27; &amp; &lt;b&gt;粗体&lt;/b&gt;有限公司"
    assert escape_text(None) is None and escape_text(np.nan) is None and escape_text(pd.NA) is None
    text = to_js({"a": "</script><script>alert(1)</script>", "b": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "\u2028"}


def test_quantile_classes_hand_computed():
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, None], dtype="float64")
    classes, bins = quantile_classes(values, 5)
    assert bins == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])  # linear-interpolated quantiles
    assert classes[:10].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert np.isnan(classes[10])
    # Many ties give fewer classes, never an error.
    classes, bins = quantile_classes(pd.Series([0.0] * 8 + [5.0, 9.0]), 5)
    assert bins[0] == 0.0 and bins[-1] == 9.0 and len(bins) < 5
    assert quantile_classes(pd.Series([None, None], dtype="float64"), 5)[1] == []


def test_parcel_attributes_normalises_flags_and_categories():
    frame = pd.DataFrame(
        {
            "flags": ["IDLE,FAR_LOW", "TAX_LOW；CLASS_C", None, ["CLASS_D"], ""],
            "class": ["D", "C", None, "D", "A"],
            "main_name": ["甲", "乙", None, "丁", "戊"],
            "occupant_names": ["甲", "乙；丙", None, "丁", "戊"],
        }
    )
    before = frame.copy()
    out = parcel_attributes(frame)
    pd.testing.assert_frame_equal(frame, before)  # input untouched

    def plain(col):
        return [None if pd.isna(v) else v for v in out[col].tolist()]

    assert plain("flags") == ["IDLE,FAR_LOW", "TAX_LOW,CLASS_C", None, "CLASS_D", None]
    assert plain("cat") == ["IDLE", "C", "NONE", "D", "A"]
    assert plain("occupant_names")[:2] == [None, "乙；丙"]


def test_platform_attributes_joins_summary_and_class_mix(inputs):
    plats = pd.DataFrame(inputs["platforms"].drop(columns="geometry"))
    summary = inputs["platform_summary"]
    out = platform_attributes(plats, summary)
    row = out.set_index("platform_id").loc["P01"]
    src = summary.set_index("platform_id").loc["P01"]
    assert row["parcels"] == src["parcels"] == 30
    assert row["class_mix"].startswith(f"A {src['area_mu_A']:,.1f}亩 · B ")


# --- geometry for display -------------------------------------------------------------------


def test_coverage_simplification_keeps_shared_edges_shared():
    # Two parcels sharing a zig-zag edge with sub-metre wiggles (EPSG:4549 metres).
    x0, y0 = 40_500_000.0, 3_326_000.0
    x0 = 560_000.0
    edge = [(x0 + 100 + (0.3 if i % 2 else 0.0), y0 + i * 2.0) for i in range(51)]
    left = shapely.Polygon([(x0, y0), *edge, (x0, y0 + 100)])
    right = shapely.Polygon([(x0 + 200, y0), (x0 + 200, y0 + 100), *edge[::-1]])
    frame = gpd.GeoDataFrame(geometry=[left, right], crs="EPSG:4549")
    assert shapely.coverage_is_valid(np.asarray(frame.geometry.array))
    out = display_geometry(frame, coverage=True, tolerance_m=1.0)
    assert shapely.get_num_coordinates(out[0]) < shapely.get_num_coordinates(left) / 4
    # Still a coverage: no gap and no overlap between the neighbours.
    assert shapely.coverage_is_valid(out)
    assert shapely.intersection(out[0], out[1]).area < 1e-14


def test_display_geometry_reprojects_and_handles_missing():
    frame = gpd.GeoDataFrame(
        geometry=[shapely.box(560_000, 3_326_000, 560_100, 3_326_100), None], crs="EPSG:4549"
    )
    out = display_geometry(frame, coverage=True)
    assert out[1] is None
    x, y = shapely.get_coordinates(out[0])[0]
    assert 120.5 < x < 120.7 and 30.0 < y < 30.1


def test_county_outlines_cover_each_countys_parcels(inputs):
    parcels = inputs["parcel_eval"]
    outlines = county_outlines(parcels)
    assert sorted(outlines["county_code"]) == sorted(parcels["county_code"].unique())
    for _, row in outlines.iterrows():
        own = parcels[parcels["county_code"] == row["county_code"]]
        covered = shapely.intersection(shapely.union_all(own.geometry.array), row.geometry).area
        assert covered / own.area.sum() > 0.99


# --- basemaps -------------------------------------------------------------------------------


def test_basemap_tianditu_needs_a_token():
    with pytest.raises(ConfigError, match=TIANDITU_ENV):
        resolve_basemap(_config(basemap="tianditu"), environ={})
    bm = resolve_basemap(
        _config(basemap="tianditu", tianditu_layer="img"), environ={TIANDITU_ENV: "abc123"}
    )
    assert [t.overlay for t in bm.tiles] == [False, True]
    assert "LAYER=img" in bm.tiles[0].url and "LAYER=cia" in bm.tiles[1].url
    assert bm.tiles[0].url.endswith("tk=abc123") and not bm.gcj02


def test_basemap_custom_and_amap_and_none():
    with pytest.raises(ConfigError, match="tile_url"):
        resolve_basemap(_config(basemap="custom"), environ={})
    custom = resolve_basemap(
        _config(basemap="custom", tile_url="http://gis.local/t/{z}/{x}/{y}.png"), environ={}
    )
    assert custom.tiles[0].url == "http://gis.local/t/{z}/{x}/{y}.png"
    assert resolve_basemap(_config(basemap="amap"), environ={}).gcj02
    assert resolve_basemap(default_config(), environ={}).tiles == ()


def test_web_basemap_adds_only_tile_urls(inputs, tmp_path):
    paths = write_maps(**inputs, config=_config(basemap="osm"), year=2024, out_dir=tmp_path)
    html = paths[0].read_text(encoding="utf-8")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)


def test_amap_shifts_every_overlay(inputs):
    plain = build_context(**inputs, config=default_config(), year=2024)
    shifted = build_context(**inputs, config=_config(basemap="amap"), year=2024)
    for layer in ("parcels", "platforms", "control_line", "balance_items", "counties"):
        a, b = getattr(plain, layer), getattr(shifted, layer)
        west_a, south_a, *_ = a.bounds
        west_b, south_b, *_ = b.bounds
        _, _, d = GEOD.inv(west_a, south_a, west_b, south_b)
        assert 300 < d < 800, layer


# --- assets and pages -----------------------------------------------------------------------


def test_inline_assets_replaces_links_and_rejects_unknown():
    html = (
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
        '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"/>'
    )
    out = inline_assets(html)
    assert "<script src=" not in out and "<link" not in out
    assert "L.Map" in out or "Leaflet" in out
    with pytest.raises(MissingAssetError):
        inline_assets('<script src="https://example.com/x.js"></script>')


def test_write_maps_writes_four_offline_pages(written):
    assert sorted(written) == [
        "efficiency_map.html",
        "index.html",
        "platform_map.html",
        "treatment_map.html",
    ]
    for name, html in written.items():
        assert len(html.encode()) < 5_000_000, name
        assert not re.search(r"<script[^>]+src=", html), name
        assert not re.search(r"<link[^>]+href=", html), name
        assert not re.search(r"url\(\s*['\"]?https?:", html), name
        assert "@import" not in html, name
        # Any URL left is a link or a comment, never a fetched resource.
        for url in re.findall(r"https?://[^\s\"')<>]+", html):
            assert url.startswith(
                (
                    "https://leafletjs.com",
                    "http://www.w3.org/",
                    "https://www.jsdelivr.com/",
                    "http://www.sitepoint.com/",
                    "https://bugzilla.mozilla.org/",
                )
            ), (name, url)
    index = written["index.html"]
    for name in ("platform_map.html", "treatment_map.html", "efficiency_map.html"):
        assert f'href="{name}"' in index


def test_pages_carry_title_year_and_layers(written):
    html = written["treatment_map.html"]
    assert "<title>绍兴市低效工业用地“四个一批”处置图</title>" in html
    assert "评价年度 2024 · 数据日期 2024" in html
    for key in (
        "treatment_EXIT",
        "treatment_KEEP",
        "balance_supplement",
        "control_line",
        "counties",
    ):
        assert f'"key":"{key}"' in html
    assert (
        "L.control.fullscreen" in html and "L.control.layers" in html and "L.control.scale" in html
    )
    assert '"preferCanvas": true' in html


def test_input_text_is_escaped_everywhere(written):
    for name in ("platform_map.html", "treatment_map.html", "efficiency_map.html"):
        html = written[name]
        assert "alert(1)" in html or name == "platform_map.html"  # the name is shipped...
        assert "<script>alert(1)" not in html  # ...but never as markup
        assert "\\u0026lt;script\\u0026gt;alert(1)" in html
        assert "<b>粗体" not in html


def test_template_syntax_in_names_is_not_evaluated(inputs, tmp_path):
    parcels = inputs["parcel_eval"].copy()
    occupied = parcels.index[parcels["main_name"].notna()]
    parcels.loc[occupied[5], "main_name"] = "{{ 7*7 }}公司"
    parcels.loc[occupied[6], "main_name"] = "{% if x %}公司"
    paths = write_maps(
        **{**inputs, "parcel_eval": parcels}, config=default_config(), year=2024, out_dir=tmp_path
    )
    html = paths[1].read_text(encoding="utf-8")
    assert "{{ 7*7 }}公司" in html and "{% if x %}公司" in html


def test_write_maps_is_deterministic_and_pure(inputs, written, tmp_path):
    copies = {k: v.copy() for k, v in inputs.items()}
    paths = write_maps(**inputs, config=default_config(), year=2024, out_dir=tmp_path)
    assert {p.name: p.read_text(encoding="utf-8") for p in paths} == written
    for k, v in inputs.items():
        pd.testing.assert_frame_equal(pd.DataFrame(v), pd.DataFrame(copies[k]))


def test_optional_layers_may_be_missing_and_english(inputs, tmp_path):
    paths = write_maps(
        parcel_eval=inputs["parcel_eval"],
        platforms=None,
        platform_summary=None,
        control_line=None,
        balance_items=None,
        config=default_config(),
        year=2023,
        out_dir=tmp_path,
        lang="en",
    )
    html = paths[1].read_text(encoding="utf-8")
    assert "Shut down and exit" in html and "Evaluation year 2023" in html
    assert '"key":"balance_convert"' not in html and '"key":"control_line"' not in html


def test_split_by_county_above_threshold(inputs, tmp_path):
    paths = write_maps(
        **inputs, config=default_config(), year=2024, out_dir=tmp_path, max_parcels_per_map=100
    )
    names = [p.name for p in paths]
    assert "treatment_map_330602.html" in names and "efficiency_map_330624.html" in names
    assert len(names) == 3 * 6 + 1
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "各图已按县（市、区）分别生成" in index and "越城区" in index
    yuecheng = (tmp_path / "treatment_map_330602.html").read_text(encoding="utf-8")
    assert '"n":90,' in yuecheng  # 3 of the 11 platforms (30 parcels each) are in 越城区


def test_no_drawable_parcels_is_a_data_error(inputs, tmp_path):
    empty = inputs["parcel_eval"].iloc[:0]
    with pytest.raises(DataError):
        write_maps(
            **{**inputs, "parcel_eval": empty}, config=default_config(), year=2024, out_dir=tmp_path
        )
    assert not any(tmp_path.iterdir())


def test_scale_constant_is_about_one_metre():
    _, _, d = GEOD.inv(120.6, 30.0, 120.6 + 1 / SCALE, 30.0)
    assert 0.9 < d < 1.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(120.0, 121.0, allow_nan=False), st.floats(29.5, 30.5, allow_nan=False)),
        min_size=3,
        max_size=12,
    )
)
def test_encode_geometries_round_trips_to_rounded_vertices(points):
    ring = shapely.convex_hull(shapely.multipoints(points))
    if ring.geom_type != "Polygon":
        return
    origin, (enc,) = encode_geometries(np.array([ring], dtype=object))
    decoded = _decode(origin, enc[0][0])
    expected = np.rint(shapely.get_coordinates(ring.exterior)[:-1] * SCALE).astype(int)
    dedup = [tuple(expected[0])]
    for p in map(tuple, expected[1:]):
        if p != dedup[-1]:
            dedup.append(p)
    assert decoded == dedup

"""Tests of landeval.maps.encode: quantised geometry, escaped columns, safe JSON."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from landeval.maps.encode import (
    SCALE,
    encode_columns,
    encode_geometries,
    escape_text,
    to_js,
)
from tests.maps.test_fixture import QUOTE_NAME, XSS_NAME

GEOD = Geod(ellps="WGS84")


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

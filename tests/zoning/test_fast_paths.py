"""The vectorised helpers behind the zoning stage give what the plain computation gives.

Arrow text helpers (lookups, per-value functions, joined flag texts) on missing values,
duplicates, Chinese and formula-like text; the overlay's bounds-and-grid shortcut against
GEOS predicates pair by pair; the batched union; the county test with a shared tree.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
from shapely.geometry import Polygon, box

from landeval.zoning import balance, flags
from landeval.zoning._arrow import (
    encode,
    equals,
    first_positions,
    join_masks,
    per_value,
    per_value_str,
    str_array,
    take_float,
    take_str,
    to_str,
)
from landeval.zoning._overlay import Geoms, _intersecting, _union_groups, pair_overlaps, subdivide

TEXTS = ["绍兴", None, "=SUM(A1)", "", "-12", "330602", "绍兴", "1e308", None, "C1711"]


def test_str_array_round_trip_matches_pandas_conversion():
    values = np.array([*TEXTS, 7, -3.5], dtype=object)
    expected = pd.array(values, dtype="str")
    got = to_str(str_array(pd.Series(values)))
    pd.testing.assert_extension_array_equal(got, expected)
    # A str column is taken as it is.
    series = pd.Series(TEXTS, dtype="str")
    pd.testing.assert_extension_array_equal(to_str(str_array(series)), series.array)


@pytest.mark.parametrize("n_keys", [3, 40])  # hash the keys / hash the queries
def test_first_positions_first_match_and_missing(n_keys):
    keys = ["b", None, "绍兴", "b", "=A1", *[f"k{i}" for i in range(n_keys - 5)]][:n_keys]
    keys = keys if n_keys >= 5 else ["b", None, "b"]
    queries = ["b", None, "zz", "绍兴", "=A1"]
    got = first_positions(str_array(pd.Series(queries)), str_array(pd.Series(keys)))
    index = pd.Index(pd.Series(keys, dtype="str").to_numpy(dtype=object))
    expected = [index.get_loc(q) if q in keys else -1 for q in queries]
    expected = [e if isinstance(e, int) else int(np.flatnonzero(e)[0]) for e in expected]
    assert got.tolist() == expected


def test_first_positions_same_sorted_keys_and_unsorted_keys():
    ids = str_array(pd.Series([f"p{i:03d}" for i in range(50)]))
    assert first_positions(ids, ids).tolist() == list(range(50))
    shuffled = ids.take(pa.array(np.random.default_rng(0).permutation(50)))
    pos = first_positions(ids, shuffled)
    assert shuffled.take(pa.array(pos)).equals(ids)
    dup = str_array(pd.Series(["a", "a", "b"]))
    assert first_positions(dup, dup).tolist() == [0, 0, 2]


def test_take_helpers_give_missing_for_negative_positions():
    arr = str_array(pd.Series(["x", "绍兴"]))
    assert take_str(arr, np.array([1, -1, 0])).to_pylist() == ["绍兴", None, "x"]
    assert take_str(str_array(pd.Series([], dtype="str")), np.array([-1])).to_pylist() == [None]
    got = take_float(np.array([1.5, -2.0]), np.array([-1, 1, 0]))
    assert np.isnan(got[0]) and got[1:].tolist() == [-2.0, 1.5]


def test_per_value_and_equals_treat_missing_as_none():
    arr = str_array(pd.Series(TEXTS))
    lengths = per_value(arr, lambda v: -1 if v is None else len(v), dtype=np.int64)
    assert lengths.tolist() == [-1 if v is None else len(v) for v in TEXTS]
    upper = per_value_str(arr, lambda v: None if v is None else v.upper() + "!")
    assert upper.to_pylist() == [None if v is None else v.upper() + "!" for v in TEXTS]
    assert equals(arr, "绍兴").tolist() == [v == "绍兴" for v in TEXTS]
    codes, uniq = encode(arr)
    assert [None if c < 0 else uniq[c] for c in codes] == TEXTS


def test_join_masks_equals_join_where():
    rng = np.random.default_rng(3)
    masks = {k: rng.random(200) < 0.3 for k in ("A", "B", "C", "D")}
    masks["B"][:] = False
    texts = {"A": "容积率", "B": "=x", "C": "-1", "D": "闲置"}
    got = join_masks(masks, texts, "；").to_pylist()
    assert got == flags.join_where(masks, texts, "；").tolist()
    assert join_masks({}, {}, ";").to_pylist() == []


def _reference_pairs(left, pieces):
    tree = shapely.STRtree(left)
    pi, li = tree.query(pieces, predicate="intersects")
    within = shapely.contains_properly(pieces[pi], left[li])
    return pi, li, within


def _shapes():
    ring = [(0, 0), (100, 0), (100, 100), (60, 100), (60, 40), (40, 40), (40, 100), (0, 100)]
    concave = Polygon(ring)
    holed = Polygon(
        [(200, 0), (300, 0), (300, 100), (200, 100)], [[(230, 30), (270, 30), (270, 70), (230, 70)]]
    )
    rotated = shapely.affinity.rotate(box(400, 0, 500, 100), 17)
    return np.array([concave, holed, rotated, box(0, 200, 100, 300)], dtype=object)


def _lattice(step: float, size: float, offset: float = 0.0) -> np.ndarray:
    xs, ys = np.meshgrid(np.arange(-20, 520, step) + offset, np.arange(-20, 320, step) + offset)
    return shapely.box(xs, ys, xs + size, ys + size).ravel()


@pytest.mark.parametrize(
    ("step", "size", "offset"),
    [(5.0, 5.0, 0.0), (7.0, 3.0, 0.5), (12.5, 12.5, 0.0), (3.0, 40.0, 0.25)],
)
def test_intersecting_matches_geos_pair_by_pair(step, size, offset):
    left = _lattice(step, size, offset)
    left[::97] = None
    left[5::89] = shapely.Polygon()
    pieces, _ = subdivide(_shapes())
    pi, li, within = _intersecting(Geoms(left), pieces)
    ref_pi, ref_li, ref_within = _reference_pairs(left, pieces)
    assert np.array_equal(pi, ref_pi)
    assert np.array_equal(li, ref_li)
    assert np.array_equal(within, ref_within)
    assert within.any() and (~within).any()


def test_pair_overlaps_same_with_shared_geoms():
    left = _lattice(6.0, 6.0, 0.3)
    right = _shapes()
    geoms = Geoms(left)
    a = pair_overlaps(left, right)
    b = pair_overlaps(geoms, right)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert np.array_equal(geoms.area, shapely.area(left), equal_nan=True)


def test_union_groups_equals_union_per_run():
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(0, 100, 40), rng.uniform(0, 100, 40)
    geoms = shapely.box(xs, ys, xs + rng.uniform(1, 30, 40), ys + rng.uniform(1, 30, 40))
    starts = np.array([0, 1, 5, 6, 20, 39])
    runs = np.split(geoms, starts[1:])
    expected = [shapely.union_all(r) for r in runs]
    got = _union_groups(geoms, starts)
    assert shapely.to_wkb(got).tolist() == shapely.to_wkb(np.array(expected)).tolist()


def test_in_county_with_shared_tree_matches_plain():
    rng = np.random.default_rng(2)
    cells = _lattice(20.0, 20.0)
    parcels = gpd.GeoDataFrame(
        {"county_code": pd.array(np.where(shapely.bounds(cells)[:, 0] < 250, "A", "B"), "str")},
        geometry=cells,
        crs="EPSG:4549",
    )
    line = gpd.GeoDataFrame(
        {"county_code": ["B", None]},
        geometry=[box(600, 0, 700, 100), box(-300, 0, -200, 100)],
        crs="EPSG:4549",
    )
    xs, ys = rng.uniform(-400, 800, 300), rng.uniform(-100, 400, 300)
    items = gpd.GeoDataFrame(
        {"county_code": pd.array(rng.choice(["A", "B", "C"], 300), "str")},
        geometry=shapely.box(xs, ys, xs + 10, ys + 10),
        crs="EPSG:4549",
    )
    # Points on shared edges: equally near to parcels of both counties.
    items.loc[:9, "geometry"] = [shapely.box(245, 100, 255, 110) for _ in range(10)]
    geoms = Geoms(np.asarray(parcels.geometry.values, dtype=object))
    for cl in (line, None):
        plain = balance._in_county(items, parcels, cl)
        shared = balance._in_county(items, parcels, cl, geoms)
        assert np.array_equal(plain, shared)


def test_industry_lookup_order_of_sources_and_missing_keys():
    import tests.treatments.test_flags as hand  # the hand-made parcels of the flag tests
    from landeval.config import default_config

    ps = hand.parcel_scores()
    ps.loc[ps["parcel_id"] == "p2", "main_industry"] = None  # looked up for F2
    ps.loc[ps["parcel_id"] == "p5", "main_industry"] = ""  # looked up for F5
    firms = pd.DataFrame(
        {"uscc": ["F8", None, "F2", "F2"], "industry_code": ["C2611", "C3911", None, "C1811"]}
    )
    scores = pd.DataFrame(
        {
            "uscc": ["F5", "F2", "F5"],
            "year": [2024, 2024, 2023],
            "industry_code": ["C2911", "C9999", "C1000"],
        }
    )
    expected = {
        # firms first (F2's first row has no industry), then this year's firm scores; a
        # parcel without occupant (p3) takes the firm row without uscc, as a pandas
        # lookup matches missing to missing.
        "both": {"p2": "C1811", "p3": "C3911", "p5": "C2911"},
        "scores": {"p2": "C9999", "p3": None, "p5": "C2911"},
        "firms": {"p2": "C1811", "p3": "C3911", "p5": ""},
    }
    for case, sources in (
        ("both", {"firms": firms, "firm_scores": scores}),
        ("scores", {"firms": None, "firm_scores": scores}),
        ("firms", {"firms": firms, "firm_scores": None}),
    ):
        out, _ = hand.run(default_config(), parcel_scores=ps, **sources)
        got = out.set_index("parcel_id")["industry_code"]
        for pid, code in expected[case].items():
            assert (pd.isna(got[pid]) and code is None) or got[pid] == code, (case, pid)
        assert got["p1"] == "C1711"

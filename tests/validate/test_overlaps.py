"""Overlapping features: thresholds, and the cheap bounds never below the exact overlap."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from landeval.validate import check_overlaps
from landeval.validate.overlaps import _overlap_upper_bounds, _padded_rings, _strip_bounds
from tests.validate._helpers import codes_of, parcels_of


def test_overlap_above_thresholds():
    # P0 and P1 overlap by 10 m x 100 m = 1,000 m² = 10 % of 10,000 m²: flagged.
    # P2 touches P1 only along an edge: not flagged. P3 overlaps P2 by 0.5 m²: below 1 m².
    parcels = parcels_of(
        [
            box(0, 0, 100, 100),
            box(90, 0, 190, 100),
            box(190, 0, 290, 100),
            box(289.995, 0, 389.995, 100),
        ]
    )
    found = check_overlaps(parcels)
    assert codes_of(found) == [("warning", "PARCEL_OVERLAP", "P0")]
    assert "与 P1 重叠 1,000.0 m² (占较小者 10.0%)" in found["message"].iloc[0]


def test_overlap_share_threshold_and_containment():
    # A 2 m² sliver of a 1 ha parcel (0.02 %) is below 1 %; a parcel inside another is found.
    parcels = parcels_of([box(0, 0, 100, 100), box(99, 0, 199, 2), box(10, 10, 20, 20)])
    found = check_overlaps(parcels)
    assert codes_of(found) == [("warning", "PARCEL_OVERLAP", "P0")]
    assert "与 P2 重叠 100.0 m² (占较小者 100.0%)" in found["message"].iloc[0]


def test_overlapping_platforms_are_a_note_of_another_code():
    platforms = gpd.GeoDataFrame(
        {"platform_id": ["A", "B"]}, geometry=[box(0, 0, 100, 100), box(50, 0, 150, 100)]
    )
    found = check_overlaps(platforms, layer="platforms", severity="info")
    assert codes_of(found) == [("info", "GEOMETRY_OVERLAP", "A")]


def _star(rng: np.random.Generator, cx: float, cy: float) -> shapely.Geometry:
    k = int(rng.integers(3, 9))
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    r = rng.uniform(2, 40, k)
    poly = shapely.Polygon(np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)])
    return poly if poly.is_valid else shapely.make_valid(poly)


def _kinked_row(rng: np.random.Generator, n: int, y0: float = 0.0) -> list[shapely.Geometry]:
    """A row of parcels whose shared cuts have a kink (reflex for one of the two)."""
    xs = np.cumsum(rng.uniform(40, 80, n + 1))
    mid = rng.uniform(-15, 15, n + 1)
    mid[[0, -1]] = 0.0
    ymid = y0 + rng.uniform(15, 35, n + 1)
    return [
        shapely.Polygon(
            [
                (xs[i], y0),
                (xs[i + 1], y0),
                (xs[i + 1] + mid[i + 1], ymid[i + 1]),
                (xs[i + 1], y0 + 50),
                (xs[i], y0 + 50),
                (xs[i] + mid[i], ymid[i]),
            ]
        )
        for i in range(n)
    ]


def _all_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    left, right = shapely.STRtree(geoms).query(geoms)
    keep = left != right
    return left[keep], right[keep]


def _exact(geoms, a, b) -> np.ndarray:
    return shapely.area(shapely.intersection(geoms[a], geoms[b]))


def test_strip_bound_is_never_below_the_exact_overlap():
    rng = np.random.default_rng(11)
    shapes = [_star(rng, *rng.uniform(0, 150, 2)) for _ in range(300)]
    shapes += _kinked_row(rng, 30) + _kinked_row(rng, 30, y0=50.0)
    shapes += [
        shapely.box(0, 0, 50, 50).difference(shapely.box(10, 10, 20, 20)),  # a hole
        shapely.box(5, 5, 30, 30).reverse(),  # clockwise
        shapely.Polygon([(0, 0), (10, 0), (10, 0), (10, 10), (0, 10)]),  # repeated vertex
        shapely.box(12, 12, 18, 18),  # inside the hole
    ]
    geoms = np.array(shapes, dtype=object)
    a, b = _all_pairs(geoms)
    bound = _strip_bounds(geoms, a, b, np.full(len(a), np.inf))
    exact = _exact(geoms, a, b)
    assert (bound >= exact - 1e-9 * np.maximum(exact, 1.0)).all()
    assert (bound < np.inf).sum() > 0.9 * len(bound)


def test_strip_bound_of_kinked_and_straight_neighbours_is_float_noise():
    rng = np.random.default_rng(3)
    rows = _kinked_row(rng, 40) + _kinked_row(rng, 40, y0=50.0)
    geoms = np.array(rows, dtype=object)
    a, b = _all_pairs(geoms)
    assert (_exact(geoms, a, b) < 1e-6).all()
    assert (_strip_bounds(geoms, a, b, np.full(len(a), 1e-6)) < 1e-6).all()


def test_strip_bound_edge_cases():
    with np.errstate(invalid="ignore"):  # shapely warns about the NaN coordinate
        nan_ring = shapely.Polygon([(0, 0), (10, np.nan), (10, 10), (0, 10)])
    geoms = np.array(
        [
            shapely.box(0, 0, 10, 10),
            shapely.box(2, 2, 4, 4),  # contained: the whole 4 m²
            shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6)]),
            shapely.Polygon(),
            shapely.Polygon([(0, 0), (5, 5), (10, 10), (0, 0)]),  # no area
            shapely.Polygon(np.c_[np.cos(np.arange(20)), np.sin(np.arange(20))]).convex_hull,
            nan_ring,
        ],
        dtype=object,
    )
    assert len(_strip_bounds(geoms, np.array([], int), np.array([], int), np.array([]))) == 0
    bound = _strip_bounds(
        geoms, np.array([0, 1, 0, 0, 0, 0, 0]), np.array([1, 0, 2, 3, 4, 5, 6]), np.full(7, 0.0)
    )
    assert bound[0] >= 4.0 and bound[1] >= 4.0
    assert np.isinf(bound[[2, 3, 5, 6]]).all()  # multi-part, empty, too many vertices, NaN
    assert bound[4] >= 0.0  # no area: any bound is valid


def _brute_force(gdf: gpd.GeoDataFrame, min_m2: float, min_share: float) -> list[str]:
    geoms = gdf.geometry.to_numpy()
    i, j = np.triu_indices(len(geoms), 1)
    inter = _exact(geoms, i, j)
    smaller = np.minimum(shapely.area(geoms[i]), shapely.area(geoms[j]))
    bad = (inter > min_m2) & (inter > min_share * smaller)
    return [f"P{x}" for x in i[bad]]


def test_check_overlaps_matches_brute_force_on_random_and_perturbed_shapes():
    rng = np.random.default_rng(5)
    shapes = _kinked_row(rng, 25) + _kinked_row(rng, 25, y0=50.0)
    for k in range(0, 50, 5):  # shifted, slightly shifted (slivers), scaled copies
        shapes[k] = shapely.affinity.translate(shapes[k], *rng.normal(0, 2, 2))
        shapes[k + 1] = shapely.affinity.translate(shapes[k + 1], *rng.normal(0, 0.02, 2))
        shapes[k + 2] = shapely.affinity.scale(shapes[k + 2], 1.03, 0.98)
    shapes += [_star(rng, *rng.uniform(0, 1500, 1), rng.uniform(0, 100)) for _ in range(60)]
    shapes += [shapes[7]]  # a duplicate
    geoms = np.array([g if g.is_valid else shapely.make_valid(g) for g in shapes], dtype=object)
    gdf = gpd.GeoDataFrame({"parcel_id": [f"P{i}" for i in range(len(geoms))]}, geometry=geoms)
    for min_m2, min_share in ((1.0, 0.01), (0.0, 0.0), (5.0, 0.05)):
        found = check_overlaps(gdf, min_m2=min_m2, min_share=min_share)
        want = _brute_force(gdf, min_m2, min_share)
        assert sorted(found["row_id"]) == sorted(want)
        assert len(found) > 0


def test_check_overlaps_without_pairs():
    empty = gpd.GeoDataFrame({"parcel_id": pd.Series([], dtype="str")}, geometry=[])
    assert check_overlaps(empty).empty
    apart = gpd.GeoDataFrame(
        {"parcel_id": ["P0", "P1"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6)]
    )
    assert check_overlaps(apart).empty


# --- the half-plane bound -------------------------------------------------------------------


def _random_polygons(rng: np.random.Generator, n: int) -> np.ndarray:
    out = []
    for _ in range(n):
        cx, cy = rng.uniform(0, 100, 2)
        k = int(rng.integers(3, 12))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        r = rng.uniform(5, 40, k)
        poly = shapely.Polygon(np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)])
        out.append(poly if poly.is_valid else shapely.make_valid(poly))
    out.append(shapely.box(0, 0, 50, 50).difference(shapely.box(10, 10, 20, 20)))  # a hole
    out.append(shapely.MultiPolygon([shapely.box(0, 0, 5, 5), shapely.box(30, 30, 40, 40)]))
    out.append(shapely.Polygon())
    return np.array(out, dtype=object)


@pytest.mark.slow
def test_overlap_bound_is_never_below_the_exact_area():
    rng = np.random.default_rng(7)
    geoms = _random_polygons(rng, 400)
    left, right = shapely.STRtree(geoms).query(geoms)
    bound = _overlap_upper_bounds(geoms, left, right)
    exact = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    assert (bound >= exact * (1 - 1e-9) - 1e-9).all()
    assert np.isinf(bound[right == len(geoms) - 2]).all()  # multi-part: no cheap bound


def test_overlap_bound_of_neighbours_is_zero_and_of_overlaps_at_least_the_area():
    geoms = np.array(
        [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0.5, 0.5, 1.5, 1.5)]
    )
    bound = _overlap_upper_bounds(geoms, np.array([0, 0, 1]), np.array([1, 2, 2]))
    assert bound[0] == 0.0  # neighbours sharing an edge
    assert (bound[1:] >= 0.25).all()  # the overlaps are 0.25 each
    assert (bound[1:] <= 0.5).all()


def test_padded_rings_of_a_polygon_with_a_hole_are_its_exterior():
    holed = shapely.box(0, 0, 50, 50).difference(shapely.box(10, 10, 20, 20))
    geoms = np.array([holed, shapely.box(0, 0, 1, 2), None, shapely.Polygon()], dtype=object)
    rings, counts = _padded_rings(geoms, hull=False)
    assert counts.tolist() == [4, 4, 0, 0]
    exterior = shapely.get_coordinates(shapely.get_exterior_ring(holed))[:4]
    assert np.array_equal(rings[0, :4], exterior)

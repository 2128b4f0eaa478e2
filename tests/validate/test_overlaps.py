"""The overlap check's cheap strip bound: never below the exact overlap, tight for neighbours."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.validate import _strip_bounds, check_overlaps


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

"""The overlay helpers of zoning (landeval.zoning._overlay) against plain GEOS.

The bounds-and-grid shortcut against GEOS predicates pair by pair, the shared tree, the
batched union.
"""

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from landeval.zoning._overlay import Geoms, _intersecting, _union_groups, pair_overlaps, subdivide

TEXTS = ["绍兴", None, "=SUM(A1)", "", "-12", "330602", "绍兴", "1e308", None, "C1711"]


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

"""Tests of landeval.maps.gcj02: the GCJ-02 shift AMap tiles need."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from landeval.maps.gcj02 import shift_geometries, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")

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

"""Tests of landeval.maps.simplify: display geometry and county outlines."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from landeval.maps.simplify import county_outlines, display_geometry


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

"""Control-line shares: overlapping line rows union once; inside and straddling bounds."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from landeval.config import default_config
from landeval.zoning import control_line_shares

CRS = "EPSG:4549"


def test_shares_inside_and_straddling():
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["a", "f", "g", "h", "half", "out"]},
        geometry=[
            box(40, 0, 140, 10),  # 35×10 = 350 of 1000 inside
            box(0, 0, 10, 10),  # all inside
            box(70, 0, 170, 10),  # 5×10 = 50 of 1000: exactly 0.05, not straddling
            box(0, 20, 100, 30),  # 75×10 of 100×10
            box(50, 40, 100, 50),  # 25×10 of 50×10: exactly half → inside
            box(300, 0, 310, 10),
        ],
        crs=CRS,
    )
    # Two overlapping rows (0–50 and 25–75): the line is 0–75, the overlap counts once.
    line = gpd.GeoDataFrame(
        {"county_code": ["330602", "330602"]},
        geometry=[box(0, 0, 50, 100), box(25, 0, 75, 100)],
        crs=CRS,
    )
    before = line.copy()
    out = control_line_shares(parcels, line, config=default_config())
    assert out["control_share"].tolist() == pytest.approx([0.35, 1.0, 0.05, 0.75, 0.5, 0.0])
    assert out["inside_line"].tolist() == [False, True, False, True, True, False]
    assert out["straddling"].tolist() == [True, False, False, True, True, False]
    pd.testing.assert_frame_equal(line, before)


def test_no_line():
    parcels = gpd.GeoDataFrame({"parcel_id": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=CRS)
    out = control_line_shares(parcels, None, config=default_config())
    assert out["control_share"].tolist() == [0.0]
    assert not out["inside_line"].any()
    assert not out["straddling"].any()


def test_large_line_polygons_are_cut_and_shares_stay_exact():
    """A line of many vertices is subdivided; shares equal a direct intersection."""
    import numpy as np
    import shapely

    from landeval.zoning._overlay import subdivide

    ring = shapely.Point(500, 500).buffer(400, quad_segs=256)  # 1025 vertices
    hole = shapely.Point(500, 500).buffer(100, quad_segs=64)
    line_geom = ring.difference(hole)
    pieces, owner = subdivide(np.array([line_geom], dtype=object), max_vertices=64)
    assert len(pieces) > 10
    assert (shapely.get_num_coordinates(pieces) <= 64).all()
    assert (owner == 0).all()
    assert shapely.area(pieces).sum() == pytest.approx(line_geom.area, rel=1e-12)

    xs, ys = np.meshgrid(np.arange(0, 1000, 37.0), np.arange(0, 1000, 41.0))
    cells = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + 30, ys.ravel() + 30)
    parcels = gpd.GeoDataFrame(
        {"parcel_id": np.arange(len(cells)).astype(str)}, geometry=cells, crs=CRS
    )
    line = gpd.GeoDataFrame({"county_code": ["330602"]}, geometry=[line_geom], crs=CRS)
    out = control_line_shares(parcels, line, config=default_config())
    direct = shapely.area(shapely.intersection(cells, line_geom)) / 900.0
    assert np.allclose(out["control_share"].to_numpy(), direct, atol=1e-9)

"""Reading one file into its canonical frame; areas from the geometry."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import box

from landeval.config import default_config
from landeval.inputs import add_area, open_vector, read_vector
from landeval.inputs.vector import open_vector_file


def test_add_area_needs_projected_crs():
    gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 100, 50)], crs=4549)
    out = add_area(gdf)
    assert out["area_m2"].tolist() == [5000.0]
    assert out["area_mu"].tolist() == pytest.approx([7.5])  # 5000 / (10000/15)
    assert "area_m2" not in gdf.columns
    with pytest.raises(ValueError, match="projected"):
        add_area(gdf.to_crs(4490))


def _write_m_parcels(path: Path) -> None:
    wkb = shapely.to_wkb(
        shapely.from_wkt(["POLYGON M ((5e5 33e5 1, 5e5 33.1e5 1, 5.1e5 33e5 1, 5e5 33e5 1))"]),
        flavor="iso",
    )
    with warnings.catch_warnings():  # GDAL notes the M values of a layer declared without
        warnings.simplefilter("ignore")
        pyogrio.raw.write(  # geopandas writes extended WKB, which GDAL refuses for M
            path,
            geometry=wkb,
            field_data=[np.array([v], dtype=object) for v in ("P1", "330603", "100101")],
            fields=["parcel_id", "county_code", "land_use"],
            geometry_type="Polygon",
            crs="EPSG:4549",
            driver="GPKG",
            layer="parcels",
        )


def test_measured_layers_are_read_on_the_calling_thread_without_the_gdal_warning(tmp_path):
    path = tmp_path / "parcels_m.gpkg"
    _write_m_parcels(path)
    plain = tmp_path / "parcels.gpkg"
    attrs = {"parcel_id": ["P1"], "county_code": ["330603"], "land_use": ["100101"]}
    gpd.GeoDataFrame(attrs, geometry=[box(5e5, 33e5, 5.1e5, 33.1e5)], crs=4549).to_file(plain)
    assert open_vector_file(path, layer="parcels").measured
    assert not open_vector_file(plain, layer="parcels").measured
    cfg = default_config()
    with ThreadPoolExecutor(max_workers=1) as pool, warnings.catch_warnings():
        warnings.simplefilter("error")  # neither the M note nor anything else may escape
        for spec in (str(path), str(plain)):
            vector = open_vector(spec, "parcels", config=cfg).start(pool)
            assert (vector.features is None) == (spec == str(path))
            frame, findings = vector.result()
            alone, alone_findings = read_vector(spec, "parcels", config=cfg)
            pd.testing.assert_frame_equal(frame, alone)
            assert findings == alone_findings

"""Geometry repair: every repair recorded, the input left as it was."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from landeval.config import default_config
from landeval.inputs import load_project, read_vector
from landeval.validate import repair_geometries
from tests._messy import MESSY, messy_project

PARCEL_IDS = ["330603001002GB00001", "330603001002GB00002", "330603001002GB00003"]


def test_self_intersecting_polygon_is_repaired_and_recorded():
    frame, _ = read_vector("parcels_bowtie.gpkg", "parcels", config=default_config(), base=MESSY)
    before = frame.copy()
    fixed, findings = repair_geometries(frame, layer="parcels")
    assert findings["code"].tolist() == ["GEOMETRY_REPAIRED"]
    assert findings["severity"].tolist() == ["warning"]
    assert findings["row_id"].tolist() == [PARCEL_IDS[2]]
    assert "Self-intersection" in findings["message"].iloc[0]
    assert fixed.geometry.is_valid.all()
    # The bow tie 100 m x 100 m becomes two triangles of 2,500 m² each.
    assert fixed.geometry.iloc[2].area == pytest.approx(5_000.0)
    assert fixed.geometry.iloc[2].geom_type == "MultiPolygon"
    assert not before.geometry.iloc[2].is_valid  # input left as it was


def test_bowtie_repaired_in_project(tmp_path):
    folder = messy_project(
        tmp_path, inputs={"parcels": "parcels_bowtie.gpkg"}, files=["parcels_bowtie.gpkg"]
    )
    _cfg, inputs = load_project(folder)
    rep = inputs.findings[inputs.findings["code"] == "GEOMETRY_REPAIRED"]
    assert list(zip(rep["severity"], rep["row_id"], strict=True)) == [("warning", PARCEL_IDS[2])]
    assert inputs.parcels["area_m2"].iloc[2] == pytest.approx(5_000.0)


def test_non_polygon_and_empty_geometries_in_other_layers():
    line = gpd.GeoDataFrame(
        {"line_id": ["L1", "L2", "L3"]},
        geometry=[box(0, 0, 10, 10), LineString([(0, 0), (5, 5)]), Polygon()],
        crs=4549,
    )
    fixed, findings = repair_geometries(line, layer="control_line")
    got = sorted(zip(findings["severity"], findings["code"], findings["row_id"], strict=True))
    assert got == [("error", "GEOMETRY_NOT_POLYGON", "L2"), ("warning", "GEOMETRY_EMPTY", "L3")]
    assert fixed.geometry.iloc[1].is_empty


def test_collections_keep_their_polygons_and_heights_are_dropped():
    square = box(0, 0, 10, 10)
    mixed = shapely.GeometryCollection([square, LineString([(20, 20), (30, 30)])])
    raised = shapely.force_3d(box(20, 0, 30, 10), 5.0)
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["P1", "P2", "P3"]}, geometry=[mixed, raised, None], crs=4549
    )
    fixed, findings = repair_geometries(parcels, layer="parcels")
    got = sorted(zip(findings["severity"], findings["code"], findings["row_id"], strict=True))
    assert got == [
        ("error", "GEOMETRY_EMPTY", "P3"),  # an empty parcel cannot be used
        ("info", "GEOMETRY_ZM_DROPPED", "P2"),
        ("warning", "GEOMETRY_PARTS_DROPPED", "P1"),
    ]
    assert fixed.geometry.iloc[0].equals(square)
    assert not fixed.geometry.iloc[1].has_z
    assert parcels.geometry.iloc[1].has_z  # input left as it was


def test_coordinates_the_projection_could_not_carry_are_an_error_not_a_crash():
    # A line far outside Web Mercator's range reprojects to infinite coordinates; GEOS
    # refuses them, so the feature is named and never reaches make_valid.
    gdf = gpd.GeoDataFrame(
        {"parcel_id": ["A", "B"]},
        geometry=[LineString([(0, 0), (0, 5171), (float("inf"), 0)]), box(0, 0, 10, 10)],
        crs="EPSG:4549",
    )
    out, findings = repair_geometries(gdf, layer="parcels")
    bad = findings[findings["code"] == "GEOMETRY_NOT_FINITE"]
    assert list(bad["severity"]) == ["error"]
    assert bad["row_id"].str.contains("A").all()
    assert out.geometry.iloc[0] is None or out.geometry.iloc[0].is_empty
    assert out.geometry.iloc[1].equals(box(0, 0, 10, 10))

"""Reading vector layers: shapefile encodings, layers, CRS problems, geometry repair."""

from __future__ import annotations

import shutil
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
from landeval.errors import DataError
from landeval.inputs.encoding import shapefile_encoding
from landeval.inputs.read import add_area, open_vector, read_vector
from landeval.inputs.vector import open_vector_file, read_vector_file
from landeval.validate import repair_geometries

MESSY = Path(__file__).parents[1] / "data" / "messy"
PARCEL_IDS = ["330603001002GB00001", "330603001002GB00002", "330603001002GB00003"]


def _cfg(**project):
    cfg = default_config()
    if project:
        cfg = cfg.model_copy(update={"project": cfg.project.model_copy(update=project)})
    return cfg


def test_gbk_shapefile_without_cpg_decodes_chinese_names():
    shp = MESSY / "parcels_gbk" / "parcels_gbk.shp"
    assert not shp.with_suffix(".cpg").exists()
    assert shapefile_encoding(shp)[0] == "gbk"
    raw, findings = read_vector_file(shp, layer="parcels")
    # 行政区划代码 is 12 bytes in GBK: the DBF cut it to 10 (行政区划代).
    assert list(raw.columns[:4]) == ["宗地代码", "行政区划代", "现状用途", "权利人"]
    assert raw["权利人"].tolist()[0] == "绍兴甲纺织有限公司"
    assert [(f.severity, f.code) for f in findings] == [("info", "ENCODING_DETECTED")]
    assert "GBK" in findings[0].message
    frame, _ = read_vector("parcels_gbk/parcels_gbk.shp", "parcels", config=_cfg(), base=MESSY)
    assert frame["parcel_id"].tolist() == PARCEL_IDS
    assert frame["county_code"].tolist() == ["330603"] * 3  # truncated header still matched
    assert frame.crs.to_epsg() == 4549


def test_cpg_and_ldid_are_honoured(tmp_path):
    for name in ("parcels_gbk.shp", "parcels_gbk.shx", "parcels_gbk.dbf", "parcels_gbk.prj"):
        shutil.copy(MESSY / "parcels_gbk" / name, tmp_path / name)
    shp = tmp_path / "parcels_gbk.shp"
    dbf = bytearray(shp.with_suffix(".dbf").read_bytes())
    dbf[29] = 0x4D  # LDID 77 = GBK
    shp.with_suffix(".dbf").write_bytes(bytes(dbf))
    enc, how = shapefile_encoding(shp)
    assert (enc, "LDID 77" in how) == ("gbk", True)
    shp.with_suffix(".cpg").write_text("936", encoding="ascii")
    enc, how = shapefile_encoding(shp)
    assert (enc, ".cpg" in how) == ("gbk", True)


def test_utf8_shapefile_detected(tmp_path):
    gdf = gpd.GeoDataFrame({"名称": ["柯桥"]}, geometry=[box(5e5, 33e5, 5.1e5, 33.1e5)], crs=4549)
    path = tmp_path / "u.shp"
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile", encoding="UTF-8")
    path.with_suffix(".cpg").unlink()
    assert shapefile_encoding(path)[0] == "utf-8"
    frame, _ = read_vector_file(path, layer="platforms")
    assert frame["名称"].tolist() == ["柯桥"]


def test_layer_without_crs_is_an_error_unless_assumed():
    spec = "parcels_nocrs/parcels_nocrs.shp"
    with pytest.raises(DataError, match="assume_crs"):
        read_vector(spec, "parcels", config=_cfg(), base=MESSY)
    frame, findings = read_vector(spec, "parcels", config=_cfg(assume_crs="EPSG:4549"), base=MESSY)
    assert frame.crs.to_epsg() == 4549
    assert "CRS_ASSUMED" in [f.code for f in findings]
    assert frame["parcel_id"].tolist() == PARCEL_IDS  # ZDDM alias


def test_4528_declared_as_4549_detected_and_corrected():
    frame, findings = read_vector("parcels_4528_as_4549.gpkg", "parcels", config=_cfg(), base=MESSY)
    assert frame.crs.to_epsg() == 4528
    warn = [f for f in findings if f.code == "CRS_MISMATCH_CORRECTED"]
    assert len(warn) == 1
    assert warn[0].severity == "warning"
    # With the CRS corrected, the 100 m squares project back to 10,000 m² in EPSG:4549.
    assert add_area(frame.to_crs(4549))["area_m2"].tolist() == pytest.approx([10_000.0] * 3)


def test_layer_syntax_and_unknown_layer():
    frame, _ = read_vector("base/parcels.gpkg#parcels", "parcels", config=_cfg(), base=MESSY)
    assert len(frame) == 3
    with pytest.raises(DataError, match="没有图层"):
        read_vector("base/parcels.gpkg#nope", "parcels", config=_cfg(), base=MESSY)


def test_several_layers_pick_the_named_one(tmp_path):
    gpkg = tmp_path / "all.gpkg"
    a = gpd.GeoDataFrame({"x": [1]}, geometry=[box(5e5, 33e5, 5.1e5, 33.1e5)], crs=4549)
    a.to_file(gpkg, layer="other", driver="GPKG")
    shutil.copy(MESSY / "base" / "parcels.gpkg", tmp_path / "p.gpkg")
    parcels = gpd.read_file(tmp_path / "p.gpkg")
    parcels.to_file(gpkg, layer="parcels", driver="GPKG")
    frame, findings = read_vector("all.gpkg", "parcels", config=_cfg(), base=tmp_path)
    assert len(frame) == 3
    assert "LAYER_CHOSEN" not in [f.code for f in findings]


def test_missing_file_and_garbage(tmp_path):
    with pytest.raises(DataError, match="文件不存在"):
        read_vector("nope.gpkg", "parcels", config=_cfg(), base=tmp_path)
    (tmp_path / "bad.gpkg").write_bytes(b"not a geopackage")
    with pytest.raises(DataError):
        read_vector("bad.gpkg", "parcels", config=_cfg(), base=tmp_path)


def test_self_intersecting_polygon_is_repaired_and_recorded():
    frame, _ = read_vector("parcels_bowtie.gpkg", "parcels", config=_cfg(), base=MESSY)
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


def test_add_area_needs_projected_crs():
    gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 100, 50)], crs=4549)
    out = add_area(gdf)
    assert out["area_m2"].tolist() == [5000.0]
    assert out["area_mu"].tolist() == pytest.approx([7.5])  # 5000 / (10000/15)
    assert "area_m2" not in gdf.columns
    with pytest.raises(ValueError, match="projected"):
        add_area(gdf.to_crs(4490))


def test_land_changes_geojson_with_chinese_values(tmp_path):
    gdf = gpd.GeoDataFrame(
        {
            "项目编号": ["G1", "G2"],
            "调整类型": ["改", "补"],
            "行政区划代码": ["330603", "330603"],
            "规划用途": ["0701", "100101"],
            "批准日期": ["2023年5月1日", "2024/02/29"],
        },
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)],
        crs=4549,
    )
    gdf.to_crs(4326).to_file(tmp_path / "changes.geojson", driver="GeoJSON")
    frame, _ = read_vector("changes.geojson", "land_changes", config=_cfg(), base=tmp_path)
    assert frame["change_id"].tolist() == ["G1", "G2"]
    assert frame["kind"].tolist() == ["convert", "supplement"]
    assert [d.date().isoformat() for d in frame["approved_on"]] == ["2023-05-01", "2024-02-29"]
    assert frame.crs.to_epsg() == 4326


def test_non_polygon_and_empty_geometries_in_other_layers():
    from shapely.geometry import LineString, Polygon

    line = gpd.GeoDataFrame(
        {"line_id": ["L1", "L2", "L3"]},
        geometry=[box(0, 0, 10, 10), LineString([(0, 0), (5, 5)]), Polygon()],
        crs=4549,
    )
    fixed, findings = repair_geometries(line, layer="control_line")
    got = sorted(zip(findings["severity"], findings["code"], findings["row_id"], strict=True))
    assert got == [("error", "GEOMETRY_NOT_POLYGON", "L2"), ("warning", "GEOMETRY_EMPTY", "L3")]
    assert fixed.geometry.iloc[1].is_empty


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

"""Reading vector layers: shapefile encodings, layers inside a source, bad files."""

from __future__ import annotations

import shutil

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from landeval.config import default_config
from landeval.errors import DataError
from landeval.inputs import read_vector
from landeval.inputs.encoding import shapefile_encoding
from landeval.inputs.vector import read_vector_file
from tests._messy import MESSY

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


def test_utf8_shapefile_detected(tmp_path):
    gdf = gpd.GeoDataFrame({"名称": ["柯桥"]}, geometry=[box(5e5, 33e5, 5.1e5, 33.1e5)], crs=4549)
    path = tmp_path / "u.shp"
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile", encoding="UTF-8")
    path.with_suffix(".cpg").unlink()
    assert shapefile_encoding(path)[0] == "utf-8"
    frame, _ = read_vector_file(path, layer="platforms")
    assert frame["名称"].tolist() == ["柯桥"]


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

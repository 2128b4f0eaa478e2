"""Reading vector layers: shapefile encodings, layers inside a source, bad files."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

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


def _gbk_platforms(folder: Path) -> Path:
    """A platform shapefile in GBK (Chinese names), without a .cpg."""
    gdf = gpd.GeoDataFrame(
        {"ptid": ["P1"], "name": ["柯桥经济技术开发区"], "tier": ["6"]},
        geometry=[box(5e5, 33e5, 5.1e5, 33.1e5)],
        crs=4549,
    )
    path = folder / "platforms.shp"
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile", encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def test_a_cpg_that_does_not_decode_falls_back_to_detection(tmp_path):
    path = _gbk_platforms(tmp_path)
    path.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")  # wrong: the text is GBK
    choice = shapefile_encoding(path)
    assert (choice.encoding, choice.declared_wrong) == ("gbk", True)
    frame, findings = read_vector_file(path, layer="platforms")
    assert frame["name"].tolist() == ["柯桥经济技术开发区"]
    assert [(f.severity, f.code) for f in findings] == [("warning", "ENCODING_DECLARED_WRONG")]
    assert ".cpg" in findings[0].message and "UTF-8" in findings[0].message


def test_a_language_byte_that_does_not_decode_falls_back_to_detection(tmp_path):
    gdf = gpd.GeoDataFrame({"名称": ["柯桥"]}, geometry=[box(5e5, 33e5, 5.1e5, 33.1e5)], crs=4549)
    path = tmp_path / "u.shp"
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile", encoding="UTF-8")
    path.with_suffix(".cpg").unlink()
    dbf = bytearray(path.with_suffix(".dbf").read_bytes())
    dbf[29] = 0x4D  # LDID 77 = GBK, over UTF-8 text
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    choice = shapefile_encoding(path)
    assert (choice.encoding, choice.declared_wrong) == ("utf-8", True)
    frame, _ = read_vector_file(path, layer="platforms")
    assert frame["名称"].tolist() == ["柯桥"]


def test_a_zipped_gbk_shapefile_is_read(tmp_path):
    _gbk_platforms(tmp_path)
    archive = tmp_path / "platforms.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in sorted(tmp_path.glob("platforms.*")):
            if part != archive:
                zf.write(part, f"数据/{part.name}")
    frame, findings = read_vector_file(archive, layer="platforms")
    assert frame["name"].tolist() == ["柯桥经济技术开发区"]
    assert [f.code for f in findings] == ["ENCODING_DETECTED"]
    assert "GBK" in findings[0].message


def test_a_zip_of_several_shapefiles_needs_a_name(tmp_path):
    _gbk_platforms(tmp_path)
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in sorted(tmp_path.glob("platforms.*")):
            if part != archive:
                zf.write(part, part.name)
                zf.write(part, part.name.replace("platforms", "other"))
    with pytest.raises(DataError, match="#"):
        read_vector_file(archive, layer="parcels")
    frame, _ = read_vector_file(archive, layer="parcels", layer_name="other")
    assert frame["name"].tolist() == ["柯桥经济技术开发区"]

"""CRS decisions: GK zones, the 4528/4549 mix-up, missing CRS."""

from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import Point, box

from landeval.config import default_config
from landeval.errors import DataError
from landeval.inputs import add_area, read_vector
from landeval.inputs.crs import (
    gk_cm_epsg,
    gk_series,
    gk_zone_epsg,
    parse_crs,
    projected_crs_for,
    resolve_crs,
)
from tests._messy import MESSY

PARCEL_IDS = ["330603001002GB00001", "330603001002GB00002", "330603001002GB00003"]


@pytest.mark.parametrize(
    ("lon", "cm_only", "zoned"),
    [
        (120.6, 4549, 4528),
        (118.6, 4549, 4528),
        (121.6, 4550, 4529),
        (75.0, 4534, 4513),
        (135.0, 4554, 4533),
    ],
)
def test_gk_epsg_codes(lon, cm_only, zoned):
    assert gk_cm_epsg(lon) == cm_only
    assert gk_zone_epsg(lon) == zoned


def test_epsg_tables_agree_with_pyproj():
    # The arithmetic above must name the CRS pyproj knows: CM 120E, false easting 500 km or
    # 40,500 km.
    assert _params(4549) == (120, 500_000)
    assert _params(4528) == (120, 40_500_000)
    assert gk_series(CRS.from_epsg(4549)) == ("cm", 120)
    assert gk_series(CRS.from_epsg(4528)) == ("zone", 120)
    assert gk_series(CRS.from_epsg(32651)) is None


def _params(epsg: int) -> tuple[float, float]:
    params = {p.name: p.value for p in CRS.from_epsg(epsg).coordinate_operation.params}
    return params["Longitude of natural origin"], params["False easting"]


def test_outside_china_is_an_error():
    with pytest.raises(DataError):
        gk_cm_epsg(10.0)


def _square_4549() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[box(545_300, 3_327_000, 545_400, 3_327_100)], crs=4549)


def test_projected_crs_for_geographic_shaoxing_is_4549():
    geo = _square_4549().to_crs(4490)
    assert projected_crs_for(geo).to_epsg() == 4549
    assert projected_crs_for(_square_4549().to_crs(4326)).to_epsg() == 4549
    # Area after projecting back: 100 m x 100 m.
    assert geo.to_crs(projected_crs_for(geo)).area.iloc[0] == pytest.approx(10_000, rel=1e-6)


def test_projected_crs_is_kept():
    assert projected_crs_for(_square_4549()).to_epsg() == 4549
    assert projected_crs_for(_square_4549().to_crs(32651)).to_epsg() == 32651


def test_4528_declared_as_4549_is_corrected():
    true = _square_4549().to_crs(4528)
    wrong = true.set_crs(4549, allow_override=True)
    fixed, findings = resolve_crs(wrong, layer="parcels")
    assert fixed.crs.to_epsg() == 4528
    assert [(f.severity, f.code) for f in findings] == [("warning", "CRS_MISMATCH_CORRECTED")]
    assert "EPSG:4549" in findings[0].message
    assert "EPSG:4528" in findings[0].suggestion
    assert fixed.geometry.iloc[0].equals(true.geometry.iloc[0])  # coordinates untouched
    assert wrong.crs.to_epsg() == 4549  # input not mutated


def test_4549_declared_as_4528_is_corrected():
    wrong = _square_4549().set_crs(4528, allow_override=True)
    fixed, findings = resolve_crs(wrong, layer="parcels")
    assert fixed.crs.to_epsg() == 4549
    assert findings[0].code == "CRS_MISMATCH_CORRECTED"


def test_wrong_zone_prefix_is_corrected():
    true = _square_4549().to_crs(4529)  # zone 41 (CM 123E), eastings 41,xxx,xxx
    fixed, findings = resolve_crs(true.set_crs(4528, allow_override=True), layer="parcels")
    assert fixed.crs.to_epsg() == 4529
    assert findings[0].code == "CRS_MISMATCH_CORRECTED"


def test_consistent_crs_gives_no_finding():
    fixed, findings = resolve_crs(_square_4549(), layer="parcels")
    assert findings == []
    assert fixed.crs.to_epsg() == 4549


def test_missing_crs_is_an_error_unless_assumed():
    bare = gpd.GeoDataFrame(geometry=[box(545_300, 3_327_000, 545_400, 3_327_100)])
    with pytest.raises(DataError, match="assume_crs"):
        resolve_crs(bare, layer="parcels")
    fixed, findings = resolve_crs(bare, layer="parcels", assume_crs="EPSG:4549")
    assert fixed.crs.to_epsg() == 4549
    assert [(f.severity, f.code) for f in findings] == [("info", "CRS_ASSUMED")]


def test_assumed_crs_is_checked_too():
    bare = gpd.GeoDataFrame(geometry=[box(40_545_300, 3_327_000, 40_545_400, 3_327_100)])
    fixed, findings = resolve_crs(bare, layer="parcels", assume_crs="4549")
    assert fixed.crs.to_epsg() == 4528
    assert [f.code for f in findings] == ["CRS_ASSUMED", "CRS_MISMATCH_CORRECTED"]


def test_impossible_coordinates_are_errors():
    metres_as_degrees = gpd.GeoDataFrame(geometry=[Point(545_300, 3_327_000)], crs=4490)
    with pytest.raises(DataError, match="地理坐标系"):
        resolve_crs(metres_as_degrees, layer="parcels")
    degrees_as_metres = gpd.GeoDataFrame(geometry=[Point(120.5, 30.0)], crs=4549)
    with pytest.raises(DataError, match="经纬度"):
        resolve_crs(degrees_as_metres, layer="parcels")


def test_parse_crs():
    assert parse_crs("4549").to_epsg() == 4549
    assert parse_crs("EPSG:4528").to_epsg() == 4528
    with pytest.raises(DataError):
        parse_crs("EPSG:not-a-crs")


def test_web_mercator_is_not_used_for_areas():
    merc = _square_4549().to_crs(3857)
    assert merc.area.iloc[0] == pytest.approx(10_000 / 0.866**2, rel=0.01)  # +33 % at 30°N
    assert projected_crs_for(merc).to_epsg() == 4549


def _config(**project):
    cfg = default_config()
    return cfg.model_copy(update={"project": cfg.project.model_copy(update=project)})


def test_layer_without_crs_is_an_error_unless_assumed():
    spec = "parcels_nocrs/parcels_nocrs.shp"
    with pytest.raises(DataError, match="assume_crs"):
        read_vector(spec, "parcels", config=_config(), base=MESSY)
    frame, findings = read_vector(
        spec, "parcels", config=_config(assume_crs="EPSG:4549"), base=MESSY
    )
    assert frame.crs.to_epsg() == 4549
    assert "CRS_ASSUMED" in [f.code for f in findings]
    assert frame["parcel_id"].tolist() == PARCEL_IDS  # ZDDM alias


def test_4528_declared_as_4549_detected_and_corrected():
    frame, findings = read_vector(
        "parcels_4528_as_4549.gpkg", "parcels", config=_config(), base=MESSY
    )
    assert frame.crs.to_epsg() == 4528
    warn = [f for f in findings if f.code == "CRS_MISMATCH_CORRECTED"]
    assert len(warn) == 1
    assert warn[0].severity == "warning"
    # With the CRS corrected, the 100 m squares project back to 10,000 m² in EPSG:4549.
    assert add_area(frame.to_crs(4549))["area_m2"].tolist() == pytest.approx([10_000.0] * 3)

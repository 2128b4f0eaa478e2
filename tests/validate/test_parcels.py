"""Checks of the parcel layer: areas, far-away parcels, 宗地代码."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from landeval.inputs import load_project
from landeval.validate import FAR_AWAY_MIN_M, check_far_away, check_parcels
from tests._messy import messy_project
from tests.validate._helpers import CFG, codes_of, parcels_of


def test_registered_area_and_zero_area():
    parcels = parcels_of(
        [box(0, 0, 100, 100), box(200, 0, 300, 100), box(400, 0, 400.5, 1)],
        registered_area_m2=[10_400.0, 10_600.0, float("nan")],
    )
    found = check_parcels(parcels, config=CFG)
    mismatch = found[found["code"] == "AREA_MISMATCH"]
    # 10,400 vs 10,000 is 4 % (fine); 10,600 vs 10,000 is 6 %.
    assert codes_of(mismatch) == [("warning", "AREA_MISMATCH", "P1")]
    assert "相差 6.0%" in mismatch["message"].iloc[0]
    zero = found[found["code"] == "PARCEL_ZERO_AREA"]
    assert codes_of(zero) == [("error", "PARCEL_ZERO_AREA", "P2")]
    # P0..P2 are not GB/T 37346 codes: info notes.
    assert (found["code"] == "PARCEL_CODE_FORMAT").sum() == 3


def test_parcel_code_parsing_is_info_only_when_bad():
    ids = ["330603001002GB00001", "X1"]
    parcels = parcels_of([box(0, 0, 10, 10), box(20, 0, 30, 10)], ids=ids)
    found = check_parcels(parcels, config=CFG)
    notes = found[found["code"] == "PARCEL_CODE_FORMAT"]
    assert codes_of(notes) == [("info", "PARCEL_CODE_FORMAT", "X1")]


def test_a_parcel_thousands_of_km_away_is_an_error():
    near = [box(5e5 + 200 * i, 33e5, 5e5 + 200 * i + 100, 33e5 + 100) for i in range(5)]
    far = box(5e5, 33e5 + 3e6, 5e5 + 100, 33e5 + 3e6 + 100)  # 3,000 km north
    found = check_far_away(parcels_of([*near, far]))
    assert codes_of(found) == [("error", "PARCEL_FAR_AWAY", "P5")]
    assert "3,000 km" in found["message"].iloc[0]


def test_a_spread_out_layer_and_a_few_parcels_are_left_alone():
    # A layer whose parcels are all spread over thousands of km: a country, not a mistake.
    spread = [box(x, 0, x + 100, 100) for x in (0.0, 1.5e6, 3e6, 4.5e6, 6e6)]
    assert check_far_away(parcels_of(spread)).empty
    # Two parcels have no meaningful median: nothing is said.
    two = [box(0, 0, 100, 100), box(FAR_AWAY_MIN_M * 5, 0, FAR_AWAY_MIN_M * 5 + 100, 100)]
    assert check_far_away(parcels_of(two)).empty


def test_duplicate_parcel_codes_stop_the_run(tmp_path):
    folder = messy_project(
        tmp_path, inputs={"parcels": "parcels_dup.gpkg"}, files=["parcels_dup.gpkg"]
    )
    _cfg, inputs = load_project(folder)
    dup = inputs.findings[inputs.findings["code"] == "DUPLICATE_KEY"]
    assert codes_of(dup) == [
        ("error", "DUPLICATE_KEY", "330603001002GB00002"),
        ("error", "DUPLICATE_KEY", "330603001002GB00002"),
    ]
    assert "出现 2 次" in dup["message"].iloc[0]
    assert (inputs.findings["severity"] == "error").any()


@pytest.mark.parametrize("col", ["registered_area_m2", "floor_area_m2"])
def test_negative_areas_are_impossible(col):
    parcels = parcels_of([box(0, 0, 10, 10)], **{col: [-5.0]})
    found = check_parcels(parcels, config=CFG)
    assert ("error", "VALUE_NEGATIVE", "P0") in codes_of(found)

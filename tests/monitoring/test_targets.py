"""The 4151 targets' paths, computed by hand for one county (DESIGN §11)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from landeval.config import TargetSettings
from landeval.monitoring.targets import target_tracking

COUNTY = "330603"


def _trends() -> pd.DataFrame:
    # 规上亩均增加值 (万元/亩): the county from 2021, the city only from 2022
    return pd.DataFrame(
        {
            "level": ["county"] * 3 + ["city"] * 2,
            "region_id": [COUNTY] * 3 + ["city"] * 2,
            "year": [2021, 2022, 2023, 2022, 2023],
            "va_per_mu": [100.0, 110.0, 116.0, 90.0, 99.0],
        }
    )


def _allocation() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    # F1 above scale, on one parcel; F2 above scale with no employees known; F3 below scale
    allocation = pd.DataFrame(
        {
            "uscc": ["F1", "F1", "F2", "F2", "F3"],
            "year": [2021, 2023, 2021, 2023, 2023],
            "parcel_id": ["p1", "p1", "p2", "p2", "p3"],
            "share": 1.0,
            "scale": ["above", "above", "above", "above", "below"],
            "value_added": [2500.0, 3000.0, 1000.0, 1000.0, 9e6],
            "revenue": [10000.0, 10000.0, 10000.0, 10000.0, 1.0],
            "rd_expense": [300.0, 400.0, 300.0, 400.0, 1.0],
        }
    )
    people = pd.DataFrame(
        {
            "uscc": ["F1", "F1", "F2", "F2", "F3"],
            "year": [2021, 2023, 2021, 2023, 2023],
            "employees": [100.0, 100.0, None, None, 1.0],
        }
    )
    regions = pd.DataFrame(
        {"parcel_id": ["p1", "p2", "p3"], "county_code": COUNTY, "platform_id": [None] * 3}
    )
    return allocation, people, regions


def _platforms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform_id": ["M1", "M2", "M3", "K1"],
            "kind": ["小微企业园", "小微企业园", "小微企业园", "经济技术开发区"],
            "county_code": COUNTY,
            "accredited": ["yes", "yes", "no", None],
        }
    )


@pytest.fixture(scope="module")
def tracking():
    allocation, people, regions = _allocation()
    return target_tracking(
        trends=_trends(),
        allocation=allocation,
        firm_scores=people,
        regions=regions,
        platforms=_platforms(),
        revitalisation=None,
        targets=TargetSettings(),
        growth=0.085,
        micro_park_kinds=["小微企业园"],
        year=2023,
    )


def _rows(tracking, target: str, level: str = "county", region: str = COUNTY) -> pd.DataFrame:
    table = tracking.table
    own = table[(table["target"] == target) & (table["level"] == level)]
    return own[own["region_id"] == region].set_index("year")


def test_value_added_per_mu_grows_8_5_percent_a_year_from_2021(tracking):
    rows = _rows(tracking, "VA_PER_MU")
    assert list(rows.index) == [2021, 2022, 2023, 2024, 2025, 2026]
    # by hand: 100 × 1.085^n
    assert rows["target_value"].tolist() == pytest.approx(
        [100.0, 108.5, 117.7225, 127.7289125, 138.5858700625, 150.3656690178]
    )
    assert rows["final_target"].iloc[0] == pytest.approx(150.3656690178)
    assert rows.loc[2022, "value"] == 110.0 and rows.loc[2022, "on_track"]  # 110 ≥ 108.5
    assert not rows.loc[2023, "on_track"]  # 116 < 117.72
    assert pd.isna(rows.loc[2021, "on_track"])  # the base year is not judged
    assert rows.loc[2024:, "value"].isna().all()  # after the evaluation year: no value


def test_a_region_without_base_year_data_starts_at_its_first_year(tracking):
    rows = _rows(tracking, "VA_PER_MU", "city", "city")
    assert list(rows.index) == [2022, 2023, 2024, 2025, 2026]
    assert rows.loc[2023, "target_value"] == pytest.approx(90.0 * 1.085)
    assert rows.loc[2023, "on_track"]  # 99 ≥ 97.65
    assert "2021年无数据，以2022年为基年" in rows.loc[2023, "note_zh"]
    notes = tracking.findings
    assert set(notes.loc[notes["code"] == "TARGET_BASE_YEAR", "row_id"]) == {"VA_PER_MU"}


def test_labour_productivity_reaches_40_by_2026_at_a_constant_rate(tracking):
    rows = _rows(tracking, "LABOUR_PRODUCTIVITY")
    # only F1 counts: F2's employees are unknown (never 0) and F3 is below scale
    assert rows.loc[2021, "value"] == pytest.approx(25.0)
    assert rows.loc[2023, "value"] == pytest.approx(30.0)
    # by hand: 25 × (40 / 25)^((2023 − 2021) / 5) = 25 × 1.6^0.4 = 30.1709
    assert rows.loc[2023, "target_value"] == pytest.approx(25.0 * math.exp(0.4 * math.log(1.6)))
    assert rows.loc[2023, "target_value"] == pytest.approx(30.1709, abs=1e-4)
    assert rows.loc[2026, "target_value"] == pytest.approx(40.0)
    assert not rows.loc[2023, "on_track"]
    assert pd.isna(rows.loc[2022, "value"])  # no data that year: missing, not 0


def test_rd_intensity_is_kept_at_3_5_percent(tracking):
    rows = _rows(tracking, "RD_INTENSITY")
    # F1 and F2 (both above scale): 600 / 20000 in 2021, 800 / 20000 in 2023
    assert rows.loc[2021, "value"] == pytest.approx(0.03)
    assert rows.loc[2023, "value"] == pytest.approx(0.04)
    assert rows["target_value"].tolist() == pytest.approx([0.035] * 6)
    assert rows.loc[[2021, 2023], "on_track"].tolist() == [False, True]


def test_accredited_small_firm_parks_are_counted_against_an_even_path(tracking):
    city = _rows(tracking, "MICRO_PARKS", "city", "city")
    assert city.loc[2023, "value"] == 2.0  # M1 and M2 (M3 not accredited, K1 not a park)
    assert city.loc[2023, "target_value"] == pytest.approx(60.0)  # 150 × 2 / 5
    assert city.loc[2026, "target_value"] == pytest.approx(150.0)
    county = _rows(tracking, "MICRO_PARKS")
    assert county.loc[2023, "value"] == 2.0
    assert county["target_value"].isna().all()  # the target is the city's


def test_without_data_there_are_no_rows():
    empty = target_tracking(
        trends=None,
        allocation=None,
        firm_scores=None,
        regions=pd.DataFrame(columns=["parcel_id", "county_code", "platform_id"]),
        platforms=None,
        revitalisation=None,
        targets=TargetSettings(),
        growth=0.085,
        micro_park_kinds=["小微企业园"],
        year=2024,
    )
    assert empty.table.empty and list(empty.table.columns)[:3] == ["target", "level", "region_id"]

"""Totals per county × measure and for the city: known amounts added, missing never 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.config import IncentiveMeasure
from landeval.incentives import INCENTIVE_TOTAL_COLUMNS, incentive_totals

MEASURES = [
    IncentiveMeasure(
        code="ELEC_D", label_zh="差别化电价", classes=["D"], basis="electricity_kwh",
        rate=0.3, kind="charge",
    ),
    IncentiveMeasure(
        code="ENERGY_D", label_zh="削减用能指标", classes=["D"], basis="energy_tce",
        rate=-0.1, kind="quota", unit="吨标煤",
    ),
    IncentiveMeasure(
        code="LAND_A", label_zh="减免城镇土地使用税", classes=["A"], basis="land_use_tax",
        rate=-1.0, kind="relief",
    ),
]  # fmt: skip
COUNTIES = {"330602": "越城区", "330603": "柯桥区"}


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": ["F1", "F2", "F3", "F1", "F2", "F3"],
            "county_code": ["330602", "330602", "330603", "330602", "330602", "330603"],
            "code": ["ELEC_D", "ELEC_D", "ELEC_D", "ENERGY_D", "ENERGY_D", "ENERGY_D"],
            "amount": [30_000.0, 15_000.0, np.nan, -150.0, -20.0, np.nan],
        }
    )


@pytest.fixture
def totals(rows) -> pd.DataFrame:
    table = incentive_totals(rows, measures=MEASURES, counties=COUNTIES, city="绍兴市", year=2024)
    return table.set_index(["county_code", "code"])


def test_columns_and_order(rows):
    table = incentive_totals(rows, measures=MEASURES, counties=COUNTIES, city="绍兴市", year=2024)
    assert list(table.columns) == INCENTIVE_TOTAL_COLUMNS
    assert list(zip(table["county_code"], table["code"], strict=True)) == [
        ("330602", "ELEC_D"),
        ("330602", "ENERGY_D"),
        ("330603", "ELEC_D"),
        ("330603", "ENERGY_D"),
        ("city", "ELEC_D"),
        ("city", "ENERGY_D"),
        ("city", "LAND_A"),
    ]
    assert (table["applies_year"] == 2025).all()


def test_a_county_total_adds_its_firms(totals):
    row = totals.loc[("330602", "ELEC_D")]
    assert row["county_name"] == "越城区"
    assert (row["n_subject"], row["n_with_amount"], row["n_missing"]) == (2, 2, 0)
    assert row["amount_yuan"] == 45_000.0
    assert bool(row["complete"])


def test_a_total_over_firms_with_no_known_amount_is_missing_not_zero(totals):
    row = totals.loc[("330603", "ELEC_D")]
    assert (row["n_subject"], row["n_missing"]) == (1, 1)
    assert np.isnan(row["amount"]) and np.isnan(row["amount_yuan"])
    assert not bool(row["complete"])


def test_the_city_total_adds_what_is_known_and_says_it_is_incomplete(totals):
    row = totals.loc[("city", "ELEC_D")]
    assert row["county_name"] == "绍兴市"
    assert (row["n_subject"], row["n_with_amount"], row["n_missing"]) == (3, 2, 1)
    assert row["amount_yuan"] == 45_000.0
    assert not bool(row["complete"])


def test_a_quota_total_is_in_its_unit_not_money(totals):
    row = totals.loc[("city", "ENERGY_D")]
    assert row["unit"] == "吨标煤"
    assert row["amount"] == pytest.approx(-170.0)
    assert np.isnan(row["amount_yuan"])


def test_a_measure_for_no_firm_has_a_city_row_of_zero(totals):
    row = totals.loc[("city", "LAND_A")]
    assert (row["n_subject"], row["amount_yuan"]) == (0, 0.0)
    assert bool(row["complete"])
    assert ("330602", "LAND_A") not in totals.index

"""Amounts by hand: basis × rate for firms of the listed classes, never 0 for a missing basis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from landeval.config import IncentiveMeasure
from landeval.incentives import FIRM_INCENTIVE_COLUMNS, apply_measures

YEAR = 2024


def _m(code, classes, basis, rate, kind="charge", **more) -> IncentiveMeasure:
    return IncentiveMeasure(
        code=code,
        label_zh=f"措施{code}",
        classes=classes,
        basis=basis,
        rate=rate,
        kind=kind,
        **more,
    )


MEASURES = [
    _m("LAND_A", ["A"], "land_use_tax", -1.0, "relief", note="示例费率：62号"),
    _m("LAND_B", ["B"], "land_use_tax", -0.8, "relief"),
    _m("REWARD_A", ["A"], "firm", -100_000.0, "relief"),
    _m("ELEC_D", ["D"], "electricity_kwh", 0.3),
    _m("ELEC_D3", ["D"], "electricity_kwh", 0.4, min_consecutive_years=3, supersedes=["ELEC_D"]),
    _m("SEW_CD", ["C", "D"], "wastewater_t", 0.84),
    _m("SEW_D", ["D"], "wastewater_t", 2.1, refundable=True),
    _m("ENERGY_D", ["D"], "energy_tce", -0.1, "quota", unit="吨标煤"),
]

# class history: FA A, FB B, FC C, FD D three years, FD2 C then D twice, FV vetoed (D this
# year only), FT not evaluated
HISTORY = {
    "FA": ("A", "A", "A"),
    "FB": ("B", "A", "B"),
    "FC": ("C", "C", "C"),
    "FD": ("D", "D", "D"),
    "FD2": ("C", "D", "D"),
    "FV": ("B", "B", "D"),
    "FT": ("T", "T", "T"),
}


@pytest.fixture
def classes() -> pd.DataFrame:
    rows = [
        {"uscc": u, "year": y, "class": c, "veto_reason": None}
        for u, history in HISTORY.items()
        for y, c in zip((2022, 2023, 2024), history, strict=True)
    ]
    frame = pd.DataFrame(rows)
    frame.loc[(frame["uscc"] == "FV") & (frame["year"] == YEAR), "veto_reason"] = "安全生产事故"
    return frame


@pytest.fixture
def bases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": ["FA", "FB", "FC", "FD", "FD2", "FT", "FV"],
            "name": ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司", "己公司", "庚公司"],
            "county_code": ["330602", "330602", "330603", "330603", "330604", "330604", "330602"],
            "land_use_tax": [12_000.0, 30_000.0, 5_000.0, 0.0, 8_000.0, 1_000.0, 20_000.0],
            "firm": 1.0,
            "electricity_kwh": [1e6, 2e6, 3e6, 2_000_000.0, 500_000.0, 1e5, 100_000.0],
            "wastewater_t": [10.0, 20.0, 1_000.0, 3_000.0, np.nan, 5.0, 40.0],
            "energy_tce": [1.0, 2.0, 3.0, 1_500.0, 200.0, 4.0, -5.0],
        }
    )


@pytest.fixture
def result(classes, bases):
    return apply_measures(classes=classes, bases=bases, measures=MEASURES, year=YEAR)


def _row(rows: pd.DataFrame, uscc: str, code: str) -> pd.Series:
    hit = rows[(rows["uscc"] == uscc) & (rows["code"] == code)]
    assert len(hit) == 1, (uscc, code, hit)
    return hit.iloc[0]


def test_table_has_its_columns_and_the_following_year(result):
    rows, _ = result
    assert list(rows.columns) == FIRM_INCENTIVE_COLUMNS
    assert (rows["year"] == YEAR).all()
    assert (rows["applies_year"] == YEAR + 1).all()


@pytest.mark.parametrize(
    ("uscc", "code", "basis_value", "amount"),
    [
        ("FA", "LAND_A", 12_000.0, -12_000.0),  # A: 100 % relieved
        ("FA", "REWARD_A", 1.0, -100_000.0),  # a fixed sum per firm
        ("FB", "LAND_B", 30_000.0, -24_000.0),  # B: 80 % relieved
        ("FC", "SEW_CD", 1_000.0, 840.0),  # 1 000 t × 0.84 元/t
        ("FD", "SEW_CD", 3_000.0, 2_520.0),
        ("FD", "SEW_D", 3_000.0, 6_300.0),  # 3 000 t × 2.1 元/t
        ("FD", "ELEC_D3", 2_000_000.0, 800_000.0),  # D three years: 0.4 元/kWh
        ("FD2", "ELEC_D", 500_000.0, 150_000.0),  # D two years: 0.3 元/kWh
        ("FV", "ELEC_D", 100_000.0, 30_000.0),  # vetoed: charged as D
    ],
)
def test_hand_computed_amounts(result, uscc, code, basis_value, amount):
    rows, _ = result
    row = _row(rows, uscc, code)
    assert row["basis_value"] == pytest.approx(basis_value)
    assert row["amount"] == pytest.approx(amount)
    assert row["amount_yuan"] == pytest.approx(amount)
    assert row["unit"] == "元"


def test_a_relief_on_nothing_is_zero_not_minus_zero(classes, bases):
    bases = bases.assign(land_use_tax=np.where(bases["uscc"] == "FA", 0.0, bases["land_use_tax"]))
    rows, _ = apply_measures(classes=classes, bases=bases, measures=MEASURES, year=YEAR)
    amount = _row(rows, "FA", "LAND_A")["amount"]
    assert amount == 0.0
    assert math.copysign(1.0, amount) == 1.0


def test_only_the_listed_classes(result):
    rows, _ = result
    by_code = rows.groupby("code")["uscc"].apply(set).to_dict()
    assert by_code["LAND_A"] == {"FA"}
    assert by_code["LAND_B"] == {"FB"}  # FV was B, but its final class is D
    assert by_code["SEW_CD"] == {"FC", "FD", "FD2", "FV"}
    assert "FT" not in set(rows["uscc"])  # class T takes no measure


def test_min_consecutive_years_counts_the_class_history(result):
    rows, _ = result
    assert set(rows.loc[rows["code"] == "ELEC_D3", "uscc"]) == {"FD"}
    assert _row(rows, "FD", "ELEC_D3")["consecutive_years"] == 3
    assert _row(rows, "FD2", "ELEC_D")["consecutive_years"] == 2
    assert _row(rows, "FV", "ELEC_D")["consecutive_years"] == 1
    assert "连续 3 年 D 类" in _row(rows, "FD", "ELEC_D3")["note"]


def test_a_measure_replaces_the_one_it_supersedes(result):
    rows, _ = result
    # FD pays 0.4 instead of 0.3, not both; FD2 and FV still pay 0.3
    assert set(rows.loc[rows["code"] == "ELEC_D", "uscc"]) == {"FD2", "FV"}
    elec = rows[rows["basis"] == "electricity_kwh"]
    assert elec.groupby("uscc").size().max() == 1


def test_a_year_missing_from_the_history_breaks_the_run(classes, bases):
    gap = classes[~((classes["uscc"] == "FD") & (classes["year"] == 2023))]
    rows, _ = apply_measures(classes=gap, bases=bases, measures=MEASURES, year=YEAR)
    assert _row(rows, "FD", "ELEC_D")["consecutive_years"] == 1
    assert "FD" not in set(rows.loc[rows["code"] == "ELEC_D3", "uscc"])


def test_a_vetoed_firm_is_charged_as_d_and_the_note_says_why(result):
    rows, _ = result
    fv = rows[rows["uscc"] == "FV"]
    assert set(fv["class"]) == {"D"}
    assert set(fv["code"]) == {"ELEC_D", "SEW_CD", "SEW_D", "ENERGY_D"}
    assert fv["note"].str.startswith("负面清单（安全生产事故），按 D 类").all()


def test_a_missing_basis_gives_no_amount_and_a_finding_naming_the_firm(result):
    rows, findings = result
    for code in ("SEW_CD", "SEW_D"):
        row = _row(rows, "FD2", code)
        assert np.isnan(row["basis_value"])
        assert np.isnan(row["amount"]) and np.isnan(row["amount_yuan"])  # never 0
    missing = findings[findings["code"] == "INCENTIVE_BASIS_MISSING"]
    assert sorted(missing["row_id"]) == ["FD2", "FD2"]
    assert set(missing["field"]) == {"wastewater_t"}
    assert set(missing["layer"]) == {"firm_tax"}
    assert (missing["severity"] == "warning").all()
    message = missing["message"].iloc[0]
    assert "戊公司（FD2）" in message and "污水排放量缺失" in message and "不按 0 计" in message


def test_a_negative_quantity_is_no_amount_either(result):
    rows, findings = result
    row = _row(rows, "FV", "ENERGY_D")
    assert row["basis_value"] == -5.0
    assert np.isnan(row["amount"])
    negative = findings[findings["code"] == "INCENTIVE_BASIS_NEGATIVE"]
    assert list(negative["row_id"]) == ["FV"]
    assert "为负数 -5" in negative["message"].iloc[0]


def test_a_quota_is_in_its_own_unit_not_money(result):
    rows, _ = result
    row = _row(rows, "FD", "ENERGY_D")
    assert row["amount"] == pytest.approx(-150.0)  # 1 500 tce × −10 %
    assert row["unit"] == "吨标煤"
    assert np.isnan(row["amount_yuan"])
    assert row["basis_unit"] == "吨标煤"


def test_refundable_charges_say_when_they_are_refunded(result):
    rows, _ = result
    row = _row(rows, "FD", "SEW_D")
    assert bool(row["refundable"])
    assert row["refund_condition"] == "2025 年度评价升至 C 类及以上时退还"
    other = _row(rows, "FD", "SEW_CD")
    assert not bool(other["refundable"])
    assert pd.isna(other["refund_condition"])


def test_every_amount_is_basis_times_rate(result):
    rows, _ = result
    known = rows["basis_value"].notna() & rows["amount"].notna()
    expected = rows.loc[known, "basis_value"] * rows.loc[known, "rate"]
    np.testing.assert_allclose(rows.loc[known, "amount"], expected)


def test_a_firm_without_bases_is_listed_without_amounts(classes, bases):
    """A class given for a firm the scoring did not see (e.g. a reviewed class)."""
    extra = pd.concat(
        [classes, pd.DataFrame([{"uscc": "FX", "year": YEAR, "class": "A"}])],
        ignore_index=True,
    )
    rows, findings = apply_measures(classes=extra, bases=bases, measures=MEASURES, year=YEAR)
    assert rows.loc[rows["uscc"] == "FX", "amount"].isna().all()
    assert "FX" in set(findings["row_id"])
    assert "FX" in " ".join(findings["message"])


def test_inputs_are_not_changed(classes, bases):
    before = (classes.copy(), bases.copy())
    apply_measures(classes=classes, bases=bases, measures=MEASURES, year=YEAR)
    pd.testing.assert_frame_equal(classes, before[0])
    pd.testing.assert_frame_equal(bases, before[1])


def test_no_measures_no_rows(classes, bases):
    rows, findings = apply_measures(classes=classes, bases=bases, measures=[], year=YEAR)
    assert rows.empty and list(rows.columns) == FIRM_INCENTIVE_COLUMNS
    assert findings.empty

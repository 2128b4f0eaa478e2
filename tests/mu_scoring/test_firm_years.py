"""Tax and output joined on (uscc, year) in DuckDB (landeval.mu_scoring.firm_years)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.mu_scoring.firm_years import FIRM_YEAR_COLUMNS, assemble_firm_years

NAN = float("nan")

FIRMS = pd.DataFrame(
    {
        "uscc": ["a", "b"],
        "name": ["甲", "乙"],
        "industry_code": ["C17", "C26"],
        "county_code": ["330602", "330603"],
        "scale": ["above", "below"],
        "start_year": [2010, 2015],
    }
)
LAND = pd.DataFrame(
    {
        "uscc": ["a", "a", "b"],
        "year": [2023, 2023, 2023],
        "parcel_id": ["P", "Q", "R"],
        "relation": ["own", "lease", "own"],
        "land_m2": [2000.0, 1000.0, 500.0],
    }
)


def _run(tax: pd.DataFrame, out: pd.DataFrame, **kw):
    return assemble_firm_years(firms=FIRMS, firm_tax=tax, firm_output=out, land=LAND, **kw)


def test_full_outer_join_keeps_both_sides_with_findings():
    tax = pd.DataFrame({"uscc": ["a", "b"], "year": [2023, 2022], "tax": [30.0, 5.0]})
    out = pd.DataFrame({"uscc": ["a", "x"], "year": [2023, 2023], "value_added": [90.0, 7.0]})
    fy, found = _run(tax, out)
    assert list(fy.columns) == FIRM_YEAR_COLUMNS
    keyed = fy.set_index(["uscc", "year"])
    assert sorted(keyed.index) == [("a", 2023), ("b", 2022), ("x", 2023)]
    a = keyed.loc[("a", 2023)]
    assert (a["tax"], a["value_added"], a["land_m2"]) == (30.0, 90.0, 3000.0)
    assert a["land_mu"] == pytest.approx(4.5)
    assert a["name"] == "甲"
    b = keyed.loc[("b", 2022)]
    assert np.isnan(b["value_added"])
    assert b["land_m2"] == 0.0  # land only in 2023
    assert bool(b["has_tax"]) and not bool(b["has_output"])
    x = keyed.loc[("x", 2023)]
    assert np.isnan(x["tax"])
    assert not bool(x["in_registry"])
    codes = sorted(zip(found["code"], found["row_id"], strict=True))
    assert codes == [
        ("FIRM_NOT_IN_REGISTRY", "x"),
        ("OUTPUT_WITHOUT_TAX", "x"),
        ("TAX_WITHOUT_OUTPUT", "b"),
    ]
    assert set(found["severity"]) == {"warning"}


def test_duplicates_are_summed_with_a_warning():
    tax = pd.DataFrame({"uscc": ["a", "a"], "year": [2023, 2023], "tax": [10.0, 20.0]})
    out = pd.DataFrame({"uscc": ["a"], "year": [2023], "value_added": [90.0], "energy_tce": [NAN]})
    fy, found = _run(tax, out)
    assert fy["tax"].tolist() == [30.0]
    assert np.isnan(fy["energy_tce"].iloc[0])  # a missing figure stays missing
    assert found["code"].tolist() == ["DUPLICATE_FIRM_YEAR"]
    assert "2条记录" in found["message"].iloc[0]


def test_years_restrict_rows():
    tax = pd.DataFrame({"uscc": ["a", "a"], "year": [2022, 2023], "tax": [1.0, 2.0]})
    out = pd.DataFrame({"uscc": ["a", "a"], "year": [2022, 2023], "value_added": [3.0, 4.0]})
    fy, _ = _run(tax, out, years=[2023])
    assert fy["year"].tolist() == [2023]
    assert fy["tax"].tolist() == [2.0]


def test_optional_columns_may_be_absent():
    tax = pd.DataFrame({"uscc": ["a"], "year": [2023], "tax": [1.0]})
    out = pd.DataFrame({"uscc": ["a"], "year": [2023], "value_added": [3.0]})
    fy, found = _run(tax, out)
    assert np.isnan(fy["electricity_kwh"].iloc[0])
    assert np.isnan(fy["employees"].iloc[0])
    assert len(found) == 0

"""Checks of any layer's values: keys, allowed values, impossible values, county codes."""

from __future__ import annotations

import pandas as pd

from landeval.validate import (
    check_allowed,
    check_amounts,
    check_county_codes,
    check_empty,
    check_keys,
    check_values,
)
from tests.validate._helpers import CFG, codes_of


def test_county_codes():
    frame = pd.DataFrame(
        {"uscc": ["A", "B", "C", "D"], "county_code": ["330603", "330621", "013306", None]}
    )
    found = check_county_codes(frame, layer="firms", config=CFG)
    assert sorted(codes_of(found)) == [
        ("info", "COUNTY_LEGACY", "B"),
        ("warning", "COUNTY_MISSING", "D"),
        ("warning", "COUNTY_UNKNOWN", "C"),
    ]


def test_keys_missing_and_duplicate_firm_years():
    tax = pd.DataFrame(
        {"uscc": ["A", "A", "B", None], "year": [2023, 2023, 2023, 2023], "tax": [1.0] * 4}
    )
    found = check_keys(tax, layer="firm_tax")
    assert sorted(codes_of(found)) == [
        ("error", "DUPLICATE_KEY", "A/2023"),
        ("error", "DUPLICATE_KEY", "A/2023"),
        ("error", "KEY_MISSING", "row 4"),
    ]


def test_duplicate_firm_years_with_a_blank_year_are_reported_not_a_crash():
    tax = pd.DataFrame({"uscc": ["A", "A", "B"], "year": [None, None, 2023.0], "tax": [1.0] * 3})
    found = check_keys(tax, layer="firm_tax")
    assert found["code"].tolist() == ["DUPLICATE_KEY", "DUPLICATE_KEY"]
    assert found["message"].str.contains("A/空 出现 2 次").all()


def test_a_firm_vetoed_twice_in_a_year_is_a_note():
    veto = pd.DataFrame({"uscc": ["A", "A"], "year": [2023, 2023], "reason": ["安全", "环保"]})
    found = check_keys(veto, layer="veto", duplicates="info")
    assert codes_of(found) == [("info", "DUPLICATE_KEY", "A/2023")] * 2


def test_allowed_values():
    platforms = pd.DataFrame({"platform_id": ["P1", "P2"], "tier": ["2", "7"]})
    found = check_allowed(platforms, layer="platforms")
    assert codes_of(found) == [("error", "VALUE_NOT_ALLOWED", "P2")]
    assert "'7'" in found["message"].iloc[0]


def test_negative_and_impossible_values():
    output = pd.DataFrame(
        {
            "uscc": ["A", "B", "C"],
            "year": pd.array([2023, 2023, 20233], dtype="Int64"),
            "value_added": [-5.0, 10.0, 1.0],
            "energy_tce": [1.0, -2.0, 1.0],
        }
    )
    found = check_values(output, layer="firm_output")
    assert sorted(codes_of(found)) == [
        ("error", "VALUE_NEGATIVE", "B/2023"),
        ("error", "YEAR_IMPOSSIBLE", "C/20233"),
    ]
    # negative value added: possible (a loss), a plausibility warning
    plausible = check_amounts(output, layer="firm_output", settings=CFG.plausibility)
    assert codes_of(plausible) == [("warning", "VALUE_NEGATIVE", "A/2023")]


def test_future_start_years_and_reversed_ranges():
    firms = pd.DataFrame({"uscc": ["A", "B"], "start_year": pd.array([2000, 2099], "Int64")})
    assert codes_of(check_values(firms, layer="firms")) == [("warning", "YEAR_IN_FUTURE", "B")]
    occupancy = pd.DataFrame(
        {
            "uscc": ["A", "B"],
            "from_year": pd.array([2020, 2024], "Int64"),
            "to_year": pd.array([2023, 2021], "Int64"),
        }
    )
    found = check_values(occupancy, layer="occupancy")
    assert codes_of(found) == [("error", "YEAR_RANGE_REVERSED", "B")]


def test_required_layers_without_rows():
    empty = pd.DataFrame({"uscc": pd.Series([], dtype="str")})
    found = check_empty({"firms": empty, "veto": empty, "firm_tax": None})
    assert codes_of(found) == [("error", "LAYER_EMPTY", None)]
    assert found["layer"].tolist() == ["firms"]  # veto is optional, firm_tax not given

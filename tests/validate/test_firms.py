"""Checks of the firm tables: credit codes, tax against output, the register, the negative list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.inputs import load_project
from landeval.validate import check_firm_years, check_uscc, check_veto
from tests._messy import USCC, messy_project
from tests.validate._helpers import codes_of


def test_uscc_check():
    firms = pd.DataFrame({"uscc": [USCC[0], USCC[0][:-1] + "4", "123"]})
    found = check_uscc(firms)
    assert found["row_id"].tolist() == ["913306021234500004", "123"]
    assert found["severity"].tolist() == ["warning", "warning"]
    assert "长度应为18位, 实为3位" in found["message"].iloc[1]


def test_bad_uscc_is_a_warning_and_firm_kept(tmp_path):
    folder = messy_project(
        tmp_path, inputs={"firms": "firms_bad_uscc.csv"}, files=["firms_bad_uscc.csv"]
    )
    _cfg, inputs = load_project(folder)
    bad = inputs.findings[inputs.findings["code"] == "USCC_INVALID"]
    assert bad["severity"].tolist() == ["warning", "warning"]
    assert bad["row_id"].tolist() == ["913306021234500004", "91330603MA2D00001X"]
    assert "校验码错误: 应为 3, 实为 4" in bad["message"].iloc[0]
    assert len(inputs.firms) == 3


def test_tax_output_presence_and_year_gaps():
    firms = pd.DataFrame(
        {"uscc": ["A", "B", "C", "D"], "scale": ["above", "above", "below", "above"]}
    )
    tax = pd.DataFrame(
        {
            "uscc": ["A", "A", "A", "B", "C", "X"],
            "year": pd.array([2021, 2023, 2022, 2023, 2023, 2023], dtype="Int64"),
        }
    )
    output = pd.DataFrame(
        {"uscc": ["A", "A", "B", "B"], "year": pd.array([2021, 2023, 2023, 2021], dtype="Int64")}
    )
    found = check_firm_years(tax, output, firms)
    got = sorted(codes_of(found))
    assert got == [
        ("info", "BELOW_SCALE_NO_OUTPUT", None),
        ("info", "FIRM_NO_DATA", "D"),
        ("warning", "OUTPUT_WITHOUT_TAX", "B/2021"),
        ("warning", "TAX_WITHOUT_OUTPUT", "A/2022"),
        ("warning", "TAX_WITHOUT_OUTPUT", "X/2023"),
        ("warning", "UNKNOWN_FIRM", "X"),
        ("warning", "YEAR_MISSING", "B"),
    ]
    gap = found[found["code"] == "YEAR_MISSING"]
    assert gap["message"].iloc[0] == "缺少年度: 2022"


def _firm_years_reference(tax: pd.DataFrame, output: pd.DataFrame) -> dict[str, list[str]]:
    """Row ids of the firm-year findings the straightforward pandas way (merge, group-by)."""
    tax_keys = tax[["uscc", "year"]].dropna().drop_duplicates()
    out_keys = output[["uscc", "year"]].dropna().drop_duplicates()
    both = tax_keys.merge(out_keys, how="outer", on=["uscc", "year"], indicator=True)
    ids = {}
    for side, code in (("left_only", "TAX_WITHOUT_OUTPUT"), ("right_only", "OUTPUT_WITHOUT_TAX")):
        rows = both[both["_merge"] == side]
        ids[code] = (rows["uscc"] + "/" + rows["year"].astype("str")).tolist()
    years = pd.concat([tax_keys, out_keys]).drop_duplicates()
    years = years[years["year"].between(1949, 2100)]
    span = years.groupby("uscc")["year"].agg(["min", "max", "count"])
    ids["YEAR_MISSING"] = span[(span["max"] - span["min"] + 1) > span["count"]].index.tolist()
    return ids


@pytest.mark.slow
def test_firm_years_on_integer_codes_equals_the_pandas_way():
    rng = np.random.default_rng(3)
    codes = ["A1", "B2", "b2", "中", "Z", "a1", "A10", "A1 ", "9133"]
    for trial in range(200):

        def table(n):
            year = rng.choice([2020, 2021, 2022, 2024, 20233, 1900, None], n)
            return pd.DataFrame(
                {
                    "uscc": pd.array(rng.choice([*codes, None], n), dtype="str"),
                    "year": pd.array(year, dtype="Int64"),
                },
                index=rng.permutation(n) * 2,
            )

        tax, output = table(rng.integers(0, 14)), table(rng.integers(0, 14))
        firms = pd.DataFrame({"uscc": pd.array(codes[: rng.integers(0, 9)], dtype="str")})
        found = check_firm_years(tax, output, firms if trial % 2 else None)
        for code, ids in _firm_years_reference(tax, output).items():
            assert found.loc[found["code"] == code, "row_id"].tolist() == ids, (trial, code)


def _register_reference(tax, output, firms) -> dict[str, list[str]]:
    """UNKNOWN_FIRM and FIRM_NO_DATA row ids the straightforward pandas way."""
    register = set(firms["uscc"].dropna())
    ids = {"UNKNOWN_FIRM": []}
    for frame in (output, tax):  # findings are sorted by layer: firm_output first
        keys = frame[["uscc", "year"]].dropna().drop_duplicates()
        ids["UNKNOWN_FIRM"] += keys.loc[~keys["uscc"].isin(register), "uscc"].unique().tolist()
    years = pd.concat([tax, output])[["uscc", "year"]].dropna()
    with_data = set(years.loc[years["year"].between(1949, 2100), "uscc"])
    known = firms["uscc"].notna() & ~firms["uscc"].isin(with_data)
    ids["FIRM_NO_DATA"] = firms.loc[known, "uscc"].tolist()
    return ids


@pytest.mark.slow
def test_firm_register_checks_equal_the_pandas_way():
    rng = np.random.default_rng(8)
    codes = ["A1", "B2", "b2", "中", "Z", "a1", "A10", "A1 ", "9133", ""]
    for trial in range(150):
        # A year a billion away keys the firm-years by rank instead of by offset.
        far = [1_000_000_000] if trial % 3 == 0 else []

        def table(n, far=far):
            year = rng.choice([2020, 2021, 2022, 20233, *far, None], n)
            return pd.DataFrame(
                {
                    "uscc": pd.array(rng.choice([*codes, None], n), dtype="str"),
                    "year": pd.array(year, dtype="Int64"),
                }
            )

        tax, output = table(rng.integers(0, 12)), table(rng.integers(0, 12))
        register = rng.choice([*codes, None, "NEW"], rng.integers(0, 12))
        firms = pd.DataFrame({"uscc": pd.array(register, dtype="str")})
        found = check_firm_years(tax, output, firms)
        for code, ids in _register_reference(tax, output, firms).items():
            assert found.loc[found["code"] == code, "row_id"].tolist() == ids, (trial, code)


def test_negative_list_rows_of_unknown_firms():
    veto = pd.DataFrame({"uscc": ["A", "Z", None], "year": [2023] * 3, "reason": ["x"] * 3})
    firms = pd.DataFrame({"uscc": ["A", "B"]})
    assert codes_of(check_veto(veto, firms)) == [("warning", "UNKNOWN_FIRM", "Z/2023")]
    assert check_veto(veto, None).empty  # no register: nothing to check against

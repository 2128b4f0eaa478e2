"""Plausibility bounds (DESIGN §5): warnings name the row and are listed, errors stop the run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landeval.config import default_config
from landeval.errors import DataError
from landeval.pipeline import evaluate, load
from landeval.validate import check_missing_amounts
from landeval.validate.plausibility import (
    SUSPECT_COLUMNS,
    bound_scores,
    check_amounts,
    check_tax_per_mu,
    suspect_values,
)
from tests.validate._helpers import codes_of

SETTINGS = default_config().plausibility

_BAD = Path(__file__).parents[1] / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_bad", _BAD / "make_bad.py")
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)


def _tax(values, years=None, uscc=None):
    n = len(values)
    return pd.DataFrame(
        {
            "uscc": uscc or [f"F{i}" for i in range(n)],
            "year": pd.array(years or [2024] * n, dtype="Int64"),
            "tax": np.asarray(values, dtype="float64"),  # 万元
            "source_row": range(2, n + 2),
        }
    )


# --- the row bounds -------------------------------------------------------------------------


def test_tax_bounds_in_two_tiers():
    # 万元: 50 (fine), 5e6 = 5×10^10 元 (warning), 1e11 = 10^15 元 (error)
    found = check_amounts(_tax([50.0, 5e6, 1e11]), layer="firm_tax", settings=SETTINGS)
    assert sorted(codes_of(found)) == [
        ("error", "TAX_ABOVE_BOUND", "F2/2024"),
        ("warning", "TAX_ABOVE_BOUND", "F1/2024"),
    ]
    warning = found[found["severity"] == "warning"].iloc[0]
    assert "第 3 行" in warning["message"] and "F1 2024 年" in warning["message"]
    assert "需核实" in warning["message"]


def test_negative_tax_is_a_warning_and_listed():
    found = check_amounts(_tax([-3.0, 10.0]), layer="firm_tax", settings=SETTINGS)
    assert codes_of(found) == [("warning", "VALUE_NEGATIVE", "F0/2024")]
    table = suspect_values(_tax([-3.0, 10.0]), None, None, SETTINGS)
    assert table[["uscc", "year", "field", "code"]].to_numpy().tolist() == [
        ["F0", 2024, "tax", "VALUE_NEGATIVE"]
    ]
    assert list(table.columns) == SUSPECT_COLUMNS


def test_a_jump_of_a_hundred_times_names_the_larger_year():
    frame = _tax([10.0, 2000.0, 12.0, 5e4, 40.0], years=[2022, 2023, 2024, 2022, 2023])
    frame["uscc"] = ["A", "A", "A", "B", "B"]
    found = check_amounts(frame, layer="firm_tax", settings=SETTINGS)
    # A: 2023 is 200× 2022 (and 166× 2024); B: 2022 is 1,250× the next year
    assert sorted(codes_of(found)) == [
        ("warning", "AMOUNT_JUMP", "A/2023"),
        ("warning", "AMOUNT_JUMP", "B/2022"),
    ]
    text = " ".join(found["message"])
    assert "上一年 (2022 年" in text and "下一年 (2023 年" in text
    # a gap of a year is not a jump from the previous year
    gap = _tax([10.0, 2000.0], years=[2021, 2023], uscc=["C", "C"])
    assert check_amounts(gap, layer="firm_tax", settings=SETTINGS).empty


def test_every_amount_column_is_checked_for_jumps():
    output = pd.DataFrame(
        {
            "uscc": ["A", "A"],
            "year": pd.array([2023, 2024], dtype="Int64"),
            "value_added": [100.0, 110.0],
            "employees": [50.0, 50_000.0],
        }
    )
    found = check_amounts(output, layer="firm_output", settings=SETTINGS)
    assert codes_of(found) == [("warning", "AMOUNT_JUMP", "A/2024")]
    assert found["field"].tolist() == ["employees"]


def test_tax_per_mu_bounds_and_the_tobacco_plant():
    firm_years = pd.DataFrame(
        {
            "uscc": ["TOBACCO", "OFFICE", "PLAIN"],
            "year": [2024, 2024, 2024],
            # a tobacco plant: 24 亿元 tax on 80 mu = 3,000 万元/亩; a typo: 3 亿 on 0.5 mu
            "tax": [240_000.0, 30_000.0, 120.0],
            "land_mu": [80.0, 0.5, 40.0],
        }
    )
    found, suspects = check_tax_per_mu(firm_years, SETTINGS)
    assert sorted(codes_of(found)) == [
        ("error", "TAX_PER_MU_ABOVE_BOUND", "OFFICE/2024"),
        ("warning", "TAX_PER_MU_ABOVE_BOUND", "TOBACCO/2024"),
    ]
    assert suspects["uscc"].tolist() == ["TOBACCO"]
    assert "3,000 万元/亩" in suspects["message_zh"].iloc[0]
    with pytest.raises(DataError) as caught:
        bound_scores(None, None, firm_years, SETTINGS)
    raised = caught.value.findings
    assert raised.loc[raised["severity"] == "error", "row_id"].tolist() == ["OFFICE/2024"]
    tobacco_only = firm_years.iloc[[0, 2]]
    table, warnings = bound_scores(None, None, tobacco_only, SETTINGS)
    assert table["uscc"].tolist() == ["TOBACCO"] and len(warnings) == 1


def test_bounds_are_configuration():
    tight = SETTINGS.model_copy(update={"tax_per_mu_warning": 2.0})
    firm_years = pd.DataFrame({"uscc": ["A"], "year": [2024], "tax": [120.0], "land_mu": [40.0]})
    assert check_tax_per_mu(firm_years, SETTINGS)[0].empty
    assert codes_of(check_tax_per_mu(firm_years, tight)[0]) == [
        ("warning", "TAX_PER_MU_ABOVE_BOUND", "A/2024")
    ]


# --- missing amounts ------------------------------------------------------------------------


def test_missing_amounts_are_findings_naming_file_row_firm_and_year():
    output = pd.DataFrame(
        {
            "uscc": ["A", "B", None],
            "year": pd.array([2024, 2024, 2024], dtype="Int64"),
            "value_added": [np.nan, 10.0, np.nan],
            "revenue": [np.nan, np.nan, np.nan],  # a column the file does not give
            "source_row": [2, 3, 4],
        }
    )
    found = check_missing_amounts(output, layer="firm_output")
    assert sorted(codes_of(found)) == [
        ("info", "AMOUNT_COLUMN_EMPTY", None),
        ("warning", "AMOUNT_MISSING", "A/2024"),
    ]
    row = found[found["code"] == "AMOUNT_MISSING"].iloc[0]
    assert row["field"] == "value_added"
    assert "第 2 行" in row["message"] and "A 2024 年" in row["message"]
    assert "不按 0 计" in row["message"]


# --- end to end on a small project ----------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return make_bad.make_base(tmp_path_factory.mktemp("plausible") / "base")


def _with_tax(base: Path, tmp_path: Path, row: int, value: str) -> Path:
    project = tmp_path / "p"
    import shutil

    shutil.copytree(base, project)
    tax = pd.read_csv(project / "firm_tax.csv", dtype=str, encoding="utf-8-sig")
    tax.loc[row, "实缴税额(元)"] = value
    tax.to_csv(project / "firm_tax.csv", index=False, encoding="utf-8-sig")
    return project


def test_an_absurd_tax_stops_the_run_with_the_row_named(base, tmp_path):
    project = _with_tax(base, tmp_path, 0, "1e15")
    _config, inputs = load(project)
    errors = inputs.findings[inputs.findings["severity"] == "error"]
    assert errors["code"].tolist() == ["TAX_ABOVE_BOUND"]
    assert "第 2 行" in errors["message"].iloc[0] and "firm_tax.csv" in errors["message"].iloc[0]


def test_a_large_tax_is_used_listed_and_named(base, tmp_path):
    project = _with_tax(base, tmp_path, 0, "2e10")  # 200 亿元: beyond the warning bound
    config, inputs = load(project)
    assert "TAX_ABOVE_BOUND" in set(inputs.findings["code"])
    result = evaluate(inputs, config)
    suspects = result.tables["suspect_values"]
    uscc, year = inputs.firm_tax.loc[0, ["uscc", "year"]]
    listed = suspects[(suspects["uscc"] == uscc) & (suspects["year"] == year)]
    assert "TAX_ABOVE_BOUND" in set(listed["code"])
    scores = result.tables["firm_scores"]
    used = scores[(scores["uscc"] == uscc) & (scores["year"] == year)]["tax"]
    assert used.tolist() == [2e6]  # still used, in 万元


def test_a_non_finite_tax_is_an_error(base, tmp_path):
    project = _with_tax(base, tmp_path, 3, "inf")
    _config, inputs = load(project)
    errors = inputs.findings[inputs.findings["severity"] == "error"]
    assert errors[["code", "field"]].to_numpy().tolist() == [["VALUE_NOT_FINITE", "tax"]]


def test_a_tobacco_plant_never_stops_a_run(base, tmp_path):
    """A real top performer: thousands of 万元 per mu is a warning, and the run completes."""
    config, inputs = load(base)
    scores = evaluate(inputs, config).tables["firm_scores"]
    top = scores[(scores["year"] == 2024) & (scores["land_mu"] > 5)].iloc[0]
    tax_yuan = 3_000 * top["land_mu"] * 1e4  # 3,000 万元/亩, in 元
    tax = pd.read_csv(base / "firm_tax.csv", dtype=str, encoding="utf-8-sig")
    row = tax.index[(tax["统一社会信用代码"] == top["uscc"]) & (tax["年度"] == "2024")][0]
    project = _with_tax(base, tmp_path, int(row), f"{tax_yuan:.2f}")
    config, inputs = load(project)
    assert not (inputs.findings["severity"] == "error").any()
    result = evaluate(inputs, config)
    suspects = result.tables["suspect_values"]
    assert suspects[["uscc", "year", "code"]].to_numpy().tolist() == [
        [top["uscc"], 2024, "TAX_PER_MU_ABOVE_BOUND"]
    ]
    found = result.findings[result.findings["code"] == "TAX_PER_MU_ABOVE_BOUND"]
    assert found["severity"].tolist() == ["warning"]
    assert "3,000 万元/亩" in found["message"].iloc[0]

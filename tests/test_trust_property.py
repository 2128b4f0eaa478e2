"""A flaw in the data shows up as a flaw, never as a confident decision (issue 19).

One amount cell of the demo's firm_tax or firm_output is mutated — blanked, ×10^6, negated
or replaced by text — and the table read, checked and evaluated again in process: either a
finding names that row (its firm-year, or its row in the file), or no firm's class and no
parcel's treatment changes.

The rasters are left out of every evaluation (the baseline's too): they do not depend on the
tables and take most of a run's time.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landeval.demo import demo_project_dir
from landeval.errors import DataError
from landeval.findings import concat_findings, findings_frame, has_errors
from landeval.inputs.model import SOURCE_ROW
from landeval.inputs.read import read_table
from landeval.pipeline import evaluate, load
from landeval.validate import validate_inputs

KINDS = ("blank", "times_1e6", "negate", "text")
TABLES = ("firm_tax", "firm_output")


@dataclasses.dataclass(frozen=True)
class Demo:
    config: object
    inputs: object
    raw: dict[str, pd.DataFrame]
    amounts: dict[str, list[str]]
    classes: pd.Series
    treatments: pd.Series


def _classes(tables) -> pd.Series:
    scores = tables["firm_scores"]
    keys = scores["uscc"].astype(str) + "/" + scores["year"].astype(str)
    return pd.Series(scores["class"].astype(str).to_numpy(), index=keys).sort_index()


def _treatments(tables) -> pd.Series:
    parcels = tables["parcel_eval"]
    return pd.Series(
        parcels["treatment"].astype(str).to_numpy(), index=parcels["parcel_id"].astype(str)
    ).sort_index()


@pytest.fixture(scope="module")
def demo() -> Demo:
    config, inputs = load(demo_project_dir())
    inputs = dataclasses.replace(inputs, rasters={})
    base = evaluate(inputs, config)
    raw, amounts = {}, {}
    for table in TABLES:
        spec = getattr(config.inputs, table)
        raw[table] = pd.read_csv(
            demo_project_dir() / spec, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
        # the file's columns that hold amounts: every mapped one but the keys
        mapping = config.fields[table]
        amounts[table] = [v for k, v in mapping.items() if k not in {"uscc", "year"}]
    return Demo(config, inputs, raw, amounts, _classes(base.tables), _treatments(base.tables))


def _mutate(cell: str, kind: str) -> str:
    if kind == "blank":
        return ""
    if kind == "text":
        return "约" + (cell or "一百")
    value = float(cell) if cell.strip() else 0.0
    return repr(value * 1e6) if kind == "times_1e6" else repr(-value)


def _names(findings: pd.DataFrame, table: str, key: str, file_row: int) -> bool:
    """Whether a finding of ``table`` names the row: its firm-year or its file row."""
    if findings is None or findings.empty:
        return False
    mine = findings[findings["layer"] == table]
    ids = mine["row_id"].astype(str)
    said = mine["message"].astype(str).str.contains(f"第 {file_row} 行", regex=False)
    return bool((ids == key).any() or (ids == f"row {file_row}").any() or said.any())


def _check(demo: Demo, tmp_path: Path, *, table: str, column: str, row: int, kind: str) -> str:
    """Mutate one cell and check the property; returns how it held ("named"/"unchanged")."""
    raw = demo.raw[table].copy()
    before = raw.loc[row, column]
    raw.loc[row, column] = _mutate(before, kind)
    raw.to_csv(tmp_path / f"{table}.csv", index=False, encoding="utf-8-sig")
    frame, notes = read_table(f"{table}.csv", table, config=demo.config, base=tmp_path)
    tables = {
        "firms": demo.inputs.firms,
        "firm_tax": demo.inputs.firm_tax,
        "firm_output": demo.inputs.firm_output,
        table: frame,
    }
    findings = concat_findings(findings_frame(notes), validate_inputs(tables, config=demo.config))
    key_cols = demo.config.fields[table]
    key = f"{raw.loc[row, key_cols['uscc']]}/{int(float(raw.loc[row, key_cols['year']]))}"
    file_row = row + 2  # the header is line 1
    named = _names(findings, table, key, file_row)
    what = f"{table}.{column} row {file_row} ({key}): {before!r} → {raw.loc[row, column]!r}"
    if has_errors(findings):
        assert named, f"{what}: the run stops without naming the row"
        return "named"
    inputs = dataclasses.replace(demo.inputs, **{table: frame.drop(columns=SOURCE_ROW)})
    try:
        result = evaluate(inputs, demo.config)
    except DataError as exc:
        assert _names(exc.findings, table, key, file_row) or named, what
        return "named"
    if named or _names(result.findings, table, key, file_row):
        return "named"
    classes, treatments = _classes(result.tables), _treatments(result.tables)
    changed_classes = (classes != demo.classes.reindex(classes.index)).sum()
    changed_parcels = (treatments != demo.treatments.reindex(treatments.index)).sum()
    assert changed_classes == 0 and changed_parcels == 0, (
        f"{what}: no finding names the row, yet {changed_classes} firm classes and"
        f" {changed_parcels} parcel treatments changed"
    )
    return "unchanged"


def test_each_mutation_of_each_table_is_named_or_harmless(demo, tmp_path):
    """Every kind of mutation on each table once (random cells, fixed seed): the fast tier."""
    rng = np.random.default_rng(19)
    seen = []
    for table in TABLES:
        for kind in KINDS:
            column = str(rng.choice(demo.amounts[table]))
            row = int(rng.integers(len(demo.raw[table])))
            seen.append(_check(demo, tmp_path, table=table, column=column, row=row, kind=kind))
    assert "named" in seen  # the property is not held vacuously


@pytest.mark.slow
def test_random_mutations_are_named_or_harmless(demo, tmp_path):
    """Forty random mutations (seeded): each is named by a finding, or changes nothing."""
    rng = np.random.default_rng(2024)
    outcomes = []
    for _ in range(40):
        table = str(rng.choice(TABLES))
        column = str(rng.choice(demo.amounts[table]))
        row = int(rng.integers(len(demo.raw[table])))
        kind = str(rng.choice(KINDS))
        outcomes.append(_check(demo, tmp_path, table=table, column=column, row=row, kind=kind))
    assert outcomes.count("named") >= 20

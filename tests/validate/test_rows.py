"""Row keys and text-key lookups shared by the checks (landeval.validate._rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.findings import FINDING_COLUMNS
from landeval.inputs.model import SOURCE_ROW
from landeval.validate import row_ids
from landeval.validate._rows import finding_rows, ids_where, isin, positions


def test_row_ids_name_rows_by_key_then_by_file_row():
    tax = pd.DataFrame(
        {
            "uscc": pd.array(["A", None], dtype="str"),
            "year": pd.array([2023, 2023], dtype="Int64"),
            SOURCE_ROW: [2, 3],
        }
    )
    assert row_ids(tax, "firm_tax").tolist() == ["A/2023", "row 3"]
    assert row_ids(tax, "firms").tolist() == ["A", "row 3"]
    assert row_ids(tax.drop(columns=SOURCE_ROW), "firms").tolist() == ["A", "row 2"]
    assert row_ids(tax, "control_line").tolist() == ["row 2", "row 3"]  # no line_id column


def test_ids_of_selected_rows_equal_the_full_row_ids():
    rng = np.random.default_rng(2)
    for trial in range(60):
        n = int(rng.integers(0, 12))
        frame = pd.DataFrame(
            {
                "uscc": pd.array(rng.choice(["A", "中", None], n), dtype="str"),
                "year": pd.array(rng.choice([2022, None], n), dtype="Int64"),
            },
            index=rng.integers(0, 3, n),  # duplicate labels
        )
        if trial % 2:
            frame[SOURCE_ROW] = rng.permutation(n) + 2
        mask = pd.Series(rng.random(n) < 0.5, index=frame.index)
        for layer in ("firm_tax", "occupancy", "firms"):
            want = row_ids(frame, layer)[mask.to_numpy()].tolist()
            assert ids_where(frame, layer, mask) == want, (trial, layer)


def test_finding_rows_one_row_per_id():
    found = finding_rows("warning", "X", "firms", ["A", None], "uscc", ["m1", "m2"], "s")
    assert list(found.columns) == FINDING_COLUMNS
    assert found["row_id"].iloc[0] == "A"
    assert pd.isna(found["row_id"].iloc[1])
    assert found["message"].tolist() == ["m1", "m2"]
    assert set(found["suggestion"]) == {"s"}
    assert finding_rows("error", "X", "firms", [], None, "m").empty


def test_isin_equals_pandas_isin_with_missing_never_matching():
    rng = np.random.default_rng(4)
    for _ in range(100):
        keys = pd.Series(rng.choice(["a", "b", "中", "", None], 8), dtype="str")
        values = list(rng.choice(["a", "中", "x", None], rng.integers(0, 4)))
        want = keys.isin([v for v in values if v is not None]) & keys.notna()
        for given in (values, pd.Series(values, dtype="str"), pd.Index(values)):
            assert isin(keys, given).tolist() == want.tolist()


def test_positions_give_the_first_row_of_each_key():
    ids = pd.Series(["b", None, "a", "b", "中"], dtype="str")
    keys = pd.Series(["b", "中", None, "x", "a", "b"], dtype="str", index=[9, 8, 7, 6, 5, 4])
    assert positions(keys, ids).tolist() == [0, 4, -1, -1, 2, 0]
    assert positions(keys.iloc[:0], ids).shape == (0,)
    assert positions(keys, ids.iloc[:0]).tolist() == [-1] * 6

"""Private helpers of landeval.mu_scoring.evaluate: firm_scores order, occupants without data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from landeval.inputs.model import RESULT_COLUMNS
from landeval.mu_scoring._frames import sort_order
from landeval.mu_scoring.evaluate import (
    FIRM_SCORE_EXTRAS,
    _lost_land,
    _no_data_findings,
    _sorted_by_year_and_text,
    _sorted_firm_scores,
    _text_order,
)


def _firm_years(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    fy = pd.DataFrame(
        dict.fromkeys([*RESULT_COLUMNS["firm_scores"], *FIRM_SCORE_EXTRAS], np.nan), index=range(n)
    )
    fy["uscc"] = pd.Series([f"u{i:03d}" for i in rng.permutation(n)], dtype="str")
    fy["year"] = rng.integers(2022, 2025, size=n)
    fy["group"] = pd.Series(rng.choice(["b|above", "a|below", "甲|above", ""], size=n), dtype="str")
    fy["evaluated"] = rng.random(n) < 0.7
    rank = pd.array(rng.integers(1, 5, size=n), dtype="Int64")
    rank[~fy["evaluated"].to_numpy()] = pd.NA
    fy["rank"] = rank
    return fy


def _expected(fy: pd.DataFrame) -> pd.DataFrame:
    keys = pa.table(
        {
            "year": fy["year"].to_numpy(),
            "group": pa.array(fy["group"].astype(object), pa.large_string()),
            "_t": ~fy["evaluated"].to_numpy(dtype=bool),
            "rank": pa.array(fy["rank"].array),
            "uscc": pa.array(fy["uscc"].astype(object), pa.large_string()),
        }
    )
    order = sort_order(keys, keys.column_names).to_numpy()
    cols = [*RESULT_COLUMNS["firm_scores"], *FIRM_SCORE_EXTRAS]
    return fy[cols].iloc[order].reset_index(drop=True)


def test_sorted_firm_scores_same_order_whether_or_not_input_is_sorted():
    fy = _firm_years(300, seed=1)
    shuffled = fy.reset_index(drop=True)
    by_year_uscc = fy.sort_values(["year", "uscc"]).reset_index(drop=True)
    assert not _sorted_by_year_and_text(
        shuffled["year"].to_numpy(), pa.array(shuffled["uscc"].astype(object))
    )
    assert _sorted_by_year_and_text(
        by_year_uscc["year"].to_numpy(), pa.array(by_year_uscc["uscc"].astype(object))
    )
    for frame in (shuffled, by_year_uscc):
        pd.testing.assert_frame_equal(
            _sorted_firm_scores(frame), _expected(frame), check_exact=True
        )


def test_sorted_by_year_and_text_edge_cases():
    assert _sorted_by_year_and_text(np.array([], dtype="int64"), pa.array([], pa.string()))
    assert not _sorted_by_year_and_text(np.array([2023]), pa.array([None], pa.string()))
    # Equal texts within a year are not strictly increasing; a new year starts over.
    assert not _sorted_by_year_and_text(np.array([2023, 2023]), pa.array(["a", "a"]))
    assert _sorted_by_year_and_text(np.array([2023, 2024]), pa.array(["b", "a"]))
    assert not _sorted_by_year_and_text(np.array([2024, 2023]), pa.array(["a", "b"]))


def test_text_order_sorts_like_the_text_missing_last():
    values = pa.array(["乙", "a", None, "B", "a", ""])
    assert _text_order(values).tolist() == [3, 2, 4, 1, 2, 0]


def _lost_reference(land: pd.DataFrame, fs: pd.DataFrame) -> np.ndarray:
    keys = {(u, y) for u, y in zip(fs["uscc"], fs["year"], strict=True) if pd.notna(u)}
    return np.array(
        [
            pd.notna(u) and (u, y) not in keys
            for u, y in zip(land["uscc"], land["year"], strict=True)
        ]
    )


@pytest.mark.parametrize("seed", range(4))
def test_lost_land_matches_an_anti_join(seed):
    rng = np.random.default_rng(seed)
    n = 60
    usccs = np.array(["a", "b", "c", "中", "", None], dtype=object)
    land = pd.DataFrame(
        {
            "uscc": pd.Series(rng.choice(usccs, n), dtype="str"),
            "year": rng.integers(2021, 2025, n),
            "parcel_id": pd.Series(rng.choice(["P", "Q", "R"], n), dtype="str"),
        }
    )
    fs = pd.DataFrame(
        {
            "uscc": pd.Series(rng.choice(usccs, 12), dtype="str"),
            "year": rng.integers(2020, 2026, 12),
        }
    )
    assert _lost_land(land, fs).tolist() == _lost_reference(land, fs).tolist()


def test_lost_land_empty_and_missing_years():
    land = pd.DataFrame(
        {
            "uscc": pd.Series(["a", "a", "b"], dtype="str"),
            "year": pd.array([2023, None, 2023], dtype="Int64"),
            "parcel_id": pd.Series(["P", "P", "Q"], dtype="str"),
        }
    )
    fs = pd.DataFrame({"uscc": pd.Series(["a"], dtype="str"), "year": [2023]})
    # A missing year matches no firm-year.
    assert _lost_land(land, fs).tolist() == [False, True, True]
    assert _lost_land(land.iloc[:0], fs).tolist() == []
    assert _lost_land(land, fs.iloc[:0]).tolist() == [True, True, True]


def test_no_data_findings_lists_distinct_parcels_in_text_order():
    land = pd.DataFrame(
        {
            "uscc": pd.Series(["b", "b", "b", "a", "c"], dtype="str"),
            "year": [2023, 2023, 2023, 2024, 2023],
            "parcel_id": pd.Series(["Q", "P", "Q", "R", "S"], dtype="str"),
        }
    )
    fs = pd.DataFrame({"uscc": pd.Series(["c"], dtype="str"), "year": [2023]})
    found = _no_data_findings(land, fs)
    assert found["row_id"].tolist() == ["a", "b"]
    assert found["message"].str.startswith(("2024年占用宗地R，", "2023年占用宗地P、Q，")).all()

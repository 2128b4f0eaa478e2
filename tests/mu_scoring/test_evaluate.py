"""Private helpers of landeval.mu_scoring.evaluate: the firm_scores order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval.inputs.model import RESULT_COLUMNS
from landeval.mu_scoring._frames import sort_order
from landeval.mu_scoring.evaluate import (
    FIRM_SCORE_EXTRAS,
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

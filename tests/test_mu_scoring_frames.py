"""Tests of the private frame helpers of landeval.mu_scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval.mu_scoring._frames import is_in, sort_order, take_rows, text_array


def test_is_in_matches_pandas_isin_with_missing_values():
    values = pd.Series(["a", "b", None, "c", "a"], dtype="str")
    for options in (["a", None], ["a"], [], ["c", "b", "a"]):
        opts = pd.Series(options, dtype="str")
        assert is_in(values, opts).tolist() == values.isin(opts).tolist()


def test_is_in_does_not_mutate():
    values, options = pd.Series(["x", "y"]), pd.Series(["y"])
    before = values.copy(), options.copy()
    assert is_in(values, options).tolist() == [False, True]
    pd.testing.assert_series_equal(values, before[0])
    pd.testing.assert_series_equal(options, before[1])


def test_sort_order_matches_pandas_stable_sort_missing_last():
    frame = pd.DataFrame(
        {
            "t": pd.Series(["乙", "a", None, "甲", "a", "=1+1", "a", "Z"], dtype="str"),
            "x": [2.0, float("nan"), 1.0, -3.5, -0.0, 1e300, 0.0, -1e300],
            "i": pd.array([1, None, 3, 1, 2, None, 2, 0], dtype="Int64"),
        }
    )
    for keys in (["t", "x"], ["i", "t"], ["x"], ["t", "i", "x"]):
        expected = frame.sort_values(keys, kind="stable", na_position="last").index.tolist()
        table = pa.Table.from_pandas(frame, preserve_index=False)
        assert sort_order(table, keys).to_pylist() == expected


def test_take_rows_keeps_dtypes_and_values():
    frame = pd.DataFrame(
        {
            "s": pd.Series(["甲", None, "c"], dtype="str"),
            "f": [1.5, float("nan"), -2.0],
            "n": pd.array([None, 2, 3], dtype="Int64"),
            "b": [True, False, True],
        },
        index=[10, 11, 12],
    )
    out = take_rows(frame, np.array([2, 0, 1]), ["n", "s", "f", "b"])
    expected = frame.iloc[[2, 0, 1]][["n", "s", "f", "b"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(out, expected, check_exact=True)


def test_text_array_of_str_and_object_columns():
    for values in (pd.Series(["甲", None, "b"], dtype="str"), pd.Series(["甲", None, "b"])):
        assert text_array(values).to_pylist() == ["甲", None, "b"]

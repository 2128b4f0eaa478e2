"""Tests of the private frame helpers of landeval.mu_scoring."""

from __future__ import annotations

import pandas as pd

from landeval.mu_scoring._frames import is_in


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

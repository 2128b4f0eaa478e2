"""Tests of the private frame helpers of landeval.mu_scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval.mu_scoring._frames import sort_order, take_rows


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


def test_run_starts_and_codes_treat_missing_keys_as_equal():
    from landeval.mu_scoring._frames import run_codes, run_starts

    table = pa.table(
        {"a": ["x", "x", None, None, "y", "y"], "b": pa.array([1, 1, 2, 2, 2, 3], pa.int64())}
    )
    starts = run_starts(table, ["a", "b"])
    assert starts.tolist() == [0, 2, 4, 5]
    assert run_codes(starts, 6).tolist() == [0, 0, 1, 1, 2, 3]
    assert run_starts(table.slice(0, 0), ["a"]).tolist() == []
    assert run_starts(table.slice(0, 1), ["a"]).tolist() == [0]


def test_group_codes_group_equal_keys_wherever_they_are():
    from landeval.mu_scoring._frames import group_codes

    table = pa.table(
        {
            "t": ["b", "a", None, "b", None, "a"],
            "y": pa.array([2023, 2023, 2023, 2023, 2024, 2024], pa.int64()),
            "big": pa.array([10**12, 10**12, 10**12, 10**12, 0, 0], pa.int64()),
        }
    )
    codes, rows = group_codes(table, ["t", "y", "big"])
    keys = list(zip(table["t"].to_pylist(), table["y"].to_pylist(), strict=True))
    # Same key, same code; different keys, different codes; codes 0..k-1 without gaps.
    for i in range(6):
        for j in range(6):
            assert (codes[i] == codes[j]) == (keys[i] == keys[j])
    assert sorted(set(codes.tolist())) == list(range(len(rows)))
    # Each group's row has the group's key.
    for code, row in enumerate(rows):
        assert keys[row] == keys[int(np.flatnonzero(codes == code)[0])]
    empty_codes, empty_rows = group_codes(table.slice(0, 0), ["t", "y"])
    assert len(empty_codes) == 0
    assert len(empty_rows) == 0


def test_ordered_sums_add_in_row_order_like_a_sequential_loop():
    from landeval.mu_scoring._frames import ordered_sums

    # Pairwise or reordered sums of these differ in the last bits from the sequential one.
    rng = np.random.default_rng(7)
    values = rng.normal(size=1000) * 10.0 ** rng.integers(-8, 8, size=1000)
    codes = rng.integers(0, 3, size=1000)
    expected = [0.0, 0.0, 0.0]
    for v, c in zip(values, codes, strict=True):
        expected[c] += v
    got = ordered_sums(pa.array(values), codes, 4).to_pylist()
    assert got[:3] == expected
    # A group without valid values is null, nulls are skipped; -0.0 alone sums to 0.0.
    sums = ordered_sums(pa.array([None, 1.5, None, -0.0, 2.0]), np.array([0, 1, 1, 2, 1]), 3)
    assert sums.to_pylist() == [None, 3.5, 0.0]
    assert str(sums.to_pylist()[2]) == "0.0"


def test_ordered_sums_equal_duckdb_single_thread_sum():
    import duckdb

    rng = np.random.default_rng(3)
    values = rng.normal(size=5000) * 10.0 ** rng.integers(-6, 6, size=5000)
    codes = rng.integers(0, 50, size=5000)
    from landeval.mu_scoring._frames import ordered_sums

    table = pa.table({"g": codes, "v": values})
    con = duckdb.connect(config={"threads": 1})
    con.register("t", table)
    expected = dict(con.sql("SELECT g, sum(v) FROM t GROUP BY g").fetchall())
    con.close()
    got = ordered_sums(pa.array(values), codes, 50).to_pylist()
    assert got == [expected[g] for g in range(50)]


def test_is_sorted_compares_key_by_key():
    from landeval.mu_scoring._frames import is_sorted

    table = pa.table({"a": [1, 1, 2, 2], "b": ["x", "y", "a", "a"]})
    assert is_sorted(table, ["a", "b"])
    assert not is_sorted(table, ["b"])
    assert not is_sorted(table, ["b", "a"])
    assert is_sorted(table.slice(2), ["b", "a"])
    assert is_sorted(table.slice(0, 0), ["a"])
    assert not is_sorted(pa.table({"a": [1, None]}), ["a"])

"""The shared Arrow text helpers (landeval._arrow) give what pandas or plain Python gives.

Lookups, codes, per-value functions and joined texts on missing values, duplicates,
Chinese and formula-like text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from landeval._arrow import (
    codes_in,
    encode,
    equals,
    first_positions,
    is_in,
    join_masks,
    per_value,
    per_value_str,
    repeated,
    sorted_dictionary,
    starts_with,
    take_float,
    take_str,
    text_array,
    to_str,
)

TEXTS = ["绍兴", None, "=SUM(A1)", "", "-12", "330602", "绍兴", "1e308", None, "C1711"]


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


def test_text_array_of_str_and_object_columns():
    for values in (pd.Series(["甲", None, "b"], dtype="str"), pd.Series(["甲", None, "b"])):
        assert text_array(values).to_pylist() == ["甲", None, "b"]


def test_sorted_dictionary_and_codes_sort_and_compare_as_the_texts():
    a = pa.chunked_array([pa.array(["乙", "a", None]), pa.array(["Z", "a"])])
    b = pa.array(["=1", "甲", "a"], type=pa.large_string())
    dictionary = sorted_dictionary(a, b)
    # Code point order (as DuckDB and Arrow sort), each text once, no missing value.
    assert dictionary.to_pylist() == ["=1", "Z", "a", "乙", "甲"]
    values = pa.array(["甲", None, "a", "zz", "a", "=1"])
    codes = codes_in(values, dictionary)
    assert codes.dtype == np.int64
    assert codes.tolist() == [4, -1, 2, -1, 2, 0]  # missing or absent: -1
    present = codes >= 0
    texts = [v for v, ok in zip(values.to_pylist(), present, strict=True) if ok]
    assert np.argsort(codes[present], kind="stable").tolist() == sorted(
        range(len(texts)), key=lambda i: texts[i]
    )


def test_sorted_dictionary_and_codes_of_empty_or_all_missing_columns():
    empty = sorted_dictionary(pa.array([], type=pa.string()), pa.array([None, None]))
    assert len(empty) == 0
    assert codes_in(pa.array(["a", None]), empty).tolist() == [-1, -1]
    assert codes_in(pa.array([], type=pa.string()), sorted_dictionary(pa.array(["a"]))).size == 0


def test_text_array_round_trip_matches_pandas_conversion():
    values = np.array([*TEXTS, 7, -3.5], dtype=object)
    expected = pd.array(values, dtype="str")
    got = to_str(text_array(pd.Series(values)))
    pd.testing.assert_extension_array_equal(got, expected)
    # A str column is taken as it is.
    series = pd.Series(TEXTS, dtype="str")
    pd.testing.assert_extension_array_equal(to_str(text_array(series)), series.array)


@pytest.mark.parametrize("n_keys", [3, 40])  # hash the keys / hash the queries
def test_first_positions_first_match_and_missing(n_keys):
    keys = ["b", None, "绍兴", "b", "=A1", *[f"k{i}" for i in range(n_keys - 5)]][:n_keys]
    keys = keys if n_keys >= 5 else ["b", None, "b"]
    queries = ["b", None, "zz", "绍兴", "=A1"]
    got = first_positions(text_array(pd.Series(queries)), text_array(pd.Series(keys)))
    index = pd.Index(pd.Series(keys, dtype="str").to_numpy(dtype=object))
    expected = [index.get_loc(q) if q in keys else -1 for q in queries]
    expected = [e if isinstance(e, int) else int(np.flatnonzero(e)[0]) for e in expected]
    assert got.tolist() == expected


def test_first_positions_same_sorted_keys_and_unsorted_keys():
    ids = text_array(pd.Series([f"p{i:03d}" for i in range(50)]))
    assert first_positions(ids, ids).tolist() == list(range(50))
    shuffled = ids.take(pa.array(np.random.default_rng(0).permutation(50)))
    pos = first_positions(ids, shuffled)
    assert shuffled.take(pa.array(pos)).equals(ids)
    dup = text_array(pd.Series(["a", "a", "b"]))
    assert first_positions(dup, dup).tolist() == [0, 0, 2]


def test_take_helpers_give_missing_for_negative_positions():
    arr = text_array(pd.Series(["x", "绍兴"]))
    assert take_str(arr, np.array([1, -1, 0])).to_pylist() == ["绍兴", None, "x"]
    assert take_str(text_array(pd.Series([], dtype="str")), np.array([-1])).to_pylist() == [None]
    got = take_float(np.array([1.5, -2.0]), np.array([-1, 1, 0]))
    assert np.isnan(got[0]) and got[1:].tolist() == [-2.0, 1.5]


def test_per_value_and_equals_treat_missing_as_none():
    arr = text_array(pd.Series(TEXTS))
    lengths = per_value(arr, lambda v: -1 if v is None else len(v), dtype=np.int64)
    assert lengths.tolist() == [-1 if v is None else len(v) for v in TEXTS]
    upper = per_value_str(arr, lambda v: None if v is None else v.upper() + "!")
    assert upper.to_pylist() == [None if v is None else v.upper() + "!" for v in TEXTS]
    assert equals(arr, "绍兴").tolist() == [v == "绍兴" for v in TEXTS]
    codes, uniq = encode(arr)
    assert [None if c < 0 else uniq[c] for c in codes] == TEXTS


def _join_where(masks, texts, sep):
    # The plain row-by-row join that join_masks replaces.
    n = len(next(iter(masks.values())))
    return [sep.join(texts[k] for k in masks if masks[k][i]) for i in range(n)]


def test_join_masks_equals_a_row_by_row_join():
    rng = np.random.default_rng(3)
    masks = {k: rng.random(200) < 0.3 for k in ("A", "B", "C", "D")}
    masks["B"][:] = False
    texts = {"A": "容积率", "B": "=x", "C": "-1", "D": "闲置"}
    got = join_masks(masks, texts, "；").to_pylist()
    assert got == _join_where(masks, texts, "；")
    assert join_masks({}, {}, ";").to_pylist() == []


@pytest.mark.parametrize("seed", range(3))
def test_repeated_is_duplicated_keep_first(seed):
    rng = np.random.default_rng(seed)
    values = pd.Series(rng.choice(np.array(["a", "b", "", "中", None], dtype=object), 30))
    for series in (values.astype("str"), values.astype(object)):
        expected = series.duplicated(keep="first").to_numpy()
        assert repeated(series).tolist() == expected.tolist()
    assert repeated(pd.Series([], dtype="str")).tolist() == []


def test_starts_with_any_prefix_missing_is_false():
    arr = text_array(pd.Series(["C2611", None, "C17", "D4410", ""]))
    assert starts_with(arr, ["C26", "D44"]).tolist() == [True, False, False, True, False]
    assert starts_with(arr, []).tolist() == [False] * 5

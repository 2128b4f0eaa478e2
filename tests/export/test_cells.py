"""Tests of landeval.export._cells: formula neutralising, widths and Arrow text bytes."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landeval.export._cells import (
    FORMULA_STARTS,
    as_bool,
    as_number,
    as_text,
    column_width,
    display_width,
    neutralise,
    neutralise_array,
    string_bytes,
)
from tests._fixtures_results import FORMULA_NAME
from tests.export._helpers import TEXTS


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x", FORMULA_NAME],
)
def test_neutralise_dangerous_starts(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["越城区", "a=b", "1-2", "", "'quoted"])
def test_neutralise_leaves_safe_text(text):
    assert neutralise(text) == text


@given(st.text(alphabet=st.sampled_from("=+-@\t\r＝＋－＠a1越 '"), max_size=6))
def test_neutralised_text_never_starts_a_formula(text):
    out = neutralise(text)
    assert not out.startswith(FORMULA_STARTS)
    assert out.removeprefix("'") == text or out == text


def test_neutralise_array_matches_neutralise():
    texts = list(TEXTS)
    got = neutralise_array(pa.array(texts, type=pa.large_string())).to_pylist()
    assert got == [None if t is None else neutralise(t) for t in texts]


def test_display_width_counts_wide_characters_twice():
    assert display_width("越城区ab") == 8
    assert display_width("（亩）") == 6
    assert column_width("面积（亩）", ["12.00"]) == 12.0  # 10 + 2 padding


def test_column_width_is_the_widest_text_whatever_its_length():
    # a shorter Chinese text can be wider than a longer ASCII one: the width is the widest
    texts = ["a" * 11, "越城区越城区", "b" * 3]
    assert column_width("x", texts) == display_width("越城区越城区") + 2 == 14.0
    assert column_width("x", [*texts, "c" * 13]) == 15.0
    # capped at the maximum, and never below the header or the minimum
    assert column_width("x", ["越" * 40]) == 60.0
    assert column_width("越城区越城区越城区", ["ab"]) == 20.0
    assert column_width("x", []) == 8.0


def test_cell_values_missing_is_none_not_zero():
    assert as_number(None) is None
    assert as_number(float("nan")) is None
    assert as_number(float("inf")) is None
    assert as_number("12") is None  # text is not a number
    assert as_number(0) == 0.0
    assert as_bool(None) is None
    assert as_bool("是") is True
    assert as_bool(0) is False
    assert as_text(None) is None
    assert as_text(["越城区", None, "柯桥区"]) == "越城区、柯桥区"
    assert as_text(["a", "b"], lang="en") == "a; b"


def test_string_bytes_of_a_slice_are_its_utf8():
    texts = pa.array(["越城", "", "ab", "柯桥区"], type=pa.large_string())
    assert string_bytes(texts).to_pybytes() == "越城ab柯桥区".encode()
    assert string_bytes(texts.slice(2, 2)).to_pybytes() == "ab柯桥区".encode()

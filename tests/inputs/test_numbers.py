"""Number cells: parsed as pandas parses them, cleaned only where needed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landeval.config import default_config
from landeval.inputs import read_table
from landeval.inputs.numbers import parse_numbers, plain_cells, to_number
from landeval.inputs.text import clean_text, on_subset
from tests._messy import USCC

_EDGE_NUMBERS = [
    None,
    "",
    "0",
    "-0",
    "-0.0",
    "-00",
    "+5",
    ".5",
    "5.",
    "1e5",
    "1E-3",
    "inf",
    "-inf",
    "nan",
    "abc",
    "中文",
    "=1+2",
    "0x10",
    "1_000",
    "123456789012345",
    "1234567890123456",
    "12345678901234567",
    "-999999999999999",
    "99999999999999999999",
    "18446744073709551616",
    "-9223372036854775809",
    "0.000000000000001",
    "3.14159265358979",
    "007",
    "-12.50",
]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    both_nan = np.isnan(a) & np.isnan(b)
    return bool((both_nan | ((a == b) & (np.signbit(a) == np.signbit(b)))).all())


def _reference(cells: pd.Series) -> np.ndarray:
    return pd.to_numeric(cells, errors="coerce").astype("float64").to_numpy()


@pytest.mark.parametrize("n", range(len(_EDGE_NUMBERS)))
def test_parse_numbers_edge_cases_alone_and_mixed(n):
    cell = _EDGE_NUMBERS[n]
    for cells in ([cell], [cell, "12"], [cell, "-3"], [cell, "1.5"], [cell, None, "7"]):
        series = pd.Series(cells, dtype="str")
        assert _same(parse_numbers(series).to_numpy(), _reference(series)), cells


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_EDGE_NUMBERS),
            st.integers(-(10**17), 10**17).map(str),
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
            st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_parse_numbers_equals_to_numeric(cells):
    series = pd.Series(cells, dtype="str", index=range(10, 10 + len(cells)))
    got = parse_numbers(series)
    assert got.index.equals(series.index)
    assert got.dtype == "float64"
    assert _same(got.to_numpy(), _reference(series))


def _to_number_reference(series: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    """:func:`to_number` with every cell cleaned, plain or not, the plain pandas way."""
    text = clean_text(series)
    cleaned = text.str.replace(r"(?<=\d)[,\s](?=\d{3})", "", regex=True)
    if integer:
        cleaned = on_subset(cleaned, cleaned.str.endswith("年"), lambda s: s.str.slice(stop=-1))
    values = parse_numbers(cleaned)
    present = text.notna()
    limit = 2.0**53 if integer else np.inf
    values = values.where(values.abs() < limit)
    bad = present & values.isna()
    if integer:
        not_whole = values.notna() & (values - values.round()).abs().gt(1e-9)
        return values.mask(not_whole).round().astype("Int64"), bad | not_whole
    return values, bad


_MESSY_NUMBERS = [
    *_EDGE_NUMBERS,
    "１２３",
    " 12 ",
    "1,234",
    "1 234.5",
    "2023年",
    "—",
    "NULL",
    "n/a",
    "",
    "　7",
    "-0",
    "12.",
]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_MESSY_NUMBERS),
            st.integers(-(10**17), 10**17).map(str),
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
            st.none(),
        ),
        min_size=1,
        max_size=10,
    ),
    st.booleans(),
)
def test_to_number_cleans_only_what_is_not_plain_and_gives_the_same(cells, integer):
    series = pd.Series(cells, dtype="str", index=range(5, 5 + len(cells)))
    values, bad = to_number(series, integer=integer)
    ref_values, ref_bad = _to_number_reference(series, integer=integer)
    pd.testing.assert_series_equal(values, ref_values, check_exact=True)
    pd.testing.assert_series_equal(bad, ref_bad, check_exact=True, check_names=False)
    plain = plain_cells(series)
    assert (clean_text(series)[plain] == series[plain]).all()  # what the fast path assumes


def test_plain_cells_equal_the_regex_on_mixed_columns():
    for cells in (
        _EDGE_NUMBERS,
        ["2023"] * 10 + ["12.5"],  # few cells left for the regex
        ["1.5"] * 10 + ["7"],  # most cells left for the regex
        ["12", "-3", "1.5", "١٢", "１２", " 1", "1 ", "0.5.1", "--1", "1-"],
    ):
        series = pd.Series(cells, dtype="str")
        want = series.str.fullmatch(r"-?[0-9]+(\.[0-9]+)?").fillna(False).astype(bool)
        assert (plain_cells(series).to_numpy() == want.to_numpy()).all(), cells


def test_coercion_of_messy_numbers(tmp_path):
    (tmp_path / "o.csv").write_text(
        "信用代码,年份,工业增加值,营业收入,年平均职工人数\n"
        f'{USCC[0]},2023.0,"1,234.5",１２３,—\n'
        f"{USCC[1]},2023年,/,abc,12\n"
        f'{USCC[2]},2022.5,," 7 ",3.0\n',
        encoding="utf-8",
    )
    frame, findings = read_table("o.csv", "firm_output", config=default_config(), base=tmp_path)
    assert frame["year"].tolist()[:2] == [2023, 2023]
    assert pd.isna(frame.loc[2, "year"])
    assert frame["value_added"].tolist()[0] == 1234.5
    assert frame["value_added"].isna().tolist() == [False, True, True]
    assert frame["revenue"].tolist()[0] == 123.0
    assert pd.isna(frame.loc[1, "revenue"])
    assert frame.loc[2, "revenue"] == 7.0
    assert frame["employees"].tolist()[1:] == [12.0, 3.0]
    problems = {(f.code, f.row_id, f.field) for f in findings if f.severity == "warning"}
    assert problems == {
        ("VALUE_NOT_INTEGER", "row 4", "year"),
        ("VALUE_NOT_NUMBER", "row 3", "revenue"),
    }

"""Tests of landeval._format: one number formatter for what the outputs show."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from landeval._format import format_number, format_numbers, format_percent
from landeval.vocabulary import MISSING_TEXT


@pytest.mark.parametrize(
    ("value", "kwargs", "shown"),
    [
        (12345.678, {}, "12,345.7"),
        (12345.678, {"grouping": False, "decimals": 2}, "12345.68"),
        (0.4567, {"percent": True}, "45.7%"),
        (12.3456, {"percent": True, "decimals": 0}, "1,235%"),
        (3.5, {"sign": True, "decimals": 2}, "+3.50"),
        (-1234.5, {"sign": True, "decimals": 2}, "-1,234.50"),
        (1413, {"decimals": 0}, "1,413"),
        (np.int64(7), {"decimals": 0}, "7"),
        (np.float32(0.5), {}, "0.5"),
        (1.50, {"decimals": 2, "trim": True}, "1.5"),
        (2.0, {"decimals": 2, "trim": True}, "2.0"),
        (12.0, {"decimals": 0, "trim": True}, "12"),
        (0.125, {"decimals": 2}, "0.12"),  # the float's own rounding, as Python's format
    ],
)
def test_numbers(value, kwargs, shown):
    assert format_number(value, **kwargs) == shown


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf, pd.NA, pd.NaT, "12", b"1"])
def test_missing_is_never_zero(value):
    assert format_number(value) == MISSING_TEXT
    assert format_number(value, missing="") == ""


def test_agrees_with_the_excel_formats_of_the_workbook():
    from landeval.export.workbook import _shown_number

    assert _shown_number(0.25, "share") == "25.0%"
    assert _shown_number(1234.5, "money") == "1,234.50"
    assert _shown_number(1234.5, "area") == "1234.50"
    assert _shown_number(1999.6, "count") == "2000"


# The vectorised formatter of the reason sentences writes what Python's format writes.


def _python(value: float, digits: int, trim: bool) -> str:
    text = f"{value:.{digits}f}"
    if trim and digits:
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    return text


def _values() -> np.ndarray:
    rng = np.random.default_rng(7)
    ranks = np.arange(1, 401)
    # Shares as percentages (rank / n × 100) and two-decimal figures sit on or near ties.
    percent = ranks / 400 * 100
    cents = np.round(rng.uniform(-50, 500, 2000), 2)
    special = [0.0, -0.0, 0.05, 0.15, 0.125, 2.675, 1.005, -0.04, -2.5, 99.95, 1e6, 1e12]
    return np.concatenate([percent, cents, rng.random(500) * 1000, special])


@pytest.mark.parametrize("digits", [0, 1, 2])
@pytest.mark.parametrize("trim", [False, True])
def test_vectorised_equals_python_format(digits, trim):
    values = _values()
    got = format_numbers(values, decimals=digits, trim=trim).to_pylist()
    assert got == [_python(float(v), digits, trim) for v in values]
    assert got == [format_number(float(v), digits, grouping=False, trim=trim) for v in values]


def test_nan_is_null_and_infinities_are_missing_text():
    got = format_numbers([math.nan, math.inf, -math.inf, 1.25], decimals=1).to_pylist()
    assert got == [None, MISSING_TEXT, MISSING_TEXT, "1.2"]
    assert format_numbers([], decimals=2).to_pylist() == []


def test_trim_keeps_one_decimal():
    assert [format_number(x, 2, trim=True) for x in (0.42, 0.8, 1.0, 12.345)] == [
        "0.42",
        "0.8",
        "1.0",
        "12.35",
    ]
    assert format_number(30.0, 0, trim=True) == "30"


def test_percent():
    assert [format_percent(x) for x in (0.25, 0.275, 1.0, 0.0)] == ["25%", "27.5%", "100%", "0%"]

"""The one number formatter (landeval._format) writes what Python's format writes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from landeval._format import format_number, format_numbers, format_percent


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
    got = format_numbers(values, digits=digits, trim=trim).to_pylist()
    assert got == [_python(float(v), digits, trim) for v in values]
    assert got == [format_number(float(v), digits=digits, trim=trim) for v in values]


def test_missing_is_null_and_infinities_are_written():
    got = format_numbers([math.nan, math.inf, -math.inf, 1.25], digits=1).to_pylist()
    assert got == [None, "inf", "-inf", "1.2"]
    assert format_numbers([], digits=2).to_pylist() == []


def test_trim_keeps_one_decimal():
    assert [format_number(x, trim=True) for x in (0.42, 0.8, 1.0, 12.345)] == [
        "0.42",
        "0.8",
        "1.0",
        "12.35",
    ]
    assert format_number(30.0, digits=0, trim=True) == "30"


def test_percent():
    assert [format_percent(x) for x in (0.25, 0.275, 1.0, 0.0)] == ["25%", "27.5%", "100%", "0%"]

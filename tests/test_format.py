"""Tests of landeval._format: one number formatter for what the outputs show."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from landeval._format import format_number
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

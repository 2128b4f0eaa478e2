"""The vectorised cell helpers of the exports give what the per-cell rules give.

The workbook and CSV writers turn whole columns into text with Arrow kernels and DuckDB;
these tests pin them against the per-cell functions on the cases that matter: missing
values, negative and huge numbers, Chinese text, formula-like text, XML specials and
control characters.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from landeval.export import _xlsx, actions_csv
from landeval.export._cells import neutralise, neutralise_array
from landeval.export._xlsx import Column, Sheet, _clean, _clean_array, write_xlsx

TEXTS = [
    "越城区",
    "",
    None,
    "=1+1",
    "+86 575 8888",
    "-3",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    "＝SUM(1)",
    "＋1",
    "－1",
    "＠x",
    "'already quoted",
    "a=b",
    "<b>&amp;</b>",
    'say "hi", then go',
    "line\nbreak",
    "x_x0041_y _X00ff_ _x12_",
    "nul\x00 bell\x07 vt\x0b",
    "\ufffe\uffff",
    " lead",
    "trail\u3000",
    "\xa0nbsp",
    "x" * 40000,
    "绍兴" * 20000,
]

NUMBERS = [
    0.0,
    -0.0,
    1.5,
    -2.25,
    0.1 + 0.2,
    1 / 3,
    123456789.123456789,
    2.5e-12,
    1e15,
    -1e15,
    9.999999999999999e22,
    1.7976931348623157e308,
    5e-324,
    0.00005,
    0.00015,
    2.5,
    -0.5,
    np.nan,
]


def test_neutralise_array_matches_neutralise():
    texts = list(TEXTS)
    got = neutralise_array(pa.array(texts, type=pa.large_string())).to_pylist()
    assert got == [None if t is None else neutralise(t) for t in texts]


def test_clean_array_matches_clean():
    texts = list(TEXTS)
    got = _clean_array(pa.array(texts, type=pa.large_string())).to_pylist()
    assert got == [None if t is None else _clean(t) for t in texts]


@pytest.mark.parametrize("chunk_rows", [3, 20_000])
def test_repeated_texts_and_numbers_read_back(tmp_path, monkeypatch, chunk_rows):
    # with small chunks, repeated texts take the once-per-distinct-text path
    monkeypatch.setattr(_xlsx, "_CHUNK_ROWS", chunk_rows)
    texts = TEXTS[:-2] * 6  # few distinct texts: each is made once and spread
    numbers = (NUMBERS * 8)[: len(texts)]
    cols = [
        Column("t", texts, text_transform=neutralise),
        Column("a", pd.Series(texts, dtype="str"), text_transform=neutralise),
        Column("n", numbers, number_format="0.00"),
        Column("u", texts, text_transform=str.upper),
    ]
    path = write_xlsx(tmp_path / "r.xlsx", [Sheet("s", [(0, cols)])])
    rows = list(openpyxl.load_workbook(path)["s"].iter_rows(min_row=2, values_only=True))

    def shown(t, fix):
        # what openpyxl reads back: XML entities decoded, _xHHHH_ escapes left as written
        if t is None:
            return None
        return _clean(fix(t)).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    assert [r[0] for r in rows] == [shown(t, neutralise) for t in texts]
    assert [r[1] for r in rows] == [shown(t, neutralise) for t in texts]
    assert [r[3] for r in rows] == [shown(t, str.upper) for t in texts]
    expected = [None if math.isnan(v) else float(f"{v:.16G}") for v in numbers]
    assert [r[2] for r in rows] == expected


def test_shown_numbers_match_python_formatting():
    values = np.array([*NUMBERS, np.inf, -np.inf, 1e-7, 12345678901234567890.0])
    with duckdb.connect() as con:
        (shown,) = _xlsx._shown_numbers([values], con)
    assert shown.to_pylist() == [None if math.isnan(v) else f"{v:.16G}" for v in values]


@pytest.mark.parametrize("kind", ["mu", "ratio", "int", "money", "per_unit"])
def test_csv_numbers_match_python_formatting(kind):
    values = pd.Series([*NUMBERS, 1e20, -8.998296977536865e20, 1e300], dtype="float64")
    decimals = actions_csv._DECIMALS[kind]
    with duckdb.connect() as con:
        got = actions_csv._fields(values, kind, con).to_pylist()
    assert got == ["" if math.isnan(v) else f"{v:.{decimals}f}" for v in values]


def test_csv_text_fields_are_quoted_like_the_csv_module():
    texts = TEXTS[:-2]
    with duckdb.connect() as con:
        fields = actions_csv._fields(pd.Series(texts, dtype="str"), "text", con)
    got = actions_csv._quoted(fields).to_pylist()
    for text, field in zip(texts, got, strict=True):
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(
            ["x", "" if text is None else neutralise(text)]
        )
        assert "x," + field + "\r\n" == buffer.getvalue()


@pytest.mark.parametrize("with_negative_zero", [False, True])
def test_repeated_numbers_are_formatted_once_and_read_back(
    tmp_path, monkeypatch, with_negative_zero
):
    # few distinct numbers in a long column take the once-per-distinct-value path (but
    # not with -0.0, which is written "-0" like Python's formatting writes it)
    monkeypatch.setattr(_xlsx, "_CHUNK_ROWS", 4)
    values = [v for v in NUMBERS if not (v == 0 and math.copysign(1, v) < 0)]
    numbers = (values + ([-0.0] if with_negative_zero else [])) * 5
    cols = [Column("n", numbers, number_format="0.00"), Column("t", ["x"] * len(numbers))]
    formatted: list[int] = []
    shown_numbers = _xlsx._shown_numbers

    def spy(columns, con):
        formatted.extend(len(c) for c in columns)
        return shown_numbers(columns, con)

    monkeypatch.setattr(_xlsx, "_shown_numbers", spy)
    path = write_xlsx(tmp_path / "n.xlsx", [Sheet("s", [(0, cols)])])
    # once per distinct value, or once per cell
    assert sum(formatted) == (len(numbers) if with_negative_zero else len(set(values)) - 1)
    rows = list(openpyxl.load_workbook(path)["s"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [None if math.isnan(v) else float(f"{v:.16G}") for v in numbers]
    assert [r[1] for r in rows] == ["x"] * len(numbers)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert ("<v>-0</v>" in xml) is with_negative_zero

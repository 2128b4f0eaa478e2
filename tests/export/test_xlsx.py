"""Tests of landeval.export._xlsx, the streaming XLSX writer, read back with openpyxl.

The cell XML is built a column chunk at a time with Arrow kernels and DuckDB; the kernel
tests pin it against the per-cell rules on the cases that matter.
"""

from __future__ import annotations

import math
import zipfile

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from landeval.export._cells import neutralise
from landeval.export._xlsx import Column, Sheet, column_letter, excel_width, write_xlsx
from landeval.export._xlsx import cells as xlsx_cells
from landeval.export._xlsx import sheet as xlsx_sheet
from tests.export._helpers import NUMBERS, TEXTS


@pytest.fixture
def book(tmp_path):
    sheets = [
        Sheet(
            name="清单",
            blocks=[
                (
                    0,
                    [
                        Column("宗地代码", ["P1", "P2", None, "P4"], width=12),
                        Column("面积（亩）", [1.5, None, 3.25, 1e-7], number_format="0.00"),
                        Column("比例", [0.123, 0.5, None, None], number_format="0.0%"),
                        Column("金额", [1234567.891, 0, -2, 3], number_format="#,##0.00"),
                        Column("数", [1, 2, 3, 4], number_format="0"),
                    ],
                )
            ],
        ),
        Sheet(
            name="两表 ' & <x>",
            blocks=[
                (0, [Column("a", ["x", "y"]), Column("b", [1.0, 2.0], number_format="0.00")]),
                (3, [Column("c", ["u", "v", "w", "z"])]),
            ],
        ),
        Sheet(name="空", blocks=[(0, [Column("only header", [])])]),
    ]
    return write_xlsx(tmp_path / "t.xlsx", sheets, title="标题 2024", author="landeval")


def test_values_formats_and_blanks_read_back(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("宗地代码", "面积（亩）", "比例", "金额", "数")
    assert rows[1] == ("P1", 1.5, 0.123, 1234567.891, 1)
    assert rows[2] == ("P2", None, 0.5, 0, 2)
    assert rows[3] == (None, 3.25, None, -2, 3)
    assert rows[4] == ("P4", 1e-7, None, 3, 4)
    assert ws["B2"].number_format == "0.00"
    assert ws["C2"].number_format == "0.0%"
    assert ws["D2"].number_format == "#,##0.00"
    assert ws["E2"].number_format == "0"
    assert ws["A2"].data_type == "s"


def test_header_frozen_filtered_styled_and_sized(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["清单"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E5"
    assert ws["A1"].font.b
    assert ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert ws["A1"].border.left.style == "thin"
    # 12 characters are stored as Excel stores them: (12 * 7 + 5) / 7 rounded to 1/256
    assert ws.column_dimensions["A"].width == pytest.approx(12.7109375)
    assert wb.properties.title == "标题 2024"
    assert wb.properties.creator == "landeval"


def test_blocks_side_by_side_and_filter_on_the_first(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["两表 ' & <x>"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("a", "b", None, "c")
    assert rows[2] == ("y", 2.0, None, "v")
    assert rows[4] == (None, None, None, "z")
    assert ws.auto_filter.ref == "A1:B3"
    assert wb["空"].max_row == 1
    with zipfile.ZipFile(book) as zf:
        names = zf.read("xl/workbook.xml").decode()
    # the filter's defined name quotes the sheet name, with ' doubled and XML escaped
    assert "&apos;两表 &apos;&apos; &amp; &lt;x&gt;&apos;!$A$1:$B$3" in names.replace("'", "&apos;")


def test_control_characters_whitespace_and_escape_lookalikes(tmp_path):
    texts = ["a\rb", "  lead", "trail ", "x_x0041_y", "tab\there", "nul\x00", "<&>\"'"]
    path = write_xlsx(tmp_path / "c.xlsx", [Sheet("s", [(0, [Column("t", texts)])])])
    ws = openpyxl.load_workbook(path)["s"]
    got = [c.value for c in ws["A"][1:]]
    # carriage return and NUL are stored as _xHHHH_ escapes; a literal _x0041_ stays literal
    assert got[0] == "a_x000D_b"
    assert got[1:3] == ["  lead", "trail "]
    assert got[3] == "x_x005F_x0041_y"
    assert got[4] == "tab\there"
    assert got[5] == "nul_x0000_"
    assert got[6] == "<&>\"'"


def test_rows_stream_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_sheet, "CHUNK_ROWS", 7)
    n = 50
    cols = [
        Column("i", list(range(n)), number_format="0"),
        Column("s", [f"r{i}" for i in range(n)]),
    ]
    path = write_xlsx(tmp_path / "k.xlsx", [Sheet("s", [(0, cols)])])
    rows = list(openpyxl.load_workbook(path)["s"].iter_rows(min_row=2, values_only=True))
    assert rows == [(i, f"r{i}") for i in range(n)]


def test_numbers_keep_sixteen_significant_digits(tmp_path):
    values = [0.1 + 0.2, 1 / 3, 123456789.123456789, 2.5e-12]
    path = write_xlsx(tmp_path / "n.xlsx", [Sheet("s", [(0, [Column("v", values, "0.00")])])])
    got = [c.value for c in openpyxl.load_workbook(path)["s"]["A"][1:]]
    assert got == [float(f"{v:.16G}") for v in values]


def test_text_longer_than_excel_allows_is_cut(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", [Sheet("s", [(0, [Column("t", ["x" * 40000])])])])
    assert len(openpyxl.load_workbook(path)["s"]["A2"].value) == 32767


def test_column_letters_and_widths():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip
    assert excel_width(8.43) == pytest.approx(9.140625)
    assert excel_width(0) == 0.0


@pytest.mark.parametrize("chunk_rows", [2, 20_000])
def test_cells_after_missing_cells_and_gaps_keep_their_column(tmp_path, monkeypatch, chunk_rows):
    # a cell carries its reference only where a reader cannot count it: after a missing
    # cell, after a gap between blocks, and in a block that does not start at column A
    monkeypatch.setattr(xlsx_sheet, "CHUNK_ROWS", chunk_rows)
    blocks = [
        (
            1,
            [
                Column("a", [None, "a2", None, "a4", None]),
                Column("b", [1.0, None, None, 4.0, None], number_format="0"),
                Column("c", ["c1", "c2", None, None, None]),
            ],
        ),
        (5, [Column("d", ["d1", None, "d3", "d4", None]), Column("e", ["e1"] * 4 + [None])]),
    ]
    path = write_xlsx(tmp_path / "g.xlsx", [Sheet("s", blocks)])
    for read_only in (False, True):
        ws = openpyxl.load_workbook(path, read_only=read_only)["s"]
        rows = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=2, max_col=7)]
        # (the last row has no cells: openpyxl reads it as empty or not at all)
        assert rows[:4] == [
            (None, None, 1, "c1", None, "d1", "e1"),
            (None, "a2", None, "c2", None, None, "e1"),
            (None, None, None, None, None, "d3", "e1"),
            (None, "a4", 4, None, None, "d4", "e1"),
        ]
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    # the cell right after its present left neighbour goes without a reference
    assert '<row r="5"><c r="B5" t="inlineStr"><is><t>a4</t></is></c><c s="' in xml


def test_clean_array_matches_clean():
    texts = list(TEXTS)
    got = xlsx_cells.clean_array(pa.array(texts, type=pa.large_string())).to_pylist()
    assert got == [None if t is None else xlsx_cells.clean(t) for t in texts]


@pytest.mark.parametrize("chunk_rows", [3, 20_000])
def test_repeated_texts_and_numbers_read_back(tmp_path, monkeypatch, chunk_rows):
    # with small chunks, repeated texts take the once-per-distinct-text path
    monkeypatch.setattr(xlsx_sheet, "CHUNK_ROWS", chunk_rows)
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
        text = xlsx_cells.clean(fix(t))
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    assert [r[0] for r in rows] == [shown(t, neutralise) for t in texts]
    assert [r[1] for r in rows] == [shown(t, neutralise) for t in texts]
    assert [r[3] for r in rows] == [shown(t, str.upper) for t in texts]
    expected = [None if math.isnan(v) else float(f"{v:.16G}") for v in numbers]
    assert [r[2] for r in rows] == expected


def test_shown_numbers_match_python_formatting():
    values = np.array([*NUMBERS, np.inf, -np.inf, 1e-7, 12345678901234567890.0])
    with duckdb.connect() as con:
        (shown,) = xlsx_cells.shown_numbers([values], con)
    assert shown.to_pylist() == [None if math.isnan(v) else f"{v:.16G}" for v in values]


@pytest.mark.parametrize("with_negative_zero", [False, True])
def test_repeated_numbers_are_formatted_once_and_read_back(
    tmp_path, monkeypatch, with_negative_zero
):
    # few distinct numbers in a long column take the once-per-distinct-value path (but
    # not with -0.0, which is written "-0" like Python's formatting writes it)
    monkeypatch.setattr(xlsx_sheet, "CHUNK_ROWS", 4)
    values = [v for v in NUMBERS if not (v == 0 and math.copysign(1, v) < 0)]
    numbers = (values + ([-0.0] if with_negative_zero else [])) * 5
    cols = [Column("n", numbers, number_format="0.00"), Column("t", ["x"] * len(numbers))]
    formatted: list[int] = []
    shown_numbers = xlsx_sheet.shown_numbers

    def spy(columns, con):
        formatted.extend(len(c) for c in columns)
        return shown_numbers(columns, con)

    monkeypatch.setattr(xlsx_sheet, "shown_numbers", spy)
    path = write_xlsx(tmp_path / "n.xlsx", [Sheet("s", [(0, cols)])])
    # once per distinct value, or once per cell
    assert sum(formatted) == (len(numbers) if with_negative_zero else len(set(values)) - 1)
    rows = list(openpyxl.load_workbook(path)["s"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [None if math.isnan(v) else float(f"{v:.16G}") for v in numbers]
    assert [r[1] for r in rows] == ["x"] * len(numbers)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert ("<v>-0</v>" in xml) is with_negative_zero


@pytest.mark.parametrize(
    ("values", "encoded"),
    [
        (pa.array([], pa.large_string()), True),
        (pa.array([None] * 8, pa.large_string()), True),
        (pa.array(["a", "b", None, "a", "b", "a", "a", "b"], pa.large_string()), True),
        (pa.array([f"t{i}" for i in range(100)], pa.large_string()), False),
        (pa.array([1.0, np.nan, 1.0, 2.0] * 10, from_pandas=True), True),
        (pa.array(np.arange(100.0)), False),
    ],
)
def test_repeating_columns_are_dictionary_encoded(values, encoded):
    result = xlsx_cells.repeating(values)
    assert (result is not None) is encoded
    if result is not None:
        assert result.dictionary.take(result.indices).equals(values)


def test_repeating_decides_on_the_whole_column_after_the_sample(monkeypatch):
    monkeypatch.setattr(xlsx_cells, "_SAMPLE", 4)
    # the sample (every 25th cell) repeats, the column as a whole does not
    values = pa.array([("x" if i % 25 == 0 else f"t{i}") for i in range(100)])
    assert xlsx_cells.repeating(values) is None
    # the sample is nearly all distinct: not encoded, whatever the rest holds
    values = pa.array([(f"s{i}" if i % 25 == 0 else "x") for i in range(100)])
    assert xlsx_cells.repeating(values) is None


def test_page_setup_wrap_validation_and_protection_read_back(tmp_path):
    reason = "容积率0.66低于纺织业最低标准0.8，且亩均评价为C类" * 3
    sheets = [
        Sheet(
            name="清单",
            blocks=[
                (
                    0,
                    [
                        Column("宗地代码", [f"P{i}" for i in range(60_000)], width=12),
                        # repeated texts take the dictionary path, distinct ones the other
                        Column("处置理由", [reason] * 60_000, width=30, wrap=True),
                        Column("备注", [f"{reason}{i}" for i in range(60_000)], wrap=True),
                    ],
                ),
                (3, [Column("核实结论", [], width=10, unlocked=True)]),
            ],
            print_setup=True,
            validations=[(3, ("属实", "不属实", "待核实"))],
            protect=True,
        ),
        Sheet(name="汇总", blocks=[(0, [Column("a", ["x"])])]),
    ]
    path = write_xlsx(tmp_path / "p.xlsx", sheets)
    wb = openpyxl.load_workbook(path)
    ws = wb["清单"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    assert ws.print_options.gridLines
    assert ws["B2"].alignment.wrap_text and ws["B60001"].alignment.wrap_text
    assert ws["C2"].alignment.wrap_text and ws["C30000"].alignment.wrap_text
    assert not ws["A2"].alignment.wrap_text
    assert ws.column_dimensions["B"].alignment.wrap_text  # typed-in text wraps too
    assert ws.column_dimensions["D"].protection.locked is False
    assert ws.protection.sheet and not ws.protection.autoFilter and not ws.protection.sort
    (validation,) = ws.data_validations.dataValidation
    assert str(validation.sqref) == "D2:D60001"
    assert validation.formula1 == '"属实,不属实,待核实"'
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C60001"
    other = wb["汇总"]  # a sheet without the options has none of them
    assert not other.protection.sheet and other.print_title_rows is None
    assert not other.data_validations.dataValidation
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    # the schema's order (CT_Worksheet), which Excel insists on
    order = [
        "<sheetPr>",
        "<dimension",
        "<sheetViews>",
        "<cols>",
        "<sheetData>",
        "<sheetProtection",
        "<autoFilter",
        "<dataValidations",
        "<printOptions",
        "<pageMargins",
        "<pageSetup",
    ]
    positions = [xml.index(tag) for tag in order]
    assert positions == sorted(positions)

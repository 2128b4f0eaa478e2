"""Reading XLSX workbooks: title rows, units row, totals, the sheet, formulas."""

from __future__ import annotations

import openpyxl
import pytest

from landeval.config import default_config, load_config
from landeval.errors import DataError
from landeval.inputs import SOURCE_ROW, read_table
from tests._messy import MESSY, USCC


def test_xlsx_with_title_rows_units_row_and_totals():
    cfg = load_config(MESSY / "base")  # declares firm_tax in yuan, as the units row says
    frame, findings = read_table("firm_tax_titles.xlsx", "firm_tax", config=cfg, base=MESSY)
    assert frame["uscc"].tolist() == USCC
    assert frame["year"].tolist() == [2023, 2023, 2023]
    # 元 → 万元; "1,100,000" in a text cell is read with its thousands separator.
    assert frame["tax"].tolist() == [380.0, 110.0, 32.0]
    assert frame["electricity_kwh"].tolist() == [2_100_000.0, 1_400_000.0, 310_000.0]
    # Excel row numbers: header on row 3, units on row 4, data from row 5, totals on row 8.
    assert frame[SOURCE_ROW].tolist() == [5, 6, 7]
    totals = [f for f in findings if f.code == "TOTALS_ROW_DROPPED"]
    assert [(f.severity, f.row_id) for f in totals] == [("info", "row 8")]
    assert "UNIT_HEADER_MISMATCH" not in [f.code for f in findings]


def _workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_the_sheet_whose_header_matches_best_is_read(tmp_path):
    _workbook(
        tmp_path / "t.xlsx",
        {
            "说明": [["本表为 2023 年税收"], ["单位: 万元"]],
            "税收": [["信用代码", "年度", "税收合计"], [USCC[0], 2023, 12.5]],
        },
    )
    frame, findings = read_table("t.xlsx", "firm_tax", config=default_config(), base=tmp_path)
    assert frame["tax"].tolist() == [12.5]
    chosen = [f for f in findings if f.code == "SHEET_CHOSEN"]
    assert len(chosen) == 1
    assert "'税收'" in chosen[0].message
    frame, _ = read_table("t.xlsx#税收", "firm_tax", config=default_config(), base=tmp_path)
    assert frame["uscc"].tolist() == [USCC[0]]
    with pytest.raises(DataError, match="没有名为"):
        read_table("t.xlsx#无此表", "firm_tax", config=default_config(), base=tmp_path)


def test_a_formula_without_a_stored_result_is_a_warning(tmp_path):
    # openpyxl writes formulas without results, as a program that never opened Excel does.
    rows = [["信用代码", "年度", "税收合计"], [USCC[0], 2023, 12.5], [USCC[1], 2023, "=C2*2"]]
    _workbook(tmp_path / "t.xlsx", {"税收": rows})
    frame, findings = read_table("t.xlsx", "firm_tax", config=default_config(), base=tmp_path)
    assert frame["tax"].isna().tolist() == [False, True]  # missing, never 0
    formula = [f for f in findings if f.code == "FORMULA_NOT_COMPUTED"]
    assert [(f.severity, f.row_id, f.field) for f in formula] == [("warning", "row 3", "税收合计")]

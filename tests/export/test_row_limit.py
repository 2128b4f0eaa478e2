"""A table longer than an Excel sheet continues on further sheets: no row is dropped."""

from __future__ import annotations

import openpyxl

from landeval.export import workbook as workbook_module
from landeval.export import write_workbook
from tests._fixtures_results import YEAR, results


def test_long_tables_continue_on_numbered_sheets(tmp_path, monkeypatch):
    data = results()
    n_firms = len(data["firm_scores"][data["firm_scores"]["year"] == YEAR])
    n_findings = len(data["findings"])
    assert n_firms >= 3
    # pretend a sheet holds a header and two rows
    monkeypatch.setattr(workbook_module, "_ROWS_PER_SHEET", 2)
    path = write_workbook(data, tmp_path / "a.xlsx", lang="zh", year=YEAR)
    wb = openpyxl.load_workbook(path, read_only=True)
    firm_sheets = [n for n in wb.sheetnames if n.startswith("企业评价")]
    assert firm_sheets == ["企业评价", *[f"企业评价_{i}" for i in range(2, len(firm_sheets) + 1)]]
    assert len(firm_sheets) == -(-n_firms // 2)
    rows = [r for n in firm_sheets for r in list(wb[n].values)[1:]]
    assert len(rows) == n_firms  # every firm, once
    assert len({r[0] for r in rows}) == n_firms
    headers = {tuple(next(iter(wb[n].values))) for n in firm_sheets}
    assert len(headers) == 1  # each continuation sheet repeats the header
    finding_rows = sum(
        len(list(wb[n].values)) - 1 for n in wb.sheetnames if n.startswith("数据问题")
    )
    assert finding_rows == n_findings
    # the 改一补一 sheet (ledger and items side by side) stays one sheet
    assert [n for n in wb.sheetnames if n.startswith("改一补一")] == ["改一补一"]

"""Tests of landeval.export.workbook: actions.xlsx read back with openpyxl."""

from __future__ import annotations

import openpyxl
import pytest

from landeval.export import workbook as workbook_module
from landeval.export import write_workbook
from landeval.export._cells import FORMULA_STARTS, display_width, neutralise
from tests._fixtures_results import FORMULA_NAME, XSS_NAME, YEAR, results
from tests.export._helpers import (
    ALL_SHEETS_ZH,
    BASIC_SHEETS_ZH,
    EXPECTED,
    SHEETS_ZH,
    TRICKY,
    sheet_rows,
    tricky_parcels,
)


def test_workbook_sheets_frozen_filtered_chinese(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    assert wb.sheetnames == ALL_SHEETS_ZH
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref, ws.title
        # printed on A4 landscape, one page wide, the header row on every page
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
    assert wb["汇总"]["A1"].value == "县（市、区）"
    header = [c.value for c in wb["拆除重建"][1]]
    # 乡镇（街道）, 坐落 and 不动产权证号 are left out: the parcel layer gives none
    assert header[:8] == [
        "宗地代码",
        "县（市、区）",
        "平台",
        "平台层级",
        "面积（亩）",
        "权利人",
        "使用人",
        "主要用地企业",
    ]
    for name in (
        "全部用地企业",
        "评价类别",
        "亩均税收（万元/亩）",
        "亩均增加值（万元/亩）",
        "容积率",
        "建筑系数",
        "低效标识",
        "处置理由",
        "须保持工业用途",
        "位于工业用地控制线内",
    ):
        assert name in header
    firm_header = [c.value for c in wb["企业评价"][1]]
    for name in (
        "统一社会信用代码",
        "企业名称",
        "县（市、区）",
        "规模",
        "行业",
        "用地（亩）",
        "得分",
        "组内排名",
        "类别",
        "类别说明",
    ):
        assert name in firm_header


def test_workbook_has_no_formulas_and_neutralised_text(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(FORMULA_STARTS), cell.value
    assert "'" + FORMULA_NAME in texts
    assert "'-330602001001GB00005" in texts
    assert "'+330604001001GB00008" in texts
    assert XSS_NAME in texts  # stored as inert text
    assert "'=cmd|' /C calc'!A0" in texts  # a findings row id


def test_workbook_treatment_sheets_counts_and_areas(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    for code, (n, mu) in EXPECTED.items():
        _, rows = sheet_rows(wb[SHEETS_ZH[code]])
        assert len(rows) == n
        assert sum(r["面积（亩）"] for r in rows) == pytest.approx(mu, abs=1e-6)


def test_workbook_summary_by_county(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    _, rows = sheet_rows(wb["汇总"])
    by_name = {r["县（市、区）"]: r for r in rows}
    assert list(by_name) == ["越城区", "柯桥区", "上虞区", "全市合计"]
    yc = by_name["越城区"]
    assert (yc["拆除重建 宗数"], yc["拆除重建 面积（亩）"]) == (1, pytest.approx(30.0))
    assert (yc["整治提升 宗数"], yc["整治提升 面积（亩）"]) == (2, pytest.approx(22.0))
    assert (yc["关停退出 宗数"], yc["关停退出 面积（亩）"]) == (0, 0)
    assert (yc["四个一批合计 宗数"], yc["四个一批合计 面积（亩）"]) == (4, pytest.approx(72.0))
    total = by_name["全市合计"]
    assert (total["四个一批合计 宗数"], total["四个一批合计 面积（亩）"]) == (
        8,
        pytest.approx(155.0),
    )
    sy = by_name["上虞区"]
    assert (sy["四个一批合计 宗数"], sy["四个一批合计 面积（亩）"]) == (2, pytest.approx(30.0))
    # 保留, the county's industrial land and the share of it on the four lists
    parcels = results()["parcel_eval"]
    for code, name in (("330602", "越城区"), ("330604", "上虞区"), (None, "全市合计")):
        mine = parcels if code is None else parcels[parcels["county_code"] == code]
        row = by_name[name]
        keep = mine[mine["treatment"] == "KEEP"]
        assert row["保留 宗数"] == len(keep)
        assert row["保留 面积（亩）"] == pytest.approx(keep["area_mu"].sum())
        assert row["工业用地 宗数"] == len(mine)
        assert row["工业用地 面积（亩）"] == pytest.approx(mine["area_mu"].sum())
        assert row["低效用地占比"] == pytest.approx(
            row["四个一批合计 面积（亩）"] / mine["area_mu"].sum()
        )
    # per mu: the trends' above-scale figures of the evaluation year (city row for the city)
    assert yc["规上亩均增加值（万元/亩）"] == pytest.approx(135.0)
    assert yc["规上亩均税收（万元/亩）"] == pytest.approx(13.5)
    assert total["规上亩均增加值（万元/亩）"] == pytest.approx(128.0)


def test_workbook_rows_sorted_by_county_then_area(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    _, rows = sheet_rows(wb["整治提升"])
    assert [r["宗地代码"] for r in rows] == [
        "330602001001GB00002",  # 越城 12 mu
        "330602001001GB00010",  # 越城 10 mu
        "330603001001GB00003",  # 柯桥 45 mu
    ]
    _, firms = sheet_rows(wb["企业评价"])
    assert len(firms) == 6  # the evaluation year only
    assert [f["用地（亩）"] for f in firms[:3]] == [30.0, 20.0, 12.0]  # 越城 by land


def test_workbook_cells_labels_and_formats(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    ws = wb["拆除重建"]
    header = [c.value for c in ws[1]]
    first = dict(zip(header, ws[2], strict=True))
    assert first["面积（亩）"].number_format == "0.00"
    assert first["亩均税收（万元/亩）"].number_format == "0.00"
    assert first["容积率"].number_format == "0.00"
    assert first["建筑系数"].number_format == "0.0%"
    assert first["建筑系数"].value == pytest.approx(0.25)
    assert first["须保持工业用途"].value == "是"
    assert first["评价类别"].value == "C类 调控帮扶类"
    assert first["平台层级"].value == "战略平台"
    assert first["低效标识"].value == "容积率低于行业标准、C类企业用地、建成超过20年"
    firm_ws = wb["企业评价"]
    fh = [c.value for c in firm_ws[1]]
    row = dict(zip(fh, firm_ws[2], strict=True))
    assert row["研发投入强度"].number_format == "0.0%"
    assert row["单位电耗税收（元/千瓦时）"].value == pytest.approx(1.8)  # 180 万元 / 1e6 kWh
    assert row["类别说明"].value == "A类 优先发展类"


def test_workbook_column_widths_fit_chinese(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    ws = wb["拆除重建"]
    header = [c.value for c in ws[1]]
    col = openpyxl.utils.get_column_letter(header.index("主要用地企业统一社会信用代码") + 1)
    assert ws.column_dimensions[col].width >= display_width("主要用地企业统一社会信用代码")
    col = openpyxl.utils.get_column_letter(header.index("低效标识") + 1)
    assert ws.column_dimensions[col].width >= display_width(
        "容积率低于行业标准、C类企业用地、建成超过20年"
    )


def test_workbook_balance_ledger_and_items_on_two_sheets(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    ws = wb["改一补一"]
    header = [c.value for c in ws[1]]
    assert header[:11] == [
        "县（市、区）",
        "转出面积（亩）",
        "补充面积（亩）",
        "差额（亩）",
        "是否平衡",
        "拟改面积（亩）",
        "拟补面积（亩）",
        "全部批准后差额（亩）",
        "平衡范围",
        "考核口径",
        None,  # the gap before the notes
    ]
    assert header[11] == "说明"
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(2, 5, values_only=True)]
    assert [r["县（市、区）"] for r in rows] == ["越城区", "柯桥区", "上虞区", "全市"]
    assert [r["差额（亩）"] for r in rows] == [3.5, -6.0, 0.0, -2.5]
    assert [r["是否平衡"] for r in rows] == ["是", "否", "是", "否"]
    assert [r["拟改面积（亩）"] for r in rows] == [20.0, 0.0, 0.0, 20.0]
    assert [r["全部批准后差额（亩）"] for r in rows] == [-16.5, -6.0, 0.0, -22.5]
    assert rows[0]["平衡范围"] == "各县（市、区）分别平衡"
    assert [r["考核口径"] for r in rows] == ["是", "是", "是", "否"]
    notes = [ws.cell(r, 12).value for r in range(2, 12) if ws.cell(r, 12).value]
    assert any(n.startswith("考核口径") for n in notes)  # what the column means
    assert ws.auto_filter.ref == "A1:J5"
    items = wb["改一补一明细"]
    _, rows = sheet_rows(items)
    assert [r["项目编号"] for r in rows] == ["'-330602001001GB00005", "C1", "S1", "C2", "S3", "S2"]
    assert [r["县（市、区）"] for r in rows[:3]] == ["越城区"] * 3
    assert rows[0]["类型"] == "改（转出）" and rows[2]["类型"] == "补（补充）"
    assert rows[0]["来源"] == "功能转型宗地"
    assert rows[0]["规划用途"] == "0701 城镇住宅用地"
    # a parcel's item names its firm and why it is converted (the zoning stage says)
    items = results()["balance_items"].set_index("item_id")
    item = items.loc["-330602001001GB00005"]
    assert rows[0]["主要用地企业"] == item["main_name"] == "越城五金厂"
    assert rows[0]["转型原因"] == item["reason_zh"]
    by_id = {r["项目编号"]: r for r in rows}
    assert by_id["S3"]["是否计入"] == "否"
    assert by_id["S3"]["计入说明"] == items.loc["S3", "why_zh"]
    assert by_id["S3"]["计入说明"].endswith("不计入：位于现有控制线内")


def test_workbook_english(tables, tmp_path):
    path = write_workbook(tables, tmp_path / "a.xlsx", lang="en", year=YEAR)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Summary",
        "Platforms",
        "Demolish and rebuild",
        "Renovate and upgrade",
        "Change of use",
        "Shut down and exit",
        "Room to add floors",
        "Balance",
        "Balance items",
        "Firm evaluation",
        "Data problems",
    ]
    assert wb["Demolish and rebuild"]["A1"].value == "Parcel code"
    assert wb["Demolish and rebuild"]["D2"].value == "strategic platform"


def test_workbook_with_missing_tables(tmp_path):
    path = write_workbook({}, tmp_path / "a.xlsx", year=YEAR)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == BASIC_SHEETS_ZH
    assert wb["拆除重建"].max_row == 1


def test_workbook_failure_leaves_previous_file(tables, tmp_path, monkeypatch):
    path = write_workbook(tables, tmp_path / "actions.xlsx", year=YEAR)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workbook_module, "_write_sheet", boom)
    with pytest.raises(RuntimeError):
        write_workbook(tables, path, year=YEAR)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions.xlsx"]


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
    # the ledger and the items continue on sheets of their own
    ledger = [n for n in wb.sheetnames if n.startswith("改一补一") and "明细" not in n]
    assert ledger == ["改一补一", "改一补一_2"]
    item_rows = sum(
        len(list(wb[n].values)) - 1 for n in wb.sheetnames if n.startswith("改一补一明细")
    )
    assert item_rows == len(data["balance_items"])


def test_tricky_names_are_inert(tables, tmp_path):
    given = {"parcel_eval": tricky_parcels(tables["parcel_eval"])}
    xlsx = write_workbook(given, tmp_path / "a.xlsx", year=YEAR)
    ws = openpyxl.load_workbook(xlsx)["整治提升"]
    header = [c.value for c in ws[1]]
    col = header.index("主要用地企业") + 1
    cells = [ws.cell(r, col) for r in range(2, len(TRICKY) + 2)]
    assert all(c.data_type == "s" for c in cells)
    by_id = {ws.cell(r, 1).value: ws.cell(r, col).value for r in range(2, len(TRICKY) + 2)}
    expected = {f"P{i:02d}": neutralise(t) for i, t in enumerate(TRICKY)}
    # XLSX stores a carriage return as the escape _x000D_ (Excel shows it as one)
    assert by_id == {k: v.replace("\r", "_x000D_") for k, v in expected.items()}

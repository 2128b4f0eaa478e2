"""Tests of landeval.export: actions.xlsx, actions.csv and parcels.gpkg, read back."""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing

import openpyxl
import pandas as pd
import pyogrio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landeval.export import workbook as workbook_module
from landeval.export import write_actions_csv, write_geopackage, write_workbook
from landeval.export._cells import (
    FORMULA_STARTS,
    column_width,
    display_width,
    neutralise,
)
from landeval.export._tables import action_table, action_tables, summary_table
from tests._fixtures_results import FORMULA_NAME, XSS_NAME, YEAR, results

# Hand-computed in tests/_fixtures_results.py
EXPECTED = {
    "REBUILD": (2, 35.0),
    "UPGRADE": (3, 67.0),
    "CONVERT": (1, 20.0),
    "EXIT": (2, 33.0),
}
SHEETS_ZH = {
    "REBUILD": "拆除重建",
    "UPGRADE": "整治提升",
    "CONVERT": "功能转型",
    "EXIT": "关停退出",
}
ALL_SHEETS_ZH = [
    "汇总",
    "拆除重建",
    "整治提升",
    "功能转型",
    "关停退出",
    "改一补一",
    "企业评价",
    "数据问题",
]


@pytest.fixture
def tables():
    return results()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    # written once for the module: the tests only read them back
    tables = results()
    out = tmp_path_factory.mktemp("exports")
    return {
        "xlsx": write_workbook(tables, out / "actions.xlsx", year=YEAR),
        "csv": write_actions_csv(tables, out / "actions.csv"),
        "gpkg": write_geopackage(tables, out / "parcels.gpkg"),
    }


def _sheet_rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [
        dict(zip(header, r, strict=True)) for r in rows[1:] if any(v is not None for v in r)
    ]


# --- cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x", FORMULA_NAME],
)
def test_neutralise_dangerous_starts(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["越城区", "a=b", "1-2", "", "'quoted"])
def test_neutralise_leaves_safe_text(text):
    assert neutralise(text) == text


def test_display_width_counts_wide_characters_twice():
    assert display_width("越城区ab") == 8
    assert display_width("（亩）") == 6
    assert column_width("面积（亩）", ["12.00"]) == 12.0  # 10 + 2 padding


# --- workbook ------------------------------------------------------------------------------


def test_workbook_sheets_frozen_filtered_chinese(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    assert wb.sheetnames == ALL_SHEETS_ZH
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref, ws.title
    assert wb["汇总"]["A1"].value == "县（市、区）"
    header = [c.value for c in wb["拆除重建"][1]]
    assert header[:6] == [
        "宗地代码",
        "县（市、区）",
        "平台",
        "平台层级",
        "面积（亩）",
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
        _, rows = _sheet_rows(wb[SHEETS_ZH[code]])
        assert len(rows) == n
        assert sum(r["面积（亩）"] for r in rows) == pytest.approx(mu, abs=1e-6)


def test_workbook_summary_by_county(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    _, rows = _sheet_rows(wb["汇总"])
    by_name = {r["县（市、区）"]: r for r in rows}
    assert list(by_name) == ["越城区", "柯桥区", "上虞区", "全市合计"]
    yc = by_name["越城区"]
    assert (yc["拆除重建 宗数"], yc["拆除重建 面积（亩）"]) == (1, pytest.approx(30.0))
    assert (yc["整治提升 宗数"], yc["整治提升 面积（亩）"]) == (2, pytest.approx(22.0))
    assert (yc["关停退出 宗数"], yc["关停退出 面积（亩）"]) == (0, 0)
    assert (yc["合计 宗数"], yc["合计 面积（亩）"]) == (4, pytest.approx(72.0))
    total = by_name["全市合计"]
    assert (total["合计 宗数"], total["合计 面积（亩）"]) == (8, pytest.approx(155.0))
    assert (by_name["上虞区"]["合计 宗数"], by_name["上虞区"]["合计 面积（亩）"]) == (
        2,
        pytest.approx(30.0),
    )


def test_workbook_rows_sorted_by_county_then_area(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    _, rows = _sheet_rows(wb["整治提升"])
    assert [r["宗地代码"] for r in rows] == [
        "330602001001GB00002",  # 越城 12 mu
        "330602001001GB00010",  # 越城 10 mu
        "330603001001GB00003",  # 柯桥 45 mu
    ]
    _, firms = _sheet_rows(wb["企业评价"])
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
    assert first["评价类别"].value == "C类 整治提升类"
    assert first["平台层级"].value == "战略平台"
    assert first["低效标识"].value == "容积率低于行业标准、C类企业用地、建成超过20年"
    firm_ws = wb["企业评价"]
    fh = [c.value for c in firm_ws[1]]
    row = dict(zip(fh, firm_ws[2], strict=True))
    assert row["研发投入强度"].number_format == "0.0%"
    assert row["单位电耗税收（元/千瓦时）"].value == pytest.approx(1.8)  # 180 万元 / 1e6 kWh
    assert row["类别说明"].value == "A类 优先支持类"


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


def test_workbook_balance_sheet_ledger_and_items(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    ws = wb["改一补一"]
    header = [c.value for c in ws[1]]
    assert header[:9] == [
        "行政区划代码",
        "县（市、区）",
        "转出面积（亩）",
        "其中：功能转型宗地（亩）",
        "其中：用地调整（亩）",
        "补充面积（亩）",
        "差额（亩）",
        "是否平衡",
        "考核口径",
    ]
    assert header[9] is None  # the gap between the ledger and the items
    assert header[10] == "项目编号"
    assert [ws.cell(r, 2).value for r in (2, 3, 4, 5)] == ["越城区", "柯桥区", "上虞区", "全市"]
    assert ws.cell(5, 1).value is None  # the city row shows no county code
    assert [ws.cell(r, 7).value for r in (2, 3, 4, 5)] == [3.5, -6.0, 0.0, -2.5]
    assert [ws.cell(r, 8).value for r in (2, 3, 4, 5)] == ["是", "否", "是", "否"]
    items = [ws.cell(r, 11).value for r in range(2, 8)]
    assert items == ["S1", "'-330602001001GB00005", "C1", "C2", "S3", "S2"]
    assert ws.auto_filter.ref == "A1:I5"


def test_workbook_english(tables, tmp_path):
    path = write_workbook(tables, tmp_path / "a.xlsx", lang="en", year=YEAR)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Summary",
        "Demolish and rebuild",
        "Renovate and upgrade",
        "Change of use",
        "Shut down and exit",
        "Balance",
        "Firm evaluation",
        "Data problems",
    ]
    assert wb["Demolish and rebuild"]["A1"].value == "Parcel code"
    assert wb["Demolish and rebuild"]["D2"].value == "strategic platform"


def test_workbook_with_missing_tables(tmp_path):
    path = write_workbook({}, tmp_path / "a.xlsx", year=YEAR)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ALL_SHEETS_ZH
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


def test_flags_given_as_text_codes(tables):
    parcels = tables["parcel_eval"].drop(columns="flags_zh")
    parcels["flags"] = [",".join(f) for f in parcels["flags"]]
    table = action_table(parcels, treatments=["REBUILD"])
    assert table.frame["低效标识"].iloc[0] == "容积率低于行业标准、C类企业用地、建筑年代久远"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_action_tables_equal_one_action_table_per_treatment(tables, lang):
    parcels = tables["parcel_eval"].copy()
    # ties on every sort key (same county, area and code) keep the input order, and a
    # treatment no parcel has gives an empty table with the same columns and types
    tie = parcels.iloc[[0, 0]].assign(treatment=["EXIT", "REBUILD"])
    parcels = pd.concat([parcels, tie, parcels.iloc[[1]]], ignore_index=True)
    codes = ["REBUILD", "UPGRADE", "CONVERT", "EXIT", "NOBODY"]
    split = action_tables(parcels, lang=lang, treatments=codes)
    assert list(split) == codes
    for code in codes:
        one = action_table(parcels, lang=lang, treatments=[code])
        assert split[code].kinds == one.kinds
        pd.testing.assert_frame_equal(split[code].frame, one.frame, check_exact=True)
    assert len(split["NOBODY"].frame) == 0


def test_action_tables_without_columns():
    split = action_tables(pd.DataFrame({"treatment": ["EXIT", None]}), treatments=["EXIT"])
    one = action_table(pd.DataFrame({"treatment": ["EXIT", None]}), treatments=["EXIT"])
    pd.testing.assert_frame_equal(split["EXIT"].frame, one.frame, check_exact=True)


def test_summary_table_kinds(tables):
    table = summary_table(tables["parcel_eval"])
    assert table.kinds[:3] == ("text", "int", "mu")
    assert len(table.frame) == 4


# --- CSV -----------------------------------------------------------------------------------


def test_csv_bom_headers_rows_and_neutralising(outputs):
    raw = outputs["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with outputs["csv"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:4] == ["处置方式", "处置代码", "宗地代码", "县（市、区）"]
    assert len(rows) == 8
    for code, (n, mu) in EXPECTED.items():
        sel = [r for r in rows if r["处置代码"] == code]
        assert len(sel) == n
        assert {r["处置方式"] for r in sel} == {SHEETS_ZH[code]}
        assert sum(float(r["面积（亩）"]) for r in sel) == pytest.approx(mu, abs=1e-3)
    names = {r["主要用地企业"] for r in rows}
    assert "'" + FORMULA_NAME in names
    assert XSS_NAME in names
    assert {r["宗地代码"] for r in rows} >= {"'-330602001001GB00005", "'+330604001001GB00008"}
    for row in rows:
        for header, value in row.items():
            if header not in {"面积（亩）", "亩均税收（万元/亩）"}:
                assert not value.startswith(("=", "+", "@")), value
    assert [r["县（市、区）"] for r in rows] == sorted(
        [r["县（市、区）"] for r in rows], key=["越城区", "柯桥区", "上虞区"].index
    )


# --- GeoPackage ----------------------------------------------------------------------------


def test_geopackage_layers_fields_and_aliases(outputs):
    layers = dict(pyogrio.list_layers(outputs["gpkg"]).tolist())
    assert list(layers) == [
        "parcel_eval",
        "platforms",
        "control_line",
        "land_changes",
        "balance_items",
    ]
    assert layers["parcel_eval"] == "MultiPolygon"
    info = pyogrio.read_info(outputs["gpkg"], layer="parcel_eval")
    fields = list(info["fields"])
    assert fields[:3] == ["parcel_id", "county_code", "county_name"]
    assert info["features"] == 10
    subtypes = dict(zip(fields, info["ogr_subtypes"], strict=True))
    assert subtypes["must_stay_industrial"] == "OFSTBoolean"
    assert subtypes["inside_line"] == "OFSTBoolean"
    with closing(sqlite3.connect(outputs["gpkg"])) as con:
        aliases = dict(
            con.execute(
                "SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'parcel_eval'"
            ).fetchall()
        )
        ext = con.execute(
            "SELECT extension_name FROM gpkg_extensions WHERE table_name = 'gpkg_data_columns'"
        ).fetchall()
    assert aliases["parcel_id"] == "宗地代码"
    assert aliases["area_mu"] == "面积（亩）"
    assert aliases["must_stay_industrial"] == "须保持工业用途"
    assert ext == [("gpkg_schema",)]


def test_geopackage_attributes_and_counts(outputs):
    gdf = pyogrio.read_dataframe(outputs["gpkg"], layer="parcel_eval")
    assert gdf.crs.to_epsg() == 4549
    assert len(gdf) == 10
    for code, (n, mu) in EXPECTED.items():
        sel = gdf[gdf["treatment"] == code]
        assert len(sel) == n
        assert sel["area_mu"].sum() == pytest.approx(mu, abs=1e-6)
        assert (sel.geometry.area / (10000 / 15)).sum() == pytest.approx(mu, abs=1e-6)
    row = gdf.set_index("parcel_id").loc["330602001001GB00001"]
    assert row["flags"] == "FAR_LOW;CLASS_C;OLD_BUILDINGS"
    assert row["main_name"] == FORMULA_NAME  # GIS text is stored as is, not a spreadsheet
    assert bool(row["must_stay_industrial"]) is True
    items = pyogrio.read_dataframe(outputs["gpkg"], layer="balance_items")
    assert items["counted_mu"].sum() == pytest.approx(70.5)
    changes = pyogrio.read_dataframe(outputs["gpkg"], layer="land_changes")
    assert str(changes["approved_on"].iloc[0])[:10] == "2024-03-01"


def test_geopackage_writes_only_given_layers(tables, tmp_path):
    given = {"parcel_eval": tables["parcel_eval"], "platforms": None}
    path = write_geopackage(given, tmp_path / "p.gpkg", lang="en")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["parcel_eval"]
    with closing(sqlite3.connect(path)) as con:
        alias = con.execute(
            "SELECT name FROM gpkg_data_columns WHERE column_name = 'area_mu'"
        ).fetchone()
    assert alias == ("Area (mu)",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gpkg"]


def test_geopackage_with_no_layers_is_still_valid(tmp_path):
    path = write_geopackage({}, tmp_path / "p.gpkg")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["empty"]


# --- all three -----------------------------------------------------------------------------


def test_same_counts_and_areas_in_workbook_csv_and_geopackage(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    with outputs["csv"].open(encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    gdf = pyogrio.read_dataframe(outputs["gpkg"], layer="parcel_eval")
    _, summary = _sheet_rows(wb["汇总"])
    total = summary[-1]
    for code in EXPECTED:
        _, rows = _sheet_rows(wb[SHEETS_ZH[code]])
        xlsx = (len(rows), sum(r["面积（亩）"] for r in rows))
        in_csv = [r for r in csv_rows if r["处置代码"] == code]
        csv_ = (len(in_csv), sum(float(r["面积（亩）"]) for r in in_csv))
        sel = gdf[gdf["treatment"] == code]
        gpkg = (len(sel), sel["area_mu"].sum())
        summ = (total[f"{SHEETS_ZH[code]} 宗数"], total[f"{SHEETS_ZH[code]} 面积（亩）"])
        for n, mu in (csv_, gpkg, summ):
            assert n == xlsx[0]
            assert mu == pytest.approx(xlsx[1], abs=1e-3)


def test_writers_do_not_mutate_inputs(tables, tmp_path):
    before = {k: v.copy(deep=True) for k, v in tables.items()}
    write_workbook(tables, tmp_path / "a.xlsx", year=YEAR)
    write_actions_csv(tables, tmp_path / "a.csv")
    write_geopackage(tables, tmp_path / "a.gpkg")
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])


TRICKY = [
    "=1+1",
    "+86 575 8888",
    "-",
    "@SUM(A1:A2)",
    "\t=cmd",
    "\r=cmd",
    "＝SUM(1)",
    "＋1",
    "－1",
    "＠x",
    "=",
    "'already quoted",
    "第一行\n=第二行",
]


def test_tricky_names_are_inert_in_workbook_and_csv(tables, tmp_path):
    parcels = tables["parcel_eval"].copy()
    parcels = pd.concat([parcels] * 2, ignore_index=True).iloc[: len(TRICKY)].copy()
    parcels["parcel_id"] = [f"P{i:02d}" for i in range(len(TRICKY))]
    parcels["main_name"] = TRICKY
    parcels["treatment"] = "UPGRADE"
    given = {"parcel_eval": parcels}
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
    path = write_actions_csv(given, tmp_path / "a.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["宗地代码"]: r["主要用地企业"] for r in rows} == expected


@given(st.text(alphabet=st.sampled_from("=+-@\t\r＝＋－＠a1越 '"), max_size=6))
def test_neutralised_text_never_starts_a_formula(text):
    out = neutralise(text)
    assert not out.startswith(FORMULA_STARTS)
    assert out.removeprefix("'") == text or out == text

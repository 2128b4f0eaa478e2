"""actions.xlsx of the demo run, read back as a bureau would: the issue-21 checks on real data."""

from __future__ import annotations

import re

import openpyxl
import pytest

from landeval.config import FLAG_CODES
from landeval.store import read_table
from landeval.vocabulary import TREATMENT_ORDER
from tests.export._helpers import sheet_rows

pytestmark = pytest.mark.slow

ACTION_SHEETS = ("拆除重建", "整治提升", "功能转型", "关停退出")


@pytest.fixture(scope="module")
def book(demo_run):
    return openpyxl.load_workbook(demo_run["out"] / "actions.xlsx", read_only=False)


def test_demo_workbook_sheets_and_print_setup(book):
    for name in (
        "汇总",
        "平台汇总",
        *ACTION_SHEETS,
        "改一补一",
        "改一补一明细",
        "企业评价",
        "数据问题",
    ):
        assert name in book.sheetnames, name
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title


def test_demo_workbook_has_no_bare_codes(book):
    bare = set(TREATMENT_ORDER) | set(FLAG_CODES) | {"parcel", "land_change", "city", "NaT"}
    code_like = re.compile(r"^\d{4,6}$")
    for ws in book.worksheets:
        header, rows = sheet_rows(ws)
        assert "处置规则" not in header and "行政区划代码" not in header, ws.title
        for row in rows:
            for column, value in row.items():
                if isinstance(value, str) and column not in ("问题代码", "项目编号", "行标识"):
                    assert value not in bare, (ws.title, column, value)
                    assert not code_like.match(value), (ws.title, column, value)


def test_demo_findings_once_each(book):
    _, rows = sheet_rows(book["数据问题"])
    keys = [
        (r["问题代码"], r["行标识"].split("/")[0], r["年度"]) for r in rows if r["年度"] is not None
    ]
    assert keys and len(keys) == len(set(keys))
    firm_rows = [r for r in rows if r["年度"] is not None]
    assert all(r["企业名称"] and r["县（市、区）"] for r in firm_rows)


def test_demo_exit_list_names_who_to_contact(book):
    _, rows = sheet_rows(book["关停退出"])
    assert all(r["主要用地企业"] for r in rows)  # a firm, or says that none is on record
    assert any(r["主要用地企业"] == "（无在册用地企业）" for r in rows)


def test_demo_summary_states_the_figures(book, demo_run):
    trends = read_table(demo_run["out"] / "landeval.duckdb", "trends")
    city_trend = trends[(trends["level"] == "city") & (trends["year"] == 2024)].iloc[0]
    _, rows = sheet_rows(book["汇总"])
    city = rows[-1]
    assert city["县（市、区）"] == "全市合计"
    assert city["规上亩均税收（万元/亩）"] == pytest.approx(city_trend["tax_per_mu"])
    assert city["规上亩均增加值（万元/亩）"] == pytest.approx(city_trend["va_per_mu"])
    assert 0.1 < city["低效用地占比"] < 1
    assert city["保留 宗数"] + city["四个一批合计 宗数"] == city["工业用地 宗数"]

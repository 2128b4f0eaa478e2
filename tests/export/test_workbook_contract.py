"""actions.xlsx as a bureau acts on it: who and where, no bare codes, print and input set-up.

The tables carry the round's new columns (坐落, 权利人, 处置路径, 需核实, …) and tables (企业
处置, 增容潜力): the workbook shows them when present and leaves them out when absent.
"""

from __future__ import annotations

import re

import openpyxl
import pytest

from landeval.config import FLAG_CODES
from landeval.export import write_workbook
from landeval.vocabulary import TREATMENT_ORDER, column_header
from tests._fixtures_results import FORMULA_NAME, YEAR, contract_results, results
from tests.export._helpers import sheet_rows

ACTION_SHEETS = ("拆除重建", "整治提升", "功能转型", "关停退出")
NEW_PARCEL_COLUMNS = (
    "乡镇（街道）",
    "坐落",
    "不动产权证号",
    "权利人",
    "使用人",
    "建议处置路径",
    column_header("firm_actions_zh"),  # 企业处置情况
    "需核实",
    "核实原因",
    "数据完整面积比例",
)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("contract") / "actions.xlsx"
    return openpyxl.load_workbook(write_workbook(contract_results(), path, year=YEAR))


_CONTRACT_PARCEL_COLUMNS = (
    "township",
    "location",
    "title_no",
    "owner_names",
    "user_names",
    "status",
    "path_code",
    "path_zh",
    "firm_actions_zh",
    "needs_check",
    "check_reason_zh",
    "known_share",
    "capacity_potential",
)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    # a store written before the round's contract: none of its new parcel columns
    data = results()
    data["parcel_eval"] = data["parcel_eval"].drop(columns=list(_CONTRACT_PARCEL_COLUMNS))
    path = tmp_path_factory.mktemp("plain") / "actions.xlsx"
    return openpyxl.load_workbook(write_workbook(data, path, year=YEAR))


def test_sheets_of_the_new_tables(book):
    assert book.sheetnames == [
        "汇总",
        "平台汇总",
        *ACTION_SHEETS,
        "企业处置",
        "增容潜力",
        "改一补一",
        "改一补一明细",
        "企业评价",
        "数据问题",
    ]


def test_action_sheets_say_where_the_land_is_and_who_holds_it(book):
    header, rows = sheet_rows(book["拆除重建"])
    for name in NEW_PARCEL_COLUMNS:
        assert name in header, name
    row = next(r for r in rows if r["宗地代码"] == "330602001001GB00001")
    assert row["坐落"] == "越城区袍江工业区三江路18号"
    assert row["乡镇（街道）"] == "斗门街道"
    assert row["不动产权证号"] == "浙(2019)绍兴市不动产权第0012345号"
    assert row["权利人"] == "'" + FORMULA_NAME  # neutralised like every text cell
    assert row["使用人"] == "绍兴配套加工厂"
    assert row["建议处置路径"] == "二次开发（权利人自主改造）"
    assert row["需核实"] == "否"
    # where the holder is, the firm column and its code follow it
    assert header.index("权利人") < header.index("主要用地企业")


def test_a_closed_occupant_shows_its_status_and_an_empty_parcel_says_so(book):
    _, rows = sheet_rows(book["关停退出"])
    row = next(r for r in rows if r["宗地代码"] == "330603001001GB00004")
    assert row["评价类别"] == "注销"  # the status in place of the class
    assert row["主要用地企业"] == "（无在册用地企业）"
    assert row["需核实"] == "是" and row["核实原因"] == "空置比例由栅格估算"
    assert row["建议处置路径"] == "协议收回"


def test_new_columns_are_left_out_when_the_tables_lack_them(plain):
    header, _ = sheet_rows(plain["拆除重建"])
    for name in NEW_PARCEL_COLUMNS:
        assert name not in header, name
    assert "企业处置" not in plain.sheetnames and "增容潜力" not in plain.sheetnames


def test_fields_the_parcel_layer_lacks_are_left_out(tmp_path):
    # the contract's columns are there, but no parcel has a 乡镇, 坐落 or 不动产权证号
    data = results()
    assert data["parcel_eval"][["township", "location", "title_no"]].isna().all().all()
    book = openpyxl.load_workbook(write_workbook(data, tmp_path / "a.xlsx", year=YEAR))
    for name in ACTION_SHEETS:
        header, _ = sheet_rows(book[name])
        assert not {"乡镇（街道）", "坐落", "不动产权证号"} & set(header), name
        assert {"权利人", "使用人", "建议处置路径", "需核实"} <= set(header), name
    # one parcel with a 坐落 brings the column back on every sheet
    data["parcel_eval"].loc[0, "location"] = "越城区三江路18号"
    book = openpyxl.load_workbook(write_workbook(data, tmp_path / "b.xlsx", year=YEAR))
    for name in ACTION_SHEETS:
        header, _ = sheet_rows(book[name])
        assert "坐落" in header and "乡镇（街道）" not in header, name


def test_no_bare_codes(book):
    treatment_codes = set(TREATMENT_ORDER)
    flag_codes = set(FLAG_CODES) | {"IDLE"}
    code_like = re.compile(r"^\d{4,6}$")  # a land-use or county code without its name
    for ws in book.worksheets:
        header, rows = sheet_rows(ws)
        for row in rows:
            for column, value in row.items():
                if not isinstance(value, str) or column in ("问题代码", "项目编号", "行标识"):
                    continue
                assert value not in treatment_codes, (ws.title, column, value)
                assert value not in flag_codes, (ws.title, column, value)
                assert value not in {"parcel", "land_change", "approved", "proposed"}, (
                    ws.title,
                    column,
                    value,
                )
                assert not code_like.match(value), (ws.title, column, value)
        assert "处置规则" not in header, ws.title  # the rule's code: the treatment says it
    _, rows = sheet_rows(book["功能转型"])
    assert rows[0]["规划用途"] == "0701 城镇住宅用地"
    assert rows[0]["现状用途"] == "100101 一类工业用地"
    assert rows[0]["决定处置的标识"] == "规划用途非工业"


def test_input_columns_drop_down_lists_and_protection(book):
    for name in (*ACTION_SHEETS, "企业处置", "数据问题"):
        ws = book[name]
        header = [c.value for c in ws[1]]
        first, second = ("处理情况", "处理备注") if name == "数据问题" else ("核实结论", "核实备注")
        assert header[-2:] == [first, second], name
        letter = openpyxl.utils.get_column_letter(len(header) - 1)
        (validation,) = ws.data_validations.dataValidation
        assert validation.type == "list"
        rows = f"{letter}2" if ws.max_row <= 2 else f"{letter}2:{letter}{ws.max_row}"
        assert str(validation.sqref) == rows  # every data row
        expected = "待处理,已修正,无需处理" if name == "数据问题" else "属实,不属实,待核实"
        assert validation.formula1 == f'"{expected}"'
        assert ws.protection.sheet, name
        assert not ws.protection.autoFilter and not ws.protection.sort  # still allowed
        for column in (letter, openpyxl.utils.get_column_letter(len(header))):
            assert ws.column_dimensions[column].protection.locked is False, (name, column)
    for name in ("汇总", "改一补一", "企业评价"):
        assert not book[name].protection.sheet, name


def test_reasons_wrap_and_print_whole(book):
    ws = book["整治提升"]
    header = [c.value for c in ws[1]]
    col = header.index("处置理由") + 1
    assert ws.cell(2, col).alignment.wrap_text
    letter = openpyxl.utils.get_column_letter(col)
    assert ws.column_dimensions[letter].width <= 42  # wrapped rather than a wide column
    assert not ws.cell(2, 1).alignment.wrap_text


def test_findings_once_each_with_firm_and_county(book):
    header, rows = sheet_rows(book["数据问题"])
    assert {"企业名称", "县（市、区）", "年度"} <= set(header)
    keys = [(r["问题代码"], r["行标识"].split("/")[0], r["年度"]) for r in rows]
    assert len(keys) == len(set(keys))
    twice = [r for r in rows if r["问题代码"] == "TAX_WITHOUT_OUTPUT"]
    assert len(twice) == 1
    assert twice[0]["企业名称"] == "绍兴纺织印染有限公司"
    assert twice[0]["县（市、区）"] == "柯桥区"
    assert twice[0]["年度"] == 2024
    assert twice[0]["图层/表"] == "税务数据"
    parcel = next(r for r in rows if r["问题代码"] == "GEOMETRY_REPAIRED")
    assert parcel["县（市、区）"] == "越城区"  # the parcel's county routes it


def test_firm_sheet_lists_parcels_and_last_years_class(book):
    header, rows = sheet_rows(book["企业评价"])
    assert {"用地宗地代码", "上年评价类别", "亩均税收基准值（万元/亩）"} <= set(header)
    by_uscc = {r["统一社会信用代码"]: r for r in rows}
    firm = by_uscc["913306003MA2C0000X"]
    assert firm["用地宗地代码"] == "330603001001GB00003、330603001001GB00004"
    assert firm["上年评价类别"].startswith("C类")  # it was C last year, D now
    assert firm["亩均税收基准值（万元/亩）"] == pytest.approx(6.0)
    assert by_uscc["913306001MA2C0000X"]["用地宗地代码"] is None  # none in this year


def test_firm_actions_and_capacity_sheets(book):
    _, actions = sheet_rows(book["企业处置"])
    assert len(actions) == 1
    assert actions[0]["宗地代码"] == "330602001001GB00002"
    assert actions[0]["县（市、区）"] == "越城区"
    assert actions[0][column_header("action_zh")] == "腾退"
    assert actions[0]["依据"] == "负面清单"
    assert actions[0]["占宗地面积比例"] == pytest.approx(1 / 3)
    _, capacity = sheet_rows(book["增容潜力"])
    assert [r["宗地代码"] for r in capacity] == ["330603001001GB00006"]
    assert capacity[0]["评价类别"].startswith("A类")
    assert capacity[0]["平台"] == "柯桥经开区"  # named from the parcels
    assert capacity[0]["低效标识"] == "建筑系数低于标准"


def test_items_say_approval_and_which_offsets_which(book):
    _, rows = sheet_rows(book["改一补一明细"])
    by_id = {r["项目编号"]: r for r in rows}
    assert by_id["C1"]["审批状态"] == "已批准"
    assert by_id["C1"]["批准日期"] == "2024-03-01"
    assert by_id["C1"]["批准文号"] == "绍市自然资〔2024〕12号"
    assert by_id["C1"]["对应改补项目"] == "S1"
    assert by_id["C1"]["来源"] == "用地调整项目"
    assert by_id["'-330602001001GB00005"]["审批状态"] == "拟议（未批准）"
    header, ledger = sheet_rows(book["改一补一"])
    assert {"拟改面积（亩）", "拟补面积（亩）", "全部批准后差额（亩）"} <= set(header)
    assert ledger[0]["全部批准后差额（亩）"] == pytest.approx(-16.5)

"""review.xlsx written, filled as a person would (openpyxl) and read back, without a run."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from landeval.config import load_config
from landeval.review import read_reviews, write_review
from landeval.review.layout import FIRM_COLUMNS, PARCEL_COLUMNS
from landeval.vocabulary import column_header

YEAR = 2024
FORMULA = '=HYPERLINK("http://x","y")'


def _tables() -> dict[str, pd.DataFrame]:
    parcels = pd.DataFrame(
        {
            "parcel_id": ["P-KEEP", "P-EXIT", "P-UP", "P-REBUILD", "P-CONV"],
            "county_code": ["330602", "330603", "330602", "330602", "330602"],
            "county_name": ["越城区", "柯桥区", "越城区", "越城区", "越城区"],
            "platform_name": ["袍江", "平台外", "袍江", "袍江", "袍江"],
            "area_mu": [10.0, 20.0, 30.0, 40.0, 50.0],
            "class": ["A", "D", "C", None, "B"],
            "tax_per_mu": [50.0, 1.0, 5.0, float("nan"), 20.0],
            "va_per_mu": [100.0, 2.0, 10.0, float("nan"), 40.0],
            "far": [1.5, 0.3, 0.9, 0.4, 1.1],
            "main_name": ["甲", FORMULA, "丙", None, "戊"],
            "flags": ["", "CLASS_D_TWICE", "CLASS_C", "FAR_LOW;TAX_LOW", "PLAN_CONFLICT"],
            "flags_zh": [
                "",
                "连续两年D类",
                "C类企业用地",
                "容积率低于行业标准；亩均税收偏低",
                "规划用途非工业",
            ],
            "treatment": ["KEEP", "EXIT", "UPGRADE", "REBUILD", "CONVERT"],
            "treatment_zh": ["保留", "关停退出", "整治提升", "拆除重建", "功能转型"],
            "reason_zh": ["保留", "连续两年D类", "C类", "容积率低", "规划用途非工业"],
        }
    )
    firms = pd.DataFrame(
        {
            "uscc": ["F2", "F1", "F3"],
            "year": [YEAR, YEAR, YEAR],
            "name": ["乙", "甲", "丙"],
            "county_code": ["330602", "330602", "330603"],
            "scale": ["above", "above", "below"],
            "land_mu": [10.0, 20.0, 5.0],
            "tax_per_mu": [5.0, 50.0, 1.0],
            "va_per_mu": [10.0, 100.0, 2.0],
            "score": [60.0, 150.0, 20.0],
            "rank": [8, 1, 20],
            "evaluated": [True, True, True],
            "class": ["C", "A", "D"],
            "class_reason": ["前95%", "前20%", "末5%"],
        }
    )
    return {"parcel_eval": parcels, "firm_scores": firms}


def _project(tmp_path, review: str = "review.xlsx"):
    folder = tmp_path / "project"
    folder.mkdir(exist_ok=True)
    (folder / "landeval.toml").write_text(f'[inputs]\nreviews = "{review}"\n', encoding="utf-8")
    return load_config(folder)


def test_sheets_rows_and_order(tmp_path):
    path = write_review(_tables(), tmp_path, year=YEAR)
    assert path == tmp_path / "review.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["宗地复核", "企业复核", "说明"]
    sheet = book["宗地复核"]
    headers = [c.value for c in sheet[1]]
    assert headers == [column_header(c.key) for c in PARCEL_COLUMNS if c.key != "proposed_path"]
    rows = [
        dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    # the action list only (保留 is not on it), in the policy's order
    assert [r["宗地代码"] for r in rows] == ["P-REBUILD", "P-UP", "P-CONV", "P-EXIT"]
    assert [r["系统建议"] for r in rows] == ["拆除重建", "整治提升", "功能转型", "关停退出"]
    exit_row = rows[3]
    assert exit_row["主要用地企业"] == "'" + FORMULA  # neutralised: an input's text
    assert exit_row["评价类别"].startswith("D类")
    assert exit_row["面积（亩）"] == 20.0 and rows[0]["亩均税收（万元/亩）"] is None
    assert {r["清单状态"] for r in rows} == {"在本年清单"}
    firms = book["企业复核"]
    fh = [c.value for c in firms[1]]
    assert fh == [column_header(c.key) for c in FIRM_COLUMNS]
    assert [r[0] for r in firms.iter_rows(min_row=2, values_only=True)] == ["F1", "F2", "F3"]


def test_drop_downs_date_checks_and_protection(tmp_path):
    book = openpyxl.load_workbook(write_review(_tables(), tmp_path, year=YEAR))
    sheet = book["宗地复核"]
    letter = {c.value: c.column_letter for c in sheet[1]}
    lists = {
        str(dv.sqref): dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists[f"{letter['复核结论']}2:{letter['复核结论']}5"] == (
        '"拆除重建,整治提升,功能转型,关停退出,暂缓,保留"'
    )
    assert lists[f"{letter['进展']}2:{letter['进展']}5"] == '"未启动,推进中,受阻,已验收,已销号"'
    assert lists[f"{letter['认定']}2:{letter['认定']}5"] == '"是,否"'
    dates = {str(dv.sqref) for dv in sheet.data_validations.dataValidation if dv.type == "date"}
    for header in (
        "复核日期",
        "完成时限",
        "认定日期",
        "公示开始",
        "公示结束",
        "验收日期",
        "销号日期",
    ):
        assert f"{letter[header]}2:{letter[header]}5" in dates
    assert sheet.protection.sheet  # protected …
    assert not sheet.protection.autoFilter and not sheet.protection.sort  # … filters allowed
    assert sheet[f"{letter['宗地代码']}2"].protection.locked
    assert sheet[f"{letter['系统建议']}2"].protection.locked
    assert not sheet[f"{letter['复核结论']}2"].protection.locked
    assert not sheet[f"{letter['销号日期']}2"].protection.locked
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:{letter['销号日期']}5"
    firms = book["企业复核"]
    fl = {c.value: c.column_letter for c in firms[1]}
    flists = {str(dv.sqref): dv.formula1 for dv in firms.data_validations.dataValidation}
    assert flists[f"{fl['调档']}2:{fl['调档']}4"] == '"A,B,C,D"'
    assert firms.protection.sheet and not firms[f"{fl['调档']}2"].protection.locked
    notes = [r for r in book["说明"].iter_rows(values_only=True) if r[1]]
    assert ("宗地复核", "复核结论") in {(r[0], r[1]) for r in notes}


def test_filled_by_hand_and_read_back(tmp_path):
    config = _project(tmp_path)
    path = write_review(_tables(), config.project_dir / "review.xlsx", year=YEAR)
    book = openpyxl.load_workbook(path)
    sheet = book["宗地复核"]
    col = {c.value: c.column for c in sheet[1]}
    sheet.cell(2, col["复核结论"]).value = "功能转型"
    sheet.cell(2, col["复核人"]).value = "张三"
    sheet.cell(2, col["复核日期"]).value = dt.datetime(2025, 3, 1)
    sheet.cell(3, col["进展"]).value = "受阻"
    sheet.cell(3, col["困难原因"]).value = "权属纠纷"
    sheet.cell(4, col["复核结论"]).value = "暂缓"
    sheet.cell(4, col["公示开始"]).value = "2025年4月1日"
    firms = book["企业复核"]
    fcol = {c.value: c.column for c in firms[1]}
    firms.cell(3, fcol["调档"]).value = "B"  # F2, class C
    firms.cell(3, fcol["企业确认"]).value = "否"
    book.save(path)

    reviews = read_reviews(config)
    assert not [f for f in reviews.findings if f.severity != "info"]
    parcels = reviews.parcel_review.set_index("parcel_id")
    assert parcels.loc["P-REBUILD", "decision"] == "CONVERT"
    assert parcels.loc["P-REBUILD", "proposed"] == "REBUILD"  # the proposal it was made on
    assert parcels.loc["P-REBUILD", "reviewed_on"] == pd.Timestamp("2025-03-01")
    assert parcels.loc["P-UP", "progress"] == "BLOCKED"
    assert parcels.loc["P-CONV", "decision"] == "DEFER"
    assert parcels.loc["P-CONV", "notice_start"] == pd.Timestamp("2025-04-01")
    assert parcels.loc["P-REBUILD", "input_row"] == 2
    assert parcels.loc["P-REBUILD", "input_file"] == "review.xlsx#宗地复核"
    firm = reviews.firm_review.set_index("uscc").loc["F2"]
    assert (firm["class_adjusted"], firm["class_machine"], bool(firm["firm_confirmed"])) == (
        "B",
        "C",
        False,
    )
    assert firm["year"] == YEAR


def test_answers_are_carried_into_the_next_workbook(tmp_path):
    tables = _tables()
    review = pd.DataFrame(
        {
            "parcel_id": ["P-UP", "P-KEEP", "GONE", "P-EXIT"],
            "proposed": ["REBUILD", "EXIT", "EXIT", "EXIT"],
            "decision": ["DEFER", "KEEP", "KEEP", None],
            "reviewer": ["张三", "李四", "王五", None],
            "deadline": pd.to_datetime(["2025-12-31", None, None, None]),
            "confirmed": pd.array([True, None, None, None], dtype="boolean"),
        }
    )
    firm_review = pd.DataFrame(
        {
            "uscc": ["F3", "F1"],
            "year": pd.array([YEAR, YEAR - 1], dtype="Int64"),
            "class_machine": ["D", "A"],
            "class_adjusted": ["C", "B"],
        }
    )
    path = write_review(
        {**tables, "parcel_review": review, "firm_review": firm_review}, tmp_path, year=YEAR
    )
    book = openpyxl.load_workbook(path)
    sheet = book["宗地复核"]
    headers = [c.value for c in sheet[1]]
    rows = {
        r[0]: dict(zip(headers, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    # 保留 today but answered: kept and marked; the unknown code: kept at the end, marked
    assert list(rows) == ["P-REBUILD", "P-UP", "P-CONV", "P-EXIT", "P-KEEP", "GONE"]
    assert rows["P-UP"]["复核结论"] == "暂缓" and rows["P-UP"]["复核人"] == "张三"
    assert rows["P-UP"]["完成时限"] == dt.datetime(2025, 12, 31)
    assert rows["P-UP"]["认定"] == "是"
    assert rows["P-UP"]["清单状态"] == "在本年清单；复核后数据已变化，请重新核查"
    assert rows["P-KEEP"]["清单状态"].startswith("已不在本年清单")
    assert rows["P-KEEP"]["复核结论"] == "保留"
    assert rows["GONE"]["清单状态"].startswith("宗地代码不在本年数据中")
    assert rows["GONE"]["系统建议"] == "关停退出" and rows["GONE"]["复核人"] == "王五"
    assert rows["P-EXIT"]["清单状态"] == "在本年清单" and rows["P-EXIT"]["复核结论"] is None
    firms = book["企业复核"]
    fh = [c.value for c in firms[1]]
    frows = {
        r[0]: dict(zip(fh, r, strict=True)) for r in firms.iter_rows(min_row=2, values_only=True)
    }
    assert frows["F3"]["调档"] == "C"
    assert frows["F1"]["调档"] is None  # last year's 调档 is not this year's


@pytest.mark.parametrize("lang", ["en"])
def test_an_english_workbook_reads_back(tmp_path, lang):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "landeval.toml").write_text(
        '[project]\nlanguage = "en"\n[inputs]\nreviews = "review.xlsx"\n', encoding="utf-8"
    )
    config = load_config(folder)
    path = write_review(_tables(), folder / "review.xlsx", year=YEAR, lang=lang)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Parcel review", "Firm review", "Notes"]
    sheet = book["Parcel review"]
    col = {c.value: c.column for c in sheet[1]}
    sheet.cell(2, col["Review decision"]).value = "Deferred"
    sheet.cell(2, col["Progress"]).value = "In progress"
    book.save(path)
    parcels = read_reviews(config).parcel_review.set_index("parcel_id")
    assert parcels.loc["P-REBUILD", ["decision", "progress", "proposed"]].tolist() == [
        "DEFER",
        "IN_PROGRESS",
        "REBUILD",
    ]


def test_an_unreadable_review_is_an_error_not_a_traceback(tmp_path):
    config = _project(tmp_path, "missing.xlsx")
    reviews = read_reviews(config)
    assert reviews.parcel_review is None
    assert reviews.unusable["parcel_review"].severity == "error"
    assert "missing.xlsx" in reviews.unusable["parcel_review"].message


def test_a_typo_in_the_workbook_names_its_cell(tmp_path):
    config = _project(tmp_path)
    path = write_review(_tables(), config.project_dir / "review.xlsx", year=YEAR)
    book = openpyxl.load_workbook(path)
    sheet = book["宗地复核"]
    cell = next(c for c in sheet[1] if c.value == "复核结论")
    sheet.cell(3, cell.column).value = "整治提生"
    book.save(path)
    (error,) = [f for f in read_reviews(config).findings if f.severity == "error"]
    assert error.code == "REVIEW_DECISION_UNKNOWN"
    assert error.message.startswith("工作表「宗地复核」第 3 行「复核结论」为“整治提生”")
    assert f"（单元格 {cell.column_letter}3）" in error.message

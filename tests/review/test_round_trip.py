"""The round trip on the demo, from the command line, as a bureau would do it.

``landeval review`` → fill review.xlsx in a spreadsheet (openpyxl here: three parcel rows,
one with a typo in 复核结论, a row with an unknown code, one firm's 调档) → name it in the
project → ``landeval run`` (refused on the typo, then honoured) → ``landeval review`` again
carries the answers forward. Runs the whole pipeline five times: slow.
"""

from __future__ import annotations

import csv
import io
import shutil

import duckdb
import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from landeval.vocabulary import CLASS_LABELS, column_header
from tests.conftest import run_cli

pytestmark = pytest.mark.slow

UNKNOWN = "330602999999GB99999"


def _table(out, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(out / "landeval.duckdb"), read_only=True) as con:
        return con.sql(sql).df()


def _rows(sheet) -> tuple[dict[str, int], list[dict[str, object]]]:
    col = {c.value: c.column for c in sheet[1]}
    rows = [
        {"_row": i, **dict(zip(col, r, strict=True))}
        for i, r in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2)
    ]
    return col, rows


@pytest.fixture(scope="module")
def project(tmp_path_factory, demo_dir):
    folder = tmp_path_factory.mktemp("review") / "project"
    shutil.copytree(demo_dir, folder)
    toml = folder / "landeval.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[inputs]\n", '[inputs]\nreviews = "review.xlsx"\n', 1))
    return folder


def test_round_trip(project, tmp_path):
    first = tmp_path / "first"
    # no review yet: the project names one that does not exist, so start without it
    toml = project / "landeval.toml"
    named = toml.read_text(encoding="utf-8")
    toml.write_text(named.replace('reviews = "review.xlsx"\n', ""), encoding="utf-8")
    done = run_cli("review", "--project", project, "--out", first)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "未提供复核表" in done.stdout
    written = first / "review.xlsx"
    assert written.is_file()

    # --- the bureau fills the workbook ------------------------------------------------------
    proposals = _table(first, "SELECT * FROM parcel_eval")
    book = openpyxl.load_workbook(written)
    sheet = book["宗地复核"]
    col, rows = _rows(sheet)
    first_of = {}
    for row in rows:
        first_of.setdefault(row["系统建议"], row)
    convert, upgrade, rebuild = first_of["功能转型"], first_of["整治提升"], first_of["拆除重建"]
    sheet.cell(convert["_row"], col["复核结论"]).value = "保留"
    sheet.cell(convert["_row"], col["复核理由"]).value = "规划调整已撤回"
    sheet.cell(convert["_row"], col["复核人"]).value = "张三"
    sheet.cell(convert["_row"], col["复核日期"]).value = "2025-03-01"
    sheet.cell(upgrade["_row"], col["复核结论"]).value = "暂缓"
    sheet.cell(upgrade["_row"], col["进展"]).value = "推进中"
    sheet.cell(rebuild["_row"], col["复核结论"]).value = "关停推出"  # a typo
    sheet.cell(rebuild["_row"], col["责任单位"]).value = "越城区自然资源分局"
    extra = sheet.max_row + 1
    sheet.cell(extra, col["宗地代码"]).value = UNKNOWN  # a code that is not in the data
    sheet.cell(extra, col["复核结论"]).value = "保留"
    # a firm on a parcel of its own, kept today, reviewed to D
    firm_sheet = book["企业复核"]
    fcol, firm_rows = _rows(firm_sheet)
    listed = {r["统一社会信用代码"]: r for r in firm_rows}
    alone = proposals.loc[
        (proposals["treatment"] == "KEEP")
        & (proposals["n_occupants"] == 1)
        & proposals["class"].isin(["A", "B"])
        & proposals["main_uscc"].isin(listed)
    ].sort_values("parcel_id")
    parcel, uscc = alone.iloc[0]["parcel_id"], alone.iloc[0]["main_uscc"]
    firm_sheet.cell(listed[uscc]["_row"], fcol["调档"]).value = "D"
    firm_sheet.cell(listed[uscc]["_row"], fcol["调档理由"]).value = "安全生产事故"
    book.save(project / "review.xlsx")
    toml.write_text(named, encoding="utf-8")

    # --- the typo stops the run, naming the cell and the choices ------------------------------
    second = tmp_path / "second"
    refused = run_cli("run", "--project", project, "--out", second, "--no-maps")
    assert refused.returncode == 2
    message = refused.stdout + refused.stderr
    assert f"第 {rebuild['_row']} 行「复核结论」为“关停推出”" in message
    assert "拆除重建、整治提升、功能转型、关停退出、暂缓、保留" in message
    assert "Traceback" not in message

    book = openpyxl.load_workbook(project / "review.xlsx")
    book["宗地复核"].cell(rebuild["_row"], col["复核结论"]).value = "关停退出"
    book.save(project / "review.xlsx")
    ran = run_cli("run", "--project", project, "--out", second, "--no-maps")
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "复核：确认 0 宗，改变 2 宗，暂缓 1 宗" in ran.stdout
    assert "企业调档 1 家" in ran.stdout

    # --- the decisions table, the findings ----------------------------------------------------
    decisions = _table(second, "SELECT * FROM decisions").set_index("parcel_id")
    row = decisions.loc[convert["宗地代码"]]
    assert (row["proposed"], row["final"], row["decision_source"]) == ("CONVERT", "KEEP", "review")
    assert (row["reviewer"], row["review_reason"]) == ("张三", "规划调整已撤回")
    assert row["reviewed_on"] == pd.Timestamp("2025-03-01")
    assert row["input_file"] == "review.xlsx#宗地复核" and row["input_row"] == convert["_row"]
    assert decisions.loc[upgrade["宗地代码"], "final"] == "DEFER"
    assert decisions.loc[upgrade["宗地代码"], "progress"] == "IN_PROGRESS"
    assert decisions.loc[rebuild["宗地代码"], "final"] == "EXIT"
    assert decisions.loc[rebuild["宗地代码"], "responsible"] == "越城区自然资源分局"
    assert UNKNOWN not in decisions.index
    findings = _table(second, "SELECT * FROM findings")
    unknown = findings.loc[findings["code"] == "REVIEW_UNKNOWN_PARCEL"]
    assert unknown["severity"].tolist() == ["warning"]
    assert unknown["row_id"].tolist() == [f"row {extra}"]
    evaluated = _table(second, "SELECT * FROM parcel_eval").set_index("parcel_id")
    assert evaluated.loc[upgrade["宗地代码"], "final_treatment_zh"] == "暂缓"
    assert evaluated.loc[convert["宗地代码"], "treatment"] == "CONVERT"  # the proposal stays

    # --- every output shows the final decision, the proposal beside it ----------------------
    actions = openpyxl.load_workbook(second / "actions.xlsx")
    proposed, source = column_header("proposed"), column_header("decision_source")

    def sheet_of(name):
        return {str(r["宗地代码"]).lstrip("'"): r for r in _rows(actions[name])[1]}

    deferred = sheet_of("暂缓")
    assert set(deferred) == {upgrade["宗地代码"]}
    assert deferred[upgrade["宗地代码"]][proposed] == "整治提升"
    exits = sheet_of("关停退出")
    assert exits[rebuild["宗地代码"]][proposed] == "拆除重建"
    assert exits[rebuild["宗地代码"]][source] == "复核"
    assert exits[rebuild["宗地代码"]][column_header("responsible")] == "越城区自然资源分局"
    assert convert["宗地代码"] not in sheet_of("功能转型")  # reviewed out of the lists
    evaluated_firms = {r[column_header("uscc")]: r for r in _rows(actions["企业评价"])[1]}
    adjusted = evaluated_firms[uscc]
    assert adjusted[column_header("firm_class")] == "D"  # the final class, the machine's beside
    assert adjusted[column_header("class_machine")] in {CLASS_LABELS[c]["zh"] for c in "AB"}
    assert "差别化施策" in actions.sheetnames  # the demo lists example measures
    text = (second / "actions.csv").read_text(encoding="utf-8-sig")
    csv_rows = {r["宗地代码"].lstrip("'"): r for r in csv.DictReader(io.StringIO(text))}
    assert csv_rows[upgrade["宗地代码"]]["处置方式"] == "暂缓"
    assert csv_rows[upgrade["宗地代码"]][proposed] == "整治提升"
    assert convert["宗地代码"] not in csv_rows
    report = (second / "report.html").read_text(encoding="utf-8")
    assert "复核情况" in report and "暂缓 1 宗" in report
    assert "差别化施策（次年执行）" in report and "示例费率" in report
    layer = gpd.read_file(second / "parcels.gpkg", layer="parcel_eval").set_index("parcel_id")
    assert layer.loc[upgrade["宗地代码"], "final_treatment"] == "DEFER"
    assert layer.loc[upgrade["宗地代码"], "decision_source"] == "review"

    # --- the firm's 调档: its parcel's class and treatment follow -----------------------------
    firm = _table(second, f"SELECT * FROM firm_decisions WHERE uscc = '{uscc}'").iloc[0]
    assert (firm["class_final"], firm["class_source"]) == ("D", "review")
    assert firm["class_machine"] in ("A", "B")
    scores = _table(second, f"SELECT * FROM firm_scores WHERE uscc = '{uscc}' AND year = 2024")
    assert scores.iloc[0]["class"] == "D" and scores.iloc[0]["class_machine"] in ("A", "B")
    assert evaluated.loc[parcel, "class"] == "D"
    assert "CLASS_D" in evaluated.loc[parcel, "flags"]
    assert evaluated.loc[parcel, "treatment"] != "KEEP"

    # --- the ledger follows the overridden CONVERT -------------------------------------------
    def parcel_items(out):
        items = _table(out, "SELECT item_id, source FROM balance_items")
        return set(items.loc[items["source"] == "parcel", "item_id"])

    assert convert["宗地代码"] in parcel_items(first)
    assert convert["宗地代码"] not in parcel_items(second)
    assert parcel_items(second) == parcel_items(first) - {convert["宗地代码"]}

    # --- the second round carries the answers forward -----------------------------------------
    again = run_cli("review", "--project", project, "--out", second)
    assert again.returncode == 0, again.stderr[-3000:]
    book = openpyxl.load_workbook(second / "review.xlsx")
    sheet = book["宗地复核"]
    col, rows = _rows(sheet)
    by_code = {r["宗地代码"]: r for r in rows}
    assert by_code[convert["宗地代码"]]["复核结论"] == "保留"
    assert by_code[convert["宗地代码"]]["复核人"] == "张三"
    assert by_code[upgrade["宗地代码"]]["复核结论"] == "暂缓"
    assert by_code[upgrade["宗地代码"]]["进展"] == "推进中"
    assert by_code[rebuild["宗地代码"]]["复核结论"] == "关停退出"
    assert by_code[UNKNOWN]["清单状态"].startswith("宗地代码不在本年数据中")
    assert rows[-1]["宗地代码"] == UNKNOWN
    # the new list: the first one, the parcel of the firm reviewed to D, the unknown row
    first_list = {r["宗地代码"] for r in _rows(openpyxl.load_workbook(written)["宗地复核"])[1]}
    assert set(by_code) == first_list | {parcel, UNKNOWN}
    assert sheet.protection.sheet and not sheet.cell(2, col["复核结论"]).protection.locked
    assert any(dv.type == "list" for dv in sheet.data_validations.dataValidation)
    firm_sheet = book["企业复核"]
    fcol, firm_rows = _rows(firm_sheet)
    assert {r["统一社会信用代码"]: r for r in firm_rows}[uscc]["调档"] == "D"

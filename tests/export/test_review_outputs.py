"""The outputs show the bureau's final decisions, the rules' proposal beside (DESIGN §10).

On the hand-made results of ``tests/_fixtures_results.py``: the review defers a 拆除重建
parcel (暂缓), keeps an 整治提升 one (保留) and converts a kept one (功能转型).
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from landeval.export import write_actions_csv, write_workbook
from landeval.review import apply_parcel_review
from landeval.review.shown import final_parcels
from landeval.vocabulary import CLASS_LABELS, column_header, label
from tests._fixtures_results import YEAR, results
from tests.export._helpers import sheet_rows

DEFERRED, KEPT, CONVERTED = "330602001001GB00001", "330602001001GB00002", "330603001001GB00006"


def _reviewed() -> dict[str, pd.DataFrame]:
    data = results()
    review = pd.DataFrame(
        {
            "parcel_id": [DEFERRED, KEPT, CONVERTED],
            "decision": ["DEFER", "KEEP", "CONVERT"],
            "review_reason": ["待规划调整", "已完成技改", "转型为研发用地"],
            "reviewer": ["张三", "李四", "张三"],
            "reviewed_on": pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-03"]),
            "responsible": ["越城区自然资源分局", None, "上虞区经信局"],
            "progress": ["NOT_STARTED", None, "IN_PROGRESS"],
        }
    )
    done = apply_parcel_review(data["parcel_eval"], review)
    data["parcel_eval"] = done.parcel_eval
    data["decisions"] = done.decisions
    return data


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("reviewed") / "actions.xlsx"
    return openpyxl.load_workbook(write_workbook(_reviewed(), path, year=YEAR))


def _ids(ws) -> list[str]:
    _, rows = sheet_rows(ws)
    return [str(r["宗地代码"]).lstrip("'") for r in rows]


def test_sheets_list_the_final_decision_and_a_deferred_sheet(book):
    assert DEFERRED not in _ids(book["拆除重建"])
    assert KEPT not in _ids(book["整治提升"])  # reviewed out of the lists
    assert CONVERTED in _ids(book["功能转型"])  # reviewed into one
    # 暂缓: after the four lists, with the deferred parcel
    names = book.sheetnames
    assert names.index("暂缓") == names.index("关停退出") + 1
    assert _ids(book["暂缓"]) == [DEFERRED]
    # the parcels the review left alone stay where the rules put them
    untouched = results()["parcel_eval"].set_index("parcel_id")["treatment"]
    assert set(_ids(book["关停退出"])) == set(untouched[untouched == "EXIT"].index)


def test_the_proposal_and_the_review_stand_beside_the_decision(book):
    header, rows = sheet_rows(book["功能转型"])
    for key in ("proposed", "decision_source", "review_reason", "reviewer", "reviewed_on"):
        assert column_header(key) in header, key
    by_id = {str(r["宗地代码"]).lstrip("'"): r for r in rows}
    converted = by_id[CONVERTED]
    assert converted[column_header("proposed")] == "保留"
    assert converted[column_header("decision_source")] == "复核"
    assert converted[column_header("review_reason")] == "转型为研发用地"
    assert converted[column_header("reviewer")] == "张三"
    assert converted[column_header("reviewed_on")] == "2025-03-03"
    assert converted[column_header("responsible")] == "上虞区经信局"
    assert converted[column_header("progress")] == "推进中"
    # a parcel the rules listed and nobody reviewed: its own proposal, decided by it
    other = next(r for i, r in by_id.items() if i != CONVERTED)
    assert other[column_header("proposed")] == "功能转型"
    assert other[column_header("decision_source")] == "系统建议"
    _, deferred = sheet_rows(book["暂缓"])
    assert deferred[0][column_header("proposed")] == "拆除重建"
    assert deferred[0][column_header("review_reason")] == "待规划调整"


def test_without_a_review_decision_the_sheets_have_no_review_columns(tmp_path):
    data = results()
    done = apply_parcel_review(data["parcel_eval"], None)  # every final = the proposal
    data["parcel_eval"], data["decisions"] = done.parcel_eval, done.decisions
    book = openpyxl.load_workbook(write_workbook(data, tmp_path / "a.xlsx", year=YEAR))
    header, _ = sheet_rows(book["拆除重建"])
    assert column_header("proposed") not in header
    assert column_header("decision_source") not in header
    assert "暂缓" not in book.sheetnames


def test_csv_lists_the_final_decision_with_the_proposal(tmp_path):
    path = write_actions_csv(_reviewed(), tmp_path / "actions.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    by_id = {r["宗地代码"].lstrip("'"): r for r in rows}
    assert KEPT not in by_id
    assert by_id[DEFERRED][column_header("treatment_name")] == "暂缓"
    assert by_id[DEFERRED][column_header("proposed")] == "拆除重建"
    assert by_id[CONVERTED][column_header("treatment_name")] == "功能转型"
    assert by_id[CONVERTED][column_header("decision_source")] == "复核"
    assert by_id[CONVERTED][column_header("reviewer")] == "张三"


def test_final_view_leaves_its_input_alone():
    data = _reviewed()
    before = data["parcel_eval"].copy()
    view = final_parcels(data["parcel_eval"], data["decisions"])
    pd.testing.assert_frame_equal(data["parcel_eval"], before)
    assert view.set_index("parcel_id").loc[DEFERRED, "treatment"] == "DEFER"
    assert final_parcels(view) is view  # a view is not turned twice


def test_firm_sheet_shows_the_machine_class_beside_an_adjusted_one(tmp_path):
    data = results()
    scores = data["firm_scores"].copy()
    scores["class_machine"] = scores["class"]  # what apply_firm_review keeps beside
    this_year = scores.index[(scores["year"] == YEAR) & (scores["class"] == "C")]
    adjusted = scores.loc[this_year[0], "uscc"]
    scores.loc[this_year[0], "class"] = "B"  # the bureau's 调档
    data["firm_scores"] = scores
    book = openpyxl.load_workbook(write_workbook(data, tmp_path / "a.xlsx", year=YEAR))
    header, rows = sheet_rows(book["企业评价"])
    machine = column_header("class_machine")
    assert header.index(machine) > header.index(column_header("firm_class"))
    row = next(r for r in rows if r[column_header("uscc")] == adjusted)
    assert row[column_header("firm_class")] == "B"
    assert row[machine] == label(CLASS_LABELS, "C", "zh")
    # no 调档: no such column
    data["firm_scores"] = scores.assign(**{"class": scores["class_machine"]})
    book = openpyxl.load_workbook(write_workbook(data, tmp_path / "b.xlsx", year=YEAR))
    assert machine not in sheet_rows(book["企业评价"])[0]


def test_geopackage_keeps_proposal_and_decision_with_the_review(tmp_path):
    import geopandas as gpd

    from landeval.export import write_geopackage

    path = write_geopackage(_reviewed(), tmp_path / "parcels.gpkg")
    layer = gpd.read_file(path, layer="parcel_eval").set_index("parcel_id")
    deferred = layer.loc[DEFERRED]
    assert (deferred["treatment"], deferred["final_treatment"]) == ("REBUILD", "DEFER")
    assert deferred["decision_source"] == "review"
    assert deferred["reviewer"] == "张三" and deferred["review_reason"] == "待规划调整"
    assert layer.loc[CONVERTED, "final_treatment"] == "CONVERT"
    # without a review decision, no review columns
    data = results()
    done = apply_parcel_review(data["parcel_eval"], None)
    data["parcel_eval"], data["decisions"] = done.parcel_eval, done.decisions
    plain = gpd.read_file(write_geopackage(data, tmp_path / "b.gpkg"), layer="parcel_eval")
    assert "reviewer" not in plain.columns

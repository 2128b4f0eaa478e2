"""Reading a filled review through the input readers: every bad cell a finding."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.config import default_config
from landeval.inputs.read import read_table
from landeval.review.check import INPUT_FILE, INPUT_ROW, check_firm_review, check_parcel_review

HEADER = "宗地代码,系统建议,复核结论,复核人,复核日期,进展,困难原因,认定,公示开始,公示结束\n"


def _parcels(tmp_path, body: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    (tmp_path / "review.csv").write_text(HEADER + body, encoding="utf-8")
    frame, notes = read_table("review.csv", "parcel_review", config=default_config(), base=tmp_path)
    checked, found = check_parcel_review(frame, source="review.csv")
    findings = pd.DataFrame([f.__dict__ for f in [*notes, *found]])
    return checked, findings


def test_labels_read_back_as_codes_with_their_rows(tmp_path):
    checked, findings = _parcels(
        tmp_path,
        "330602001001GB00001,拆除重建,暂缓,张三,2025-03-01,推进中,,是,2025-03-02,2025-03-10\n"
        "330602001001GB00002,功能转型,Keep,李四,2025年3月5日,已销号,,否,,\n",
    )
    assert checked["parcel_id"].tolist() == ["330602001001GB00001", "330602001001GB00002"]
    assert checked["proposed"].tolist() == ["REBUILD", "CONVERT"]
    assert checked["decision"].tolist() == ["DEFER", "KEEP"]
    assert checked["progress"].tolist() == ["IN_PROGRESS", "CLOSED"]
    assert checked["confirmed"].tolist() == [True, False]
    assert checked["reviewed_on"].tolist() == [
        pd.Timestamp("2025-03-01"),
        pd.Timestamp("2025-03-05"),
    ]
    assert checked[INPUT_ROW].tolist() == [2, 3]
    assert checked[INPUT_FILE].unique().tolist() == ["review.csv"]
    assert findings.empty or not findings["severity"].isin(["error", "warning"]).any()


def test_an_unknown_decision_is_an_error_naming_the_cell_and_the_choices(tmp_path):
    checked, findings = _parcels(tmp_path, "330602001001GB00001,关停退出,关停推出,,,,,,,\n")
    (bad,) = findings.loc[findings["severity"] == "error"].itertuples()
    assert bad.code == "REVIEW_DECISION_UNKNOWN"
    assert (bad.row_id, bad.field) == ("row 2", "decision")
    assert "第 2 行「复核结论」为“关停推出”" in bad.message
    assert "拆除重建、整治提升、功能转型、关停退出、暂缓、保留" in bad.message
    assert checked["decision"].isna().all()  # never decides on a typo


def test_two_rows_for_one_parcel_are_an_error_naming_both(tmp_path):
    _, findings = _parcels(
        tmp_path,
        "330602001001GB00001,,保留,,,,,,,\n330602001001GB00001,,拆除重建,,,,,,,\n",
    )
    (dup,) = findings.loc[findings["code"] == "REVIEW_DUPLICATE"].itertuples()
    assert dup.severity == "error" and dup.row_id == "330602001001GB00001"
    assert "第 2、3 行" in dup.message


def test_other_bad_cells_are_warnings_and_read_as_empty(tmp_path):
    checked, findings = _parcels(
        tmp_path,
        "330602001001GB00001,,,,下周,快完成了,,也许,2025-03-10,2025-03-01\n"
        "330602001001GB00002,,,,,受阻,,,,\n",
    )
    by_code = findings.groupby("code")["severity"].agg(set).to_dict()
    assert by_code["VALUE_NOT_DATE"] == {"warning"}  # the readers' own date check
    assert by_code["REVIEW_VALUE_UNKNOWN"] == {"warning"}  # 进展 and 认定
    assert by_code["REVIEW_BLOCKED_NO_REASON"] == {"warning"}
    assert by_code["REVIEW_DATES_ORDER"] == {"warning"}
    unknown = findings.loc[findings["code"] == "REVIEW_VALUE_UNKNOWN", "field"]
    assert sorted(unknown) == ["confirmed", "progress"]
    first = checked.iloc[0]
    assert pd.isna(first["reviewed_on"]) and pd.isna(first["progress"])
    assert pd.isna(first["confirmed"])
    assert checked.iloc[1]["progress"] == "BLOCKED"


def test_a_row_without_a_parcel_code_is_a_warning(tmp_path):
    checked, findings = _parcels(tmp_path, ",,保留,张三,,,,,,\n330602001001GB00002,,,,,,,,,\n")
    assert checked["parcel_id"].tolist() == ["330602001001GB00002"]
    (row,) = findings.loc[findings["code"] == "REVIEW_NO_KEY"].itertuples()
    assert (row.severity, row.row_id) == ("warning", "row 2")


@pytest.mark.parametrize(
    ("written", "code"), [("B", "B"), ("b", "B"), ("B类", "B"), ("B类 提升发展类", "B")]
)
def test_firm_review_classes_read_back(tmp_path, written, code):
    (tmp_path / "firms.csv").write_text(
        f"统一社会信用代码,评价年度,系统评价类别,调档,企业确认\n91330602MA2BCDEF1X,2024,D,{written},是\n",
        encoding="utf-8",
    )
    frame, _ = read_table("firms.csv", "firm_review", config=default_config(), base=tmp_path)
    checked, found = check_firm_review(frame, source="firms.csv")
    assert checked["class_adjusted"].tolist() == [code]
    assert checked["firm_confirmed"].tolist() == [True]
    assert not [f for f in found if f.severity != "info"]


def test_firm_review_unknown_class_and_duplicates_are_errors(tmp_path):
    (tmp_path / "firms.csv").write_text(
        "统一社会信用代码,评价年度,调档\n"
        "91330602MA2BCDEF1X,2024,E\n91330602MA2BCDEF1X,2024,\n91330602MA2BCDEF1X,2023,A\n",
        encoding="utf-8",
    )
    frame, _ = read_table("firms.csv", "firm_review", config=default_config(), base=tmp_path)
    _, found = check_firm_review(frame, source="firms.csv")
    errors = {f.code: f for f in found if f.severity == "error"}
    assert set(errors) == {"REVIEW_CLASS_ADJUSTED_UNKNOWN", "REVIEW_DUPLICATE"}
    assert "“E”" in errors["REVIEW_CLASS_ADJUSTED_UNKNOWN"].message
    assert "A、B、C、D" in errors["REVIEW_CLASS_ADJUSTED_UNKNOWN"].message
    assert "第 2、3 行" in errors["REVIEW_DUPLICATE"].message  # 2023's row is another year

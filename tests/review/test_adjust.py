"""一企一单: a 调档 sets the firm's final class, the machine's kept beside it."""

from __future__ import annotations

import pandas as pd

from landeval.review import FIRM_DECISION_COLUMNS, apply_firm_review

YEAR = 2024


def _firm_scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": ["F1", "F2", "F3", "F1", "F4"],
            "year": [YEAR, YEAR, YEAR, YEAR - 1, YEAR],
            "name": ["甲", "乙", "丙", "甲", "丁"],
            "county_code": ["330602", "330602", "330603", "330602", "330602"],
            "evaluated": [True, True, True, True, False],
            "score": [40.0, 120.0, 60.0, 45.0, None],
            "class": ["D", "A", "C", "D", "T"],
            "class_reason": ["组内排名末5%", "前20%", "前95%", "末5%", "新投产企业不参评"],
        }
    )


def _parcel_scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["p1", "p1", "p2", "p3"],
            "year": [YEAR - 1, YEAR, YEAR, YEAR],
            "main_uscc": ["F1", "F1", "F2", None],
            "class": ["D", "D", "A", None],
        }
    )


def _review() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": ["F1", "F2", "F9", "F3", "F3"],
            "year": pd.array([YEAR, None, YEAR, YEAR - 1, YEAR], dtype="Int64"),
            "class_machine": ["D", "B", None, "C", "C"],
            "firm_confirmed": pd.array([False, True, None, None, None], dtype="boolean"),
            "objection": ["技改投入未计入", None, None, None, None],
            "class_adjusted": ["B", None, "A", "A", None],
            "adjust_reason": ["新增技改投入", None, None, None, None],
            "class_approval_no": ["绍经信〔2025〕3号", None, None, None, None],
            "input_file": "review.xlsx#企业复核",
            "input_row": pd.array([2, 3, 4, 5, 6], dtype="Int64"),
        }
    )


def test_the_adjusted_class_is_final_and_the_machines_kept():
    fs, ps = _firm_scores(), _parcel_scores()
    done = apply_firm_review(fs, ps, _review(), year=YEAR)
    out = done.firm_scores
    assert out["class"].tolist() == ["B", "A", "C", "D", "T"]  # F1's 2023 row untouched
    assert out["class_machine"].tolist() == ["D", "A", "C", "D", "T"]
    assert (
        out.loc[0, "class_reason"]
        == "组内排名末5%；调档 D→B：新增技改投入（审定文号 绍经信〔2025〕3号）"
    )
    assert out["score"].equals(fs["score"])  # the figures never change
    pd.testing.assert_frame_equal(fs, _firm_scores())  # inputs not mutated
    pd.testing.assert_frame_equal(ps, _parcel_scores())


def test_parcels_follow_their_main_occupants_final_class_in_the_year():
    done = apply_firm_review(_firm_scores(), _parcel_scores(), _review(), year=YEAR)
    ps = done.parcel_scores
    assert ps["class"].tolist()[:3] == ["D", "B", "A"]  # 2023 keeps the D
    assert ps["class_machine"].tolist()[:3] == ["D", "D", "A"]
    assert ps["class"].isna().iloc[3] and ps["class_machine"].isna().iloc[3]


def test_firm_decisions_and_findings():
    done = apply_firm_review(_firm_scores(), _parcel_scores(), _review(), year=YEAR)
    d = done.firm_decisions
    assert list(d.columns) == FIRM_DECISION_COLUMNS
    # every evaluated firm of the year (F4 is not evaluated and not reviewed)
    assert d["uscc"].tolist() == ["F2", "F1", "F3"]  # county, final class, uscc
    row = d.set_index("uscc")
    assert row.loc["F1", "class_source"] == "review" and row.loc["F1", "class_final"] == "B"
    assert row.loc["F1", "class_machine"] == "D" and row.loc["F1", "input_row"] == 2
    assert not bool(row.loc["F1", "firm_confirmed"])
    assert row.loc["F2", "class_source"] == "proposal" and bool(row.loc["F2", "reviewed"])
    assert bool(row.loc["F2", "stale"])  # recorded B, the evaluation says A now
    assert not bool(row.loc["F3", "reviewed"])  # its row of this year has no answer
    codes = done.findings.set_index("code")
    assert codes.loc["REVIEW_UNKNOWN_FIRM", "row_id"] == "row 4"
    assert codes.loc["REVIEW_UNKNOWN_FIRM", "severity"] == "warning"
    assert codes.loc["REVIEW_OTHER_YEAR", "severity"] == "info"
    assert codes.loc["REVIEW_STALE", "row_id"] == "F2"


def test_without_a_review_the_final_class_is_the_machines():
    fs = _firm_scores()
    done = apply_firm_review(fs, _parcel_scores(), None, year=YEAR)
    assert done.firm_scores["class"].tolist() == fs["class"].tolist()
    assert done.firm_scores["class_machine"].tolist() == fs["class"].tolist()
    assert set(done.firm_decisions["class_source"]) == {"proposal"}
    assert done.findings.empty


def test_an_empty_row_of_a_firm_not_evaluated_is_not_listed():
    review = _review()
    review.loc[len(review)] = {"uscc": "F4", "year": YEAR, "input_row": 7}
    done = apply_firm_review(_firm_scores(), _parcel_scores(), review, year=YEAR)
    d = done.firm_decisions.set_index("uscc")
    assert "F4" not in d.index
    assert d.loc["F1", "input_row"] == 2 and d.loc["F2", "input_row"] == 3
    assert d.loc["F3", "input_row"] == 6 and not bool(d.loc["F3", "reviewed"])  # no answer

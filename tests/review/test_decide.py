"""The final treatment of each parcel, the decisions table and the view the balance reads."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.review import DECISION_COLUMNS, PARCEL_EVAL_REVIEW_COLUMNS, apply_parcel_review
from landeval.review.decide import decided_view


def _parcel_eval() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["p1", "p2", "p3", "p4", "p5"],
            "county_code": ["330603", "330602", "330602", "330602", "330602"],
            "treatment": ["REBUILD", "CONVERT", "UPGRADE", "KEEP", "EXIT"],
            "treatment_zh": ["拆除重建", "功能转型", "整治提升", "保留", "关停退出"],
            "reason_zh": ["容积率低", "规划用途非工业", "C类", "保留", "连续两年D类"],
            "inside_line": [True, True, True, True, False],
            "must_stay_industrial": [True, False, False, False, False],
            "needs_check": [False, False, False, False, True],
            "check_reason_zh": [None, None, None, None, "亩均税收超出合理范围"],
        }
    )


def _review() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["p1", "p2", "p3", "p4", "zz"],
            "proposed": ["REBUILD", "CONVERT", "REBUILD", None, "EXIT"],
            "decision": [None, "KEEP", "DEFER", "EXIT", "KEEP"],
            "review_reason": [None, "规划调整撤回", "等待规划", "企业已停产", None],
            "reviewer": ["张三", "李四", None, "王五", "赵六"],
            "reviewed_on": pd.to_datetime(["2025-03-01", None, None, "2025-03-02", None]),
            "progress": ["IN_PROGRESS", None, None, None, None],
            "confirmed": pd.array([True, None, None, None, None], dtype="boolean"),
            "input_file": "review.xlsx#宗地复核",
            "input_row": pd.array([2, 3, 4, 9, 12], dtype="Int64"),
        }
    )


def test_final_is_the_decision_where_given_else_the_proposal():
    before = _parcel_eval()
    done = apply_parcel_review(before, _review())
    pe = done.parcel_eval.set_index("parcel_id")
    assert list(done.parcel_eval.columns) == [*before.columns, *PARCEL_EVAL_REVIEW_COLUMNS]
    assert pe["final_treatment"].to_dict() == {
        "p1": "REBUILD", "p2": "KEEP", "p3": "DEFER", "p4": "EXIT", "p5": "EXIT",
    }  # fmt: skip
    assert pe["final_treatment_zh"].to_dict()["p3"] == "暂缓"
    assert pe["decision_source"].tolist() == ["proposal", "review", "review", "review", "proposal"]
    # the proposal, its reason and the figures are the method's: never changed
    pd.testing.assert_series_equal(done.parcel_eval["treatment"], before["treatment"])
    pd.testing.assert_series_equal(done.parcel_eval["reason_zh"], before["reason_zh"])
    pd.testing.assert_frame_equal(before, _parcel_eval())  # the input is not mutated
    # land inside the line that is finally exited stays industrial
    assert pe["must_stay_industrial"].tolist() == [True, False, False, True, False]


def test_decisions_list_every_listed_decided_or_reviewed_parcel():
    done = apply_parcel_review(_parcel_eval(), _review())
    d = done.decisions
    assert list(d.columns) == DECISION_COLUMNS
    # sorted by final treatment in the policy's order, 暂缓 after the four, then 保留
    assert d["parcel_id"].tolist() == ["p1", "p4", "p5", "p3", "p2"]
    assert d["final"].tolist() == ["REBUILD", "EXIT", "EXIT", "DEFER", "KEEP"]
    row = d.set_index("parcel_id")
    assert row.loc["p1", "reviewer"] == "张三" and row.loc["p1", "progress"] == "IN_PROGRESS"
    assert row.loc["p1", "decision_source"] == "proposal" and bool(row.loc["p1", "reviewed"])
    assert row.loc["p4", "reviewed_on"] == pd.Timestamp("2025-03-02")
    assert row.loc["p4", "input_row"] == 9
    assert not bool(row.loc["p5", "reviewed"]) and pd.isna(row.loc["p5", "input_row"])
    assert row.loc["p2", "review_reason"] == "规划调整撤回"
    assert str(d["reviewed_on"].dtype).startswith("datetime64")
    assert str(d["confirmed"].dtype) == "boolean"


def test_a_stale_review_is_a_warning_and_marks_the_parcel():
    done = apply_parcel_review(_parcel_eval(), _review())
    stale = done.findings.loc[done.findings["code"] == "REVIEW_STALE"]
    assert stale["row_id"].tolist() == ["p3"]
    assert stale["severity"].tolist() == ["warning"]
    assert "复核时系统建议为拆除重建，本次为整治提升" in stale["message"].iloc[0]
    assert "复核后数据已变化" in stale["message"].iloc[0]
    d = done.decisions.set_index("parcel_id")
    assert d["stale"].to_dict() == {"p1": False, "p4": False, "p5": False, "p3": True, "p2": False}
    pe = done.parcel_eval.set_index("parcel_id")
    assert pe["needs_check"].tolist() == [False, False, True, False, True]
    assert pe.loc["p3", "check_reason_zh"] == "复核后数据已变化，请重新核查"
    assert pe.loc["p5", "check_reason_zh"] == "亩均税收超出合理范围"
    assert pe.loc["p3", "final_treatment"] == "DEFER"  # still decided, until looked at


def test_an_unknown_parcel_code_is_a_warning_naming_the_row():
    done = apply_parcel_review(_parcel_eval(), _review())
    unknown = done.findings.loc[done.findings["code"] == "REVIEW_UNKNOWN_PARCEL"]
    assert unknown["row_id"].tolist() == ["row 12"]
    assert "zz" in unknown["message"].iloc[0]
    assert "zz" not in set(done.decisions["parcel_id"])


def test_without_a_review_every_final_is_the_proposal():
    pe = _parcel_eval()
    done = apply_parcel_review(pe, None)
    assert done.parcel_eval["final_treatment"].tolist() == pe["treatment"].tolist()
    assert set(done.parcel_eval["decision_source"]) == {"proposal"}
    assert done.decisions["parcel_id"].tolist() == ["p1", "p3", "p2", "p5"]
    assert done.findings.empty
    assert done.decisions["reviewer"].isna().all()


def test_the_balance_reads_the_final_treatment():
    done = apply_parcel_review(_parcel_eval(), _review())
    view = decided_view(done.parcel_eval, done.decisions).set_index("parcel_id")
    assert view["treatment"].to_dict() == {
        "p1": "REBUILD", "p2": "KEEP", "p3": "DEFER", "p4": "EXIT", "p5": "EXIT",
    }  # fmt: skip
    assert view.loc["p2", "reason_zh"] == "复核结论：保留（规划调整撤回）"
    assert view.loc["p1", "reason_zh"] == "容积率低"  # confirmed: the proposal's reason
    assert np.array_equal(view["treatment_zh"], view["final_treatment_zh"])

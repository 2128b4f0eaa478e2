"""The review wired into the stages: the ledger follows final treatments, parcels follow 调档.

On the six hand-made parcels of ``tests/test_stages.py`` (e2 KEEP, class B, fully inside the
control line, e3 CONVERT half inside, e6 KEEP with a class-B occupant, F6).
"""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.config import default_config
from landeval.review import apply_firm_review
from landeval.stages import zone_and_treat
from tests.test_stages import YEAR, _inputs


def _zone(**over):
    return zone_and_treat(**(_inputs() | over), config=default_config(), year=YEAR)


def _parcel_items(result) -> dict[str, float]:
    items = result.balance_items
    parcels = items.loc[items["source"] == "parcel"]
    return dict(zip(parcels["item_id"], parcels["inside_line_mu"], strict=True))


def test_the_ledger_follows_an_overridden_convert():
    before = _zone()
    assert _parcel_items(before) == {"e3": pytest.approx(7.5)}  # half of 15 mu inside
    review = pd.DataFrame(
        {
            "parcel_id": ["e3", "e2"],
            "proposed": ["CONVERT", "KEEP"],  # e2: class B, kept (on the 增容潜力 list)
            "decision": ["KEEP", "CONVERT"],
            "review_reason": ["规划调整撤回", "转型为研发用地"],
        }
    )
    after = _zone(parcel_review=review)
    # reviewed out of 功能转型: no longer an item; reviewed into it: counts, whole inside
    assert _parcel_items(after) == {"e2": pytest.approx(15.0)}
    items = after.balance_items.set_index("item_id")
    # the items say why the land is converted
    assert items.loc["e2", "reason_zh"] == "复核结论：功能转型（转型为研发用地）"
    ledger = after.balance_ledger.set_index("county_code")
    # not approved yet: the parcels the final decisions convert are 拟改 (DESIGN §6)
    assert ledger.loc["330602", "proposed_mu"] == pytest.approx(15.0)
    assert before.balance_ledger.set_index("county_code").loc[
        "330602", "proposed_mu"
    ] == pytest.approx(7.5)
    assert items.index.tolist().count("e3") == 0
    # the proposal stays the rules'; the final treatment is beside it
    pe = after.parcel_eval.set_index("parcel_id")
    assert pe.loc["e3", "treatment"] == "CONVERT" and pe.loc["e3", "final_treatment"] == "KEEP"
    assert pe.loc["e2", "treatment"] == "KEEP" and pe.loc["e2", "final_treatment"] == "CONVERT"
    decisions = after.decisions.set_index("parcel_id")
    assert decisions.loc["e2", "decision_source"] == "review"
    assert decisions.loc["e3", "final"] == "KEEP"


def _firm_scores(parcel_scores: pd.DataFrame) -> pd.DataFrame:
    occupied = parcel_scores.dropna(subset=["main_uscc"])
    return pd.DataFrame(
        {
            "uscc": occupied["main_uscc"].to_numpy(),
            "year": occupied["year"].to_numpy(),
            "name": occupied["main_name"].to_numpy(),
            "county_code": "330602",
            "evaluated": True,
            "class": occupied["class"].to_numpy(),
            "class_reason": "组内排名",
        }
    )


def test_a_firms_adjusted_class_changes_its_parcels_class_and_treatment():
    inputs = _inputs()
    ps = inputs["parcel_scores"]
    review = pd.DataFrame({"uscc": ["F6"], "class_adjusted": ["D"], "adjust_reason": ["核查"]})
    adjusted = apply_firm_review(_firm_scores(ps), ps, review, year=YEAR)
    before = _zone(firm_scores=_firm_scores(ps)).parcel_eval.set_index("parcel_id")
    after = _zone(
        firm_scores=adjusted.firm_scores, parcel_scores=adjusted.parcel_scores
    ).parcel_eval.set_index("parcel_id")
    assert (before.loc["e6", "class"], before.loc["e6", "treatment"]) == ("B", "KEEP")
    assert after.loc["e6", "class"] == "D"
    assert "CLASS_D" in after.loc["e6", "flags"]
    assert after.loc["e6", "treatment"] != "KEEP"  # a D-class occupant puts it on the list
    assert adjusted.firm_decisions.set_index("uscc").loc["F6", "class_machine"] == "B"
    others = [p for p in before.index if p != "e6"]
    assert after.loc[others, "treatment"].equals(before.loc[others, "treatment"])

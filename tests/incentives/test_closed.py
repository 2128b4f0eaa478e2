"""A firm that has closed (停业, 注销, 吊销) gets no measure the next year."""

from __future__ import annotations

import pandas as pd

from landeval.config import IncentiveMeasure, default_config
from landeval.incentives import evaluate_incentives, final_classes, open_firms

YEAR = 2024


def _scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": ["F1", "F2", "F3", "F4", "F2"],
            "year": [YEAR, YEAR, YEAR, YEAR, YEAR - 1],
            "name": ["甲", "乙", "丙", "丁", "乙"],
            "county_code": ["330602"] * 5,
            "status": [None, "注销", "停业", "在业", None],
            "class": ["D", "D", "D", "D", "D"],
            "land_mu": [10.0, 12.0, 8.0, 5.0, 12.0],
        }
    )


def test_closed_firms_get_no_measure():
    config = default_config()
    measure = IncentiveMeasure(
        code="D_FEE", label_zh="差别化收费", classes=["D"], basis="firm", rate=1000.0, kind="charge"
    )
    config = config.model_copy(update={"incentives": [measure]})
    scores = _scores()
    result = evaluate_incentives(
        classes=final_classes(scores),
        firm_scores=scores,
        firm_tax=None,
        parcels=None,
        occupancy=None,
        config=config,
        year=YEAR,
    )
    rows = result.firm_incentives
    assert sorted(rows["uscc"]) == ["F1", "F4"]  # 注销 F2 and 停业 F3 pay nothing
    assert rows["amount_yuan"].tolist() == [1000.0, 1000.0]
    city = result.incentive_totals.set_index("county_code").loc["city"]
    assert city["n_subject"] == 2


def test_open_firms_keeps_other_years_and_leaves_its_input_alone():
    scores = _scores()
    classes = final_classes(scores)
    before = classes.copy()
    kept = open_firms(classes, scores, closed=["停业", "注销", "吊销"], year=YEAR)
    pd.testing.assert_frame_equal(classes, before)
    assert list(zip(kept["uscc"], kept["year"], strict=True)) == [
        ("F1", YEAR),
        ("F4", YEAR),
        ("F2", YEAR - 1),  # the class history of a firm now closed stays
    ]

"""The maps show the bureau's final decision and each firm's measures (DESIGN §10, §12)."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.config import default_config
from landeval.maps import write_maps
from landeval.maps.decisions import OVERRIDDEN, map_parcels
from landeval.review import apply_parcel_review
from landeval.vocabulary import DECISION_COLORS, DEFER


def reviewed_inputs(inputs) -> tuple[dict, dict]:
    """The map inputs with three parcels reviewed, and the measures of two firms.

    Returns the keyword arguments of :func:`write_maps` and the facts the tests check.
    """
    parcels = inputs["parcel_eval"]
    occupied = parcels[parcels["main_uscc"].notna() & (parcels["treatment"] != "KEEP")]
    rebuild = occupied[occupied["treatment"] == "REBUILD"].iloc[0]
    keep = parcels[parcels["treatment"] == "KEEP"].iloc[0]
    review = pd.DataFrame(
        {
            "parcel_id": [rebuild["parcel_id"], keep["parcel_id"]],
            "decision": [DEFER, "CONVERT"],
            "review_reason": ["待规划调整", "转型为研发用地"],
            "reviewer": ["张三", "李四"],
            "progress": ["NOT_STARTED", "IN_PROGRESS"],
        }
    )
    done = apply_parcel_review(parcels, review)
    measured = occupied.iloc[[3, 4]]
    incentives = pd.DataFrame(
        {
            "uscc": [measured["main_uscc"].iloc[0]] * 2 + [measured["main_uscc"].iloc[1]],
            "label_zh": ["差别化电价", "差别化污水处理费", "差别化电价"],
            "amount": [180_000.0, None, 2_500.0],
            "amount_yuan": [180_000.0, None, 2_500.0],
            "unit": ["元", "元", "元"],
        }
    )
    kwargs = {
        **inputs,
        "parcel_eval": done.parcel_eval,
        "decisions": done.decisions,
        "firm_incentives": incentives,
    }
    facts = {
        "deferred": rebuild["parcel_id"],
        "converted": keep["parcel_id"],
        "measured": measured["parcel_id"].tolist(),
    }
    return kwargs, facts


def test_map_parcels_final_treatment_labels_and_measures(inputs):
    kwargs, facts = reviewed_inputs(inputs)
    before = kwargs["parcel_eval"].copy()
    shown = map_parcels(
        kwargs["parcel_eval"],
        decisions=kwargs["decisions"],
        firm_incentives=kwargs["firm_incentives"],
    ).set_index("parcel_id")
    pd.testing.assert_frame_equal(kwargs["parcel_eval"], before)
    deferred = shown.loc[facts["deferred"]]
    assert deferred["treatment"] == DEFER and deferred["proposed_treatment"] == "REBUILD"
    assert deferred["decision_source"] == "复核" and deferred["progress"] == "未启动"
    converted = shown.loc[facts["converted"]]
    assert converted["treatment"] == "CONVERT" and converted["reviewer"] == "李四"
    # both decisions changed the proposal: they, and only they, are marked for the outline
    marked = set(shown.index[shown["overridden"] == OVERRIDDEN])
    assert marked == {facts["deferred"], facts["converted"]}
    first, second = facts["measured"]
    assert shown.loc[first, "measures_zh"] == "差别化电价 +18.00 万元；差别化污水处理费 缺计费依据"
    assert shown.loc[second, "measures_zh"] == "差别化电价 +0.25 万元"
    others = shown.drop(index=facts["measured"])
    assert others["measures_zh"].isna().all()


def test_without_review_or_measures_the_parcels_are_as_given(inputs):
    parcels = inputs["parcel_eval"]
    assert map_parcels(parcels) is parcels


@pytest.fixture(scope="module")
def reviewed_pages(inputs, tmp_path_factory):
    kwargs, facts = reviewed_inputs(inputs)
    out = tmp_path_factory.mktemp("reviewed_maps")
    paths = write_maps(**kwargs, config=default_config(), year=2024, out_dir=out)
    return {p.name: p.read_text(encoding="utf-8") for p in paths}, facts


def test_treatment_map_colours_the_final_decision(reviewed_pages):
    pages, _ = reviewed_pages
    html = pages["treatment_map.html"]
    # 暂缓 has its layer, its grey and its name in the legend
    assert "treatment_DEFER" in html
    assert DECISION_COLORS[DEFER] in html
    assert "暂缓" in html
    assert "系统建议" in html and "决定来源" in html  # the popup's rows
    assert "差别化施策（主要用地企业）" in pages["efficiency_map.html"]
    assert "差别化施策（主要用地企业）" not in html

"""Tests of landeval.maps.treatment_map: the legend in the policy's order, 改一补一 items."""

from __future__ import annotations

import json
import re

from landeval.maps.treatment_map import legend_order
from landeval.vocabulary import KEEP, TREATMENT_ORDER, column_header


def test_legend_lists_treatments_in_the_policy_order():
    configured = ["EXIT", "CONVERT", "MOTHBALL", "REBUILD", "UPGRADE"]
    present = {"EXIT", "KEEP", "", "ODD", "REBUILD"}
    assert legend_order(configured, present) == [
        *[c for c in TREATMENT_ORDER if c != KEEP],
        "MOTHBALL",  # a project's own rule
        "ODD",  # a code no rule names
        KEEP,
        "",  # no treatment decided
    ]
    assert legend_order([], {"KEEP"}) == list(TREATMENT_ORDER)


def test_treatment_layers_in_the_policy_order(written):
    html = written["treatment_map.html"]
    keys = re.findall(r'"key":"treatment_([A-Za-z_]+)"', html)
    assert keys[: len(TREATMENT_ORDER)] == list(TREATMENT_ORDER)


def test_balance_items_labelled_as_in_the_workbook(written):
    html = written["treatment_map.html"]
    assert '"l":"改（转出）（计入）"' in html and '"l":"补（补充）（未计入）"' in html
    assert json.dumps(column_header("counted"), ensure_ascii=False) in html

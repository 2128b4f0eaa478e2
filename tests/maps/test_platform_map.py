"""Tests of landeval.maps.platform_map: platform rows and their summary popup."""

from __future__ import annotations

import json

import pandas as pd

from landeval.maps.platform_map import platform_attributes
from landeval.vocabulary import column_header


def test_platform_attributes_joins_summary_and_class_mix(inputs):
    plats = pd.DataFrame(inputs["platforms"].drop(columns="geometry"))
    summary = inputs["platform_summary"]
    out = platform_attributes(plats, summary)
    row = out.set_index("platform_id").loc["P01"]
    src = summary.set_index("platform_id").loc["P01"]
    assert row["parcels"] == src["parcels"] == 30
    assert row["class_mix"].startswith(f"A {src['area_mu_A']:,.1f}亩 · B ")


def test_platform_popup_labels_come_from_the_vocabulary(written):
    html = written["platform_map.html"]
    for key in ("tier", "county_name", "parcels", "tax_per_mu", "low_eff_area_mu"):
        assert json.dumps(column_header(key), ensure_ascii=False) in html, key
    assert "增加值年均增速（目标 8.5%）" in html

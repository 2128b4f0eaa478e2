"""Tests of landeval.maps.fields: parcel attributes as the maps show them, popup labels."""

from __future__ import annotations

import pandas as pd

from landeval.maps.fields import PARCEL_POPUP, SHOWN_AS, parcel_attributes, popup_fields
from landeval.vocabulary import column_header


def test_parcel_attributes_normalises_flags_and_categories():
    frame = pd.DataFrame(
        {
            "flags": [
                "STOPPED,FAR_LOW",
                "TAX_LOW；CLASS_C",
                None,
                ["CLASS_D"],
                "",
                "IDLE_LAND STOPPED",
                ["VACANT"],
                "VACANT",
            ],
            "class": ["D", "C", None, "D", "A", None, None, "B"],
            "main_name": ["甲", "乙", None, "丁", "戊", None, None, "己"],
            "occupant_names": ["甲", "乙；丙", None, "丁", "戊", None, None, "己"],
        }
    )
    before = frame.copy()
    out = parcel_attributes(frame)
    pd.testing.assert_frame_equal(frame, before)  # input untouched

    def plain(col):
        return [None if pd.isna(v) else v for v in out[col].tolist()]

    assert plain("flags")[:5] == ["STOPPED,FAR_LOW", "TAX_LOW,CLASS_C", None, "CLASS_D", None]
    # 停产 and 闲置土地 over the class (闲置土地 first); mostly vacant only without a class
    assert plain("cat") == ["STOPPED", "C", "NONE", "D", "A", "IDLE_LAND", "VACANT", "B"]
    assert plain("occupant_names")[:2] == [None, "乙；丙"]


def test_popup_labels_are_the_vocabulary_headers():
    rows = popup_fields("zh", [*PARCEL_POPUP, ("treatment", "treatment")])
    labels = {row.column: row.label for row in rows}
    assert labels["county_name"] == "县（市、区）"  # as in the workbook
    assert labels["tax_per_mu"] == "亩均税收（万元/亩）"
    assert labels["flags"] == "低效标识"  # shown by label: the flags as words
    assert labels["treatment"] == "处置方式"
    english = {row.column: row.label for row in popup_fields("en", PARCEL_POPUP)}
    assert english["tax_per_mu"] == column_header("tax_per_mu", "en") == "Tax per mu (10k yuan/mu)"
    for row in rows:
        assert row.label == column_header(SHOWN_AS.get(row.column, row.column), "zh")

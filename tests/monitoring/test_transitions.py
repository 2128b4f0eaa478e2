"""Class transitions of firms and parcels between the two synthetic years (DESIGN §11)."""

from __future__ import annotations

import pandas as pd

from landeval.config import load_config
from landeval.monitoring import evaluate_monitoring
from landeval.monitoring.summary import transitions_line
from tests.monitoring._years import code, current_tables, previous_run


def _tables():
    return evaluate_monitoring(
        current_tables(),
        previous=previous_run(),
        platforms=None,
        config=load_config(None),
        year=2024,
    ).tables


def test_firms_move_between_classes_and_new_or_gone_firms_have_no_class():
    rows = _tables()["class_transitions"]
    firms = rows[rows["level"] == "firm"].set_index("id")
    moves = {
        uscc: (None if pd.isna(p) else p, None if pd.isna(c) else c)
        for uscc, p, c in firms[["prev_class", "class"]].itertuples()
    }
    assert moves == {
        "F1": ("D", "B"),
        "F10": ("D", "C"),
        "F2": ("C", "C"),
        "F4": (None, "B"),
        "F6": ("C", "C"),
        "F9": ("C", None),
    }


def test_a_split_parcel_passes_its_class_and_treatment_to_both_parts():
    rows = _tables()["class_transitions"]
    parts = rows[rows["id"].isin([code(10), code(11)])]
    assert parts[["prev_id", "match", "prev_class", "prev_treatment"]].to_numpy().tolist() == [
        [code(2), "split", "C", "REBUILD"],
        [code(2), "split", "C", "REBUILD"],
    ]
    new = rows[rows["id"] == code(12)]
    assert new["match"].tolist() == ["none"] and new["prev_id"].isna().all()


def test_the_matrix_counts_per_county_and_city_and_reads_as_a_line():
    matrix = _tables()["class_matrix"]
    firm_city = matrix[(matrix["level"] == "firm") & (matrix["county_code"] == "city")]
    d_to_b = firm_city[(firm_city["prev_class"] == "D") & (firm_city["class"] == "B")]
    assert d_to_b["n"].tolist() == [1]
    assert int(firm_city["n"].sum()) == 6
    assert transitions_line(matrix, level="firm") == "企业类别变化：升档 2（D→B 1、D→C 1）"
    assert transitions_line(matrix, level="firm", lang="en") == "Firm classes: up 2 (D→B 1, D→C 1)"

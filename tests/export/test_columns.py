"""Tests of landeval.export._columns: every sheet column is labelled by the vocabulary."""

from __future__ import annotations

import pytest

from landeval.export._columns import (
    ACTION_COLUMNS,
    FINDING_SHEET_COLUMNS,
    FIRM_COLUMNS,
    ITEM_COLUMNS,
    LEDGER_COLUMNS,
    TREATMENT_COLUMNS,
    display_kind,
)
from landeval.vocabulary import CODE_LABELS, COLUMNS, NUMBER_KINDS

SPECS = [
    ACTION_COLUMNS,
    TREATMENT_COLUMNS,
    FIRM_COLUMNS,
    LEDGER_COLUMNS,
    ITEM_COLUMNS,
    FINDING_SHEET_COLUMNS,
]


@pytest.mark.parametrize("spec", SPECS)
def test_every_column_has_a_vocabulary_label_and_distinct_headers(spec):
    for _source, key in spec:
        assert key in COLUMNS, key
    for lang in ("zh", "en"):
        headers = [COLUMNS[key].header(lang) for _, key in spec]
        assert len(set(headers)) == len(headers), headers


def test_display_kinds():
    assert display_kind("area_mu") == "area"
    assert display_kind("coverage") == "share"
    assert display_kind("built_year") == "year"
    assert display_kind("must_stay_industrial") == "bool"
    assert display_kind("class") == "class"  # shown by its label
    assert display_kind("firm_class") == "text"  # a firm's class code, shown as it is
    assert display_kind("industry") == "industry"
    assert display_kind("flag_names") == "flags"
    assert display_kind("approved_on") == "text"
    shown = {display_kind(key) for spec in SPECS for _, key in spec}
    assert shown <= NUMBER_KINDS | set(CODE_LABELS) | {"bool", "text"}

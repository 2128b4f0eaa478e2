"""Tests of landeval.vocabulary: every word in both languages, one label per column."""

from __future__ import annotations

from collections import defaultdict

import pytest

from landeval.config import FLAG_CODES, default_config
from landeval.inputs import identifiers
from landeval.vocabulary import (
    CODE_LABELS,
    COLUMNS,
    INDUSTRY_LABELS,
    INDUSTRY_NAMES,
    KEEP,
    KINDS,
    LAND_USE_LABELS,
    LANGUAGES,
    LAYER_LABELS,
    MEASURED_KINDS,
    NUMBER_KINDS,
    SHAOXING_COUNTIES,
    SHAOXING_LEGACY_COUNTIES,
    TREATMENT_LABELS,
    TREATMENT_ORDER,
    UNITS,
    column_header,
    label,
    land_use_label,
)

LABEL_TABLES = {**CODE_LABELS, "layers": LAYER_LABELS, "land_use": LAND_USE_LABELS}


@pytest.mark.parametrize("name", sorted(LABEL_TABLES))
def test_every_code_of_every_label_table_has_zh_and_en(name):
    table = LABEL_TABLES[name]
    assert table
    for code, words in table.items():
        assert set(words) == set(LANGUAGES), (name, code)
        assert all(isinstance(w, str) and w.strip() == w and w for w in words.values()), code


def test_every_unit_in_both_languages():
    for key, unit in UNITS.items():
        assert unit.zh and unit.en, key


def test_every_column_has_a_kind_and_a_unit_where_its_kind_has_one():
    for key, column in COLUMNS.items():
        assert column.zh and column.en, key
        assert column.kind in KINDS, key
        if column.kind in MEASURED_KINDS:
            assert column.unit in UNITS, f"{key}: a {column.kind} needs a unit"
        else:
            assert column.unit is None, f"{key}: a {column.kind} has no unit"
        if column.labels is not None:
            assert column.kind == "code" and column.labels in CODE_LABELS, key
    assert NUMBER_KINDS <= KINDS and MEASURED_KINDS <= NUMBER_KINDS


def test_no_two_columns_share_a_chinese_label_unless_intended():
    by_name = defaultdict(list)
    for key, column in COLUMNS.items():
        by_name[column.zh].append(key)
    for name, keys in by_name.items():
        if len(keys) > 1:
            # intended: one column, and the others the same thing written another way,
            # each saying so (same_as)
            originals = [k for k in keys if COLUMNS[k].same_as is None]
            assert len(originals) == 1, f"{name} is shared by {keys}"
            assert all(COLUMNS[k].same_as == originals[0] for k in keys if k != originals[0])


def test_same_as_names_a_column_of_the_same_chinese_label():
    for key, column in COLUMNS.items():
        if column.same_as is not None:
            assert COLUMNS[column.same_as].zh == column.zh, key


def test_headers_put_the_unit_after_the_label():
    assert column_header("area_mu") == "面积（亩）"
    assert column_header("area_mu", "en") == "Area (mu)"
    assert column_header("tax_per_mu", "en") == "Tax per mu (10k yuan/mu)"
    assert column_header("coverage") == "建筑系数"  # a share: shown as a percentage
    assert column_header("not_a_column") == "not_a_column"


def test_treatments_in_the_policy_order():
    assert TREATMENT_ORDER == ("REBUILD", "UPGRADE", "CONVERT", "EXIT", KEEP)
    assert list(TREATMENT_LABELS) == list(TREATMENT_ORDER)
    assert [label(TREATMENT_LABELS, c) for c in TREATMENT_ORDER] == [
        "拆除重建",
        "整治提升",
        "功能转型",
        "关停退出",
        "保留",
    ]
    assert label(TREATMENT_LABELS, "OWN_CODE", "en") == "OWN_CODE"


def test_every_flag_a_rule_may_name_has_labels():
    assert set(CODE_LABELS["flags"]) == set(FLAG_CODES)


def test_industry_names_are_the_chinese_labels():
    assert {c: w["zh"] for c, w in INDUSTRY_LABELS.items()} == INDUSTRY_NAMES
    assert INDUSTRY_NAMES["C17"] == "纺织业"


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("1001", "工业用地", "Industrial land"),
        ("100101", "一类工业用地", "Class-1 industrial land"),
        ("100103", "三类工业用地", "Class-3 industrial land"),
        ("10010299", "二类工业用地", "Class-2 industrial land"),  # a local fourth level
        ("100199", "工业用地", "Industrial land"),  # an unknown third level: its class
        ("1101", "物流仓储用地", "Logistics and warehousing land"),
        ("0901", "商业用地", "Commercial land"),
        ("0701", "城镇住宅用地", "Urban housing land"),
        ("07", "居住用地", "Residential land"),
        ("M0", "新型产业用地", "New-type industrial land (M0)"),
        ("m2", "二类工业用地", "Class-2 industrial land (legacy M2)"),
        (" M3 ", "三类工业用地", "Class-3 industrial land (legacy M3)"),
        ("M9", "工业用地", "Industrial land (legacy M)"),
    ],
)
def test_land_use_by_longest_known_prefix(code, zh, en):
    assert land_use_label(code) == zh
    assert land_use_label(code, "en") == en


@pytest.mark.parametrize("code", ["", "9", "99", "X1", None, 1001, float("nan")])
def test_unknown_land_use_has_no_name(code):
    assert land_use_label(code) is None


def test_shaoxing_counties_written_once():
    config = default_config()
    assert config.project.counties == SHAOXING_COUNTIES
    assert config.project.legacy_counties == SHAOXING_LEGACY_COUNTIES
    assert identifiers.SHAOXING_COUNTIES is SHAOXING_COUNTIES
    assert set(SHAOXING_COUNTIES).isdisjoint(SHAOXING_LEGACY_COUNTIES)


def test_a_project_names_its_own_counties(tmp_path):
    from landeval.config import load_config

    (tmp_path / "landeval.toml").write_text(
        '[project]\ncity = "湖州市"\n[project.counties]\n"330502" = "吴兴区"\n', encoding="utf-8"
    )
    counties = load_config(tmp_path).project.counties
    assert counties["330502"] == "吴兴区"

"""Tests of landeval.export._tables: the display tables of the action lists (pure)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.export._firms import firm_table
from landeval.export._summary import summary_table
from landeval.export._tables import (
    ACTION_TREATMENTS,
    action_table,
    action_tables,
    sort_parcels,
    treatment_codes,
)
from landeval.vocabulary import KEEP, TREATMENT_ORDER


def test_flags_given_as_text_codes(tables):
    parcels = tables["parcel_eval"].drop(columns="flags_zh")
    parcels["flags"] = [",".join(f) for f in parcels["flags"]]
    table = action_table(parcels, treatments=["REBUILD"])
    assert table.frame["低效标识"].iloc[0] == "容积率低于行业标准、C类企业用地、建筑年代久远"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_action_tables_equal_one_action_table_per_treatment(tables, lang):
    parcels = tables["parcel_eval"].copy()
    # ties on every sort key (same county, area and code) keep the input order, and a
    # treatment no parcel has gives an empty table with the same columns and types
    tie = parcels.iloc[[0, 0]].assign(treatment=["EXIT", "REBUILD"])
    parcels = pd.concat([parcels, tie, parcels.iloc[[1]]], ignore_index=True)
    codes = ["REBUILD", "UPGRADE", "CONVERT", "EXIT", "NOBODY"]
    split = action_tables(parcels, lang=lang, treatments=codes)
    assert list(split) == codes
    for code in codes:
        one = action_table(parcels, lang=lang, treatments=[code])
        assert split[code].kinds == one.kinds
        pd.testing.assert_frame_equal(split[code].frame, one.frame, check_exact=True)
    assert len(split["NOBODY"].frame) == 0


def test_action_tables_without_columns():
    split = action_tables(pd.DataFrame({"treatment": ["EXIT", None]}), treatments=["EXIT"])
    one = action_table(pd.DataFrame({"treatment": ["EXIT", None]}), treatments=["EXIT"])
    pd.testing.assert_frame_equal(split["EXIT"].frame, one.frame, check_exact=True)


def test_summary_table_kinds(tables):
    table = summary_table(tables["parcel_eval"])
    assert table.kinds[:3] == ("text", "count", "area")
    assert len(table.frame) == 4


def test_summary_table_city_row_and_total_words(tables):
    zh = summary_table(tables["parcel_eval"]).frame
    en = summary_table(tables["parcel_eval"], lang="en").frame
    assert zh.iloc[-1, 0] == "全市合计"
    assert en.iloc[-1, 0] == "City total"
    assert list(zh.columns[1:5]) == [
        "工业用地 宗数",
        "工业用地 面积（亩）",
        "拆除重建 宗数",
        "拆除重建 面积（亩）",
    ]
    assert list(zh.columns[-5:]) == [
        "四个一批合计 宗数",
        "四个一批合计 面积（亩）",
        "低效用地占比",
        "规上亩均税收（万元/亩）",
        "规上亩均增加值（万元/亩）",
    ]
    assert list(en.columns[3:5]) == [
        "Demolish and rebuild parcels",
        "Demolish and rebuild area (mu)",
    ]


def test_treatments_listed_in_the_policy_order_then_custom_codes():
    assert tuple(c for c in TREATMENT_ORDER if c != KEEP) == ACTION_TREATMENTS
    parcels = pd.DataFrame({"treatment": ["ZZZ", "EXIT", KEEP, None, "AAA"]})
    assert treatment_codes(parcels) == [*ACTION_TREATMENTS, "AAA", "ZZZ"]


def _old_sort_parcels(frame: pd.DataFrame) -> pd.DataFrame:
    # the definition before the order was computed once from the three keys
    keys = pd.DataFrame(
        {
            "_county": frame["county_code"].astype("string").fillna(""),
            "_area": pd.to_numeric(frame["area_mu"], errors="coerce").fillna(-1.0),
            "_id": frame["parcel_id"].astype("string").fillna(""),
        },
        index=frame.index,
    )
    order = keys.sort_values(
        ["_county", "_area", "_id"], ascending=[True, False, True], kind="stable"
    ).index
    return frame.loc[order]


def test_sort_parcels_ties_missing_and_unsorted_input():
    frame = pd.DataFrame(
        {
            "county_code": pd.array(["b", "a", None, "a", "a", "b", "a"], dtype="str"),
            "area_mu": [1.0, 2.0, 3.0, np.nan, 2.0, 1.0, 2.0],
            "parcel_id": pd.array(["p1", "p2", "p3", "p4", "p2", None, "p0"], dtype="str"),
            "tag": list("ABCDEFG"),  # tells tied rows apart: their input order stays
        },
        index=[10, 3, 7, 1, 0, 5, 2],
    )
    expected = _old_sort_parcels(frame)
    pd.testing.assert_frame_equal(sort_parcels(frame), expected, check_exact=True)
    assert list(sort_parcels(frame)["tag"]) == ["C", "G", "B", "E", "D", "F", "A"]
    rows = [6, 0, 4, 1]
    # a part of the rows sorts like the whole; ties keep their order
    assert list(sort_parcels(frame.iloc[rows])["tag"]) == ["G", "E", "B", "A"]
    assert sort_parcels(frame.iloc[:0]).empty


@pytest.mark.parametrize("seed", range(6))
def test_sort_parcels_equals_the_pandas_sort_on_random_keys(seed):
    # many ties, missing keys, signed zeros, infinities, text areas and non-ASCII codes:
    # the Arrow sort must give exactly the order pandas' stable sort_values gave
    rng = np.random.default_rng(seed)
    n = 3000
    counties = np.array(["330602", "330603", "33060a", "绍兴", "", "Z", "é"], dtype=object)
    county = counties[rng.integers(0, len(counties), n)].astype(object)
    county[rng.random(n) < 0.05] = None
    area = rng.choice([0.0, -0.0, 1.5, 2.25, np.inf, -np.inf, np.nan, 7.0, 1e-9], n)
    area = area.astype(object)
    area[rng.random(n) < 0.03] = "x"  # not a number: coerced to missing
    ids = rng.integers(0, 400, n).astype(str).astype(object)
    ids[rng.random(n) < 0.05] = None
    frame = pd.DataFrame(
        {
            "county_code": pd.array(county, dtype="str"),
            "area_mu": area,
            "parcel_id": pd.array(ids, dtype="str"),
            "tag": np.arange(n),
        },
        index=rng.permutation(n),
    )
    pd.testing.assert_frame_equal(sort_parcels(frame), _old_sort_parcels(frame), check_exact=True)


def test_firm_table_rows_of_the_year_in_order_with_missing_years():
    firms = pd.DataFrame(
        {
            "uscc": pd.array(["u3", "u1", "u2", "u1", "u4"], dtype="str"),
            "name": pd.array(["c", "a", "b", "a2", "d"], dtype="str"),
            "county_code": pd.array(["330602", "330602", None, "330603", "330602"], dtype="str"),
            "year": pd.array([2024, 2024, 2024, pd.NA, 2023], dtype="Int64"),
            "land_mu": [5.0, 5.0, 1.0, 9.0, 7.0],
            "class": pd.array(["A", "B", None, "C", "D"], dtype="str"),
            "tax_per_kwh": [0.001, np.nan, 0.002, 0.003, 0.004],
        },
        index=[4, 4, 2, 1, 0],  # duplicate labels: rows are taken by position
    )
    table = firm_table(firms, year=2024, county_names={"330602": "越城区"}, lang="zh")
    frame = table.frame
    assert list(frame.iloc[:, 0]) == ["u2", "u1", "u3"]  # blank county first, then u1 < u3
    counties = list(frame.iloc[:, 2])
    assert pd.isna(counties[0])
    assert counties[1:] == ["越城区", "越城区"]


def test_items_of_land_changes_only_and_of_parcels_not_evaluated(tables):
    from landeval.export._balance import items_table

    items = tables["balance_items"]
    changes = items[items["source"] != "parcel"]
    table = items_table(changes, parcel_eval=tables["parcel_eval"])
    assert len(table.frame) == len(changes)
    # the zoning stage names a parcel item's firm itself: kept without the parcels
    table = items_table(items, parcel_eval=tables["parcel_eval"].iloc[:0])
    named = table.frame.set_index("项目编号")["主要用地企业"]
    assert named["-330602001001GB00005"] == "越城五金厂"
    assert named.drop("-330602001001GB00005").isna().all()
    # an items table without the firm takes it from the parcel; of a parcel not among the
    # evaluated parcels, it names no firm
    bare = items.drop(columns=["main_name", "reason_zh"])
    table = items_table(bare, parcel_eval=tables["parcel_eval"])
    named = table.frame.set_index("项目编号")["主要用地企业"]
    assert named["-330602001001GB00005"] == "越城五金厂"
    table = items_table(bare, parcel_eval=tables["parcel_eval"].iloc[:0])
    assert table.frame["主要用地企业"].isna().all()

"""Tests of landeval.report._figures: the report's numbers, from hand-computed tables."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.report import report_figures
from landeval.report._figures import _top_parcels
from landeval.vocabulary import TREATMENT_ORDER
from tests._fixtures_results import YEAR, results


def test_figures_hand_computed(config):
    f = report_figures(results(), year=YEAR, config=config)
    assert f.totals["parcels"] == 10
    assert f.totals["area_mu"] == pytest.approx(230.0)
    assert f.totals["firms"] == 6
    assert f.totals["firms_evaluated"] == 5
    assert f.totals["action_parcels"] == 8
    assert f.totals["action_area_mu"] == pytest.approx(155.0)
    classes = {r["code"]: (r["firms"], r["area_mu"]) for r in f.class_rows}
    assert classes["A"] == (1, pytest.approx(75.0))
    assert classes["B"] == (2, pytest.approx(20.0))
    assert classes["C"] == (1, pytest.approx(52.0))
    assert classes["D"] == (1, pytest.approx(75.0))
    assert classes["T"] == (1, pytest.approx(0.0))
    assert classes["-"] == (0, pytest.approx(8.0))
    low = {r["county_code"]: r for r in f.low_eff_rows}
    assert low["330602"]["by_tier"] == pytest.approx({"2": 30.0, "6": 12.0, "N": 0.0, "": 30.0})
    assert low["330603"]["by_tier"] == pytest.approx({"2": 45.0, "6": 0.0, "N": 8.0, "": 0.0})
    assert low["330604"]["by_tier"] == pytest.approx({"2": 0.0, "6": 5.0, "N": 25.0, "": 0.0})
    assert low[""]["total"] == pytest.approx(155.0)
    treat = {r["county_code"]: r for r in f.treatment_rows}
    assert treat["330602"]["parcels"] == {"REBUILD": 1, "UPGRADE": 2, "CONVERT": 1, "EXIT": 0}
    assert treat["330603"]["area"] == pytest.approx(
        {"REBUILD": 0.0, "UPGRADE": 45.0, "CONVERT": 0.0, "EXIT": 8.0}
    )
    assert [r["balanced"] for r in f.balance_rows] == [True, False, True, False]
    assert [r["is_total"] for r in f.balance_rows] == [False, False, False, True]
    assert f.totals["counties_balanced"] == 2
    assert f.totals["counties_in_ledger"] == 3
    city = f.trend_rows[0]
    assert city["level"] == "city"
    assert city["values"] == [100.0, 108.0, 118.0, 128.0]
    assert city["cagr"] == pytest.approx(1.28 ** (1 / 3) - 1)
    assert city["meets"] is True
    assert [r["meets"] for r in f.trend_rows[1:]] == [False, True, False]
    assert [p["area_mu"] for p in f.top_parcels[:3]] == pytest.approx([45.0, 30.0, 25.0])


def test_treatments_in_the_policy_order(config):
    f = report_figures(results(), year=YEAR, config=config, lang="en")
    assert f.treatment_codes == [c for c in TREATMENT_ORDER if c != "KEEP"]
    assert f.treatment_names[0] == "Demolish and rebuild"
    assert f.low_eff_rows[-1]["name"] == "City total"


def test_trend_cagr_computed_when_missing(config):
    tables = results()
    tables["trends"] = tables["trends"].drop(columns=["va_cagr", "meets_target"])
    f = report_figures(tables, year=YEAR, config=config)
    assert f.trend_rows[0]["cagr"] == pytest.approx(1.28 ** (1 / 3) - 1)
    assert f.trend_rows[0]["meets"] is True


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 9, 20])
def test_top_parcels_ties_at_the_cut_keep_the_full_sort_order(n):
    # areas tie across the n-th place, ids tie too (input order decides), one area missing
    actions = pd.DataFrame(
        {
            "parcel_id": ["p5", "p1", "p3", "p2", "p1", "p4", "p0", "p9", "p8"],
            "area_mu": [2.0, 5.0, 2.0, 2.0, 2.0, None, 7.0, 2.0, 1.0],
            "county_code": ["a", "b", "a", "a", "c", "a", "b", "a", "a"],
            "treatment": ["EXIT"] * 9,
        },
        index=[8, 7, 6, 5, 4, 3, 2, 1, 0],
    )
    keys = pd.DataFrame(
        {"_a": actions["area_mu"].fillna(0.0), "_id": actions["parcel_id"]}, index=actions.index
    ).sort_values(["_a", "_id"], ascending=[False, True], kind="stable")
    expected = actions.loc[keys.index[:n]]
    top = _top_parcels(actions, {}, "zh", n=n)
    assert [r["parcel_id"] for r in top] == list(expected["parcel_id"])
    assert [r["county"] for r in top] == list(expected["county_code"])

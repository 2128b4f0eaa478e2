"""Tests of landeval.report._figures: the report's numbers, from hand-computed tables."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.report import report_figures
from landeval.report._figures import _top_parcels, conclusion
from landeval.vocabulary import TREATMENT_ORDER
from tests._fixtures_results import YEAR, contract_results, results


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
    # the city's above-scale figures of the evaluation year: 12.8 and 128 万元/亩
    assert f.city["tax_per_mu"] == pytest.approx(12.8)
    assert f.city["va_per_mu"] == pytest.approx(128.0)
    assert f.city["cagr"] == pytest.approx(1.28 ** (1 / 3) - 1)
    assert f.city["meets"] is True
    treatments = {r["code"]: (r["parcels"], r["area_mu"]) for r in f.treatment_totals}
    assert treatments == {
        "REBUILD": (2, pytest.approx(35.0)),
        "UPGRADE": (3, pytest.approx(67.0)),
        "CONVERT": (1, pytest.approx(20.0)),
        "EXIT": (2, pytest.approx(33.0)),
    }
    assert f.totals["counties_balanced"] == 2
    assert f.totals["counties_in_ledger"] == 3
    assert [p["area_mu"] for p in f.top_parcels[:3]] == pytest.approx([45.0, 30.0, 25.0])


def test_counties_ranked_by_value_added_per_mu(config):
    f = report_figures(results(), year=YEAR, config=config)
    rows = f.county_rows
    # 越城 135, 上虞 104, 柯桥 104 (a tie shares the place), then the city's row
    assert [r["name"] for r in rows] == ["越城区", "上虞区", "柯桥区", "全市合计"]
    assert [r["rank"] for r in rows] == [1, 2, 2, None]
    yc = rows[0]
    assert yc["va_per_mu"] == pytest.approx(135.0) and yc["tax_per_mu"] == pytest.approx(13.5)
    assert yc["area_mu"] == pytest.approx(72.0 + 0.0)  # 越城's parcels are all on the lists
    assert yc["low_mu"] == pytest.approx(72.0) and yc["low_share"] == pytest.approx(1.0)
    assert (yc["balance_mu"], yc["balanced"]) == (pytest.approx(3.5), True)
    kq = next(r for r in rows if r["name"] == "柯桥区")
    assert (kq["balance_mu"], kq["balanced"]) == (pytest.approx(-6.0), False)
    assert kq["meets"] is True and yc["meets"] is False
    city = rows[-1]
    assert city["is_total"] and city["area_mu"] == pytest.approx(230.0)
    assert city["low_share"] == pytest.approx(155.0 / 230.0)


def test_platforms_ranked_and_cut_in_the_middle(config):
    tables = results()
    summary = tables["platform_summary"]
    many = pd.concat([summary] * 6, ignore_index=True)
    many["name"] = [f"平台{i:02d}" for i in range(len(many))]
    many["va_per_mu"] = [float(100 + i) for i in range(len(many))]
    tables["platform_summary"] = many
    f = report_figures(tables, year=YEAR, config=config)
    assert f.platform_count == 12
    shown = [r["name"] for r in f.platform_rows]
    assert shown == [
        "平台11",
        "平台10",
        "平台09",
        "平台08",
        "",
        "平台03",
        "平台02",
        "平台01",
        "平台00",
    ]
    assert [r["rank"] for r in f.platform_rows] == [1, 2, 3, 4, None, 9, 10, 11, 12]
    assert f.platform_rows[4]["gap"]


def test_conclusion_states_the_figures_and_who_leads(config):
    f = report_figures(results(), year=YEAR, config=config)
    text = f.conclusion
    assert text.startswith("2024年，全市规上工业亩均税收 12.80 万元/亩、亩均增加值 128.00 万元/亩")
    assert "年均增长 8.6%，达到年均 8.5% 的目标" in text
    assert "低效工业用地 155.0 亩，占工业用地的 67.4%" in text
    assert "改一补一 2 个县（市、区）平衡，柯桥区缺口 6.0 亩" in text
    assert "越城区居首，柯桥区末位" in text
    en = conclusion(
        report_figures(results(), year=YEAR, config=config, lang="en"), year=YEAR, lang="en"
    )
    assert en.startswith("In 2024, above-scale firms paid 12.80")


def test_treatments_in_the_policy_order(config):
    f = report_figures(results(), year=YEAR, config=config, lang="en")
    assert f.treatment_codes == [c for c in TREATMENT_ORDER if c != "KEEP"]
    assert f.treatment_names[0] == "Demolish and rebuild"
    assert f.county_rows[-1]["name"] == "City total"


def test_trend_cagr_computed_when_missing(config):
    tables = results()
    tables["trends"] = tables["trends"].drop(columns=["va_cagr", "meets_target"])
    f = report_figures(tables, year=YEAR, config=config)
    assert f.trend_rows[0]["cagr"] == pytest.approx(1.28 ** (1 / 3) - 1)
    assert f.trend_rows[0]["meets"] is True
    assert f.city["cagr"] == pytest.approx(1.28 ** (1 / 3) - 1)


def test_the_demo_is_marked_synthetic(config, demo_dir):
    assert not report_figures(results(), year=YEAR, config=config).synthetic
    demo = config.model_copy(update={"project_dir": demo_dir})
    assert report_figures(results(), year=YEAR, config=demo).synthetic


def test_a_closed_occupant_shows_its_status(config):
    f = report_figures(contract_results(), year=YEAR, config=config)
    by_id = {p["parcel_id"]: p for p in f.top_parcels}
    assert (
        by_id["330603001001GB00004"]["class"] == "注销" if "330603001001GB00004" in by_id else True
    )


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

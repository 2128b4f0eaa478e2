"""Tests of landeval.report: the one-page report.html."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from landeval.config import default_config
from landeval.report import render_report, report_figures, write_report
from landeval.report._figures import _top_parcels
from tests._fixtures_results import XSS_NAME, YEAR, results


@pytest.fixture(scope="module")
def config():
    return default_config()


@pytest.fixture(scope="module")
def html(config, tmp_path_factory):
    path = write_report(
        results(), tmp_path_factory.mktemp("report") / "report.html", year=YEAR, config=config
    )
    return path.read_text(encoding="utf-8")


def test_input_text_is_escaped(html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS_NAME not in html
    assert "<script" not in html.lower()  # neither from input nor from the page itself


def test_self_contained_and_printable(html):
    # nothing fetched: no scripts, links, images, imports or url() references
    for pattern in (r"<link\b", r"<img\b", r"\bsrc=", r"@import", r"url\("):
        assert not re.search(pattern, html, flags=re.IGNORECASE), pattern
    assert "@page { size: A4" in html
    assert "@media print" in html
    assert html.count("<svg") == 5
    assert '<html lang="zh-CN">' in html


def test_report_contains_the_numbers(html):
    assert "绍兴市工业用地亩均效益评价报告（2024年度）" in html
    # totals: 10 parcels, 230 mu, 5 of 6 firms evaluated, 8 parcels / 155 mu on the list
    assert '<div class="v">10</div>' in html
    assert '<div class="v">230.0</div>' in html
    assert '<div class="v">5</div>' in html
    assert "企业总数 6" in html
    assert '<div class="v">155.0</div>' in html
    assert "8 宗，67.4%" in html  # 155 / 230
    assert '<div class="v">2 / 3</div>' in html  # counties balanced
    # treatments, city row: REBUILD 2/35, UPGRADE 3/67, CONVERT 1/20, EXIT 2/33, total 8/155
    for cell in ("2 / 35.0", "3 / 67.0", "1 / 20.0", "2 / 33.0", "8 / 155.0"):
        assert cell in html
    # balance: 越城 +3.50, 柯桥 -6.00 short
    assert "+3.50" in html
    assert "-6.00" in html
    assert "-2.50" in html  # the city row
    assert "缺口" in html
    # trend: city 100 → 128, CAGR 8.6 % meets the 8.5 % target; 越城 4.0 % does not
    assert "8.5%" in html
    assert "8.6%" in html
    assert "4.0%" in html


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


def test_english_report(config):
    page = render_report(results(), lang="en", year=YEAR, config=config)
    assert '<html lang="en">' in page
    assert "Shut down and exit" in page
    assert "&lt;script&gt;" in page


def test_report_with_missing_tables(config, tmp_path):
    path = write_report({}, tmp_path / "r.html", year=YEAR, config=config)
    page = path.read_text(encoding="utf-8")
    assert page.count("无数据") == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_trend_cagr_computed_when_missing(config):
    tables = results()
    tables["trends"] = tables["trends"].drop(columns=["va_cagr", "meets_target"])
    f = report_figures(tables, year=YEAR, config=config)
    assert f.trend_rows[0]["cagr"] == pytest.approx(1.28 ** (1 / 3) - 1)
    assert f.trend_rows[0]["meets"] is True


def test_report_does_not_mutate_inputs(config):
    tables = results()
    before = {k: v.copy(deep=True) for k, v in tables.items()}
    render_report(tables, year=YEAR, config=config)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])


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

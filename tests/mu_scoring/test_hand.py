"""A hand-computed per-mu evaluation (DESIGN §5), every number written out by hand.

Year 2023, default configuration but for the benchmark, which here is the "mean" option (the
mean of the group's values; the default "aggregate" ratio of sums is worked by hand in
test_benchmarks.py): weights 30/20/20/10/10/10, cap 2, below-scale 50/50, groups county ×
scale. 1 mu = 666.67 m², so 20000 m² = 30 mu, 10000 m² = 15 mu,
6000 m² = 9 mu, 4000 m² = 6 mu, 2000 m² = 3 mu, 1200 m² = 1.8 mu.

Group 330602|above — A1..A5 evaluated (A6 started 2023: class T):
  A1, A2 identical: 30 mu each (P1, P2); A3 15 mu (P3); A4 owns P4 (15 mu) and leases
  4000 m² (6 mu) of it to A5, so A4 holds 9 mu and A5 6 mu. A5 has no emission figure.

  indicator        A1     A2     A3     A4     A5     mean (benchmark)
  tax_per_mu       12     12     21     3      2      50/5 = 10
  va_per_mu        50     50     40     40     20     200/5 = 40
  va_per_energy    2      2      3      1      2      10/5 = 2
  va_per_emission  30     30     10     10     —      80/4 = 20
  va_per_employee  5      5      6      2      2      20/5 = 4
  rd_intensity     .03    .03    .02    .012   .008   .10/5 = .02

  sub-scores (weight × min(value/bench, 2)):
  tax 30×: 36, 36, 60 (2.1 capped at 2), 9, 6
  va  20×: 25, 25, 20, 20, 10
  energy 20×: 20, 20, 30, 10, 20
  emission 10×: 15, 15, 5, 5, and A5 missing → mean of (15, 15, 5, 5) = 10
  employee 10×: 12.5, 12.5, 15, 5, 5
  rd 10×: 15, 15, 10, 6, 4
  scores: A1 123.5, A2 123.5, A3 140, A4 55, A5 55
  ranks (ties → smallest): A3 1, A1 2, A2 2, A4 4, A5 4; n = 5
  p: A3 0.2 → A; A1, A2 0.4 → B; A4, A5 0.8 → B (the tie on the B/C boundary: without the
  tie rule one of them would be rank 5, p = 1.0, class D). A1 is on the negative list → D.

Group 330603|above — B1 on two parcels (Q1 30 mu + Q2 15 mu = 45 mu), B2 30 mu (Q3):
  indicator        B1     B2     mean
  tax_per_mu       20     10     15     subs 30×(4/3)=40, 30×(2/3)=20
  va_per_mu        60     20     40     subs 30, 10
  va_per_energy    3      1      2      subs 30, 10
  va_per_emission  30     10     20     subs 15, 5
  va_per_employee  9      3      6      subs 15, 5
  rd_intensity     .04    0      .02    subs 20 (ratio 2 = cap), 0
  scores B1 150 (rank 1, p .5 → B), B2 50 (rank 2, p 1 → D)

Group 330603|below — C1 6 mu, C2 6 mu, C3 3 mu (exactly the threshold); C4 1.8 mu → T:
  tax_per_mu    8, 4, 3                       mean 5     subs 50×: 80, 40, 30
  tax_per_kwh   1.2e-4, 0.8e-4, 0.4e-4        mean 0.8e-4 subs 50×: 75, 50, 25
  scores 155, 90, 55; ranks 1, 2, 3 of 3; p 1/3, 2/3 → B, B; p 1 → D
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.config import default_config, load_config
from landeval.inputs.model import RESULT_COLUMNS
from landeval.mu_scoring import ScoringResult, compute_trends, evaluate_firms, trend_regions

NAN = float("nan")


def _table(columns: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def hand_inputs() -> dict[str, pd.DataFrame]:
    parcels = _table(
        "parcel_id county_code area_m2",
        [
            ("P1", "330602", 20000.0),
            ("P2", "330602", 20000.0),
            ("P3", "330602", 10000.0),
            ("P4", "330602", 10000.0),
            ("P5", "330602", 6000.0),
            ("Q1", "330603", 20000.0),
            ("Q2", "330603", 10000.0),
            ("Q3", "330603", 20000.0),
            ("Q4", "330603", 4000.0),
            ("Q5", "330603", 4000.0),
            ("Q6", "330603", 2000.0),
            ("Q7", "330603", 1200.0),
            ("Q8", "330603", 6000.0),
        ],
    )
    parcels["area_mu"] = parcels["area_m2"] / (10000 / 15)
    firms = _table(
        "uscc name industry_code county_code scale start_year",
        [
            ("A1", "甲纺织", "C17", "330602", "above", 2010),
            ("A2", "乙纺织", "C17", "330602", "above", 2010),
            ("A3", "丙化工", "C26", "330602", "above", 2005),
            ("A4", "丁机械", "C34", "330602", "above", 2012),
            ("A5", "戊电子", "C39", "330602", "above", 2018),
            ("A6", "己新材", "C28", "330602", "above", 2023),
            ("B1", "庚印染", "C17", "330603", "above", 2008),
            ("B2", "辛化纤", "C28", "330603", "above", 2015),
            ("C1", "壬袜业", "C17", "330603", "below", 2016),
            ("C2", "癸五金", "C33", "330603", "below", 2017),
            ("C3", "子塑料", "C29", "330603", "below", 2019),
            ("C4", "丑服饰", "C18", "330603", "below", 2020),
        ],
    )
    occupancy = _table(
        "uscc parcel_id relation area_m2 from_year to_year",
        [
            ("A1", "P1", "own", NAN, None, None),
            ("A2", "P2", "own", NAN, None, None),
            ("A3", "P3", "own", NAN, None, None),
            ("A4", "P4", "own", NAN, None, None),
            ("A5", "P4", "lease", 4000.0, None, None),  # part of A4's parcel
            ("A6", "P5", "own", NAN, None, None),
            ("B1", "Q1", "own", NAN, None, None),  # B1 on two parcels
            ("B1", "Q2", "own", NAN, None, None),
            ("B2", "Q3", "own", NAN, None, None),
            ("C1", "Q4", "own", NAN, None, None),
            ("C2", "Q5", "own", NAN, None, None),
            ("C3", "Q6", "own", NAN, None, None),
            ("C4", "Q7", "own", NAN, None, None),
            # B2 held Q8 until 2022: not in 2023, so Q8 is unused in the evaluation year.
            ("B2", "Q8", "own", NAN, 2015, 2022),
        ],
    )
    firm_tax = _table(
        "uscc year tax electricity_kwh",
        [
            ("A1", 2023, 360.0, NAN),
            ("A2", 2023, 360.0, NAN),
            ("A3", 2023, 315.0, NAN),
            ("A4", 2023, 27.0, NAN),
            ("A5", 2023, 12.0, NAN),
            ("A6", 2023, 50.0, NAN),
            ("B1", 2023, 900.0, NAN),
            ("B2", 2023, 300.0, NAN),
            ("C1", 2023, 48.0, 400000.0),
            ("C2", 2023, 24.0, 300000.0),
            ("C3", 2023, 9.0, 225000.0),
            ("C4", 2023, 10.0, 100000.0),
        ],
    )
    # C4 reports to the tax bureau only: a TAX_WITHOUT_OUTPUT warning. A5 has no emissions.
    firm_output = _table(
        "uscc year value_added revenue rd_expense energy_tce emissions_eq employees",
        [
            ("A1", 2023, 1500.0, 5000.0, 150.0, 750.0, 50.0, 300.0),
            ("A2", 2023, 1500.0, 5000.0, 150.0, 750.0, 50.0, 300.0),
            ("A3", 2023, 600.0, 3000.0, 60.0, 200.0, 60.0, 100.0),
            ("A4", 2023, 360.0, 3600.0, 43.2, 360.0, 36.0, 180.0),
            ("A5", 2023, 120.0, 1200.0, 9.6, 60.0, NAN, 60.0),
            ("A6", 2023, 100.0, 500.0, 5.0, 50.0, 10.0, 20.0),
            ("B1", 2023, 2700.0, 10000.0, 400.0, 900.0, 90.0, 300.0),
            ("B2", 2023, 600.0, 2000.0, 0.0, 600.0, 60.0, 200.0),
            ("C1", 2023, 60.0, NAN, NAN, NAN, NAN, NAN),
            ("C2", 2023, 30.0, NAN, NAN, NAN, NAN, NAN),
            ("C3", 2023, 12.0, NAN, NAN, NAN, NAN, NAN),
        ],
    )
    veto = pd.DataFrame({"uscc": ["A1"], "year": [2023], "reason": ["环保处罚"]})
    return {
        "parcels": parcels,
        "firms": firms,
        "firm_tax": firm_tax,
        "firm_output": firm_output,
        "occupancy": occupancy,
        "veto": veto,
    }


def mean_config():
    """The defaults with the "mean" benchmark, which the numbers above use."""
    return load_config(None, scoring={"benchmark": "mean"})


@pytest.fixture(scope="module")
def result() -> ScoringResult:
    return evaluate_firms(**hand_inputs(), config=mean_config())


def _row(result: ScoringResult, uscc: str) -> pd.Series:
    fs = result.firm_scores
    rows = fs[(fs["uscc"] == uscc) & (fs["year"] == 2023)]
    assert len(rows) == 1
    return rows.iloc[0]


# uscc: land_mu, tax_per_mu, va_per_mu, va_per_energy, va_per_emission, va_per_employee,
#       rd_intensity
INDICATORS = {
    "A1": (30, 12, 50, 2, 30, 5, 0.03),
    "A2": (30, 12, 50, 2, 30, 5, 0.03),
    "A3": (15, 21, 40, 3, 10, 6, 0.02),
    "A4": (9, 3, 40, 1, 10, 2, 0.012),
    "A5": (6, 2, 20, 2, NAN, 2, 0.008),
    "A6": (9, 50 / 9, 100 / 9, 2, 10, 5, 0.01),
    "B1": (45, 20, 60, 3, 30, 9, 0.04),
    "B2": (30, 10, 20, 1, 10, 3, 0.0),
}
IND_NAMES = [
    "land_mu",
    "tax_per_mu",
    "va_per_mu",
    "va_per_energy",
    "va_per_emission",
    "va_per_employee",
    "rd_intensity",
]

# uscc: sub-scores (tax, va, energy, emission, employee, rd), score, rank, n, class
ABOVE = {
    "A1": ((36, 25, 20, 15, 12.5, 15), 123.5, 2, 5, "D"),
    "A2": ((36, 25, 20, 15, 12.5, 15), 123.5, 2, 5, "B"),
    "A3": ((60, 20, 30, 5, 15, 10), 140.0, 1, 5, "A"),
    "A4": ((9, 20, 10, 5, 5, 6), 55.0, 4, 5, "B"),
    "A5": ((6, 10, 20, 10, 5, 4), 55.0, 4, 5, "B"),
    "B1": ((40, 30, 30, 15, 15, 20), 150.0, 1, 2, "B"),
    "B2": ((20, 10, 10, 5, 5, 0), 50.0, 2, 2, "D"),
}
SUBS = [
    "sub_tax_per_mu",
    "sub_va_per_mu",
    "sub_va_per_energy",
    "sub_va_per_emission",
    "sub_va_per_employee",
    "sub_rd_intensity",
]
BENCH = {
    "330602|above": (10, 40, 2, 20, 4, 0.02),
    "330603|above": (15, 40, 2, 20, 6, 0.02),
}

# uscc: land_mu, tax_per_mu, tax_per_kwh, sub_tax_per_mu, sub_tax_per_kwh, score, rank, class
BELOW = {
    "C1": (6, 8, 1.2e-4, 80, 75, 155.0, 1, "B"),
    "C2": (6, 4, 0.8e-4, 40, 50, 90.0, 2, "B"),
    "C3": (3, 3, 0.4e-4, 30, 25, 55.0, 3, "D"),
}


def test_columns_and_rows(result):
    fs = result.firm_scores
    assert list(fs.columns[: len(RESULT_COLUMNS["firm_scores"])]) == RESULT_COLUMNS["firm_scores"]
    assert sorted(fs["uscc"]) == sorted(
        ["A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "C1", "C2", "C3", "C4"]
    )
    for name in ("allocation", "parcel_scores"):
        frame = getattr(result, name)
        assert list(frame.columns[: len(RESULT_COLUMNS[name])]) == RESULT_COLUMNS[name]


@pytest.mark.parametrize("uscc", sorted(INDICATORS))
def test_indicators(result, uscc):
    row = _row(result, uscc)
    for name, expected in zip(IND_NAMES, INDICATORS[uscc], strict=True):
        if np.isnan(expected):
            assert np.isnan(row[name]), name
        else:
            assert row[name] == pytest.approx(expected, rel=1e-12), name


@pytest.mark.parametrize("uscc", sorted(ABOVE))
def test_above_scale_scores_and_classes(result, uscc):
    row = _row(result, uscc)
    subs, score, rank, n, cls = ABOVE[uscc]
    assert row["group"] == ("330602|above" if uscc.startswith("A") else "330603|above")
    for name, expected in zip(SUBS, subs, strict=True):
        assert row[name] == pytest.approx(expected, rel=1e-9), name
    bench = BENCH[row["group"]]
    for name, expected in zip(SUBS, bench, strict=True):
        assert row[name.replace("sub_", "bench_")] == pytest.approx(expected, rel=1e-12)
    assert np.isnan(row["bench_tax_per_kwh"])
    assert np.isnan(row["sub_tax_per_kwh"])
    assert row["score"] == pytest.approx(score, rel=1e-12)
    assert row["rank"] == rank
    assert row["n_in_group"] == n
    assert row["class"] == cls
    assert bool(row["evaluated"]) is True


@pytest.mark.parametrize("uscc", sorted(BELOW))
def test_below_scale_scores_and_classes(result, uscc):
    row = _row(result, uscc)
    land, tpm, tpk, sub_mu, sub_kwh, score, rank, cls = BELOW[uscc]
    assert row["group"] == "330603|below"
    assert row["land_mu"] == pytest.approx(land, rel=1e-12)
    assert row["tax_per_mu"] == pytest.approx(tpm, rel=1e-12)
    assert row["tax_per_kwh"] == pytest.approx(tpk, rel=1e-12)
    assert row["bench_tax_per_mu"] == pytest.approx(5, rel=1e-12)
    assert row["bench_tax_per_kwh"] == pytest.approx(0.8e-4, rel=1e-12)
    assert row["sub_tax_per_mu"] == pytest.approx(sub_mu, rel=1e-9)
    assert row["sub_tax_per_kwh"] == pytest.approx(sub_kwh, rel=1e-9)
    for name in SUBS[1:]:
        assert np.isnan(row[name]), name
    assert row["score"] == pytest.approx(score, rel=1e-12)
    assert row["rank"] == rank
    assert row["n_in_group"] == 3
    assert row["class"] == cls


def test_class_reasons(result):
    assert _row(result, "A3")["class_reason"] == "得分140.0，组内排名1/5（前20.0%），A类"
    assert _row(result, "A2")["class_reason"] == "得分123.5，组内排名2/5（前40.0%），B类"
    assert _row(result, "A1")["class_reason"] == (
        "得分123.5，组内排名2/5（前40.0%），列入负面清单（环保处罚），定为D类"
    )
    assert _row(result, "A1")["veto_reason"] == "环保处罚"
    assert _row(result, "A5")["class_reason"] == "得分55.0，组内排名4/5（前80.0%），B类"
    assert _row(result, "B2")["class_reason"] == "得分50.0，组内排名2/2（前100.0%），D类"
    assert _row(result, "C1")["class_reason"] == "得分155.0，组内排名1/3（前33.3%），B类"


def test_known_weight_share(result):
    # A5 lacks its emissions (weight 10 of 100); C4 (below scale) knows both tax indicators.
    assert _row(result, "A5")["known_weight_share"] == pytest.approx(0.9)
    assert _row(result, "A1")["known_weight_share"] == pytest.approx(1.0)
    assert _row(result, "C4")["known_weight_share"] == pytest.approx(1.0)


def test_not_evaluated(result):
    a6 = _row(result, "A6")
    assert a6["class"] == "T"
    assert bool(a6["evaluated"]) is False
    assert a6["class_reason"] == "新投产企业（2023年投产），不参评"
    assert np.isnan(a6["score"])
    assert pd.isna(a6["rank"])
    assert np.isnan(a6["bench_tax_per_mu"])
    c4 = _row(result, "C4")
    assert c4["class"] == "T"
    assert c4["land_mu"] == pytest.approx(1.8, rel=1e-12)
    assert c4["class_reason"] == "规下企业用地不足3亩，不参评"
    assert np.isnan(c4["value_added"])
    assert bool(c4["has_tax"]) is True
    assert bool(c4["has_output"]) is False


def test_findings(result):
    f = result.findings
    codes = sorted(f["code"])
    assert codes == ["TAX_WITHOUT_OUTPUT"]
    row = f.iloc[0]
    assert (row["severity"], row["row_id"], row["layer"]) == ("warning", "C4", "firm_output")


def test_firm_scores_sorted(result):
    fs = result.firm_scores
    assert fs["uscc"].tolist() == [
        "A3", "A1", "A2", "A4", "A5", "A6",
        "B1", "B2",
        "C1", "C2", "C3", "C4",
    ]  # fmt: skip


def test_allocation(result):
    al = result.allocation.set_index(["uscc", "parcel_id"])
    assert al.loc[("A4", "P4"), "land_m2"] == pytest.approx(6000.0)
    assert al.loc[("A5", "P4"), "land_m2"] == pytest.approx(4000.0)
    assert al.loc[("A5", "P4"), "relation"] == "lease"
    assert al.loc[("B1", "Q1"), "share"] == pytest.approx(2 / 3)
    assert al.loc[("B1", "Q2"), "share"] == pytest.approx(1 / 3)
    assert al.loc[("B1", "Q1"), "tax"] == pytest.approx(600.0)
    assert al.loc[("B1", "Q2"), "tax"] == pytest.approx(300.0)
    assert al.loc[("B1", "Q1"), "value_added"] == pytest.approx(1800.0)
    assert al.loc[("B1", "Q2"), "value_added"] == pytest.approx(900.0)
    assert ("B2", "Q8") not in al.index  # the 2015–2022 occupancy has ended
    assert len(al) == 13


def test_parcel_scores(result):
    ps = result.parcel_scores.set_index("parcel_id")
    assert ps.index.tolist() == [*(f"P{i}" for i in range(1, 6)), *(f"Q{i}" for i in range(1, 9))]
    p4 = ps.loc["P4"]
    assert p4["occupants"] == "A4;A5"
    assert p4["occupant_names"] == "丁机械;戊电子"
    assert p4["n_occupants"] == 2
    assert p4["main_uscc"] == "A4"
    assert p4["main_industry"] == "C34"
    assert p4["class"] == "B"
    assert p4["tax"] == pytest.approx(39.0)  # 27 + 12
    assert p4["tax_per_mu"] == pytest.approx(2.6)  # 39 / 15
    assert p4["value_added"] == pytest.approx(480.0)  # 360 + 120
    assert p4["va_per_mu"] == pytest.approx(32.0)
    assert p4["occupied_m2"] == pytest.approx(10000.0)
    assert p4["unused_m2"] == pytest.approx(0.0)
    q1 = ps.loc["Q1"]
    assert (q1["tax_per_mu"], q1["va_per_mu"], q1["class"]) == (
        pytest.approx(20.0),
        pytest.approx(60.0),
        "B",
    )
    assert ps.loc["Q2", "tax_per_mu"] == pytest.approx(20.0)
    assert ps.loc["P1", "class"] == "D"  # A1, vetoed
    assert ps.loc["P5", "class"] == "T"  # A6, new
    assert ps.loc["Q7", "tax_per_mu"] == pytest.approx(10 / 1.8)
    # C4 has no statistics row: Q7's value added is missing, not 0, and none of it is known.
    assert np.isnan(ps.loc["Q7", "value_added"])
    assert np.isnan(ps.loc["Q7", "va_per_mu"])
    assert ps.loc["Q7", "known_share"] == 0.0
    assert p4["known_share"] == 1.0
    q8 = ps.loc["Q8"]
    assert q8["n_occupants"] == 0
    assert pd.isna(q8["class"])
    assert pd.isna(q8["occupants"])
    assert q8["tax"] == 0.0
    assert q8["unused_m2"] == pytest.approx(6000.0)
    assert q8["known_share"] == 1.0  # nobody there: nothing unknown
    assert q8["area_mu"] == pytest.approx(9.0)


def test_conservation(result):
    fs = result.firm_scores
    with_land = fs[fs["land_m2"] > 0]
    assert result.parcel_scores["tax"].sum() == pytest.approx(with_land["tax"].sum())
    assert result.parcel_scores["tax"].sum() == pytest.approx(
        2415.0
    )  # 1124 (330602) + 1200 (330603 above) + 91 (below)


def test_trends(result):
    config = default_config()
    regions = trend_regions(hand_inputs()["parcels"], city=config.project.city)
    trends = compute_trends(
        result.allocation, regions=regions, target_growth=config.trends.target_growth
    )
    assert list(trends.columns) == RESULT_COLUMNS["trends"]
    tr = trends.set_index(["level", "region_id"])
    # 330602 above-scale: land 30+30+15+9+6+9 = 99 mu, value added 4180, tax 1124.
    row = tr.loc[("county", "330602")]
    assert row["land_mu"] == pytest.approx(99.0)
    assert row["value_added"] == pytest.approx(4180.0)
    assert row["va_per_mu"] == pytest.approx(4180 / 99)
    assert row["tax_per_mu"] == pytest.approx(1124 / 99)
    # 330603 above-scale: 75 mu, value added 3300 → 44 per mu.
    assert tr.loc[("county", "330603"), "va_per_mu"] == pytest.approx(44.0)
    city = tr.loc[("city", "绍兴市")]
    assert city["land_mu"] == pytest.approx(174.0)
    assert city["va_per_mu"] == pytest.approx(7480 / 174)
    assert np.isnan(city["va_cagr"])
    assert pd.isna(city["meets_target"])

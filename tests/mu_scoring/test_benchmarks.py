"""Benchmarks, zeros and missing data (DESIGN §5), worked by hand on small groups.

Group 330602|below (weights 50 tax_per_mu, 50 tax_per_kwh; cap 2), year 2023, four firms of
10 mu each. F4 reports a tiny electricity use (100 kWh): its tax per kWh, 0.2 万元/kWh
(2,000 元/kWh), is an outlier 2,000 times the others'.

    firm  tax (万元)  kWh        tax_per_mu  tax_per_kwh (万元/kWh)
    F1    50         400,000    5           1.25e-4
    F2    30         300,000    3           1.0e-4
    F3    20         200,000    2           1.0e-4
    F4    20         100        2           0.2

Benchmarks of tax_per_kwh under each option:
    aggregate  Σ tax / Σ kWh = 120 / 900,100           ≈ 1.3332e-4
    mean       (1.25e-4 + 1e-4 + 1e-4 + 0.2) / 4        ≈ 0.05008
    median     (1e-4 + 1.25e-4) / 2                     = 1.125e-4
    fixed      1.0e-4 (from the project's table)
Under "mean" the outlier makes every other firm's kWh sub-score almost 0 (F1: 50 × 1.25e-4 /
0.05008 ≈ 0.12); under the other options F1 scores 50 × 1.25e-4 / benchmark, capped at 100.
tax_per_mu: aggregate 120 / 40 = 3, mean 3, median 2.5, fixed 4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.config import load_config
from landeval.mu_scoring import evaluate_firms

MU = 10000 / 15
NAN = float("nan")


def _inputs(firms: list[tuple], tax: list[tuple], output: list[tuple]) -> dict:
    """Inputs for firms (uscc, county, scale, mu) each on a parcel of its own."""
    parcels = pd.DataFrame(
        {
            "parcel_id": [f"P{u}" for u, *_ in firms],
            "county_code": [c for _, c, *_ in firms],
            "area_m2": [mu * MU for *_, mu in firms],
        }
    )
    registry = pd.DataFrame(
        {
            "uscc": [u for u, *_ in firms],
            "name": [f"企业{u}" for u, *_ in firms],
            "industry_code": "C33",
            "county_code": [c for _, c, *_ in firms],
            "scale": [s for _, _, s, _ in firms],
            "start_year": 2010,
        }
    )
    occupancy = pd.DataFrame(
        {
            "uscc": registry["uscc"],
            "parcel_id": parcels["parcel_id"],
            "relation": "own",
            "area_m2": NAN,
            "from_year": None,
            "to_year": None,
        }
    )
    firm_tax = pd.DataFrame(tax, columns=["uscc", "year", "tax", "electricity_kwh"])
    cols = "uscc year value_added revenue rd_expense energy_tce emissions_eq employees"
    firm_output = pd.DataFrame(output, columns=cols.split())
    return {
        "parcels": parcels,
        "firms": registry,
        "firm_tax": firm_tax,
        "firm_output": firm_output,
        "occupancy": occupancy,
        "veto": None,
    }


OUTLIER = _inputs(
    [(u, "330602", "below", 10) for u in ("F1", "F2", "F3", "F4")],
    [
        ("F1", 2023, 50.0, 400_000.0),
        ("F2", 2023, 30.0, 300_000.0),
        ("F3", 2023, 20.0, 200_000.0),
        ("F4", 2023, 20.0, 100.0),
    ],
    [(u, 2023, 10.0, 40.0, 0.0, 5.0, 1.0, 3.0) for u in ("F1", "F2", "F3", "F4")],
)

KWH_BENCH = {
    "aggregate": 120 / 900_100,
    "mean": (1.25e-4 + 1e-4 + 1e-4 + 0.2) / 4,
    "median": (1e-4 + 1.25e-4) / 2,
    "fixed": 1.0e-4,
}
MU_BENCH = {"aggregate": 3.0, "mean": 3.0, "median": 2.5, "fixed": 4.0}


def _config(mode: str, tmp_path):
    text = f'[scoring]\nbenchmark = "{mode}"\n'
    if mode == "fixed":
        text += (
            '[[scoring.fixed_benchmarks]]\ncounty_code = "330602"\nscale = "below"\n'
            "tax_per_mu = 4.0\ntax_per_kwh = 1.0e-4\n"
        )
    (tmp_path / "landeval.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def _scores(data: dict, config) -> pd.DataFrame:
    return evaluate_firms(**data, config=config).firm_scores.set_index("uscc")


@pytest.mark.parametrize("mode", ["aggregate", "mean", "median", "fixed"])
def test_a_tiny_denominator_outlier_under_each_benchmark(mode, tmp_path):
    fs = _scores(OUTLIER, _config(mode, tmp_path))
    kwh, per_mu = KWH_BENCH[mode], MU_BENCH[mode]
    # The benchmark used is stored beside each score.
    assert fs["bench_tax_per_kwh"].to_numpy() == pytest.approx([kwh] * 4, rel=1e-12)
    assert fs["bench_tax_per_mu"].to_numpy() == pytest.approx([per_mu] * 4, rel=1e-12)
    values = {"F1": 1.25e-4, "F2": 1e-4, "F3": 1e-4, "F4": 0.2}
    for uscc, value in values.items():
        expected = 50 * min(value / kwh, 2.0)
        assert fs.loc[uscc, "sub_tax_per_kwh"] == pytest.approx(expected, rel=1e-9), uscc
    if mode == "mean":
        # Wrecked: the ordinary firms score almost nothing on tax per kWh.
        assert fs.loc["F1", "sub_tax_per_kwh"] < 0.2
    else:
        # The outlier moves nothing: F1 scores about half or more of the 50 points.
        assert fs.loc["F1", "sub_tax_per_kwh"] > 45
    assert fs.loc["F4", "sub_tax_per_kwh"] == pytest.approx(100.0)  # capped at 2 × 50


def test_aggregate_is_the_default():
    assert load_config(None).scoring.benchmark == "aggregate"
    # A project file written for the old name keeps its meaning.
    assert load_config(None, scoring={"benchmark": "group_mean"}).scoring.benchmark == "mean"


# Group 330603|above, five firms of 10 mu. Z reports zero tax, value added, energy,
# emissions, employees, revenue and R&D: every indicator is a known 0 (never the group
# mean), so its score is 0 and it is last (class D), with all its weight known.
ZEROS = _inputs(
    [(u, "330603", "above", 10) for u in ("G1", "G2", "G3", "G4", "Z")],
    [(u, 2023, t, 1e6) for u, t in (("G1", 400.0), ("G2", 300.0), ("G3", 200.0))]
    + [("G4", 2023, 100.0, 1e6), ("Z", 2023, 0.0, 0.0)],
    [
        (u, 2023, va, 4 * va, 0.03 * 4 * va, va / 2, va / 20, va / 10)
        for u, va in (("G1", 800.0), ("G2", 600.0), ("G3", 400.0), ("G4", 200.0))
    ]
    + [("Z", 2023, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)],
)


def test_a_firm_reporting_zeros_scores_zero_not_the_mean():
    fs = _scores(ZEROS, load_config(None))
    z = fs.loc["Z"]
    indicators = ["tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission"]
    indicators += ["va_per_employee", "rd_intensity"]
    for ind in indicators:
        assert z[ind] == 0.0, ind
        assert z[f"sub_{ind}"] == 0.0, ind
    assert z["score"] == 0.0
    assert z["known_weight_share"] == 1.0
    assert (z["rank"], z["n_in_group"], z["class"]) == (5, 5, "D")
    # Aggregate benchmarks over all five (Z's zeros count: its denominators of land are known)
    # tax per mu: 1000 / 50 mu = 20; value added per mu 2000 / 50 = 40.
    assert z["bench_tax_per_mu"] == pytest.approx(20.0)
    assert z["bench_va_per_mu"] == pytest.approx(40.0)
    # value added per energy: Σ va / Σ energy over firms with energy > 0 (Z has none):
    # 2000 / 1000 = 2.
    assert z["bench_va_per_energy"] == pytest.approx(2.0)


# Group 330604|above: H1, H2 complete; H3 has a tax row but no statistics row (30 of 100
# points known → class T, 数据不全); H4 has no emissions figure (90 known → classed, its
# emissions sub-score the group mean). Group 330604|below: L1 complete; L2 has only a
# statistics row: both of its indicators need tax (0 % known) → T, never scored on imputed
# values.
PARTIAL = _inputs(
    [(u, "330604", "above", 10) for u in ("H1", "H2", "H3", "H4")]
    + [("L1", "330604", "below", 5), ("L2", "330604", "below", 5)],
    [
        ("H1", 2023, 300.0, 1e6),
        ("H2", 2023, 100.0, 1e6),
        ("H3", 2023, 200.0, 1e6),
        ("H4", 2023, 200.0, 1e6),
        ("L1", 2023, 20.0, 1e5),
    ],
    [
        ("H1", 2023, 900.0, 3000.0, 90.0, 300.0, 30.0, 60.0),
        ("H2", 2023, 300.0, 1000.0, 30.0, 150.0, 15.0, 30.0),
        ("H4", 2023, 600.0, 2000.0, 60.0, 300.0, NAN, 40.0),
        ("L1", 2023, 50.0, 200.0, 2.0, 20.0, 2.0, 10.0),
        ("L2", 2023, 50.0, 200.0, 2.0, 20.0, 2.0, 10.0),
    ],
)


def test_too_little_data_is_class_t_with_a_finding():
    result = evaluate_firms(**PARTIAL, config=load_config(None))
    fs = result.firm_scores.set_index("uscc")
    h3, l2 = fs.loc["H3"], fs.loc["L2"]
    assert (h3["class"], bool(h3["evaluated"])) == ("T", False)
    assert h3["known_weight_share"] == pytest.approx(0.3)
    assert h3["class_reason"].startswith("数据不全（已知指标权重占30%，不足50%")
    assert np.isnan(h3["score"]) and pd.isna(h3["rank"])
    assert (l2["class"], l2["known_weight_share"]) == ("T", 0.0)
    assert "数据不全" in l2["class_reason"]
    # H4 is classed on 90 % known weight; the emissions sub-score is the group mean of the
    # evaluated firms that have it (H1, H2), and H3 is neither benchmarked nor ranked.
    h4 = fs.loc["H4"]
    assert h4["known_weight_share"] == pytest.approx(0.9)
    assert h4["sub_va_per_emission"] == pytest.approx(
        (fs.loc["H1", "sub_va_per_emission"] + fs.loc["H2", "sub_va_per_emission"]) / 2
    )
    assert h4["n_in_group"] == 3
    # tax per mu benchmark over H1, H2, H4 only: 600 / 30 mu = 20 (H3's 200 not counted).
    assert h4["bench_tax_per_mu"] == pytest.approx(20.0)
    found = result.findings[result.findings["code"] == "DATA_INCOMPLETE"]
    assert sorted(found["row_id"]) == ["H3", "L2"]
    assert (found["severity"] == "warning").all()
    message = found.set_index("row_id").loc["H3", "message"]
    assert message.startswith("2023年数据不全") and "亩均增加值" in message

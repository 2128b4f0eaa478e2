"""Properties of the per-mu evaluation (hypothesis), DESIGN §5 and issue 4."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.config import INDICATORS, default_config
from landeval.mu_scoring import (
    assign_classes,
    compute_trends,
    evaluate_firms,
    group_benchmarks,
    score_firm_years,
    trend_regions,
)

CONFIG = default_config()
# End-to-end examples cost ~0.5 s of CPU each (DuckDB and pandas set-up), so few of them.
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=6)
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=25)

_value = st.one_of(st.none(), st.floats(0.0, 1000.0))


@st.composite
def scored_groups(draw):
    """Firm-years of one year in two groups with random indicators (some missing)."""
    n = draw(st.integers(1, 14))
    rows = []
    for i in range(n):
        scale = draw(st.sampled_from(["above", "below"]))
        row = {
            "uscc": f"f{i:02d}",
            "year": 2023,
            "scale": scale,
            "group": f"{draw(st.sampled_from(['330602', '330603']))}|{scale}",
            "evaluated": draw(st.booleans()) or i == 0,
        }
        for ind in INDICATORS:
            v = draw(_value)
            row[ind] = math.nan if v is None else v
        rows.append(row)
    return pd.DataFrame(rows)


def _score(frame: pd.DataFrame) -> pd.DataFrame:
    bench, _ = group_benchmarks(frame, config=CONFIG)
    return score_firm_years(frame, bench, config=CONFIG)


@pytest.mark.slow
@FAST
@given(
    frame=scored_groups(),
    who=st.integers(0, 13),
    extra=st.tuples(st.floats(0.01, 500.0), st.floats(0.0001, 5.0)),
)
def test_more_tax_never_lowers_a_score(frame, who, extra):
    who = who % len(frame)
    before = _score(frame)
    more = frame.copy()
    # More tax raises both tax indicators of the firm (same land, same electricity); an
    # indicator that is missing (no land or no kWh figure) stays missing.
    for ind, add in zip(("tax_per_mu", "tax_per_kwh"), extra, strict=True):
        more.loc[who, ind] = more.loc[who, ind] + add
    after = _score(more)
    if bool(frame.loc[who, "evaluated"]):
        assert after.loc[who, "score"] >= before.loc[who, "score"] - 1e-9
    else:
        assert np.isnan(after.loc[who, "score"])


@FAST
@given(
    scores=st.lists(st.integers(0, 30), min_size=1, max_size=60),
    scale=st.sampled_from(["above", "below"]),
)
def test_class_shares_follow_the_bounds(scores, scale):
    n = len(scores)
    frame = pd.DataFrame(
        {
            "uscc": [f"f{i:02d}" for i in range(n)],
            "year": 2023,
            "group": "g",
            "scale": scale,
            "evaluated": True,
            "score": [float(s) for s in scores],
        }
    )
    reasons = pd.Series([None] * n, dtype="object")
    out, _ = assign_classes(frame, reasons=reasons, veto=None, config=CONFIG)
    bounds = getattr(CONFIG.scoring.classes, scale)
    distinct = len(set(scores)) == n
    for cls in "ABC":
        share_bound = getattr(bounds, cls)
        at_most = out["class"].isin(list("ABCD"[: "ABCD".index(cls) + 1])).sum()
        # Ties can only lift firms into a better class; without ties the count is exact.
        assert at_most >= math.floor(share_bound * n + 1e-9)
        if distinct:
            assert at_most == math.floor(share_bound * n + 1e-9)
    # Every class holds exactly the firms whose p = rank/n fits its bound.
    p = out["rank"].astype(float) / n
    assert ((out["class"] == "A") == (p <= bounds.A + 1e-12)).all()
    assert ((out["class"] == "D") == (p > bounds.C + 1e-12)).all()


def make_dataset(seed: int) -> dict[str, pd.DataFrame]:
    """A small random project: 2 counties, 2 years, owners, leases (some beyond the parcel)."""
    rng = np.random.default_rng(seed)
    n_firms = int(rng.integers(3, 16))
    n_parcels = int(rng.integers(2, 12))
    uscc = [f"F{i:02d}" for i in range(n_firms)]
    pid = [f"P{i:02d}" for i in range(n_parcels)]
    firms = pd.DataFrame(
        {
            "uscc": uscc,
            "name": [f"企业{i}" for i in range(n_firms)],
            "industry_code": rng.choice(["C17", "C26", "D44"], n_firms, p=[0.5, 0.4, 0.1]),
            "county_code": rng.choice(["330602", "330603"], n_firms),
            "scale": rng.choice(["above", "below"], n_firms),
            "start_year": rng.choice([2000, 2010, 2022], n_firms, p=[0.45, 0.45, 0.1]),
        }
    )
    areas = rng.integers(1, 40, n_parcels) * 500.0
    parcels = pd.DataFrame(
        {
            "parcel_id": pid,
            "county_code": rng.choice(["330602", "330603"], n_parcels),
            "area_m2": areas,
            "area_mu": areas / (10000 / 15),
        }
    )
    occ_rows = []
    for _ in range(int(rng.integers(1, 2 * n_parcels + 3))):
        relation = rng.choice(["own", "lease"], p=[0.6, 0.4])
        area = float(rng.integers(1, 30) * 300.0) if rng.random() < 0.6 else np.nan
        start = rng.choice([None, 2022, 2023])
        occ_rows.append(
            (rng.choice(uscc), rng.choice(pid), relation, area, start, rng.choice([None, 2022]))
        )
    occupancy = pd.DataFrame(
        occ_rows, columns=["uscc", "parcel_id", "relation", "area_m2", "from_year", "to_year"]
    )
    fy = pd.DataFrame([(u, y) for u in uscc for y in (2022, 2023)], columns=["uscc", "year"])
    keep_tax = rng.random(len(fy)) < 0.9
    keep_out = rng.random(len(fy)) < 0.9
    firm_tax = fy[keep_tax].assign(
        tax=lambda d: rng.integers(0, 500, len(d)) * 1.5,
        electricity_kwh=lambda d: np.where(
            rng.random(len(d)) < 0.1, np.nan, rng.integers(1, 100, len(d)) * 1e4
        ),
    )
    firm_output = fy[keep_out].assign(
        value_added=lambda d: rng.integers(0, 3000, len(d)) * 1.0,
        revenue=lambda d: rng.integers(0, 9000, len(d)) * 1.0,
        rd_expense=lambda d: rng.integers(0, 300, len(d)) * 1.0,
        energy_tce=lambda d: rng.integers(0, 900, len(d)) * 1.0,
        emissions_eq=lambda d: np.where(
            rng.random(len(d)) < 0.2, np.nan, rng.integers(1, 90, len(d)) * 1.0
        ),
        employees=lambda d: rng.integers(0, 400, len(d)) * 1.0,
    )
    veto = fy.sample(n=min(2, len(fy)), random_state=seed).assign(reason="环保处罚")
    return {
        "parcels": parcels,
        "firms": firms,
        "firm_tax": firm_tax.reset_index(drop=True),
        "firm_output": firm_output.reset_index(drop=True),
        "occupancy": occupancy,
        "veto": veto.reset_index(drop=True),
    }


@pytest.mark.slow
@SLOW
@given(seed=st.integers(0, 2**31 - 1))
def test_allocation_conserves_totals_and_land(seed):
    data = make_dataset(seed)
    result = evaluate_firms(**data, config=CONFIG)
    fs = result.firm_scores
    ps = result.parcel_scores
    with_land = fs[fs["land_m2"] > 0]
    alloc = result.allocation
    for year in (2022, 2023):
        for col in ("tax", "value_added"):
            # The allocation conserves every known amount ...
            assert np.isclose(
                alloc.loc[alloc["year"] == year, col].sum(),
                with_land.loc[with_land["year"] == year, col].sum(),
                rtol=1e-9,
            )
        # ... and a parcel's amount is the sum over its occupants where all are known,
        # missing (never a partial sum) where one is missing.
        rows = alloc[alloc["year"] == year]
        for col in ("tax", "value_added"):
            sums = rows.groupby("parcel_id")[col].sum(min_count=1)
            gaps = rows[col].isna().groupby(rows["parcel_id"]).any()
            got = ps[ps["year"] == year].set_index("parcel_id")[col]
            assert got.reindex(gaps.index[gaps]).isna().all()
            known = gaps.index[~gaps]
            assert np.allclose(got.reindex(known), sums.reindex(known), rtol=1e-9)
    # Land: occupied + unused = area, occupied ≤ area, firm land = its allocated land.
    assert (ps["occupied_m2"] <= ps["area_m2"] * (1 + 1e-9)).all()
    assert np.allclose(ps["occupied_m2"] + ps["unused_m2"], ps["area_m2"])
    by_firm = result.allocation.groupby(["uscc", "year"])["land_m2"].sum()
    land = with_land.set_index(["uscc", "year"])["land_m2"]
    assert np.allclose(by_firm.reindex(land.index).to_numpy(), land.to_numpy())
    assert len(ps) == 2 * len(data["parcels"])


def _shuffled(data: dict[str, pd.DataFrame], seed: int) -> dict[str, pd.DataFrame]:
    return {
        k: v.sample(frac=1.0, random_state=seed + i).reset_index(drop=True)
        for i, (k, v) in enumerate(data.items())
    }


@pytest.mark.slow
@SLOW
@given(seed=st.integers(0, 2**31 - 1), shuffle_seed=st.integers(0, 1000))
def test_row_shuffles_change_nothing(seed, shuffle_seed):
    data = make_dataset(seed)
    shuffled = _shuffled(data, shuffle_seed)
    a = evaluate_firms(**data, config=CONFIG)
    b = evaluate_firms(**shuffled, config=CONFIG)
    for name in ("firm_scores", "allocation", "parcel_scores"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    trends = [
        compute_trends(
            r.allocation,
            regions=trend_regions(d["parcels"], city="绍兴市"),
            target_growth=0.085,
        )
        for r, d in ((a, data), (b, shuffled))
    ]
    pd.testing.assert_frame_equal(*trends, check_exact=True)
    key = ["severity", "code", "row_id", "field"]
    fa = a.findings.sort_values(key).reset_index(drop=True)[key]
    fb = b.findings.sort_values(key).reset_index(drop=True)[key]
    pd.testing.assert_frame_equal(fa, fb)


@pytest.mark.slow
@settings(deadline=None, max_examples=4, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1))
def test_inputs_not_mutated(seed):
    data = make_dataset(seed)
    before = {k: v.copy(deep=True) for k, v in data.items()}
    evaluate_firms(**data, config=CONFIG)
    for k, v in data.items():
        pd.testing.assert_frame_equal(v, before[k])


def test_class_t_is_exactly_the_not_evaluated():
    data = make_dataset(7)
    fs = evaluate_firms(**data, config=CONFIG).firm_scores
    t = (fs["class"] == "T").to_numpy()
    vetoed = fs["veto_reason"].notna().to_numpy(dtype=bool)
    evaluated = fs["evaluated"].to_numpy(dtype=bool)
    # T is exactly the not evaluated, except those the negative list forces to D
    assert (t == (~evaluated & ~vetoed)).all()
    assert (fs.loc[~evaluated & vetoed, "class"] == "D").all()
    assert fs.loc[~evaluated, "class_reason"].str.contains("不参评").all()
    assert fs.loc[evaluated, "class_reason"].str.startswith("得分").all()
    assert fs.loc[~evaluated, "score"].isna().all()
    assert fs.loc[evaluated, "score"].notna().all()

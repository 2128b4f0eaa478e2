"""A straightforward pandas implementation of the per-mu evaluation (DESIGN §5), for comparison.

Plain pandas merges and groupbys, written from the method's text (no DuckDB, no landeval
helpers): land per firm-year from the occupancy table, the tax and output tables joined,
indicators, group-mean benchmarks, capped sub-scores (a missing indicator takes the group's
mean sub-score), ranks with ties sharing the better rank, A/B/C/D by rank share, class T for
firms not evaluated, veto → D. :func:`compare` times it against
:func:`landeval.pipeline.score` and checks that both give every firm-year the same class.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

M2_PER_MU = 10000 / 15


def _land(parcels: pd.DataFrame, occupancy: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """uscc, year, land_m2: owners net of leases out, lessees their leased area."""
    par = pd.DataFrame(
        {"parcel_id": parcels["parcel_id"].astype(str), "pm2": parcels["area_m2"].astype(float)}
    )
    occ = occupancy.assign(parcel_id=occupancy["parcel_id"].astype(str)).merge(par, on="parcel_id")
    occ = occ[occ["relation"].isin(["own", "lease"])]
    lo = pd.to_numeric(occ["from_year"], errors="coerce").fillna(-1e9).to_numpy()
    hi = pd.to_numeric(occ["to_year"], errors="coerce").fillna(1e9).to_numpy()
    area = pd.to_numeric(occ["area_m2"], errors="coerce").to_numpy(dtype=float)
    frames = []
    for y in years:
        on = (lo <= y) & (hi >= y)
        frames.append(occ[on].assign(year=y, a=area[on]))
    v = pd.concat(frames, ignore_index=True)
    own, lease = v[v["relation"] == "own"], v[v["relation"] == "lease"]
    keys = ["parcel_id", "year"]
    o = (
        own.assign(impl=own["a"].isna())
        .groupby(keys)
        .agg(pm2=("pm2", "first"), explicit=("a", "sum"), n_impl=("impl", "sum"))
    )
    le = (
        lease.assign(a=lease["a"].fillna(lease["pm2"]))
        .groupby(keys)
        .agg(pm2l=("pm2", "first"), leased=("a", "sum"))
    )
    p = o.join(le, how="outer")
    p["pm2"] = p["pm2"].fillna(p["pm2l"])
    p[["explicit", "n_impl", "leased"]] = p[["explicit", "n_impl", "leased"]].fillna(0.0)
    p["explicit_scale"] = np.minimum(1.0, p["pm2"] / p["explicit"].replace(0.0, np.nan))
    p["remainder"] = (p["pm2"] - p["explicit"]).clip(lower=0.0)
    p["lease_scale"] = np.minimum(1.0, p["pm2"] / p["leased"].replace(0.0, np.nan))
    owned = np.minimum(p["explicit"], p["pm2"]) + np.where(p["n_impl"] > 0, p["remainder"], 0.0)
    leased = np.minimum(p["leased"], p["pm2"])
    p["owner_factor"] = np.where(owned > 0, (owned - leased).clip(lower=0.0) / owned, 0.0)
    v = v.merge(p.reset_index(), on=keys, suffixes=("", "_p"))
    land = np.where(
        v["relation"] == "lease",
        v["a"].fillna(v["pm2"]) * v["lease_scale"],
        np.where(
            v["a"].isna(),
            v["remainder"] / v["n_impl"] * v["owner_factor"],
            v["a"] * v["explicit_scale"] * v["owner_factor"],
        ),
    )
    return v.assign(land_m2=land).groupby(["uscc", "year"], as_index=False)["land_m2"].sum()


def reference_classes(inputs, config) -> pd.DataFrame:
    """uscc, year, class (A/B/C/D/T) of every firm-year, by the method's text."""
    s = config.scoring
    tax = inputs.firm_tax.groupby(["uscc", "year"], as_index=False)[["tax", "electricity_kwh"]]
    out_cols = ["value_added", "revenue", "rd_expense", "energy_tce", "emissions_eq", "employees"]
    out = inputs.firm_output.groupby(["uscc", "year"], as_index=False)[out_cols]
    fy = tax.sum(min_count=1).merge(out.sum(min_count=1), on=["uscc", "year"], how="outer")
    years = sorted(fy["year"].astype(int).unique())
    fy["year"] = fy["year"].astype(int)
    firms = inputs.firms.drop_duplicates("uscc")
    attrs = ["uscc", "industry_code", "county_code", "scale", "start_year"]
    fy = fy.merge(firms[attrs].assign(in_registry=True), on="uscc", how="left")
    fy = fy.merge(_land(inputs.parcels, inputs.occupancy, years), on=["uscc", "year"], how="left")
    fy["land_mu"] = fy["land_m2"].fillna(0.0) / M2_PER_MU

    def ratio(num: str, den: str) -> pd.Series:
        return fy[num] / fy[den].where(fy[den] > 0)  # no quotient over a zero or missing base

    ind = {
        "tax_per_mu": ratio("tax", "land_mu"),
        "va_per_mu": ratio("value_added", "land_mu"),
        "va_per_energy": ratio("value_added", "energy_tce"),
        "va_per_emission": ratio("value_added", "emissions_eq"),
        "va_per_employee": ratio("value_added", "employees"),
        "rd_intensity": ratio("rd_expense", "revenue"),
        "tax_per_kwh": ratio("tax", "electricity_kwh"),
    }
    industry = fy["industry_code"].astype(str)
    utility = industry.str.startswith(tuple(s.not_evaluated_industries))
    start = pd.to_numeric(fy["start_year"], errors="coerce")
    evaluated = (
        fy["in_registry"].eq(True)
        & fy["scale"].isin(["above", "below"])
        & ~utility
        & ~(start >= fy["year"] - s.new_firm_years)
        & (fy["land_mu"] > 0)
        & ~((fy["scale"] == "below") & (fy["land_mu"] < s.below_scale_min_mu - 1e-9))
    )
    ev = fy[evaluated].copy()
    keys = [ev[c] for c in s.group_by] + [ev["year"]]
    total = pd.Series(0.0, index=ev.index)
    for name, values in ind.items():
        w_above = dict(s.weights).get(name, 0.0)
        w_below = dict(s.below_scale_weights).get(name, 0.0)
        w = np.where(ev["scale"] == "above", w_above, w_below)
        v = values[ev.index].where(w > 0)
        bench = v.groupby(keys).transform("mean")
        sub = w * (v / bench).clip(0.0, s.cap)
        sub = sub.where(bench > 0, 0.0).where(v.notna())
        fill = sub.groupby(keys).transform("mean").fillna(0.0).where(bench > 0, 0.0)
        total += sub.fillna(fill).where(w > 0, 0.0)
    ev["score"] = total.round(9)
    rank = ev["score"].groupby(keys).rank(method="min", ascending=False)
    p = rank / ev["score"].groupby(keys).transform("size")
    bounds = s.classes
    cls = pd.Series("D", index=ev.index)
    for c in ("C", "B", "A"):
        bound = np.where(ev["scale"] == "above", getattr(bounds.above, c), getattr(bounds.below, c))
        cls = cls.mask(p <= bound + 1e-12, c)
    fy["class"] = "T"
    fy.loc[ev.index, "class"] = cls
    if inputs.veto is not None and len(inputs.veto):
        vetoed = inputs.veto[["uscc", "year"]].drop_duplicates().assign(_veto=True)
        vetoed["year"] = vetoed["year"].astype(int)
        fy = fy.merge(vetoed, on=["uscc", "year"], how="left")
        fy.loc[fy["_veto"].eq(True), "class"] = "D"
    return fy[["uscc", "year", "class"]]


def _landeval_classes(inputs, config) -> pd.DataFrame:
    """landeval's firm classes alone: the first half of ``evaluate_firms``, same scope as ours.

    Land, firm-years, indicators, eligibility, benchmarks, scores and classes, with their
    findings; no allocation, parcel roll-up or trends.
    """
    from landeval.mu_scoring.benchmarks import group_benchmarks  # noqa: PLC0415
    from landeval.mu_scoring.classes import assign_classes  # noqa: PLC0415
    from landeval.mu_scoring.eligibility import not_evaluated_reasons  # noqa: PLC0415
    from landeval.mu_scoring.firm_years import assemble_firm_years  # noqa: PLC0415
    from landeval.mu_scoring.groups import group_keys  # noqa: PLC0415
    from landeval.mu_scoring.indicators import compute_indicators  # noqa: PLC0415
    from landeval.mu_scoring.land import firm_land  # noqa: PLC0415
    from landeval.mu_scoring.scores import score_firm_years  # noqa: PLC0415

    years = sorted(
        set(inputs.firm_tax["year"].dropna().astype(int))
        | set(inputs.firm_output["year"].dropna().astype(int))
    )
    land, _ = firm_land(parcels=inputs.parcels, occupancy=inputs.occupancy, years=years)
    fy, _ = assemble_firm_years(
        firms=inputs.firms,
        firm_tax=inputs.firm_tax,
        firm_output=inputs.firm_output,
        land=land,
        years=years,
    )
    fy = compute_indicators(fy)
    fy["group"] = group_keys(fy, config.scoring.group_by)
    reasons = not_evaluated_reasons(fy, config=config)
    fy["evaluated"] = reasons.isna().to_numpy()
    benchmarks, _ = group_benchmarks(fy, config=config)
    fy = score_firm_years(fy, benchmarks, config=config)
    fy, _ = assign_classes(fy, reasons=reasons, veto=inputs.veto, config=config)
    return fy[["uscc", "year", "class"]]


def compare(inputs, config) -> dict:
    """Time landeval's scoring stage and the reference; count firm-years whose class differs."""
    from landeval.pipeline import score  # noqa: PLC0415

    t0 = time.perf_counter()
    result = score(inputs, config)
    t_landeval = time.perf_counter() - t0
    t0 = time.perf_counter()
    _landeval_classes(inputs, config)
    t_classes = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = reference_classes(inputs, config)
    t_reference = time.perf_counter() - t0
    ours = result.firm_scores[["uscc", "year", "class"]].astype({"year": int})
    both = ours.merge(ref, on=["uscc", "year"], how="outer", suffixes=("", "_ref"))
    differ = both["class"].astype(str) != both["class_ref"].astype(str)
    return {
        "firm_years": len(ours),
        "landeval_seconds": round(t_landeval, 2),
        "reference_seconds": round(t_reference, 2),
        "landeval_over_reference": round(t_landeval / t_reference, 2),
        "landeval_classes_seconds": round(t_classes, 2),
        "classes_over_reference": round(t_classes / t_reference, 2),
        "classes_differ": int(differ.sum()),
        "same_classes": bool(not differ.any()),
        "examples": both[differ].head(5).astype(str).to_dict("records"),
    }

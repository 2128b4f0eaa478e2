"""Benchmark: the per-mu evaluation on synthetic frames of about 1M firm-years.

Usage::

    python benchmarks/bench_scoring.py [--firms 200000] [--years 5] [--seed 0]

Prints the wall and CPU time of :func:`landeval.mu_scoring.evaluate_firms` (CPU time is
the steadier figure on a shared machine; DuckDB runs on one thread) and the process's peak
resident memory (ru_maxrss, which includes the input frames built here and DuckDB's memory).
Frames are generated in memory; nothing is read or written.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from landeval.config import default_config
from landeval.mu_scoring import evaluate_firms

COUNTIES = ["330602", "330603", "330604", "330624", "330681", "330683"]
INDUSTRIES = ["C17", "C18", "C26", "C28", "C29", "C33", "C34", "C38", "C39", "D44"]


def make_frames(n_firms: int, n_years: int, seed: int) -> dict[str, pd.DataFrame]:
    """Synthetic canonical frames: one parcel per firm, 10 % leasing part of another."""
    rng = np.random.default_rng(seed)
    years = np.arange(2024 - n_years, 2024)
    uscc = np.char.add("F", np.char.zfill(np.arange(n_firms).astype(str), 10)).astype(object)
    county = rng.choice(COUNTIES, n_firms)
    firms = pd.DataFrame(
        {
            "uscc": uscc,
            "name": np.char.add("企业", np.arange(n_firms).astype(str)).astype(object),
            "industry_code": rng.choice(INDUSTRIES, n_firms),
            "county_code": county,
            "scale": rng.choice(["above", "below"], n_firms, p=[0.4, 0.6]),
            "start_year": rng.integers(1995, 2024, n_firms),
        }
    )
    pid = np.char.add("P", np.char.zfill(np.arange(n_firms).astype(str), 10)).astype(object)
    area = rng.lognormal(np.log(8000), 0.9, n_firms)
    parcels = pd.DataFrame(
        {"parcel_id": pid, "county_code": county, "area_m2": area, "area_mu": area / (10000 / 15)}
    )
    own = pd.DataFrame(
        {
            "uscc": uscc,
            "parcel_id": pid,
            "relation": "own",
            "area_m2": np.nan,
            "from_year": pd.array([None] * n_firms, dtype="Int64"),
            "to_year": pd.array([None] * n_firms, dtype="Int64"),
        }
    )
    n_lease = n_firms // 10
    lessee = rng.choice(n_firms, n_lease, replace=False)
    host = rng.integers(0, n_firms, n_lease)
    lease = pd.DataFrame(
        {
            "uscc": uscc[lessee],
            "parcel_id": pid[host],
            "relation": "lease",
            "area_m2": area[host] * rng.uniform(0.05, 0.3, n_lease),
            "from_year": pd.array(rng.integers(years[0], years[-1] + 1, n_lease), dtype="Int64"),
            "to_year": pd.array([None] * n_lease, dtype="Int64"),
        }
    )
    occupancy = pd.concat([own, lease], ignore_index=True)
    n = n_firms * n_years
    fy_uscc = np.repeat(uscc, n_years)
    fy_year = np.tile(years, n_firms)
    firm_tax = pd.DataFrame(
        {
            "uscc": fy_uscc,
            "year": fy_year,
            "tax": rng.lognormal(np.log(100), 1.0, n),
            "electricity_kwh": rng.lognormal(np.log(1e6), 1.0, n),
        }
    )
    firm_output = pd.DataFrame(
        {
            "uscc": fy_uscc,
            "year": fy_year,
            "value_added": rng.lognormal(np.log(800), 1.0, n),
            "revenue": rng.lognormal(np.log(5000), 1.0, n),
            "rd_expense": rng.lognormal(np.log(100), 1.0, n),
            "energy_tce": rng.lognormal(np.log(300), 1.0, n),
            "emissions_eq": np.where(rng.random(n) < 0.05, np.nan, rng.lognormal(3, 1, n)),
            "employees": rng.integers(5, 800, n).astype(float),
        }
    )
    # 1 % of firm-years only on one side: exercises the full outer join findings.
    firm_tax = firm_tax.drop(index=firm_tax.sample(frac=0.01, random_state=seed).index)
    firm_output = firm_output.drop(index=firm_output.sample(frac=0.01, random_state=seed + 1).index)
    veto_idx = rng.choice(n, n // 1000, replace=False)
    veto = pd.DataFrame(
        {"uscc": fy_uscc[veto_idx], "year": fy_year[veto_idx], "reason": "环保处罚"}
    )
    return {
        "parcels": parcels,
        "firms": firms,
        "firm_tax": firm_tax.reset_index(drop=True),
        "firm_output": firm_output.reset_index(drop=True),
        "occupancy": occupancy,
        "veto": veto,
    }


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    frames = make_frames(args.firms, args.years, args.seed)
    t1 = time.perf_counter()
    base = _peak_mb()
    c1 = time.process_time()
    result = evaluate_firms(**frames, config=default_config())
    t2 = time.perf_counter()
    c2 = time.process_time()
    fs = result.firm_scores
    print(f"firm-years: {len(fs):,}  parcels-years: {len(result.parcel_scores):,}")
    print(f"allocation rows: {len(result.allocation):,}  findings: {len(result.findings):,}")
    print(f"generate inputs: {t1 - t0:.1f} s (peak RSS after: {base:,.0f} MB)")
    print(f"evaluate_firms:  {t2 - t1:.1f} s wall, {c2 - c1:.1f} s CPU (this process)")
    print(f"peak RSS:        {_peak_mb():,.0f} MB")
    print(fs.groupby(["scale", "class"]).size().unstack(fill_value=0).to_string())


if __name__ == "__main__":
    main()

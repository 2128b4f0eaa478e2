"""Benchmark the zoning stage's spatial steps on synthetic parcels (default 1,000,000).

Parcels are a grid of 40 m × 40 m boxes on a 50 m pitch (a 1000 × 1000 grid is 50 km square),
made with vectorised ``shapely.box``. Platforms are 40 polygons (buffered points, 2–4 km
across), the control line 60 overlapping polygons (buffered segments) in six county rows,
and the 改一补一 items 1 % of the parcels turned CONVERT plus 2,000 land changes.

Run::

    /tmp/venv/bin/python benchmarks/bench_zoning.py            # 1,000,000 parcels
    /tmp/venv/bin/python benchmarks/bench_zoning.py --side 300 # 90,000 parcels
    /tmp/venv/bin/python benchmarks/bench_zoning.py --flags    # + flags and reasons

Prints wall and CPU time per step (CPU time is the fairer figure on a shared machine) and
the process's peak resident memory so far (ru_maxrss).
"""

from __future__ import annotations

import argparse
import resource
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.config import default_config
from landeval.treatments import assign_treatments, build_reasons, compute_flags
from landeval.zoning import (
    assign_platforms,
    balance_items,
    balance_ledger,
    control_line_shares,
)

CRS = "EPSG:4549"
X0, Y0 = 500_000.0, 3_300_000.0
PITCH, SIZE = 50.0, 40.0
COUNTIES = ["330602", "330603", "330604", "330624", "330681", "330683"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parcels(side: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    i, j = np.divmod(np.arange(side * side), side)
    x, y = X0 + j * PITCH, Y0 + i * PITCH
    geoms = shapely.box(x, y, x + SIZE, y + SIZE)
    county = np.array(COUNTIES)[np.minimum(j * len(COUNTIES) // side, len(COUNTIES) - 1)]
    area = SIZE * SIZE
    return gpd.GeoDataFrame(
        {
            "parcel_id": pd.array([f"P{k:07d}" for k in range(side * side)], dtype="str"),
            "county_code": pd.array(county, dtype="str"),
            "planned_use": pd.array(
                np.where(rng.random(side * side) < 0.01, "0701", "100101"), dtype="str"
            ),
            "area_m2": area,
            "area_mu": area / (10000 / 15),
        },
        geometry=geoms,
        crs=CRS,
    )


def _platforms(side: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    extent = side * PITCH
    n = 40
    centres = shapely.points(X0 + rng.random(n) * extent, Y0 + rng.random(n) * extent)
    geoms = shapely.buffer(centres, rng.uniform(1000, 2000, n) * extent / 50_000, quad_segs=16)
    return gpd.GeoDataFrame(
        {
            "platform_id": [f"PL{k:02d}" for k in range(n)],
            "name": [f"平台{k}" for k in range(n)],
            "tier": np.array(["2", "6", "N"])[np.minimum(np.arange(n) // 4, 2)],
            "kind": "开发区",
            "county_code": "330602",
        },
        geometry=geoms,
        crs=CRS,
    )


def _line(side: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    extent = side * PITCH
    n = 60
    x = X0 + rng.random((n, 2)) * extent
    y = Y0 + rng.random((n, 2)) * extent
    segs = shapely.linestrings(np.stack([x, y], axis=-1))
    geoms = shapely.buffer(segs, rng.uniform(300, 1500, n) * extent / 50_000)
    return gpd.GeoDataFrame(
        {"county_code": np.array(COUNTIES)[np.arange(n) % len(COUNTIES)]},
        geometry=geoms,
        crs=CRS,
    )


def _changes(side: int, rng: np.random.Generator, n: int = 2000) -> gpd.GeoDataFrame:
    extent = side * PITCH
    x = X0 + rng.random(n) * extent
    y = Y0 + rng.random(n) * extent
    w = rng.uniform(50, 300, n)
    county = np.array(COUNTIES)[
        np.minimum(((x - X0) / extent * len(COUNTIES)).astype(int), len(COUNTIES) - 1)
    ]
    return gpd.GeoDataFrame(
        {
            "change_id": [f"C{k:05d}" for k in range(n)],
            "kind": np.where(rng.random(n) < 0.3, "convert", "supplement"),
            "county_code": county,
            "planned_use": np.where(rng.random(n) < 0.9, "100101", "0701"),
            "approved_on": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        },
        geometry=shapely.box(x, y, x + w, y + w * 0.6),
        crs=CRS,
    )


def _scores(parcels: gpd.GeoDataFrame, rng: np.random.Generator, year: int):
    """Synthetic parcel_scores (two years), allocation and parcel_raster for the flags."""
    n = len(parcels)
    ids = parcels["parcel_id"].to_numpy(dtype=object)
    industries = np.array(["C1711", "C2614", "C3311", "C3411", "C3911", "C2927"])
    uscc = np.array([f"F{k:07d}" for k in range(n)], dtype=object)
    occupied = rng.random(n) < 0.95
    frames = []
    for y in (year - 1, year):
        tax = np.where(occupied, rng.gamma(2.0, 10.0, n), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "parcel_id": ids,
                    "year": y,
                    "area_mu": parcels["area_mu"].to_numpy(),
                    "n_occupants": occupied.astype(int),
                    "main_uscc": np.where(occupied, uscc, None),
                    "main_industry": np.where(occupied, industries[np.arange(n) % 6], None),
                    "tax": tax,
                    "value_added": tax * 3,
                    "tax_per_mu": tax / parcels["area_mu"].to_numpy(),
                    "va_per_mu": 3 * tax / parcels["area_mu"].to_numpy(),
                    "class": np.where(
                        occupied, np.array(list("ABCD"))[rng.integers(0, 4, n)], None
                    ),
                }
            )
        )
    scores = pd.concat(frames, ignore_index=True)
    allocation = pd.DataFrame({"uscc": uscc[occupied], "year": year, "parcel_id": ids[occupied]})
    raster = pd.DataFrame(
        {
            "parcel_id": ids,
            "coverage": rng.uniform(0.1, 0.7, n),
            "far": rng.uniform(0.3, 2.0, n),
            "far_source": "raster",
            "vacant_share": rng.uniform(0.0, 0.6, n),
        }
    )
    return scores, allocation, raster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=1000, help="grid side (parcels = side²)")
    parser.add_argument(
        "--flags", action="store_true", help="also time flags, treatments and reasons"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    cfg = default_config()

    t = time.perf_counter()
    parcels = _parcels(args.side, rng)
    platforms, line, changes = (
        _platforms(args.side, rng),
        _line(args.side, rng),
        _changes(args.side, rng),
    )
    print(
        f"parcels: {len(parcels):,}  build {time.perf_counter() - t:.1f} s  "
        f"peak {_peak_mb():.0f} MB"
    )

    def step(name, fn):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{name:<22} {wall:7.1f} s wall {cpu:7.1f} s CPU   peak RSS {_peak_mb():7.0f} MB")
        return out

    plat = step("assign_platforms", lambda: assign_platforms(parcels, platforms, config=cfg))
    shares = step("control_line_shares", lambda: control_line_shares(parcels, line, config=cfg))
    flags = pd.Series(np.where(parcels["planned_use"] == "0701", "PLAN_CONFLICT", ""))
    treat = step("assign_treatments", lambda: assign_treatments(flags, config=cfg))
    pe = parcels.assign(treatment=treat["treatment"].to_numpy())
    items, _ = step(
        "balance_items",
        lambda: balance_items(parcel_eval=pe, land_changes=changes, control_line=line, config=cfg),
    )
    ledger = step("balance_ledger", lambda: balance_ledger(items, config=cfg))
    if args.flags:
        scores, allocation, raster = _scores(parcels, rng, 2024)
        details, _ = step(
            "compute_flags",
            lambda: compute_flags(
                parcels=parcels,
                parcel_scores=scores,
                parcel_raster=raster,
                firms=None,
                firm_scores=None,
                veto=None,
                allocation=allocation,
                config=cfg,
                year=2024,
            ),
        )
        decided = step("assign_treatments", lambda: assign_treatments(details["flags"], config=cfg))
        step(
            "build_reasons",
            lambda: build_reasons(details, decided["matched_flags"], config=cfg, year=2024),
        )
        print(decided["treatment"].value_counts().to_string())
    print(
        f"in platforms {plat['platform_id'].notna().mean():.1%}, inside line "
        f"{shares['inside_line'].mean():.1%}, straddling {shares['straddling'].mean():.1%}, "
        f"items {len(items):,}, counted {items['counted'].mean():.1%}"
    )
    print(ledger[["county_code", "converted_mu", "compensated_mu", "balance_mu"]].to_string())


if __name__ == "__main__":
    main()

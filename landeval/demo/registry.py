"""Parcel attributes as the land registry holds them: codes, uses, areas, built years.

- 宗地代码 (GB/T 37346) numbered along the road grid;
- current use (国土空间用地用海分类): 100103 三类工业 for chemicals, pharma, fibre, smelting,
  power and half of the dyeing plants, 100101 一类工业 for light and clean industries,
  100102 二类工业 otherwise;
- planned use: the same, except a share of the parcels of some central areas planned as
  0701 居住 or 0901 商业 (the PLAN_CONFLICT candidates);
- registered area within ±3 % of the drawn area for most parcels, 6–12 % off for about 1 %,
  missing for about 9 %; registered floor area (intended FAR × area, ±2 %) for about half;
- built year from the occupant's start of production, some buildings older.
"""

from __future__ import annotations

import numpy as np

from landeval.demo.clusters import CLUSTERS, PLAN_CONFLICT_CLUSTERS
from landeval.demo.layout import Layout

_THIRD_CLASS = ("C26", "C27", "C28", "C32", "D44")  # 三类工业: chemicals, pharma, fibre, smelting
_FIRST_CLASS = ("C39", "C34", "C35", "C38", "C18", "L72")  # 一类工业: light and clean


def built_years(rng: np.random.Generator, *, start: np.ndarray, state: np.ndarray) -> np.ndarray:
    """Built year per parcel (float, NaN for never-built land).

    Usually the occupant's first year (or the year before); a quarter of the buildings are
    up to 10 years older; parcels without an occupant were built 1985–2010.
    """
    n = len(start)
    year = np.where(
        rng.random(n) < 0.25, start - rng.integers(0, 11, n), start - rng.integers(0, 2, n)
    ).astype(float)
    empty = np.isin(state, ["empty", "bare"])
    year = np.where(empty, rng.integers(1985, 2011, n), year)
    return np.where(state == "bare", np.nan, np.clip(year, 1980, 2024))


def registry_attributes(
    rng: np.random.Generator,
    *,
    cluster: np.ndarray,
    area: np.ndarray,
    industry: np.ndarray,
    multi: np.ndarray,
    intended_far: np.ndarray,
) -> dict[str, np.ndarray]:
    """land_use, planned_use, registered_area_m2, floor_area_m2 and the conflict mask."""
    n = len(area)
    land_use = np.where(
        np.isin(industry, _THIRD_CLASS),
        "100103",
        np.where(np.isin(industry, _FIRST_CLASS), "100101", "100102"),
    )
    dye = (industry == "C17") & (rng.random(n) < 0.5)
    land_use = np.where(dye, "100103", land_use).astype(object)
    planned = land_use.copy()
    conflict = np.zeros(n, dtype=bool)
    for i, spec in enumerate(CLUSTERS):
        share = PLAN_CONFLICT_CLUSTERS.get(spec.key, 0.0)
        sel = np.flatnonzero((cluster == i) & ~multi)
        k = max(1, round(share * len(sel))) if share > 0 else 0
        conflict[rng.choice(sel, size=min(k, len(sel)), replace=False)] = True
    planned[conflict] = np.where(rng.random(int(conflict.sum())) < 0.6, "0701", "0901")

    registered = np.round(area * (1 + np.clip(rng.normal(0, 0.01, n), -0.03, 0.03)), 2)
    off = rng.random(n) < 0.01
    k = int(off.sum())
    registered[off] = np.round(
        area[off] * (1 + rng.choice([-1, 1], k) * rng.uniform(0.06, 0.12, k)), 2
    )
    registered[rng.random(n) < 0.09] = np.nan
    floor_area = np.round(intended_far * area * rng.uniform(0.98, 1.02, n), 2)
    floor_area[(rng.random(n) < 0.5) | (floor_area <= 0)] = np.nan
    return {
        "land_use": land_use,
        "planned_use": planned,
        "registered_area_m2": registered,
        "floor_area_m2": floor_area,
        "conflict": conflict,
    }


def parcel_codes(layout: Layout, county: np.ndarray) -> np.ndarray:
    """宗地代码 (GB/T 37346): county + 地籍区 + 地籍子区 + "GB" + 5-digit number.

    地籍区 numbers the county's clusters, 地籍子区 the cluster's columns of blocks, and the
    number runs along each column from the south-west.
    """
    cl = layout.cluster
    district = np.zeros(len(cl), dtype=np.int64)
    seen: dict[str, int] = {}
    for i, spec in enumerate(CLUSTERS):
        seen[spec.county_code] = seen.get(spec.county_code, 0) + 1
        district[cl == i] = seen[spec.county_code]
    sub = layout.column + 1
    order = np.lexsort((layout.x_left, layout.y0, sub, cl))
    key = cl[order] * 10_000 + sub[order]
    starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    rank_sorted = np.arange(len(cl)) - np.repeat(starts, np.diff(np.r_[starts, len(cl)]))
    number = np.empty(len(cl), dtype=np.int64)
    number[order] = rank_sorted + 1
    if sub.max() > 999 or number.max() > 99999:  # pragma: no cover - beyond 10M parcels
        msg = "too many parcels for 宗地代码 numbering"
        raise ValueError(msg)
    codes = (
        county.astype(str)
        + np.char.zfill(district.astype(str), 3).astype(object)
        + np.char.zfill(sub.astype(str), 3).astype(object)
        + "GB"
        + np.char.zfill(number.astype(str), 5).astype(object)
    )
    return codes.astype(object)

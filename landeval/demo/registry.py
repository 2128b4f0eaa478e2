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


# --- title records and land-sale contracts ---------------------------------------------------

TOWNSHIPS: dict[str, tuple[str, ...]] = {
    "paojiang": ("斗门街道", "马山街道"),
    "jinghu": ("灵芝街道", "东浦街道"),
    "lihai": ("沥海街道",),
    "keqiao": ("柯桥街道", "华舍街道", "齐贤街道"),
    "maan": ("马鞍街道", "安昌街道"),
    "shangyu_bay": ("道墟街道", "沥海街道"),
    "shangyu_city": ("百官街道", "曹娥街道"),
    "zhuji": ("陶朱街道", "暨阳街道"),
    "datang": ("大唐街道",),
    "shengzhou": ("三江街道", "浦口街道"),
    "xinchang": ("七星街道", "南明街道"),
}
"""The townships (乡镇街道) of each demo area, by cluster key (names of real townships,
locations invented)."""

_ROADS = ("工业大道", "兴业路", "创业路", "科技路", "纺都路", "富民路", "振兴路", "园区路")
_TITLE_PLACE = {
    "330602": "绍兴市",
    "330603": "绍兴市柯桥区",
    "330604": "绍兴市上虞区",
    "330624": "新昌县",
    "330681": "诸暨市",
    "330683": "嵊州市",
}
_DAY = np.timedelta64(1, "D")


def title_records(
    rng: np.random.Generator,
    *,
    cluster: np.ndarray,
    county: np.ndarray,
    county_names: dict[str, str],
    built_year: np.ndarray,
) -> dict[str, np.ndarray]:
    """Township (乡镇街道), location (坐落) and title_no (不动产权证号) per parcel.

    About 8 % of the parcels have no title number on record.
    """
    from landeval.demo.clusters import CLUSTERS  # noqa: PLC0415 - one table, read once

    n = len(cluster)
    keys = np.array([c.key for c in CLUSTERS], dtype=object)[cluster]
    pick = rng.random(n)
    township = np.array(
        [TOWNSHIPS[k][int(p * len(TOWNSHIPS[k]))] for k, p in zip(keys, pick, strict=True)],
        dtype=object,
    )
    road = np.array(_ROADS, dtype=object)[rng.integers(0, len(_ROADS), n)]
    number = rng.integers(1, 1000, n)
    names = np.array([county_names.get(c, "") for c in county], dtype=object)
    location = names + township + road + number.astype(str).astype(object) + "号"
    year = np.clip(np.nan_to_num(built_year, nan=2020) + rng.integers(0, 4, n), 2015, 2024)
    place = np.array([_TITLE_PLACE.get(c, "绍兴市") for c in county], dtype=object)
    serial = rng.choice(10**7, size=n, replace=False)
    title = (
        "浙("
        + year.astype(int).astype(str).astype(object)
        + ")"
        + place
        + "不动产权第"
        + np.char.zfill(serial.astype(str), 7).astype(object)
        + "号"
    )
    title[rng.random(n) < 0.08] = None
    return {"township": township, "location": location, "title_no": title}


def land_contracts(
    rng: np.random.Generator, *, state: np.ndarray, start: np.ndarray, built_year: np.ndarray
) -> dict[str, np.ndarray]:
    """The land-sale contract (出让合同) of recent land: its dates, developed share, indicators.

    - land never built (state "bare") was sold 2020–2024 to start within a year; none has
      started but one, which stopped with a fifth developed; one in eight is late because of
      the government (gov_delay 是); those due more than a year ago are idle land (闲置土地);
    - land built from 2016 (the 标准地 era) and the land of firms that started from 2022
      carry their contract: started within months of the agreed date, developed in full
      (from half for the newest), with the contracted tax and investment per mu;
    - older land has no contract on record.
    """
    n = len(state)
    out = {
        "contract_start_date": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        "actual_start_date": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        "contract_completion_date": np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        "developed_share": np.full(n, np.nan),
        "contract_tax_per_mu": np.full(n, np.nan),
        "contract_investment_per_mu": np.full(n, np.nan),
        "gov_delay": np.full(n, None, dtype=object),
    }
    bare = np.flatnonzero(state == "bare")
    days = rng.integers(0, 1461, len(bare))  # contracted start 2020-07-01 … 2024-06-30
    out["contract_start_date"][bare] = np.datetime64("2020-07-01") + days * _DAY
    out["developed_share"][bare] = 0.0
    delayed = bare[rng.random(len(bare)) < 0.125]
    out["gov_delay"][delayed] = "是"
    if len(bare) > 2:
        stalled = bare[int(np.argmin(days))]  # the earliest: started, then stopped
        out["actual_start_date"][stalled] = out["contract_start_date"][stalled] + 60 * _DAY
        out["developed_share"][stalled] = 0.2
        out["gov_delay"][stalled] = None
    recent = (np.nan_to_num(built_year, nan=0) >= 2016) | (start >= 2022)
    recent &= state != "bare"
    at = np.flatnonzero(recent)
    first = np.where(np.isnan(built_year[at]), start[at], np.minimum(built_year[at], start[at]))
    first = np.where(first > 0, first, np.nan_to_num(built_year[at], nan=2020))
    agreed = (first.astype(np.int64) - 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    agreed = agreed + rng.integers(0, 365, len(at)) * _DAY
    out["contract_start_date"][at] = agreed
    out["actual_start_date"][at] = agreed + rng.integers(0, 240, len(at)) * _DAY
    out["contract_completion_date"][at] = agreed + 730 * _DAY
    newest = start[at] >= 2024
    out["developed_share"][at] = np.where(newest, np.round(rng.uniform(0.5, 1.0, len(at)), 2), 1.0)
    out["contract_tax_per_mu"][at] = np.round(rng.uniform(15, 40, len(at)), 0)
    out["contract_investment_per_mu"][at] = np.round(rng.uniform(250, 500, len(at)), 0)
    return out

"""Tax and output of the demo firms for 2022–2024, and the negative list.

Calibrated to published Zhejiang levels: above-scale firms average roughly 15–40 万元 of
tax and 100–170 万元 of value added per mu, with a wide log-normal spread, yearly growth
around 8 % that differs by cluster, and a tail of idle and near-idle firms. Every figure is
drawn per firm and year from the firm's land in that year, so per-mu values are persistent
across years. The tables come out as the bureaus deliver them: tax in 元 with the tax
bureau's Chinese headers, output in 万元 with the statistics side's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from landeval.demo.clusters import CLUSTERS, VETO_REASONS, YEARS
from landeval.inputs.units import M2_PER_MU

_VA_PER_MU = 150.0  # city level of value added per mu, above-scale, 2024 (万元)
_BELOW_FACTOR = 0.8
_INDUSTRY_FACTOR = {
    "C15": 1.0,
    "C17": 0.85,
    "C18": 0.8,
    "C26": 1.15,
    "C27": 1.3,
    "C28": 1.0,
    "C29": 0.9,
    "C32": 1.1,
    "C33": 0.9,
    "C34": 1.05,
    "C35": 1.05,
    "C38": 0.95,
    "C39": 1.35,
    "D44": 0.8,
    "L72": 0.1,
}
# Value added per tonne of standard coal (万元/tce): dyeing and chemicals are energy hungry.
_VA_PER_TCE = {
    "C17": (0.8, 2.0),
    "C26": (1.0, 2.5),
    "C28": (0.8, 1.8),
    "C32": (1.0, 2.5),
    "C39": (8.0, 15.0),
    "C27": (4.0, 8.0),
    "D44": (0.2, 0.5),
    "L72": (20.0, 40.0),
}
_IDLE_SHARE = 0.02
_NEAR_IDLE_SHARE = 0.03
_VETO_SHARE = 0.01
# Spread of value added per mu between firms of one industry and area (log-normal sigma),
# and of the tax paid per unit of value added.
_SIGMA_VA = 0.25
_SIGMA_TAX = 0.1
# Firms on more land make more of each mu (scale economies, the pattern of 亩均 league
# tables): value added per mu grows with (land / the scale's median land) ** _SIZE_ELASTICITY.
_SIZE_ELASTICITY = 0.3
# How much a firm\'s quality moves its energy, labour and R&D intensity (log spread).
_QUALITY_SPREAD = 0.25

TAX_HEADERS = {
    "uscc": "统一社会信用代码",
    "name": "纳税人名称",
    "year": "年度",
    "tax_yuan": "实缴税额(元)",
    "electricity_kwh": "用电量(千瓦时)",
    "water_m3": "用水量(立方米)",
    "wastewater_t": "污水排放量(吨)",
}
"""Canonical (or internal) column → header of the tax-bureau export."""

OUTPUT_HEADERS = {
    "uscc": "统一社会信用代码",
    "year": "年度",
    "value_added": "工业增加值(万元)",
    "revenue": "营业收入(万元)",
    "rd_expense": "研发费用(万元)",
    "energy_tce": "综合能耗(吨标煤)",
    "emissions_eq": "排放当量",
    "employees": "年平均职工人数",
}
"""Canonical column → header of the statistics export."""


@dataclass(frozen=True)
class Economy:
    """Tax, output and veto tables (canonical columns) plus the firms' status and intent.

    ``firm_tax`` holds ``tax`` in 元 (as the file will) and ``name``; ``status`` maps fid to
    存续 / 迁出, or 停业 / 注销 / 吊销 for the idle firms; ``idle`` is True for firms with no tax
    and no value added in 2023 and 2024.
    """

    firm_tax: pd.DataFrame
    firm_output: pd.DataFrame
    veto: pd.DataFrame
    idle: np.ndarray
    status: np.ndarray


def draw_economy(
    rng: np.random.Generator,
    *,
    firms: pd.DataFrame,
    occupancy: pd.DataFrame,
    area_m2: np.ndarray,
) -> Economy:
    """Draw three years of tax and output per firm from its land, and a short negative list."""
    n = len(firms)
    land = _land_mu(firms, occupancy, area_m2)  # (n, years)
    cl = firms["cluster"].to_numpy()
    prod = np.array([c.productivity for c in CLUSTERS])[cl]
    drift = np.array([c.drift for c in CLUSTERS])[cl]
    ind = firms["industry_code"].to_numpy()
    ifac = _lookup(ind, _INDUSTRY_FACTOR, 1.0)
    above = (firms["scale"] == "above").to_numpy()
    sigma = _SIGMA_VA
    level = _VA_PER_MU * prod * ifac * np.where(above, 1.0, _BELOW_FACTOR)
    size = _size_factor(land.max(axis=1), above, cl)
    # A firm's quality (z, standard normal) shows in every indicator, not only per mu: an
    # efficient firm also uses less energy and fewer workers per unit of value added.
    z = rng.standard_normal(n)
    va24 = level * size * np.exp(-(sigma**2) / 2 + sigma * z)
    quality = np.exp(_QUALITY_SPREAD * z) * size**0.5
    growth = 0.075 + drift + rng.normal(0.0, 0.05, n)
    shocks = rng.normal(0.0, 0.05, (n, len(YEARS)))
    steps = np.exp(growth[:, None] + shocks)
    # 2024 is the anchor; earlier years divide by the growth of the years after them.
    va_mu = np.empty((n, len(YEARS)))
    va_mu[:, -1] = va24
    for j in range(len(YEARS) - 2, -1, -1):
        va_mu[:, j] = va_mu[:, j + 1] / steps[:, j + 1]

    role = firms["role"].to_numpy()
    start = firms["start_year"].to_numpy()
    eligible = (role == "owner") & (start < 2021) & (ind != "D44")
    u = rng.random(n)
    idle = eligible & (u < _IDLE_SHARE)
    near_idle = eligible & (u >= _IDLE_SHARE) & (u < _IDLE_SHARE + _NEAR_IDLE_SHARE)
    va_mu[near_idle] *= rng.uniform(0.02, 0.15, int(near_idle.sum()))[:, None]
    va_mu[idle, 0] *= rng.uniform(0.05, 0.3, int(idle.sum()))
    va_mu[idle, 1:] = 0.0

    years = np.array(YEARS)
    active = (land > 0) & (years[None, :] >= start[:, None])
    va = np.where(active, va_mu * land, 0.0)
    tax_ratio = np.exp(rng.normal(np.log(np.where(above, 0.2, 0.19)), _SIGMA_TAX, n))
    tax_ratio = np.where(ind == "L72", 1.5, tax_ratio)  # park operators pay tax on rents
    tax = va * tax_ratio[:, None] * np.exp(rng.normal(0.0, 0.08, (n, len(YEARS))))
    if (ind == "L72").any():  # rent: about 5 万元 per leased mu
        leased = _leased_out_mu(firms, occupancy)
        tax[ind == "L72"] += 5.0 * leased[ind == "L72"]

    va_rate = rng.uniform(0.18, 0.32, n)
    revenue = va / va_rate[:, None]
    rd_lo = np.where(np.isin(ind, ["C39", "C27"]), 0.04, 0.01) * np.where(above, 1.0, 0.5)
    rd = revenue * (rd_lo * rng.uniform(1.0, 2.0, n) * quality)[:, None]
    lo = _lookup(ind, {k: v[0] for k, v in _VA_PER_TCE.items()}, 3.0)
    hi = _lookup(ind, {k: v[1] for k, v in _VA_PER_TCE.items()}, 8.0)
    per_tce = rng.uniform(lo, hi) * quality
    energy = va / per_tce[:, None]
    energy = np.where(idle[:, None] & (va == 0), 0.0, energy)
    emissions = energy * rng.uniform(0.3, 1.5, n)[:, None]
    per_emp = np.where(above, rng.uniform(18, 40, n), rng.uniform(8, 20, n)) * quality
    employees = np.where(va > 0, np.maximum(1, np.round(va / per_emp[:, None])), 0)
    elec = energy * rng.uniform(0.3, 0.7, n)[:, None] * 8130.0

    rows = np.argwhere(active | (idle[:, None] & (years[None, :] >= start[:, None])))
    fi, yj = rows[:, 0], rows[:, 1]
    # Some idle firms filed nothing at all in their idle years.
    silent = idle & (rng.random(n) < 0.3)
    keep = ~(silent[fi] & (yj >= 1))
    fi, yj = fi[keep], yj[keep]
    uscc = firms["uscc"].to_numpy()
    tax_tab = pd.DataFrame(
        {
            "uscc": uscc[fi],
            "name": firms["name"].to_numpy()[fi],
            "year": years[yj],
            "tax": np.round(tax[fi, yj] * 1e4, 2),  # 元
            "electricity_kwh": np.round(elec[fi, yj]),
        }
    )
    out_tab = pd.DataFrame(
        {
            "uscc": uscc[fi],
            "year": years[yj],
            "value_added": np.round(va[fi, yj], 2),
            "revenue": np.round(revenue[fi, yj], 2),
            "rd_expense": np.round(rd[fi, yj], 2),
            "energy_tce": np.round(energy[fi, yj], 2),
            "emissions_eq": np.round(emissions[fi, yj], 2),
            "employees": employees[fi, yj].astype(np.int64),
        }
    )
    out_tab.loc[rng.random(len(out_tab)) < 0.06, "emissions_eq"] = np.nan

    # A handful of firms reach only one of the two bureaus.
    n_miss = max(3, round(0.002 * n))
    cand = np.flatnonzero((role == "owner") & ~idle & (start < 2022) & (ind != "D44"))
    picked = rng.choice(cand, size=min(2 * n_miss, len(cand)), replace=False)
    no_output, no_tax = uscc[picked[:n_miss]], uscc[picked[n_miss:]]
    out_tab = out_tab[~out_tab["uscc"].isin(no_output)].reset_index(drop=True)
    tax_tab = tax_tab[~tax_tab["uscc"].isin(no_tax)].reset_index(drop=True)

    end = firms["end_year"].to_numpy()
    status = np.where(np.isfinite(end), "迁出", np.where(idle, "停业", "存续")).astype(object)
    veto = _veto(rng, firms, exclude=idle | ~np.isnan(end))
    # Most idle firms are suspended (停业); some have been deregistered or lost their licence.
    closed = np.flatnonzero(idle)
    status[closed] = rng.choice(["停业", "注销", "吊销"], size=len(closed), p=[0.6, 0.25, 0.15])
    # Drawn last, so that every figure above is what it was before the water columns.
    tax_tab = draw_water(rng, tax_tab, firms=firms, va=va)
    return Economy(tax_tab, out_tab, veto, idle, status)


def _size_factor(land_mu: np.ndarray, above: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """(land / median land of the firm's scale) ** _SIZE_ELASTICITY, within [0.4, 2.5].

    Scaled so that its land-weighted mean is 1 in each area and scale: the areas' levels of
    value added and tax per mu stay at the published ones, only the spread between firms
    moves.
    """
    out = np.ones(len(land_mu))
    held = land_mu > 0
    for group in (above, ~above):
        if not (group & held).any():
            continue
        ref = float(np.median(land_mu[group & held]))
        for c in np.unique(cluster[group & held]):
            at = group & held & (cluster == c)
            factor = np.clip((land_mu[at] / ref) ** _SIZE_ELASTICITY, 0.4, 2.5)
            out[at] = factor * land_mu[at].sum() / (factor * land_mu[at]).sum()
    return out


# --- water and wastewater: the bases of differentiated water and sewage charges (§12) ---------

# Water used per 万元 of value added (m³), by industry: Zhejiang's manufacturing uses about
# 10–15 m³ per 万元 of value added; dyeing and chemicals far more, electronics far less.
_WATER_PER_VA = {
    "C17": (40.0, 110.0),
    "C26": (25.0, 60.0),
    "C28": (15.0, 40.0),
    "C27": (10.0, 25.0),
    "C39": (3.0, 8.0),
    "L72": (1.0, 3.0),
}
_WATER_PER_VA_DEFAULT = (5.0, 15.0)
_WATER_BASE_M3 = (200.0, 1500.0)  # offices and canteens: a firm with no output still uses some
_WASTEWATER_SHARE = (0.7, 0.9)  # share of the water discharged as wastewater
_WATER_UNREPORTED = 0.03  # firm-years whose tax record carries no water figure


def draw_water(
    rng: np.random.Generator, tax: pd.DataFrame, *, firms: pd.DataFrame, va: np.ndarray
) -> pd.DataFrame:
    """The tax table with water_m3 (用水量) and wastewater_t (污水排放量) per row.

    Water is drawn per firm from its value added in the row's year (``va``: firms × years,
    万元) at its industry's intensity, plus a base for offices and canteens; wastewater is a
    share of it. A few rows report neither, one in three of them still the water alone.
    """
    idx = pd.Index(firms["uscc"]).get_indexer(tax["uscc"])
    col = np.searchsorted(np.array(YEARS), tax["year"].to_numpy())
    ind = firms["industry_code"].to_numpy()
    lo = _lookup(ind, {k: v[0] for k, v in _WATER_PER_VA.items()}, _WATER_PER_VA_DEFAULT[0])
    hi = _lookup(ind, {k: v[1] for k, v in _WATER_PER_VA.items()}, _WATER_PER_VA_DEFAULT[1])
    per_va = rng.uniform(lo, hi)
    base = rng.uniform(*_WATER_BASE_M3, len(firms))
    share = rng.uniform(*_WASTEWATER_SHARE, len(firms))
    noise = np.exp(rng.normal(0.0, 0.1, len(tax)))
    water = np.round((va[idx, col] * per_va[idx] + base[idx]) * noise)
    wastewater = np.round(water * share[idx])
    unreported = rng.random(len(tax)) < _WATER_UNREPORTED
    water_only = unreported & (rng.random(len(tax)) < 1 / 3)
    return tax.assign(
        water_m3=np.where(unreported & ~water_only, np.nan, water),
        wastewater_t=np.where(unreported, np.nan, wastewater),
    )


def _land_mu(firms: pd.DataFrame, occupancy: pd.DataFrame, area_m2: np.ndarray) -> np.ndarray:
    """Land (mu) each firm uses per year: own parcels minus leased out, plus leased in."""
    n = len(firms)
    years = np.array(YEARS)
    occ = occupancy
    fid = occ["fid"].to_numpy()
    pidx = occ["pidx"].to_numpy()
    lease = (occ["relation"] == "lease").to_numpy()
    part = np.where(lease, occ["area_m2"].to_numpy(), area_m2[pidx])
    frm = occ["from_year"].to_numpy(dtype=float)
    to = occ["to_year"].to_numpy(dtype=float)
    on = (years[None, :] >= np.nan_to_num(frm, nan=-1)[:, None]) & (
        years[None, :] <= np.nan_to_num(to, nan=9999)[:, None]
    )
    land = np.zeros((n, len(years)))
    np.add.at(land, fid, np.where(on, part[:, None], 0.0))
    # Subtract what owners lease out (by parcel, per year).
    owner_of = pd.Series(fid[~lease], index=pidx[~lease])
    lf = owner_of.reindex(pidx[lease]).to_numpy()
    known = ~np.isnan(lf)
    np.add.at(
        land,
        lf[known].astype(np.int64),
        -np.where(on[lease][known], part[lease][known][:, None], 0.0),
    )
    return np.maximum(land, 0.0) / M2_PER_MU


def _leased_out_mu(firms: pd.DataFrame, occupancy: pd.DataFrame) -> np.ndarray:
    """Land (mu) each firm leases out to others, as a column vector."""
    occ = occupancy
    lease = occ["relation"] == "lease"
    owner_of = occ.loc[~lease].set_index("pidx")["fid"]
    lf = owner_of.reindex(occ.loc[lease, "pidx"]).to_numpy()
    out = np.zeros(len(firms))
    ok = ~np.isnan(lf)
    np.add.at(out, lf[ok].astype(np.int64), occ.loc[lease, "area_m2"].to_numpy()[ok])
    return out[:, None] / M2_PER_MU


def _veto(rng: np.random.Generator, firms: pd.DataFrame, *, exclude: np.ndarray) -> pd.DataFrame:
    cand = np.flatnonzero(~exclude & (firms["start_year"].to_numpy() < 2023))
    k = max(3, round(_VETO_SHARE * len(firms)))
    picked = np.sort(rng.choice(cand, size=min(k, len(cand)), replace=False))
    year = np.where(rng.random(len(picked)) < 0.7, 2024, 2023)
    reason = np.array(VETO_REASONS, dtype=object)[rng.integers(0, len(VETO_REASONS), len(picked))]
    veto = pd.DataFrame({"uscc": firms["uscc"].to_numpy()[picked], "year": year, "reason": reason})
    # A few firms stay on the list a second year.
    again = veto[(veto["year"] == 2023) & (rng.random(len(veto)) < 0.4)].assign(year=2024)
    return pd.concat([veto, again], ignore_index=True).sort_values(
        ["year", "uscc"], ignore_index=True
    )


def _lookup(codes: np.ndarray, table: dict[str, float], default: float) -> np.ndarray:
    """Map codes to numbers through a dict, vectorised over unique codes."""
    uniq, inv = np.unique(codes.astype(str), return_inverse=True)
    return np.array([table.get(u, default) for u in uniq], dtype=float)[inv]


PARK_VETO_PLATFORM = "SXN-01"
"""The 小微企业园 (袍江小微企业园) where one small tenant is put on the negative list: the
demo's case of a tenant that is not its parcel (the park is kept, the tenant vacates)."""


def with_park_tenant_veto(
    veto: pd.DataFrame, *, firms: pd.DataFrame, occupancy: pd.DataFrame, park: np.ndarray
) -> pd.DataFrame:
    """``veto`` with one small tenant of :data:`PARK_VETO_PLATFORM` listed in 2024.

    The tenant is the smallest current one of the park's busiest multi-tenant parcel (no
    randomness: the same tenant every run).
    """
    occ = occupancy
    lease = occ[(occ["relation"] == "lease") & occ["to_year"].isna()]
    lease = lease[np.asarray([park[i] == PARK_VETO_PLATFORM for i in lease["pidx"]], dtype=bool)]
    if lease.empty:
        return veto
    busiest = lease["pidx"].value_counts().sort_index().idxmax()
    tenants = lease[lease["pidx"] == busiest].merge(
        firms[["fid", "uscc", "start_year", "end_year"]], on="fid"
    )
    tenants = tenants[(tenants["start_year"] < 2023) & tenants["end_year"].isna()]
    if tenants.empty:
        return veto
    uscc = tenants.sort_values(["area_m2", "uscc"]).iloc[0]["uscc"]
    row = pd.DataFrame({"uscc": [uscc], "year": [2024], "reason": [VETO_REASONS[0]]})
    out = pd.concat([veto, row], ignore_index=True).drop_duplicates(["uscc", "year"])
    return out.sort_values(["year", "uscc"], ignore_index=True)

"""The bases of the measures: what a rate multiplies, per firm in the evaluation year.

One row per firm of the scored firm-years of the year, with each basis a measure names
(``[[incentives]] basis``, :data:`landeval.config.INCENTIVE_BASES`), NaN where unknown:

- electricity_kwh, energy_tce, emissions_eq, land_m2 (land used): as the scoring used them
  (``firm_scores``), so that a measure and the class it follows read the same figures;
- tax: ``firm_scores.tax`` in 元 (it is kept in 万元), so that a rate on tax is a share;
- water_m3, wastewater_t: the tax table's optional columns, summed over a firm-year's rows
  (unknown when every row leaves them empty, as the scoring sums its duplicates);
- land_owned_m2: land held as owner — the occupancy rows of relation ``own`` only, assigned
  by the scoring's own land rule (:func:`landeval.mu_scoring.land.firm_land`) with no leases,
  so land an owner leases out still counts: the owner, not the lessee, pays
  城镇土地使用税 on it; land leased in does not count;
- land_use_tax: the 城镇土地使用税 the firm owes a year (元): Σ over its owned parcels of
  the owned m² × the parcel's rate (its ``land_tax_rate`` column where given, else its
  county's ``[incentives_settings.land_tax_rate]``); unknown when any owned parcel has no
  usable rate, as a partial sum would understate it;
- firm: 1 (a fixed amount per firm).

A firm that owns no land has a land_owned_m2 and land_use_tax of 0: the occupancy table is
the register of land relations, as it is for the land a firm uses.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from landeval.config import INCENTIVE_BASES, LAND_TAX_RATE_MAX
from landeval.findings import Finding, findings_frame
from landeval.mu_scoring.land import firm_land

BASIS_LAYERS: dict[str, str] = {
    "electricity_kwh": "firm_tax",
    "water_m3": "firm_tax",
    "wastewater_t": "firm_tax",
    "tax": "firm_tax",
    "land_m2": "occupancy",
    "land_owned_m2": "occupancy",
    "land_use_tax": "parcels",
    "energy_tce": "firm_output",
    "emissions_eq": "firm_output",
    "firm": "firms",
}
"""The input table each basis comes from (the layer its findings name)."""

FIRM_COLUMNS: list[str] = ["uscc", "name", "county_code"]
"""The firm's columns of the bases frame, before the bases."""

WHY_LAND_TAX = "land_use_tax_why"
"""Column saying why a firm's land_use_tax is unknown (its parcels without a rate)."""

_FROM_SCORES = ("electricity_kwh", "energy_tce", "emissions_eq", "land_m2")
_FROM_TAX_TABLE = ("water_m3", "wastewater_t")
_YUAN_PER_WAN = 10_000.0
_NAMED_PARCELS = 5  # parcels a finding names before "等 n 宗"


def firm_bases(
    *,
    firm_scores: pd.DataFrame,
    firm_tax: pd.DataFrame | None,
    parcels: pd.DataFrame | None,
    occupancy: pd.DataFrame | None,
    year: int,
    land_tax_rates: Mapping[str, float],
    needed: Collection[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bases of every scored firm in ``year``.

    Parameters
    ----------
    firm_scores : DataFrame
        ``uscc``, ``year``, ``name``, ``county_code`` and the scored figures (tax in 万元).
    firm_tax : DataFrame or None
        Canonical tax table (for water_m3, wastewater_t).
    parcels : DataFrame or None
        ``parcel_id``, ``area_m2``, ``county_code`` and optional ``land_tax_rate``.
    occupancy : DataFrame or None
        Canonical occupancy table.
    year : int
        Evaluation year.
    land_tax_rates : mapping of str to float
        城镇土地使用税税额标准 by county code (元/m² a year).
    needed : collection of str
        The bases to compute (the others are left out).

    Returns
    -------
    bases : DataFrame
        :data:`FIRM_COLUMNS`, then one float column per needed basis (NaN: unknown), and
        :data:`WHY_LAND_TAX` when land_use_tax is needed; one row per firm, by uscc.
    findings : DataFrame
        LAND_TAX_RATE_INVALID (warning) for owned parcels whose own rate is not a legal one.
    """
    fs = firm_scores[pd.to_numeric(firm_scores["year"], errors="coerce") == year]
    fs = fs.drop_duplicates("uscc").sort_values("uscc", kind="stable").reset_index(drop=True)
    out = pd.DataFrame({c: fs[c].astype("str") for c in FIRM_COLUMNS})
    uscc = out["uscc"]
    findings = findings_frame()
    for basis in [b for b in INCENTIVE_BASES if b in needed]:  # a fixed column order
        if basis in _FROM_SCORES:
            out[basis] = pd.to_numeric(fs[basis], errors="coerce").astype("float64")
        elif basis == "tax":
            out[basis] = pd.to_numeric(fs["tax"], errors="coerce").astype("float64") * (
                _YUAN_PER_WAN
            )
        elif basis == "firm":
            out[basis] = 1.0
        elif basis in _FROM_TAX_TABLE:
            out[basis] = _tax_table_sums(firm_tax, basis, year).reindex(uscc).to_numpy()
    if {"land_owned_m2", "land_use_tax"} & set(needed):
        owned = _owned_land(parcels, occupancy, year)
        if "land_owned_m2" in needed:
            sums = owned.groupby("uscc", sort=False)["land_m2"].sum()
            out["land_owned_m2"] = sums.reindex(uscc).fillna(0.0).to_numpy()
        if "land_use_tax" in needed:
            due, why, findings = _land_use_tax(owned, parcels, land_tax_rates)
            out["land_use_tax"] = due.reindex(uscc).fillna(0.0).to_numpy()
            out.loc[uscc.isin(why.index).to_numpy(), "land_use_tax"] = np.nan
            out[WHY_LAND_TAX] = why.reindex(uscc).to_numpy()
    return out, findings


def _tax_table_sums(firm_tax: pd.DataFrame | None, column: str, year: int) -> pd.Series:
    """Per uscc, the sum of ``column`` over the year's rows (NaN when all are empty)."""
    if firm_tax is None or column not in firm_tax.columns:
        return pd.Series(dtype="float64")
    rows = firm_tax[pd.to_numeric(firm_tax["year"], errors="coerce") == year]
    values = pd.to_numeric(rows[column], errors="coerce").astype("float64")
    return values.groupby(rows["uscc"].astype("str")).sum(min_count=1)


def _owned_land(
    parcels: pd.DataFrame | None, occupancy: pd.DataFrame | None, year: int
) -> pd.DataFrame:
    """Land held as owner per firm and parcel in ``year`` (uscc, parcel_id, land_m2)."""
    if parcels is None or occupancy is None or not len(occupancy):
        return pd.DataFrame({"uscc": [], "parcel_id": [], "land_m2": []})
    own = occupancy[occupancy["relation"].astype("str") == "own"]
    land, _ = firm_land(parcels=parcels, occupancy=own, years=[year])
    return land[["uscc", "parcel_id", "land_m2"]]


def _land_use_tax(
    owned: pd.DataFrame, parcels: pd.DataFrame | None, county_rates: Mapping[str, float]
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Tax due per uscc, why it is unknown per uscc, and findings on parcels' own rates."""
    if parcels is None or not len(owned):
        empty = pd.Series(dtype="float64")
        return empty, pd.Series(dtype="str"), findings_frame()
    keep = [c for c in ("parcel_id", "county_code", "land_tax_rate") if c in parcels.columns]
    p = pd.DataFrame(parcels[keep]).drop_duplicates("parcel_id")
    p.index = pd.Index(p["parcel_id"].astype("str"))
    own_rate = (
        pd.to_numeric(p["land_tax_rate"], errors="coerce").astype("float64")
        if "land_tax_rate" in p.columns
        else pd.Series(np.nan, index=p.index)
    )
    county_rate = p["county_code"].astype("str").map(dict(county_rates)).astype("float64")
    legal = (own_rate > 0) & (own_rate <= LAND_TAX_RATE_MAX)
    given = own_rate.notna()
    rate = own_rate.where(legal, county_rate.where(~given))
    used = owned["parcel_id"].astype("str")
    bad = sorted(set(used) & set(own_rate.index[given & ~legal]))
    findings = findings_frame(
        Finding(
            "warning",
            "LAND_TAX_RATE_INVALID",
            "parcels",
            pid,
            "land_tax_rate",
            f"宗地 {pid} 的城镇土地使用税税额标准 {own_rate[pid]:g} 元/平方米 不在"
            f"法定范围 (0, {LAND_TAX_RATE_MAX:g}] 内，未使用",
            "核对该宗地的土地等级与税额标准（单位应为元/平方米·年）",
        )
        for pid in bad
    )
    row_rate = rate.reindex(used).to_numpy()
    due = pd.Series(owned["land_m2"].to_numpy(dtype="float64") * row_rate)
    firm = owned["uscc"].astype("str").to_numpy()
    sums = due.groupby(firm).sum()
    unknown = owned.loc[np.isnan(row_rate), ["uscc", "parcel_id"]].astype("str")
    why = unknown.groupby("uscc")["parcel_id"].agg(_why_no_rate)
    return sums, why, findings


def _why_no_rate(parcel_ids: pd.Series) -> str:
    ids = sorted(set(parcel_ids))
    named = "、".join(ids[:_NAMED_PARCELS])
    more = f"等 {len(ids)} 宗" if len(ids) > _NAMED_PARCELS else ""
    return f"自有宗地 {named}{more} 无可用的城镇土地使用税税额标准"

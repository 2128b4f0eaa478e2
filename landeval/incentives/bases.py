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
import pyarrow as pa

from landeval._arrow import (
    codes_in,
    equals,
    first_positions,
    per_value,
    repeated,
    take_float,
    take_str,
    text_array,
    to_str,
)
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
    this_year = (pd.to_numeric(firm_scores["year"], errors="coerce") == year).to_numpy()
    fs = firm_scores[this_year]
    fs = fs[~repeated(fs["uscc"])].reset_index(drop=True)  # one row a firm (there is one)
    out = pd.DataFrame({c: to_str(text_array(fs[c])) for c in FIRM_COLUMNS})
    uscc = text_array(out["uscc"])
    findings = findings_frame()
    for basis in [b for b in INCENTIVE_BASES if b in needed]:  # a fixed column order
        if basis in _FROM_SCORES:
            out[basis] = pd.to_numeric(fs[basis], errors="coerce").to_numpy(dtype="float64")
        elif basis == "tax":
            tax = pd.to_numeric(fs["tax"], errors="coerce").to_numpy(dtype="float64")
            out[basis] = tax * _YUAN_PER_WAN
        elif basis == "firm":
            out[basis] = 1.0
        elif basis in _FROM_TAX_TABLE:
            out[basis] = _tax_table_sums(firm_tax, basis, year, uscc)
    if {"land_owned_m2", "land_use_tax"} & set(needed):
        owned = _owned_land(parcels, occupancy, year)
        firm = codes_in(owned["uscc"], uscc)  # the firm of each owned row (−1: not scored)
        if "land_owned_m2" in needed:
            out["land_owned_m2"] = _sums_by(firm, owned["land_m2"].to_numpy(), len(out), 0.0)
        if "land_use_tax" in needed:
            due, findings = _land_use_tax(owned, parcels, land_tax_rates)
            out["land_use_tax"] = _sums_by(firm, due, len(out), 0.0, unknown_if_any=True)
            out[WHY_LAND_TAX] = _why_unknown(owned, firm, np.isnan(due), len(out))
    return out, findings


def _sums_by(
    pos: np.ndarray,
    values: np.ndarray,
    n: int,
    empty: float,
    *,
    unknown_if_any: bool = False,
) -> np.ndarray:
    """Sum of ``values`` per position 0 … n − 1 (``pos`` −1 is dropped).

    A position with no row gets ``empty``. Missing values are skipped, and a position whose
    values are all missing is NaN; with ``unknown_if_any`` one missing value makes it NaN.
    """
    keep = pos >= 0
    pos, values = pos[keep], np.asarray(values, dtype="float64")[keep]
    known = ~np.isnan(values)
    sums = np.bincount(pos[known], weights=values[known], minlength=n)
    rows = np.bincount(pos, minlength=n)
    n_known = np.bincount(pos[known], minlength=n)
    out = np.where(rows == 0, empty, sums)
    out[(rows > 0) & (n_known == 0)] = np.nan
    if unknown_if_any:
        out[n_known < rows] = np.nan
    return out


def _tax_table_sums(
    firm_tax: pd.DataFrame | None, column: str, year: int, uscc: pa.Array
) -> np.ndarray:
    """Per firm of ``uscc``, the sum of ``column`` over the year's rows (NaN: none known)."""
    if firm_tax is None or column not in firm_tax.columns:
        return np.full(len(uscc), np.nan)
    rows = firm_tax[(pd.to_numeric(firm_tax["year"], errors="coerce") == year).to_numpy()]
    values = pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype="float64")
    return _sums_by(codes_in(rows["uscc"], uscc), values, len(uscc), np.nan)


def _owned_land(
    parcels: pd.DataFrame | None, occupancy: pd.DataFrame | None, year: int
) -> pd.DataFrame:
    """Land held as owner per firm and parcel in ``year`` (uscc, parcel_id, land_m2)."""
    if parcels is None or occupancy is None or not len(occupancy):
        return pd.DataFrame(
            {"uscc": pd.Series([], dtype="str"), "parcel_id": pd.Series([], dtype="str"),
             "land_m2": pd.Series([], dtype="float64")}
        )  # fmt: skip
    own = occupancy[equals(text_array(occupancy["relation"]), "own")]
    land, _ = firm_land(parcels=parcels, occupancy=own, years=[year])
    return land[["uscc", "parcel_id", "land_m2"]]


def _land_use_tax(
    owned: pd.DataFrame, parcels: pd.DataFrame | None, county_rates: Mapping[str, float]
) -> tuple[np.ndarray, pd.DataFrame]:
    """Tax due on each owned row (NaN: no usable rate), and findings on parcels' own rates."""
    if parcels is None or not len(owned):
        return np.full(len(owned), np.nan), findings_frame()
    at = first_positions(text_array(owned["parcel_id"]), text_array(parcels["parcel_id"]))
    own_rate = (
        take_float(pd.to_numeric(parcels["land_tax_rate"], errors="coerce").to_numpy("float64"), at)
        if "land_tax_rate" in parcels.columns
        else np.full(len(owned), np.nan)
    )
    county = take_str(text_array(parcels["county_code"]), at)
    rates = dict(county_rates)
    county_rate = per_value(county, lambda c: rates.get(c, np.nan) if c else np.nan, "float64")
    given = ~np.isnan(own_rate)
    legal = given & (own_rate > 0) & (own_rate <= LAND_TAX_RATE_MAX)
    # an illegal rate of the parcel's own is not replaced by the county's: it is reported
    rate = np.where(legal, own_rate, np.where(given, np.nan, county_rate))
    bad = owned.loc[given & ~legal, "parcel_id"].astype("str").to_numpy()
    bad_rate = own_rate[given & ~legal]
    seen: dict[str, float] = dict(zip(bad, bad_rate, strict=True))
    findings = findings_frame(
        Finding(
            "warning",
            "LAND_TAX_RATE_INVALID",
            "parcels",
            pid,
            "land_tax_rate",
            f"宗地 {pid} 的城镇土地使用税税额标准 {seen[pid]:g} 元/平方米 不在"
            f"法定范围 (0, {LAND_TAX_RATE_MAX:g}] 内，未使用",
            "核对该宗地的土地等级与税额标准（单位应为元/平方米·年）",
        )
        for pid in sorted(seen)
    )
    return owned["land_m2"].to_numpy(dtype="float64") * rate, findings


def _why_unknown(owned: pd.DataFrame, firm: np.ndarray, no_rate: np.ndarray, n: int) -> list:
    """Per firm, the owned parcels without a usable rate (None where every one has one)."""
    why: list = [None] * n
    rows = np.flatnonzero(no_rate & (firm >= 0))
    parcel_ids = owned["parcel_id"].astype("str").to_numpy()
    by_firm: dict[int, list[str]] = {}
    for r in rows:
        by_firm.setdefault(int(firm[r]), []).append(parcel_ids[r])
    for f, ids in by_firm.items():
        why[f] = _why_no_rate(ids)
    return why


def _why_no_rate(parcel_ids: list[str]) -> str:
    ids = sorted(set(parcel_ids))
    named = "、".join(ids[:_NAMED_PARCELS])
    more = f"等 {len(ids)} 宗" if len(ids) > _NAMED_PARCELS else ""
    return f"自有宗地 {named}{more} 无可用的城镇土地使用税税额标准"

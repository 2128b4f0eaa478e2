"""Trends (DESIGN §5 "Trends"): per-mu value added and tax of above-scale firms by region.

For each region (a county, a platform, a tier, the city) and year: the land of the region's
above-scale firms, their value added and tax (allocated to the region's parcels by land
share), per-mu values, the year-on-year growth of value added per mu, and the compound annual
growth from the region's first year to this year, compared with the target (4151 plan: 8.5 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.model import RESULT_COLUMNS
from landeval.units import m2_to_mu


def compute_trends(
    allocation: pd.DataFrame, *, regions: pd.DataFrame, target_growth: float
) -> pd.DataFrame:
    """Per-mu value added and tax of above-scale firms by region and year.

    Parameters
    ----------
    allocation : DataFrame
        uscc, year, parcel_id, land_m2, scale, tax, value_added (the allocation table).
    regions : DataFrame
        parcel_id, level, region_id: which region of each level a parcel belongs to
        (e.g. level "county" with the county code, "platform" with the platform id).
    target_growth : float
        Target annual growth of value added per mu (0.085 for 8.5 %).

    Returns
    -------
    DataFrame
        ``RESULT_COLUMNS["trends"]``, sorted by level, region_id, year.

    Notes
    -----
    - Per-mu value added is Σ value added / Σ land over the above-scale firm-years that have
      a value added figure (firms missing it would otherwise drag the ratio down); the same
      for tax. ``land_mu`` is all above-scale land in the region.
    - ``va_growth`` compares with the previous calendar year (missing when that year has no
      row). ``va_cagr`` and ``tax_cagr`` run from the region's first year to the row's year:
      (last / first) ** (1 / years) − 1, missing in the first year or when either end is not
      positive. ``meets_target`` is ``va_cagr ≥ target_growth`` (missing when va_cagr is).
    """
    above = allocation[allocation["scale"].eq("above").fillna(False).to_numpy(dtype=bool)]
    # Text keys become integer codes that sort like the text (pandas' merges, sorts and
    # group-bys on millions of text values took seconds); rows, their order and so the sums
    # are those of the same steps on the text.
    parcel = _codes(pd.concat([above["parcel_id"], regions["parcel_id"]], ignore_index=True))
    level, level_names = _sorted_codes(regions["level"])
    region, region_names = _sorted_codes(regions["region_id"])
    reg = pd.DataFrame(
        {"parcel_id": parcel[len(above) :], "level": level, "region_id": region}
    ).drop_duplicates()
    left = pd.DataFrame(
        {
            "parcel_id": parcel[: len(above)],
            "year": above["year"].to_numpy(),
            "land_m2": above["land_m2"].to_numpy(),
            "tax": above["tax"].to_numpy(),
            "value_added": above["value_added"].to_numpy(),
            # The parcel_id's place in text order (missing last), for the sort below.
            "_pid_rank": _last_if_missing(_sorted_codes(above["parcel_id"])[0]),
        }
    )
    joined = left.merge(reg, on="parcel_id", how="inner")
    # Missing levels or regions form no group (as in a group-by on the text).
    joined = joined[(joined["level"] >= 0) & (joined["region_id"] >= 0)]
    joined = joined.sort_values(["level", "region_id", "year", "_pid_rank", "land_m2"])
    va = joined["value_added"].to_numpy(dtype="float64")
    tax = joined["tax"].to_numpy(dtype="float64")
    land = joined["land_m2"].to_numpy(dtype="float64")
    parts = pd.DataFrame(
        {
            "level": joined["level"].to_numpy(),
            "region_id": joined["region_id"].to_numpy(),
            "year": joined["year"].astype("int64").to_numpy(),
            "land_m2": land,
            "value_added": va,
            "tax": tax,
            "va_land_m2": np.where(np.isnan(va), 0.0, land),
            "tax_land_m2": np.where(np.isnan(tax), 0.0, land),
        }
    )
    keys = ["level", "region_id", "year"]
    g = parts.groupby(keys, sort=True).sum(min_count=1).reset_index()
    out = pd.DataFrame(
        {
            "level": pd.Series(level_names.take(g["level"].to_numpy()), dtype="str"),
            "region_id": pd.Series(region_names.take(g["region_id"].to_numpy()), dtype="str"),
            "year": g["year"],
        }
    )
    out["land_mu"] = m2_to_mu(g["land_m2"])
    out["value_added"] = g["value_added"]
    out["tax"] = g["tax"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["va_per_mu"] = _ratio(g["value_added"], m2_to_mu(g["va_land_m2"]))
        out["tax_per_mu"] = _ratio(g["tax"], m2_to_mu(g["tax_land_m2"]))
    region = [out["level"], out["region_id"]]
    prev_year = out.groupby(region)["year"].shift(1)
    prev_va = out.groupby(region)["va_per_mu"].shift(1)
    consecutive = (out["year"] - prev_year).eq(1)
    growth = out["va_per_mu"] / prev_va - 1
    out["va_growth"] = growth.where(consecutive & (prev_va > 0))
    out["va_cagr"] = _cagr(out, "va_per_mu")
    out["tax_cagr"] = _cagr(out, "tax_per_mu")
    out["target_growth"] = float(target_growth)
    meets = out["va_cagr"] >= target_growth
    out["meets_target"] = pd.array(meets, dtype="boolean")
    out.loc[out["va_cagr"].isna(), "meets_target"] = pd.NA
    return out[RESULT_COLUMNS["trends"]].reset_index(drop=True)


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of text values (equal values, equal codes; missing → -1)."""
    return pd.factorize(values.astype("str"))[0]


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes that sort as the text does, and the text of each code; missing → -1."""
    codes, uniques = pd.factorize(values.astype("str"), sort=True)
    return codes, pd.Index(uniques)


def _last_if_missing(codes: np.ndarray) -> np.ndarray:
    return np.where(codes < 0, codes.max(initial=0) + 1, codes)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den).where(den > 0)


def _cagr(out: pd.DataFrame, col: str) -> pd.Series:
    """Compound annual growth of ``col`` from each region's first year to the row's year.

    ``out`` is sorted by level, region_id and year.
    """
    region = [out["level"], out["region_id"]]
    first_row = ~out.duplicated(["level", "region_id"])
    # The base is the first year's own value (missing stays missing, never a later year's).
    base = out[col].where(first_row).groupby(region).ffill()
    first_year = out["year"].where(first_row).groupby(region).ffill()
    span = (out["year"] - first_year).astype("float64")
    ok = (span > 0) & (base > 0) & (out[col] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (out[col] / base) ** (1.0 / span) - 1.0
    return value.where(ok)

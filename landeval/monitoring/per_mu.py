"""亩均税收 and 亩均增加值 year on year, two ways (DESIGN §11): :func:`per_mu_change`.

- 当年口径 (``reported``): every firm evaluated in each year, as a county reports its figures
  each year; the firms that entered or left move the figure too;
- 同口径 (``same_firms``): only the firms evaluated in both years, so that the change is
  what those firms did with their land.

Per city, county and platform (the region of each parcel a firm uses, by this year's
zoning), from the allocation of firm-years to parcels: Σ tax / Σ land (亩) over the
firm-years whose tax is known, and the same for value added (missing figures are left out,
never counted as 0). Both years come from this run's tables, so one method and one set of
revised figures give both.

Examples
--------
>>> allocation = pd.DataFrame({"uscc": ["f1", "f2", "f1", "f3"],
...     "year": [2023, 2023, 2024, 2024], "parcel_id": ["p1", "p2", "p1", "p2"],
...     "land_m2": [10000 / 15] * 4, "tax": [10.0, 2.0, 12.0, 30.0],
...     "value_added": [50.0, 8.0, 55.0, 90.0]})
>>> evaluated = pd.DataFrame({"uscc": ["f1", "f2", "f1", "f3"],
...     "year": [2023, 2023, 2024, 2024], "evaluated": True})
>>> regions = pd.DataFrame({"parcel_id": ["p1", "p2"], "county_code": "330602",
...                         "platform_id": [None, None]})
>>> out = per_mu_change(allocation, evaluated, regions, year=2024, prev_year=2023)
>>> out.loc[out["level"] == "city", ["comparison", "prev_tax_per_mu", "tax_per_mu"]].values.tolist()
[['reported', 6.0, 21.0], ['same_firms', 10.0, 12.0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.inputs.units import m2_to_mu
from landeval.vocabulary import CITY

PER_MU_COLUMNS: list[str] = [
    "level",
    "region_id",
    "comparison",
    "year",
    "prev_year",
    "n_firms",
    "prev_n_firms",
    "tax_per_mu",
    "prev_tax_per_mu",
    "tax_change",
    "va_per_mu",
    "prev_va_per_mu",
    "va_change",
]
"""Columns of ``per_mu_change``: level (city, county, platform) and region, comparison
(reported 当年口径, same_firms 同口径), the two years, the firms counted in each, 亩均税收 and
亩均增加值 (万元/亩) in each and their growth (a fraction; missing where last year's is not
positive)."""

_LEVELS: tuple[tuple[str, str | None], ...] = (
    (CITY, None),
    ("county", "county_code"),
    ("platform", "platform_id"),
)


def per_mu_change(
    allocation: pd.DataFrame,
    firm_scores: pd.DataFrame,
    regions: pd.DataFrame,
    *,
    year: int,
    prev_year: int,
) -> pd.DataFrame:
    """亩均税收 and 亩均增加值 of ``prev_year`` and ``year``, 当年口径 and 同口径.

    Parameters
    ----------
    allocation : DataFrame
        uscc, year, parcel_id, land_m2, tax, value_added (the allocation table).
    firm_scores : DataFrame
        uscc, year, evaluated (which firm-years were evaluated).
    regions : DataFrame
        parcel_id, county_code, platform_id (this year's parcels).
    year, prev_year : int
        The two years compared.

    Returns
    -------
    DataFrame
        :data:`PER_MU_COLUMNS`; empty when either year has no evaluated firm.
    """
    rows = _evaluated_rows(allocation, firm_scores, (prev_year, year))
    if rows.empty or not {prev_year, year} <= set(rows["year"]):
        return pd.DataFrame(columns=PER_MU_COLUMNS)
    place = regions.assign(parcel_id=regions["parcel_id"].astype("string")).drop_duplicates(
        "parcel_id"
    )
    rows = rows.merge(
        place[["parcel_id", "county_code", "platform_id"]], on="parcel_id", how="left"
    )
    # firms as integer codes: counting distinct firms and years on integers, not on texts
    firm, _ = pd.factorize(rows["uscc"])
    rows["firm"] = np.where(firm >= 0, firm, np.nan)  # a missing uscc is no firm
    parts = []
    for comparison, subset in (
        ("reported", rows),
        ("same_firms", rows[_in_both_years(firm, rows["year"].to_numpy(), year=year)]),
    ):
        for level, column in _LEVELS:
            region = (
                pd.Series(CITY, index=subset.index)
                if column is None
                else subset[column].astype("string")
            )
            sums = _sums(subset.assign(region_id=region.to_numpy(dtype=object)))
            parts.append(_compare(sums, level, comparison, year=year, prev_year=prev_year))
    out = pd.concat(parts, ignore_index=True)
    return out[PER_MU_COLUMNS]


def _in_both_years(firm: np.ndarray, years: np.ndarray, *, year: int) -> np.ndarray:
    """Rows of firms (integer codes, -1 missing) with rows in both years compared."""
    known = firm >= 0
    if not known.any():
        return known
    key = firm[known].astype(np.int64) * 2 + (years[known] == year)
    n_years = np.bincount(np.unique(key) // 2, minlength=int(firm.max()) + 1)
    out = np.zeros(len(firm), dtype=bool)
    out[known] = n_years[firm[known]] == 2
    return out


def _evaluated_rows(
    allocation: pd.DataFrame, firm_scores: pd.DataFrame, years: tuple[int, int]
) -> pd.DataFrame:
    alloc = allocation.loc[allocation["year"].isin(years)]
    scored = firm_scores.loc[firm_scores["year"].isin(years), ["uscc", "year", "evaluated"]]
    scored = scored.loc[scored["evaluated"].fillna(False).astype(bool), ["uscc", "year"]]
    rows = alloc[["uscc", "year", "parcel_id", "land_m2", "tax", "value_added"]].merge(
        scored.drop_duplicates(), on=["uscc", "year"]
    )
    rows["parcel_id"] = rows["parcel_id"].astype("string")
    return rows


def _sums(rows: pd.DataFrame) -> pd.DataFrame:
    """Per region and year: firms, tax and value added and the land of the rows that have them."""
    land = pd.to_numeric(rows["land_m2"], errors="coerce")
    tax = pd.to_numeric(rows["tax"], errors="coerce")
    va = pd.to_numeric(rows["value_added"], errors="coerce")
    frame = pd.DataFrame(
        {
            "region_id": rows["region_id"],
            "year": rows["year"].astype("int64"),
            "firm": rows["firm"],
            "tax": tax,
            "tax_m2": land.where(tax.notna()),
            "va": va,
            "va_m2": land.where(va.notna()),
        }
    )
    frame = frame.loc[frame["region_id"].notna()]
    grouped = frame.groupby(["region_id", "year"])
    out = grouped[["tax", "tax_m2", "va", "va_m2"]].sum(min_count=1)
    out["n_firms"] = grouped["firm"].nunique()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["tax_per_mu"] = (out["tax"] / m2_to_mu(out["tax_m2"])).where(out["tax_m2"] > 0)
        out["va_per_mu"] = (out["va"] / m2_to_mu(out["va_m2"])).where(out["va_m2"] > 0)
    return out.reset_index()


def _compare(
    sums: pd.DataFrame, level: str, comparison: str, *, year: int, prev_year: int
) -> pd.DataFrame:
    now = sums.loc[sums["year"] == year].set_index("region_id")
    then = sums.loc[sums["year"] == prev_year].set_index("region_id")
    ids = now.index.union(then.index).sort_values()
    out = pd.DataFrame(
        {
            "level": level,
            "region_id": pd.array(ids.to_numpy(dtype=object), dtype="str"),
            "comparison": comparison,
            "year": year,
            "prev_year": prev_year,
            "n_firms": now["n_firms"].reindex(ids).fillna(0).astype("int64").to_numpy(),
            "prev_n_firms": then["n_firms"].reindex(ids).fillna(0).astype("int64").to_numpy(),
        }
    )
    for name in ("tax", "va"):
        current = now[f"{name}_per_mu"].reindex(ids).to_numpy(dtype="float64")
        before = then[f"{name}_per_mu"].reindex(ids).to_numpy(dtype="float64")
        out[f"{name}_per_mu"] = current
        out[f"prev_{name}_per_mu"] = before
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{name}_change"] = np.where(before > 0, current / before - 1.0, np.nan)
    return out

"""The facts the low-efficiency flags read, per parcel in the evaluation year (DESIGN §5).

A fact is a number or a text about a parcel, taken from the scoring, raster and input tables
and aligned to the parcels: its main occupant, industry and class (this year and the year
before), tax and value added, FAR and the standard for its industry, coverage, vacancy,
the county's tax benchmark, the activity of the last years, its occupants on the phase-out
list or the negative list. The thresholds that turn facts into flags are in
:mod:`landeval.treatments.flags`. Decisions where the methodology is silent:

- The industry of a parcel is its main occupant's (the parcel scores' ``main_industry``,
  else looked up by uscc: firms table, then this year's firm scores, then main occupants).
- ``far_min`` is the minimum of that industry (longest prefix in ``flags.far_min``); a
  parcel with no occupant or no known industry uses ``flags.far_min_default``, since idle
  land is judged by the general standard.
- FAR is the raster stage's ``far`` (registered floor area where known, else its estimate);
  without a raster row (or with a missing ``far``) the same rule
  (:func:`landeval.raster.far.far`) on the parcel layer's floor area, with no estimate.
- The county benchmark of tax per mu is the county's total tax over the total area (mu) of
  its parcels that have an occupant in the year.
- A parcel had no activity in a year when it has no score row, no occupant, or neither tax
  nor value added (> 0); a year of the window with no parcel scores at all in the data is
  unknown (:attr:`ParcelFacts.unknown_years`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import (
    encode,
    first_positions,
    null_strings,
    per_value,
    starts_with,
    take_str,
    text_array,
    to_str,
)
from landeval.config import Config
from landeval.raster.far import far
from landeval.treatments._aligned import (
    Rows,
    YearRows,
    column_values,
    text_column,
    year_mask,
)

FACT_COLUMNS: list[str] = [
    "parcel_id",
    "county_code",
    "area_m2",
    "area_mu",
    "land_use",
    "planned_use",
    "built_year",
    "main_uscc",
    "main_name",
    "occupant_names",
    "n_occupants",
    "industry_code",
    "class",
    "class_prev",
    "tax",
    "value_added",
    "tax_per_mu",
    "va_per_mu",
    "county_tax_per_mu",
    "far",
    "far_source",
    "far_min",
    "coverage",
    "vacant_share",
    "has_raster",
    "idle_no_occupant",
    "idle_no_activity",
    "phase_out_industries",
    "veto_reasons",
]
"""The facts of :func:`parcel_facts`, one column each."""


@dataclass(frozen=True)
class ParcelFacts:
    """What :func:`parcel_facts` returns.

    Attributes
    ----------
    columns : dict of str to array
        :data:`FACT_COLUMNS`, each aligned to the parcels (numpy arrays for numbers and
        masks, pandas ``str`` arrays for texts, ``Int64`` for whole numbers).
    scored : ndarray of bool
        The parcel has a parcel-scores row in the evaluation year.
    unknown_years : list of int
        Years of the idle window for which the data hold no parcel scores at all (then
        ``idle_no_occupant`` and ``idle_no_activity`` are all False).
    """

    columns: dict[str, object]
    scored: np.ndarray
    unknown_years: list[int]


def parcel_facts(
    *,
    parcels: gpd.GeoDataFrame,
    parcel_scores: pd.DataFrame | None,
    parcel_raster: pd.DataFrame | None,
    firms: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    veto: pd.DataFrame | None,
    allocation: pd.DataFrame | None,
    config: Config,
    year: int,
) -> ParcelFacts:
    """Gather the facts of every parcel for the evaluation ``year``.

    Parameters
    ----------
    parcels : GeoDataFrame
        Canonical parcels with ``area_m2`` and ``area_mu``.
    parcel_scores, parcel_raster, firm_scores, allocation : DataFrame or None
        Result tables of the scoring and raster stages (all years for the scoring ones).
    firms, veto : DataFrame or None
        Canonical input tables.
    config : Config
        ``[flags]`` tables: ``far_min``, ``far_min_default``, ``phase_out_industries``,
        ``idle_years``.
    year : int
        Evaluation year.

    Returns
    -------
    ParcelFacts
    """
    fl = config.flags
    n = len(parcels)
    # Text stays Arrow throughout: keys are looked up with Arrow hash kernels and per-value
    # logic runs once per distinct value (see landeval._arrow), never per row in Python.
    pid = text_array(parcels["parcel_id"])
    # Columns are collected and made a frame once by the caller: inserting 44 columns one
    # by one into a DataFrame cost more than computing most of them.
    out: dict[str, object] = {}
    out["parcel_id"] = to_str(pid)
    for col in ("county_code", "land_use", "planned_use"):
        out[col] = to_str(text_column(parcels, col))
    area_m2 = column_values(parcels, "area_m2", "float")
    out["area_m2"] = area_m2
    out["area_mu"] = column_values(parcels, "area_mu", "float")
    out["built_year"] = column_values(parcels, "built_year", "Int64")

    # --- the evaluation from mu_scoring, this year and the year before -------------------
    by_year = YearRows(parcel_scores, pid)
    scored = by_year.aligned(year) >= 0
    main_uscc = by_year.text(year, "main_uscc")
    out["main_uscc"] = to_str(main_uscc)
    for col in ("main_name", "occupant_names"):
        out[col] = to_str(by_year.text(year, col))
    n_occ = by_year.floats(year, "n_occupants")
    out["n_occupants"] = pd.array(n_occ, dtype="Int64")
    out["class"] = to_str(by_year.text(year, "class"))
    out["class_prev"] = to_str(by_year.text(year - 1, "class"))
    for col in ("tax", "value_added", "tax_per_mu", "va_per_mu"):
        out[col] = by_year.floats(year, col)

    industry_of = _IndustryLookup(firms, firm_scores, by_year, year)
    industry = by_year.text(year, "main_industry")
    need = pc.fill_null(pc.equal(industry, ""), True).to_numpy(zero_copy_only=False)
    if need.any():
        from_firm = industry_of(main_uscc.filter(pa.array(need)))
        industry = pc.replace_with_mask(industry, pa.array(need), from_firm)
    out["industry_code"] = to_str(industry)

    # --- raster measures, FAR -------------------------------------------------------------
    raster = Rows(parcel_raster, pid)
    out["has_raster"] = raster.pos >= 0
    far_r = raster.floats("far")
    use_r = ~np.isnan(far_r)
    # Without the raster stage's FAR, the same rule on the parcel layer, with no estimate.
    far_p, source_p = far(column_values(parcels, "floor_area_m2", "float"), area_m2)
    out["far"] = np.where(use_r, far_r, far_p)
    source = pc.if_else(pa.array(use_r), raster.text("far_source"), text_array(source_p))
    out["far_source"] = to_str(source)
    out["far_min"] = _far_min(industry, fl.far_min, fl.far_min_default)
    out["coverage"] = raster.floats("coverage")
    out["vacant_share"] = raster.floats("vacant_share")

    # --- TAX_LOW benchmark per county ----------------------------------------------------
    occupied = np.nan_to_num(n_occ, nan=0.0) > 0
    county = text_array(out["county_code"])
    out["county_tax_per_mu"] = _county_benchmark(county, out["tax"], out["area_mu"], occupied)

    # --- occupants this year: phase-out industries and the negative list ----------------
    occ_pid, occ_uscc = _occupants(allocation, by_year, year)
    phase = _phase_out(occ_pid, occ_uscc, industry_of, fl.phase_out_industries)
    out["phase_out_industries"] = to_str(_reindextext_column(phase, pid))
    vetoed = _veto_reasons(occ_pid, occ_uscc, veto, firm_scores, year)
    out["veto_reasons"] = to_str(_reindextext_column(vetoed, pid))

    # --- activity in the last years --------------------------------------------------------
    no_occ, no_act, unknown_years = _idle(by_year, n, year, fl.idle_years)
    out["idle_no_occupant"] = no_occ
    out["idle_no_activity"] = no_act
    return ParcelFacts(
        columns={c: out[c] for c in FACT_COLUMNS}, scored=scored, unknown_years=unknown_years
    )


class _IndustryLookup:
    """uscc → industry_code: firms table, then firm scores of the year, then main occupants.

    The first row that names an industry for a uscc wins, in that order of sources; rows
    without an industry are skipped. Each source is searched only for the usccs the earlier
    ones did not resolve.
    """

    def __init__(
        self,
        firms: pd.DataFrame | None,
        firm_scores: pd.DataFrame | None,
        by_year: YearRows,
        year: int,
    ) -> None:
        # (uscc, industry, rows of the source or None for all), texts taken when needed.
        self._sources: list[tuple[pa.Array, pa.Array, Callable[[], np.ndarray] | None]] = []
        if firms is not None and len(firms) and "industry_code" in firms.columns:
            self._sources.append(
                (text_array(firms["uscc"]), text_array(firms["industry_code"]), None)
            )
        if firm_scores is not None and len(firm_scores) and "industry_code" in firm_scores.columns:
            self._sources.append(
                (
                    text_array(firm_scores["uscc"]),
                    text_array(firm_scores["industry_code"]),
                    lambda: np.flatnonzero(year_mask(firm_scores, year)),
                )
            )
        if by_year.has("main_uscc") and by_year.has("main_industry"):
            self._sources.append(
                (
                    by_year.columntext_column("main_uscc"),
                    by_year.columntext_column("main_industry"),
                    lambda: by_year.unique_rows(year),
                )
            )

    def __call__(self, uscc: pa.Array) -> pa.Array:
        """The industry of each uscc (missing where unknown)."""
        out = null_strings(len(uscc))
        todo = np.arange(len(uscc))
        for all_keys, all_values, rows in self._sources:
            if len(todo) == 0:
                break
            queries = uscc.take(pa.array(todo))
            if queries.null_count == len(queries) and all_keys.null_count == 0:
                continue  # only missing usccs asked, and this source has none
            keys, values = all_keys, all_values
            if rows is not None:
                sel = pa.array(rows())
                keys, values = keys.take(sel), values.take(sel)
            known = pc.is_valid(values)
            keys, values = keys.filter(known), values.filter(known)
            pos = first_positions(queries, keys)
            found = pos >= 0
            if found.any():
                mask = np.zeros(len(uscc), dtype=bool)
                mask[todo[found]] = True
                out = pc.replace_with_mask(out, pa.array(mask), values.take(pa.array(pos[found])))
            todo = todo[~found]
        return out


def _far_min(industry: pa.Array, table: dict[str, float], default: float) -> np.ndarray:
    """Longest-prefix match of each industry code in ``table``, else ``default``."""
    lengths = sorted({len(k) for k in table}, reverse=True)

    def lookup(code: str | None) -> float:
        code = "" if code is None else code
        for length in lengths:
            got = float(table.get(code[:length], np.nan))
            if not np.isnan(got) and len(code) >= length:
                return got
        return default

    return per_value(industry, lookup, dtype=float)


def _county_benchmark(
    county: pa.Array, tax: np.ndarray, area_mu: np.ndarray, occupied: np.ndarray
) -> np.ndarray:
    """Mean tax per mu of each county: Σ tax / Σ area (mu) over its occupied parcels."""
    codes, uniq = encode(county)
    keep = occupied & (codes >= 0)
    # Grouped on integer codes: the same pandas sums, in the same row order, as on the text.
    occ = pd.DataFrame({"tax": np.nan_to_num(tax[keep], nan=0.0), "area_mu": area_mu[keep]})
    sums = occ.groupby(codes[keep]).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (sums["tax"] / sums["area_mu"]).where(sums["area_mu"] > 0)
    bench = np.full(len(uniq) + 1, np.nan)  # the last entry: missing county
    bench[ratio.index.to_numpy()] = ratio.to_numpy()
    return bench[codes]


def _occupants(
    allocation: pd.DataFrame | None, by_year: YearRows, year: int
) -> tuple[pa.Array, pa.Array]:
    """(parcel_id, uscc) of every occupant in the year, from the allocation table.

    Pairs with a missing id are left out; pairs may repeat (callers drop duplicates on the
    few rows they keep).
    """
    if allocation is not None and len(allocation):
        rows = pa.array(np.flatnonzero(year_mask(allocation, year)))
        pid = text_array(allocation["parcel_id"]).take(rows)
        uscc = text_array(allocation["uscc"]).take(rows)
    elif by_year.has("main_uscc"):
        # Without the allocation, the main occupant is the only one known.
        rows = pa.array(by_year.unique_rows(year))
        pid = by_year.columntext_column("parcel_id").take(rows)
        uscc = by_year.columntext_column("main_uscc").take(rows)
    else:
        return null_strings(0), null_strings(0)
    valid = pc.and_(pc.is_valid(pid), pc.is_valid(uscc))
    return pid.filter(valid), uscc.filter(valid)


def _pairs(pid: pa.Array, uscc: pa.Array, keep: np.ndarray) -> pd.DataFrame:
    """The distinct (parcel_id, uscc) pairs among the rows in ``keep``, in first-seen order."""
    sel = pa.array(np.flatnonzero(keep))
    rows = pd.DataFrame({"parcel_id": to_str(pid.take(sel)), "uscc": to_str(uscc.take(sel))})
    return rows.drop_duplicates().reset_index(drop=True)


def _phase_out(
    pid: pa.Array, uscc: pa.Array, industry_of: _IndustryLookup, prefixes: list[str]
) -> pd.Series:
    """parcel_id → the phase-out industry codes of its occupants ("、"-joined)."""
    if not prefixes or len(pid) == 0:
        return pd.Series(dtype="str")
    industry = industry_of(uscc)
    hit = starts_with(industry, prefixes)
    if not hit.any():
        return pd.Series(dtype="str")
    # The industry depends on the uscc alone, so filtering before dropping duplicate pairs
    # keeps exactly the pairs that filtering after would.
    rows = _pairs(pid, uscc, hit)
    rows["industry_code"] = to_str(industry_of(text_array(rows["uscc"])))
    rows = rows.sort_values(["parcel_id", "industry_code"])
    return _join_distinct(rows["parcel_id"], rows["industry_code"])


def _veto_reasons(
    pid: pa.Array,
    uscc: pa.Array,
    veto: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    year: int,
) -> pd.Series:
    """parcel_id → reasons of its occupants on the negative list in the year."""
    parts = []
    if veto is not None and len(veto):
        listed = veto.loc[year_mask(veto, year), ["uscc", "reason"]]
        # A firm on the list counts even when the list gives no reason text.
        text = listed["reason"].astype("str").fillna("").str.strip()
        parts.append(listed.assign(reason=text.where(text != "", "负面清单")))
    if firm_scores is not None and len(firm_scores) and "veto_reason" in firm_scores.columns:
        # Only rows with a reason can survive the strip below: select them first (cheap).
        given = pc.is_valid(text_array(firm_scores["veto_reason"])).to_numpy(zero_copy_only=False)
        fs = firm_scores.loc[year_mask(firm_scores, year) & given, ["uscc", "veto_reason"]]
        text = fs["veto_reason"].astype("str").fillna("").str.strip()
        parts.append(pd.DataFrame({"uscc": fs["uscc"], "reason": text}).loc[text != ""])
    if not parts or len(pid) == 0:
        return pd.Series(dtype="str")
    reasons = pd.concat(parts, ignore_index=True).dropna(subset=["uscc"])
    reasons = reasons.assign(uscc=reasons["uscc"].astype("str"))
    # Only occupants on the list can match: the inner merge below drops the others anyway.
    listed = pc.is_in(uscc, value_set=text_array(reasons["uscc"]))
    occ = _pairs(pid, uscc, pc.fill_null(listed, False).to_numpy(zero_copy_only=False))
    hit = occ.merge(reasons, on="uscc", how="inner")
    if len(hit) == 0:
        return pd.Series(dtype="str")
    hit = hit.sort_values(["parcel_id", "uscc"])
    return _join_distinct(hit["parcel_id"], hit["reason"])


def _join_distinct(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per key (sorted), its distinct values "、"-joined in order of appearance.

    The same as ``values.groupby(keys).agg(lambda s: "、".join(dict.fromkeys(s)))`` without
    a Python call per group; rows with a missing key are left out, as groupby does.
    """
    joined: dict = {}
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        if pd.isna(key):
            continue
        joined.setdefault(key, {})[value] = None
    index = sorted(joined)
    return pd.Series(
        ["、".join(joined[k]) for k in index], index=pd.Index(index, dtype=object), dtype="str"
    )


def _reindextext_column(values: pd.Series, pid: pa.Array) -> pa.Array:
    """``values.reindex(pid)`` as Arrow text (missing where a parcel has no entry)."""
    if len(values) == 0:
        return null_strings(len(pid))
    keys = text_array(pd.Series(values.index, dtype=object))
    return take_str(text_array(values), first_positions(pid, keys))


def _idle(
    by_year: YearRows, n: int, year: int, years: int
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Whether each parcel had no occupant / no activity in each of the last ``years`` years.

    Returns the two masks and the years for which the data hold no parcel scores at all
    (then neither mask can be set).
    """
    no_occ = np.ones(n, dtype=bool)
    no_act = np.ones(n, dtype=bool)
    present = by_year.years
    window = list(range(year - years + 1, year + 1))
    unknown = [y for y in window if y not in present]
    if unknown:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), unknown
    for y in window:
        n_occ = np.nan_to_num(by_year.floats(y, "n_occupants"), nan=0.0)
        tax = np.nan_to_num(by_year.floats(y, "tax"), nan=0.0)
        va = np.nan_to_num(by_year.floats(y, "value_added"), nan=0.0)
        empty = n_occ <= 0
        no_occ &= empty
        no_act &= empty | ((tax <= 0) & (va <= 0))
    # A parcel with no occupant in every year is reported as such, not as "no activity".
    return no_occ, no_act & ~no_occ, []

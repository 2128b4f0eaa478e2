"""The facts the low-efficiency flags read, per parcel in the evaluation year (DESIGN §5).

A fact is a number or a text about a parcel, taken from the scoring, raster and input tables
and aligned to the parcels: its registry fields (location, township, title number), its main
occupant, industry and class, its occupants (:mod:`landeval.treatments.occupants`: who holds
it, their firm flags, the firm actions), tax and value added and how much of them is known,
FAR and the standard for its industry, coverage, vacancy, the county's tax benchmark this
year and the years before, its activity in the last years, whether it is built, and its
land-sale contract (:mod:`landeval.treatments.idle_land`). The thresholds that turn facts
into flags are in :mod:`landeval.treatments.flags`. Decisions where the methodology is silent:

- The industry shown is the main occupant's (the parcel scores' ``main_industry``, else
  looked up by uscc: firms table, then this year's firm scores, then main occupants). The
  FAR standard (``far_min``, longest prefix in ``flags.far_min``) is that of the *decisive*
  occupant's industry — the main occupant when it uses at least
  ``flags.firm_flag_min_share`` of the parcel; a parcel without one (a multi-tenant building,
  idle land) uses ``flags.far_min_default``, the general standard.
- FAR is the raster stage's ``far`` (registered floor area where known, else its estimate);
  without a raster row (or with a missing ``far``) the same rule
  (:func:`landeval.raster.far.far`) on the parcel layer's floor area, with no estimate.
- The county benchmark of tax per mu in a year is the county's total tax over the total area
  (mu) of its parcels that have an occupant and a known tax in the year: a parcel with a
  missing figure counts neither its tax nor its area.
- A parcel was inactive in a year when it had no occupant, or its occupants' tax and value
  added are both known and not positive; a missing figure is not inactivity. A year of the
  window with no parcel scores at all in the data is unknown (:attr:`ParcelFacts.unknown_years`).
- A parcel is built when its built year, a floor area, a FAR or a raster building coverage
  says so (``built``); STOPPED needs built land.
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
from landeval.treatments.idle_land import IdleLand, idle_land
from landeval.treatments.occupants import Occupants, parcel_occupants

FACT_COLUMNS: list[str] = [
    "parcel_id",
    "county_code",
    "township",
    "location",
    "title_no",
    "area_m2",
    "area_mu",
    "land_use",
    "planned_use",
    "built_year",
    "built",
    "main_uscc",
    "main_name",
    "occupant_names",
    "owner_names",
    "user_names",
    "n_occupants",
    "industry_code",
    "standard_industry",
    "class",
    "rule_class",
    "scale",
    "status",
    "tax",
    "value_added",
    "tax_per_mu",
    "va_per_mu",
    "known_share",
    "county_tax_per_mu",
    "tax_per_mu_prev",
    "county_tax_per_mu_prev",
    "tax_low_earlier",
    "far",
    "far_source",
    "far_min",
    "coverage",
    "vacant_share",
    "has_raster",
    "stopped_no_occupant",
    "stopped_no_activity",
    "closed_share",
    "idle_years",
    "idle_stalled",
    "developed_share",
    "contract_start_date",
    "actual_start_date",
    "micro_park",
    "firm_actions_zh",
]
"""The facts of :func:`parcel_facts`, one column each (the firm-flag names are in
:attr:`ParcelFacts.occupants`)."""


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
        Years of the STOPPED window for which the data hold no parcel scores at all (then
        ``stopped_no_occupant`` and ``stopped_no_activity`` are all False).
    unknown_tax_years : list of int
        Years of the TAX_LOW window without parcel scores (then TAX_LOW is not raised).
    occupants : Occupants
        The occupants' firm flags, the firm actions, the decisive occupant.
    idle : IdleLand
        IDLE_LAND from the contract dates.
    """

    columns: dict[str, object]
    scored: np.ndarray
    unknown_years: list[int]
    unknown_tax_years: list[int]
    occupants: Occupants
    idle: IdleLand


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
    platform_kind: pa.Array | None = None,
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
        ``[flags]`` tables and thresholds.
    year : int
        Evaluation year.
    platform_kind : pyarrow.Array, optional
        The kind of each parcel's platform (小微企业园, …); None: no platforms.

    Returns
    -------
    ParcelFacts
    """
    fl = config.flags
    n = len(parcels)
    # Text stays Arrow throughout: keys are looked up with Arrow hash kernels and per-value
    # logic runs once per distinct value (see landeval._arrow), never per row in Python.
    pid = text_array(parcels["parcel_id"])
    # Columns are collected and made a frame once by the caller: inserting them one by one
    # into a DataFrame cost more than computing most of them.
    out: dict[str, object] = {}
    out["parcel_id"] = to_str(pid)
    for col in ("county_code", "township", "location", "title_no", "land_use", "planned_use"):
        out[col] = to_str(text_column(parcels, col))
    area_m2 = column_values(parcels, "area_m2", "float")
    out["area_m2"] = area_m2
    out["area_mu"] = column_values(parcels, "area_mu", "float")
    out["built_year"] = column_values(parcels, "built_year", "Int64")

    # --- the evaluation from mu_scoring, this year and the years before ------------------
    by_year = YearRows(parcel_scores, pid)
    scored = by_year.aligned(year) >= 0
    main_uscc = by_year.text(year, "main_uscc")
    out["main_uscc"] = to_str(main_uscc)
    for col in ("main_name", "occupant_names"):
        out[col] = to_str(by_year.text(year, col))
    n_occ = by_year.floats(year, "n_occupants")
    out["n_occupants"] = pd.array(n_occ, dtype="Int64")
    cls = by_year.text(year, "class")
    out["class"] = to_str(cls)
    for col in ("tax", "value_added", "tax_per_mu", "va_per_mu"):
        out[col] = by_year.floats(year, col)
    known = by_year.floats(year, "known_share")
    out["known_share"] = np.where(scored & np.isnan(known), 1.0, known)

    lookup = _FirmLookup(firms, firm_scores, by_year, year)
    industry = by_year.text(year, "main_industry")
    need = pc.fill_null(pc.equal(industry, ""), True).to_numpy(zero_copy_only=False)
    if need.any():
        from_firm = lookup("industry_code", main_uscc.filter(pa.array(need)))
        industry = pc.replace_with_mask(industry, pa.array(need), from_firm)
    out["industry_code"] = to_str(industry)

    # --- occupants: firm flags, firm actions, the decisive occupant ------------------------
    county = text_array(out["county_code"])
    kind = platform_kind if platform_kind is not None else null_strings(n)
    occ = parcel_occupants(
        pid=pid,
        county=county,
        area_m2=area_m2,
        main_uscc=main_uscc,
        n_occupants=n_occ,
        platform_kind=kind,
        allocation=allocation,
        firm_scores=firm_scores,
        firms=firms,
        veto=veto,
        config=config,
        year=year,
    )
    decisive = pa.array(occ.decisive)
    nothing = null_strings(n)
    standard = pc.if_else(decisive, industry, nothing)
    out["standard_industry"] = to_str(standard)
    out["rule_class"] = to_str(pc.if_else(decisive, cls, nothing))
    out["scale"] = to_str(pc.if_else(decisive, lookup("scale", main_uscc), nothing))
    status = lookup("status", main_uscc)
    closed = pc.is_in(status, value_set=pa.array(fl.closed_statuses, type=pa.large_string()))
    out["status"] = to_str(pc.if_else(pc.fill_null(closed, False), status, nothing))
    out["owner_names"] = to_str(occ.owner_names)
    out["user_names"] = to_str(occ.user_names)
    out["firm_actions_zh"] = to_str(occ.firm_actions_zh)
    out["closed_share"] = occ.closed_share
    out["micro_park"] = occ.micro_park

    # --- raster measures, FAR -------------------------------------------------------------
    raster = Rows(parcel_raster, pid)
    out["has_raster"] = raster.pos >= 0
    far_r = raster.floats("far")
    use_r = ~np.isnan(far_r)
    # Without the raster stage's FAR, the same rule on the parcel layer, with no estimate.
    floor_area = column_values(parcels, "floor_area_m2", "float")
    far_p, source_p = far(floor_area, area_m2)
    out["far"] = np.where(use_r, far_r, far_p)
    source = pc.if_else(pa.array(use_r), raster.text("far_source"), text_array(source_p))
    out["far_source"] = to_str(source)
    out["far_min"] = _far_min(standard, fl.far_min, fl.far_min_default)
    out["coverage"] = raster.floats("coverage")
    out["vacant_share"] = raster.floats("vacant_share")
    built_year = column_values(parcels, "built_year", "float")
    out["built"] = (
        ~np.isnan(built_year)
        | (np.nan_to_num(floor_area, nan=0.0) > 0)
        | (np.nan_to_num(np.asarray(out["far"], dtype="float64"), nan=0.0) > 0)
        | (np.nan_to_num(np.asarray(out["coverage"], dtype="float64"), nan=0.0) > _BUILT_COVERAGE)
    )

    # --- TAX_LOW benchmark per county, this year and the year before ---------------------
    occupied = np.nan_to_num(n_occ, nan=0.0) > 0
    area_mu = np.asarray(out["area_mu"], dtype="float64")
    tax_now = np.asarray(out["tax"], dtype="float64")
    out["county_tax_per_mu"] = _county_benchmark(county, tax_now, area_mu, occupied)
    # The years before in the TAX_LOW window: low in every one (occupied, known and below the
    # share of that year's benchmark); the year before is quoted in the reason.
    earlier = np.ones(n, dtype=bool)
    for k in range(1, fl.tax_low_years):
        tpm, bench = _tax_per_mu(by_year, county, area_mu, year - k)
        earlier &= ~np.isnan(tpm) & (np.nan_to_num(bench) > 0)
        earlier &= tpm < fl.tax_low_ratio * np.nan_to_num(bench)
        if k == 1:
            out["tax_per_mu_prev"], out["county_tax_per_mu_prev"] = tpm, bench
    if fl.tax_low_years < 2:
        out["tax_per_mu_prev"], out["county_tax_per_mu_prev"] = _tax_per_mu(
            by_year, county, area_mu, year - 1
        )
    out["tax_low_earlier"] = earlier
    tax_window = range(year - fl.tax_low_years + 1, year + 1)
    unknown_tax_years = [y for y in tax_window if y not in by_year.years]

    # --- activity in the last years, idle land -------------------------------------------
    no_occ, no_act, unknown_years = _stopped(by_year, n, year, fl.stopped_years)
    out["stopped_no_occupant"] = no_occ
    out["stopped_no_activity"] = no_act
    inactive_now = _inactive(by_year, year)
    idle = idle_land(parcels, inactive=inactive_now, config=config, year=year)
    out["idle_years"] = idle.years
    out["idle_stalled"] = idle.stalled
    out["developed_share"] = idle.developed_share
    for col in ("contract_start_date", "actual_start_date"):
        out[col] = (
            pd.to_datetime(parcels[col], errors="coerce").to_numpy()
            if col in parcels.columns
            else np.full(n, np.datetime64("NaT", "ns"))
        )
    return ParcelFacts(
        columns={c: out[c] for c in FACT_COLUMNS},
        scored=scored,
        unknown_years=unknown_years,
        unknown_tax_years=unknown_tax_years,
        occupants=occ,
        idle=idle,
    )


# A raster coverage above this counts as a building (below: noise on bare land).
_BUILT_COVERAGE = 0.02


class _FirmLookup:
    """uscc → a firm attribute: firms table, then firm scores of the year, then main occupants.

    The first row that gives the attribute for a uscc wins, in that order of sources; rows
    without it are skipped. Each source is searched only for the usccs the earlier ones did
    not resolve. The main occupants (parcel scores) give the industry only.
    """

    def __init__(
        self,
        firms: pd.DataFrame | None,
        firm_scores: pd.DataFrame | None,
        by_year: YearRows,
        year: int,
    ) -> None:
        self._firms = firms if firms is not None and len(firms) else None
        self._scores = firm_scores if firm_scores is not None and len(firm_scores) else None
        self._by_year = by_year
        self._year = year

    def _sources(
        self, col: str
    ) -> list[tuple[pa.Array, pa.Array, Callable[[], np.ndarray] | None]]:
        # (uscc, attribute, rows of the source or None for all), texts taken when needed.
        sources: list[tuple[pa.Array, pa.Array, Callable[[], np.ndarray] | None]] = []
        if self._firms is not None and col in self._firms.columns:
            sources.append((text_array(self._firms["uscc"]), text_array(self._firms[col]), None))
        scores = self._scores
        if scores is not None and col in scores.columns:
            sources.append(
                (
                    text_array(scores["uscc"]),
                    text_array(scores[col]),
                    lambda: np.flatnonzero(year_mask(scores, self._year)),
                )
            )
        by_year = self._by_year
        if col == "industry_code" and by_year.has("main_uscc") and by_year.has("main_industry"):
            sources.append(
                (
                    by_year.columntext_column("main_uscc"),
                    by_year.columntext_column("main_industry"),
                    lambda: by_year.unique_rows(self._year),
                )
            )
        return sources

    def __call__(self, col: str, uscc: pa.Array) -> pa.Array:
        """The attribute ``col`` of each uscc (missing where unknown)."""
        out = null_strings(len(uscc))
        todo = np.arange(len(uscc))
        for all_keys, all_values, rows in self._sources(col):
            if len(todo) == 0:
                break
            queries = uscc.take(pa.array(todo))
            if queries.null_count == len(queries) and all_keys.null_count == 0:
                continue  # only missing usccs asked, and this source has none
            keys, values = all_keys, all_values
            if rows is not None:
                sel = pa.array(rows())
                keys, values = keys.take(sel), values.take(sel)
            known = pc.and_(pc.is_valid(values), pc.not_equal(values, ""))
            known = pc.fill_null(known, False)
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
    """Tax per mu of each county: Σ tax / Σ area (mu) over its occupied parcels of known tax."""
    codes, uniq = encode(county)
    keep = occupied & (codes >= 0) & ~np.isnan(tax)
    # Grouped on integer codes: the same pandas sums, in the same row order, as on the text.
    occ = pd.DataFrame({"tax": tax[keep], "area_mu": area_mu[keep]})
    sums = occ.groupby(codes[keep]).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (sums["tax"] / sums["area_mu"]).where(sums["area_mu"] > 0)
    bench = np.full(len(uniq) + 1, np.nan)  # the last entry: missing county
    bench[ratio.index.to_numpy()] = ratio.to_numpy()
    return bench[codes]


def _tax_per_mu(
    by_year: YearRows, county: pa.Array, area_mu: np.ndarray, year: int
) -> tuple[np.ndarray, np.ndarray]:
    """Tax per mu of each occupied parcel in ``year`` (NaN: empty or unknown), and its county's."""
    occupied = np.nan_to_num(by_year.floats(year, "n_occupants"), nan=0.0) > 0
    tax = np.where(occupied, by_year.floats(year, "tax"), np.nan)
    tpm = np.where(occupied, by_year.floats(year, "tax_per_mu"), np.nan)
    return tpm, _county_benchmark(county, tax, area_mu, occupied)


def _inactive(by_year: YearRows, year: int) -> np.ndarray:
    """No occupant, or a known tax and value added both ≤ 0, in ``year``."""
    n_occ = np.nan_to_num(by_year.floats(year, "n_occupants"), nan=0.0)
    tax = by_year.floats(year, "tax")
    va = by_year.floats(year, "value_added")
    # NaN ≤ 0 is False: a missing figure is not inactivity.
    return (n_occ <= 0) | ((tax <= 0) & (va <= 0))


def _stopped(
    by_year: YearRows, n: int, year: int, years: int
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Whether each parcel had no occupant / no activity in each of the last ``years`` years.

    Returns the two masks and the years for which the data hold no parcel scores at all
    (then neither mask can be set).
    """
    no_occ = np.ones(n, dtype=bool)
    no_act = np.ones(n, dtype=bool)
    window = list(range(year - years + 1, year + 1))
    unknown = [y for y in window if y not in by_year.years]
    if unknown:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), unknown
    for y in window:
        empty = np.nan_to_num(by_year.floats(y, "n_occupants"), nan=0.0) <= 0
        no_occ &= empty
        no_act &= _inactive(by_year, y)
    # A parcel with no occupant in every year is reported as such, not as "no activity".
    return no_occ, no_act & ~no_occ, []

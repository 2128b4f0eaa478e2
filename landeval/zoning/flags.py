"""Low-efficiency flags of each parcel in the evaluation year (DESIGN §5).

Each flag is a boolean column named by its code (:data:`landeval.config.FLAG_CODES`); the
numbers behind it are kept beside it so that the reason sentence can quote them. Decisions
where the methodology is silent:

- FAR_LOW uses the minimum of the main occupant's industry (longest prefix in
  ``flags.far_min``); a parcel with no occupant or no known industry uses
  ``flags.far_min_default``, since idle land is judged by the general standard.
- FAR is the raster stage's ``far`` (registered floor area where known, else its estimate);
  without a raster row (or with a missing ``far``) it is floor_area_m2 / area_m2 from the
  parcel layer, far_source "registered"; unknown FAR has far_source "none" and no FAR_LOW.
- TAX_LOW compares a parcel's tax per mu with the county benchmark: the county's total tax
  over the total area (mu) of its parcels that have an occupant in the year. Parcels with no
  occupant are not judged for TAX_LOW (IDLE covers them).
- TAX_LOW is not raised when the parcel's class is T and ``flags.tax_low_skips_class_t``
  (the main occupant's tax is not judged: a new firm, a utility, a firm under the land
  threshold); FAR_LOW and COVERAGE_LOW are not raised when the main occupant's industry is
  in ``flags.intensity_exempt_industries`` (a power plant has no manufacturing FAR standard).
  ``notes_zh`` says so in both cases.
- IDLE needs evidence in each of the last ``idle_years`` years: a year with no parcel scores
  at all in the data is unknown, and then only the vacant share can raise IDLE. A parcel is
  idle in a year when it has no score row, no occupant, or neither tax nor value added (> 0).
- Without a raster row COVERAGE_LOW and the vacancy part of IDLE are not raised; the parcel's
  ``notes_zh`` says so.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.config import FLAG_CODES, Config
from landeval.findings import Finding, findings_frame
from landeval.vocabulary import FLAG_LABELS
from landeval.zoning._arrow import (
    STRING,
    encode,
    equals,
    first_positions,
    join_masks,
    null_strings,
    per_value,
    str_array,
    take_float,
    take_str,
    to_str,
)

FLAG_DETAIL_COLUMNS: list[str] = [
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
    "idle_vacant",
    "phase_out_industries",
    "veto_reasons",
    *FLAG_CODES,
    "flags",
    "flags_zh",
    "notes_zh",
]
"""Columns returned by :func:`compute_flags`."""

_MAX_IDS_IN_FINDING = 5


def compute_flags(
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
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute every low-efficiency flag of every parcel for the evaluation ``year``.

    Parameters
    ----------
    parcels : GeoDataFrame
        Canonical parcels with ``area_m2`` and ``area_mu``.
    parcel_scores, parcel_raster, firm_scores, allocation : DataFrame or None
        Result tables of the scoring and raster stages (all years for the scoring ones).
    firms, veto : DataFrame or None
        Canonical input tables.
    config : Config
        ``[flags]`` thresholds and tables.
    year : int
        Evaluation year.

    Returns
    -------
    flags : DataFrame
        One row per parcel in the parcels' order and index, :data:`FLAG_DETAIL_COLUMNS`:
        the numbers, a boolean column per flag code, ``flags`` (codes joined with ";" in
        FLAG_CODES order), ``flags_zh`` (labels joined with "；") and ``notes_zh`` (what could
        not be judged).
    findings : DataFrame
        Info findings on parcels that could not be fully judged.
    """
    fl = config.flags
    n = len(parcels)
    # Text stays Arrow throughout: keys are looked up with Arrow hash kernels and per-value
    # logic runs once per distinct value (see _arrow.py), never per row in Python.
    pid = str_array(parcels["parcel_id"])
    # Columns are collected and made a frame once: inserting 44 columns one by one into a
    # DataFrame cost more than computing most of them.
    out: dict[str, object] = {}
    out["parcel_id"] = to_str(pid)
    for col in ("county_code", "land_use", "planned_use"):
        out[col] = to_str(_text(parcels, col))
    area_m2 = _col(parcels, "area_m2", "float")
    out["area_m2"] = area_m2
    out["area_mu"] = _col(parcels, "area_mu", "float")
    out["built_year"] = _col(parcels, "built_year", "Int64")

    # --- the evaluation from mu_scoring, this year and the year before -------------------
    by_year = _YearRows(parcel_scores, pid)
    scored = by_year.aligned(year) >= 0
    main_uscc = by_year.text(year, "main_uscc")
    out["main_uscc"] = to_str(main_uscc)
    for col in ("main_name", "occupant_names"):
        out[col] = to_str(by_year.text(year, col))
    n_occ = by_year.floats(year, "n_occupants")
    out["n_occupants"] = pd.array(n_occ, dtype="Int64")
    cls_arr = by_year.text(year, "class")
    out["class"] = to_str(cls_arr)
    prev_arr = by_year.text(year - 1, "class")
    out["class_prev"] = to_str(prev_arr)
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
    raster = _Rows(parcel_raster, pid)
    has_raster = raster.pos >= 0
    out["has_raster"] = has_raster
    far_r = raster.floats("far")
    floor = _col(parcels, "floor_area_m2", "float")
    with np.errstate(divide="ignore", invalid="ignore"):
        far_reg = np.where(area_m2 > 0, floor / area_m2, np.nan)
    use_r = ~np.isnan(far_r)
    far = np.where(use_r, far_r, far_reg)
    out["far"] = far
    # The raster stage's vocabulary: "registered", "raster", or "none" when FAR is unknown.
    source = pc.if_else(pa.array(use_r), raster.text("far_source"), null_strings(n))
    registered = pa.array(~use_r & ~np.isnan(far_reg))
    source = pc.if_else(registered, pa.scalar("registered", STRING), source)
    source = pc.if_else(pa.array(np.isnan(far)), pa.scalar("none", STRING), source)
    out["far_source"] = to_str(source)
    out["far_min"] = _far_min(industry, fl.far_min, fl.far_min_default)
    out["coverage"] = raster.floats("coverage")
    vacant = raster.floats("vacant_share")
    out["vacant_share"] = vacant

    # --- TAX_LOW benchmark per county ----------------------------------------------------
    occupied = np.nan_to_num(n_occ, nan=0.0) > 0
    county = str_array(out["county_code"])
    bench = _county_benchmark(county, out["tax"], out["area_mu"], occupied)
    out["county_tax_per_mu"] = bench

    # --- occupants this year: phase-out industries and the negative list ----------------
    occ_pid, occ_uscc = _occupants(allocation, by_year, year)
    phase = _phase_out(occ_pid, occ_uscc, industry_of, fl.phase_out_industries)
    out["phase_out_industries"] = to_str(_reindex_text(phase, pid))
    vetoed = _veto_reasons(occ_pid, occ_uscc, veto, firm_scores, year)
    out["veto_reasons"] = to_str(_reindex_text(vetoed, pid))

    # --- IDLE -----------------------------------------------------------------------------
    idle_no_occ, idle_no_act, unknown_years = _idle(by_year, n, year, fl.idle_years)
    out["idle_no_occupant"] = idle_no_occ
    out["idle_no_activity"] = idle_no_act
    idle_vacant = ~np.isnan(vacant) & (vacant >= fl.idle_vacant_share)
    out["idle_vacant"] = idle_vacant

    # --- the flags ------------------------------------------------------------------------
    cov = out["coverage"]
    tpm = out["tax_per_mu"]
    is_t = equals(cls_arr, "T")
    is_d = equals(cls_arr, "D")
    prefixes = tuple(fl.industrial_use_prefixes)
    plan_conflict = per_value(
        str_array(out["planned_use"]), lambda u: _plan_conflict(u, prefixes), dtype=bool
    )
    built = out["built_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    tax_exempt = is_t & fl.tax_low_skips_class_t
    intensity_exempt = _has_prefix(industry, fl.intensity_exempt_industries)
    flags = {
        "FAR_LOW": ~intensity_exempt & ~np.isnan(far) & (far < out["far_min"]),
        "COVERAGE_LOW": ~intensity_exempt & ~np.isnan(cov) & (cov < fl.coverage_min),
        "TAX_LOW": occupied
        & ~tax_exempt
        & ~np.isnan(tpm)
        & (np.nan_to_num(bench) > 0)
        & (tpm < fl.tax_low_ratio * np.nan_to_num(bench)),
        "CLASS_C": equals(cls_arr, "C"),
        "CLASS_D": is_d,
        "CLASS_D_TWICE": is_d & equals(prev_arr, "D"),
        "IDLE": idle_no_occ | idle_no_act | idle_vacant,
        "PHASE_OUT": ~out["phase_out_industries"].isna(),
        "VETO": ~out["veto_reasons"].isna(),
        "PLAN_CONFLICT": plan_conflict,
        "OLD_BUILDINGS": ~np.isnan(built) & (built <= year - fl.old_building_years),
    }
    for code in FLAG_CODES:
        out[code] = np.asarray(flags[code], dtype=bool)
    out["flags"] = to_str(join_masks(flags, {c: c for c in FLAG_CODES}, ";"))
    labels = {c: FLAG_LABELS[c]["zh"] for c in FLAG_CODES}
    out["flags_zh"] = to_str(join_masks(flags, labels, "；"))

    notes = {
        "tax_exempt": tax_exempt & occupied,
        "intensity_exempt": intensity_exempt,
        "no_score": ~scored,
        "no_raster": ~has_raster,
        "no_far": np.isnan(far),
    }
    note_text = {
        "tax_exempt": "主要用地企业不参评，亩均税收未判断",
        "intensity_exempt": "公用事业用地，无工业容积率和建筑系数标准，未判断",
        "no_score": f"{year}年无亩均评价数据",
        "no_raster": "无遥感数据，建筑系数和空置率未判断",
        "no_far": "无建筑面积数据，容积率未判断",
    }
    if unknown_years:
        years = "、".join(str(y) for y in unknown_years)
        notes["unknown_years"] = np.ones(n, dtype=bool)
        note_text["unknown_years"] = f"缺少{years}年评价数据，未按连续年份判断闲置"
    joined = join_masks(notes, note_text, "；")
    # No note at all is a missing value, not "".
    out["notes_zh"] = to_str(pc.if_else(pc.equal(joined, ""), null_strings(n), joined))

    findings = _findings(pid, scored=scored, has_raster=has_raster, year=year)
    return pd.DataFrame({c: out[c] for c in FLAG_DETAIL_COLUMNS}, index=parcels.index), findings


def join_where(masks: dict[str, np.ndarray], texts: dict[str, object], sep: str) -> np.ndarray:
    """Join, row by row, the texts whose mask is True, in the masks' order.

    Parameters
    ----------
    masks : dict of str to bool ndarray
        One mask per key, all of the same length.
    texts : dict of str to str or object ndarray
        The text of each key: one string for all rows or an array of per-row strings.
    sep : str
        Separator between joined texts.

    Returns
    -------
    ndarray of str (object dtype)
        The joined text per row, "" where no mask is set.
    """
    n = len(next(iter(masks.values()))) if masks else 0
    out = np.full(n, "", dtype=object)
    for key, mask in masks.items():
        text = texts[key]
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            continue
        t = text[m] if isinstance(text, np.ndarray) else text
        cur = out[m]
        out[m] = np.where(cur == "", t, cur + sep + t)
    return out


def _col(frame: pd.DataFrame, col: str, dtype: str):
    if col in frame.columns:
        values = frame[col]
    else:
        values = pd.Series([None] * len(frame), index=frame.index)
    if dtype == "float":
        return pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    return pd.to_numeric(values, errors="coerce").round().astype("Int64").array


def _text(frame: pd.DataFrame, col: str) -> pa.Array:
    """A text column as Arrow; all missing when the frame lacks it."""
    return str_array(frame[col]) if col in frame.columns else null_strings(len(frame))


def _float_column(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A numeric column as float (unparseable values NaN); NaN when the frame lacks it."""
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    values = frame[col]
    if values.dtype.kind in "fiu":  # already numbers: to_numeric would change nothing
        return values.to_numpy(dtype=float)
    return pd.to_numeric(values, errors="coerce").astype(float).to_numpy()


def _year_mask(table: pd.DataFrame, year: int) -> np.ndarray:
    return (table["year"] == year).to_numpy(dtype=bool, na_value=False)


class _Rows:
    """The rows of a per-parcel table aligned to the parcels: its first row per parcel_id."""

    def __init__(self, table: pd.DataFrame | None, pid: pa.Array) -> None:
        self._table = table if table is not None and len(table) else None
        if self._table is None:
            self.pos = np.full(len(pid), -1, dtype=np.int64)
        else:
            self.pos = first_positions(pid, str_array(self._table["parcel_id"]))

    def floats(self, col: str) -> np.ndarray:
        if self._table is None:
            return np.full(len(self.pos), np.nan)
        return take_float(_float_column(self._table, col), self.pos)

    def text(self, col: str) -> pa.Array:
        if self._table is None:
            return null_strings(len(self.pos))
        return take_str(_text(self._table, col), self.pos)


class _YearRows:
    """The parcel scores of each year aligned to the parcels, each year computed once.

    A parcel takes the first row of its parcel_id in the year (the table's order).
    """

    def __init__(self, table: pd.DataFrame | None, pid: pa.Array) -> None:
        has = table is not None and len(table) > 0
        self._table = table if has else None
        self._pid = pid
        years = pd.to_numeric(table["year"]).dropna().astype(int).to_numpy() if has else []
        self.years = set(np.unique(years).tolist())
        self._ids = str_array(table["parcel_id"]) if has else None
        self._rows: dict[int, np.ndarray] = {}
        self._aligned: dict[int, np.ndarray] = {}
        self._floats: dict[str, np.ndarray] = {}
        self._texts: dict[str, pa.Array] = {}

    def rows(self, year: int) -> np.ndarray:
        """Table rows of the year, in table order."""
        if year not in self._rows:
            if self._table is None:
                self._rows[year] = np.empty(0, dtype=np.int64)
            else:
                self._rows[year] = np.flatnonzero(_year_mask(self._table, year))
        return self._rows[year]

    def aligned(self, year: int) -> np.ndarray:
        """Table row of each parcel in the year, −1 where it has none."""
        if year not in self._aligned:
            rows = self.rows(year)
            if len(rows) == 0:
                pos = np.full(len(self._pid), -1, dtype=np.int64)
            else:
                at = first_positions(self._pid, self._ids.take(pa.array(rows)))
                pos = np.where(at >= 0, rows[np.maximum(at, 0)], -1)
            self._aligned[year] = pos
        return self._aligned[year]

    def unique_rows(self, year: int) -> np.ndarray:
        """Table rows of the year, the first per parcel_id, in table order."""
        rows = self.rows(year)
        if len(rows) == 0:
            return rows
        ids = self._ids.take(pa.array(rows))
        first = first_positions(ids, ids)
        return rows[first == np.arange(len(rows))]

    def has(self, col: str) -> bool:
        return self._table is not None and col in self._table.columns

    def floats(self, year: int, col: str) -> np.ndarray:
        if self._table is None:
            return np.full(len(self._pid), np.nan)
        if col not in self._floats:
            self._floats[col] = _float_column(self._table, col)
        return take_float(self._floats[col], self.aligned(year))

    def column_text(self, col: str) -> pa.Array:
        """The whole table's column as Arrow text."""
        if col not in self._texts:
            self._texts[col] = _text(self._table, col)
        return self._texts[col]

    def text(self, year: int, col: str) -> pa.Array:
        if self._table is None:
            return null_strings(len(self._pid))
        return take_str(self.column_text(col), self.aligned(year))


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
        by_year: _YearRows,
        year: int,
    ) -> None:
        # (uscc, industry, rows of the source or None for all), texts taken when needed.
        self._sources: list[tuple[pa.Array, pa.Array, Callable[[], np.ndarray] | None]] = []
        if firms is not None and len(firms) and "industry_code" in firms.columns:
            self._sources.append(
                (str_array(firms["uscc"]), str_array(firms["industry_code"]), None)
            )
        if firm_scores is not None and len(firm_scores) and "industry_code" in firm_scores.columns:
            self._sources.append(
                (
                    str_array(firm_scores["uscc"]),
                    str_array(firm_scores["industry_code"]),
                    lambda: np.flatnonzero(_year_mask(firm_scores, year)),
                )
            )
        if by_year.has("main_uscc") and by_year.has("main_industry"):
            self._sources.append(
                (
                    by_year.column_text("main_uscc"),
                    by_year.column_text("main_industry"),
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


def _plan_conflict(planned: str | None, prefixes: tuple[str, ...]) -> bool:
    use = "" if planned is None else str(planned).strip()
    return use != "" and not use.startswith(prefixes)


def _has_prefix(codes: pa.Array, prefixes: list[str]) -> np.ndarray:
    """True where a code starts with one of ``prefixes`` (none when the list is empty)."""
    if not prefixes:
        return np.zeros(len(codes), dtype=bool)
    starts = tuple(prefixes)
    return per_value(codes, lambda c: c is not None and c.startswith(starts), dtype=bool)


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
    allocation: pd.DataFrame | None, by_year: _YearRows, year: int
) -> tuple[pa.Array, pa.Array]:
    """(parcel_id, uscc) of every occupant in the year, from the allocation table.

    Pairs with a missing id are left out; pairs may repeat (callers drop duplicates on the
    few rows they keep).
    """
    if allocation is not None and len(allocation):
        rows = pa.array(np.flatnonzero(_year_mask(allocation, year)))
        pid = str_array(allocation["parcel_id"]).take(rows)
        uscc = str_array(allocation["uscc"]).take(rows)
    elif by_year.has("main_uscc"):
        # Without the allocation, the main occupant is the only one known.
        rows = pa.array(by_year.unique_rows(year))
        pid = by_year.column_text("parcel_id").take(rows)
        uscc = by_year.column_text("main_uscc").take(rows)
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
    starts = tuple(prefixes)
    hit = per_value(industry, lambda c: c is not None and c.startswith(starts), dtype=bool)
    if not hit.any():
        return pd.Series(dtype="str")
    # The industry depends on the uscc alone, so filtering before dropping duplicate pairs
    # keeps exactly the pairs that filtering after would.
    rows = _pairs(pid, uscc, hit)
    rows["industry_code"] = to_str(industry_of(str_array(rows["uscc"])))
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
        listed = veto.loc[_year_mask(veto, year), ["uscc", "reason"]]
        # A firm on the list counts even when the list gives no reason text.
        text = listed["reason"].astype("str").fillna("").str.strip()
        parts.append(listed.assign(reason=text.where(text != "", "负面清单")))
    if firm_scores is not None and len(firm_scores) and "veto_reason" in firm_scores.columns:
        # Only rows with a reason can survive the strip below: select them first (cheap).
        given = pc.is_valid(str_array(firm_scores["veto_reason"])).to_numpy(zero_copy_only=False)
        fs = firm_scores.loc[_year_mask(firm_scores, year) & given, ["uscc", "veto_reason"]]
        text = fs["veto_reason"].astype("str").fillna("").str.strip()
        parts.append(pd.DataFrame({"uscc": fs["uscc"], "reason": text}).loc[text != ""])
    if not parts or len(pid) == 0:
        return pd.Series(dtype="str")
    reasons = pd.concat(parts, ignore_index=True).dropna(subset=["uscc"])
    reasons = reasons.assign(uscc=reasons["uscc"].astype("str"))
    # Only occupants on the list can match: the inner merge below drops the others anyway.
    listed = pc.is_in(uscc, value_set=str_array(reasons["uscc"]))
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


def _reindex_text(values: pd.Series, pid: pa.Array) -> pa.Array:
    """``values.reindex(pid)`` as Arrow text (missing where a parcel has no entry)."""
    if len(values) == 0:
        return null_strings(len(pid))
    keys = str_array(pd.Series(values.index, dtype=object))
    return take_str(str_array(values), first_positions(pid, keys))


def _idle(
    by_year: _YearRows, n: int, year: int, years: int
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


def _findings(
    pid: pa.Array, *, scored: np.ndarray, has_raster: np.ndarray, year: int
) -> pd.DataFrame:
    items = []
    for mask, code, message, suggestion in (
        (
            ~scored,
            "PARCEL_NOT_SCORED",
            f"{{n}}宗地块{year}年无亩均评价结果（如{{ids}}），按无企业使用判断",
            "核对用地关系表是否覆盖这些地块",
        ),
        (
            ~has_raster,
            "PARCEL_NO_RASTER",
            "{n}宗地块无遥感测算结果（如{ids}），建筑系数、空置率相关标志未判断",
            "检查栅格范围是否覆盖全部地块",
        ),
    ):
        if mask.any():
            first = pa.array(np.flatnonzero(mask)[:_MAX_IDS_IN_FINDING])
            ids = "、".join(pid.take(first).to_pylist())
            items.append(
                Finding(
                    "info",
                    code,
                    "parcels",
                    None,
                    None,
                    message.format(n=int(mask.sum()), ids=ids),
                    suggestion,
                )
            )
    return findings_frame(items)

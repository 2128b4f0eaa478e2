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

import geopandas as gpd
import numpy as np
import pandas as pd

from landeval.config import FLAG_CODES, Config
from landeval.findings import Finding, findings_frame
from landeval.labels import FLAG_LABELS

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
    # Plain object keys: index lookups on them are hash lookups (Arrow-backed str Series
    # are slow in Index.isin / get_indexer at a million rows).
    pid = parcels["parcel_id"].astype("str").to_numpy(dtype=object)
    out = pd.DataFrame(index=parcels.index)
    out["parcel_id"] = pd.array(pid, dtype="str")
    for col in ("county_code", "land_use", "planned_use"):
        out[col] = _col(parcels, col, "str")
    out["area_m2"] = _col(parcels, "area_m2", "float")
    out["area_mu"] = _col(parcels, "area_mu", "float")
    out["built_year"] = _col(parcels, "built_year", "Int64")

    # --- the evaluation from mu_scoring, this year and the year before -------------------
    by_year = _YearRows(parcel_scores)
    ps_y = by_year[year]
    ps_prev = by_year[year - 1]
    scored = _positions(ps_y.index, pid) >= 0
    ps = ps_y.reindex(pid)
    for col in ("main_uscc", "main_name", "occupant_names"):
        out[col] = _values(ps, col, "str")
    out["n_occupants"] = pd.array(_values(ps, "n_occupants", "float"), dtype="Int64")
    out["class"] = _values(ps, "class", "str")
    out["class_prev"] = _values(ps_prev.reindex(pid), "class", "str")
    for col in ("tax", "value_added", "tax_per_mu", "va_per_mu"):
        out[col] = _values(ps, col, "float")

    industry_of = _industry_lookup(firms, firm_scores, ps_y, year)
    industry = pd.Series(_values(ps, "main_industry", "str"), index=out.index, dtype="str")
    from_firm = out["main_uscc"].map(industry_of)
    out["industry_code"] = industry.where(industry.notna() & (industry != ""), from_firm)

    # --- raster measures, FAR -------------------------------------------------------------
    raster_rows = _by_parcel(parcel_raster)
    raster = raster_rows.reindex(pid)
    has_raster = _positions(raster_rows.index, pid) >= 0
    out["has_raster"] = has_raster
    far_r = _values(raster, "far", "float")
    src_r = _values(raster, "far_source", "str")
    floor = _col(parcels, "floor_area_m2", "float")
    with np.errstate(divide="ignore", invalid="ignore"):
        far_reg = np.where(out["area_m2"].to_numpy() > 0, floor / out["area_m2"].to_numpy(), np.nan)
    use_r = ~np.isnan(far_r)
    out["far"] = np.where(use_r, far_r, far_reg)
    source = np.where(use_r, np.asarray(src_r, dtype=object), None)
    source = np.where(~use_r & ~np.isnan(far_reg), "registered", source)
    # The raster stage's vocabulary: "registered", "raster", or "none" when FAR is unknown.
    source = np.where(np.isnan(np.where(use_r, far_r, far_reg)), "none", source)
    out["far_source"] = pd.array(source, dtype="str")
    out["far_min"] = _far_min(out["industry_code"], fl.far_min, fl.far_min_default)
    out["coverage"] = _values(raster, "coverage", "float")
    out["vacant_share"] = _values(raster, "vacant_share", "float")

    # --- TAX_LOW benchmark per county ----------------------------------------------------
    occupied = (out["n_occupants"].fillna(0) > 0).to_numpy()
    out["county_tax_per_mu"] = _county_benchmark(out, occupied)

    # --- occupants this year: phase-out industries and the negative list ----------------
    occ = _occupants(allocation, ps_y, year)
    occ = occ.assign(industry_code=occ["uscc"].map(industry_of))
    phase = _phase_out(occ, fl.phase_out_industries)
    out["phase_out_industries"] = pd.array(phase.reindex(pid).to_numpy(dtype=object), dtype="str")
    vetoed = _veto_reasons(occ, veto, firm_scores, year)
    out["veto_reasons"] = pd.array(vetoed.reindex(pid).to_numpy(dtype=object), dtype="str")

    # --- IDLE -----------------------------------------------------------------------------
    idle_no_occ, idle_no_act, unknown_years = _idle(by_year, pid, year, fl.idle_years)
    vacant = out["vacant_share"].to_numpy()
    out["idle_no_occupant"] = idle_no_occ
    out["idle_no_activity"] = idle_no_act
    out["idle_vacant"] = ~np.isnan(vacant) & (vacant >= fl.idle_vacant_share)

    # --- the flags ------------------------------------------------------------------------
    far = out["far"].to_numpy()
    cov = out["coverage"].to_numpy()
    tpm = out["tax_per_mu"].to_numpy()
    bench = out["county_tax_per_mu"].to_numpy()
    cls = out["class"].fillna("").to_numpy(dtype=object)
    prev = out["class_prev"].fillna("").to_numpy(dtype=object)
    planned = out["planned_use"].fillna("").astype(str).str.strip()
    built = out["built_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    tax_exempt = (cls == "T") & fl.tax_low_skips_class_t
    intensity_exempt = _has_prefix(out["industry_code"], fl.intensity_exempt_industries)
    flags = {
        "FAR_LOW": ~intensity_exempt & ~np.isnan(far) & (far < out["far_min"].to_numpy()),
        "COVERAGE_LOW": ~intensity_exempt & ~np.isnan(cov) & (cov < fl.coverage_min),
        "TAX_LOW": occupied
        & ~tax_exempt
        & ~np.isnan(tpm)
        & (np.nan_to_num(bench) > 0)
        & (tpm < fl.tax_low_ratio * np.nan_to_num(bench)),
        "CLASS_C": cls == "C",
        "CLASS_D": cls == "D",
        "CLASS_D_TWICE": (cls == "D") & (prev == "D"),
        "IDLE": idle_no_occ | idle_no_act | out["idle_vacant"].to_numpy(),
        "PHASE_OUT": out["phase_out_industries"].notna().to_numpy(),
        "VETO": out["veto_reasons"].notna().to_numpy(),
        "PLAN_CONFLICT": (
            (planned != "") & ~planned.str.startswith(tuple(fl.industrial_use_prefixes))
        ).to_numpy(),
        "OLD_BUILDINGS": ~np.isnan(built) & (built <= year - fl.old_building_years),
    }
    for code in FLAG_CODES:
        out[code] = np.asarray(flags[code], dtype=bool)
    out["flags"] = pd.array(join_where(flags, {c: c for c in FLAG_CODES}, ";"), dtype="str")
    labels = {c: FLAG_LABELS[c]["zh"] for c in FLAG_CODES}
    out["flags_zh"] = pd.array(join_where(flags, labels, "；"), dtype="str")

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
    out["notes_zh"] = pd.array(join_where(notes, note_text, "；"), dtype="str")
    out["notes_zh"] = out["notes_zh"].replace("", pd.NA)

    findings = _findings(out, scored=scored, has_raster=has_raster, year=year)
    return out[FLAG_DETAIL_COLUMNS], findings


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
    if dtype == "Int64":
        return pd.to_numeric(values, errors="coerce").round().astype("Int64").array
    return pd.array(values.to_numpy(dtype=object), dtype="str")


def _values(frame: pd.DataFrame, col: str, dtype: str):
    if col not in frame.columns:
        return (
            np.full(len(frame), np.nan)
            if dtype == "float"
            else pd.array([None] * len(frame), dtype="str")
        )
    if dtype == "float":
        return pd.to_numeric(frame[col], errors="coerce").astype(float).to_numpy()
    return pd.array(frame[col].to_numpy(dtype=object), dtype="str")


def _year_rows(table: pd.DataFrame | None, year: int) -> pd.DataFrame:
    if table is None or len(table) == 0:
        return pd.DataFrame(index=pd.Index([], dtype=object))
    rows = table.loc[table["year"] == year]
    rows = rows.drop_duplicates("parcel_id")
    return rows.set_axis(pd.Index(rows["parcel_id"].astype("str").to_numpy(dtype=object)), axis=0)


class _YearRows:
    """The parcel scores of one year, indexed by parcel_id, each year computed once."""

    def __init__(self, table: pd.DataFrame | None) -> None:
        self._table = table
        self._cache: dict[int, pd.DataFrame] = {}
        has = table is not None and len(table) > 0
        self.years = set(pd.to_numeric(table["year"]).dropna().astype(int)) if has else set()

    def __getitem__(self, year: int) -> pd.DataFrame:
        if year not in self._cache:
            self._cache[year] = _year_rows(self._table, year)
        return self._cache[year]


def _positions(index: pd.Index, keys: np.ndarray) -> np.ndarray:
    """Position of each key in a unique index, −1 where absent."""
    if len(index) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    return pd.Index(index.to_numpy(dtype=object)).get_indexer(keys)


def _by_parcel(table: pd.DataFrame | None) -> pd.DataFrame:
    if table is None or len(table) == 0:
        return pd.DataFrame(index=pd.Index([], dtype=object))
    rows = table.drop_duplicates("parcel_id")
    return rows.set_axis(pd.Index(rows["parcel_id"].astype("str").to_numpy(dtype=object)), axis=0)


def _industry_lookup(
    firms: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    ps_y: pd.DataFrame,
    year: int,
) -> pd.Series:
    """Map uscc → industry_code: firms table, then firm scores, then main occupants."""
    parts = []
    if firms is not None and len(firms) and "industry_code" in firms.columns:
        parts.append(firms[["uscc", "industry_code"]])
    if firm_scores is not None and len(firm_scores) and "industry_code" in firm_scores.columns:
        fs = firm_scores.loc[firm_scores["year"] == year, ["uscc", "industry_code"]]
        parts.append(fs)
    if {"main_uscc", "main_industry"} <= set(ps_y.columns):
        main = ps_y[["main_uscc", "main_industry"]]
        parts.append(main.set_axis(["uscc", "industry_code"], axis=1))
    if not parts:
        return pd.Series(dtype="str")
    both = pd.concat(parts, ignore_index=True).dropna(subset=["industry_code"])
    both = both.drop_duplicates("uscc")
    return pd.Series(
        both["industry_code"].astype("str").to_numpy(),
        index=both["uscc"].astype("str").to_numpy(),
        dtype="str",
    )


def _has_prefix(codes: pd.Series, prefixes: list[str]) -> np.ndarray:
    """True where a code starts with one of ``prefixes`` (none when the list is empty)."""
    if not prefixes:
        return np.zeros(len(codes), dtype=bool)
    return codes.fillna("").astype(str).str.startswith(tuple(prefixes)).to_numpy(dtype=bool)


def _far_min(industry: pd.Series, table: dict[str, float], default: float) -> np.ndarray:
    """Longest-prefix match of each industry code in ``table``, else ``default``."""
    result = np.full(len(industry), np.nan)
    codes = industry.fillna("").astype(str)
    for length in sorted({len(k) for k in table}, reverse=True):
        keys = {k: v for k, v in table.items() if len(k) == length}
        got = codes.str[:length].map(keys).astype(float).to_numpy()
        fill = np.isnan(result) & ~np.isnan(got) & (codes.str.len().to_numpy() >= length)
        result[fill] = got[fill]
    return np.where(np.isnan(result), default, result)


def _county_benchmark(out: pd.DataFrame, occupied: np.ndarray) -> np.ndarray:
    """Mean tax per mu of each county: Σ tax / Σ area (mu) over its occupied parcels."""
    occ = out.loc[occupied, ["county_code", "tax", "area_mu"]]
    occ = occ.assign(tax=occ["tax"].fillna(0.0))
    sums = occ.groupby("county_code", dropna=True)[["tax", "area_mu"]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        bench = (sums["tax"] / sums["area_mu"]).where(sums["area_mu"] > 0)
    return out["county_code"].map(bench).astype(float).to_numpy()


def _occupants(allocation: pd.DataFrame | None, ps_y: pd.DataFrame, year: int) -> pd.DataFrame:
    """(parcel_id, uscc) of every occupant in the year, from the allocation table."""
    if allocation is not None and len(allocation):
        rows = allocation.loc[allocation["year"] == year, ["parcel_id", "uscc"]]
    elif "main_uscc" in ps_y.columns:
        # Without the allocation, the main occupant is the only one known.
        rows = pd.DataFrame({"parcel_id": ps_y.index, "uscc": ps_y["main_uscc"].to_numpy()})
    else:
        rows = pd.DataFrame({"parcel_id": [], "uscc": []})
    rows = rows.dropna().astype("str").drop_duplicates()
    return rows.reset_index(drop=True)


def _phase_out(occ: pd.DataFrame, prefixes: list[str]) -> pd.Series:
    """parcel_id → the phase-out industry codes of its occupants ("、"-joined)."""
    if not prefixes or len(occ) == 0:
        return pd.Series(dtype="str")
    codes = occ["industry_code"].fillna("").astype(str)
    hit = occ.loc[codes.str.startswith(tuple(prefixes)).to_numpy()]
    if len(hit) == 0:
        return pd.Series(dtype="str")
    hit = hit.sort_values(["parcel_id", "industry_code"])
    return hit.groupby("parcel_id")["industry_code"].agg(lambda s: "、".join(dict.fromkeys(s)))


def _veto_reasons(
    occ: pd.DataFrame,
    veto: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    year: int,
) -> pd.Series:
    """parcel_id → reasons of its occupants on the negative list in the year."""
    parts = []
    if veto is not None and len(veto):
        listed = veto.loc[veto["year"] == year, ["uscc", "reason"]]
        # A firm on the list counts even when the list gives no reason text.
        text = listed["reason"].astype("str").fillna("").str.strip()
        parts.append(listed.assign(reason=text.where(text != "", "负面清单")))
    if firm_scores is not None and len(firm_scores) and "veto_reason" in firm_scores.columns:
        fs = firm_scores.loc[firm_scores["year"] == year, ["uscc", "veto_reason"]]
        text = fs["veto_reason"].astype("str").fillna("").str.strip()
        parts.append(pd.DataFrame({"uscc": fs["uscc"], "reason": text}).loc[text != ""])
    if not parts or len(occ) == 0:
        return pd.Series(dtype="str")
    reasons = pd.concat(parts, ignore_index=True).dropna(subset=["uscc"])
    reasons = reasons.assign(uscc=reasons["uscc"].astype("str"))
    hit = occ.merge(reasons, on="uscc", how="inner")
    if len(hit) == 0:
        return pd.Series(dtype="str")
    hit = hit.sort_values(["parcel_id", "uscc"])
    return hit.groupby("parcel_id")["reason"].agg(lambda s: "、".join(dict.fromkeys(s)))


def _idle(
    by_year: _YearRows, pid: np.ndarray, year: int, years: int
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Whether each parcel had no occupant / no activity in each of the last ``years`` years.

    Returns the two masks and the years for which the data hold no parcel scores at all
    (then neither mask can be set).
    """
    n = len(pid)
    no_occ = np.ones(n, dtype=bool)
    no_act = np.ones(n, dtype=bool)
    present = by_year.years
    window = list(range(year - years + 1, year + 1))
    unknown = [y for y in window if y not in present]
    if unknown:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), unknown
    for y in window:
        rows = by_year[y].reindex(pid)
        n_occ = np.nan_to_num(_values(rows, "n_occupants", "float"), nan=0.0)
        tax = np.nan_to_num(_values(rows, "tax", "float"), nan=0.0)
        va = np.nan_to_num(_values(rows, "value_added", "float"), nan=0.0)
        empty = n_occ <= 0
        no_occ &= empty
        no_act &= empty | ((tax <= 0) & (va <= 0))
    # A parcel with no occupant in every year is reported as such, not as "no activity".
    return no_occ, no_act & ~no_occ, []


def _findings(
    out: pd.DataFrame, *, scored: np.ndarray, has_raster: np.ndarray, year: int
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
            ids = "、".join(out["parcel_id"].to_numpy()[mask][:_MAX_IDS_IN_FINDING])
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

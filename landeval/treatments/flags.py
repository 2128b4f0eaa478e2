"""Low-efficiency flags of each parcel in the evaluation year (DESIGN §5).

Each flag is a boolean column named by its code (:data:`landeval.config.FLAG_CODES`), set
by a threshold of ``[flags]`` on the facts of :mod:`landeval.treatments.facts`, which are
kept beside it so that the reason sentence can quote them. Decisions where the methodology
is silent:

- FAR_LOW compares FAR with the minimum of the parcel's industry (``far_min``); unknown FAR
  (far_source "none") raises no FAR_LOW.
- TAX_LOW compares a parcel's tax per mu with the county benchmark. Parcels with no
  occupant are not judged for TAX_LOW (IDLE covers them).
- TAX_LOW is not raised when the parcel's class is T and ``flags.tax_low_skips_class_t``
  (the main occupant's tax is not judged: a new firm, a utility, a firm under the land
  threshold); FAR_LOW and COVERAGE_LOW are not raised when the main occupant's industry is
  in ``flags.intensity_exempt_industries`` (a power plant has no manufacturing FAR standard).
  ``notes_zh`` says so in both cases.
- IDLE needs evidence in each of the last ``idle_years`` years (no occupant, or no
  activity); a year with no parcel scores at all in the data is unknown, and then only the
  vacant share (≥ ``idle_vacant_share``) can raise IDLE.
- Without a raster row COVERAGE_LOW and the vacancy part of IDLE are not raised; the parcel's
  ``notes_zh`` says so.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import (
    equals,
    join_masks,
    null_strings,
    per_value,
    starts_with,
    text_array,
    to_str,
)
from landeval.config import FLAG_CODES, Config
from landeval.findings import Finding, findings_frame
from landeval.treatments.facts import FACT_COLUMNS, parcel_facts
from landeval.vocabulary import FLAG_LABELS

FLAG_DETAIL_COLUMNS: list[str] = [
    *FACT_COLUMNS[: FACT_COLUMNS.index("idle_no_activity") + 1],
    "idle_vacant",
    *FACT_COLUMNS[FACT_COLUMNS.index("idle_no_activity") + 1 :],
    *FLAG_CODES,
    "flags",
    "flags_zh",
    "notes_zh",
]
"""Columns returned by :func:`compute_flags`: the facts, ``idle_vacant``, one boolean
column per flag code, the joined codes and labels, and the notes."""

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
        the facts, a boolean column per flag code, ``flags`` (codes joined with ";" in
        FLAG_CODES order), ``flags_zh`` (labels joined with "；") and ``notes_zh`` (what could
        not be judged).
    findings : DataFrame
        Info findings on parcels that could not be fully judged.
    """
    fl = config.flags
    n = len(parcels)
    facts = parcel_facts(
        parcels=parcels,
        parcel_scores=parcel_scores,
        parcel_raster=parcel_raster,
        firms=firms,
        firm_scores=firm_scores,
        veto=veto,
        allocation=allocation,
        config=config,
        year=year,
    )
    out = dict(facts.columns)
    far = out["far"]
    cov = out["coverage"]
    tpm = out["tax_per_mu"]
    bench = out["county_tax_per_mu"]
    vacant = out["vacant_share"]
    occupied = np.nan_to_num(out["n_occupants"].to_numpy(dtype=float, na_value=np.nan), nan=0.0) > 0
    has_raster = out["has_raster"]
    cls = text_array(out["class"])
    is_t = equals(cls, "T")
    is_d = equals(cls, "D")
    out["idle_vacant"] = idle_vacant = ~np.isnan(vacant) & (vacant >= fl.idle_vacant_share)
    prefixes = tuple(fl.industrial_use_prefixes)
    plan_conflict = per_value(
        text_array(out["planned_use"]), lambda u: _plan_conflict(u, prefixes), dtype=bool
    )
    built = out["built_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    tax_exempt = is_t & fl.tax_low_skips_class_t
    intensity_exempt = starts_with(text_array(out["industry_code"]), fl.intensity_exempt_industries)
    flags = {
        "FAR_LOW": ~intensity_exempt & ~np.isnan(far) & (far < out["far_min"]),
        "COVERAGE_LOW": ~intensity_exempt & ~np.isnan(cov) & (cov < fl.coverage_min),
        "TAX_LOW": occupied
        & ~tax_exempt
        & ~np.isnan(tpm)
        & (np.nan_to_num(bench) > 0)
        & (tpm < fl.tax_low_ratio * np.nan_to_num(bench)),
        "CLASS_C": equals(cls, "C"),
        "CLASS_D": is_d,
        "CLASS_D_TWICE": is_d & equals(text_array(out["class_prev"]), "D"),
        "IDLE": out["idle_no_occupant"] | out["idle_no_activity"] | idle_vacant,
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
        "no_score": ~facts.scored,
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
    if facts.unknown_years:
        years = "、".join(str(y) for y in facts.unknown_years)
        notes["unknown_years"] = np.ones(n, dtype=bool)
        note_text["unknown_years"] = f"缺少{years}年评价数据，未按连续年份判断闲置"
    joined = join_masks(notes, note_text, "；")
    # No note at all is a missing value, not "".
    out["notes_zh"] = to_str(pc.if_else(pc.equal(joined, ""), null_strings(n), joined))

    pid = text_array(out["parcel_id"])
    findings = _findings(pid, scored=facts.scored, has_raster=has_raster, year=year)
    return pd.DataFrame({c: out[c] for c in FLAG_DETAIL_COLUMNS}, index=parcels.index), findings


def _plan_conflict(planned: str | None, prefixes: tuple[str, ...]) -> bool:
    use = "" if planned is None else str(planned).strip()
    return use != "" and not use.startswith(prefixes)


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

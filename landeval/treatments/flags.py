"""Low-efficiency flags of each parcel in the evaluation year (DESIGN §5).

Each flag is a boolean column named by its code (:data:`landeval.config.FLAG_CODES`), set
by a threshold of ``[flags]`` on the facts of :mod:`landeval.treatments.facts`, which are
kept beside it so that the reason sentence can quote them. No flag is raised from a missing
value. Decisions where the methodology is silent:

- FAR_LOW compares FAR with the minimum of the decisive occupant's industry (``far_min``);
  unknown FAR (far_source "none") raises no FAR_LOW.
- COVERAGE_LOW is raised and shown, but unless ``flags.coverage_decides`` it is a warning
  that decides no treatment: a raster sees roofs, the rule counts structures and yards too.
- TAX_LOW compares a parcel's tax per mu with its county's benchmark in the evaluation year
  and each year before it in ``flags.tax_low_years``; the parcel must be occupied, with a
  known tax, in each. It is not raised when the decisive occupant is class T and
  ``flags.tax_low_skips_class_t`` (a new firm, a utility, a firm under the land threshold);
  FAR_LOW and COVERAGE_LOW are not raised when its industry is in
  ``flags.intensity_exempt_industries`` (a power plant has no manufacturing FAR standard).
  ``notes_zh`` says so in both cases.
- TAX_FLOOR uses the floor of the decisive occupant's scale; a parcel without a decisive
  occupant uses the lower of the two floors (0 is off).
- The firm flags (VETO, PHASE_OUT, CLASS_D_3Y, CLASS_D_TWICE, CLASS_D, CLASS_C) are set
  where the firms carrying them use at least half of the parcel
  (:mod:`landeval.treatments.occupants`).
- STOPPED needs built land: no occupant, or no tax and no value added, in each of the last
  ``flags.stopped_years`` years (a year with no parcel scores at all in the data is unknown),
  or closed occupants using at least half of it.
- IDLE_LAND comes from the contract dates (:mod:`landeval.treatments.idle_land`); VACANT
  from the raster land cover. Without a raster row COVERAGE_LOW and VACANT are not raised;
  the parcel's ``notes_zh`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from landeval.config import FIRM_FLAG_CODES, FLAG_CODES, Config
from landeval.findings import Finding, findings_frame
from landeval.treatments.facts import FACT_COLUMNS, ParcelFacts, parcel_facts
from landeval.vocabulary import FLAG_LABELS

FLAG_FIRM_COLUMNS: list[str] = [f"firms_{code}" for code in FIRM_FLAG_CODES]
"""Per firm flag raised on a parcel: the firms carrying it (for the reason sentence)."""

FLAG_DETAIL_COLUMNS: list[str] = [
    *FACT_COLUMNS,
    *FLAG_FIRM_COLUMNS,
    *FLAG_CODES,
    "coverage_decides",
    "flags",
    "flags_zh",
    "notes_zh",
]
"""Columns of :attr:`ParcelFlags.details`: the facts, the firms behind each firm flag, one
boolean column per flag code, whether COVERAGE_LOW may decide, the joined codes and labels,
and the notes."""

COVERAGE_NOTE = "建筑系数仅据遥感估算（不含构筑物、堆场），需现场核实"
"""The note on a COVERAGE_LOW that decides nothing."""

_MAX_IDS_IN_FINDING = 5


@dataclass(frozen=True)
class ParcelFlags:
    """What :func:`compute_flags` returns.

    Attributes
    ----------
    details : DataFrame
        One row per parcel in the parcels' order and index, :data:`FLAG_DETAIL_COLUMNS`.
    findings : DataFrame
        Info findings on parcels that could not be fully judged.
    facts : ParcelFacts
        The facts, with the occupants (firm actions) and the idle-land details.
    """

    details: pd.DataFrame
    findings: pd.DataFrame
    facts: ParcelFacts


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
    platform_kind: pa.Array | None = None,
) -> ParcelFlags:
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
    platform_kind : pyarrow.Array, optional
        The kind of each parcel's platform (a 小微企业园 is judged apart from its tenants).

    Returns
    -------
    ParcelFlags
        ``details`` holds a boolean column per flag code, ``flags`` (codes joined with ";"
        in FLAG_CODES order), ``flags_zh`` (labels joined with "；") and ``notes_zh`` (what
        could not be judged, what to check).
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
        platform_kind=platform_kind,
    )
    out = dict(facts.columns)
    occ = facts.occupants

    def floats(col: str) -> np.ndarray:
        return np.asarray(out[col], dtype="float64")

    far, cov, tpm = floats("far"), floats("coverage"), floats("tax_per_mu")
    bench, vacant = floats("county_tax_per_mu"), floats("vacant_share")
    occupied = np.nan_to_num(floats("n_occupants"), nan=0.0) > 0
    has_raster = np.asarray(out["has_raster"], dtype=bool)
    built = np.asarray(out["built"], dtype=bool)
    rule_class = text_array(out["rule_class"])
    decisive_t = equals(rule_class, "T")
    tax_exempt = decisive_t & fl.tax_low_skips_class_t
    intensity_exempt = starts_with(
        text_array(out["standard_industry"]), fl.intensity_exempt_industries
    )
    prefixes = tuple(fl.industrial_use_prefixes)
    plan_conflict = per_value(
        text_array(out["planned_use"]), lambda u: _plan_conflict(u, prefixes), dtype=bool
    )
    built_year = out["built_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    tax_known = ~np.isnan(tpm) & (np.nan_to_num(bench) > 0)
    tax_low = (
        occupied
        & ~tax_exempt
        & tax_known
        & (tpm < fl.tax_low_ratio * np.nan_to_num(bench))
        & np.asarray(out["tax_low_earlier"], dtype=bool)
        & (not facts.unknown_tax_years)
    )
    floor = _tax_floor(text_array(out["scale"]), fl.tax_floor)
    stopped_activity = np.asarray(out["stopped_no_occupant"], dtype=bool) | np.asarray(
        out["stopped_no_activity"], dtype=bool
    )
    closed = floats("closed_share") >= fl.firm_flag_min_share - 1e-9
    flags = {
        "FAR_LOW": ~intensity_exempt & ~np.isnan(far) & (far < floats("far_min")),
        "COVERAGE_LOW": ~intensity_exempt & ~np.isnan(cov) & (cov < fl.coverage_min),
        "TAX_LOW": tax_low,
        "TAX_FLOOR": occupied & ~tax_exempt & ~np.isnan(tpm) & (floor > 0) & (tpm < floor),
        "CLASS_C": occ.flags["CLASS_C"],
        "CLASS_D": occ.flags["CLASS_D"],
        "CLASS_D_TWICE": occ.flags["CLASS_D_TWICE"],
        "CLASS_D_3Y": occ.flags["CLASS_D_3Y"],
        "STOPPED": built & (stopped_activity | closed),
        "IDLE_LAND": facts.idle.idle,
        "VACANT": ~np.isnan(vacant) & (vacant >= fl.vacant_min_share),
        "PHASE_OUT": occ.flags["PHASE_OUT"],
        "VETO": occ.flags["VETO"],
        "PLAN_CONFLICT": plan_conflict,
        "OLD_BUILDINGS": ~np.isnan(built_year) & (built_year <= year - fl.old_building_years),
    }
    for code in FLAG_CODES:
        out[code] = np.asarray(flags[code], dtype=bool)
    for code, column in zip(FIRM_FLAG_CODES, FLAG_FIRM_COLUMNS, strict=True):
        out[column] = to_str(occ.flag_firms[code])
    out["coverage_decides"] = np.full(n, fl.coverage_decides)
    out["flags"] = to_str(join_masks(flags, {c: c for c in FLAG_CODES}, ";"))
    labels = {c: FLAG_LABELS[c]["zh"] for c in FLAG_CODES}
    out["flags_zh"] = to_str(join_masks(flags, labels, "；"))

    coverage_warning = out["COVERAGE_LOW"] & (not fl.coverage_decides)
    several = occupied & ~occ.decisive & (np.nan_to_num(floats("n_occupants"), nan=0.0) > 1)
    notes = {
        "tax_exempt": tax_exempt & occupied,
        "intensity_exempt": intensity_exempt,
        "several": several,
        "micro_park": occ.micro_park,
        "no_score": ~facts.scored,
        "no_raster": ~has_raster,
        "no_far": np.isnan(far),
        "coverage": coverage_warning,
        "gov_delay": facts.idle.gov_delay,
    }
    note_text = {
        "tax_exempt": "主要用地企业不参评，亩均税收未判断",
        "intensity_exempt": "公用事业用地，无工业容积率和建筑系数标准，未判断",
        "several": "无使用过半的企业：宗地按自身指标判断，企业问题见企业处置",
        "micro_park": "小微企业园：租户问题列为企业处置，园区不整体处置",
        "no_score": f"{year}年无亩均评价数据",
        "no_raster": "无遥感数据，建筑系数和空置率未判断",
        "no_far": "无建筑面积数据，容积率未判断",
        "coverage": COVERAGE_NOTE,
        "gov_delay": "因政府原因延期动工，不认定闲置土地",
    }
    if facts.unknown_years:
        years = "、".join(str(y) for y in facts.unknown_years)
        notes["unknown_years"] = np.ones(n, dtype=bool)
        note_text["unknown_years"] = f"缺少{years}年评价数据，未判断停产"
    if facts.unknown_tax_years:
        years = "、".join(str(y) for y in facts.unknown_tax_years)
        notes["unknown_tax_years"] = occupied
        note_text["unknown_tax_years"] = f"缺少{years}年评价数据，未按连续年份判断亩均税收偏低"
    joined = join_masks(notes, note_text, "；")
    # No note at all is a missing value, not "".
    out["notes_zh"] = to_str(pc.if_else(pc.equal(joined, ""), null_strings(n), joined))

    pid = text_array(out["parcel_id"])
    findings = _findings(pid, scored=facts.scored, has_raster=has_raster, year=year)
    details = pd.DataFrame({c: out[c] for c in FLAG_DETAIL_COLUMNS}, index=parcels.index)
    return ParcelFlags(details=details, findings=findings, facts=facts)


def _plan_conflict(planned: str | None, prefixes: tuple[str, ...]) -> bool:
    use = "" if planned is None else str(planned).strip().upper()
    return use != "" and not use.startswith(prefixes)


def _tax_floor(scale: pa.Array, floors: dict) -> np.ndarray:
    """The TAX_FLOOR of each parcel by its decisive occupant's scale (0: off)."""
    above, below = float(floors.get("above", 0.0)), float(floors.get("below", 0.0))
    on = [f for f in (above, below) if f > 0]
    lowest = min(on) if on else 0.0

    def floor(value: str | None) -> float:
        if value == "above":
            return above
        if value == "below":
            return below
        return lowest

    return per_value(scale, floor, dtype=float)


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

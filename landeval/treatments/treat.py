"""Every parcel's decision in one table: facts, flags, treatment, path and reason (parcel_eval).

:func:`treat_parcels` runs the treatments stage in order — the flags over the facts
(:mod:`.flags`, :mod:`.facts`, the occupants' firm flags and actions in :mod:`.occupants`),
the ordered rules (:mod:`.rules`), the 增容潜力 list, the suggested path (:mod:`.paths`),
what needs checking (:mod:`.checks`), the reason sentence (:mod:`.reasons`) — and joins them
with the parcel's place (its platform and control-line share, from
:func:`landeval.zoning.place_parcels`) into ``parcel_eval``, with the ``firm_actions`` and
``capacity_parcels`` tables beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from landeval._arrow import equals, per_value_str, text_array, to_str
from landeval.config import FLAG_CODES, Config
from landeval.inputs.model import RESULT_COLUMNS
from landeval.treatments.checks import needs_check
from landeval.treatments.flags import compute_flags
from landeval.treatments.paths import suggested_paths
from landeval.treatments.reasons import build_reasons
from landeval.treatments.rules import assign_treatments, must_stay_industrial
from landeval.vocabulary import KEEP

if TYPE_CHECKING:
    from landeval.zoning import Placement

PARCEL_EVAL_EXTRA_COLUMNS: list[str] = [
    "tax",
    "value_added",
    "county_tax_per_mu",
    "matched_flags",
    "notes_zh",
    "idle_years",
    *FLAG_CODES,
]
"""Columns of parcel_eval after the contract columns (after geometry): the figures behind
the reason, the deciding flags, the notes, the years idle and one boolean per flag code."""

CAPACITY_FLAGS: tuple[str, ...] = ("FAR_LOW", "COVERAGE_LOW")
"""Low-intensity flags that put a kept A/B parcel on the 增容潜力 list (COVERAGE_LOW only
where it may decide, ``flags.coverage_decides``)."""


@dataclass(frozen=True)
class TreatmentResult:
    """What :func:`treat_parcels` returns.

    Attributes
    ----------
    parcel_eval : GeoDataFrame
        One row per parcel, in the parcels' order and index: ``RESULT_COLUMNS["parcel_eval"]``
        then :data:`PARCEL_EVAL_EXTRA_COLUMNS`.
    firm_actions : DataFrame
        ``RESULT_COLUMNS["firm_actions"]``: firms to vacate or rectify on parcels their own
        flags do not decide.
    capacity_parcels : DataFrame
        ``RESULT_COLUMNS["capacity_parcels"]``: the 增容潜力 list.
    findings : DataFrame
        Parcels that could not be fully judged (info).
    """

    parcel_eval: gpd.GeoDataFrame
    firm_actions: pd.DataFrame
    capacity_parcels: pd.DataFrame
    findings: pd.DataFrame


def treat_parcels(
    parcels: gpd.GeoDataFrame,
    *,
    placement: Placement,
    parcel_scores: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    parcel_raster: pd.DataFrame | None,
    firms: pd.DataFrame | None,
    veto: pd.DataFrame | None,
    allocation: pd.DataFrame | None,
    config: Config,
    year: int,
    suspect_values: pd.DataFrame | None = None,
) -> TreatmentResult:
    """Flag every parcel, decide its treatment, suggest a path and word the reason (§5, §6).

    Parameters
    ----------
    parcels : GeoDataFrame
        Canonical parcels in a projected CRS, with area_m2 and area_mu.
    placement : Placement
        The parcels' platforms and control-line shares (:func:`landeval.zoning.place_parcels`
        on the same parcels).
    parcel_scores, firm_scores, allocation : DataFrame or None
        mu_scoring results, all years.
    parcel_raster : DataFrame or None
        Raster metrics per parcel; None: FAR from the registered floor area only.
    firms, veto : DataFrame or None
        Input tables.
    config : Config
        Effective configuration: ``[flags]``, ``[[treatments]]``, ``[[paths]]``, the county
        names.
    year : int
        Evaluation year.
    suspect_values : DataFrame, optional
        Firm-years with values beyond a warning bound (uscc, year, field, …): a decision
        resting on one is marked 需核实. None or empty: none.

    Returns
    -------
    TreatmentResult
    """
    kind = text_array(placement.platforms["kind"]) if "kind" in placement.platforms else None
    result = compute_flags(
        parcels=parcels,
        parcel_scores=parcel_scores,
        parcel_raster=parcel_raster,
        firms=firms,
        firm_scores=firm_scores,
        veto=veto,
        allocation=allocation,
        config=config,
        year=year,
        platform_kind=kind,
    )
    details = result.details
    treat = assign_treatments(details["flags"], config=config, classes=details["rule_class"])
    capacity = _capacity(details, treat, coverage_decides=config.flags.coverage_decides)
    # Where COVERAGE_LOW may not decide (a raster sees roofs only), the decisions it would
    # have changed are the ones to check on site.
    coverage_matters = np.zeros(len(details), dtype=bool)
    if not config.flags.coverage_decides and details["COVERAGE_LOW"].any():
        alt = assign_treatments(
            details["flags"], config=config, classes=details["rule_class"], coverage_decides=True
        )
        alt_capacity = _capacity(details, alt, coverage_decides=True)
        changed = (alt["treatment"] != treat["treatment"]).to_numpy(dtype=bool)
        coverage_matters = changed | (alt_capacity != capacity)
    paths = suggested_paths(
        treat["treatment"],
        treat["rule"],
        treat["matched_flags"],
        details["idle_years"].to_numpy(dtype="float64"),
        config=config,
    )
    checks = needs_check(
        result,
        treat,
        capacity,
        coverage_matters=coverage_matters,
        suspect_values=suspect_values,
        config=config,
        year=year,
    )
    reasons = build_reasons(
        details, treat["matched_flags"], config=config, year=year, capacity=capacity
    )

    names = {**config.project.legacy_counties, **config.project.counties}
    made = {
        "county_name": to_str(per_value_str(text_array(details["county_code"]), names.get)),
        "reason_zh": reasons,
        "capacity_potential": capacity,
        "must_stay_industrial": must_stay_industrial(
            treat["treatment"], placement.line["inside_line"]
        ),
        "geometry": parcels.geometry.to_numpy(),
    }
    # Every other column comes from one step: the facts and flags, the treatment, the path,
    # the checks, the place.
    sources = (details, treat, paths, checks, placement.platforms, placement.line)

    def column(name: str):
        if name in made:
            return made[name]
        return next(frame[name] for frame in sources if name in frame.columns)

    cols = [*RESULT_COLUMNS["parcel_eval"], *PARCEL_EVAL_EXTRA_COLUMNS]
    # Columns are collected first and made a frame once (inserting them one by one into a
    # DataFrame is slow at a million rows).
    frame = pd.DataFrame({c: column(c) for c in cols}, index=parcels.index)
    parcel_eval = gpd.GeoDataFrame(frame, geometry="geometry", crs=parcels.crs)
    actions = result.facts.occupants.firm_actions[RESULT_COLUMNS["firm_actions"]]
    return TreatmentResult(
        parcel_eval=parcel_eval,
        firm_actions=actions.reset_index(drop=True),
        capacity_parcels=_capacity_table(parcel_eval, capacity, year),
        findings=result.findings,
    )


def _capacity(details: pd.DataFrame, treat: pd.DataFrame, *, coverage_decides: bool) -> np.ndarray:
    """Kept parcels of class A or B with low FAR (or coverage, where it decides): 增容潜力."""
    kept = (treat["treatment"] == KEEP).to_numpy(dtype=bool)
    klass = text_array(details["rule_class"])
    good = equals(klass, "A") | equals(klass, "B")
    low = details["FAR_LOW"].to_numpy(dtype=bool)
    if coverage_decides:
        low = low | details["COVERAGE_LOW"].to_numpy(dtype=bool)
    return kept & good & low


def _capacity_table(parcel_eval: pd.DataFrame, capacity: np.ndarray, year: int) -> pd.DataFrame:
    """The 增容潜力 list: one row per kept A/B parcel with low intensity, by parcel_id."""
    rows = parcel_eval.loc[capacity]
    out = pd.DataFrame(
        {
            "year": np.full(len(rows), year, dtype=np.int64),
            **{c: rows[c].to_numpy() for c in RESULT_COLUMNS["capacity_parcels"][1:]},
        }
    )
    for col in ("parcel_id", "county_code", "platform_id", "class", "main_uscc", "main_name"):
        out[col] = out[col].astype("str")
    out["flags"] = out["flags"].astype("str")
    out["reason_zh"] = out["reason_zh"].astype("str")
    return out.sort_values("parcel_id", kind="stable", ignore_index=True)

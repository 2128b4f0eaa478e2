"""Every parcel's decision in one table: facts, flags, treatment and reason (parcel_eval).

:func:`treat_parcels` runs the treatments stage in order — the flags over the facts
(:mod:`.flags`, :mod:`.facts`), the ordered rules (:mod:`.rules`), the reason sentence
(:mod:`.reasons`) — and joins them with the parcel's place (its platform and control-line
share, from :func:`landeval.zoning.place_parcels`) into ``parcel_eval``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from landeval._arrow import per_value_str, text_array, to_str
from landeval.config import Config
from landeval.inputs.model import RESULT_COLUMNS
from landeval.treatments.flags import compute_flags
from landeval.treatments.reasons import build_reasons
from landeval.treatments.rules import assign_treatments, must_stay_industrial

if TYPE_CHECKING:
    from landeval.zoning import Placement

PARCEL_EVAL_EXTRA_COLUMNS: list[str] = [
    "tax",
    "value_added",
    "county_tax_per_mu",
    "matched_flags",
    "notes_zh",
]
"""Columns of parcel_eval after the contract columns (after geometry)."""

_FACTS_SHOWN: tuple[str, ...] = (
    "main_uscc",
    "main_name",
    "occupant_names",
    "n_occupants",
    "industry_code",
    "class",
    "tax_per_mu",
    "va_per_mu",
    "far",
    "far_source",
    "far_min",
    "coverage",
    "vacant_share",
    "flags",
    "flags_zh",
    "tax",
    "value_added",
    "county_tax_per_mu",
    "notes_zh",
)
"""Columns of :func:`compute_flags` that parcel_eval shows after the parcel's place."""


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
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Flag every parcel, decide its treatment and word the reason (DESIGN §5, §6).

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
        Effective configuration: ``[flags]``, ``[[treatments]]``, the county names.
    year : int
        Evaluation year.

    Returns
    -------
    parcel_eval : GeoDataFrame
        One row per parcel, in the parcels' order and index:
        ``RESULT_COLUMNS["parcel_eval"]`` then :data:`PARCEL_EVAL_EXTRA_COLUMNS`.
    findings : DataFrame
        Parcels that could not be fully judged (info).
    """
    details, findings = compute_flags(
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
    treat = assign_treatments(details["flags"], config=config)
    reasons = build_reasons(details, treat["matched_flags"], config=config, year=year)

    names = {**config.project.legacy_counties, **config.project.counties}
    plat, line = placement.platforms, placement.line
    # Columns are collected first and made a frame once (inserting them one by one into a
    # DataFrame is slow at a million rows).
    pe: dict[str, object] = {}
    for col in ("parcel_id", "county_code", "area_m2", "area_mu", "land_use", "planned_use"):
        pe[col] = details[col]
    pe["county_name"] = to_str(per_value_str(text_array(details["county_code"]), names.get))
    pe["built_year"] = details["built_year"]
    for col in ("platform_id", "platform_name", "tier", "platform_share"):
        pe[col] = plat[col]
    for col in ("control_share", "inside_line", "straddling"):
        pe[col] = line[col]
    for col in _FACTS_SHOWN:
        pe[col] = details[col]
    for col in ("treatment", "treatment_zh", "rule", "matched_flags"):
        pe[col] = treat[col]
    pe["reason_zh"] = reasons
    pe["must_stay_industrial"] = must_stay_industrial(treat["treatment"], line["inside_line"])
    pe["geometry"] = parcels.geometry.to_numpy()
    cols = [*RESULT_COLUMNS["parcel_eval"], *PARCEL_EVAL_EXTRA_COLUMNS]
    frame = pd.DataFrame({c: pe[c] for c in cols}, index=parcels.index)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=parcels.crs), findings

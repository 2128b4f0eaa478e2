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
    made = {
        "county_name": to_str(per_value_str(text_array(details["county_code"]), names.get)),
        "reason_zh": reasons,
        "must_stay_industrial": must_stay_industrial(
            treat["treatment"], placement.line["inside_line"]
        ),
        "geometry": parcels.geometry.to_numpy(),
    }
    # Every other column comes from one step: the facts and flags, the treatment, the place.
    sources = (details, treat, placement.platforms, placement.line)

    def column(name: str):
        if name in made:
            return made[name]
        return next(frame[name] for frame in sources if name in frame.columns)

    cols = [*RESULT_COLUMNS["parcel_eval"], *PARCEL_EVAL_EXTRA_COLUMNS]
    # Columns are collected first and made a frame once (inserting them one by one into a
    # DataFrame is slow at a million rows).
    frame = pd.DataFrame({c: column(c) for c in cols}, index=parcels.index)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=parcels.crs), findings

"""Zoning: where each parcel is and what to do with it (DESIGN §5 flags, §6).

Platforms (2+6+N), the industrial control line, the low-efficiency flags, the four
treatments (四个一批) with a reason a reviewer reads aloud, the 改一补一 balance, and platform
summaries. :func:`zone_parcels` runs them all; each step is also a public function.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from landeval.config import Config
from landeval.findings import concat_findings
from landeval.inputs.model import RESULT_COLUMNS
from landeval.zoning._arrow import STRING, per_value_str, str_array, to_str
from landeval.zoning._overlay import Geoms, geometry_array
from landeval.zoning.balance import _balance_items, balance_items, balance_ledger
from landeval.zoning.control_line import _control_line_shares, control_line_shares, line_parts
from landeval.zoning.flags import compute_flags
from landeval.zoning.platforms import _assign_platforms, assign_platforms
from landeval.zoning.reasons import build_reasons
from landeval.zoning.summary import platform_summary
from landeval.zoning.treatments import assign_treatments, decide, must_stay_industrial

__all__ = [
    "PARCEL_EVAL_EXTRA_COLUMNS",
    "ZoningResult",
    "assign_platforms",
    "assign_treatments",
    "balance_items",
    "balance_ledger",
    "build_reasons",
    "compute_flags",
    "control_line_shares",
    "decide",
    "line_parts",
    "must_stay_industrial",
    "platform_regions",
    "platform_summary",
    "zone_parcels",
]

PARCEL_EVAL_EXTRA_COLUMNS: list[str] = [
    "tax",
    "value_added",
    "county_tax_per_mu",
    "matched_flags",
    "notes_zh",
]
"""Columns of parcel_eval after the contract columns (after geometry)."""


@dataclass(frozen=True)
class ZoningResult:
    """Everything the zoning stage produces for the evaluation year.

    Attributes
    ----------
    parcel_eval : GeoDataFrame
        One row per parcel: ``RESULT_COLUMNS["parcel_eval"]`` + PARCEL_EVAL_EXTRA_COLUMNS.
    platform_summary : DataFrame
        ``RESULT_COLUMNS["platform_summary"]``: platform rows then tier rows.
    balance_ledger : DataFrame
        ``RESULT_COLUMNS["balance_ledger"]`` (+ scope, decisive): counties then the city.
    balance_items : GeoDataFrame
        ``RESULT_COLUMNS["balance_items"]`` (+ approved_on, inside_line_mu, outside_line_mu).
    trends : DataFrame
        ``RESULT_COLUMNS["trends"]`` at the platform and tier levels.
    findings : DataFrame
        Findings of the zoning stage.
    """

    parcel_eval: gpd.GeoDataFrame
    platform_summary: pd.DataFrame
    balance_ledger: pd.DataFrame
    balance_items: gpd.GeoDataFrame
    trends: pd.DataFrame
    findings: pd.DataFrame


def zone_parcels(
    *,
    parcels: gpd.GeoDataFrame,
    platforms: gpd.GeoDataFrame | None,
    control_line: gpd.GeoDataFrame | None,
    land_changes: gpd.GeoDataFrame | None,
    parcel_scores: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    parcel_raster: pd.DataFrame | None,
    firms: pd.DataFrame | None,
    veto: pd.DataFrame | None,
    allocation: pd.DataFrame | None,
    config: Config,
    year: int,
) -> ZoningResult:
    """Place parcels in platforms and the control line, flag them, decide their treatment.

    Parameters
    ----------
    parcels : GeoDataFrame
        Canonical parcels in a projected CRS, with area_m2 and area_mu.
    platforms, control_line, land_changes : GeoDataFrame or None
        Optional vector layers; None gives empty results for their part.
    parcel_scores, firm_scores, allocation : DataFrame or None
        mu_scoring results, all years.
    parcel_raster : DataFrame or None
        Raster metrics per parcel; None: FAR from the registered floor area only.
    firms, veto : DataFrame or None
        Input tables.
    config : Config
        Effective configuration.
    year : int
        Evaluation year.

    Returns
    -------
    ZoningResult
    """
    # A fresh positional index: every step below aligns on it, whatever the caller's index.
    parcels = parcels.reset_index(drop=True)
    # One STRtree and one area per parcel for all the overlays below.
    geoms = Geoms(geometry_array(parcels))
    plat = _assign_platforms(parcels, platforms, config=config, geoms=geoms)
    line = _control_line_shares(parcels, control_line, config=config, geoms=geoms)
    details, flag_findings = compute_flags(
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
    # Columns are collected first and made a frame once (inserting them one by one into a
    # DataFrame is slow at a million rows).
    pe: dict[str, object] = {}
    for col in ("parcel_id", "county_code", "area_m2", "area_mu", "land_use", "planned_use"):
        pe[col] = details[col]
    pe["county_name"] = to_str(per_value_str(str_array(details["county_code"]), names.get))
    pe["built_year"] = details["built_year"]
    for col in ("platform_id", "platform_name", "tier", "platform_share"):
        pe[col] = plat[col]
    for col in ("control_share", "inside_line", "straddling"):
        pe[col] = line[col]
    for col in (
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
    ):
        pe[col] = details[col]
    for col in ("treatment", "treatment_zh", "rule", "matched_flags"):
        pe[col] = treat[col]
    pe["reason_zh"] = reasons
    pe["must_stay_industrial"] = must_stay_industrial(treat["treatment"], line["inside_line"])
    pe["geometry"] = parcels.geometry.to_numpy()
    cols = [*RESULT_COLUMNS["parcel_eval"], *PARCEL_EVAL_EXTRA_COLUMNS]
    frame = pd.DataFrame({c: pe[c] for c in cols}, index=parcels.index)
    parcel_eval = gpd.GeoDataFrame(frame, geometry="geometry", crs=parcels.crs)
    # The intermediate frames hold columns parcel_eval does not: free them before the
    # memory-hungry trends step.
    del pe, frame, details, plat, line, treat, reasons

    items, item_findings = _balance_items(
        parcel_eval=parcel_eval,
        land_changes=land_changes,
        control_line=control_line,
        config=config,
        parcel_geoms=geoms,
    )
    del geoms  # the parcels' STRtree and areas
    ledger = balance_ledger(
        items, config=config, counties=parcel_eval["county_code"].dropna().unique()
    )

    regions = platform_regions(parcel_eval)
    trends = _platform_trends(allocation, regions, config=config)
    summary = platform_summary(parcel_eval, platforms, trends, year=year)
    return ZoningResult(
        parcel_eval=parcel_eval,
        platform_summary=summary,
        balance_ledger=ledger,
        balance_items=items,
        trends=trends,
        findings=concat_findings(flag_findings, item_findings),
    )


def platform_regions(parcel_eval: pd.DataFrame) -> pd.DataFrame:
    """The (parcel_id, level, region_id) frame of platform and tier membership.

    Parameters
    ----------
    parcel_eval : DataFrame
        Parcels with platform_id and tier (parcels outside platforms are left out).

    Returns
    -------
    DataFrame
        Columns parcel_id, level ("platform" or "tier"), region_id.
    """
    rows = pa.array(np.flatnonzero(parcel_eval["platform_id"].notna().to_numpy()))
    ids = str_array(parcel_eval["parcel_id"]).take(rows)
    region = [str_array(parcel_eval[col]).take(rows) for col in ("platform_id", "tier")]
    level = pa.array(["platform", "tier"], type=STRING).take(
        pa.array(np.repeat(np.arange(2), len(rows)))
    )
    return pd.DataFrame(
        {
            "parcel_id": to_str(pa.concat_arrays([ids, ids])),
            "level": to_str(level),
            "region_id": to_str(pa.concat_arrays(region)),
        }
    )


def _platform_trends(
    allocation: pd.DataFrame | None, regions: pd.DataFrame, *, config: Config
) -> pd.DataFrame:
    """Per-mu trends at the platform and tier levels, via mu_scoring's compute_trends."""
    empty = pd.DataFrame({c: [] for c in RESULT_COLUMNS["trends"]})
    if allocation is None or len(allocation) == 0 or len(regions) == 0:
        return empty
    compute_trends = _compute_trends()
    # Only the columns compute_trends reads (its documented inputs): it copies the rows it
    # selects, and the other columns would be copied along for nothing.
    used = ["uscc", "year", "parcel_id", "land_m2", "scale", "tax", "value_added"]
    allocation = allocation[[c for c in used if c in allocation.columns]]
    trends = compute_trends(allocation, regions=regions, target_growth=config.trends.target_growth)
    return trends if trends is not None else empty


def _compute_trends():
    # Imported late: mu_scoring is a sibling stage and zoning must import without it.
    try:
        from landeval.mu_scoring import compute_trends  # noqa: PLC0415
    except ImportError:
        from landeval.mu_scoring.trends import compute_trends  # noqa: PLC0415
    return compute_trends

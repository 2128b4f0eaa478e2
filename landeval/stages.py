"""The evaluation's stages, one function each: raster metrics, scoring, zoning and treatments.

:func:`landeval.pipeline.evaluate` calls them in this order; the CLI's stage commands call
them one by one. Each takes the loaded inputs (or the tables of the stages before it) and
returns new tables; none writes anything.

- :func:`raster_metrics` — per-parcel building coverage, height, FAR, vacancy
  (:mod:`landeval.raster`);
- :func:`score` — per-mu evaluation of firms and parcels (:mod:`landeval.mu_scoring`);
- :func:`zone_and_treat` — where each parcel is, what to do with it, the 改一补一 balance:
  :mod:`landeval.zoning` places the parcels, :mod:`landeval.mu_scoring.trends` computes
  the trends of every level, :mod:`landeval.treatments` decides, :mod:`landeval.zoning`
  keeps the balance and summarises the platforms.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from landeval.config import Config
from landeval.findings import concat_findings
from landeval.inputs.model import RESULT_COLUMNS, Inputs

if TYPE_CHECKING:
    from landeval.mu_scoring import ScoringResult


@dataclass(frozen=True)
class ZoningResult:
    """What the zoning and treatments stage (:func:`zone_and_treat`) produces.

    Attributes
    ----------
    parcel_eval : GeoDataFrame
        One row per parcel: ``RESULT_COLUMNS["parcel_eval"]`` +
        :data:`landeval.treatments.PARCEL_EVAL_EXTRA_COLUMNS` +
        :data:`landeval.review.PARCEL_EVAL_REVIEW_COLUMNS` (the final treatment).
    firm_actions : DataFrame
        ``RESULT_COLUMNS["firm_actions"]``: firms to vacate (腾退) or rectify (整改) on
        parcels their own flags do not decide.
    capacity_parcels : DataFrame
        ``RESULT_COLUMNS["capacity_parcels"]``: kept A/B parcels with room to add floors.
    platform_summary : DataFrame
        ``RESULT_COLUMNS["platform_summary"]``: platform rows then tier rows.
    balance_ledger : DataFrame
        ``RESULT_COLUMNS["balance_ledger"]`` (+ scope, decisive): counties then the city.
    balance_items : GeoDataFrame
        ``RESULT_COLUMNS["balance_items"]`` (+ planned_use, counted_mu, why_not_counted).
    trends : DataFrame
        ``RESULT_COLUMNS["trends"]`` at every level: city, county, platform, tier.
    findings : DataFrame
        Findings of the stage.
    decisions : DataFrame
        The bureau's decisions (:data:`landeval.review.DECISION_COLUMNS`): the final
        treatment of every listed or reviewed parcel.
    """

    parcel_eval: gpd.GeoDataFrame
    firm_actions: pd.DataFrame
    capacity_parcels: pd.DataFrame
    platform_summary: pd.DataFrame
    balance_ledger: pd.DataFrame
    balance_items: gpd.GeoDataFrame
    trends: pd.DataFrame
    findings: pd.DataFrame
    decisions: pd.DataFrame


def raster_metrics(inputs: Inputs, config: Config) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Per-parcel raster metrics, or (None, no findings) when the project has no rasters."""
    from landeval.raster import parcel_raster_metrics  # noqa: PLC0415

    rasters = inputs.rasters or {}
    if not rasters.get("footprint") and not rasters.get("height"):
        return None, concat_findings()
    return parcel_raster_metrics(
        inputs.parcels,
        footprint=rasters.get("footprint", []),
        height=rasters.get("height", []),
        landcover=rasters.get("landcover", []),
        settings=config.raster,
    )


def score(inputs: Inputs, config: Config, *, trends: bool = True) -> ScoringResult:
    """Per-mu evaluation of every firm-year and parcel-year (:mod:`landeval.mu_scoring`).

    With ``trends``, the result also holds the trends at the city and county levels (the
    platform levels need the zoning stage: a whole run computes every level once, in
    :func:`zone_and_treat`).
    """
    from landeval.mu_scoring import evaluate_firms  # noqa: PLC0415
    from landeval.mu_scoring.trends import compute_trends, trend_regions  # noqa: PLC0415
    from landeval.validate.plausibility import bound_scores  # noqa: PLC0415

    result = evaluate_firms(
        parcels=inputs.parcels,
        firms=inputs.firms,
        firm_tax=inputs.firm_tax,
        firm_output=inputs.firm_output,
        occupancy=inputs.occupancy,
        veto=inputs.veto,
        config=config,
    )
    # Plausibility: 亩均税收 beyond its error bound stops here (DataError); every value
    # beyond a warning bound is listed in suspect_values.
    suspects, bounded = bound_scores(
        inputs.firm_tax,
        inputs.firm_output,
        result.firm_scores,
        config.plausibility,
        sources=inputs.sources,
    )
    result = dataclasses.replace(
        result, findings=concat_findings(result.findings, bounded), suspect_values=suspects
    )
    if not trends:
        return result
    regions = trend_regions(inputs.parcels, city=config.project.city)
    table = compute_trends(
        result.allocation, regions=regions, target_growth=config.trends.target_growth
    )
    return dataclasses.replace(result, trends=table)


def zone_and_treat(
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
    suspect_values: pd.DataFrame | None = None,
    parcel_review: pd.DataFrame | None = None,
) -> ZoningResult:
    """Place the parcels, decide their treatments, keep the 改一补一 balance (DESIGN §6).

    In order: zoning places each parcel in its platform and the control line
    (:func:`landeval.zoning.place_parcels`); the trends of every level are computed with the
    platform regions (:func:`landeval.mu_scoring.trends.compute_trends`, on a second thread
    while the treatments run); the treatments flag each parcel, decide its treatment and
    word the reason (:func:`landeval.treatments.treat_parcels`); zoning then keeps the
    改一补一 balance (:mod:`landeval.zoning.balance`) and summarises the platforms.

    Parameters
    ----------
    parcels : GeoDataFrame
        Canonical parcels in a projected CRS, with area_m2 and area_mu.
    platforms, control_line, land_changes : GeoDataFrame or None
        Optional vector layers; None gives empty results for their part.
    parcel_scores, firm_scores, allocation : DataFrame or None
        mu_scoring results, all years; without an allocation there are no trends.
    parcel_raster : DataFrame or None
        Raster metrics per parcel; None: FAR from the registered floor area only.
    firms, veto : DataFrame or None
        Input tables.
    config : Config
        Effective configuration.
    year : int
        Evaluation year.
    suspect_values : DataFrame, optional
        Firm-years with values beyond a warning bound (the scoring stage's
        ``suspect_values``); a decision resting on one is marked 需核实.
    parcel_review : DataFrame, optional
        The bureau's checked review (``Inputs.parcel_review``): final treatments from its
        复核结论, after the treatments and before the balance, which follows them
        (DESIGN §10). None: every final treatment is the proposal.

    Returns
    -------
    ZoningResult
    """
    from landeval.mu_scoring.trends import compute_trends, trend_regions  # noqa: PLC0415
    from landeval.review import apply_parcel_review, decided_view  # noqa: PLC0415
    from landeval.treatments import treat_parcels  # noqa: PLC0415
    from landeval.zoning import (  # noqa: PLC0415
        balance_items,
        balance_ledger,
        place_parcels,
        platform_summary,
    )

    # A fresh positional index: every step below aligns on it, whatever the caller's index.
    parcels = parcels.reset_index(drop=True)
    placement = place_parcels(
        parcels, platforms=platforms, control_line=control_line, config=config
    )
    with ThreadPoolExecutor(max_workers=1) as side:
        trends = None
        if allocation is not None and len(allocation):
            regions = trend_regions(
                parcels, city=config.project.city, platforms=placement.platforms
            )
            trends = side.submit(
                compute_trends,
                allocation,
                regions=regions,
                target_growth=config.trends.target_growth,
            )
        treated = treat_parcels(
            parcels,
            placement=placement,
            parcel_scores=parcel_scores,
            firm_scores=firm_scores,
            parcel_raster=parcel_raster,
            firms=firms,
            veto=veto,
            allocation=allocation,
            config=config,
            year=year,
            suspect_values=suspect_values,
        )
        # --- review (DESIGN §10): the bureau's decisions, after the proposal and before the
        # 改一补一 balance, which follows the final treatments -------------------------------
        decided = apply_parcel_review(treated.parcel_eval, parcel_review)
        parcel_eval = decided.parcel_eval
        items, item_findings = balance_items(
            parcel_eval=decided_view(parcel_eval, decided.decisions),
            land_changes=land_changes,
            control_line=control_line,
            config=config,
            parcel_geoms=placement.geoms,
        )
        del placement  # the parcels' STRtree and areas
        trends = _empty("trends") if trends is None else trends.result()
    ledger = balance_ledger(
        items, config=config, counties=parcel_eval["county_code"].dropna().unique()
    )
    summary = platform_summary(parcel_eval, platforms, trends, year=year)
    return ZoningResult(
        parcel_eval=parcel_eval,
        firm_actions=treated.firm_actions,
        capacity_parcels=treated.capacity_parcels,
        platform_summary=summary,
        balance_ledger=ledger,
        balance_items=items,
        trends=trends,
        findings=concat_findings(treated.findings, decided.findings, item_findings),
        decisions=decided.decisions,
    )


def _empty(table: str) -> pd.DataFrame:
    """A result table with its columns and no rows."""
    return pd.DataFrame({c: [] for c in RESULT_COLUMNS[table]})

"""Year over year (DESIGN §11): what changed, what got done from last year's list, the targets.

A run may name last year's output (``--previous DIR`` or ``[inputs] previous``); the
pipeline then adds to the store (:func:`evaluate_monitoring`, one module per concern):

- :mod:`.previous` — reading last year's output, refusing a folder that is not one, is of a
  year not before this one, or was written by an incompatible landeval;
- :mod:`.match` — which of this year's parcels is which of last year's: by 宗地代码, else by
  geometry overlap (split, merged, re-coded parcels);
- :mod:`.transitions` — ``class_transitions`` (firms and parcels) and ``class_matrix``
  (per county: "D→C 12, C→B 30 …");
- :mod:`.progress` — ``list_progress``: every item of last year's list with its status
  (已销号, 已验收, 疑似完成, 推进中, 受阻, 未启动) and the evidence;
- :mod:`.revitalisation` — ``revitalisation``: land 盘活 per county and platform against the
  land listed and the target.

Without last year's output a run still gives what its own tables allow:

- :mod:`.per_mu` — ``per_mu_change``: 亩均税收 and 亩均增加值 year on year, 当年口径 and 同口径;
- :mod:`.targets` — ``target_tracking``: the 4151 plan's targets to 2026 with their paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from landeval.config import Config
from landeval.findings import concat_findings
from landeval.monitoring.match import link_parcels
from landeval.monitoring.per_mu import PER_MU_COLUMNS, per_mu_change
from landeval.monitoring.previous import (
    PREVIOUS_COLUMNS,
    PreviousRun,
    check_previous_year,
    read_previous,
)
from landeval.monitoring.progress import PROGRESS_COLUMNS, list_progress
from landeval.monitoring.revitalisation import REVITALISATION_COLUMNS, revitalisation
from landeval.monitoring.targets import TARGET_COLUMNS, target_tracking
from landeval.monitoring.transitions import (
    MATRIX_COLUMNS,
    TRANSITION_COLUMNS,
    class_transitions,
    transition_matrix,
    transition_summary,
)

MONITORING_TABLES: dict[str, list[str]] = {
    "class_transitions": TRANSITION_COLUMNS,
    "class_matrix": MATRIX_COLUMNS,
    "list_progress": PROGRESS_COLUMNS,
    "revitalisation": REVITALISATION_COLUMNS,
    "per_mu_change": PER_MU_COLUMNS,
    "target_tracking": TARGET_COLUMNS,
}
"""The store tables of the monitoring stage and their columns (the first four need last
year's output)."""


@dataclass(frozen=True)
class Monitoring:
    """What :func:`evaluate_monitoring` gives: tables by name (those it could make), findings."""

    tables: dict[str, pd.DataFrame]
    findings: pd.DataFrame


def evaluate_monitoring(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    previous: PreviousRun | None,
    platforms: pd.DataFrame | None,
    config: Config,
    year: int,
) -> Monitoring:
    """The year-over-year tables of one evaluation (pure).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        This run's result tables: parcel_eval (with the final treatments), firm_scores,
        allocation, trends, decisions, balance_items.
    previous : PreviousRun or None
        Last year's output (:func:`read_previous`); None: only per_mu_change and
        target_tracking.
    platforms : DataFrame or None
        The platforms layer (小微企业园 and their 省级认定).
    config : Config
        ``[targets]``, ``[monitoring]``, ``[trends] target_growth``, ``[flags]``.
    year : int
        The evaluation year.

    Returns
    -------
    Monitoring
    """
    parcel_eval = tables.get("parcel_eval")
    firm_scores = tables.get("firm_scores")
    if parcel_eval is None:
        return Monitoring(tables={}, findings=concat_findings())
    regions = pd.DataFrame(parcel_eval[["parcel_id", "county_code", "platform_id"]])
    out: dict[str, pd.DataFrame] = {}
    findings = []
    if previous is not None:
        check_previous_year(previous, year)
        links = link_parcels(
            previous.parcel_eval,
            parcel_eval,
            min_share=config.monitoring.match_min_share,
        )
        now_firms = (
            firm_scores.loc[firm_scores["year"] == year]
            if firm_scores is not None
            else pd.DataFrame(columns=["uscc", "county_code", "class"])
        )
        transitions = class_transitions(
            prev_firms=previous.firm_scores,
            firms=now_firms,
            prev_parcels=previous.parcel_eval,
            parcels=parcel_eval,
            links=links,
        )
        out["class_transitions"] = transitions
        out["class_matrix"] = transition_matrix(transitions)
        progress = list_progress(
            prev_parcels=previous.parcel_eval,
            prev_decisions=previous.decisions,
            parcels=parcel_eval,
            decisions=tables.get("decisions"),
            links=links,
            balance_items=tables.get("balance_items"),
            industrial_prefixes=config.flags.industrial_use_prefixes,
            min_share=config.monitoring.match_min_share,
        )
        out["list_progress"] = progress.table
        findings.append(progress.findings)
        out["revitalisation"] = revitalisation(progress.table, targets=config.targets)
    allocation = tables.get("allocation")
    if allocation is not None and firm_scores is not None:
        prev_year = previous.year if previous is not None else year - 1
        change = per_mu_change(allocation, firm_scores, regions, year=year, prev_year=prev_year)
        if len(change):
            out["per_mu_change"] = change
    tracking = target_tracking(
        trends=tables.get("trends"),
        allocation=allocation,
        firm_scores=firm_scores,
        regions=regions,
        platforms=platforms,
        revitalisation=out.get("revitalisation"),
        targets=config.targets,
        growth=config.trends.target_growth,
        micro_park_kinds=config.flags.micro_park_kinds,
        year=year,
    )
    out["target_tracking"] = tracking.table
    findings.append(tracking.findings)
    return Monitoring(tables=out, findings=concat_findings(*findings))


__all__ = [
    "MONITORING_TABLES",
    "PREVIOUS_COLUMNS",
    "Monitoring",
    "PreviousRun",
    "check_previous_year",
    "evaluate_monitoring",
    "read_previous",
    "transition_summary",
]

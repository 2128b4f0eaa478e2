"""亩均倒逼: the differentiated measures of each firm's class (差别化施策, DESIGN §12).

Counties turn the classes into money and quotas for the following year: A/B firms get relief
(减免城镇土地使用税, 奖补), C/D firms pay more (差别化电价、水价、污水处理费) or get less
(削减用能、排污指标). A project lists its measures in ``[[incentives]]``; landeval ships none.

- :mod:`.bases` — what a rate multiplies, per firm of the evaluation year (kWh, m³, t, land
  used or owned, 城镇土地使用税 due, tce, 排放当量, tax, one per firm);
- :mod:`.measures` — basis × rate for the firms of the listed classes (class history for
  ``min_consecutive_years``, ``supersedes``, ``refundable``), findings for missing bases;
- :mod:`.totals` — per county × measure and for the city.

:func:`evaluate_incentives` runs them; the pipeline calls it after the scoring with the
firms' final classes (:func:`final_classes`).

Examples
--------
>>> import pandas as pd
>>> from landeval.config import IncentiveMeasure
>>> from landeval.incentives import apply_measures
>>> measure = IncentiveMeasure(
...     code="ELEC_D", label_zh="差别化电价", classes=["D"], basis="electricity_kwh",
...     rate=0.3, kind="charge",
... )
>>> classes = pd.DataFrame({"uscc": ["F1", "F2"], "year": [2024, 2024], "class": ["D", "A"]})
>>> bases = pd.DataFrame(
...     {"uscc": ["F1", "F2"], "name": ["甲", "乙"], "county_code": ["330602"] * 2,
...      "electricity_kwh": [100_000.0, 50_000.0]}
... )
>>> rows, _ = apply_measures(classes=classes, bases=bases, measures=[measure], year=2024)
>>> rows[["uscc", "applies_year", "amount_yuan"]].to_dict("records")
[{'uscc': 'F1', 'applies_year': 2025, 'amount_yuan': 30000.0}]
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from landeval.config import Config
from landeval.findings import concat_findings
from landeval.incentives.bases import BASIS_LAYERS, firm_bases
from landeval.incentives.measures import FIRM_INCENTIVE_COLUMNS, apply_measures, measure_names
from landeval.incentives.totals import INCENTIVE_TOTAL_COLUMNS, incentive_totals

__all__ = [
    "BASIS_LAYERS",
    "FIRM_INCENTIVE_COLUMNS",
    "INCENTIVE_TOTAL_COLUMNS",
    "IncentiveResult",
    "apply_measures",
    "evaluate_incentives",
    "final_classes",
    "firm_bases",
    "incentive_totals",
    "measure_names",
    "open_firms",
]


@dataclass(frozen=True)
class IncentiveResult:
    """The measures of one evaluation.

    Attributes
    ----------
    firm_incentives : DataFrame
        :data:`FIRM_INCENTIVE_COLUMNS`: one row per firm and measure that applies to it.
    incentive_totals : DataFrame
        :data:`INCENTIVE_TOTAL_COLUMNS`: per county × measure, then the city.
    findings : DataFrame
        Missing or negative bases (one per firm and measure), parcels' illegal land-tax rates.
    """

    firm_incentives: pd.DataFrame
    incentive_totals: pd.DataFrame
    findings: pd.DataFrame


def final_classes(firm_scores: pd.DataFrame) -> pd.DataFrame:
    """The firms' final classes by year (uscc, year, class, veto_reason).

    Today the final class is the scored one (a vetoed firm is D there); a bureau's 调档
    (issue 22) replaces it, and the measures follow whatever frame the pipeline passes.
    """
    cols = [c for c in ("uscc", "year", "class", "veto_reason") if c in firm_scores.columns]
    return firm_scores[cols]


def open_firms(
    classes: pd.DataFrame, firm_scores: pd.DataFrame, *, closed: list[str], year: int
) -> pd.DataFrame:
    """``classes`` without the firms closed in ``year`` (a new frame).

    A firm that has stopped trading (停业) or lost its registration (注销, 吊销) pays no
    surcharge and receives no relief the next year: its land is a matter for the
    treatments (关停退出), not for prices. Other years' classes stay (the history that
    ``min_consecutive_years`` reads).
    """
    if "status" not in firm_scores.columns or not len(classes):
        return classes
    status = firm_scores[["uscc", "year", "status"]]
    shut = status.loc[(status["year"] == year) & status["status"].isin(closed), "uscc"]
    drop = (classes["year"] == year) & classes["uscc"].isin(pd.Index(shut))
    return classes.loc[~drop.to_numpy(dtype=bool)]


def evaluate_incentives(
    *,
    classes: pd.DataFrame,
    firm_scores: pd.DataFrame,
    firm_tax: pd.DataFrame | None,
    parcels: pd.DataFrame | None,
    occupancy: pd.DataFrame | None,
    config: Config,
    year: int,
) -> IncentiveResult:
    """The measures of ``config.incentives`` for the firms' final classes in ``year``.

    Parameters
    ----------
    classes : DataFrame
        Final classes: uscc, year, class (the evaluation year and the years before it),
        optional veto_reason (:func:`final_classes`).
    firm_scores : DataFrame
        mu_scoring's firm-years (name, county and the scored figures).
    firm_tax, parcels, occupancy : DataFrame or None
        Canonical inputs (water and wastewater, land-tax rates, land held as owner).
    config : Config
        ``[[incentives]]``, ``[incentives_settings]``, the counties and the city's name.
    year : int
        Evaluation year; the measures apply in ``year + 1``.

    Returns
    -------
    IncentiveResult
        Empty tables (with their columns) when the project lists no measure. A firm closed
        in ``year`` (status 停业, 注销, 吊销: ``flags.closed_statuses``) gets no measure.
    """
    measures = config.incentives
    classes = open_firms(classes, firm_scores, closed=config.flags.closed_statuses, year=year)
    if not measures:  # nothing to compute: skip the bases (a pass over every firm-year)
        rows, _ = apply_measures(classes=classes, bases=pd.DataFrame(), measures=[], year=year)
        totals = incentive_totals(
            rows, measures=[], counties={}, city=config.project.city, year=year
        )
        return IncentiveResult(rows, totals, concat_findings())
    bases, basis_findings = firm_bases(
        firm_scores=firm_scores,
        firm_tax=firm_tax,
        parcels=parcels,
        occupancy=occupancy,
        year=year,
        land_tax_rates=config.incentives_settings.land_tax_rate,
        needed={m.basis for m in measures},
    )
    rows, row_findings = apply_measures(classes=classes, bases=bases, measures=measures, year=year)
    totals = incentive_totals(
        rows,
        measures=measures,
        counties=config.project.counties,
        city=config.project.city,
        year=year,
    )
    return IncentiveResult(
        firm_incentives=rows,
        incentive_totals=totals,
        findings=concat_findings(basis_findings, row_findings),
    )

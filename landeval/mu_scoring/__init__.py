"""Per-mu evaluation (亩均论英雄): land, indicators, scores, classes, parcel roll-up, trends.

The pipeline, one module per step (DESIGN §5):

- :mod:`.land` — land per firm-year from occupancy (DuckDB SQL);
- :mod:`.firm_years` — tax and output joined with firm attributes and land (DuckDB SQL);
- :mod:`.indicators` — the seven per-firm indicators;
- :mod:`.groups`, :mod:`.eligibility` — evaluation groups, weights, who is class T;
- :mod:`.benchmarks`, :mod:`.scores`, :mod:`.classes` — benchmarks, sub-scores, ranks, classes;
- :mod:`.allocation` — firm money split over parcels by land share;
- :mod:`.rollup` — parcel scores: per-mu values, occupants, the main occupant's class;
- :mod:`.trends` — per-mu trends by region (city, county, platform, tier) against the
  growth target, computed by the pipeline once the platforms are known;
- :mod:`.evaluate` — :func:`evaluate_firms`, which runs them all.
"""

from landeval.mu_scoring.allocation import allocate
from landeval.mu_scoring.benchmarks import group_benchmarks
from landeval.mu_scoring.classes import assign_classes
from landeval.mu_scoring.eligibility import not_evaluated_reasons
from landeval.mu_scoring.evaluate import ScoringResult, evaluate_firms
from landeval.mu_scoring.firm_years import assemble_firm_years
from landeval.mu_scoring.groups import group_keys, weights_frame
from landeval.mu_scoring.indicators import INDICATOR_FORMULAS, compute_indicators
from landeval.mu_scoring.land import firm_land
from landeval.mu_scoring.rollup import parcel_scores
from landeval.mu_scoring.scores import score_firm_years
from landeval.mu_scoring.trends import compute_trends, trend_regions

__all__ = [
    "INDICATOR_FORMULAS",
    "ScoringResult",
    "allocate",
    "assemble_firm_years",
    "assign_classes",
    "compute_indicators",
    "compute_trends",
    "evaluate_firms",
    "firm_land",
    "group_benchmarks",
    "group_keys",
    "not_evaluated_reasons",
    "parcel_scores",
    "score_firm_years",
    "trend_regions",
    "weights_frame",
]

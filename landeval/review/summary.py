"""How far the review got: proposals confirmed, overridden, deferred, classes adjusted.

:func:`review_counts` reads the ``decisions`` and ``firm_decisions`` tables; the console
prints :func:`review_line`, and the report states the same counts (a later change).

Examples
--------
>>> import pandas as pd
>>> decisions = pd.DataFrame({
...     "proposed": ["REBUILD", "UPGRADE", "EXIT", "CONVERT", "KEEP"],
...     "final": ["REBUILD", "KEEP", "DEFER", "CONVERT", "UPGRADE"],
...     "decision_source": ["review", "review", "review", "proposal", "review"],
...     "stale": [False, True, False, False, False]})
>>> review_counts(decisions, None)
{'confirmed': 1, 'overridden': 2, 'deferred': 1, 'pending': 1, 'stale': 1, 'adjusted': 0}
"""

from __future__ import annotations

import pandas as pd

from landeval._format import format_number
from landeval.vocabulary import DEFER, KEEP, REVIEW_NONE, REVIEW_SUMMARY, Language


def review_counts(
    decisions: pd.DataFrame | None, firm_decisions: pd.DataFrame | None
) -> dict[str, int]:
    """Counts of the review's outcome.

    Returns
    -------
    dict
        ``confirmed`` (a 复核结论 equal to the proposal), ``overridden`` (another treatment,
        保留 included), ``deferred`` (暂缓), ``pending`` (proposed for a treatment, no
        复核结论 yet), ``stale`` (reviews whose proposal changed since), ``adjusted``
        (firms whose class a 调档 set).
    """
    counts = dict.fromkeys(
        ("confirmed", "overridden", "deferred", "pending", "stale", "adjusted"), 0
    )
    if decisions is not None and len(decisions):
        by_review = decisions["decision_source"].eq("review").fillna(False).to_numpy()
        same = (decisions["final"] == decisions["proposed"]).fillna(False).to_numpy()
        deferred = decisions["final"].eq(DEFER).fillna(False).to_numpy()
        proposed = decisions["proposed"].ne(KEEP).fillna(False).to_numpy()
        counts["confirmed"] = int((by_review & same).sum())
        counts["deferred"] = int((by_review & deferred).sum())
        counts["overridden"] = int((by_review & ~same & ~deferred).sum())
        counts["pending"] = int((~by_review & proposed).sum())
        counts["stale"] = int(decisions["stale"].fillna(False).astype(bool).sum())
    if firm_decisions is not None and len(firm_decisions):
        counts["adjusted"] = int(firm_decisions["class_source"].eq("review").fillna(False).sum())
    return counts


def review_line(
    decisions: pd.DataFrame | None,
    firm_decisions: pd.DataFrame | None,
    *,
    given: bool,
    lang: Language = "zh",
) -> str:
    """One line for the console: the counts, or that the project names no review."""
    if not given:
        return REVIEW_NONE[lang]
    counts = review_counts(decisions, firm_decisions)
    return REVIEW_SUMMARY[lang].format(
        **{k: format_number(v, decimals=0) for k, v in counts.items()}
    )

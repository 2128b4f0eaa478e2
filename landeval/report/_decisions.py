"""The report's lines on what follows the evaluation: the bureau's review and the measures.

- the review (DESIGN §10): how many proposals the bureau confirmed, overrode or deferred,
  the same counts the console prints (:func:`landeval.review.review_line`);
- the measures (DESIGN §12): one line per measure of the city, how many firms and how much
  (万元, or a quota's unit), from ``incentive_totals``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from landeval._format import format_number
from landeval.incentives import measure_names
from landeval.review import review_line
from landeval.review.shown import reviewed
from landeval.vocabulary import CITY, MEASURE_REPORT, UNITS, Language

_WAN = 1e4  # 元 per 万元
_EXAMPLE = "示例费率"  # the demo's rates say so in their note (DESIGN §12)


def review_text(results: Mapping[str, pd.DataFrame | None], lang: Language) -> str | None:
    """The review's counts, or None when no review decided anything (no line then)."""
    decisions, firms = results.get("decisions"), results.get("firm_decisions")
    adjusted = (
        firms is not None
        and "class_source" in firms.columns
        and bool(firms["class_source"].eq("review").fillna(False).any())
    )
    if not reviewed(results.get("parcel_eval")) and not adjusted:
        return None
    return review_line(decisions, firms, given=True, lang=lang)


def measure_title(results: Mapping[str, pd.DataFrame | None], lang: Language) -> str:
    """The measures' heading, marked 示例费率 once when every measure's rates are examples."""
    title = MEASURE_REPORT["title"][lang]
    codes = _city_codes(results.get("incentive_totals"))
    if not codes or not codes <= _example_codes(results.get("firm_incentives")):
        return title
    example = MEASURE_REPORT["example"][lang]
    return f"{title}（{example}）" if lang == "zh" else f"{title} ({example})"


def measure_lines(results: Mapping[str, pd.DataFrame | None], lang: Language) -> list[str]:
    """One line per measure (the city's total), in the configuration's order; [] for none.

    A line says 示例费率 only when some measures have real rates (when all are examples,
    :func:`measure_title` says it once).
    """
    totals = results.get("incentive_totals")
    if totals is None or not len(totals) or "county_code" not in totals.columns:
        return []
    city = totals[totals["county_code"].astype("string") == CITY]
    words = {k: v[lang] for k, v in MEASURE_REPORT.items()}
    examples = _example_codes(results.get("firm_incentives"))
    if _city_codes(totals) <= examples:
        examples = set()  # every measure is an example: the heading says so once
    wan = UNITS["wan_yuan"].zh if lang == "zh" else UNITS["wan_yuan"].en
    lines = []
    for row, name in zip(city.itertuples(index=False), measure_names(city, lang), strict=True):
        money = pd.notna(row.amount_yuan)
        amount = row.amount_yuan / _WAN if money else row.amount
        line = (
            words["line"]
            .format(
                label=name,
                firms=format_number(row.n_subject, 0),
                amount=format_number(amount, 2, grouping=True),
                unit=wan if money else (row.unit if isinstance(row.unit, str) else ""),
            )
            .rstrip()
        )
        if row.n_missing:
            line += words["missing"].format(n=format_number(row.n_missing, 0))
        if row.code in examples:
            line += f"（{words['example']}）" if lang == "zh" else f" ({words['example']})"
        lines.append(line)
    return lines


def _city_codes(totals: pd.DataFrame | None) -> set[str]:
    """The codes of the measures with a city row in ``incentive_totals``."""
    if totals is None or not len(totals) or "county_code" not in totals.columns:
        return set()
    return set(totals.loc[totals["county_code"].astype("string") == CITY, "code"].astype(str))


def _example_codes(rows: pd.DataFrame | None) -> set[str]:
    """The measures whose rates are marked as examples (示例费率) in their note."""
    if rows is None or not len(rows) or "note" not in rows.columns:
        return set()
    marked = rows["note"].astype("string").str.contains(_EXAMPLE, regex=False).fillna(False)
    return set(rows.loc[marked.to_numpy(dtype=bool), "code"].astype(str))

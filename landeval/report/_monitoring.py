"""The report's year-over-year section (DESIGN §11): the targets, last year's list, classes.

:func:`monitoring_figures` gives what ``templates/_monitoring.html.j2`` shows: one row per
target for the city (where it is in the evaluation year, where the path says it should be,
the final target), the progress of last year's list and its 盘活, and the class moves of
firms and parcels. None when the run has no target rows (the section is then left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from landeval._format import format_number
from landeval.monitoring.summary import progress_line, revitalisation_line, transitions_line
from landeval.monitoring.transitions import transition_summary
from landeval.vocabulary import CITY, TARGET_LABELS, TARGET_UNITS, Language, label, target_unit

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "六、年度变化与“4151”目标（全市）",
        "target": "目标",
        "value": "{year}年实际",
        "path": "路径应达",
        "final": "{year}年目标",
        "on_track": "达到路径",
        "counties": "各县（市、区）企业类别变化",
    },
    "en": {
        "title": "6. Year over year and the 4151 targets (city)",
        "target": "Target",
        "value": "{year}",
        "path": "Path",
        "final": "Target {year}",
        "on_track": "On track",
        "counties": "Firm classes by county",
    },
}


@dataclass(frozen=True)
class MonitoringFigures:
    """What the report's section shows (words already in the report's language)."""

    title: str
    headers: tuple[str, ...]
    counties_title: str = ""
    targets: list[dict[str, object]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)


def monitoring_figures(
    results: Mapping[str, pd.DataFrame | None], *, year: int, lang: str = "zh"
) -> MonitoringFigures | None:
    """The section's figures, or None when the run tracked no target."""
    words = TEXT.get(lang, TEXT["zh"])
    shown: Language = "en" if lang == "en" else "zh"
    tracking = results.get("target_tracking")
    if tracking is None or not len(tracking):
        return None
    city = tracking.loc[(tracking["level"] == CITY) & (tracking["region_id"] == CITY)]
    rows = []
    final_year = year
    for target in TARGET_LABELS:
        own = city.loc[city["target"] == target]
        now = own.loc[own["year"] == year]
        if now.empty:
            continue
        row = now.iloc[0]
        last = own.loc[own["year"] == own["year"].max()].iloc[0]
        final_year = int(last["year"])
        scale = 100.0 if TARGET_UNITS.get(target) is None else 1.0
        rows.append(
            {
                "name": label(TARGET_LABELS, target, shown),
                "unit": target_unit(target, shown),
                "value": _number(row["value"], scale),
                "path": _number(row["target_value"], scale),
                "final": _number(row["final_target"], scale),
                "on_track": None if pd.isna(row["on_track"]) else bool(row["on_track"]),
            }
        )
    lines = []
    progress = results.get("list_progress")
    if progress is not None:
        line = progress_line(progress, shown)
        revitalisation = results.get("revitalisation")
        extra = revitalisation_line(revitalisation, shown) if revitalisation is not None else ""
        lines.append(
            f"{line}；{extra}" if extra and lang == "zh" else f"{line}. {extra}".strip(". ")
        )
    matrix = results.get("class_matrix")
    counties: list[str] = []
    if matrix is not None:
        lines += [transitions_line(matrix, level=lv, lang=shown) for lv in ("firm", "parcel")]
        counties = _county_lines(matrix, _county_names(results), shown)
    headers = (
        words["target"],
        words["value"].format(year=year),
        words["path"],
        words["final"].format(year=final_year),
        words["on_track"],
    )
    return MonitoringFigures(
        title=words["title"],
        headers=headers,
        counties_title=words["counties"],
        targets=rows,
        lines=lines,
        counties=counties,
    )


_COUNTY_MOVES_SHOWN = 2  # moves each way in a county's line of the report


def _county_lines(matrix: pd.DataFrame, names: Mapping[str, str], lang: Language) -> list[str]:
    """Each county's firm class moves in one short line ("越城区：升档 …"), by county code.

    Two moves each way at most, so that two counties share a line of the page (the whole
    matrix per county is the workbook's 年度变化 sheet).
    """
    codes = sorted(str(c) for c in matrix["county_code"].dropna().unique() if c != CITY)
    lines = []
    for code in codes:
        moved = transition_summary(
            matrix, level="firm", county=code, lang=lang, shown=_COUNTY_MOVES_SHOWN
        )
        if moved:
            lines.append(f"{names.get(code, code)}{'：' if lang == 'zh' else ': '}{moved}")
    return lines


def _county_names(results: Mapping[str, pd.DataFrame | None]) -> dict[str, str]:
    parcels = results.get("parcel_eval")
    if parcels is None or "county_name" not in parcels.columns:
        return {}
    pairs = parcels[["county_code", "county_name"]].dropna().drop_duplicates("county_code")
    return dict(
        zip(pairs["county_code"].astype(str), pairs["county_name"].astype(str), strict=True)
    )


def _number(value: object, scale: float) -> str:
    number = pd.to_numeric(value, errors="coerce")
    if pd.isna(number):
        return format_number(None)
    decimals = 0 if float(number) * scale >= 1000 or float(number).is_integer() else 2
    return format_number(float(number) * scale, decimals)

"""The workbook's year-over-year sheets (DESIGN §11): 年度变化, 上年清单进展, 目标跟踪.

:func:`monitoring_sheets` builds them from the monitoring tables (pure): the transition
matrix per county beside the firms' and parcels' transitions; last year's list with each
item's status and evidence beside the land 盘活 per county and platform; the targets' paths
beside 亩均税收 and 亩均增加值 year on year. A sheet whose tables the run does not have is
left out (the first two need last year's output).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landeval.export._tables import Table, build_table, column_of
from landeval.vocabulary import (
    CITY,
    CITY_NAME,
    CLASS_LABELS,
    MONITOR_LEVEL_LABELS,
    NO_CLASS,
    TOTAL,
    column_header,
    label,
    target_unit,
)

SHEETS: dict[str, dict[str, str]] = {
    "transitions": {"zh": "年度变化", "en": "Year over year"},
    "progress": {"zh": "上年清单进展", "en": "Last year's list"},
    "targets": {"zh": "目标跟踪", "en": "Targets"},
}
"""The names of the three sheets."""

Sheet = tuple[str, list[tuple[Table, int]], tuple[str, ...]]
"""A sheet to write: its name, its tables with their first columns, and its notes."""

_GAP = 1  # empty columns between two tables side by side

TRANSITION_SPEC = (
    ("level", "level"),
    ("id", "object_id"),
    ("prev_id", "prev_id"),
    ("county_name", "county_name"),
    ("prev_class", "prev_class"),
    ("class", "now_class"),
    ("prev_treatment", "prev_treatment"),
    ("treatment", "now_treatment"),
    ("match", "match"),
    ("overlap_share", "overlap_share"),
    ("area_mu", "area_mu"),
)

PROGRESS_SPEC = (
    ("prev_parcel_id", "prev_parcel_id"),
    ("county_name", "county_name"),
    ("platform_name", "platform_name"),
    ("area_mu", "area_mu"),
    ("prev_class", "prev_class"),
    ("prev_treatment", "prev_treatment"),
    ("decision_source", "decision_source"),
    ("status", "list_status"),
    ("evidence_zh", "evidence_zh"),
    ("progress", "progress"),
    ("progress_source", "progress_source"),
    ("now_parcel_ids", "now_parcel_ids"),
    ("match", "match"),
    ("overlap_share", "overlap_share"),
    ("now_class", "now_class"),
    ("now_treatment", "now_treatment"),
    ("path", "path"),
    ("responsible", "responsible"),
    ("deadline", "deadline"),
    ("difficulty", "difficulty"),
    ("accepted_on", "accepted_on"),
    ("closed_on", "closed_on"),
)

REVITALISATION_SPEC = (
    ("level", "level"),
    ("region_name", "region_name"),
    ("listed_parcels", "listed_parcels"),
    ("listed_mu", "listed_mu"),
    ("closed_parcels", "closed_parcels"),
    ("closed_mu", "closed_mu"),
    ("closed_share", "closed_share"),
    ("suspected_mu", "suspected_mu"),
    ("target_mu", "target_mu"),
    ("target_share", "target_share"),
)

TARGET_SPEC = (
    ("target", "target"),
    ("level", "level"),
    ("region_name", "region_name"),
    ("year", "year"),
    ("value", "value"),
    ("target_value", "target_value"),
    ("final_target", "final_target"),
    ("on_track", "on_track"),
    ("target_unit", "target_unit"),
    ("base_year", "base_year"),
    ("base_value", "base_value"),
    ("note_zh", "note_zh"),
)

PER_MU_SPEC = (
    ("level", "level"),
    ("region_name", "region_name"),
    ("comparison", "comparison"),
    ("prev_year", "prev_year"),
    ("year", "year"),
    ("prev_n_firms", "prev_n_firms"),
    ("n_firms", "n_firms"),
    ("prev_tax_per_mu", "prev_tax_per_mu"),
    ("tax_per_mu", "tax_per_mu"),
    ("tax_change", "tax_change"),
    ("prev_va_per_mu", "prev_va_per_mu"),
    ("va_per_mu", "va_per_mu"),
    ("va_change", "va_change"),
)

_NOTES: dict[str, dict[str, tuple[str, ...]]] = {
    "progress": {
        "zh": (
            "进展状态：已销号、已验收以复核表为准（本年复核表有进展的用本年的，否则用上年的）；"
            "疑似完成指数据显示处置目标已实现但尚未验收：整治提升——评价类别升至A、B类；"
            "拆除重建——容积率达到标准；关停退出——土地已收回或已由其他企业使用；"
            "功能转型——用途已改变且有已批准的改一补一转出项目。",
            "宗地按宗地代码对应；代码变化的（分割、合并）按图形重合对应，见“匹配方式”。",
            "盘活面积：上年清单中已验收、已销号宗地的面积。",
        ),
        "en": (
            "Closed and accepted come from the review (this year's where it gives a step, "
            "else last year's); 'looks done' means the data show the goal met, not yet "
            "accepted.",
            "Parcels are matched by code, else by geometry overlap (split, merged).",
            "Put to use: the area of the items accepted or closed.",
        ),
    },
    "targets": {
        "zh": (
            "目标来自绍兴市“4151”计划：规上亩均增加值年均增长8.5%；规上全员劳动生产率2026年"
            "达到40万元/人；研发费用占营业收入比例保持3.5%以上；省级认定小微园150家。",
            "路径值：按目标推算的当年应达值；基年无数据的以第一个有数据的年度为基年。",
            "亩均税收、亩均增加值：当年口径为每年全部参评企业，同口径为两年都参评的企业。",
        ),
        "en": (
            "Targets of the 4151 plan: value added per mu +8.5 % a year; 400,000 yuan per "
            "employee by 2026; R&D at least 3.5 % of revenue; 150 accredited small-firm parks.",
            "Path value: where the path says the figure should be that year.",
            "Per-mu figures: 'as reported' counts each year's evaluated firms, 'same firms' "
            "those evaluated in both years.",
        ),
    },
}


def monitoring_sheets(
    results: Mapping[str, pd.DataFrame | None],
    *,
    lang: str = "zh",
    county_names: Mapping[str, str] | None = None,
) -> list[Sheet]:
    """The year-over-year sheets of the workbook, in order; those the run has tables for."""
    names = _region_names(results, lang, county_names or {})
    sheets: list[Sheet] = []
    transitions = results.get("class_transitions")
    matrix = results.get("class_matrix")
    if transitions is not None and matrix is not None:
        blocks = _side_by_side(
            [
                matrix_table(matrix, lang=lang, county_names=names["county"]),
                build_table(
                    transitions.assign(county_name=_names(transitions, names["county"])),
                    TRANSITION_SPEC,
                    lang=lang,
                ),
            ]
        )
        sheets.append((SHEETS["transitions"][lang], blocks, ()))
    progress = results.get("list_progress")
    if progress is not None:
        tables = [
            build_table(
                progress.assign(county_name=_names(progress, names["county"])),
                PROGRESS_SPEC,
                lang=lang,
            )
        ]
        revitalisation = results.get("revitalisation")
        if revitalisation is not None:
            tables.append(
                build_table(_with_region(revitalisation, names), REVITALISATION_SPEC, lang=lang)
            )
        notes = _NOTES["progress"].get(lang, _NOTES["progress"]["zh"])
        sheets.append((SHEETS["progress"][lang], _side_by_side(tables), notes))
    tracking = results.get("target_tracking")
    if tracking is not None and len(tracking):
        tables = [build_table(_target_rows(tracking, names, lang), TARGET_SPEC, lang=lang)]
        change = results.get("per_mu_change")
        if change is not None and len(change):
            tables.append(build_table(_with_region(change, names), PER_MU_SPEC, lang=lang))
        notes = _NOTES["targets"].get(lang, _NOTES["targets"]["zh"])
        sheets.append((SHEETS["targets"][lang], _side_by_side(tables), notes))
    return sheets


def matrix_table(
    matrix: pd.DataFrame, *, lang: str = "zh", county_names: Mapping[str, str] | None = None
) -> Table:
    """The transition matrix: a row per level, county (the city last) and last year's class.

    Columns: the level, the county, last year's class, the count per this year's class
    (A, B, C, D, 不参评, none) and the total.
    """
    classes = [*CLASS_LABELS, None]
    names = dict(county_names or {})
    rows = []
    frame = matrix.assign(
        prev_class=matrix["prev_class"].astype(object).where(matrix["prev_class"].notna(), None),
        **{"class": matrix["class"].astype(object).where(matrix["class"].notna(), None)},
    )
    for (level, county), own in frame.groupby(["level", "county_code"], sort=False):
        counts = {
            (p, c): int(n) for p, c, n in own[["prev_class", "class", "n"]].itertuples(index=False)
        }
        for prev in classes:
            cells = [counts.get((prev, c), 0) for c in classes]
            if not any(cells):
                continue
            where = CITY_NAME[lang] if county == CITY else names.get(str(county), str(county))  # type: ignore[index]
            rows.append(
                [
                    label(MONITOR_LEVEL_LABELS, str(level), lang),  # type: ignore[arg-type]
                    where,
                    _class_name(prev, lang),
                    *cells,
                    sum(cells),
                ]
            )
    headers = [
        column_header("level", lang),  # type: ignore[arg-type]
        column_header("county_name", lang),  # type: ignore[arg-type]
        column_header("prev_class", lang),  # type: ignore[arg-type]
        *(_class_name(c, lang) for c in classes),
        TOTAL[lang],
    ]
    table = pd.DataFrame(rows, columns=headers)
    for col in headers[3:]:
        table[col] = table[col].astype("float64")
    kinds = ("text", "text", "text", *("count",) * (len(classes) + 1))
    return Table(table, kinds, ("level", "county_name", "prev_class"))


def _class_name(code: str | None, lang: str) -> str:
    if code is None:
        return NO_CLASS[lang]
    return label(CLASS_LABELS, code, lang)  # type: ignore[arg-type]


def _side_by_side(tables: list[Table]) -> list[tuple[Table, int]]:
    out = []
    start = 0
    for table in tables:
        out.append((table, start))
        start += len(table.frame.columns) + _GAP
    return out


def _region_names(
    results: Mapping[str, pd.DataFrame | None], lang: str, counties: Mapping[str, str]
) -> dict[str, dict[str, str]]:
    """Names of counties and platforms by code, and of the city."""
    platforms: dict[str, str] = {}
    for key in ("platforms", "platform_summary"):
        frame = results.get(key)
        if frame is not None and {"platform_id", "name"} <= set(frame.columns):
            pairs = frame[["platform_id", "name"]].dropna().drop_duplicates("platform_id")
            platforms.update(
                zip(pairs["platform_id"].astype(str), pairs["name"].astype(str), strict=True)
            )
    return {
        "county": dict(counties),
        "platform": platforms,
        CITY: {CITY: CITY_NAME[lang]},
    }


def _names(frame: pd.DataFrame, names: Mapping[str, str]) -> list[object]:
    """The county name of each row (its code where the name is unknown)."""
    return [
        None if pd.isna(c) else names.get(str(c), str(c)) for c in column_of(frame, "county_code")
    ]


def _with_region(frame: pd.DataFrame, names: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """``frame`` with region_name: the name of each (level, region_id)."""
    return frame.assign(
        region_name=[
            names.get(str(level), {}).get(str(region), str(region))
            for level, region in zip(frame["level"], frame["region_id"], strict=True)
        ]
    )


def _target_rows(
    tracking: pd.DataFrame, names: Mapping[str, Mapping[str, str]], lang: str
) -> pd.DataFrame:
    """The tracking rows as shown: shares as percentages, each row with its unit."""
    out = _with_region(tracking, names)
    share = (out["target"] == "RD_INTENSITY").to_numpy(dtype=bool)
    for col in ("value", "target_value", "final_target", "base_value"):
        values = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype="float64")
        out[col] = np.where(share, values * 100.0, values)
    out["target_unit"] = [target_unit(code, lang) for code in out["target"]]  # type: ignore[arg-type]
    if lang != "zh":
        out["note_zh"] = None  # the notes are written in Chinese only
    return out

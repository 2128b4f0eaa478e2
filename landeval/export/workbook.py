"""``actions.xlsx``: the action lists, the 改一补一 ledger, firm classes and data problems.

Written with the small streaming writer of :mod:`landeval.export._xlsx` (column-wise cell
XML built with Arrow kernels, rows streamed into the zip in chunks: a million parcels do
not sit in memory as cell objects, and no Python code runs per cell). Every text cell goes
through :func:`~landeval.export._cells.neutralise` (its vectorised twin
:func:`~landeval.export._cells.neutralise_array`) and is written as an inline string, so
nothing from the inputs can become a formula, a link or a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from landeval._atomic import atomic_path
from landeval._format import format_number
from landeval.export._balance import items_table, ledger_notes, ledger_table
from landeval.export._cells import column_width, neutralise
from landeval.export._columns import WRAPPED_KEYS
from landeval.export._findings import findings_table
from landeval.export._firms import capacity_table, firm_actions_table, firm_table
from landeval.export._incentives import measure_tables
from landeval.export._monitoring import monitoring_sheets
from landeval.export._summary import platform_table, summary_table
from landeval.export._tables import (
    Table,
    action_tables,
    county_names,
    treatment_codes,
    treatment_label,
)
from landeval.export._xlsx import MAX_ROWS, Column, Sheet, write_xlsx
from landeval.review.shown import with_final_parcels
from landeval.vocabulary import (
    CHECK_RESULTS,
    FIX_STATES,
    MEASURE_NOTES,
    MEASURE_SHEET,
    column_header,
)

NUMBER_FORMATS: dict[str, str] = {
    "area": "0.00",
    "per_mu": "0.00",
    "intensity": "0.00",
    "ratio": "0.00",
    "share": "0.0%",
    "count": "0",
    "year": "0",
    "score": "0.00",
    "money": "#,##0.00",
}
"""Excel number format per column kind (:data:`landeval.vocabulary.NUMBER_KINDS`)."""

SHEET_NAMES: dict[str, dict[str, str]] = {
    "summary": {"zh": "汇总", "en": "Summary"},
    "platforms": {"zh": "平台汇总", "en": "Platforms"},
    "firm_actions": {"zh": "企业处置", "en": "Firm actions"},
    "capacity": {"zh": "增容潜力", "en": "Room to add floors"},
    "balance": {"zh": "改一补一", "en": "Balance"},
    "items": {"zh": "改一补一明细", "en": "Balance items"},
    "firms": {"zh": "企业评价", "en": "Firm evaluation"},
    **MEASURE_SHEET,
    "findings": {"zh": "数据问题", "en": "Data problems"},
}
"""Sheet names other than the treatment sheets (which take the treatment labels)."""

NOTE_HEADER: dict[str, str] = {"zh": "说明", "en": "Notes"}
"""The heading of the notes beside a table."""

_WIDTH_SAMPLE = 500  # rows looked at to size a column; enough to see typical long names
_WRAPPED_WIDTH = 40  # a wrapped column is this wide at most: its text wraps, not the sheet
_GAP = 1  # empty columns between a table and the notes beside it
_FORBIDDEN_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


@dataclass(frozen=True)
class _Part:
    """One sheet to write: its tables side by side, what the bureau fills in, protection."""

    name: str
    blocks: list[tuple[Table, int]]
    inputs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (header, drop-down values or ())
    notes: tuple[str, ...] = ()


def write_workbook(
    results: Mapping[str, pd.DataFrame | None],
    path: str | Path,
    *,
    lang: str = "zh",
    year: int,
) -> Path:
    """Write ``actions.xlsx`` atomically.

    Sheets: 汇总 and 平台汇总; the four treatments (拆除重建, 整治提升, 功能转型, 关停退出)
    with a 核实结论 column to fill in; 企业处置 and 增容潜力 when the run has them; 改一补一
    (the ledger, with what its columns mean) and 改一补一明细 (the items); 企业评价; 数据问题
    (each problem once, with a 处理情况 column). Every sheet prints on A4 landscape, one
    page wide, with its header row on every page; the sheets with columns to fill in are
    protected but for those columns (filters and sorting still work).

    Parameters
    ----------
    results : mapping of str to DataFrame
        Result tables by name: ``parcel_eval``, ``platform_summary``, ``trends``,
        ``balance_ledger``, ``balance_items``, ``firm_scores``, ``allocation``, ``firms``,
        ``firm_actions``, ``capacity_parcels``, ``findings`` (missing ones give empty
        sheets, or none for the optional lists).
    path : path-like
        The workbook to write; replaced whole when complete.
    lang : {"zh", "en"}
        Language of sheet names, headers and labels.
    year : int
        Evaluation year: the 企业评价 sheet lists that year's firms.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    parts = _workbook_parts(results, lang=lang, year=year)
    title = "工业用地处置清单" if lang == "zh" else "Industrial land action lists"
    with atomic_path(path) as tmp:
        used: set[str] = set()
        specs = [
            _write_sheet(_sheet_name(part.name, used), piece, part, lang=lang)
            for part in parts
            for piece in _split_rows(part.blocks)
        ]
        write_xlsx(tmp, specs, title=f"{title} {year}", author="landeval")
    return path


def _workbook_parts(
    results: Mapping[str, pd.DataFrame | None], *, lang: str, year: int
) -> list[_Part]:
    """The sheets of the workbook in order, as tables (pure): what write_workbook writes."""
    results = with_final_parcels(results)  # type: ignore[assignment]  # the final decisions
    parcels = _frame(results.get("parcel_eval"))
    names = county_names(results)
    check = (
        (column_header("check_result", lang), CHECK_RESULTS[lang]),  # type: ignore[arg-type]
        (column_header("check_note", lang), ()),  # type: ignore[arg-type]
    )
    parts = [
        _Part(
            SHEET_NAMES["summary"][lang],
            [
                (
                    summary_table(
                        parcels,
                        lang=lang,
                        trends=results.get("trends"),
                        year=year,
                        county_names=names,
                    ),
                    0,
                )
            ],
            notes=_summary_notes(lang),
        )
    ]
    platforms = results.get("platform_summary")
    if platforms is not None and len(platforms):
        parts.append(
            _Part(
                SHEET_NAMES["platforms"][lang],
                [(platform_table(platforms, lang=lang, county_names=names), 0)],
            )
        )
    codes = treatment_codes(parcels)
    for code, table in action_tables(parcels, lang=lang, treatments=codes).items():
        parts.append(_Part(treatment_label(code, lang, parcels), [(table, 0)], inputs=check))
    actions = results.get("firm_actions")
    if actions is not None:
        table = firm_actions_table(actions, year=year, county_names=names, lang=lang)
        parts.append(_Part(SHEET_NAMES["firm_actions"][lang], [(table, 0)], inputs=check))
    capacity = capacity_table(
        results.get("capacity_parcels"),
        year=year,
        parcel_eval=parcels,
        county_names=names,
        lang=lang,
    )
    if capacity is not None:
        parts.append(_Part(SHEET_NAMES["capacity"][lang], [(capacity, 0)]))
    ledger = results.get("balance_ledger")
    parts.append(
        _Part(
            SHEET_NAMES["balance"][lang],
            [(ledger_table(ledger, lang=lang, county_names=names), 0)],
            notes=tuple(ledger_notes(ledger, lang=lang)),
        )
    )
    items = items_table(
        results.get("balance_items"), lang=lang, county_names=names, parcel_eval=parcels
    )
    parts.append(_Part(SHEET_NAMES["items"][lang], [(items, 0)]))
    firms = firm_table(
        _frame(results.get("firm_scores")),
        year=year,
        county_names=names,
        lang=lang,
        allocation=results.get("allocation"),
    )
    parts.append(_Part(SHEET_NAMES["firms"][lang], [(firms, 0)]))
    measures = measure_tables(
        results.get("firm_incentives"),
        results.get("incentive_totals"),
        county_names=names,
        lang=lang,
    )
    if measures is not None:
        rows, totals = measures
        parts.append(
            _Part(
                SHEET_NAMES["measures"][lang],
                [(rows, 0), (totals, len(rows.frame.columns) + _GAP)],
                notes=MEASURE_NOTES.get(lang, MEASURE_NOTES["zh"]),
            )
        )
    # year over year (DESIGN §11): 年度变化, 上年清单进展, 目标跟踪
    for name, blocks, notes in monitoring_sheets(results, lang=lang, county_names=names):
        parts.append(_Part(name, blocks, notes=notes))
    findings = findings_table(
        results.get("findings"),
        lang=lang,
        firms=_register(results),
        parcel_counties=_parcel_counties(parcels),
        county_names=names,
    )
    fix = (
        (column_header("fix_state", lang), FIX_STATES[lang]),  # type: ignore[arg-type]
        (column_header("fix_note", lang), ()),  # type: ignore[arg-type]
    )
    parts.append(_Part(SHEET_NAMES["findings"][lang], [(findings, 0)], inputs=fix))
    return parts


def _summary_notes(lang: str) -> tuple[str, ...]:
    if lang != "zh":
        return (
            "Low-efficiency land: parcels on the four lists (rebuild, upgrade, change of "
            "use, exit); its share is of the industrial land of the county.",
            "Tax and value added per mu: above-scale firms, evaluation year (the trends table).",
            "1 mu = 10000/15 m².",
        )
    return (
        "低效用地：列入“四个一批”（拆除重建、整治提升、功能转型、关停退出）处置清单的宗地；"
        "占比为其面积占本县（市、区）工业用地面积的比例。",
        "规上亩均税收、规上亩均增加值：评价年度规模以上工业企业口径（税收、增加值之和除以用地面积）。",
        "面积按 1 亩 = 10000/15 平方米计。",
    )


def _register(results: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame | None:
    """Firms by USCC with their names and counties: the register, else the scores."""
    for key in ("firms", "firm_scores"):
        frame = results.get(key)
        if frame is not None and {"uscc", "name", "county_code"} <= set(frame.columns):
            return pd.DataFrame(frame[["uscc", "name", "county_code"]])
    return None


def _parcel_counties(parcels: pd.DataFrame) -> pd.Series | None:
    if "parcel_id" not in parcels or "county_code" not in parcels:
        return None
    return pd.Series(
        parcels["county_code"].to_numpy(dtype=object),
        index=parcels["parcel_id"].astype(str).to_numpy(),
    )


_ROWS_PER_SHEET = MAX_ROWS - 1  # an Excel sheet holds 1,048,576 rows, the header included


def _split_rows(blocks: Sequence[tuple[Table, int]]) -> list[list[tuple[Table, int]]]:
    """A one-table sheet longer than Excel allows, as several sheets; rows are never dropped.

    The continuation sheets take the name with "_2", "_3", … (see :func:`_sheet_name`).
    """
    if len(blocks) != 1 or len(blocks[0][0].frame) <= _ROWS_PER_SHEET:
        return [list(blocks)]
    table, start = blocks[0]
    return [
        [(replace(table, frame=table.frame.iloc[lo : lo + _ROWS_PER_SHEET]), start)]
        for lo in range(0, len(table.frame), _ROWS_PER_SHEET)
    ]


def _frame(frame: pd.DataFrame | None) -> pd.DataFrame:
    return frame if frame is not None else pd.DataFrame()


def _sheet_name(name: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique ignoring case
    base = name.translate(_FORBIDDEN_SHEET_CHARS)[:31] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    used.add(candidate.lower())
    return candidate


def _write_sheet(
    name: str, blocks: Sequence[tuple[Table, int]], part: _Part, *, lang: str
) -> Sheet:
    """The sheet of ``blocks``: text neutralised, widths fitted, inputs and notes beside.

    The columns to fill in follow the first table; the notes, if any, stand to the right
    of everything after an empty column.
    """
    spec = []
    end = 0
    for table, start in blocks:
        columns = []
        for j, header in enumerate(table.frame.columns):
            kind = table.kinds[j]
            wrap = j < len(table.keys) and table.keys[j] in WRAPPED_KEYS
            width = _width(header, table.frame.iloc[:_WIDTH_SAMPLE, j], kind)
            columns.append(
                Column(
                    header=neutralise(str(header)),
                    cells=table.frame.iloc[:, j],
                    number_format=None if kind == "text" else NUMBER_FORMATS[kind],
                    # applied once per distinct text by the writer
                    text_transform=neutralise,
                    width=min(width, _WRAPPED_WIDTH) if wrap else width,
                    wrap=wrap,
                )
            )
        spec.append((start, columns))
        end = max(end, start + len(columns))
    validations = []
    if part.inputs:
        first = spec[0][0] + len(spec[0][1])
        inputs = [
            Column(
                header=neutralise(h), cells=[], width=max(column_width(h, ()), 12), unlocked=True
            )
            for h, _ in part.inputs
        ]
        validations = [(first + k, v) for k, (_, v) in enumerate(part.inputs) if v]
        spec.append((first, inputs))
        end = max(end, first + len(inputs))
    if part.notes:
        notes = Column(
            header=NOTE_HEADER.get(lang, NOTE_HEADER["zh"]),
            cells=list(part.notes),
            width=_WRAPPED_WIDTH * 2,
            wrap=True,
        )
        spec.append((end + _GAP, [notes]))
    return Sheet(
        name=name,
        blocks=spec,
        autofilter_block=0,
        print_setup=True,
        validations=validations,
        protect=bool(part.inputs),
    )


def _width(header: str, values: pd.Series, kind: str) -> float:
    # distinct values only: names and labels repeat, and measuring a width is slow
    present = set(values.dropna().tolist())
    if kind == "text":
        texts = {neutralise(str(v)) for v in present}
    else:
        texts = {_shown_number(v, kind) for v in present}
    return column_width(str(header), texts)


def _shown_number(value: float, kind: str) -> str:
    """The text Excel shows for ``value`` under the number format of ``kind``."""
    number_format = NUMBER_FORMATS[kind]
    return format_number(
        value,
        len(number_format.partition(".")[2].rstrip("%")),  # the zeros after the point
        grouping="," in number_format,
        percent=number_format.endswith("%"),
    )

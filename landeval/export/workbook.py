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
from dataclasses import replace
from pathlib import Path

import pandas as pd

from landeval._atomic import atomic_path
from landeval._format import format_number
from landeval.export._cells import column_width, neutralise
from landeval.export._tables import (
    Table,
    action_tables,
    county_names,
    findings_table,
    firm_table,
    items_table,
    ledger_table,
    summary_table,
    treatment_codes,
    treatment_label,
)
from landeval.export._xlsx import MAX_ROWS, Column, Sheet, write_xlsx

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
    "balance": {"zh": "改一补一", "en": "Balance"},
    "firms": {"zh": "企业评价", "en": "Firm evaluation"},
    "findings": {"zh": "数据问题", "en": "Data problems"},
}
"""Sheet names other than the treatment sheets (which take the treatment labels)."""

_WIDTH_SAMPLE = 500  # rows looked at to size a column; enough to see typical long names
_GAP = 1  # empty columns between the ledger and the item list on the 改一补一 sheet
_FORBIDDEN_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def write_workbook(
    results: Mapping[str, pd.DataFrame | None],
    path: str | Path,
    *,
    lang: str = "zh",
    year: int,
) -> Path:
    """Write ``actions.xlsx`` atomically.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Result tables by name: ``parcel_eval``, ``balance_ledger``, ``balance_items``,
        ``firm_scores``, ``findings`` (missing ones give empty sheets).
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
    parcels = _frame(results.get("parcel_eval"))
    sheets: list[tuple[str, list[tuple[Table, int]]]] = [
        (SHEET_NAMES["summary"][lang], [(summary_table(parcels, lang=lang), 0)])
    ]
    codes = treatment_codes(parcels)
    for code, table in action_tables(parcels, lang=lang, treatments=codes).items():
        sheets.append((treatment_label(code, lang, parcels), [(table, 0)]))
    ledger = ledger_table(results.get("balance_ledger"), lang=lang)
    items = items_table(results.get("balance_items"), lang=lang)
    beside = len(ledger.frame.columns) + _GAP
    sheets.append((SHEET_NAMES["balance"][lang], [(ledger, 0), (items, beside)]))
    firms = firm_table(
        _frame(results.get("firm_scores")),
        year=year,
        county_names=county_names(results),
        lang=lang,
    )
    sheets.append((SHEET_NAMES["firms"][lang], [(firms, 0)]))
    sheets.append(
        (SHEET_NAMES["findings"][lang], [(findings_table(results.get("findings"), lang=lang), 0)])
    )
    title = "工业用地处置清单" if lang == "zh" else "Industrial land action lists"
    with atomic_path(path) as tmp:
        used: set[str] = set()
        specs = [
            _write_sheet(_sheet_name(name, used), part)
            for name, blocks in sheets
            for part in _split_rows(blocks)
        ]
        write_xlsx(tmp, specs, title=f"{title} {year}", author="landeval")
    return path


_ROWS_PER_SHEET = MAX_ROWS - 1  # an Excel sheet holds 1,048,576 rows, the header included


def _split_rows(blocks: Sequence[tuple[Table, int]]) -> list[list[tuple[Table, int]]]:
    """A one-table sheet longer than Excel allows, as several sheets; rows are never dropped.

    The continuation sheets take the name with "_2", "_3", … (see :func:`_sheet_name`).
    Sheets of tables side by side (the 改一补一 ledger and items) are small and stay whole.
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


def _write_sheet(name: str, blocks: Sequence[tuple[Table, int]]) -> Sheet:
    """The sheet of ``blocks`` (tables side by side), text neutralised, widths fitted."""
    spec = []
    for table, start in blocks:
        columns = []
        for j, header in enumerate(table.frame.columns):
            kind = table.kinds[j]
            columns.append(
                Column(
                    header=neutralise(str(header)),
                    cells=table.frame.iloc[:, j],
                    number_format=None if kind == "text" else NUMBER_FORMATS[kind],
                    # applied once per distinct text by the writer
                    text_transform=neutralise,
                    width=_width(header, table.frame.iloc[:_WIDTH_SAMPLE, j], kind),
                )
            )
        spec.append((start, columns))
    return Sheet(name=name, blocks=spec, autofilter_block=0)


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

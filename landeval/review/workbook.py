"""Writing review.xlsx with XlsxWriter: drop-downs, date checks, locked proposal, notes.

The workbook is small (the action list and the year's firms), so it is written with a kept
library that does data validation and protection, not by hand:

- sheets 宗地复核 and 企业复核 (:mod:`landeval.review.rows`), then 说明 (every column: who
  fills it, its values, what it means);
- a header a person can read: the vocabulary's labels with units, wrapped, bold; landeval's
  columns grey, the bureau's yellow; the header row and the key column frozen; widths sized
  for Chinese text; an autofilter over the rows;
- drop-down lists where the values are fixed (复核结论, 进展, 认定, 企业确认, 调档) and a date
  check on date columns, each with a prompt saying what to enter;
- the sheet protected without a password, landeval's columns locked and the bureau's open;
  filtering and sorting stay allowed (Excel sorts a range only when its cells are all open,
  so a sort over the locked columns asks to unprotect the sheet first);
- text from the inputs (names, reasons) neutralised against formula injection
  (:func:`landeval.export.neutralise`); the bureau's own answers are written back as they
  were given (as text cells, which a spreadsheet never runs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from landeval._atomic import atomic_path
from landeval.review.layout import (
    FIRM_COLUMNS,
    ReviewColumn,
    choices,
    parcel_columns,
)
from landeval.vocabulary import (
    REVIEW_DATE_HINT,
    REVIEW_FILLED_BY,
    REVIEW_HELP,
    REVIEW_HELP_HEADERS,
    REVIEW_INTRO,
    REVIEW_SHEETS,
    Language,
    column_header,
    label,
)

REVIEW_FILE = "review.xlsx"
"""The review workbook's name in the output folder."""

_DATE_FORMAT = "yyyy-mm-dd"
_EARLIEST, _LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
_PROMPT_CHARS = 250  # Excel's limit for a validation prompt is 255
_COLOURS = {"landeval": "#D9D9D9", "bureau": "#FFF2CC", "firm": "#E2EFDA"}


def write_review_workbook(
    parcels: pd.DataFrame, firms: pd.DataFrame, path: str | Path, *, lang: Language = "zh"
) -> Path:
    """Write review.xlsx from the sheets' rows, atomically.

    Parameters
    ----------
    parcels, firms : DataFrame
        :func:`landeval.review.rows.parcel_rows` and :func:`~landeval.review.rows.firm_rows`.
    path : path-like
        Where to write (the output folder's ``review.xlsx``).
    lang : {"zh", "en"}
        Language of the sheet names, headers, drop-downs and notes.

    Returns
    -------
    Path
    """
    import xlsxwriter  # noqa: PLC0415 - only when a review is written

    from landeval.export import neutralise  # noqa: PLC0415 - the exports load on first use

    target = Path(path)
    parcel_cols = parcel_columns(with_path="proposed_path" in parcels.columns)
    with atomic_path(target) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": _DATE_FORMAT,
            },
        )
        try:
            formats = _Formats(book, neutralise)
            _sheet(book, formats, REVIEW_SHEETS["parcels"][lang], parcel_cols, parcels, lang=lang)
            _sheet(book, formats, REVIEW_SHEETS["firms"][lang], FIRM_COLUMNS, firms, lang=lang)
            _notes(book, formats, lang, parcel_cols)
        finally:
            book.close()
    return target


class _Formats:
    """The cell formats of the workbook, made once."""

    def __init__(self, book, neutralise: Callable[[str], str]) -> None:
        self.neutralise = neutralise
        base = {"valign": "top", "font_size": 10}
        self.header = {
            who: book.add_format(
                {
                    **base,
                    "bold": True,
                    "text_wrap": True,
                    "border": 1,
                    "bg_color": colour,
                    "locked": True,
                }
            )
            for who, colour in _COLOURS.items()
        }
        self.locked_text = book.add_format({**base, "text_wrap": True})
        self.locked_number: dict[str, object] = {}
        self.open_text = book.add_format({**base, "text_wrap": True, "locked": False})
        self.open_date = book.add_format({**base, "num_format": _DATE_FORMAT, "locked": False})
        self.intro = book.add_format({**base, "text_wrap": True, "bold": True})
        self._book = book

    def number(self, number_format: str):
        """A locked number format (made on first use)."""
        if number_format not in self.locked_number:
            self.locked_number[number_format] = self._book.add_format(
                {"valign": "top", "font_size": 10, "num_format": number_format}
            )
        return self.locked_number[number_format]

    def column(self, column: ReviewColumn):
        """The format of a column's cells (and of its empty cells, for the open ones)."""
        if column.locked:
            if column.number_format:
                return self.number(column.number_format)
            return self.locked_text
        return self.open_date if column.kind == "date" else self.open_text


def _sheet(
    book,
    formats: _Formats,
    name: str,
    columns: tuple[ReviewColumn, ...],
    rows: pd.DataFrame,
    *,
    lang: Language,
) -> None:
    sheet = book.add_worksheet(name)
    n = len(rows)
    last_row = max(n, 1)  # checks and filters cover at least one row
    sheet.set_row(0, 42)
    for j, column in enumerate(columns):
        sheet.set_column(j, j, column.width, formats.column(column))
        sheet.write_string(0, j, column_header(column.key, lang), formats.header[column.filled_by])
        values = rows[column.key] if column.key in rows.columns else pd.Series([None] * n)
        for i, value in enumerate(values):
            _cell(sheet, i + 1, j, value, column=column, formats=formats)
        _validation(sheet, j, last_row, column, lang)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, last_row, len(columns) - 1)
    sheet.protect(
        "",
        {
            "autofilter": True,
            "sort": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )


def _cell(sheet, row: int, col: int, value: object, *, column: ReviewColumn, formats: _Formats):
    """One cell as its column writes it; a missing value an empty cell of its column's format.

    An empty cell of the bureau's gets its open format written: the column's format alone
    opens it in Excel, but not in every program that reads the file.
    """
    fmt = formats.column(column)
    if value is None or value is pd.NA or value is pd.NaT:
        if not column.locked:
            sheet.write_blank(row, col, None, fmt)
        return
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), fmt)
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if np.isfinite(value):
            sheet.write_number(row, col, float(value), fmt)
    else:
        text = str(value)
        # the proposal's texts come from the inputs; the bureau's answers go back as given
        sheet.write_string(row, col, formats.neutralise(text) if column.locked else text, fmt)


def _validation(sheet, col: int, last_row: int, column: ReviewColumn, lang: Language) -> None:
    """The drop-down or date check of a bureau's column (none on landeval's)."""
    if column.locked:
        return
    header = column_header(column.key, lang)
    prompt = REVIEW_HELP.get(column.key, {}).get(lang, "")
    if column.kind == "choice":
        values = choices(column, lang)
        allowed = "、".join(values) if lang == "zh" else ", ".join(values)
        sheet.data_validation(
            1,
            col,
            last_row,
            col,
            {
                "validate": "list",
                "source": values,
                "input_title": header[:32],
                "input_message": prompt[:_PROMPT_CHARS],
                "error_title": header[:32],
                "error_message": allowed[:_PROMPT_CHARS],
            },
        )
    elif column.kind == "date":
        hint = REVIEW_DATE_HINT[lang]
        sheet.data_validation(
            1,
            col,
            last_row,
            col,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": _EARLIEST,
                "maximum": _LATEST,
                "input_title": header[:32],
                "input_message": f"{prompt}（{hint}）"[:_PROMPT_CHARS] if prompt else hint,
                "error_title": header[:32],
                "error_message": hint,
            },
        )


def _notes(book, formats: _Formats, lang: Language, parcel_cols: tuple[ReviewColumn, ...]):
    """The notes sheet: what the workbook is for, and every column explained."""
    sheet = book.add_worksheet(REVIEW_SHEETS["help"][lang])
    heads = ("sheet", "column", "filled_by", "values", "meaning")
    widths = (12, 22, 14, 36, 60)
    sheet.merge_range(0, 0, 0, len(heads) - 1, REVIEW_INTRO[lang], formats.intro)
    sheet.set_row(0, 75)
    for j, (head, width) in enumerate(zip(heads, widths, strict=True)):
        sheet.set_column(j, j, width, formats.locked_text)
        sheet.write_string(2, j, label(REVIEW_HELP_HEADERS, head, lang), formats.header["landeval"])
    row = 3
    for key, columns in (("parcels", parcel_cols), ("firms", FIRM_COLUMNS)):
        for column in columns:
            values = ""
            if column.kind == "choice":
                values = "、".join(choices(column, lang))
            elif column.kind == "date":
                values = REVIEW_DATE_HINT[lang]
            cells = (
                REVIEW_SHEETS[key][lang],
                column_header(column.key, lang),
                label(REVIEW_FILLED_BY, column.filled_by, lang),
                values,
                REVIEW_HELP.get(column.key, {}).get(lang, ""),
            )
            for j, text in enumerate(cells):
                if text:
                    sheet.write_string(row, j, text, formats.locked_text)
            row += 1
    sheet.freeze_panes(3, 0)

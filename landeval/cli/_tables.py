"""Printing small summary tables to the terminal (rich handles the width of Chinese text).

A column named by a key of :data:`landeval.vocabulary.COLUMNS` is headed by its label and
unit in the chosen language and its numbers are shown as its kind asks (counts whole,
areas to 0.1 亩, shares as percentages); other columns keep their name.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from landeval._format import format_number
from landeval.vocabulary import COLUMNS, MISSING_TEXT, YES_NO, Language, column_header

DECIMALS: dict[str, int] = {
    "count": 0,
    "year": 0,
    "area": 1,
    "money": 1,
    "per_mu": 2,
    "intensity": 2,
    "ratio": 2,
    "score": 2,
    "share": 1,
}
"""Decimals shown per column kind."""


def print_table(
    frame: pd.DataFrame, *, title: str = "", lang: Language = "zh", decimals: int = 1
) -> None:
    """Print a DataFrame as an aligned table on standard output.

    Parameters
    ----------
    frame : DataFrame
        The rows to show; columns named by vocabulary keys get their labels.
    title : str
        Shown above the table.
    lang : {"zh", "en"}
        Language of the headers and of yes/no.
    decimals : int
        Decimals of numbers in columns the vocabulary does not know.
    """
    table = Table(title=title or None, show_lines=False)
    formats = []
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        kind = COLUMNS[col].kind if col in COLUMNS else None
        # a code or a date stays whole; text wraps rather than being cut off
        table.add_column(
            column_header(str(col), lang),
            justify="right" if numeric else "left",
            no_wrap=kind in ("code", "date"),
            overflow="fold",
        )
        formats.append((DECIMALS.get(kind or "", decimals), kind))
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v, d, k, lang=lang) for v, (d, k) in zip(row, formats, strict=True)))
    Console(soft_wrap=True, width=max(100, Console().width)).print(table)


def _cell(value: object, decimals: int, kind: str | None, *, lang: Language) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return MISSING_TEXT  # None, NaN, NA and NaT alike
    if isinstance(value, bool | np.bool_):
        return YES_NO[lang][0 if value else 1]
    if isinstance(value, numbers.Integral) and kind is None:
        return format_number(value, 0)  # a count in a column the vocabulary does not know
    if isinstance(value, numbers.Real):
        return format_number(value, decimals, percent=kind == "share")
    return str(value)

"""Printing small summary tables to the terminal (rich handles the width of Chinese text)."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table


def print_table(frame: pd.DataFrame, *, title: str = "", floatfmt: str = "{:,.1f}") -> None:
    """Print a DataFrame as an aligned table on standard output."""
    table = Table(title=title or None, show_lines=False)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v, floatfmt) for v in row))
    Console(soft_wrap=True, width=max(100, Console().width)).print(table)


def _cell(value: object, floatfmt: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return floatfmt.format(value)
    return str(value)

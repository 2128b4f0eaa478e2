"""The console's lines on last year's list and the class transitions (DESIGN §11)."""

from __future__ import annotations

from collections.abc import Mapping

import click
import pandas as pd

from landeval.monitoring.summary import progress_line, revitalisation_line, transitions_line
from landeval.vocabulary import Language

_TITLE: dict[str, str] = {"zh": "年度变化（与上年评价比较）", "en": "Year over year"}


def print_monitoring(
    tables: Mapping[str, pd.DataFrame], *, year: int, lang: Language = "zh"
) -> None:
    """A few lines after a run with last year's output; nothing without it."""
    progress = tables.get("list_progress")
    if progress is None:
        return
    click.echo(f"{_TITLE[lang]} {year}")
    click.echo(f"  {progress_line(progress, lang)}")
    revitalisation = tables.get("revitalisation")
    if revitalisation is not None:
        line = revitalisation_line(revitalisation, lang)
        if line:
            click.echo(f"  {line}")
    matrix = tables.get("class_matrix")
    if matrix is not None:
        for level in ("firm", "parcel"):
            click.echo(f"  {transitions_line(matrix, level=level, lang=lang)}")

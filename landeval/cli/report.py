"""``landeval report``: rebuild report.html from a store."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option
from landeval.pipeline import rebuild_outputs


@click.command(name="report")
@out_option
@lang_option
def command(out_dir: Path, lang: str | None) -> None:
    """Write the one-page report again from OUT/landeval.duckdb."""
    files = rebuild_outputs(out_dir, only=("report",), lang=lang)
    click.echo(f"  report     {files['report']}")

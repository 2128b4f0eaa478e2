"""``landeval report``: rebuild report.html from a store."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option
from landeval.pipeline import stored_run, write_outputs


@click.command(name="report")
@out_option
@lang_option
def command(out_dir: Path, lang: str | None) -> None:
    """Write the one-page report again from OUT/landeval.duckdb."""
    config, year, tables = stored_run(out_dir)
    files = write_outputs(
        tables,
        out_dir,
        config=config,
        year=year,
        lang=lang or config.project.language,
        only=("report",),
    )
    click.echo(f"  report     {files['report']}")

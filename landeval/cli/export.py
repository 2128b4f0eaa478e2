"""``landeval export``: rebuild actions.xlsx, actions.csv and parcels.gpkg from a store."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option
from landeval.pipeline import stored_run, write_outputs


@click.command(name="export")
@out_option
@lang_option
def command(out_dir: Path, lang: str | None) -> None:
    """Write the action lists and the GeoPackage again from OUT/landeval.duckdb."""
    config, year, tables = stored_run(out_dir)
    files = write_outputs(
        tables,
        out_dir,
        config=config,
        year=year,
        lang=lang or config.project.language,
        only=("exports",),
    )
    for key, path in files.items():
        click.echo(f"  {key:<10} {path}")

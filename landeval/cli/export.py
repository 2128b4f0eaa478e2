"""``landeval export``: rebuild actions.xlsx, actions.csv and parcels.gpkg from a store."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option
from landeval.pipeline import rebuild_outputs


@click.command(name="export")
@out_option
@lang_option
def command(out_dir: Path, lang: str | None) -> None:
    """Write the action lists and the GeoPackage again from OUT/landeval.duckdb."""
    files = rebuild_outputs(out_dir, only=("exports",), lang=lang)
    for key, path in files.items():
        click.echo(f"  {key:<10} {path}")

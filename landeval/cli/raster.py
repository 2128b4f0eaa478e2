"""``landeval raster``: building coverage, height, FAR and vacancy per parcel."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval._format import format_number
from landeval.cli._options import out_option, project_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.pipeline import raster_metrics


@click.command(name="raster")
@project_option
@out_option
def command(project_dir: Path | None, out_dir: Path) -> None:
    """Measure the project's rasters per parcel and write the parcel_raster table."""
    stage = load_checked(project_dir, out_dir, year=None)
    table, findings = raster_metrics(stage.inputs, stage.config)
    if table is None:
        click.echo("the project declares no footprint or height raster; nothing to measure")
        return
    summary = pd.DataFrame(
        {
            "指标 measure": [
                "宗数 parcels",
                "建筑系数中位数 median coverage",
                "容积率中位数 median FAR",
                "部分超出栅格 partly off raster",
            ],
            "值 value": [
                format_number(len(table), 0),
                format_number(table["coverage"].median(), 2),
                format_number(table["far"].median(), 2),
                format_number(int(table["partly_off_raster"].fillna(False).sum()), 0),
            ],
        }
    )
    print_table(summary, title="栅格指标 raster metrics")
    sources = table["far_source"].value_counts().rename_axis("far_source").reset_index()
    print_table(sources.rename(columns={"count": "parcels"}), title="容积率来源 FAR source")
    path = stage.save({"parcel_raster": table}, findings)
    click.echo(f"table parcel_raster → {path}")

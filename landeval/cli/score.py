"""``landeval score``: per-mu evaluation of firms and parcels (亩均论英雄)."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.pipeline import score


@click.command(name="score")
@project_option
@out_option
@year_option
def command(project_dir: Path | None, out_dir: Path, year: int | None) -> None:
    """Score firms, class them A/B/C/D/T and roll up to parcels; print the class mix."""
    stage = load_checked(project_dir, out_dir, year=year)
    inputs, year = stage.inputs, stage.year
    result = score(inputs, stage.config)
    scores = result.firm_scores[result.firm_scores["year"] == year]
    mix = (
        scores.pivot_table(
            index=["county_code", "scale"],
            columns="class",
            values="uscc",
            aggfunc="count",
            fill_value=0,
        )
        .reset_index()
        .rename_axis(columns=None)
    )
    print_table(mix, title=f"{year}年 企业分类 (class mix per county and scale)", floatfmt="{:.0f}")
    path = stage.save(
        {
            "firm_scores": result.firm_scores,
            "allocation": result.allocation,
            "parcel_scores": result.parcel_scores,
            "trends": result.trends,
        },
        result.findings,
    )
    click.echo(f"tables firm_scores, allocation, parcel_scores, trends → {path}")

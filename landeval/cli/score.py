"""``landeval score``: per-mu evaluation of firms and parcels (亩均论英雄)."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.pipeline import score
from landeval.vocabulary import SCALE_LABELS, label


@click.command(name="score")
@project_option
@out_option
@year_option
@lang_option
def command(project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None) -> None:
    """Score firms, class them A/B/C/D/T and roll up to parcels; print the class mix."""
    stage = load_checked(project_dir, out_dir, year=year, lang=lang)
    inputs, year, shown = stage.inputs, stage.year, stage.config.project.language
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
    mix["scale"] = [label(SCALE_LABELS, str(s), shown) for s in mix["scale"]]
    title = (
        f"{year}年 企业分类（按县和规模）"
        if shown == "zh"
        else f"{year}: firm classes per county and scale"
    )
    print_table(mix, title=title, lang=shown, decimals=0)
    path = stage.save(
        {
            "firm_scores": result.firm_scores,
            "allocation": result.allocation,
            "parcel_scores": result.parcel_scores,
            "trends": result.trends,
            "suspect_values": result.suspect_values,
        },
        result.findings,
    )
    click.echo(f"tables firm_scores, allocation, parcel_scores, trends → {path}")

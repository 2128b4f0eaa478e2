"""``landeval classify``: flags and the four treatments (四个一批) per parcel."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.pipeline import evaluate


@click.command(name="classify")
@project_option
@out_option
@year_option
def command(project_dir: Path | None, out_dir: Path, year: int | None) -> None:
    """Decide each parcel's treatment; print counts and areas per county and platform tier."""
    stage = load_checked(project_dir, out_dir, year=year)
    evaluation = evaluate(stage.inputs, stage.config, year=stage.year)
    parcel_eval = evaluation.tables["parcel_eval"]
    for by, title in (("county_name", "县（市、区）"), ("tier", "平台层级")):
        table = (
            parcel_eval.assign(tier=parcel_eval["tier"].fillna("平台外"))
            .pivot_table(
                index=by, columns="treatment_zh", values="area_mu", aggfunc="sum", fill_value=0.0
            )
            .reset_index()
            .rename_axis(columns=None)
        )
        print_table(table, title=f"{evaluation.year}年 四个一批面积（亩）按{title}")
        counts = (
            parcel_eval.assign(tier=parcel_eval["tier"].fillna("平台外"))
            .pivot_table(
                index=by, columns="treatment_zh", values="parcel_id", aggfunc="count", fill_value=0
            )
            .reset_index()
            .rename_axis(columns=None)
        )
        print_table(
            counts, title=f"{evaluation.year}年 四个一批地块数 按{title}", floatfmt="{:.0f}"
        )
    path = stage.save(evaluation.tables, evaluation.findings)
    click.echo(f"tables parcel_eval, platform_summary, balance_ledger, … → {path}")

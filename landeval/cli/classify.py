"""``landeval classify``: flags and the four treatments (四个一批) per parcel."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval.cli._options import out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.pipeline import evaluate
from landeval.vocabulary import TIER_LABELS, label


@click.command(name="classify")
@project_option
@out_option
@year_option
def command(project_dir: Path | None, out_dir: Path, year: int | None) -> None:
    """Decide each parcel's treatment; print counts and areas per county and platform tier."""
    stage = load_checked(project_dir, out_dir, year=year)
    evaluation = evaluate(stage.inputs, stage.config, year=stage.year)
    parcel_eval = evaluation.tables["parcel_eval"]
    tiers = parcel_eval["tier"].map(lambda t: label(TIER_LABELS, t) if pd.notna(t) else "平台外")
    shown = pd.DataFrame(parcel_eval.drop(columns="geometry")).assign(
        **{"县（市、区）": parcel_eval["county_name"], "平台层级": tiers}
    )
    for by in ("县（市、区）", "平台层级"):
        for values, aggfunc, what, fmt in (
            ("area_mu", "sum", "面积（亩）", "{:,.1f}"),
            ("parcel_id", "count", "地块数", "{:.0f}"),
        ):
            table = (
                shown.pivot_table(
                    index=by, columns="treatment_zh", values=values, aggfunc=aggfunc, fill_value=0
                )
                .reset_index()
                .rename_axis(columns=None)
            )
            print_table(table, title=f"{evaluation.year}年 四个一批{what} 按{by}", floatfmt=fmt)
    path = stage.save(evaluation.tables, evaluation.findings)
    click.echo(f"tables parcel_eval, platform_summary, balance_ledger, … → {path}")

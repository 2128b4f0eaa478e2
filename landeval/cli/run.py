"""``landeval run``: the whole pipeline, from inputs to every output."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._progress import StageProgress
from landeval.cli._tables import print_table
from landeval.pipeline import run


@click.command(name="run")
@project_option
@out_option
@year_option
@lang_option
@click.option("--no-maps", is_flag=True, help="Skip the HTML maps (faster on huge data).")
def command(
    project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None, no_maps: bool
) -> None:
    """Run everything: load, evaluate, classify, balance, export, maps and report."""
    click.echo(f"landeval run → {out_dir}", err=True)
    result = run(
        project_dir, out_dir, year=year, language=lang, maps=not no_maps, hook=StageProgress()
    )
    print_treatment_summary(result.tables["parcel_eval"], year=result.year)
    print_balance(result.tables["balance_ledger"])
    click.echo("\n输出文件 (outputs):")
    for key, path in result.files.items():
        click.echo(f"  {key:<10} {path}")


def print_treatment_summary(parcel_eval: pd.DataFrame, *, year: int) -> None:
    """Parcels and area per treatment."""
    summary = (
        parcel_eval.groupby(["treatment", "treatment_zh"], dropna=False)
        .agg(地块数=("parcel_id", "size"), 面积_亩=("area_mu", "sum"))
        .reset_index()
        .rename(columns={"treatment": "处置", "treatment_zh": "处置方式"})
    )
    print_table(summary, title=f"{year}年 四个一批 (parcels per treatment)")


def print_balance(ledger: pd.DataFrame) -> None:
    """The 改一补一 ledger per county."""
    shown = ledger[
        ["county_code", "county_name", "converted_mu", "compensated_mu", "balance_mu", "balanced"]
    ].rename(
        columns={
            "county_code": "代码",
            "county_name": "县（市、区）",
            "converted_mu": "改出_亩",
            "compensated_mu": "补入_亩",
            "balance_mu": "平衡_亩",
            "balanced": "平衡",
        }
    )
    print_table(shown, title="改一补一 占补平衡 (balance per county)")

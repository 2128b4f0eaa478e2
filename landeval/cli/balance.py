"""``landeval balance``: the 改一补一 ledger per county."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.cli.run import print_balance
from landeval.pipeline import evaluate


@click.command(name="balance")
@project_option
@out_option
@year_option
@lang_option
@click.option("--items", "show_items", is_flag=True, help="Also list every item and why.")
def command(
    project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None, show_items: bool
) -> None:
    """Print the 改一补一 balance: converted, compensated and balance per county."""
    stage = load_checked(project_dir, out_dir, year=year, lang=lang)
    shown = stage.config.project.language
    evaluation = evaluate(stage.inputs, stage.config, year=stage.year)
    print_balance(evaluation.tables["balance_ledger"], lang=shown)
    if show_items:
        items = evaluation.tables["balance_items"].drop(columns="geometry")
        title = "改一补一 明细" if shown == "zh" else "Conversion and compensation items"
        print_table(items, title=title, lang=shown)
    path = stage.save(evaluation.tables, evaluation.findings)
    click.echo(f"tables balance_ledger, balance_items, … → {path}")

"""``landeval review``: the review workbook, for the bureau to decide (DESIGN §10)."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.pipeline import evaluate
from landeval.review import review_line, write_review
from landeval.review.workbook import REVIEW_FILE


@click.command(name="review")
@project_option
@out_option
@year_option
@lang_option
def command(project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None) -> None:
    """Write OUT/review.xlsx: the action list and the firms, to confirm or change.

    When the project names a filled review ([inputs] reviews), its answers are carried into
    the new workbook; fill it, put it into the project folder, name it there and run again.
    """
    stage = load_checked(project_dir, out_dir, year=year, lang=lang)
    config = stage.config
    shown = config.project.language
    evaluation = evaluate(stage.inputs, config, year=stage.year)
    tables = {**stage.inputs.tables(), **evaluation.tables}
    stage.save(evaluation.tables, evaluation.findings)
    path = write_review(
        tables,
        stage.out / REVIEW_FILE,
        year=evaluation.year,
        lang=shown,
        counties={**config.project.legacy_counties, **config.project.counties},
    )
    given = stage.inputs.parcel_review is not None or stage.inputs.firm_review is not None
    click.echo(
        review_line(
            evaluation.tables["decisions"],
            evaluation.tables["firm_decisions"],
            given=given,
            lang=shown,
        )
    )
    click.echo(f"review     {path}")

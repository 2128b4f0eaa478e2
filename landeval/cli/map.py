"""``landeval map``: the platform, treatment and efficiency maps."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.pipeline import evaluate, stored_run, write_map_files, writing_into
from landeval.store import STORE_NAME


@click.command(name="map")
@project_option
@out_option
@year_option
@lang_option
def command(project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None) -> None:
    """Write OUT/maps/ (three maps and an index page).

    With a store in OUT and no --project, the maps are drawn from it without recomputing;
    otherwise the project (default: the demo) is evaluated first.
    """
    if project_dir is None and year is None and (out_dir / STORE_NAME).exists():
        config, stored_year, tables = stored_run(out_dir)
        with writing_into(out_dir) as out:
            index = write_map_files(
                tables,
                out / "maps",
                config=config,
                year=stored_year,
                lang=lang or config.project.language,
            )
    else:
        stage = load_checked(project_dir, out_dir, year=year, lang=lang)
        evaluation = evaluate(stage.inputs, stage.config, year=stage.year)
        tables = {**stage.inputs.tables(), **evaluation.tables}
        stage.save(evaluation.tables, evaluation.findings)
        with writing_into(stage.out) as out:
            index = write_map_files(
                tables,
                out / "maps",
                config=stage.config,
                year=evaluation.year,
                lang=stage.config.project.language,
            )
    click.echo(f"maps → {index.parent} (open {index.name})")

"""Option definitions shared by the commands, so each is spelled and documented once."""

from __future__ import annotations

from pathlib import Path

import click

project_option = click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder holding landeval.toml (default: the embedded Shaoxing demo).",
)

out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder (never inside the project folder).",
)

year_option = click.option(
    "--year",
    type=int,
    default=None,
    help="Evaluation year (default: the project's, else the latest year in the data).",
)

lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of labels, sheets and legends (default: the project's, zh).",
)

previous_option = click.option(
    "--previous",
    "previous_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=(
        "Last year's output folder (what landeval run wrote for an earlier year): adds class "
        "transitions, the progress of last year's list and land 盘活 (default: the project's "
        "[inputs] previous)."
    ),
)

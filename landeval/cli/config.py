"""`landeval config`: print the effective configuration (defaults merged with the project)."""

from __future__ import annotations

from pathlib import Path

import click

from landeval.cli._options import project_option


@click.command(name="config")
@project_option
def command(project_dir: Path | None) -> None:
    """Print the effective configuration as TOML (defaults + the project's landeval.toml)."""
    from landeval.config import load_config  # noqa: PLC0415 - keep `landeval --help` fast

    if project_dir is None:
        from landeval.demo import demo_project_dir  # noqa: PLC0415 - optional, lazy

        project_dir = demo_project_dir()
    click.echo(load_config(project_dir).to_toml(), nl=False)

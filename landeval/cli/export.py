"""`landeval export` — placeholder until its issue lands."""

import click


@click.command(name="export")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval export is not built yet")

"""`landeval run` — placeholder until its issue lands."""

import click


@click.command(name="run")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval run is not built yet")

"""`landeval config` — placeholder until its issue lands."""

import click


@click.command(name="config")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval config is not built yet")

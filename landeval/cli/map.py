"""`landeval map` — placeholder until its issue lands."""

import click


@click.command(name="map")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval map is not built yet")

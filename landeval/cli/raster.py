"""`landeval raster` — placeholder until its issue lands."""

import click


@click.command(name="raster")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval raster is not built yet")

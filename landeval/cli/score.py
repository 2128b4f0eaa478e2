"""`landeval score` — placeholder until its issue lands."""

import click


@click.command(name="score")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval score is not built yet")

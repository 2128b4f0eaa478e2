"""`landeval classify` — placeholder until its issue lands."""

import click


@click.command(name="classify")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval classify is not built yet")

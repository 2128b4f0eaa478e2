"""`landeval balance` — placeholder until its issue lands."""

import click


@click.command(name="balance")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval balance is not built yet")

"""`landeval validate` — placeholder until its issue lands."""

import click


@click.command(name="validate")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval validate is not built yet")

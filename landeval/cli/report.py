"""`landeval report` — placeholder until its issue lands."""

import click


@click.command(name="report")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval report is not built yet")

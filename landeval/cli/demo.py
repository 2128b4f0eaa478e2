"""`landeval demo` — placeholder until its issue lands."""

import click


@click.command(name="demo")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("landeval demo is not built yet")

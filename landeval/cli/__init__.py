"""The ``landeval`` command line: a thin layer that parses, calls the pipeline and prints.

Each command lives in its own module of this package and shares the option definitions of
:mod:`landeval.cli._options`. No command shows a Python traceback: a
:class:`~landeval.errors.LandevalError` (bad data, bad project file) prints its message and
exits with status 2; any other exception is an internal error that writes the traceback to a
log file, prints its path and exits with status 1.
"""

from __future__ import annotations

import sys

import click

from landeval._process import disable_transparent_hugepages
from landeval._version import __version__
from landeval.cli._errors import run_guarded


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landeval")
def cli() -> None:
    """landeval: 工业用地亩均评价、四个一批与改一补一 (industrial land per-mu evaluation).

    With no project, commands use the embedded synthetic Shaoxing demo.
    """


def _register() -> None:
    # Imported here so that each command module stays one small file of its own.
    from landeval.cli import (  # noqa: PLC0415
        balance,
        classify,
        config,
        demo,
        export,
        map,  # noqa: A004
        raster,
        report,
        review,
        run,
        score,
        validate,
    )

    for module in (
        run,
        demo,
        config,
        validate,
        raster,
        score,
        classify,
        balance,
        export,
        map,
        report,
        review,
    ):
        cli.add_command(module.command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``landeval`` console script and ``python -m landeval``."""
    # Before any large allocation: see landeval._process for why and what it saves.
    disable_transparent_hugepages()
    code = run_guarded(cli, argv if argv is not None else sys.argv[1:])
    sys.exit(code)

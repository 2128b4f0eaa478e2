"""Exceptions that reach the user as a short message, never as a traceback.

:class:`LandevalError` and its subclasses mean the user's input or project is wrong: the
CLI prints the message (and any findings) and exits with status 2. Anything else is an
internal error: the CLI writes the traceback to a log file and exits with status 1.
"""

from __future__ import annotations

import pandas as pd


class LandevalError(Exception):
    """A problem the user can fix: bad input data, a bad project file, a bad argument."""

    exit_code = 2

    def __init__(self, message: str, *, findings: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        self.findings = findings


class ConfigError(LandevalError):
    """The project file (landeval.toml) or an option is invalid."""


class DataError(LandevalError):
    """An input file cannot be used as it is; ``findings`` lists why."""


class OutputError(LandevalError):
    """The output folder cannot be used or written: not landeval's, in use, not writable.

    Exit status 2 like any user error: the message says which folder and what to do, and
    nothing was deleted or half-written.
    """

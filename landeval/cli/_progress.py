"""Progress per pipeline stage: a live display on a terminal, plain lines in CI logs."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator

import click

from landeval.pipeline import STAGES


class StageProgress:
    """A stage hook for :func:`landeval.pipeline.run`: prints each stage and its time.

    On a terminal a rich spinner shows the running stage; elsewhere (CI, pipes) one quiet
    line per finished stage.
    """

    def __init__(self, *, live: bool | None = None) -> None:
        self.live = sys.stderr.isatty() if live is None else live
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, key: str) -> Iterator[None]:
        """Wrap one stage."""
        label = STAGES.get(key, key)
        start = time.perf_counter()
        if self.live:
            from rich.console import Console  # noqa: PLC0415 - only on a terminal

            with Console(stderr=True).status(f"{label} …"):
                yield
        else:
            yield
        seconds = time.perf_counter() - start
        self.timings[key] = seconds
        click.echo(f"  ✓ {label} ({seconds:.1f} s)", err=True)

"""Shared fixtures: one full run of the pipeline on the demo, reused by the output tests.

Also marks the docstring examples that run the whole demo as slow (a doctest cannot carry a
decorator), so that ``pytest -m "not slow"`` stays the fast tier.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

# Docstring examples (pytest node ids) that run the whole demo: several seconds each.
SLOW_DOCTESTS = frozenset({"landeval/__init__.py::landeval"})


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark :data:`SLOW_DOCTESTS` slow; collected from ``landeval/`` by ``--doctest-modules``."""
    for item in items:
        if item.nodeid in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)


def run_cli(*args, timeout=900):
    """Run ``python -m landeval ARGS`` as a user would; return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "landeval", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    from landeval.demo import demo_project_dir

    return demo_project_dir()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, demo_dir):
    """`landeval run` on the embedded demo, once per test session."""
    out = tmp_path_factory.mktemp("demo_run") / "out"
    before = tree_hashes(demo_dir)
    result = run_cli("run", "--out", out)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"out": out, "result": result, "inputs_before": before}

"""Crash safety (issue 9): an interrupted or failing run leaves the previous outputs whole.

A crash is simulated at every stage through the ``hook`` argument of
:func:`landeval.pipeline.run` (called as each stage starts); a full disk through a writer
that raises ``OSError(ENOSPC)``; a killed process through ``os._exit`` inside a stage.
After each: the previous out/ is byte-identical, no staging folder is left beside it, and
the project folder is byte-identical.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from landeval import pipeline
from landeval.cli import cli
from landeval.cli._errors import run_guarded

_BAD = Path(__file__).parent / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_bad", _BAD / "make_bad.py")
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)
pytestmark = pytest.mark.slow


class SimulatedCrashError(RuntimeError):
    """Raised by the test hook at the chosen stage."""


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _crash_at(stage: str, exc: BaseException):
    @contextlib.contextmanager
    def hook(name: str):
        if name == stage:
            raise exc
        yield

    return hook


@pytest.fixture(scope="module")
def previous_run(tmp_path_factory):
    """A project and a complete previous run of it (with maps), once per module."""
    root = tmp_path_factory.mktemp("crash")
    project = make_bad.make_base(root / "project")
    out = root / "runs" / "out"
    pipeline.run(project, out, maps=True)
    return {
        "project": project,
        "out": out,
        "out_hashes": tree_hashes(out),
        "project_hashes": tree_hashes(project),
    }


def _assert_untouched(prev) -> None:
    out: Path = prev["out"]
    assert tree_hashes(out) == prev["out_hashes"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no staging, no .old
    assert tree_hashes(prev["project"]) == prev["project_hashes"]


def test_previous_run_is_complete(previous_run):
    names = set(previous_run["out_hashes"])
    assert {
        "landeval.duckdb",
        "parcels.gpkg",
        "actions.xlsx",
        "actions.csv",
        "report.html",
    } <= names
    assert "maps/index.html" in names


@pytest.mark.parametrize("stage", list(pipeline.STAGES))
def test_crash_at_each_stage_leaves_previous_outputs_whole(previous_run, stage):
    with pytest.raises(SimulatedCrashError):
        pipeline.run(
            previous_run["project"],
            previous_run["out"],
            maps=stage == "maps",  # maps cost seconds; only their own stage needs them
            hook=_crash_at(stage, SimulatedCrashError(stage)),
        )
    _assert_untouched(previous_run)


@pytest.mark.parametrize("stage", ["store", "report"])
def test_interrupt_leaves_previous_outputs_whole(previous_run, stage):
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(
            previous_run["project"],
            previous_run["out"],
            maps=False,
            hook=_crash_at(stage, KeyboardInterrupt()),
        )
    _assert_untouched(previous_run)


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("writer", ["write_workbook", "write_actions_csv", "write_geopackage"])
def test_disk_full_in_a_writer_is_a_clear_message_not_a_traceback(
    previous_run, monkeypatch, capsys, writer
):
    import landeval.export

    monkeypatch.setattr(landeval.export, writer, _disk_full)
    code = run_guarded(
        cli,
        [
            "run",
            "--project",
            str(previous_run["project"]),
            "--out",
            str(previous_run["out"]),
            "--no-maps",
        ],
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "磁盘空间不足" in err and "No space left on device" in err
    assert "Traceback" not in err
    _assert_untouched(previous_run)


def test_disk_full_in_the_store(previous_run, monkeypatch):
    import landeval.store

    monkeypatch.setattr(landeval.store, "_put_tables", _disk_full)
    with pytest.raises(OSError, match="No space left"):
        pipeline.run(previous_run["project"], previous_run["out"], maps=False)
    _assert_untouched(previous_run)


def test_internal_error_in_a_stage_prints_a_log_path(previous_run, monkeypatch, capsys):
    def broken(*_args, **_kwargs):
        msg = "a bug in a stage"
        raise ZeroDivisionError(msg)

    monkeypatch.setattr(pipeline, "write_outputs", broken)
    code = run_guarded(
        cli,
        ["run", "--project", str(previous_run["project"]), "--out", str(previous_run["out"])],
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    log = Path(err.split("The traceback is in ", 1)[1].split(";", 1)[0])
    assert "ZeroDivisionError: a bug in a stage" in log.read_text(encoding="utf-8")
    _assert_untouched(previous_run)


@pytest.mark.slow
def test_killed_process_leaves_previous_outputs_and_next_run_cleans_up(previous_run, tmp_path):
    """A process killed mid-run (os._exit in the maps stage) cannot clean up after itself:
    the previous out/ must still be whole, and the next run removes the staging folder.
    """
    out = tmp_path / "out"
    shutil.copytree(previous_run["out"], out)
    before = tree_hashes(out)
    script = textwrap.dedent(
        f"""
        import contextlib, os
        from landeval.pipeline import run

        @contextlib.contextmanager
        def hook(name):
            if name == "maps":
                os._exit(9)  # as if killed: no exception handler, no cleanup
            yield

        run({str(previous_run["project"])!r}, {str(out)!r}, hook=hook)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 9, proc.stderr[-2000:]
    assert tree_hashes(out) == before
    litter = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert litter and all(name.startswith(".out.") for name in litter)  # the dead staging
    pipeline.run(previous_run["project"], out, maps=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert tree_hashes(previous_run["project"]) == previous_run["project_hashes"]

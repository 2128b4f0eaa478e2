"""The command line as a user runs it: a subprocess, exit codes, no tracebacks."""

import subprocess
import sys
from pathlib import Path

import pytest


def landeval(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "landeval", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        check=False,
    )


def test_help_lists_every_command():
    result = landeval("--help")
    assert result.returncode == 0
    for name in (
        "run",
        "demo",
        "config",
        "validate",
        "raster",
        "score",
        "classify",
        "balance",
        "export",
        "report",
        "map",
    ):
        assert name in result.stdout


def test_unknown_option_is_a_usage_error_without_traceback():
    result = landeval("run", "--bogus")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_missing_project_folder_exits_2(tmp_path):
    result = landeval("run", "--project", tmp_path / "nope", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "does not exist" in result.stderr


@pytest.mark.parametrize("inside", [".", "sub/out"])
def test_output_inside_the_project_is_refused(tmp_path, inside):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "landeval.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    result = landeval("run", "--project", project, "--out", project / inside)
    assert result.returncode == 2
    assert "inside" in result.stderr
    assert sorted(p.name for p in project.iterdir()) == ["landeval.toml"]


def test_export_without_a_store_explains(tmp_path):
    result = landeval("export", "--out", tmp_path)
    assert result.returncode == 2
    assert "landeval run" in result.stderr


def test_foreign_output_folder_is_not_replaced(tmp_path):
    out = tmp_path / "desktop"
    out.mkdir()
    (out / "my_notes.docx").write_text("keep me")
    result = landeval("run", "--out", out)
    assert result.returncode == 2
    assert (out / "my_notes.docx").read_text() == "keep me"


def test_internal_error_prints_a_log_path_not_a_traceback(monkeypatch, capsys):
    import click

    from landeval.cli._errors import run_guarded

    @click.command()
    def boom():
        raise ZeroDivisionError

    code = run_guarded(boom, [])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    log = err.split("traceback is in ")[1].split(";")[0]
    assert "ZeroDivisionError" in Path(log).read_text(encoding="utf-8")

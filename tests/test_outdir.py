"""Output folders are landeval's own (DESIGN §7b, issue 19), tried on real folders.

A run replaces only a folder holding its marker and nothing else; the project, a notes file,
a foreign landeval.duckdb or an edited workbook are refused with exit status 2 and nothing
is deleted; two runs into one folder never break each other; every failure to write is
exit status 2 with a sentence.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from landeval._outdir import (
    MARKER,
    check_owned,
    foreign_entries,
    output_lock,
    remove_owned,
    write_marker,
)
from landeval.cli._errors import environment_problem
from landeval.errors import OutputError
from landeval.pipeline import run
from tests.conftest import run_cli, tree_hashes

_BAD = Path(__file__).parent / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_bad", _BAD / "make_bad.py")
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)


def _tree(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (hidden ones included) by relative path."""
    return tree_hashes(folder)


def _cli(*args: object) -> subprocess.CompletedProcess:
    return run_cli(*args, timeout=300)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A small valid project (30 parcels of the demo)."""
    return make_bad.make_base(tmp_path_factory.mktemp("outdir") / "project")


@pytest.fixture
def earlier(base, tmp_path) -> Path:
    """An earlier run's output folder."""
    out = tmp_path / "out"
    run(base, out, maps=False)
    return out


# --- the marker ---------------------------------------------------------------------------


def test_a_run_marks_its_folder_with_every_file_it_wrote(earlier):
    marker = json.loads((earlier / MARKER).read_text(encoding="utf-8"))
    files = {p.relative_to(earlier).as_posix() for p in earlier.rglob("*") if p.is_file()}
    assert set(marker["files"]) == files - {MARKER}
    for name, entry in marker["files"].items():
        data = (earlier / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert foreign_entries(earlier) == []
    # nothing left beside it: no staging folder, no old folder, no lock file
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["out"]


def test_a_run_replaces_its_own_earlier_output(base, earlier):
    stale = earlier / "maps"  # an output of a run with maps, gone from a run without
    stale.mkdir()
    (stale / "index.html").write_text("old map", encoding="utf-8")
    write_marker(earlier)
    run(base, earlier, maps=False)
    assert not stale.exists()
    assert foreign_entries(earlier) == []


# --- refusals: nothing is deleted ----------------------------------------------------------


def test_the_analysts_case_project_inside_out_with_a_copied_store(base, tmp_path):
    """Project at W/project, a landeval.duckdb copied into W, run --project W/project --out W."""
    work = tmp_path / "W"
    project = work / "project"
    shutil.copytree(base, project)
    other = tmp_path / "other"
    run(base, other, maps=False)
    shutil.copy(other / "landeval.duckdb", work / "landeval.duckdb")
    (work / "批注.txt").write_text("县里要求重新核对", encoding="utf-8")
    before = _tree(work)
    got = _cli("run", "--project", project, "--out", work, "--no-maps")
    assert got.returncode == 2, got.stderr
    assert "contains the project folder" in got.stderr
    assert "Traceback" not in got.stderr
    assert _tree(work) == before
    # the same folder without the project in it: still refused, listing the files
    shutil.move(project, tmp_path / "project_moved")
    got = _cli("run", "--project", tmp_path / "project_moved", "--out", work, "--no-maps")
    assert got.returncode == 2
    assert "批注.txt" in got.stderr and "landeval.duckdb" in got.stderr
    assert "not a landeval output" in got.stderr
    assert (work / "批注.txt").read_text(encoding="utf-8") == "县里要求重新核对"
    assert (work / "landeval.duckdb").read_bytes() == (other / "landeval.duckdb").read_bytes()


def test_a_notes_file_in_an_earlier_output_is_never_deleted(base, earlier):
    notes = earlier / "批注.txt"
    notes.write_text("第3宗地已现场核实", encoding="utf-8")
    before = _tree(earlier)
    with pytest.raises(OutputError, match=r"批注\.txt"):
        run(base, earlier, maps=False)
    assert _tree(earlier) == before
    got = _cli("run", "--project", base, "--out", earlier, "--no-maps")
    assert got.returncode == 2
    assert "批注.txt" in got.stderr and "→" in got.stderr
    assert _tree(earlier) == before
    notes.unlink()
    run(base, earlier, maps=False)  # once it is moved away, the run goes on


def test_an_edited_output_file_is_refused(base, earlier):
    csv = earlier / "actions.csv"
    csv.write_bytes(csv.read_bytes() + "备注: 已核实\n".encode())
    with pytest.raises(OutputError, match="changed since landeval wrote it"):
        run(base, earlier, maps=False)
    assert csv.read_bytes().endswith("备注: 已核实\n".encode())


def test_an_open_workbook_is_named(base, earlier):
    (earlier / "~$actions.xlsx").write_bytes(b"owner")
    with pytest.raises(OutputError, match="Excel"):
        run(base, earlier, maps=False)


def test_out_equal_to_or_inside_the_project(base):
    before = _tree(base)
    for out in (base, base / "out"):
        with pytest.raises(OutputError, match="is the project folder or inside it"):
            run(base, out, maps=False)
    assert _tree(base) == before


def test_a_symlink_in_the_folder_is_foreign_and_not_followed(base, earlier, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("keep", encoding="utf-8")
    (earlier / "link").symlink_to(precious, target_is_directory=True)
    with pytest.raises(OutputError, match="symlink"):
        run(base, earlier, maps=False)
    assert (precious / "data.txt").read_text(encoding="utf-8") == "keep"


def test_a_file_saved_during_the_run_is_kept(base, earlier):
    """A note saved into the old output while the new one is built: the swap is refused."""
    notes = earlier / "notes.txt"

    class Hook:
        def __call__(self, name):
            if name == "exports":
                notes.write_text("saved while the run was running", encoding="utf-8")
            from contextlib import nullcontext

            return nullcontext()

    before = _tree(earlier)
    with pytest.raises(OutputError, match=r"notes\.txt"):
        run(base, earlier, maps=False, hook=Hook())
    after = _tree(earlier)
    assert after.pop("notes.txt")
    assert after == before
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["out"]  # staging removed


def test_removing_an_old_output_keeps_unlisted_files(tmp_path):
    old = tmp_path / "old"
    (old / "maps").mkdir(parents=True)
    (old / "maps" / "index.html").write_text("x", encoding="utf-8")
    (old / "report.html").write_text("y", encoding="utf-8")
    write_marker(old)
    (old / "maps" / "mine.txt").write_text("z", encoding="utf-8")
    assert remove_owned(old) == ["maps", "maps/mine.txt"]
    assert (old / "maps" / "mine.txt").read_text(encoding="utf-8") == "z"
    assert not (old / "report.html").exists()
    assert remove_owned(tmp_path / "unmarked") is None


def test_browser_litter_does_not_make_a_folder_foreign(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("r", encoding="utf-8")
    write_marker(out)
    (out / "Thumbs.db").write_bytes(b"\0")
    (out / ".DS_Store").write_bytes(b"\0")
    check_owned(out)  # no error
    (out / "empty_dir").mkdir()
    assert foreign_entries(out) == ["empty_dir/"]


# --- stage commands write into a folder under the same rules -------------------------------


@pytest.mark.slow
def test_stage_commands_follow_the_same_rules(base, earlier):
    (earlier / "批注.txt").write_text("note", encoding="utf-8")
    before = _tree(earlier)
    for args in (
        ["score", "--project", base, "--out", earlier],
        ["export", "--out", earlier],
        ["report", "--out", earlier],
        ["map", "--out", earlier],
    ):
        got = _cli(*args)
        assert got.returncode == 2, (args, got.stderr)
        assert "批注.txt" in got.stderr, got.stderr
    assert _tree(earlier) == before
    (earlier / "批注.txt").unlink()
    got = _cli("report", "--out", earlier, "--lang", "en")
    assert got.returncode == 0, got.stderr
    assert foreign_entries(earlier) == []  # the rewritten report is claimed in the marker


def test_a_stage_command_into_a_new_folder_marks_it(base, tmp_path):
    out = tmp_path / "stage"
    got = _cli("score", "--project", base, "--out", out)
    assert got.returncode == 0, got.stderr
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert list(marker["files"]) == ["landeval.duckdb"]
    assert foreign_entries(out) == []


# --- two runs at once ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_second_run_into_a_locked_folder_exits_2(base, tmp_path):
    out = tmp_path / "out"
    with output_lock(out.absolute(), wait_s=0):
        got = _cli("run", "--project", base, "--out", out, "--no-maps")
    assert got.returncode == 2
    assert "正被另一个 landeval 运行使用" in got.stderr and "in use" in got.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # lock file removed


@pytest.mark.slow
def test_two_concurrent_runs_never_break_each_other(base, tmp_path):
    out = tmp_path / "out"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(lambda _: _cli("run", "--project", base, "--out", out, "--no-maps"), range(2))
        )
    codes = sorted(r.returncode for r in results)
    assert codes in ([0, 0], [0, 2]), [r.stderr[-2000:] for r in results]
    for r in results:
        assert "内部错误" not in r.stderr and "Traceback" not in r.stderr
        if r.returncode == 2:
            assert "in use" in r.stderr
    assert foreign_entries(out) == []
    assert (out / "landeval.duckdb").is_file() and (out / "actions.xlsx").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_lock_is_reentrant_within_a_process(tmp_path):
    out = tmp_path / "out"
    with output_lock(out), output_lock(out):
        assert (tmp_path / ".out.lock").exists()
    assert not (tmp_path / ".out.lock").exists()


# --- failures to write are exit status 2 with a sentence -----------------------------------


def test_out_under_a_file_or_unwritable(base, tmp_path):
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    got = _cli("run", "--project", base, "--out", tmp_path / "a.csv" / "out", "--no-maps")
    assert got.returncode == 2
    assert "lies under the file" in got.stderr
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            return  # root ignores permissions; the read-only mount below covers it
        got = _cli("run", "--project", base, "--out", locked / "out", "--no-maps")
        assert got.returncode == 2
        assert "no permission" in got.stderr
    finally:
        locked.chmod(0o700)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 3 MB tmpfs (root only; skipped elsewhere), unmounted after the test."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_is_exit_2_and_leaves_nothing(base, tiny_disk):
    got = _cli("run", "--project", base, "--out", tiny_disk / "out")
    assert got.returncode == 2, got.stderr
    assert "内部错误" not in got.stderr
    assert "磁盘空间" in got.stderr
    assert list(tiny_disk.iterdir()) == []


def test_a_read_only_location_is_exit_2(base, tiny_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    got = _cli("run", "--project", base, "--out", tiny_disk / "out", "--no-maps")
    assert got.returncode == 2, got.stderr
    assert "no permission to write" in got.stderr


def test_write_errors_of_any_library_are_the_environment():
    full = OSError(28, os.strerror(28), "/x/actions.xlsx")
    assert environment_problem(full)[0].startswith("磁盘空间不足")
    wrapped = RuntimeError("IO Error: Could not write file: No space left on device")
    assert environment_problem(wrapped) is not None
    try:
        try:
            raise full
        except OSError as exc:
            raise ValueError("writer failed") from exc
    except ValueError as exc:
        assert environment_problem(exc) is not None
    assert environment_problem(ValueError("a bug")) is None


def test_a_monkeypatched_write_failure_is_exit_2(base, tmp_path, monkeypatch, capsys):
    """Disk full while the workbook is written (where no tmpfs can be mounted)."""
    from landeval.cli import cli
    from landeval.cli._errors import run_guarded
    from landeval.export import workbook

    def full(*_args, **_kwargs):
        raise OSError(28, os.strerror(28), str(tmp_path / "out" / "actions.xlsx"))

    monkeypatch.setattr(workbook, "write_workbook", full)
    monkeypatch.setattr("landeval.export.write_workbook", full)
    code = run_guarded(cli, ["run", "--project", str(base), "--out", str(tmp_path / "out")])
    text = capsys.readouterr().err
    assert code == 2
    assert "磁盘空间不足" in text
    assert not (tmp_path / "out").exists()

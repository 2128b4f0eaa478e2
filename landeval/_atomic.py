"""Atomic file output: write to a temporary name beside the target, rename when complete.

A run that fails or is killed leaves the previous file whole, because ``os.replace`` is
atomic on one filesystem and the temporary file lives in the target's folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from landeval._outdir import check_owned, output_lock, prune, remove_owned, write_marker


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; on success move it over ``target``.

    On any exception the temporary file is removed and ``target`` is left untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "a.txt").read_text()
    'done'
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # writers such as GDAL and DuckDB want to create the file themselves
    try:
        yield tmp
        tmp.replace(target)
    except BaseException:
        _remove(tmp)
        raise


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces the output folder ``target`` whole.

    ``target`` must be landeval's own (:mod:`landeval._outdir`): new, empty, or holding its
    marker and nothing else; otherwise :class:`~landeval.errors.OutputError` lists what
    else it holds, before anything is written and again just before the swap (a file saved
    into it while the outputs were being built is not lost). The folder's lock is held
    throughout. On success the staging folder gets the marker listing every file in it and
    takes ``target``'s place; of the old folder only the files its marker lists are
    deleted. On any exception the staging folder is removed and ``target`` is left as it
    was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(target):
        _recover(target)
        check_owned(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; an output folder is shared normally
        try:
            yield tmp
            write_marker(tmp)
            check_owned(target)
            old = None
            if target.exists():
                old = _old(target)
                target.replace(old)
            tmp.replace(target)
            if old is not None:
                _discard(old, target)
        except BaseException:
            _remove(tmp)
            raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _old(target: Path) -> Path:
    """A fresh name beside ``target`` for the folder it replaces."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")


def _recover(target: Path) -> None:
    """Clean up after a run that was killed (under the lock: no other run is at work).

    A folder swapped out but not replaced is put back; one replaced but not yet removed is
    removed (its landeval files only); staging folders are dropped.
    """
    olds = sorted(target.parent.glob(f".{target.name}.*old"), key=_mtime, reverse=True)
    for old in olds:
        if not old.is_dir() or old.is_symlink():
            continue
        if not target.exists():
            old.replace(target)
        else:
            _discard(old, target)
    for stale in target.parent.glob(f".{target.name}.*.part"):
        if stale.is_dir() and not stale.is_symlink():
            _remove(stale)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _discard(old: Path, target: Path) -> None:
    """Remove the swapped-out folder ``old``: its landeval files only.

    Anything else found in it (saved there in the instant between the last check and the
    swap) is moved into the new ``target`` at the same place, never deleted; what cannot
    be moved stays in ``old``. A folder without landeval's marker is not touched.
    """
    kept = remove_owned(old)
    if not kept:
        return
    for rel in kept:
        src, dst = old / rel, target / rel
        if src.is_dir() and not src.is_symlink():
            continue
        if not dst.exists() and not dst.is_symlink():
            dst.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                src.replace(dst)
    prune(old)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

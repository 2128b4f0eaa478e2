"""Output folders are landeval's own (DESIGN §7b): a marker, the ownership check, a lock.

Every folder landeval writes holds a marker file, :data:`MARKER`, listing the files it wrote
with their size and SHA-256. A folder may be replaced or written into only when it is new,
empty, or holds that marker and nothing else: no file the marker does not list, no listed
file changed since. Anything else — the project, an analyst's notes, a ``landeval.duckdb``
copied from elsewhere, a workbook edited in Excel — is refused with the list of those files
(:func:`check_owned`), so that no run ever deletes or overwrites a file landeval did not
write. Removing an old output (:func:`remove_owned`) unlinks the listed files only.

A lock file beside the folder (:func:`output_lock`) keeps two runs out of one folder at a
time: the second waits a little, then stops with :class:`~landeval.errors.OutputError`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from landeval._version import __version__
from landeval.errors import OutputError

MARKER = ".landeval-output"
"""Name of the marker file in every output folder landeval writes."""

LOCK_WAIT_S = 5.0
"""Seconds a run waits for another run to leave the same output folder before it stops."""

DISPOSABLE = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files a file browser leaves in any folder it shows (macOS Finder, Windows Explorer):
not the user's work, so they never make a folder foreign and go with it."""

_SHOWN = 20
"""Foreign files named in a refusal; the rest are counted."""

_HELD: dict[Path, int] = {}
_HELD_GUARD = threading.Lock()


def hash_file(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_marker(folder: Path) -> dict[str, dict] | None:
    """The files the marker of ``folder`` lists (relative POSIX path → size, sha256).

    None when the folder has no marker or the marker cannot be read (a folder with an
    unreadable marker is not trusted to be landeval's).
    """
    path = folder / MARKER
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return None
    return {str(k): v for k, v in files.items() if isinstance(v, dict)}


def write_marker(folder: Path, files: Iterable[str] | None = None) -> Path:
    """Write the marker of ``folder`` listing ``files`` (default: every file in it).

    Parameters
    ----------
    folder : Path
        An output folder landeval has just written.
    files : iterable of str, optional
        Relative POSIX paths of the files landeval wrote; default every regular file under
        ``folder`` (right for a staging folder, which holds nothing else).

    Returns
    -------
    Path
        The marker's path.
    """
    names = sorted(set(files) if files is not None else _walk_files(folder))
    listed = {}
    for name in names:
        path = folder / name
        if name == MARKER or not path.is_file() or path.is_symlink():
            continue
        listed[name] = {"bytes": path.stat().st_size, "sha256": hash_file(path)}
    body = {
        "written_by": f"landeval {__version__}",
        "note": (
            "这个文件夹由 landeval 写入; 下次运行会整体替换它。请勿把其他文件存放在这里。"
            " / This folder was written by landeval and is replaced by its next run;"
            " keep no other files here."
        ),
        "files": listed,
    }
    marker = folder / MARKER
    tmp = folder / f".{MARKER}.part"
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(marker)
    return marker


def foreign_entries(folder: Path) -> list[str]:
    """What in ``folder`` landeval did not write, each as ``relative/path (why)``.

    Empty for a folder that does not exist, is empty, or holds only the files its marker
    lists, unchanged (plus :data:`DISPOSABLE` files and landeval's own staging leftovers).
    A folder with files and no marker: every entry is foreign. Symbolic links are always
    foreign (landeval never writes one, and never follows one to delete).
    """
    if not folder.is_dir():
        return []
    listed = read_marker(folder)
    entries = _walk_entries(folder)
    if listed is None:
        return [_shown(folder, rel) for rel in entries if not _ignorable(rel)]
    dirs = {p for name in listed for p in _parents(name)}
    out = []
    for rel in entries:
        path = folder / rel
        if rel == MARKER or _ignorable(rel):
            continue
        if path.is_symlink():
            out.append(f"{rel} (符号链接 symlink)")
        elif path.is_dir():
            if rel not in dirs:
                out.append(f"{rel}/")
        elif rel not in listed:
            out.append(_shown(folder, rel))
        elif _changed(path, listed[rel]):
            out.append(f"{rel} (landeval 写入后被修改 changed since landeval wrote it)")
    return out


def check_owned(folder: Path) -> None:
    """Raise :class:`OutputError` listing what in ``folder`` landeval did not write."""
    foreign = foreign_entries(folder)
    if not foreign:
        return
    shown = "\n".join(f"    {f}" for f in foreign[:_SHOWN])
    more = (
        f"\n    … 另有 {len(foreign) - _SHOWN} 个 ({len(foreign) - _SHOWN} more)"
        if len(foreign) > _SHOWN
        else ""
    )
    has_marker = (folder / MARKER).is_file()
    why = (
        "它含有 landeval 没有写入的文件"
        if has_marker
        else "它不是 landeval 的输出文件夹 (没有 .landeval-output 标记)"
    )
    why_en = (
        "it holds files landeval did not write" if has_marker else "it is not a landeval output"
    )
    hint = ""
    if any(f.startswith("~$") or "/~$" in f for f in foreign):
        hint = (
            "\n  (~$ 开头的文件说明 Excel/WPS 正打开着其中的工作簿 / a workbook is open in Excel)"
        )
    msg = (
        f"输出文件夹 {folder} 不能使用: {why}; landeval 会整体替换它写入的文件夹, 为免删除这些"
        f"文件, 本次不写入。\n  output folder {folder} refused: {why_en}; landeval replaces"
        f" the folders it writes, so nothing was written or deleted.\n"
        f"  不是 landeval 写入的 (not written by landeval):\n{shown}{more}{hint}\n"
        "  → 请把这些文件移走, 或用 --out 指定一个新的或空的文件夹"
        " (move them away, or choose a new or empty folder with --out)"
    )
    raise OutputError(msg)


def remove_owned(folder: Path) -> list[str] | None:
    """Delete what landeval wrote in ``folder`` (its marker's files), then the empty folders.

    Nothing the marker does not list is deleted: such entries are returned and stay where
    they are (with the folders that hold them).

    Returns
    -------
    list of str or None
        The entries that were kept (relative paths; empty when ``folder`` is gone), or None
        when ``folder`` has no readable marker: then nothing was touched.
    """
    listed = read_marker(folder)
    if listed is None:
        return None
    for name in [*listed, MARKER]:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return prune(folder)


def prune(folder: Path) -> list[str]:
    """Remove browser litter and empty folders under ``folder`` (and it, when empty).

    Returns what is left (relative paths; empty when ``folder`` is gone).
    """
    for rel in _walk_entries(folder):
        path = folder / rel
        if _ignorable(rel) and path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()
    for rel in sorted(_walk_entries(folder), key=lambda r: r.count("/"), reverse=True):
        path = folder / rel
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.rmdir()  # fails unless empty
    with contextlib.suppress(OSError):
        folder.rmdir()
    return _walk_entries(folder) if folder.exists() else []


def claim_new_files(folder: Path, before: dict[str, tuple[int, int]], names: Iterable[str]) -> None:
    """Add to the marker the files under ``names`` written since the ``before`` snapshot.

    For commands that write some outputs into an existing folder (``landeval score``,
    ``export``…): the files they wrote or rewrote are landeval's; a file that appeared
    meanwhile elsewhere (a note saved during the run) is not claimed.
    """
    tops = set(names)
    listed = read_marker(folder) or {}
    now = snapshot(folder)
    mine = {
        rel
        for rel, stat in now.items()
        if rel.split("/", 1)[0] in tops and (rel in listed or before.get(rel) != stat)
    }
    kept = {rel for rel in listed if rel in now and rel not in mine}
    write_marker(folder, mine | kept)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every regular file under ``folder`` by relative path."""
    if not folder.is_dir():
        return {}
    out = {}
    for rel in _walk_files(folder):
        st = (folder / rel).stat()
        out[rel] = (st.st_size, st.st_mtime_ns)
    return out


@contextlib.contextmanager
def output_lock(folder: Path, *, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the lock of the output folder ``folder`` for the duration of the block.

    The lock is a file beside the folder (``.<name>.lock``; the folder itself is swapped),
    locked with ``flock`` (``msvcrt.locking`` on Windows) and removed on leaving. Another
    process holding it: wait up to ``wait_s`` seconds, then :class:`OutputError` ("in use").
    Re-entrant within one process, so that a run's stages may claim the folder again.
    """
    folder = folder.absolute()
    with _HELD_GUARD:
        if folder in _HELD:
            _HELD[folder] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _HELD_GUARD:
                _HELD[folder] -= 1
        return
    path = folder.parent / f".{folder.name}.lock"
    fd = _acquire(path, folder, wait_s)
    with _HELD_GUARD:
        _HELD[folder] = 1
    try:
        yield
    finally:
        with _HELD_GUARD:
            del _HELD[folder]
        # Unlinked before it is released: a process that opened the old file and then gets
        # the lock sees that the path is gone and opens it again (_acquire).
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


def _acquire(path: Path, folder: Path, wait_s: float) -> int:
    deadline = time.monotonic() + wait_s
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if _try_lock(fd):
            try:
                same = os.fstat(fd).st_ino == path.stat().st_ino
            except FileNotFoundError:
                same = False
            if same:
                return fd
        os.close(fd)
        if time.monotonic() >= deadline:
            msg = (
                f"输出文件夹 {folder} 正被另一个 landeval 运行使用, 请等它结束后再运行 / the"
                f" output folder {folder} is in use by another landeval run; wait for it to"
                " finish, or choose another --out"
            )
            raise OutputError(msg)
        time.sleep(0.1)


def _try_lock(fd: int) -> bool:
    """Lock ``fd`` without waiting; False when another process holds the lock."""
    if sys.platform == "win32":
        import msvcrt  # noqa: PLC0415 - Windows only

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES}:
            return False
        raise
    return True


def _changed(path: Path, entry: dict) -> bool:
    try:
        if path.stat().st_size != entry.get("bytes"):
            return True
        return hash_file(path) != entry.get("sha256")
    except OSError:
        return True


def _shown(folder: Path, rel: str) -> str:
    return f"{rel}/" if (folder / rel).is_dir() and not (folder / rel).is_symlink() else rel


def _ignorable(rel: str) -> bool:
    """Browser litter, and staging files of an interrupted landeval write (``.x.part``)."""
    name = rel.rsplit("/", 1)[-1]
    return name in DISPOSABLE or (name.startswith(".") and name.endswith(".part"))


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _walk_entries(folder: Path) -> list[str]:
    """Every file, folder and link under ``folder`` (relative POSIX paths; links not followed)."""
    out: list[str] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root).relative_to(folder)
        out.extend((base / name).as_posix() for name in [*dirs, *files])
    return sorted(out)


def _walk_files(folder: Path) -> list[str]:
    return [
        rel
        for rel in _walk_entries(folder)
        if (folder / rel).is_file() and not (folder / rel).is_symlink()
    ]

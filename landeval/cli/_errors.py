"""Turn exceptions into short messages and exit codes: 0 ok, 1 internal error, 2 bad input."""

from __future__ import annotations

import datetime as dt
import errno
import os
import tempfile
import traceback
from pathlib import Path

import click

from landeval.errors import LandevalError
from landeval.findings import has_errors


def run_guarded(command: click.Command, args: list[str]) -> int:
    """Run a click command; return its exit status without letting a traceback out."""
    try:
        # Without standalone mode click returns (not raises) the code of ctx.exit(n).
        code = command.main(args=args, prog_name="landeval", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已中止 (aborted)", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except LandevalError as exc:
        _print_user_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("已中断 (interrupted); previous outputs are left as they were", err=True)
        return 130
    except Exception as exc:
        problem = environment_problem(exc)
        if problem is None:
            return _internal_error()
        # The disk, not the data or landeval: the user can fix it, so no traceback.
        what, detail = problem
        click.echo(f"错误 (error): {what}: {detail}", err=True)
        click.echo(
            "  → 请释放磁盘空间、检查权限, 或换一个可写的输出文件夹 (--out) 后重试;"
            " 之前的输出保持原样 / free some space, check permissions or choose another"
            " --out; previous outputs are left as they were",
            err=True,
        )
        return 2
    return code if isinstance(code, int) else 0


_ENVIRONMENT_ERRNOS: dict[int, str] = {
    errno.ENOSPC: "磁盘空间不足 (no space left on device)",
    errno.EDQUOT: "超出磁盘配额 (disk quota exceeded)",
    errno.EROFS: "输出位置只读 (read-only file system)",
    errno.EACCES: "没有写入权限 (permission denied)",
    errno.EPERM: "操作不被允许 (operation not permitted)",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹 (not a directory)",
    errno.EISDIR: "需要文件的位置是一个文件夹 (is a directory)",
    errno.ENAMETOOLONG: "路径过长 (file name too long)",
    errno.EFBIG: "文件过大 (file too large)",
    errno.EIO: "磁盘读写错误 (input/output error)",
    errno.EBUSY: "文件正被占用 (device or resource busy)",
}
"""Operating-system errors that are the user's environment, not a bug: exit status 2."""


def environment_problem(exc: BaseException) -> tuple[str, str] | None:
    """What in the user's environment caused ``exc`` (disk full, no permission…), if anything.

    An :class:`OSError` with one of :data:`_ENVIRONMENT_ERRNOS`, or an exception of a
    library that writes files itself (DuckDB, GDAL, xlsxwriter) whose message carries the
    operating system's text for one of them; the exception's causes are looked at too.

    Returns
    -------
    (str, str) or None
        The problem's name and the exception's own text (which names the file).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _ENVIRONMENT_ERRNOS:
            return _ENVIRONMENT_ERRNOS[current.errno], str(current)
        text = str(current)
        for number, name in _ENVIRONMENT_ERRNOS.items():
            if os.strerror(number) in text:
                return name, text
        current = current.__cause__ or current.__context__
    return None


def _internal_error() -> int:
    """Write the current traceback to a log file, print its path; exit status 1."""
    log = _write_log(traceback.format_exc())
    click.echo(
        f"内部错误 (internal error). The traceback is in {log}; please send it to the "
        "landeval maintainers with the command you ran.",
        err=True,
    )
    return 1


def _print_user_error(exc: LandevalError) -> None:
    click.echo(f"错误 (error): {exc}", err=True)
    findings = exc.findings
    if findings is not None and has_errors(findings):
        errors = findings[findings["severity"] == "error"]
        click.echo(f"{len(errors)} error finding(s); the first ones:", err=True)
        for row in errors.head(10).itertuples():
            where = " ".join(str(p) for p in (row.layer, row.row_id, row.field) if p)
            click.echo(f"  [{row.code}] {where}: {row.message}", err=True)
            if row.suggestion:
                click.echo(f"      → {row.suggestion}", err=True)


def _write_log(text: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(tempfile.gettempdir()) / "landeval-logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"landeval-{stamp}.log"
    path.write_text(text, encoding="utf-8")
    return path

"""DuckDB connections with landeval's settings (private): one place for how DuckDB is opened.

landeval opens DuckDB in two roles: an in-memory join engine inside the scoring stage
(:mod:`landeval.mu_scoring`) and the run's store file (:mod:`landeval.store`). Both use
:func:`connect`, which switches off DuckDB's progress bar (landeval has its own progress
display) and takes the thread count and memory limit the caller needs.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
import pyarrow as pa


def connect(
    database: str | Path = ":memory:",
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    read_only: bool = False,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with landeval's settings.

    Parameters
    ----------
    database : str or Path
        A database file, or ":memory:" (the default) for an in-memory database.
    threads : int, optional
        Threads DuckDB may use; default all (DuckDB's own default). One thread gives float
        sums in a fixed order (see :mod:`landeval.mu_scoring._frames`).
    memory_limit : str, optional
        DuckDB's memory limit, e.g. "512MB"; default DuckDB's (80 % of RAM).
    read_only : bool
        Open a database file read-only.

    Returns
    -------
    duckdb.DuckDBPyConnection

    Examples
    --------
    >>> with connect(threads=1) as con:
    ...     con.execute("SELECT 1 + 1").fetchone()
    (2,)
    """
    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads is not None:
        config["threads"] = threads
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(str(database), read_only=read_only, config=config)
    # No progress bar: landeval shows its own progress. Inside Jupyter without ipywidgets
    # DuckDB refuses to touch the setting; there is no bar to switch off then.
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")
    return con


def all_threads(con: duckdb.DuckDBPyConnection) -> None:
    """Let ``con`` use every core from now on (after a start on fewer threads).

    Only for queries whose result does not depend on the order rows are processed in: no
    float sums, and an ORDER BY on a unique key.
    """
    con.execute("RESET threads")


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """The result of ``sql`` as one Arrow table.

    ``DuckDBPyRelation.df()`` turns text into Python strings and back (seconds a million
    rows); an Arrow result converts to pandas' Arrow-backed ``str`` without that.
    """
    result = con.sql(sql).arrow()
    if isinstance(result, pa.RecordBatchReader):
        result = result.read_all()
    return result

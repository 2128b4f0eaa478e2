"""The run's store: one DuckDB file holding every input as loaded and every result table.

Geometry is kept as WKB in a BLOB column named ``geometry``; the table ``geometry_columns``
records each spatial table's CRS so that :func:`read_table` gives back a GeoDataFrame. An
analyst can open the file with any DuckDB client and query it with SQL
(``ST_GeomFromWKB(geometry)`` with the spatial extension, where it is installed).

Writes are atomic: the whole database is written to a temporary file and renamed, so a failed
run leaves the previous store whole.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely

from landeval._atomic import atomic_path
from landeval._duckdb import connect

STORE_NAME = "landeval.duckdb"
"""File name of the store inside an output folder."""

_GEOMETRY_TABLE = "geometry_columns"

_MEMORY_LIMIT = "512MB"
"""DuckDB's memory while it writes the store. The store is written beside the stages, which
hold the run's tables; DuckDB's default (80 % of RAM) let it keep ~1.9 GB more of buffers at
a million parcels and was slower (measured alone: 54.6 → 39.3 s CPU, peak +2.15 → +0.29 GB)."""


def write_store(path: str | Path, tables: Mapping[str, pd.DataFrame]) -> Path:
    """Write a new store at ``path`` holding ``tables``, replacing any previous file whole.

    Parameters
    ----------
    path : path-like
        The ``.duckdb`` file to create.
    tables : mapping of str to DataFrame or GeoDataFrame
        Table name → frame. GeoDataFrames keep their geometry as WKB and their CRS.

    Returns
    -------
    Path
        ``path``.
    """
    with StoreWriter(path) as store:
        store.put(tables)
    return Path(path)


class StoreWriter:
    """A new store written table by table on a thread of its own, made whole on close.

    :meth:`put` hands tables to the thread and returns at once, so a run can store its
    inputs while it scores them and each stage's results while the next stage runs: DuckDB
    converts, compresses and writes without holding the GIL, which on two cores hides most of
    the store's cost behind the stages. The tables go to a temporary file in their order of
    :meth:`put` (a later table of the same name replaces an earlier one); leaving the
    ``with`` block waits for them and renames the file onto ``path``. If the block raises, or
    writing a table fails, tables not yet written are dropped, the temporary file is removed
    and a previous store at ``path`` is left whole; a writing error is raised by the next
    :meth:`put`, by :meth:`wait` or on leaving the block.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
    >>> with StoreWriter(path) as store:
    ...     store.put({"a": pd.DataFrame({"x": [1, 2]})})
    ...     store.put({"b": pd.DataFrame({"y": ["一"]})})
    >>> list_tables(path)
    ['a', 'b', 'geometry_columns']
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._stack = contextlib.ExitStack()
        self._jobs: list[Future] = []
        self._thread: ThreadPoolExecutor | None = None
        self._con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> StoreWriter:
        with contextlib.ExitStack() as stack:
            tmp = stack.enter_context(atomic_path(self.path))
            self._thread = stack.enter_context(
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="landeval-store")
            )
            # The connection lives on the writing thread: a DuckDB connection must not be
            # used by two threads at once, and only that thread ever touches it.
            self._con = self._thread.submit(_connect, tmp).result()
            stack.callback(self._close)
            stack.push(self._cancel_on_error)
            self._stack = stack.pop_all()
        return self

    def put(self, tables: Mapping[str, pd.DataFrame]) -> None:
        """Queue ``tables`` (name → frame) to be written; raises an earlier writing error."""
        self._raise_failed()
        self._jobs.append(self._thread.submit(_put_tables, self._con, dict(tables)))

    def wait(self) -> None:
        """Block until every queued table is written; raises the first writing error."""
        for job in self._jobs:
            job.result()

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            with self._stack:  # a writing error raised by wait() unwinds it as a failure
                self.wait()
            return False
        return self._stack.__exit__(exc_type, exc, tb)

    def _raise_failed(self) -> None:
        for job in self._jobs:
            if job.done() and job.exception() is not None:
                job.result()

    def _cancel_on_error(self, exc_type, _exc, _tb) -> bool:
        # On a failure the tables not yet written are dropped, not written and then removed.
        if exc_type is not None:
            for job in self._jobs:
                job.cancel()
        return False

    def _close(self) -> None:
        # Runs after the queue is drained (or cancelled): the thread closes its connection,
        # which flushes the file before it is renamed or removed.
        self._thread.submit(self._con.close).result()


def update_store(path: str | Path, tables: Mapping[str, pd.DataFrame]) -> Path:
    """Replace (or add) ``tables`` in an existing store, keeping its other tables.

    The store is copied, changed and renamed back, so a failure leaves it as it was. When
    ``path`` does not exist yet, this is :func:`write_store`.
    """
    path = Path(path)
    if not path.exists():
        return write_store(path, tables)
    with atomic_path(path) as tmp:
        shutil.copyfile(path, tmp)
        with connect(tmp) as con:
            _put_tables(con, tables)
    return path


def read_table(path: str | Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one table from a store; a spatial table comes back as a GeoDataFrame.

    ``columns`` reads only those columns (in that order; each must exist); a spatial table
    read without ``geometry`` comes back as a plain DataFrame.
    """
    with connect(path, read_only=True) as con:
        return _get_table(con, name, columns)


def read_tables(path: str | Path, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read several tables (all of them when ``names`` is None) from a store."""
    with connect(path, read_only=True) as con:
        if names is None:
            names = [n for n in list_tables_con(con) if n != _GEOMETRY_TABLE]
        return {n: _get_table(con, n) for n in names}


def list_tables(path: str | Path) -> list[str]:
    """Names of the tables in a store."""
    with connect(path, read_only=True) as con:
        return list_tables_con(con)


def table_columns(path: str | Path) -> dict[str, list[str]]:
    """The columns of every table of a store, by table name (in the tables' column order)."""
    with connect(path, read_only=True) as con:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def list_tables_con(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables of an open connection, sorted."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return sorted(r[0] for r in rows)


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    # The store works behind the stages, with a memory limit (see _MEMORY_LIMIT).
    return connect(path, memory_limit=_MEMORY_LIMIT)


def _put_tables(con: duckdb.DuckDBPyConnection, tables: Mapping[str, pd.DataFrame]) -> None:
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {_GEOMETRY_TABLE} "
        "(table_name VARCHAR PRIMARY KEY, column_name VARCHAR, crs VARCHAR)"
    )
    for name, frame in tables.items():
        if not name.isidentifier():
            msg = f"table name {name!r} is not a plain identifier"
            raise ValueError(msg)
        plain, crs = _plain(frame)
        con.register("_incoming", _arrow_or_frame(plain))
        try:
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
        finally:
            con.unregister("_incoming")
        con.execute(f"DELETE FROM {_GEOMETRY_TABLE} WHERE table_name = ?", [name])
        if crs is not None:
            con.execute(f"INSERT INTO {_GEOMETRY_TABLE} VALUES (?, 'geometry', ?)", [name, crs])


def _plain(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """A frame DuckDB can take: geometry as WKB bytes; returns the CRS (or None)."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geom_name = frame.geometry.name
        crs = frame.crs.to_wkt() if frame.crs is not None else ""
        plain = pd.DataFrame(frame.drop(columns=geom_name))
        plain["geometry"] = pd.Series(_wkb_array(frame.geometry), index=frame.index)
        return plain.reset_index(drop=True), crs
    return pd.DataFrame(frame).reset_index(drop=True), None


_WKB_CHUNK = 65_536
"""Geometries turned into WKB at a time: only one chunk's Python ``bytes`` objects are alive
at once (a million parcels' worth took ~0.5 GB beside the Arrow copy)."""


def _wkb_array(geometry: gpd.GeoSeries) -> pd.arrays.ArrowExtensionArray:
    """ISO WKB of each geometry (null for a missing one) as an Arrow binary column."""
    geoms = geometry.to_numpy()
    chunks = [
        pa.array(shapely.to_wkb(geoms[start : start + _WKB_CHUNK], flavor="iso"), pa.binary())
        for start in range(0, len(geoms), _WKB_CHUNK)
    ]
    return pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks, type=pa.binary()))


_ARROW_DTYPES = ("str", "float64", "int64", "Int64", "bool", "int32", "float32")


def _arrow_or_frame(plain: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """``plain`` as an Arrow table when every column maps to the type DuckDB gives it.

    DuckDB reads Arrow faster than pandas (no per-value conversion of text and WKB).
    Columns of other dtypes (object, dates, categories) would change type through Arrow,
    so such a frame goes in as it is.
    """
    arrays = {}
    for name in plain.columns:
        series = plain[name]
        if name == "geometry" and _is_arrow_binary(series.dtype):
            arrays[name] = pa.array(series)
        elif name == "geometry" and series.dtype == object:
            try:
                arrays[name] = pa.array(series.to_numpy(), type=pa.binary())
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return plain
        elif str(series.dtype) in _ARROW_DTYPES:
            arrays[name] = pa.array(series)
        else:
            return plain
    if len(set(arrays)) != len(plain.columns):
        return plain  # duplicate column names: let DuckDB's pandas scan decide
    return pa.table(arrays)


def _is_arrow_binary(dtype: object) -> bool:
    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_binary(dtype.pyarrow_dtype)


def _get_table(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[str] | None = None
) -> pd.DataFrame:
    selected = "*" if columns is None else ", ".join(f'"{c}"' for c in columns)
    frame = con.execute(f'SELECT {selected} FROM "{name}"').df()
    if columns is not None and "geometry" not in columns:
        return frame
    has_geom_table = _GEOMETRY_TABLE in list_tables_con(con)
    row = (
        con.execute(f"SELECT crs FROM {_GEOMETRY_TABLE} WHERE table_name = ?", [name]).fetchone()
        if has_geom_table
        else None
    )
    if row is None:
        return frame
    geometry = shapely.from_wkb([bytes(b) if b is not None else None for b in frame["geometry"]])
    return gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=geometry, crs=row[0] or None)

"""The run's store: one DuckDB file holding every input as loaded and every result table.

Geometry is kept as WKB in a BLOB column named ``geometry``; the table ``geometry_columns``
records each spatial table's CRS so that :func:`read_table` gives back a GeoDataFrame. An
analyst can open the file with any DuckDB client and query it with SQL
(``ST_GeomFromWKB(geometry)`` with the spatial extension, where it is installed).

Writes are atomic: the whole database is written to a temporary file and renamed, so a failed
run leaves the previous store whole.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely

from landeval._atomic import atomic_path

STORE_NAME = "landeval.duckdb"
"""File name of the store inside an output folder."""

_GEOMETRY_TABLE = "geometry_columns"


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
    path = Path(path)
    with atomic_path(path) as tmp, duckdb.connect(str(tmp)) as con:
        _put_tables(con, tables)
    return path


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
        with duckdb.connect(str(tmp)) as con:
            _put_tables(con, tables)
    return path


def read_table(path: str | Path, name: str) -> pd.DataFrame:
    """Read one table from a store; a spatial table comes back as a GeoDataFrame."""
    with duckdb.connect(str(path), read_only=True) as con:
        return _get_table(con, name)


def read_tables(path: str | Path, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read several tables (all of them when ``names`` is None) from a store."""
    with duckdb.connect(str(path), read_only=True) as con:
        if names is None:
            names = [n for n in list_tables_con(con) if n != _GEOMETRY_TABLE]
        return {n: _get_table(con, n) for n in names}


def list_tables(path: str | Path) -> list[str]:
    """Names of the tables in a store."""
    with duckdb.connect(str(path), read_only=True) as con:
        return list_tables_con(con)


def list_tables_con(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables of an open connection, sorted."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return sorted(r[0] for r in rows)


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
        wkb = shapely.to_wkb(frame.geometry.values, flavor="iso")
        plain = pd.DataFrame(frame.drop(columns=geom_name))
        plain["geometry"] = pd.Series(wkb, index=frame.index, dtype=object)
        return plain.reset_index(drop=True), crs
    return pd.DataFrame(frame).reset_index(drop=True), None


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
        if name == "geometry" and series.dtype == object:
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


def _get_table(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    frame = con.execute(f'SELECT * FROM "{name}"').df()
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

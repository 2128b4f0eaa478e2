"""``parcels.gpkg``: evaluated parcels and the zoning layers for QGIS and ArcGIS.

Field names stay the English canonical names (the same as in the store, so SQL, scripts
and joins work on either), and each field gets a Chinese alias (English with ``lang="en"``),
its header in :data:`landeval.vocabulary.COLUMNS`, in the GeoPackage schema extension table
``gpkg_data_columns``. GDAL ≥ 3.7 reads its
``name`` column as the field's *alternative name* and QGIS shows that as the field alias
in the attribute table and forms; older readers still see clean ASCII names. pyogrio does
not expose alternative names when writing, so the table is filled with ``sqlite3`` after
pyogrio has written the layers, all inside the temporary file that is renamed at the end.

Booleans are written as GeoPackage booleans (integer 0/1 with the boolean subtype), which
QGIS shows as true/false; list-valued cells (flags, occupants) are joined into text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import shapely

from landeval._atomic import atomic_path
from landeval.export._cells import as_text, is_missing
from landeval.review.shown import review_cells
from landeval.vocabulary import COLUMNS, LAYER_LABELS

GPKG_LAYERS: tuple[str, ...] = (
    "parcel_eval",
    "platforms",
    "control_line",
    "land_changes",
    "balance_items",
)
"""Layers written, in order, when given."""

_DATA_COLUMNS_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_data_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  name TEXT,
  title TEXT,
  description TEXT,
  mime_type TEXT,
  constraint_name TEXT,
  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gdc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name)
)
"""
_EXTENSIONS_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
)
"""
_SCHEMA_EXTENSION = (
    "gpkg_data_columns",
    None,
    "gpkg_schema",
    "http://www.geopackage.org/spec121/#extension_schema",
    "read-write",
)


def write_geopackage(
    results: Mapping[str, pd.DataFrame | None],
    path: str | Path,
    *,
    lang: str = "zh",
) -> Path:
    """Write ``parcels.gpkg`` atomically with the layers that are given.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Tables by name; the layers of :data:`GPKG_LAYERS` that are present and not None
        are written (GeoDataFrames with their geometry and CRS).
    path : path-like
        The GeoPackage to write; replaced whole when complete.
    lang : {"zh", "en"}
        Language of the field aliases and layer descriptions.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    layers = {n: results[n] for n in GPKG_LAYERS if results.get(n) is not None}
    if "parcel_eval" in layers:
        # the parcels keep the store's columns (treatment the proposal, final_treatment the
        # decision, side by side) and gain the bureau's notes where a review decided
        layers["parcel_eval"] = review_cells(layers["parcel_eval"], results.get("decisions"))
    with atomic_path(path) as tmp:
        # GDAL warns about a GeoPackage whose name does not end in .gpkg: build it under
        # such a name beside the temporary file, then move it onto the temporary name
        work = tmp.with_name(tmp.name + ".gpkg")
        try:
            with _sqlite_settings():
                for name, frame in layers.items():
                    _write_layer(_prepare(frame, lang=lang), work, name)
            if not layers:
                # a valid GeoPackage all the same: one attribute table saying so
                note = pd.DataFrame({"note": ["no layers given"]})
                pyogrio.write_dataframe(note, work, layer="empty", driver="GPKG")
            else:
                _write_aliases(work, layers, lang=lang)
            work.replace(tmp)
        finally:
            work.unlink(missing_ok=True)
    return path


def _write_layer(frame: pd.DataFrame, path: Path, layer: str) -> None:
    """Write one prepared layer: polygons as MultiPolygons, whole columns through Arrow."""
    table = _arrow_table(frame) if isinstance(frame, gpd.GeoDataFrame) else None
    if table is None:
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer,
            driver="GPKG",
            promote_to_multi=True if isinstance(frame, gpd.GeoDataFrame) else None,
            # whole columns through Arrow: several times faster than feature by feature,
            # and the same fields, types and values
            use_arrow=True,
        )
        return
    # what pyogrio.write_dataframe(promote_to_multi=True, use_arrow=True) passes to GDAL
    # for a layer of 2D polygons and multipolygons
    epsg = frame.crs.to_epsg() if frame.crs else None
    crs = None if not frame.crs else f"EPSG:{epsg}" if epsg else frame.crs.to_wkt("WKT1_GDAL")
    pyogrio.write_arrow(
        table,
        path,
        layer=layer,
        driver="GPKG",
        geometry_name=frame.geometry.name,
        geometry_type="MultiPolygon",
        crs=crs,
    )


# WKB head of a little-endian 2D MultiPolygon of one part: byte order, type 6, count 1
_MULTI_HEAD = b"\x01\x06\x00\x00\x00\x01\x00\x00\x00"
_POLYGON_HEAD = b"\x01\x03\x00\x00\x00"


def _arrow_table(frame: gpd.GeoDataFrame) -> pa.Table | None:
    """The Arrow table pyogrio would write for ``frame`` with ``promote_to_multi=True``.

    Only for what the parcels and zoning layers hold: non-empty 2D polygons and
    multipolygons and no object or time-zone columns (None otherwise: pyogrio's own path
    does the rest). Promoting a polygon to a one-part MultiPolygon in its WKB (a 9-byte
    head before the polygon's own WKB, exactly what GEOS writes for the promoted
    geometry) saves making a million shapely MultiPolygons and their WKB.
    """
    geometry = np.asarray(frame.geometry.array, dtype=object)
    if not len(geometry):
        return None
    types = shapely.get_type_id(geometry)
    if not np.isin(types, (3, 6)).all() or shapely.has_z(geometry).any():
        return None  # also missing (-1) geometries: GDAL decides their layer type
    if shapely.is_empty(geometry).any():
        return None
    data = frame.drop(columns=frame.geometry.name)
    if any(
        pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.DatetimeTZDtype)
        for dtype in data.dtypes
    ):
        return None
    wkb = pa.array(shapely.to_wkb(geometry, byte_order=1), type=pa.binary())
    polygon = pa.array(types == 3)
    if not pc.all(pc.starts_with(wkb.filter(polygon), _POLYGON_HEAD)).as_py():
        return None  # pragma: no cover - GEOS writes every 2D polygon with this head
    head = pc.if_else(polygon, pa.scalar(_MULTI_HEAD), pa.scalar(b""))
    promoted = pc.binary_join_element_wise(head, wkb, pa.scalar(b""))
    table = pa.Table.from_pandas(pd.DataFrame(data), preserve_index=False)
    if any(pa.types.is_null(f.type) or pa.types.is_dictionary(f.type) for f in table.schema):
        return None
    return table.append_column(pa.field(frame.geometry.name, pa.binary()), promoted)


@contextlib.contextmanager
def _sqlite_settings() -> Iterator[None]:
    """GDAL's SQLite settings while the GeoPackage is written: no fsync, 64 KiB pages.

    The file is a temporary one that replaces the target only once complete (like the
    other outputs, which are not synced either), so waiting for the disk after each
    transaction buys nothing; it took a large part of the write's wall time. Pages of
    64 KiB (SQLite's largest; 4 KiB by default) make the B-trees of a million parcels
    shallower: about a fifth less CPU for the inserts, and a slightly smaller file; the
    R-tree's nodes keep their size (SQLite caps them). GDAL's configuration is
    process-wide: the previous values are restored afterwards (pragmas set by the user
    come after ours, so theirs win).
    """
    before = {
        key: pyogrio.get_gdal_config_option(key)
        for key in ("OGR_SQLITE_SYNCHRONOUS", "OGR_SQLITE_PRAGMA")
    }
    pragmas = ",".join(str(p) for p in ("page_size=65536", before["OGR_SQLITE_PRAGMA"]) if p)
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_PRAGMA": pragmas})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def _prepare(frame: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """A copy fit for OGR: list cells joined, mixed objects as text, booleans as booleans."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    out = {}
    for col in frame.columns:
        if col == geometry:
            continue
        series = frame[col]
        if series.dtype == object:
            series = _object_column(series, lang=lang)
        out[col] = series
    data = pd.DataFrame(out, index=frame.index)
    if geometry is None:
        return data.reset_index(drop=True)
    gdf = gpd.GeoDataFrame(data, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return gdf.reset_index(drop=True)


def _object_column(series: pd.Series, *, lang: str) -> pd.Series:
    values = [v for v in series.tolist() if not is_missing(v)]
    if values and all(isinstance(v, (bool, np.bool_)) for v in values):
        return series.astype("boolean")
    if values and all(isinstance(v, (dt.date, pd.Timestamp)) for v in values):
        return pd.Series(pd.to_datetime(series), index=series.index)
    if values and all(isinstance(v, (int, float, np.number)) for v in values):
        return pd.to_numeric(series, errors="coerce")
    return pd.Series(
        [_joined(v, lang=lang) for v in series.tolist()], index=series.index, dtype="string"
    )


def _joined(value: object, *, lang: str) -> str | None:
    # lists of codes (flags) join with ";" so a GIS expression can split them; lists of
    # names join the way the language writes lists
    if isinstance(value, (list, tuple, np.ndarray, set)):
        items = [str(v) for v in value if not is_missing(v)]
        if all(item.isascii() for item in items):
            return ";".join(items)
    return as_text(value, lang=lang)


def _write_aliases(gpkg: Path, layers: Mapping[str, pd.DataFrame], *, lang: str) -> None:
    with contextlib.closing(sqlite3.connect(gpkg)) as con, con:
        con.execute(_EXTENSIONS_DDL)  # GDAL leaves it out when no extension is in use
        con.execute(_DATA_COLUMNS_DDL)
        known = con.execute(
            "SELECT 1 FROM gpkg_extensions WHERE table_name = 'gpkg_data_columns' "
            "AND extension_name = 'gpkg_schema'"
        ).fetchone()
        if known is None:
            con.execute("INSERT INTO gpkg_extensions VALUES (?, ?, ?, ?, ?)", _SCHEMA_EXTENSION)
        for name, frame in layers.items():
            title = LAYER_LABELS[name][lang]
            con.execute(
                "UPDATE gpkg_contents SET description = ? WHERE table_name = ?", (title, name)
            )
            aliases = [(c, COLUMNS[c].header(lang)) for c in frame.columns if c in COLUMNS]  # type: ignore[arg-type]
            rows = [(name, col, alias, alias, None) for col, alias in aliases]
            con.executemany(
                "INSERT OR REPLACE INTO gpkg_data_columns "
                "(table_name, column_name, name, title, description) VALUES (?, ?, ?, ?, ?)",
                rows,
            )

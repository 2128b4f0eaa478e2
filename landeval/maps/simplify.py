"""Display geometry: simplified in metres, keeping shared parcel edges shared, then EPSG:4326.

Parcels tile the land: two neighbours share an edge. Simplifying each polygon on its own
would open slivers between them, so parcels go through GEOS coverage simplification
(``shapely.coverage_simplify``), which simplifies each shared edge once. Other layers
(platforms, control line, 改一补一 items) are simplified one by one with topology kept.
Coordinates are rounded later, when encoded (:mod:`landeval.maps.encode`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landeval.maps.gcj02 import shift_geometries

WEB_CRS = "EPSG:4326"
PARCEL_TOLERANCE_M = 1.0
"""Coverage-simplification tolerance for parcels: about the side of the triangles removed."""
AREA_TOLERANCE_M = 5.0
"""Simplification tolerance for platforms, the control line and 改一补一 items."""
OUTLINE_GAP_M = 150.0
"""County outlines close gaps up to twice this between parcels of one county."""

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


def display_geometry(
    frame: gpd.GeoDataFrame,
    *,
    coverage: bool,
    tolerance_m: float | None = None,
    gcj02: bool = False,
    assume_crs: str | None = None,
) -> np.ndarray:
    """Simplified polygonal geometry of a layer in EPSG:4326, aligned with its rows.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The layer in any CRS (areas are simplified in metres).
    coverage : bool
        True for a layer whose polygons tile the land (parcels): shared edges stay shared.
    tolerance_m : float, optional
        Simplification tolerance in metres; defaults by layer kind.
    gcj02 : bool
        Shift the result to GCJ-02 (for the AMap basemap).
    assume_crs : str, optional
        CRS to assume when the frame has none.

    Returns
    -------
    numpy.ndarray
        Shapely geometries (None where a row has no polygonal geometry).
    """
    projected = _projected(frame, assume_crs)
    geoms = _polygonal(projected)
    tol = tolerance_m
    if tol is None:
        tol = PARCEL_TOLERANCE_M if coverage else AREA_TOLERANCE_M
    present = ~shapely.is_missing(geoms)
    if present.any() and tol > 0:
        if coverage:
            geoms[present] = shapely.coverage_simplify(geoms[present], tol)
        else:
            geoms[present] = shapely.simplify(geoms[present], tol, preserve_topology=True)
    web = gpd.GeoSeries(geoms, crs=projected.crs).to_crs(WEB_CRS)
    out = np.asarray(web.array, dtype=object)
    out[~present] = None
    if gcj02 and present.any():
        out[present] = shift_geometries(out[present])
    return out


def county_outlines(
    parcels: gpd.GeoDataFrame,
    *,
    by: str = "county_code",
    gap_m: float = OUTLINE_GAP_M,
    assume_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """County outlines derived from the data: the parcels of each county, gaps closed.

    Each county's parcels are buffered by ``gap_m``, unioned and shrunk back by the same
    distance (a morphological closing), so the outline hugs the parcels and bridges the
    roads and rivers between them.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per value of ``by``: ``by`` and ``geometry``, in the parcels' projected CRS.
    """
    projected = _projected(parcels, assume_crs)
    geoms = _polygonal(projected)
    codes = parcels[by].astype("string").fillna("").to_numpy()
    present = ~shapely.is_missing(geoms)
    groups = [
        (code, geoms[(codes == code) & present])
        for code in sorted(set(codes))
        if ((codes == code) & present).any()
    ]
    # GEOS releases the GIL: counties are closed in parallel threads, results in order
    with ThreadPoolExecutor(max_workers=max(1, min(len(groups), os.cpu_count() or 1))) as pool:
        shapes = list(pool.map(lambda g: _closed_outline(g[1], gap_m), groups))
    rows = [
        {by: code, "geometry": shape}
        for (code, _), shape in zip(groups, shapes, strict=True)
        if not shape.is_empty
    ]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=[by, "geometry"]), geometry="geometry", crs=projected.crs
    )


def _closed_outline(parts: np.ndarray, gap_m: float) -> shapely.Geometry:
    """The union of ``parts`` with gaps up to ``2 * gap_m`` closed, then simplified."""
    # A valid coverage unions in a fraction of the time of a general union.
    union = (
        shapely.coverage_union_all(parts)
        if shapely.coverage_is_valid(parts)
        else shapely.union_all(parts)
    )
    # Mitred joins give corners back exactly on shrinking; the union with the parcels
    # themselves keeps every parcel inside its outline whatever the shape.
    grown = shapely.buffer(union, gap_m, join_style="mitre", mitre_limit=3.0)
    closed = shapely.buffer(grown, -gap_m, join_style="mitre", mitre_limit=3.0)
    return shapely.simplify(shapely.union(closed, union), gap_m / 10)


def _projected(frame: gpd.GeoDataFrame, assume_crs: str | None) -> gpd.GeoSeries:
    series = frame.geometry
    if series.crs is None:
        series = series.set_crs(assume_crs or WEB_CRS)
    if CRS.from_user_input(series.crs).is_geographic:
        # Simplification tolerances are metres: work in the data's own UTM zone.
        series = series.to_crs(series.estimate_utm_crs())
    return series


def _polygonal(series: gpd.GeoSeries) -> np.ndarray:
    geoms = np.asarray(series.array, dtype=object).copy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    kinds = shapely.get_type_id(geoms)
    other = ~missing & ~np.isin(kinds, [int(k) for k in _POLYGONAL])
    for i in np.flatnonzero(other):
        # e.g. a GeometryCollection from make_valid: keep its polygonal parts only.
        parts = shapely.get_parts(shapely.get_parts(geoms[i]))
        parts = [p for p in parts if p.geom_type == "Polygon"]
        geoms[i] = shapely.multipolygons(parts) if parts else None
    geoms[missing] = None
    return geoms

"""Display geometry: simplified in metres, keeping shared parcel edges shared, then EPSG:4326.

Parcels tile the land: two neighbours share an edge. Simplifying each polygon on its own
would open slivers between them, so parcels go through GEOS coverage simplification
(``shapely.coverage_simplify``), which simplifies each shared edge once. Other layers
(platforms, control line, 改一补一 items) are simplified one by one with topology kept.
Coordinates are rounded later, when encoded (:mod:`landeval.maps.encode`).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.features
import rasterio.transform
import shapely
import shapely.geometry
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

    Each county's parcels are burnt into a grid (every cell a parcel touches), the grid is
    closed morphologically by ``gap_m`` (grown, then shrunk back), so the outline hugs the
    parcels and bridges the roads and rivers between them, and the cells are turned back
    into simplified polygons.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per value of ``by``: ``by`` and ``geometry``, in the parcels' projected CRS.
    """
    projected = _projected(parcels, assume_crs)
    geoms = _polygonal(projected)
    codes = parcels[by].astype("string").fillna("").to_numpy()
    present = ~shapely.is_missing(geoms)
    groups = [(code, geoms[(codes == code) & present]) for code in sorted(set(codes))]
    groups = [(code, parts) for code, parts in groups if len(parts)]
    shapes = [_closed_outline(parts, gap_m) for _, parts in groups]
    rows = [
        {by: code, "geometry": shape}
        for (code, _), shape in zip(groups, shapes, strict=True)
        if not shape.is_empty
    ]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=[by, "geometry"]), geometry="geometry", crs=projected.crs
    )


_OUTLINE_MAX_CELLS = 4_000_000
"""Grid size bound for one county's outline (a few MB of booleans)."""


def _closed_outline(parts: np.ndarray, gap_m: float) -> shapely.Geometry:
    """The cells covering ``parts``, with gaps up to ``2 * gap_m`` closed, as polygons.

    A vector closing (union of the parcels, buffer out and back) took seconds per county on
    a city's data: the parcels of a grown layout are not an exact coverage, so the union
    was a general overlay, and buffering the union's many vertices was as slow. On a grid
    both are a few numpy shifts; every cell a parcel touches is burnt, so each parcel stays
    inside its outline but for corners cut by the final simplification (within a cell).
    """
    x0, y0, x1, y1 = shapely.total_bounds(parts)
    cell = max(gap_m / 5, math.sqrt(max((x1 - x0) * (y1 - y0), 1.0) / _OUTLINE_MAX_CELLS))
    steps = max(1, round(gap_m / cell))
    pad = (steps + 2) * cell
    width = math.ceil((x1 - x0 + 2 * pad) / cell)
    height = math.ceil((y1 - y0 + 2 * pad) / cell)
    transform = rasterio.transform.from_origin(x0 - pad, y1 + pad, cell, cell)
    burnt = rasterio.features.rasterize(
        _geojson_polygons(parts),
        out_shape=(height, width),
        transform=transform,
        all_touched=True,
        dtype="uint8",
    ).astype(bool)
    closed = ~_grow(~_grow(burnt, steps), steps)
    polygons = [
        shapely.geometry.shape(shape)
        for shape, value in rasterio.features.shapes(
            closed.astype("uint8"), mask=closed, transform=transform, connectivity=8
        )
        if value == 1
    ]
    if not polygons:
        return shapely.Polygon()
    return shapely.simplify(shapely.union_all(polygons), cell)


def _geojson_polygons(geoms: np.ndarray) -> list[dict]:
    """GeoJSON-like polygons whose rings are numpy views (for rasterio).

    Half the time of letting rasterio ask each shapely geometry for ``__geo_interface__``,
    which builds a Python tuple per vertex.
    """
    polygons = shapely.get_parts(geoms)
    _, coords, (ring_off, poly_off) = shapely.to_ragged_array(polygons)
    rings = np.split(coords, ring_off[1:-1])
    return [
        {"type": "Polygon", "coordinates": rings[poly_off[p] : poly_off[p + 1]]}
        for p in range(len(polygons))
    ]


def _grow(mask: np.ndarray, steps: int) -> np.ndarray:
    """``mask`` grown by ``steps`` cells (4-neighbour steps: a diamond-shaped reach)."""
    out = mask
    for _ in range(steps):
        grown = out.copy()
        grown[1:, :] |= out[:-1, :]
        grown[:-1, :] |= out[1:, :]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


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

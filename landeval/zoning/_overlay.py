"""Vectorised overlay helpers shared by the zoning steps (platforms, control line, 改一补一).

Every overlay here is a bulk STRtree query followed by array-wise Shapely operations on the
candidate pairs, so that the cost grows with the number of intersecting pairs and not with
parcels × polygons, and no Python loop runs per parcel.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.errors import GEOSException


def geometry_array(frame: gpd.GeoDataFrame | None, crs=None) -> np.ndarray:
    """The geometries of ``frame`` as an object array, reprojected to ``crs`` when they differ.

    Missing and empty geometries are kept as they are (None or empty): they intersect nothing.
    """
    if frame is None or len(frame) == 0:
        return np.empty(0, dtype=object)
    geo = frame.geometry
    if crs is not None and geo.crs is not None and not geo.crs.equals(crs):
        geo = geo.to_crs(crs)
    return np.asarray(geo.values, dtype=object)


def safe_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise intersection; invalid inputs are repaired with make_valid before retrying."""
    try:
        return shapely.intersection(a, b)
    except GEOSException:
        return shapely.intersection(shapely.make_valid(a), shapely.make_valid(b))


def safe_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise difference ``a − b``, repairing invalid inputs like :func:`safe_intersection`."""
    try:
        return shapely.difference(a, b)
    except GEOSException:
        return shapely.difference(shapely.make_valid(a), shapely.make_valid(b))


def pair_overlaps(left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
    """Area of intersection of every intersecting pair of ``left`` and ``right`` geometries.

    Parameters
    ----------
    left, right : ndarray of shapely geometries
        Two geometry arrays in the same projected CRS.

    Returns
    -------
    DataFrame
        Columns ``left`` and ``right`` (positions in the arrays, int64) and ``area`` (m², the
        area of the intersection), one row per pair whose interiors may overlap; pairs that
        only touch have area 0.

    Notes
    -----
    A left geometry lying wholly within a right one (the common case: a parcel deep inside a
    platform or the control line) takes its own area, skipping the costly intersection.
    """
    empty = pd.DataFrame(
        {"left": np.empty(0, np.int64), "right": np.empty(0, np.int64), "area": np.empty(0)}
    )
    if len(left) == 0 or len(right) == 0:
        return empty
    tree = shapely.STRtree(right)
    li, ri = tree.query(left, predicate="intersects")
    if len(li) == 0:
        return empty
    wi, wr = tree.query(left, predicate="within")
    within = np.isin(li * len(right) + ri, wi * len(right) + wr)
    area = np.empty(len(li), dtype=float)
    area[within] = shapely.area(left[li[within]])
    todo = ~within
    if todo.any():
        area[todo] = shapely.area(safe_intersection(left[li[todo]], right[ri[todo]]))
    return pd.DataFrame({"left": li.astype(np.int64), "right": ri.astype(np.int64), "area": area})


def union_parts(geoms: np.ndarray) -> np.ndarray:
    """Union ``geoms`` and split the result into its polygon parts (disjoint, non-empty).

    Overlaps between the input polygons are merged, so summing intersection areas over the
    parts gives the intersection with the union, counted once.
    """
    geoms = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
    if len(geoms) == 0:
        return np.empty(0, dtype=object)
    polys = shapely.get_parts(shapely.make_valid(geoms))
    polys = polys[shapely.get_type_id(polys) == shapely.GeometryType.POLYGON]
    if len(polys) == 0:
        return np.empty(0, dtype=object)
    merged = shapely.union_all(polys)
    parts = shapely.get_parts(merged)
    parts = parts[(shapely.get_type_id(parts) == shapely.GeometryType.POLYGON)]
    return np.asarray(parts[~shapely.is_empty(parts)], dtype=object)


def covered_area(geoms: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Area (m²) of each geometry that lies inside the union of the disjoint ``parts``."""
    out = np.zeros(len(geoms), dtype=float)
    pairs = pair_overlaps(geoms, parts)
    if len(pairs):
        sums = pairs.groupby("left", sort=False)["area"].sum()
        out[sums.index.to_numpy()] = sums.to_numpy()
    return out


def clip_to(geoms: np.ndarray, parts: np.ndarray, *, inside: bool) -> np.ndarray:
    """The part of each geometry inside (``inside=True``) or outside the union of ``parts``.

    Meant for the few 改一补一 items, not for all parcels: it unions the parts each geometry
    touches before clipping.
    """
    out = np.array(geoms, dtype=object)
    if len(geoms) == 0:
        return out
    if len(parts) == 0:
        if inside:
            out[:] = [shapely.Polygon() for _ in range(len(out))]
        return out
    tree = shapely.STRtree(parts)
    li, ri = tree.query(geoms, predicate="intersects")
    local = np.full(len(geoms), None, dtype=object)
    if len(li):
        order = np.argsort(li, kind="stable")
        li, ri = li[order], ri[order]
        starts = np.flatnonzero(np.r_[True, li[1:] != li[:-1]])
        groups = np.split(ri, starts[1:])
        local[li[starts]] = [shapely.union_all(parts[g]) for g in groups]
    has = ~shapely.is_missing(local)
    if inside:
        out[:] = [shapely.Polygon() for _ in range(len(out))]
        if has.any():
            out[has] = safe_intersection(geoms[has], local[has])
    elif has.any():
        out[has] = safe_difference(geoms[has], local[has])
    return out

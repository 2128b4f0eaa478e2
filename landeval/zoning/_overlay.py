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

# Halving rounds in subdivide: 2**30 pieces is far beyond any real polygon.
_MAX_SPLIT_ROUNDS = 30


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


def subdivide(geoms: np.ndarray, *, max_vertices: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Cut polygons with many vertices into pieces of at most ``max_vertices`` vertices.

    Each polygon over the limit is halved across the longer side of its bounding box,
    repeatedly, all polygons of a round at once. The pieces of a polygon are disjoint and
    cover it exactly, so areas summed over pieces are areas over the polygon.

    Returns
    -------
    pieces : ndarray of Polygons
    owner : ndarray of int64
        Position in ``geoms`` of each piece's polygon.
    """
    polys, owner = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    done_g, done_o = [], []
    for _ in range(_MAX_SPLIT_ROUNDS):
        if len(polys) == 0:
            break
        small = shapely.get_num_coordinates(polys) <= max_vertices
        done_g.append(polys[small])
        done_o.append(owner[small])
        polys, owner = polys[~small], owner[~small]
        if len(polys) == 0:
            break
        xmin, ymin, xmax, ymax = shapely.bounds(polys).T
        wide = (xmax - xmin) >= (ymax - ymin)
        midx, midy = (xmin + xmax) / 2, (ymin + ymax) / 2
        lo = shapely.box(xmin, ymin, np.where(wide, midx, xmax), np.where(wide, ymax, midy))
        hi = shapely.box(np.where(wide, midx, xmin), np.where(wide, ymin, midy), xmax, ymax)
        halves = safe_intersection(np.r_[polys, polys], np.r_[lo, hi])
        parts, idx = shapely.get_parts(halves, return_index=True)
        keep = (shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & (
            shapely.area(parts) > 0
        )
        polys, owner = parts[keep], np.r_[owner, owner][idx[keep]]
    done_g.append(polys)
    done_o.append(owner)
    return (
        np.asarray(np.concatenate(done_g), dtype=object),
        np.concatenate(done_o).astype(np.int64),
    )


def pair_overlaps(left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
    """Area of intersection of the intersecting pairs of ``left`` and ``right`` geometries.

    Parameters
    ----------
    left : ndarray of shapely geometries
        The many small geometries (parcels), in a projected CRS.
    right : ndarray of shapely geometries
        The few large polygons (platforms, control-line parts), same CRS.

    Returns
    -------
    DataFrame
        Columns ``left`` and ``right`` (positions in the arrays, int64) and ``area`` (m²).
        A pair may appear in several rows (one per piece of a large right polygon): sum
        ``area`` by pair.

    Notes
    -----
    The tree is built on ``left`` and queried with the pieces of ``right`` (see
    :func:`subdivide`), so each piece is prepared once and tested against the parcels near
    it. A parcel wholly inside a piece takes its own area; only the parcels on a piece's
    edge are intersected, with a piece of a few dozen vertices.
    """
    empty = pd.DataFrame(
        {"left": np.empty(0, np.int64), "right": np.empty(0, np.int64), "area": np.empty(0)}
    )
    if len(left) == 0 or len(right) == 0:
        return empty
    pieces, owner = subdivide(right[~shapely.is_missing(right)])
    owner = np.flatnonzero(~shapely.is_missing(right))[owner]
    if len(pieces) == 0:
        return empty
    tree = shapely.STRtree(left)
    pi, li = tree.query(pieces, predicate="intersects")
    if len(li) == 0:
        return empty
    ci, cl = tree.query(pieces, predicate="contains_properly")
    n = len(left)
    within = np.isin(pi * n + li, ci * n + cl)
    area = np.empty(len(li), dtype=float)
    area[within] = shapely.area(left[li[within]])
    todo = ~within
    if todo.any():
        area[todo] = shapely.area(safe_intersection(left[li[todo]], pieces[pi[todo]]))
    return pd.DataFrame(
        {"left": li.astype(np.int64), "right": owner[pi].astype(np.int64), "area": area}
    )


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


def split_by(geoms: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The part of each geometry inside and outside the union of the disjoint ``parts``.

    Meant for the 改一补一 items (thousands, not millions): the pieces of ``parts`` each
    geometry meets are intersected with it and unioned back per geometry.

    Returns
    -------
    inside, outside : ndarray of geometries
        Empty polygons where there is nothing; missing geometries stay missing.
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    missing = shapely.is_missing(geoms)
    inside = np.array([shapely.Polygon() for _ in range(n)], dtype=object)
    outside = geoms.copy()
    if n == 0 or len(parts) == 0:
        inside[missing] = None
        return inside, outside
    pieces, _ = subdivide(parts)
    tree = shapely.STRtree(pieces)
    gi, pi = tree.query(geoms, predicate="intersects")
    if len(gi):
        bits = safe_intersection(geoms[gi], pieces[pi])
        order = np.argsort(gi, kind="stable")
        gi, bits = gi[order], bits[order]
        starts = np.flatnonzero(np.r_[True, gi[1:] != gi[:-1]])
        targets = gi[starts]
        inside[targets] = [shapely.union_all(b) for b in np.split(bits, starts[1:])]
        outside[targets] = safe_difference(geoms[targets], inside[targets])
    inside[missing] = None
    return inside, outside

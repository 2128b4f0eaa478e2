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


class Geoms:
    """Geometries (the many small ones: parcels) with their STRtree and areas.

    The tree and the areas are made once, when first needed, and shared by every overlay
    of the same geometries (platforms, control line, the county test of 改一补一): at a
    million parcels each costs about a second.
    """

    def __init__(self, geoms: np.ndarray) -> None:
        self.array = np.asarray(geoms, dtype=object)
        self._tree: shapely.STRtree | None = None
        self._area: np.ndarray | None = None
        self._bounds: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.array)

    @property
    def tree(self) -> shapely.STRtree:
        """STRtree of the geometries (missing and empty ones are not in it)."""
        if self._tree is None:
            self._tree = shapely.STRtree(self.array)
        return self._tree

    @property
    def bounds(self) -> np.ndarray:
        """(xmin, ymin, xmax, ymax) of each geometry, one row each (NaN for missing ones)."""
        if self._bounds is None:
            self._bounds = shapely.bounds(self.array)
        return self._bounds

    @property
    def area(self) -> np.ndarray:
        """Area of each geometry (NaN for a missing one)."""
        if self._area is None:
            self._area = shapely.area(self.array)
        return self._area


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


def pair_overlaps(left: np.ndarray | Geoms, right: np.ndarray) -> pd.DataFrame:
    """Area of intersection of the intersecting pairs of ``left`` and ``right`` geometries.

    Parameters
    ----------
    left : ndarray of shapely geometries, or Geoms
        The many small geometries (parcels), in a projected CRS (as :class:`Geoms` to share
        their tree and areas with other overlays).
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
    left = left if isinstance(left, Geoms) else Geoms(left)
    if len(left) == 0 or len(right) == 0:
        return empty
    pieces, owner = subdivide(right[~shapely.is_missing(right)])
    owner = np.flatnonzero(~shapely.is_missing(right))[owner]
    if len(pieces) == 0:
        return empty
    pi, li, within = _intersecting(left, pieces)
    if len(li) == 0:
        return empty
    area = np.empty(len(li), dtype=float)
    area[within] = left.area[li[within]]
    todo = ~within
    if todo.any():
        area[todo] = shapely.area(safe_intersection(left.array[li[todo]], pieces[pi[todo]]))
    return pd.DataFrame(
        {"left": li.astype(np.int64), "right": owner[pi].astype(np.int64), "area": area}
    )


def _intersecting(left: Geoms, pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (piece, left) pairs that intersect, and whether the piece contains left properly.

    The same pairs, in the same order, as ``tree.query(pieces, predicate="intersects")``
    (which keeps the order of the bounding-box candidates), with the answer of
    ``contains_properly``. Pairs whose answer follows from the left geometry's bounds (see
    :func:`_grid_test`) skip GEOS: at a million parcels that is most pairs, and two GEOS
    predicates per pair were the overlay's cost.
    """
    pi, li = left.tree.query(pieces)
    if len(li) == 0:
        return pi, li, np.zeros(0, dtype=bool)
    inside, outside = _grid_test(pieces, pi, left.bounds[li])
    hit = inside.copy()
    within = inside.copy()
    rest = np.flatnonzero(~inside & ~outside)
    if len(rest):
        shapely.prepare(pieces)
        hit[rest] = shapely.intersects(pieces[pi[rest]], left.array[li[rest]])
        other = rest[hit[rest]]
        within[other] = shapely.contains_properly(pieces[pi[other]], left.array[li[other]])
    return pi[hit], li[hit], within[hit]


# Grid cells per piece: about one per this many candidate pairs, at most _MAX_CELLS a side.
_PAIRS_PER_CELL = 4
_MAX_CELLS = 256


def _grid_test(
    pieces: np.ndarray, pi: np.ndarray, bounds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs surely properly inside / surely disjoint, decided on a grid of cells per piece.

    Each piece's bounding box is cut into a grid; GEOS classifies every cell once: inside
    the piece's interior (contains_properly) or disjoint from it. A geometry whose bounding
    box is covered by inner cells only lies in the interior; one covered by disjoint cells
    only does not intersect the piece. The grid lines are the very floats the cells were
    built from, so the cover test is exact; pairs on mixed cells are left undecided.

    Parameters
    ----------
    pieces : ndarray of Polygons
    pi : ndarray of int
        Piece of each pair.
    bounds : ndarray of shape (n_pairs, 4)
        Bounds (xmin, ymin, xmax, ymax) of the other geometry of each pair.

    Returns
    -------
    inside, outside : bool ndarrays, one value per pair
    """
    inside = np.zeros(len(pi), dtype=bool)
    outside = np.zeros(len(pi), dtype=bool)
    counts = np.bincount(pi, minlength=len(pieces))
    order = np.argsort(pi, kind="stable")
    starts = np.r_[0, np.cumsum(counts)]
    for j in np.flatnonzero(counts >= _PAIRS_PER_CELL):
        piece = pieces[j]
        x0, y0, x1, y1 = shapely.bounds(piece)
        if not (x0 < x1 and y0 < y1):
            continue
        side = int(min(_MAX_CELLS, max(2, np.sqrt(counts[j] / _PAIRS_PER_CELL))))
        xs = np.linspace(x0, x1, side + 1)
        ys = np.linspace(y0, y1, side + 1)
        if not ((np.diff(xs) > 0).all() and (np.diff(ys) > 0).all()):
            continue  # a piece too thin for distinct grid lines: leave it to GEOS
        gx, gy = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
        cells = shapely.box(xs[gx], ys[gy], xs[gx + 1], ys[gy + 1]).ravel()
        shapely.prepare(piece)
        inner = shapely.contains_properly(piece, cells).reshape(side, side)
        outer = ~shapely.intersects(piece, cells).reshape(side, side)
        sel = order[starts[j] : starts[j + 1]]
        b = bounds[sel]
        # Cells i0..i1 (j0..j1) cover the box: xs[i0] <= xmin and xs[i1 + 1] >= xmax.
        i0 = np.searchsorted(xs, b[:, 0], side="right") - 1
        i1 = np.searchsorted(xs, b[:, 2], side="left") - 1
        j0 = np.searchsorted(ys, b[:, 1], side="right") - 1
        j1 = np.searchsorted(ys, b[:, 3], side="left") - 1
        ok = (i0 >= 0) & (j0 >= 0) & (i1 < side) & (j1 < side) & (i0 <= i1) & (j0 <= j1)
        ok &= ~np.isnan(b).any(axis=1)
        i0, i1, j0, j1 = (np.where(ok, v, 0) for v in (i0, i1, j0, j1))
        n_cells = (i1 - i0 + 1) * (j1 - j0 + 1)
        inside[sel] = ok & (_box_sum(inner, i0, i1, j0, j1) == n_cells)
        outside[sel] = ok & (_box_sum(outer, i0, i1, j0, j1) == n_cells)
    return inside, outside


def _box_sum(mask: np.ndarray, i0, i1, j0, j1) -> np.ndarray:
    """Number of True cells of ``mask`` in the index boxes [i0, i1] × [j0, j1]."""
    table = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), dtype=np.int64)
    table[1:, 1:] = mask.cumsum(axis=0).cumsum(axis=1)
    return table[i1 + 1, j1 + 1] - table[i0, j1 + 1] - table[i1 + 1, j0] + table[i0, j0]


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


def covered_area(geoms: np.ndarray | Geoms, parts: np.ndarray) -> np.ndarray:
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
        inside[targets] = _union_groups(bits, starts)
        outside[targets] = safe_difference(geoms[targets], inside[targets])
    inside[missing] = None
    return inside, outside


def _union_groups(geoms: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``union_all`` of each run of ``geoms`` (runs begin at ``starts``), in one call.

    The runs are laid out as the rows of a table padded with None, which ``union_all``
    skips: each row is the same collection, and so the same union, as its run alone.
    """
    counts = np.diff(np.r_[starts, len(geoms)])
    table = np.full((len(starts), int(counts.max())), None, dtype=object)
    table[
        np.repeat(np.arange(len(starts)), counts), np.arange(len(geoms)) - np.repeat(starts, counts)
    ] = geoms
    return shapely.union_all(table, axis=1)

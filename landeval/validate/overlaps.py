"""Overlapping features of a polygon layer: parcels (warning) and platforms (info).

:func:`check_overlaps` finds every pair of features overlapping by more than a square metre
and a share of the smaller one. On a real cadastre nearly every candidate pair is two
neighbours sharing an edge, whose exact intersection (a GEOS overlay, ~50 µs a pair) is
nothing or a sliver of float noise; a million parcels have millions of such pairs. Cheap
necessary conditions rule them out first, from the cheapest:

1. bounding boxes (STRtree) and the boxes' overlap area;
2. the separating-strip bound, in numpy (:func:`_strip_bounds`, ~1 µs a pair);
3. the DE-9IM test that the interiors meet (~8 µs a pair);
4. the half-plane bound over the convex hulls (:func:`_overlap_upper_bounds`).

Each bound is an upper bound of the overlap area, so no reportable pair is ever dropped; the
exact GEOS intersection alone decides for the pairs left.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.findings import findings_frame
from landeval.validate._chunks import pairwise
from landeval.validate._rows import finding_rows, row_ids

OVERLAP_MIN_M2 = 1.0
"""An overlap is reported when larger than this many square metres …"""
OVERLAP_MIN_SHARE = 0.01
"""… and than this share of the smaller feature."""


def check_overlaps(
    gdf: gpd.GeoDataFrame,
    *,
    layer: str = "parcels",
    severity: str = "warning",
    min_m2: float = OVERLAP_MIN_M2,
    min_share: float = OVERLAP_MIN_SHARE,
) -> pd.DataFrame:
    """Pairs of features overlapping by more than ``min_m2`` and ``min_share`` of the smaller.

    Uses an STRtree, a bounding-box bound, a separating-strip bound of the overlap area in
    numpy (:func:`_strip_bounds`), a DE-9IM test (interiors meet) and a half-plane bound,
    so neighbours that only touch, or overlap by a sliver of float noise, are never
    intersected; each is a necessary condition of a reportable overlap, and the exact GEOS
    intersection decides the rest. One PARCEL_OVERLAP finding (``severity``, warning by
    default) per pair; other layers get GEOMETRY_OVERLAP (platforms: info, they may nest).
    """
    geoms = gdf.geometry.to_numpy()
    if len(geoms) < 2:
        return findings_frame()
    # Candidate pairs by bounding box (fast), then a necessary condition on the boxes'
    # overlap: neighbours that share an edge have a box overlap of a sliver and are never
    # intersected exactly. Only the remaining pairs get a polygon intersection.
    left, right = shapely.STRtree(geoms).query(geoms)
    keep = left < right
    a, b = left[keep], right[keep]
    bounds = shapely.bounds(geoms)
    areas = shapely.area(geoms)
    ix = np.minimum(bounds[a, 2], bounds[b, 2]) - np.maximum(bounds[a, 0], bounds[b, 0])
    iy = np.minimum(bounds[a, 3], bounds[b, 3]) - np.maximum(bounds[a, 1], bounds[b, 1])
    box_overlap = np.clip(ix, 0, None) * np.clip(iy, 0, None)
    smaller = np.minimum(areas[a], areas[b])
    maybe = (box_overlap > min_m2) & (box_overlap > min_share * smaller)
    a, b, smaller = a[maybe], b[maybe], smaller[maybe]
    # Nearly all remaining pairs are neighbours that share an edge, and their exact
    # intersection (an overlay, ~50 µs a pair) is nothing or a sliver of float noise. A
    # numpy upper bound of the overlap (~1 µs a pair) rules out nearly all of them; half
    # the threshold leaves room for rounding.
    limit = 0.5 * np.maximum(min_m2, min_share * smaller)
    need = _strip_bounds(geoms, a, b, limit) >= limit
    a, b, smaller = a[need], b[need], smaller[need]
    # Two more necessary conditions for the few left: the interiors meet (DE-9IM, ~8 µs),
    # and the half-plane upper bound of the overlap area reaches half the threshold.
    # Only the pairs left get the exact intersection, which alone decides, as before.
    meet = pairwise(lambda x, y: shapely.relate_pattern(x, y, "T********"), geoms, a, b)
    a, b, smaller = a[meet], b[meet], smaller[meet]
    bound = _overlap_upper_bounds(geoms, a, b)
    need = bound >= 0.5 * np.maximum(min_m2, min_share * smaller)
    a, b, smaller = a[need], b[need], smaller[need]
    if not len(a):
        return findings_frame()
    inter = pairwise(lambda x, y: shapely.area(shapely.intersection(x, y)), geoms, a, b)
    bad = (inter > min_m2) & (inter > min_share * smaller)
    ids = row_ids(gdf, layer).to_numpy()
    msgs = [
        f"与 {ids[j]} 重叠 {m:,.1f} m² (占较小者 {m / s:.1%})"
        for j, m, s in zip(b[bad], inter[bad], smaller[bad], strict=True)
    ]
    return finding_rows(
        severity,
        "PARCEL_OVERLAP" if layer == "parcels" else "GEOMETRY_OVERLAP",
        layer,
        ids[a[bad]],
        "geometry",
        msgs,
        "请核对两宗地的边界, 重叠面积会被重复计算"
        if layer == "parcels"
        else "嵌套或重叠的范围会使归属按面积占比决定",
    )


_STRIP_MAX_VERTICES = 8
_STRIP_CHUNK = 4_096  # polygons or pairs per numpy block: (k, k, chunk) stays in cache


def _strip_bounds(geoms: np.ndarray, a: np.ndarray, b: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """A cheap upper bound of ``area(geoms[a] ∩ geoms[b])`` per pair (inf where none).

    Separating-axis reasoning with a tolerance: for a unit normal ``n`` of an edge of A,
    A (or a piece of A) lies in ``n·x <= hi`` and B in ``n·x >= lo`` (projections of the
    vertices), so their intersection lies in a strip of width ``hi - lo``, and inside the
    intersection of their bounding boxes, whose circumscribed disc (diameter: the boxes'
    diagonal) meets the strip in at most ``width × diagonal``. Neighbours sharing an edge
    get a width of float noise. A shared boundary with a kink is reflex for one of the
    two polygons, which no single line separates from the other; so a polygon is also
    covered by the two pieces on either side of the line through a reflex vertex along
    the edge ending there (one such cover per reflex vertex, for up to two), and the
    bounds of a cover's pieces are summed; the best cover counts. Every bound holds for
    any valid polygon, convex or not (holes are ignored: the exterior covers them);
    geometries that are not single polygons of 3 to :data:`_STRIP_MAX_VERTICES` vertices
    with an area get inf.

    The bound is computed with A's pieces against B and, where that is not below the
    pair's ``limit``, also with B's pieces against A (the smaller one is kept).
    """
    bound = np.full(len(a), np.inf)
    if not len(a):
        return bound
    used = np.zeros(len(geoms), dtype=bool)
    used[a] = used[b] = True
    position = np.cumsum(used) - 1  # index among the used geometries, without a sort
    packed, box, usable, tol = _strip_covers(geoms[used])
    ia, ib = position[a], position[b]
    extent_x = np.minimum(box[ia, 1], box[ib, 1]) - np.maximum(box[ia, 0], box[ib, 0])
    extent_y = np.minimum(box[ia, 3], box[ib, 3]) - np.maximum(box[ia, 2], box[ib, 2])
    diag = np.hypot(np.clip(extent_x, 0.0, None), np.clip(extent_y, 0.0, None))
    rows = np.flatnonzero(usable[ia] & usable[ib])
    k = packed.shape[1] // 8
    bound[rows] = _strip_widths(packed, k, tol, ia[rows], ib[rows]) * diag[rows]
    retry = rows[bound[rows] >= limit[rows]]
    other = _strip_widths(packed, k, tol, ib[retry], ia[retry]) * diag[retry]
    bound[retry] = np.minimum(bound[retry], other)
    bound[np.isnan(bound)] = np.inf  # NaN coordinates: no bound
    return bound


def _strip_covers(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Per polygon: exterior vertices, outward unit edge normals and the pieces' extents.

    Returns ``(packed, box, usable, tol)``. ``packed`` ``(n, 8k)`` holds per polygon, for
    its k vertex slots, ``x``, ``y`` (the vertices relative to a common origin, padded by
    repeating the last), ``nx``, ``ny`` (the unit outward normal of the edge from the
    vertex to the next; zero for a zero-length edge) and ``hi`` (slot × 4: per normal,
    the largest projection of each cover's two pieces, :func:`_piece_extents`; +inf on a
    zero-length edge's normal). ``box`` ``(n, 4)``: xmin, xmax, ymin, ymax in the same
    frame. ``tol``: an allowance for rounding in the projections. Computed in blocks of
    :data:`_STRIP_CHUNK` polygons, slot first, so that numpy's loops run along polygons
    in cache.
    """
    n = len(geoms)
    usable = shapely.get_type_id(geoms) == 3  # Polygon
    rings = np.where(usable, geoms, None)
    holes = usable & (shapely.get_num_interior_rings(rings) > 0)
    if holes.any():  # the exterior ring covers the polygon
        rings[holes] = shapely.get_exterior_ring(rings[holes])
    coords, which = shapely.get_coordinates(rings, return_index=True)
    sizes = np.bincount(which, minlength=n)
    counts = sizes - 1  # the closing vertex repeats the first
    usable &= (counts >= 3) & (counts <= _STRIP_MAX_VERTICES)
    k = max(int(counts[usable].max(initial=3)), 3)
    counts = np.where(usable, counts, 1)
    if not len(coords):
        coords = np.zeros((1, 2))
    finite = coords[np.isfinite(coords).all(axis=1)]
    origin = finite.mean(axis=0) if len(finite) else np.zeros(2)
    cx, cy = coords[:, 0] - origin[0], coords[:, 1] - origin[1]
    magnitude = max(float(np.abs(finite - origin).max(initial=0.0)), 1.0)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    packed = np.empty((n, 8 * k))
    box = np.empty((n, 4))
    slot = np.arange(k)[:, None]
    last = len(coords) - 1
    for start in range(0, n, _STRIP_CHUNK):
        sl = slice(start, start + _STRIP_CHUNK)
        cnt, use = counts[sl], usable[sl]
        here_at = np.minimum(starts[sl] + np.minimum(slot, cnt - 1), last)  # (slot, polygon)
        x, y = np.where(use, cx[here_at], 0.0), np.where(use, cy[here_at], 0.0)
        # The last real vertex and the padding after it (copies of it) lead back to the
        # first: their edge is the closing one, so the previous slot's edge is a roll.
        inner = slot + 1 < cnt
        ex, ey = _next_slot(x, inner) - x, _next_slot(y, inner) - y
        real = slot < cnt
        orient = np.sign(np.where(real, x * ey - y * ex, 0.0).sum(axis=0))  # shoelace
        use &= orient != 0  # +1 counter-clockwise, -1 clockwise, 0 no area
        length = np.hypot(ex, ey)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(length > 0, orient / length, 0.0)
        nx, ny = ey * scale, -ex * scale  # outward
        pex, pey = np.roll(ex, 1, axis=0), np.roll(ey, 1, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            turn = orient * (pex * ey - pey * ex) / (np.roll(length, 1, axis=0) * length)
        turn = np.where(real & np.isfinite(turn), turn, np.inf)
        # Reflex: turning the wrong way by more than float noise (sine of the angle); the
        # two most reflex vertices are cut; a convex polygon needs no cut.
        cuts = np.argsort(turn, axis=0, kind="stable")[:2]
        n_cuts = np.minimum((turn < -1e-9).sum(axis=0), 2)
        ring = {"x": x, "y": y, "nx": nx, "ny": ny, "ex": ex, "ey": ey, "inner": inner}
        hi = _piece_extents(ring, pex, pey, cuts, n_cuts)
        hi[np.broadcast_to((length == 0)[:, None, :], hi.shape)] = np.inf  # never the best
        for i, part in enumerate((x, y, nx, ny)):
            packed[sl, i * k : (i + 1) * k] = part.T
        packed[sl, 4 * k :] = hi.reshape(4 * k, -1).T
        box[sl] = np.stack([x.min(axis=0), x.max(axis=0), y.min(axis=0), y.max(axis=0)], 1)
    return packed, box, usable, 64 * np.finfo(float).eps * magnitude


def _next_slot(values: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The value at each slot's next vertex (slots first).

    The next slot, or the first one where the slot's edge is the closing one (``inner``
    False: the last vertex and its padding).
    """
    shifted = np.concatenate([values[1:], values[-1:]])
    return np.where(inner, shifted, values[:1])


def _piece_extents(ring: dict[str, np.ndarray], pex, pey, cuts, n_cuts) -> np.ndarray:
    """``(k, 4, m)``: per own normal, the largest projection of each cover's two pieces.

    ``ring``: the ``(k, m)`` arrays ``x``, ``y``, ``nx``, ``ny``, ``ex``, ``ey`` (the
    edge to the next vertex) and ``inner`` (the slot's edge is not the closing one, see
    :func:`_next_slot`).

    A cover at vertex ``cuts[c]``: the line through it along the edge ending there (its
    direction ``pex``, ``pey``), and the closures of the polygon's parts strictly on
    either side of it. Such a part is bounded by the polygon's edges on that side and by
    the line, so it lies in the hull of its vertices on that side, the edges' crossings
    of the line, and the vertices on the line next to a vertex on that side. A polygon
    with fewer than 2 reflex vertices (``n_cuts``) needs fewer cuts: its first cover is
    the whole polygon and an empty piece (-inf), the second repeats the first.
    """
    x, y, nx, ny = ring["x"], ring["y"], ring["nx"], ring["ny"]
    k, m = x.shape
    proj = x[:, None, :] * nx[None, :, :]  # (vertex, normal, polygon)
    proj += y[:, None, :] * ny[None, :, :]
    hi = np.empty((k, 4, m))
    whole = proj.max(axis=0)
    hi[:, 0] = whole
    hi[:, 1] = -np.inf
    for c in range(2):
        if c:
            hi[:, 2:] = hi[:, :2]
        sub = np.flatnonzero(n_cuts > c)
        if not len(sub):
            continue
        r = cuts[c, sub]
        part = {key: value[:, sub] for key, value in ring.items()}
        line = (x[r, sub], y[r, sub], pex[r, sub], pey[r, sub])
        pieces = _cut_pieces(part, proj[:, :, sub], line)
        hi[:, 2 * c : 2 * c + 2, sub] = np.where(np.isnan(pieces), whole[:, None, sub], pieces)
    return hi


def _cut_pieces(ring: dict[str, np.ndarray], proj: np.ndarray, line) -> np.ndarray:
    """``(k, 2, m)``: the largest projections of the two pieces of a cut (_piece_extents).

    ``line``: a point on it and its direction, ``(px, py, dx, dy)``, one per polygon. A
    polygon whose edges cross the line more than twice gets NaN (the caller uses the
    whole polygon's extents for both pieces: valid, only less tight).
    """
    x, y, inner = ring["x"], ring["y"], ring["inner"]
    px, py, dx, dy = line
    k, m = x.shape
    side = dx * (y - py) - dy * (x - px)  # (vertex, polygon): > 0 left of the line
    side_next, side_prev = _next_slot(side, inner), np.roll(side, 1, axis=0)
    crosses = ((side > 0) & (side_next < 0)) | ((side < 0) & (side_next > 0))
    # Slots after the last vertex repeat its (closing) edge: count each edge once.
    crosses[1:] &= inner[:-1]
    # Nearly always one or two crossings: project the first and the last.
    cols = np.arange(m)
    cross_max = np.full((k, m), -np.inf)
    any_cross = crosses.any(axis=0)
    for edge in (crosses.argmax(axis=0), k - 1 - crosses[::-1].argmax(axis=0)):
        s0, s1 = side[edge, cols], side_next[edge, cols]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = s0 / (s0 - s1)
        qx = x[edge, cols] + t * ring["ex"][edge, cols]
        qy = y[edge, cols] + t * ring["ey"][edge, cols]
        at_cross = np.where(any_cross, qx * ring["nx"] + qy * ring["ny"], -np.inf)
        np.maximum(cross_max, at_cross, out=cross_max)
    out = np.empty((k, 2, m))
    for p, sign in enumerate((1.0, -1.0)):
        on_line = (side == 0) & ((sign * side_prev > 0) | (sign * side_next > 0))
        keep = (sign * side > 0) | on_line
        piece = np.where(keep[:, None, :], proj, -np.inf).max(axis=0)
        out[:, p] = np.maximum(piece, cross_max)
    out[:, :, crosses.sum(axis=0) > 2] = np.nan
    return out


def _strip_widths(packed: np.ndarray, k: int, tol, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Per pair, the summed strip widths of A's best cover against B (see _strip_bounds).

    ``packed`` ``(n, 8k)``: per polygon its ``x``, ``y``, ``nx``, ``ny`` and ``hi`` rows of
    :func:`_strip_covers`.
    """
    out = np.empty(len(ia))
    for start in range(0, len(ia), _STRIP_CHUNK):
        sa, sb = ia[start : start + _STRIP_CHUNK], ib[start : start + _STRIP_CHUNK]
        one = np.ascontiguousarray(packed[sa, 2 * k :].T)  # A's normals and extents
        two = np.ascontiguousarray(packed[sb, : 2 * k].T)  # B's vertices
        # B's smallest projection on each of A's normals.
        proj = two[:k, None, :] * one[None, :k, :]  # (B's vertex, A's normal, pair)
        proj += two[k:, None, :] * one[None, k : 2 * k, :]
        lo = proj.min(axis=0)
        hi = one[2 * k :].reshape(k, 4, -1)
        depth = (hi - lo[:, None, :]).min(axis=0) + tol  # (cover × piece, pair)
        np.clip(depth, 0.0, None, out=depth)
        out[start : start + _STRIP_CHUNK] = np.minimum(depth[0] + depth[1], depth[2] + depth[3])
    return out


_BOUND_MAX_VERTICES = 32


def _overlap_upper_bounds(geoms: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An upper bound of ``area(geoms[a] ∩ geoms[b])`` per pair (inf where none is cheap).

    B lies in the half-plane left of each edge of its convex hull (counter-clockwise), so
    ``area(A ∩ B) <= area(shell(A) ∩ H)`` for each such half-plane H (shell: the exterior
    ring); likewise with A and B swapped; the bound is the smallest of these. For
    neighbours that share an edge, the half-plane of that edge leaves a sliver of float
    noise. Polygons with more than :data:`_BOUND_MAX_VERTICES` vertices, multi-part or
    degenerate ones get inf (their pairs are intersected exactly).
    """
    bound = np.full(len(a), np.inf)
    if not len(a):
        return bound
    used = np.unique(np.concatenate([a, b]))
    shells, n_shell = _padded_rings(geoms[used], hull=False)
    hulls, n_hull = _padded_rings(geoms[used], hull=True)
    ia, ib = np.searchsorted(used, a), np.searchsorted(used, b)
    ok = (n_shell[ia] > 0) & (n_shell[ib] > 0) & (n_hull[ia] > 0) & (n_hull[ib] > 0)
    rows = np.flatnonzero(ok)
    step = max(1_000, 250_000 // (shells.shape[1] * hulls.shape[1]))  # ~2 MB arrays
    for start in range(0, len(rows), step):
        r = rows[start : start + step]
        one = _halfplane_areas(shells[ia[r]], n_shell[ia[r]], hulls[ib[r]], n_hull[ib[r]])
        two = _halfplane_areas(shells[ib[r]], n_shell[ib[r]], hulls[ia[r]], n_hull[ia[r]])
        bound[r] = np.minimum(one, two)
    return bound


def _padded_rings(geoms: np.ndarray, *, hull: bool) -> tuple[np.ndarray, np.ndarray]:
    """Exterior rings (or convex hulls, counter-clockwise) as ``(n, k, 2)`` plus counts.

    The closing vertex is left out; the count is 0 for what cannot be used (not a single
    polygon, too many vertices).
    """
    shapes = shapely.convex_hull(geoms) if hull else geoms
    usable = shapely.get_type_id(shapes) == 3  # Polygon
    rings = np.where(usable, shapes, None)
    # A polygon's coordinates are its exterior ring's when it has no holes (nearly all,
    # hulls always): the ring is extracted only from the others.
    holes = usable & (shapely.get_num_interior_rings(rings) > 0)
    if holes.any():
        rings[holes] = shapely.get_exterior_ring(rings[holes])
    coords, which = shapely.get_coordinates(rings, return_index=True)
    sizes = np.bincount(which, minlength=len(geoms))
    counts = sizes - 1
    counts[~usable | (counts < 3) | (counts > _BOUND_MAX_VERTICES)] = 0
    width = max(int(counts.max()), 1)
    out = np.zeros((len(geoms), width, 2))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = np.arange(len(coords)) - starts[which]
    keep = pos < counts[which]
    out[which[keep], pos[keep]] = coords[keep]
    if hull:
        # Orient counter-clockwise (interior on the left of every edge).
        nxt = np.take_along_axis(out, _next_index(counts, width)[:, :, None], axis=1)
        valid = np.arange(width)[None, :] < counts[:, None]
        twice_area = np.where(
            valid, out[:, :, 0] * nxt[:, :, 1] - nxt[:, :, 0] * out[:, :, 1], 0.0
        ).sum(axis=1)
        flip = twice_area < 0
        if flip.any():
            idx = np.arange(width)[None, :]
            rev = np.where(idx < counts[flip, None], counts[flip, None] - 1 - idx, idx)
            out[flip] = np.take_along_axis(out[flip], rev[:, :, None], axis=1)
    return out, counts


def _next_index(counts: np.ndarray, width: int) -> np.ndarray:
    """Index of the next vertex of each padded ring (the last one wraps to 0)."""
    idx = np.arange(width)[None, :]
    return np.where(idx + 1 < counts[:, None], idx + 1, 0)


def _halfplane_areas(
    shell: np.ndarray, n_shell: np.ndarray, hull: np.ndarray, n_hull: np.ndarray
) -> np.ndarray:
    """Per pair, the smallest area of the shell clipped to a half-plane of the hull's edges.

    With the origin on the half-plane's line, the boundary pieces along the line add
    nothing to the shoelace sum, so the area is half the sum, over the shell's edges
    clipped to the half-plane, of ``cross(start, end)``: no clipped polygon is built.
    """
    width = shell.shape[1]
    nxt = np.take_along_axis(shell, _next_index(n_shell, width)[:, :, None], axis=1)
    edge_ok = np.arange(width)[None, :] < n_shell[:, None]  # (P, K)
    p = hull  # (P, H, 2): line through p along u
    u = np.take_along_axis(hull, _next_index(n_hull, hull.shape[1])[:, :, None], axis=1) - p
    # Shell vertices relative to p: (P, H, K)
    sx = shell[:, None, :, 0] - p[:, :, None, 0]
    sy = shell[:, None, :, 1] - p[:, :, None, 1]
    ex = nxt[:, None, :, 0] - p[:, :, None, 0]
    ey = nxt[:, None, :, 1] - p[:, :, None, 1]
    ux, uy = u[:, :, None, 0], u[:, :, None, 1]
    d0 = ux * sy - uy * sx
    d1 = ux * ey - uy * ex
    in0, in1 = d0 >= 0, d1 >= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(in0 != in1, d0 / (d0 - d1), 0.0)
    # Move the outside end of a crossing edge onto the line.
    cx, cy = sx + t * (ex - sx), sy + t * (ey - sy)
    x0, y0 = np.where(in0, sx, cx), np.where(in0, sy, cy)
    x1, y1 = np.where(in1, ex, cx), np.where(in1, ey, cy)
    cross = np.where((in0 | in1) & edge_ok[:, None, :], x0 * y1 - x1 * y0, 0.0)
    areas = np.abs(cross.sum(axis=2)) / 2.0  # (P, H)
    areas[np.arange(hull.shape[1])[None, :] >= n_hull[:, None]] = np.inf
    return areas.min(axis=1)

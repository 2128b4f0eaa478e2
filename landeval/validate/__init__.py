"""Data-quality checks over the loaded, canonical inputs (DESIGN §8), as pure functions.

Every check takes frames and returns a findings frame (:mod:`landeval.findings`); none
mutates its input. :func:`repair_geometries` is the one that also returns a new layer (the
repaired geometries), and it records each repair.

Severity policy — a bureau can run on imperfect data but not on nonsense:

error (stops the run: the result would be wrong, not just incomplete)
    a required file or column missing, no CRS; empty or zero-area parcels; duplicate
    parcel_id, duplicate uscc in the firm register, duplicate platform_id / change_id,
    duplicate firm-year rows (double counting); a missing key (parcel_id, uscc); values
    outside the allowed set (tier, scale, relation, kind); occupancy rows pointing to an
    unknown parcel (the firm's land would silently shrink and its per-mu figures inflate);
    leases beyond a parcel's area in a year (DESIGN §5); impossible values (negative area,
    revenue, energy, emissions, employees or electricity; a year outside 1949–2100;
    from_year after to_year); a non-polygon geometry in a polygon layer; a code that went
    through a float and lost digits.
warning (reported, the run goes on with the repair or the gap recorded)
    bad USCC format or check character (the firm is still evaluated); geometry repaired with
    make_valid; parcel overlaps above 1 m² and 1 % of the smaller; registered area differing
    from computed area by more than 5 %; occupancy rows pointing to a firm missing from the
    register (its land is not evaluated); tax without output (or the reverse) for a firm
    that is not below-scale; years missing inside a firm's span; negative tax or value added
    (refunds, losses: possible but worth a look); county codes unknown to the city; values
    that could not be read (left missing); a CRS mix-up corrected; unit evidence.
info (a note)
    encodings detected, totals rows dropped, units converted, legacy county codes, 宗地代码
    that do not follow GB/T 37346, below-scale firms without output data, firms with no
    data at all, unused columns, overlapping platforms (2+6+N platforms may nest), a firm
    on the negative list twice in one year (two reasons).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from landeval.config import Config
from landeval.findings import FINDING_COLUMNS, concat_findings, findings_frame
from landeval.inputs.identifiers import USCC_ALPHABET, uscc_problem
from landeval.inputs.model import ALLOWED_VALUES, REQUIRED_LAYERS
from landeval.inputs.tables import SOURCE_ROW

MIN_YEAR, MAX_YEAR = 1949, 2100
"""Bounds of a plausible year in any table."""

OVERLAP_MIN_M2 = 1.0
OVERLAP_MIN_SHARE = 0.01
REGISTERED_AREA_TOLERANCE = 0.05
FAR_AWAY_MIN_M = 1_000_000.0
"""A parcel this far (or more) from the median parcel may be misplaced …"""
FAR_AWAY_FACTOR = 20.0
"""… when it is also this many times further than the median distance (a city's spread)."""
_GAP_YEARS_SHOWN = 10

_KEYS: dict[str, str | None] = {
    "parcels": "parcel_id",
    "platforms": "platform_id",
    "control_line": "line_id",
    "land_changes": "change_id",
    "firms": "uscc",
    "firm_tax": "uscc",
    "firm_output": "uscc",
    "occupancy": "uscc",
    "veto": "uscc",
}

# Columns where a negative value is impossible (error) or only suspicious (warning).
_NEVER_NEGATIVE: dict[str, tuple[str, ...]] = {
    "parcels": ("registered_area_m2", "floor_area_m2"),
    "firm_tax": ("electricity_kwh",),
    "firm_output": ("revenue", "rd_expense", "energy_tce", "emissions_eq", "employees"),
    "occupancy": ("area_m2",),
}
_NEGATIVE_SUSPICIOUS: dict[str, tuple[str, ...]] = {
    "firm_tax": ("tax",),
    "firm_output": ("value_added",),
}
_YEAR_COLUMNS: dict[str, tuple[str, ...]] = {
    "parcels": ("built_year",),
    "firms": ("start_year",),
    "firm_tax": ("year",),
    "firm_output": ("year",),
    "occupancy": ("from_year", "to_year"),
    "veto": ("year",),
}


# --- helpers ------------------------------------------------------------------------------


def _rows(  # noqa: PLR0917 - one positional per findings column, in column order
    severity: str,
    code: str,
    layer: str,
    row_ids: Iterable[object],
    field: str | None,
    messages: Iterable[str] | str,
    suggestion: str = "",
) -> pd.DataFrame:
    """A findings frame with one row per row id (vectorised, no Finding objects)."""
    ids = [None if i is None else str(i) for i in row_ids]
    if not ids:
        return findings_frame()
    msgs = [messages] * len(ids) if isinstance(messages, str) else list(messages)
    frame = pd.DataFrame(
        {
            "severity": severity,
            "code": code,
            "layer": layer,
            "row_id": ids,
            "field": field,
            "message": msgs,
            "suggestion": suggestion,
        },
        columns=FINDING_COLUMNS,
    )
    return frame.astype("object")


def row_ids(frame: pd.DataFrame, layer: str) -> pd.Series:
    """A readable key per row.

    The layer's key (firm-year tables: ``uscc/year``), else the file row (``row 12``).
    """
    return _row_ids(frame, layer, None)


def _row_ids(frame: pd.DataFrame, layer: str, positions: np.ndarray | None) -> pd.Series:
    """:func:`row_ids` of the rows at ``positions`` (all rows if None).

    Only the rows asked for are turned into text: a check that flags a few rows of a
    million does not format a million ids.
    """
    key = _KEYS.get(layer)
    sub = frame if positions is None else frame.iloc[positions]
    numbers = range(len(frame)) if positions is None else positions
    fallback = (
        "row " + sub[SOURCE_ROW].astype("str")
        if SOURCE_ROW in frame.columns
        else pd.Series([f"row {i + 1}" for i in numbers], index=sub.index)
    )
    if key is None or key not in frame.columns:
        return fallback
    ids = sub[key].astype("str")
    if layer in {"firm_tax", "firm_output", "veto"} and "year" in frame.columns:
        ids = ids + "/" + sub["year"].astype("str")
    return ids.where(sub[key].notna(), fallback)


def _isin(series: pd.Series, values: Iterable[object]) -> pd.Series:
    """``series.isin(values)`` for text keys through Arrow's hash lookup.

    pandas' Arrow-string ``isin`` builds a Python scalar per value, which takes seconds for a
    million keys; this takes both sides to Arrow once. Missing values never match.
    """
    if isinstance(values, pd.Series):
        vals = values
    elif isinstance(values, pd.Index):  # no Python object per key
        vals = pd.Series(values)
    else:
        vals = pd.Series(list(values), dtype="str")
    right = pa.array(vals.dropna().astype("str"))
    if len(right) == 0 or len(series) == 0:
        return pd.Series(False, index=series.index)
    left = pa.array(series.astype("str"))
    found = pc.is_in(left, value_set=right.cast(left.type), skip_nulls=True).fill_null(False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index)


def _lookup(keys: pd.Series, ids: pd.Series, values: pd.Series) -> np.ndarray:
    """The float value of each text key, through Arrow's hash lookup.

    ``keys.map(pd.Series(values.to_numpy(), index=ids))`` as a float array, for unique
    ``ids``; a key not among them (or missing) gives NaN. pandas maps Arrow strings through
    Python objects, which takes a second for a million keys.
    """
    out = np.full(len(keys), np.nan)
    where = _positions(keys, ids)
    found = where >= 0
    if found.any():
        out[found] = values.to_numpy(dtype=float, na_value=np.nan)[where[found]]
    return out


def _positions(keys: pd.Series, ids: pd.Series) -> np.ndarray:
    """The position in ``ids`` of the first text equal to each key (-1: missing, not found).

    One Arrow hash lookup; missing keys never match, and missing ids are never found.
    """
    out = np.full(len(keys), -1, dtype=np.int64)
    if not len(keys) or not len(ids):
        return out
    left = pa.array(keys.astype("str"))
    right = pa.array(ids.astype("str")).cast(left.type)
    pos = pc.index_in(left, value_set=right, skip_nulls=True)
    return np.asarray(pos.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _where(frame: pd.DataFrame, layer: str, mask: pd.Series) -> list[str]:
    selected = mask.fillna(False).to_numpy(dtype=bool)
    if not selected.any():
        return []
    return _row_ids(frame, layer, np.flatnonzero(selected)).tolist()


# --- geometry -----------------------------------------------------------------------------


def repair_geometries(
    gdf: gpd.GeoDataFrame, *, layer: str
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Repair invalid geometries with ``shapely.make_valid`` and keep polygonal parts only.

    Parameters
    ----------
    gdf : GeoDataFrame
        A polygon layer.
    layer : str
        Canonical layer name.

    Returns
    -------
    (GeoDataFrame, DataFrame)
        A new layer (MultiPolygon/Polygon or empty geometries) and findings:
        GEOMETRY_REPAIRED (warning) per repaired feature, GEOMETRY_NOT_POLYGON (error) per
        feature with no polygonal part, GEOMETRY_EMPTY (error for parcels, else warning).
    """
    geoms = gdf.geometry.to_numpy()
    ids = row_ids(gdf, layer).to_numpy()
    # Heights (Z) and measures (M) mean nothing to areas and break some writers: drop them,
    # and say so.
    has_zm = shapely.has_z(geoms) | _has_m(geoms)
    if has_zm.any():
        geoms = geoms.copy()
        geoms[has_zm] = shapely.force_2d(geoms[has_zm])
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    invalid = ~missing & ~_chunked(shapely.is_valid, geoms)
    reasons = shapely.is_valid_reason(geoms[invalid]) if invalid.any() else np.array([])
    fixed = geoms.copy()
    if invalid.any():
        fixed[invalid] = shapely.make_valid(geoms[invalid])
    polygonal = _polygonal_parts(fixed)
    lost = ~missing & shapely.is_empty(polygonal)
    # Valid features of another type (a GeometryCollection holding a polygon and a line)
    # that keep their polygonal parts: a repair too, so it is recorded.
    type_ids = shapely.get_type_id(geoms)
    trimmed = ~missing & ~invalid & ~lost & ~np.isin(type_ids, (3, 6))
    parts = [
        _rows(
            "info",
            "GEOMETRY_ZM_DROPPED",
            layer,
            ids[has_zm][:1],
            "geometry",
            f"{int(has_zm.sum())} 个要素带有 Z (高程) 或 M (量测) 坐标, 已去除, 只保留平面坐标",
            "无需处理; 面积按平面坐标计算",
        ),
        _rows(
            "warning",
            "GEOMETRY_PARTS_DROPPED",
            layer,
            ids[trimmed],
            "geometry",
            [
                f"几何类型为 {_type_name(t)}, 已只保留其中的面, 去除了点、线部分"
                for t in type_ids[trimmed]
            ],
            "请在 GIS 中检查该要素, 面图层中应只有面",
        ),
        _rows(
            "warning",
            "GEOMETRY_REPAIRED",
            layer,
            ids[invalid],
            "geometry",
            [f"几何无效 ({r}), 已用 make_valid 修复并只保留面" for r in reasons],
            "请在 GIS 中检查并修正该图斑 (自相交、重复点等)",
        ),
        _rows(
            "error",
            "GEOMETRY_NOT_POLYGON",
            layer,
            ids[lost],
            "geometry",
            [f"几何类型为 {_type_name(t)}, 不是面; 无法使用" for t in type_ids[lost]],
            "该图层应为面要素",
        ),
        _rows(
            "error" if layer == "parcels" else "warning",
            "GEOMETRY_EMPTY",
            layer,
            ids[missing],
            "geometry",
            "几何为空",
            "请补充该要素的几何" if layer == "parcels" else "该要素将不参与空间计算",
        ),
    ]
    out = gdf.copy()
    out[out.geometry.name] = gpd.GeoSeries(polygonal, index=gdf.index, crs=gdf.crs)
    return out, concat_findings(*parts)


def _type_name(type_id: int) -> str:
    """Geometry type name of a shapely type id (0 → Point …)."""
    return _TYPE_NAMES.get(int(type_id), str(type_id))


_TYPE_NAMES = {
    0: "Point (点)",
    1: "LineString (线)",
    2: "LinearRing (线)",
    4: "MultiPoint (点)",
    5: "MultiLineString (线)",
    7: "GeometryCollection (几何集合)",
}


def _has_m(geoms: np.ndarray) -> np.ndarray:
    """Which geometries carry M values (shapely ≥ 2.1; older versions read none)."""
    has_m = getattr(shapely, "has_m", None)
    return has_m(geoms) if has_m is not None else np.zeros(len(geoms), dtype=bool)


def _polygonal_parts(geoms: np.ndarray) -> np.ndarray:
    """Each geometry reduced to its (multi)polygon parts; others become empty polygons."""
    out = geoms.copy()
    type_ids = shapely.get_type_id(geoms)
    polygon_types = (3, 6)  # Polygon, MultiPolygon
    for i in np.flatnonzero(~np.isin(type_ids, polygon_types) & (type_ids >= 0)):
        parts = shapely.get_parts(geoms[i])
        polys = [p for p in parts if shapely.get_type_id(p) in polygon_types]
        out[i] = shapely.union_all(polys) if polys else shapely.Polygon()
    return out


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
    meet = _pairwise(lambda x, y: shapely.relate_pattern(x, y, "T********"), geoms, a, b)
    a, b, smaller = a[meet], b[meet], smaller[meet]
    bound = _overlap_upper_bounds(geoms, a, b)
    need = bound >= 0.5 * np.maximum(min_m2, min_share * smaller)
    a, b, smaller = a[need], b[need], smaller[need]
    if not len(a):
        return findings_frame()
    inter = _pairwise(lambda x, y: shapely.area(shapely.intersection(x, y)), geoms, a, b)
    bad = (inter > min_m2) & (inter > min_share * smaller)
    ids = row_ids(gdf, layer).to_numpy()
    msgs = [
        f"与 {ids[j]} 重叠 {m:,.1f} m² (占较小者 {m / s:.1%})"
        for j, m, s in zip(b[bad], inter[bad], smaller[bad], strict=True)
    ]
    return _rows(
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


_PAIR_CHUNK = 50_000
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


def _chunked(func, geoms: np.ndarray) -> np.ndarray:
    """``func(geoms)`` in chunks on threads (shapely releases the GIL), results in order."""
    starts = range(0, len(geoms), _PAIR_CHUNK)
    if len(starts) <= 1:
        return func(geoms)
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return np.concatenate(list(pool.map(lambda i: func(geoms[i : i + _PAIR_CHUNK]), starts)))


def _pairwise(func, geoms: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``func(geoms[a], geoms[b])`` in chunks on threads (shapely releases the GIL)."""
    starts = range(0, len(a), _PAIR_CHUNK)

    def chunk(i: int) -> np.ndarray:
        sl = slice(i, i + _PAIR_CHUNK)
        return func(geoms[a[sl]], geoms[b[sl]])

    if len(starts) <= 1:
        return chunk(0)
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return np.concatenate(list(pool.map(chunk, starts)))


# --- parcels ------------------------------------------------------------------------------


def check_parcels(parcels: gpd.GeoDataFrame, *, config: Config) -> pd.DataFrame:
    """Keys, areas, codes and counties of the parcel layer.

    Needs ``area_m2`` (from :func:`landeval.inputs.read.add_area`) for the area checks; without it
    those are skipped.
    """
    parts = [
        check_keys(parcels, layer="parcels"),
        check_county_codes(parcels, layer="parcels", config=config),
        check_values(parcels, layer="parcels"),
    ]
    if "area_m2" in parcels.columns:
        geom_ok = ~(parcels.geometry.is_empty | parcels.geometry.isna())
        zero = geom_ok & (parcels["area_m2"] < 1.0)
        parts.append(
            _rows(
                "error",
                "PARCEL_ZERO_AREA",
                "parcels",
                _where(parcels, "parcels", zero),
                "geometry",
                "面积为 0 (或小于 1 m²)",
                "请检查该宗地的几何",
            )
        )
        reg = parcels["registered_area_m2"]
        area = parcels["area_m2"]
        diff = (reg - area).abs() / area.where(area > 0)
        off = reg.notna() & (diff > REGISTERED_AREA_TOLERANCE)
        parts.append(
            _rows(
                "warning",
                "AREA_MISMATCH",
                "parcels",
                _where(parcels, "parcels", off),
                "registered_area_m2",
                [
                    f"登记面积 {r:,.1f} m² 与图形面积 {c:,.1f} m² 相差 {d:.1%}"
                    for r, c, d in zip(reg[off], area[off], diff[off], strict=True)
                ],
                "请核对登记面积或图形边界",
            )
        )
    parts.append(check_far_away(parcels))
    codes = parcels["parcel_id"].dropna()
    unique_codes = codes.drop_duplicates()
    not_parsing = unique_codes[~_parcel_codes_parse(unique_codes)]
    parts.append(
        _rows(
            "info",
            "PARCEL_CODE_FORMAT",
            "parcels",
            not_parsing.tolist(),
            "parcel_id",
            "宗地代码不符合 GB/T 37346 (6位行政区+3位地籍区+3位地籍子区+2位类别+5位顺序号)",
            "可继续使用; 如条件允许, 请使用标准宗地代码",
        )
    )
    return concat_findings(*parts)


def check_far_away(parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    """Parcels far from all the others (a mistyped coordinate, a wrong CRS), error.

    A parcel is far away when its centre lies more than :data:`FAR_AWAY_MIN_M` from the
    median centre of the layer and more than :data:`FAR_AWAY_FACTOR` times the median
    distance: 3,000 km off a city is caught, a country-wide layer is left alone. Areas of
    such a parcel would be computed far outside its projection zone, and it would join no
    platform and no county correctly.
    """
    geoms = parcels.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if present.sum() < 3:  # a median needs a few parcels
        return findings_frame()
    bounds = shapely.bounds(geoms[present])
    cx = (bounds[:, 0] + bounds[:, 2]) / 2.0
    cy = (bounds[:, 1] + bounds[:, 3]) / 2.0
    finite = np.isfinite(cx) & np.isfinite(cy)
    if not finite.any():
        return findings_frame()
    mx, my = np.median(cx[finite]), np.median(cy[finite])
    dist = np.where(finite, np.hypot(cx - mx, cy - my), np.inf)
    limit = max(FAR_AWAY_MIN_M, FAR_AWAY_FACTOR * float(np.median(dist[finite])))
    far = dist > limit
    if not far.any():
        return findings_frame()
    ids = row_ids(parcels, "parcels").to_numpy()[present][far]
    return _rows(
        "error",
        "PARCEL_FAR_AWAY",
        "parcels",
        ids,
        "geometry",
        [f"离其余宗地的中心 {d / 1000:,.0f} km, 远超其他宗地的分布范围" for d in dist[far]],
        "请检查该宗地的坐标 (是否输错坐标、用错坐标系或混入了其他地区的数据)",
    )


# GB/T 37346 宗地代码, as identifiers.parse_parcel_code reads it (19 characters, or the first
# 19 of a 28-character 不动产单元代码), for Arrow's vectorised RE2 matcher.
_PARCEL_CODE_RE = r"^\d{12}[GJZ][A-Z]\d{5}(?:.{9})?$"


def _parcel_codes_parse(codes: pd.Series) -> np.ndarray:
    """Vectorised ``parse_parcel_code(c) is not None``."""
    if codes.empty:
        return np.zeros(0, dtype=bool)
    arr = pa.array(codes.astype("str"))
    ok = pc.match_substring_regex(arr, _PARCEL_CODE_RE).fill_null(False)
    return ok.to_numpy(zero_copy_only=False)


# --- generic checks -----------------------------------------------------------------------


def check_keys(
    frame: pd.DataFrame,
    *,
    layer: str,
    key: Sequence[str] | None = None,
    duplicates: str = "error",
) -> pd.DataFrame:
    """Missing and duplicate keys (error).

    Keys: parcel_id, uscc in firms, platform_id, change_id, and (uscc, year) in the
    firm-year tables and the negative list. ``duplicates`` is the severity of a duplicate
    (the negative list uses "info": a firm may be vetoed for two reasons in one year).
    """
    if key is None:
        main = _KEYS.get(layer)
        if main is None or layer == "occupancy":
            return findings_frame()
        key = [main, "year"] if layer in {"firm_tax", "firm_output", "veto"} else [main]
    key = [k for k in key if k in frame.columns]
    if not key:
        return findings_frame()
    missing = frame[key[0]].isna()
    dup = frame.duplicated(subset=key, keep=False) & ~missing
    dup_msgs: list[str] = []
    if dup.any():
        sizes = frame.groupby(key, dropna=False)[key[0]].transform("size")[dup]
        # A missing part of a key (a blank year) reads "空" rather than breaking the join.
        dup_keys = frame.loc[dup, key].astype("str").fillna("空").agg("/".join, axis=1)
        dup_msgs = [f"{k} 出现 {n} 次" for k, n in zip(dup_keys, sizes, strict=True)]
    return concat_findings(
        _rows(
            "error",
            "KEY_MISSING",
            layer,
            _where(frame, layer, missing),
            key[0],
            f"{key[0]} 为空",
            "每行都需要该编码",
        ),
        _rows(
            duplicates,
            "DUPLICATE_KEY",
            layer,
            _where(frame, layer, dup),
            "/".join(key),
            dup_msgs,
            "编码应唯一: 请合并或更正重复的行",
        ),
    )


def check_allowed(frame: pd.DataFrame, *, layer: str) -> pd.DataFrame:
    """Values outside the allowed set (:data:`landeval.inputs.model.ALLOWED_VALUES`), error."""
    parts = []
    for (lay, col), allowed in ALLOWED_VALUES.items():
        if lay != layer or col not in frame.columns:
            continue
        values = frame[col]
        bad = ~values.isin(allowed)
        parts.append(
            _rows(
                "error",
                "VALUE_NOT_ALLOWED",
                layer,
                _where(frame, layer, bad),
                col,
                [f"{col} = {v!r} 不在允许值 {list(allowed)} 中" for v in values[bad]],
                "请更正该值 (中文别名如 规上/规下、自有/租赁、改/补 也可识别)",
            )
        )
    return concat_findings(*parts)


def check_values(frame: pd.DataFrame, *, layer: str) -> pd.DataFrame:
    """Negative and impossible values.

    Negative areas, energy… (error), negative tax or value added (warning), years outside
    1949–2100 (error), built or start years in the future (warning).
    """
    parts = []
    negative_rules = (
        (_NEVER_NEGATIVE, "error", ", 不可能", "请更正该值"),
        (_NEGATIVE_SUSPICIOUS, "warning", "", "如为退税或亏损请忽略, 否则请更正"),
    )
    for columns, severity, remark, suggestion in negative_rules:
        for col in columns.get(layer, ()):
            if col not in frame.columns:
                continue
            neg = frame[col] < 0
            parts.append(
                _rows(
                    severity,
                    "VALUE_NEGATIVE",
                    layer,
                    _where(frame, layer, neg),
                    col,
                    [f"{col} 为负数 ({v:g}){remark}" for v in frame.loc[neg.fillna(False), col]],
                    suggestion,
                )
            )
    this_year = pd.Timestamp.now().year
    for col in _YEAR_COLUMNS.get(layer, ()):
        if col not in frame.columns:
            continue
        years = frame[col].astype("Float64")
        out_of_range = (years < MIN_YEAR) | (years > MAX_YEAR)
        parts.append(
            _rows(
                "error",
                "YEAR_IMPOSSIBLE",
                layer,
                _where(frame, layer, out_of_range),
                col,
                [f"{col} = {v} 不是合理年份" for v in frame.loc[out_of_range.fillna(False), col]],
                "请更正该年份",
            )
        )
        if col in {"built_year", "start_year"}:
            future = (years > this_year) & ~out_of_range
            parts.append(
                _rows(
                    "warning",
                    "YEAR_IN_FUTURE",
                    layer,
                    _where(frame, layer, future),
                    col,
                    [f"{col} = {v} 晚于今年" for v in frame.loc[future.fillna(False), col]],
                    "请核对",
                )
            )
    if layer == "occupancy" and {"from_year", "to_year"} <= set(frame.columns):
        reversed_ = frame["from_year"] > frame["to_year"]
        parts.append(
            _rows(
                "error",
                "YEAR_RANGE_REVERSED",
                layer,
                _where(frame, layer, reversed_),
                "from_year",
                "起始年份晚于终止年份",
                "请更正起止年份",
            )
        )
    return concat_findings(*parts)


def check_county_codes(frame: pd.DataFrame, *, layer: str, config: Config) -> pd.DataFrame:
    """County codes unknown to the city (warning), legacy codes (info), missing (warning)."""
    if "county_code" not in frame.columns:
        return findings_frame()
    codes = frame["county_code"]
    known = set(config.project.counties)
    legacy = config.project.legacy_counties
    is_legacy = codes.isin(list(legacy))
    unknown = codes.notna() & ~codes.isin(list(known)) & ~is_legacy
    city = config.project.city
    return concat_findings(
        _rows(
            "warning",
            "COUNTY_UNKNOWN",
            layer,
            _where(frame, layer, unknown),
            "county_code",
            [f"行政区划代码 {c} 不属于{city}" for c in codes[unknown]],
            f"已知代码: {', '.join(sorted(known))}; 可在 [project.counties] 中补充",
        ),
        _rows(
            "info",
            "COUNTY_LEGACY",
            layer,
            _where(frame, layer, is_legacy),
            "county_code",
            [f"行政区划代码 {c} 为旧代码 ({legacy[c]})" for c in codes[is_legacy]],
            "按旧代码保留; 建议更新为现行代码",
        ),
        _rows(
            "warning",
            "COUNTY_MISSING",
            layer,
            _where(frame, layer, codes.isna()),
            "county_code",
            "行政区划代码为空",
            "请补充 6 位行政区划代码",
        ),
    )


def check_uscc(frame: pd.DataFrame, *, layer: str = "firms") -> pd.DataFrame:
    """统一社会信用代码 format and check character (warning: the firm is still evaluated)."""
    if "uscc" not in frame.columns:
        return findings_frame()
    codes = frame["uscc"].dropna().drop_duplicates()
    suspects = codes[~_uscc_ok(codes)]
    problems = [(c, uscc_problem(c)) for c in suspects]
    bad = [(c, p) for c, p in problems if p is not None]
    return _rows(
        "warning",
        "USCC_INVALID",
        layer,
        [c for c, _ in bad],
        "uscc",
        [f"统一社会信用代码 {c} {p}" for c, p in bad],
        "请核对该企业的统一社会信用代码 (GB 32100-2015); 企业仍参与评价",
    )


_USCC_LOOKUP = np.full(256, -1, dtype=np.int64)
_USCC_LOOKUP[np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(31)
_USCC_W = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])


def _uscc_ok(codes: pd.Series) -> np.ndarray:
    """Vectorised 统一社会信用代码 check.

    True where the code is well formed with a right check character; the others go to
    :func:`landeval.inputs.identifiers.uscc_problem` for the message.
    """
    ok = np.zeros(len(codes), dtype=bool)
    text = codes.astype("str")
    candidate = ((text.str.len() == 18) & text.str.isascii()).fillna(False).to_numpy(dtype=bool)
    if not candidate.any():
        return ok
    raw = "".join(text[candidate].tolist()).encode("ascii")
    values = _USCC_LOOKUP[np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)]
    check = (31 - (values[:, :17] @ _USCC_W) % 31) % 31
    good = (values >= 0).all(axis=1) & (values[:, 17] == check)
    ok[np.flatnonzero(candidate)[good]] = True
    return ok


# --- tables -------------------------------------------------------------------------------


def check_firm_years(
    firm_tax: pd.DataFrame,
    firm_output: pd.DataFrame,
    firms: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tax and output tables against each other and the firm register.

    - a firm-year in tax but not in output, or the reverse: warning (info summary for
      below-scale firms, which statistics offices usually do not cover);
    - years missing inside a firm's span of years: warning;
    - firm-year rows whose firm is not in the register: warning (not evaluated);
    - firms in the register with no tax and no output at all: info.
    """
    keys = _FirmYearKeys(firm_tax, firm_output)
    tax_keys, out_keys = keys.tax, keys.output
    below: pd.Series | list[str] = []
    if firms is not None and "scale" in firms.columns:
        below = firms.loc[firms["scale"] == "below", "uscc"]
    parts = []
    for side, code, msg in (
        ("left_only", "TAX_WITHOUT_OUTPUT", "有税收数据但没有统计产出数据"),
        ("right_only", "OUTPUT_WITHOUT_TAX", "有统计产出数据但没有税收数据"),
    ):
        rows = keys.only_in("tax" if side == "left_only" else "output")
        is_below = _isin(rows["uscc"], below)
        flagged = rows[~is_below]
        parts.append(
            _rows(
                "warning",
                code,
                "firm_tax" if side == "left_only" else "firm_output",
                (flagged["uscc"] + "/" + flagged["year"].astype("str")).tolist(),
                "uscc",
                f"该企业该年度{msg}",
                "请核对两部门数据的企业名单; 缺失的指标按缺失处理",
            )
        )
        if is_below.any() and side == "left_only":
            parts.append(
                _rows(
                    "info",
                    "BELOW_SCALE_NO_OUTPUT",
                    "firm_output",
                    [None],
                    None,
                    f"{int(is_below.sum())} 个规下企业-年度只有税收数据 (规下企业按税收和电耗评价)",
                )
            )
    # Impossible years (20233) are YEAR_IMPOSSIBLE errors; they must not open a gap of
    # eighteen thousand years here.
    code, year = keys.union()
    plausible = (year >= MIN_YEAR) & (year <= MAX_YEAR)
    code, year = code[plausible], year[plausible]
    span = pd.DataFrame({"code": code, "year": year}).groupby("code")["year"]
    span = span.agg(["min", "max", "count"])
    gaps = span[(span["max"] - span["min"] + 1) > span["count"]]
    if len(gaps):
        # In the order of the firms' codes, as a group-by on the text gives.
        gap_uscc = keys.text(gaps.index.to_numpy())
        order = np.argsort(gap_uscc, kind="stable")
        gaps = gaps.iloc[order]
        in_gap = np.isin(code, gaps.index.to_numpy())
        have = pd.Series(year[in_gap]).groupby(code[in_gap]).agg(set)
        msgs = [
            _gap_message([y for y in range(int(lo), int(hi) + 1) if y not in have[c]])
            for c, lo, hi in zip(gaps.index, gaps["min"], gaps["max"], strict=True)
        ]
        parts.append(
            _rows(
                "warning",
                "YEAR_MISSING",
                "firm_tax",
                gap_uscc[order].tolist(),
                "year",
                msgs,
                "请补充缺失年度的数据",
            )
        )
    if firms is not None:
        # Membership through the distinct codes: each uscc text is hashed once, not once
        # per firm-year row.
        firm_codes = keys.position(firms["uscc"])
        # Per code, whether a firm of the register has it (the last slot: position -1).
        registered = np.zeros(keys.n_distinct + 1, dtype=bool)
        registered[firm_codes] = True
        for layer, frame, codes in (
            ("firm_tax", tax_keys, keys.codes("tax")),
            ("firm_output", out_keys, keys.codes("output")),
        ):
            unknown = frame[~registered[codes]]["uscc"].drop_duplicates()
            parts.append(
                _rows(
                    "warning",
                    "UNKNOWN_FIRM",
                    layer,
                    unknown.tolist(),
                    "uscc",
                    "企业不在企业名录中, 不参与评价",
                    "请在企业名录中补充该企业",
                )
            )
        # One more slot, never set, for the position -1 of a uscc in neither table.
        has_data = np.zeros(keys.n_distinct + 1, dtype=bool)
        has_data[code] = True
        with_data = has_data[firm_codes]
        silent = firms.loc[firms["uscc"].notna().to_numpy() & ~with_data, "uscc"]
        parts.append(
            _rows(
                "info",
                "FIRM_NO_DATA",
                "firms",
                silent.tolist(),
                "uscc",
                "企业名录中的企业没有任何税收或产出数据",
                "",
            )
        )
    return concat_findings(*parts)


_YEAR_SPAN_DIRECT = 1_000_000
"""Years spread over at most this many values are keyed by offset (no sort, no overflow)."""


class _FirmYearKeys:
    """The distinct (uscc, year) keys of the tax and output tables, as integer codes.

    pandas hashes Arrow text through Python objects (seconds for millions of rows); here
    the text is encoded once by Arrow, with one code per distinct uscc shared by both
    tables, and every set operation runs on integers.

    Attributes
    ----------
    tax, output : DataFrame
        ``frame[["uscc", "year"]].dropna().drop_duplicates()`` of each table (same rows,
        order and index).
    """

    def __init__(self, firm_tax: pd.DataFrame, firm_output: pd.DataFrame) -> None:
        frames = [f[["uscc", "year"]].dropna() for f in (firm_tax, firm_output)]
        texts = [pa.chunked_array(pa.array(f["uscc"].astype("str"))) for f in frames]
        texts = [t.cast(pa.large_string()).combine_chunks() for t in texts]
        encoded = pc.dictionary_encode(pa.concat_arrays(texts))
        self._dictionary = encoded.dictionary
        codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        years = [f["year"].to_numpy(dtype=np.int64) for f in frames]
        all_years = np.concatenate(years)
        # One integer per (uscc, year): the uscc code times the number of possible years,
        # plus the year's offset from the first (its rank among the distinct years when
        # they are spread too far for that, which needs a sort).
        low = int(all_years.min()) if len(all_years) else 0
        span = int(all_years.max()) - low + 1 if len(all_years) else 1
        if span <= _YEAR_SPAN_DIRECT:
            keys = codes * span + (all_years - low)
        else:
            distinct_years, year_codes = np.unique(all_years, return_inverse=True)
            keys = codes * len(distinct_years) + year_codes.reshape(-1)
        n_tax = len(frames[0])
        kept = []
        for i, (frame, part) in enumerate(
            zip(frames, (slice(0, n_tax), slice(n_tax, None)), strict=True)
        ):
            first = ~pd.Series(keys[part]).duplicated().to_numpy()
            kept.append((frame[first], codes[part][first], years[i][first], keys[part][first]))
        (self.tax, t_code, t_year, self._tax_key), (self.output, o_code, o_year, self._out_key) = (
            kept
        )
        self._codes = (t_code, o_code)
        self._years = (t_year, o_year)

    def only_in(self, side: str) -> pd.DataFrame:
        """The keys of one table missing from the other, sorted by uscc then year.

        ``side`` is ``"tax"`` or ``"output"``; the order is that of an outer merge.
        """
        mine, other, frame = (
            (self._tax_key, self._out_key, self.tax)
            if side == "tax"
            else (self._out_key, self._tax_key, self.output)
        )
        rows = frame[~np.isin(mine, other)]
        return rows.sort_values(["uscc", "year"], kind="stable")

    def union(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (uscc code, year) pairs of both tables."""
        code = np.concatenate(self._codes)
        year = np.concatenate(self._years)
        key = np.concatenate([self._tax_key, self._out_key])
        first = ~pd.Series(key).duplicated().to_numpy()
        return code[first], year[first]

    @property
    def n_distinct(self) -> int:
        """The number of distinct uscc in both tables (codes are 0 … n - 1)."""
        return len(self._dictionary)

    def codes(self, side: str) -> np.ndarray:
        """The uscc code of each row of :attr:`tax` (``"tax"``) or :attr:`output`."""
        return self._codes[0 if side == "tax" else 1]

    def position(self, values: pd.Series) -> np.ndarray:
        """The code of each of ``values`` (-1 where missing or in neither table)."""
        if not len(values):
            return np.zeros(0, dtype=np.int64)
        left = pa.array(values.astype("str")).cast(self._dictionary.type)
        pos = pc.index_in(left, value_set=self._dictionary)
        return np.asarray(pos.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def text(self, codes: np.ndarray) -> np.ndarray:
        """The uscc text of codes."""
        taken = self._dictionary.take(pa.array(np.asarray(codes, dtype=np.int64)))
        return np.asarray(taken.to_pylist(), dtype=object)


def _gap_message(missing: list[int]) -> str:
    shown = ", ".join(str(y) for y in missing[:_GAP_YEARS_SHOWN])
    more = f" 等 {len(missing)} 个年度" if len(missing) > _GAP_YEARS_SHOWN else ""
    return f"缺少年度: {shown}{more}"


def check_occupancy(
    occupancy: pd.DataFrame,
    parcels: pd.DataFrame,
    firms: pd.DataFrame | None = None,
    *,
    years: Iterable[int] = (),
) -> pd.DataFrame:
    """Occupancy rows against the parcels and the firm register, and leases per year.

    - unknown parcel: error; unknown firm: warning (its land is not evaluated);
    - leases of a parcel in a year summing to more than its area: error. A lease without
      ``area_m2`` counts as the whole parcel; a row covers ``from_year``..``to_year``
      (open when missing), checked in each of ``years`` (default: the years the rows name).
    """
    layer = "occupancy"
    parts = []
    # Each row's parcel (its first row in the layer), hashed once for the unknown parcels
    # and the leases.
    at = _positions(occupancy["parcel_id"], parcels["parcel_id"])
    unknown_parcel = occupancy["parcel_id"].notna() & pd.Series(at < 0, index=occupancy.index)
    parts.append(
        _rows(
            "error",
            "UNKNOWN_PARCEL",
            layer,
            _where(occupancy, layer, unknown_parcel),
            "parcel_id",
            [f"宗地 {p} 不在宗地图层中" for p in occupancy.loc[unknown_parcel, "parcel_id"]],
            "请核对宗地代码 (一码管地), 或在宗地图层中补充该宗地",
        )
    )
    parts.append(
        _rows(
            "error",
            "KEY_MISSING",
            layer,
            _where(occupancy, layer, occupancy["parcel_id"].isna() | occupancy["uscc"].isna()),
            "parcel_id",
            "统一社会信用代码或宗地代码为空",
            "每行都需要企业和宗地编码",
        )
    )
    if firms is not None:
        unknown_firm = occupancy["uscc"].notna() & ~_isin(occupancy["uscc"], firms["uscc"])
        parts.append(
            _rows(
                "warning",
                "UNKNOWN_FIRM",
                layer,
                _where(occupancy, layer, unknown_firm),
                "uscc",
                [
                    f"企业不在企业名录中 (宗地 {p}); 该用地不参与评价"
                    for p in occupancy.loc[unknown_firm, "parcel_id"]
                ],
                "请在企业名录中补充该企业",
            )
        )
    if "area_m2" in parcels.columns:
        parts.append(_check_leases(occupancy, parcels, years=years, at=at))
    return concat_findings(*parts)


def _check_leases(
    occupancy: pd.DataFrame, parcels: pd.DataFrame, *, years: Iterable[int], at: np.ndarray
) -> pd.DataFrame:
    """LEASE_EXCEEDS_AREA; ``at``: each occupancy row's parcel row (_positions, -1: none).

    A parcel's area is that of its first row, as ``drop_duplicates("parcel_id")`` keeps.
    """
    is_lease = occupancy["relation"] == "lease"
    leases = occupancy[is_lease]
    if leases.empty:
        return findings_frame()
    lease_at = at[is_lease.to_numpy(dtype=bool)]
    areas = parcels["area_m2"].to_numpy(dtype=float, na_value=np.nan)
    parcel_area = np.full(len(lease_at), np.nan)
    found = lease_at >= 0
    parcel_area[found] = areas[lease_at[found]]
    # Parcels with no area (points, empty geometries) are errors of their own already.
    keep = parcel_area >= 1.0
    leases, lease_at, parcel_area = leases[keep], lease_at[keep], parcel_area[keep]
    year_list = sorted({int(y) for y in years})
    if not year_list:
        named = pd.concat([leases["from_year"], leases["to_year"]]).dropna()
        year_list = sorted({int(y) for y in named}) or [0]
    lo = leases["from_year"].astype("Float64").fillna(-np.inf).to_numpy(dtype=float)
    hi = leases["to_year"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    leased = leases["area_m2"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    leased = np.where(np.isnan(leased), parcel_area, leased)
    ys = np.asarray(year_list, dtype=float)
    active = (lo[:, None] <= ys[None, :]) & (ys[None, :] <= hi[:, None])
    row_idx, year_idx = np.nonzero(active)
    # Grouped by the parcel's row, an integer (one per parcel id), not by the id's text;
    # each group's rows are summed in the same order.
    per = pd.DataFrame(
        {
            "parcel": lease_at[row_idx],
            "year": ys[year_idx].astype(int),
            "leased": leased[row_idx],
        }
    )
    sums = per.groupby(["parcel", "year"], as_index=False)["leased"].sum()
    area = areas[sums["parcel"].to_numpy()]
    bad = (sums["leased"].to_numpy() > area * 1.001 + 1.0).nonzero()[0]
    ids = parcels["parcel_id"].to_numpy()[sums["parcel"].to_numpy()[bad]]
    year, total, area = (
        sums["year"].to_numpy()[bad],
        sums["leased"].to_numpy()[bad],
        area[bad],
    )
    # In the order of the ids' text, then year (the order of a group-by on the text).
    order = sorted(range(len(bad)), key=lambda i: (ids[i], year[i]))
    return _rows(
        "error",
        "LEASE_EXCEEDS_AREA",
        "occupancy",
        [str(ids[i]) for i in order],
        "area_m2",
        [
            f"{year[i]} 年出租面积合计 {total[i]:,.1f} m² 超过宗地面积 {area[i]:,.1f} m²"
            for i in order
        ],
        "请核对租赁面积与起止年份",
    )


def check_veto(veto: pd.DataFrame, firms: pd.DataFrame | None) -> pd.DataFrame:
    """Negative-list rows whose firm is not in the register (warning)."""
    if firms is None or veto.empty:
        return findings_frame()
    unknown = veto["uscc"].notna() & ~_isin(veto["uscc"], firms["uscc"])
    return _rows(
        "warning",
        "UNKNOWN_FIRM",
        "veto",
        _where(veto, "veto", unknown),
        "uscc",
        "负面清单中的企业不在企业名录中",
        "请核对统一社会信用代码",
    )


def check_empty(tables: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Required layers and tables that hold no rows at all (error)."""
    empty = [
        layer
        for layer in REQUIRED_LAYERS
        if (frame := tables.get(layer)) is not None and len(frame) == 0
    ]
    return concat_findings(
        *(
            _rows(
                "error",
                "LAYER_EMPTY",
                layer,
                [None],
                None,
                f"必需的图层/表 {layer} 没有任何数据行或要素",
                "请检查导出的文件是否完整, 或 landeval.toml 中的图层名 (#图层) 是否正确",
            )
            for layer in empty
        )
    )


OVERLAP_SEVERITY: dict[str, str] = {"parcels": "warning", "platforms": "info"}
"""The layers :func:`validate_inputs` checks for overlaps, with the severity of a finding."""


def start_overlap_checks(
    tables: Mapping[str, pd.DataFrame | None], pool: Executor
) -> dict[str, Future[pd.DataFrame]]:
    """Submit the overlap checks of :func:`validate_inputs` to ``pool``.

    The overlap check is most of the geometry work of validation and runs in GEOS and
    numpy, which release the GIL: started as soon as the vector layers are ready, it runs
    on the second core while the tables are read. Pass the result to
    :func:`validate_inputs` (``overlaps=``) with the same frames.

    Returns
    -------
    dict
        Layer → future of ``check_overlaps(frame, layer=..., severity=...)``, for the layers
        of :data:`OVERLAP_SEVERITY` present in ``tables``.
    """
    return {
        layer: pool.submit(check_overlaps, frame, layer=layer, severity=severity)
        for layer, severity in OVERLAP_SEVERITY.items()
        if (frame := tables.get(layer)) is not None
    }


def validate_inputs(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    config: Config,
    overlaps: Mapping[str, Future[pd.DataFrame]] | None = None,
) -> pd.DataFrame:
    """Run every check over loaded, canonical inputs; return all findings.

    Parameters
    ----------
    tables : mapping
        Canonical layer/table name → frame (None or absent for layers not given). Parcels
        should carry ``area_m2`` (:func:`landeval.inputs.read.add_area`) and vector layers
        already be repaired (:func:`repair_geometries`), as
        :func:`landeval.inputs.project.load_inputs` does.
    config : Config
        The project configuration (counties).
    overlaps : mapping, optional
        The overlap checks already started on these same frames
        (:func:`start_overlap_checks`); a layer not in it is checked here.

    Returns
    -------
    DataFrame
        The findings, sorted by severity.
    """
    started = overlaps or {}
    # The checks are independent and read the frames only: two threads, so that the Arrow,
    # numpy and GEOS parts of one run while another holds the GIL; the findings are
    # gathered in the order the checks are listed, whatever order they finish in.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="landeval-check") as pool:

        def run(check, *args, **kwargs) -> Future[pd.DataFrame]:
            return pool.submit(check, *args, **kwargs)

        def overlap(layer: str, frame: pd.DataFrame) -> Future[pd.DataFrame]:
            # A check already started is waited for at the end, after the other checks.
            if layer in started:
                return started[layer]
            return run(check_overlaps, frame, layer=layer, severity=OVERLAP_SEVERITY[layer])

        get = tables.get
        parcels, firms = get("parcels"), get("firms")
        tax, output = get("firm_tax"), get("firm_output")
        occupancy = get("occupancy")
        # The longest checks are submitted first, so that no thread is left alone with one
        # of them at the end; they are gathered at their place in the list below.
        first: dict[str, Future[pd.DataFrame]] = {}
        if tax is not None and output is not None:
            first["firm_years"] = run(check_firm_years, tax, output, firms)
        if occupancy is not None and parcels is not None and len(parcels):
            # An empty parcel layer is LAYER_EMPTY already.
            years = set()
            for frame in (tax, output):
                if frame is not None:
                    years |= {int(y) for y in frame["year"].dropna().unique()}
            first["occupancy"] = run(check_occupancy, occupancy, parcels, firms, years=years)
        if parcels is not None:
            first["parcels"] = run(check_parcels, parcels, config=config)
        parts: list[Future[pd.DataFrame]] = [run(check_empty, tables)]
        if parcels is not None:
            parts += [first["parcels"], overlap("parcels", parcels)]
        if firms is not None:
            parts += [
                run(check_keys, firms, layer="firms"),
                run(check_uscc, firms),
                run(check_county_codes, firms, layer="firms", config=config),
                run(check_allowed, firms, layer="firms"),
                run(check_values, firms, layer="firms"),
            ]
        for layer in ("firm_tax", "firm_output", "veto"):
            frame = get(layer)
            if frame is not None:
                severity = "info" if layer == "veto" else "error"
                parts += [
                    run(check_keys, frame, layer=layer, duplicates=severity),
                    run(check_values, frame, layer=layer),
                ]
                if firms is None:
                    parts.append(run(check_uscc, frame, layer=layer))
        if "firm_years" in first:
            parts.append(first["firm_years"])
        if occupancy is not None:
            parts += [
                run(check_allowed, occupancy, layer="occupancy"),
                run(check_values, occupancy, layer="occupancy"),
            ]
            if "occupancy" in first:
                parts.append(first["occupancy"])
        for layer in ("platforms", "land_changes"):
            frame = get(layer)
            if frame is not None:
                parts += [
                    run(check_keys, frame, layer=layer),
                    run(check_allowed, frame, layer=layer),
                    run(check_county_codes, frame, layer=layer, config=config),
                ]
        platforms = get("platforms")
        if platforms is not None:
            parts.append(overlap("platforms", platforms))
        control = get("control_line")
        if control is not None:
            parts.append(run(check_county_codes, control, layer="control_line", config=config))
        veto = get("veto")
        if veto is not None:
            parts.append(run(check_veto, veto, firms))
        return concat_findings(*(p.result() for p in parts))

"""Compact, safe encoding of map data: quantised delta coordinates and escaped columns.

Size is the budget that matters for a 30,000-parcel map, so each layer is written once as
columns (a repeated text column becomes a dictionary plus small integer codes) and
geometry as integer offsets at 1e-5 degree (about 1 m, what parcels need on screen), each
vertex stored as the difference to the previous one. Shared edges stay shared because both
neighbours round the same vertex to the same integers.

Safety: every text value from the inputs is HTML-escaped here, once, so the browser code
may insert it into popups, tooltips and search results as markup; and the JSON is written
with ``<``, ``>`` and ``&`` as unicode escapes so no input can close the ``<script>`` it is in.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
import shapely

SCALE = 100_000
"""Integer units per degree: 1e-5 degree is about 1.1 m north-south, 0.96 m east-west at 30°N."""

ColumnKind = Literal["text", "num0", "num1", "num2", "num3", "bool"]

_JS_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def escape_text(value: object) -> str | None:
    """HTML-escape one value for display (quotes too); None for missing values."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return html.escape(str(value), quote=True)


def to_js(obj: Any) -> str:
    """JSON text safe to place inside an HTML ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _JS_UNSAFE.items():
        text = text.replace(char, escaped)
    return text


def encode_columns(frame: pd.DataFrame, spec: Mapping[str, ColumnKind]) -> dict[str, Any]:
    """Encode the popup columns of a layer.

    Parameters
    ----------
    frame : pandas.DataFrame
        The layer's attributes; columns named in ``spec`` but absent are all-missing.
    spec : mapping of str to kind
        ``text`` (escaped; dictionary-coded when values repeat), ``num0``…``num3`` (rounded
        to that many decimals) or ``bool``.

    Returns
    -------
    dict
        ``{column: {"v": values}}`` or ``{column: {"d": distinct, "i": codes}}``; missing
        values are None (code -1).
    """
    out: dict[str, Any] = {}
    n = len(frame)
    for name, kind in spec.items():
        col = frame[name] if name in frame.columns else pd.Series([None] * n, dtype=object)
        if kind == "text":
            out[name] = _text_column(col)
        elif kind == "bool":
            values = col.astype(object).where(col.notna(), None).tolist()
            out[name] = {"v": [None if v is None else bool(v) for v in values]}
        else:
            out[name] = {"v": _numbers(col, int(kind[-1]))}
    return out


def encode_geometries(geoms: np.ndarray, *, scale: int = SCALE) -> tuple[list[int], list[Any]]:
    """Quantise and delta-encode polygonal geometries.

    Parameters
    ----------
    geoms : numpy.ndarray
        Shapely Polygons/MultiPolygons in EPSG:4326 (None allowed).
    scale : int
        Integer units per degree.

    Returns
    -------
    origin : list of int
        ``[x0, y0]`` in integer units; the first vertex of every ring is relative to it.
    encoded : list
        Per row: None, or a list of polygons, each a list of rings, each a flat list
        ``[x, y, dx, dy, …]`` (the closing vertex and repeated vertices dropped).

    Examples
    --------
    >>> import shapely
    >>> sq = shapely.box(120.0, 30.0, 120.00002, 30.00001)
    >>> origin, enc = encode_geometries(np.array([sq], dtype=object))
    >>> origin, enc
    ([12000000, 3000000], [[[[2, 0, 0, 1, -2, 0, 0, -1]]]])
    """
    geoms = np.asarray(geoms, dtype=object)
    encoded: list[Any] = [None] * len(geoms)
    present = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if len(present) == 0:
        return [0, 0], encoded
    _, coords, offsets = shapely.to_ragged_array(geoms[present])
    if len(offsets) == 2:  # only Polygons: one polygon per geometry
        ring_off, poly_off = offsets
        geom_off = np.arange(len(present) + 1)
    else:
        ring_off, poly_off, geom_off = offsets
    q = np.rint(coords * scale).astype("int64")
    origin = q.min(axis=0)
    n_pts = len(q)
    starts = np.zeros(n_pts, dtype=bool)
    starts[ring_off[:-1][ring_off[:-1] < n_pts]] = True
    ends = np.zeros(n_pts, dtype=bool)
    ends[ring_off[1:] - 1] = True  # the closing vertex repeats the first: drop it
    delta = np.vstack([q[:1] - origin, np.diff(q, axis=0)])
    delta[starts] = q[starts] - origin
    keep = (starts | (delta != 0).any(axis=1)) & ~ends
    flat = delta[keep].ravel().tolist()
    # Ring r spans kept vertices [k0, k1): map ring offsets through the kept index.
    first_kept = np.searchsorted(np.flatnonzero(keep), ring_off)
    for g, row in enumerate(present):
        polys = []
        for p in range(geom_off[g], geom_off[g + 1]):
            rings = []
            for r in range(poly_off[p], poly_off[p + 1]):
                a, b = first_kept[r], first_kept[r + 1]
                rings.append(flat[2 * a : 2 * b])
            polys.append(rings)
        encoded[row] = polys
    return [int(origin[0]), int(origin[1])], encoded


def _text_column(col: pd.Series) -> dict[str, Any]:
    # Escape each distinct value once: a 30,000-row column has far fewer.
    codes, uniques = pd.factorize(col.astype(object), sort=True)
    distinct = [escape_text(v) for v in uniques.tolist()]
    if len(codes) >= 8 and len(distinct) <= len(codes) // 2:
        return {"d": distinct, "i": codes.tolist()}
    return {"v": [None if c < 0 else distinct[c] for c in codes.tolist()]}


def _numbers(col: pd.Series, decimals: int) -> list[float | int | None]:
    values = pd.to_numeric(col, errors="coerce").astype("float64").to_numpy()
    rounded = np.round(values, decimals)
    out: list[float | int | None] = []
    for v in rounded.tolist():
        if math.isnan(v) or math.isinf(v):
            out.append(None)
        elif v == int(v):
            out.append(int(v))  # "12" is shorter than "12.0"
        else:
            out.append(v)
    return out

"""What stands on each parcel: the generator's intent and the shapes rasters are drawn from.

The intent is coverage, floors, height, FAR and vacant share per parcel; the shapes are the
building and vacant-land polygons.

Buildings are up to three rectangles along a parcel's frontage, inside a setback and
clear of the parcel's kinked side lines, so they always lie inside the parcel. Vacant land
(grass or bare ground) is a strip at the back of the parcel. Heights follow the national
industrial-land control indicators' convention: multi-storey buildings have storeys of
exactly ``STOREY_M`` metres; single-storey halls are 9–13 m high and count as two storeys
in the floor-area ratio (a storey over 8 m counts double). Halls stay below 13.5 m, three
4.5 m storeys, so that a height raster can tell a hall from a three-storey building.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from landeval.demo.layout import Layout

STOREY_M = 4.5
"""Storey height of multi-storey buildings (the default ``[raster] storey_height_m``)."""

_COVERAGE = {"C26": 0.40, "C27": 0.45, "C28": 0.50, "C17": 0.55, "C39": 0.50, "D44": 0.30}
_HALL_P = {"C17": 0.5, "C26": 0.35, "C28": 0.6, "C32": 0.5, "C33": 0.45, "D44": 0.8, "C29": 0.4}
_FLOORS_HI = {"C39": 6, "C27": 5, "C38": 5, "C35": 5, "C34": 5, "C18": 5, "C26": 3}
_GAP = 12.0


@dataclass(frozen=True)
class Buildings:
    """Per-parcel intent (``intent`` frame, one row per parcel in layout order) and shapes.

    ``buildings`` and ``vacant`` are GeoDataFrame-ready frames with ``pidx`` (parcel index
    in layout order), ``geometry`` and the raster value (``height_m`` or ``landcover``).
    """

    intent: pd.DataFrame
    buildings: pd.DataFrame
    vacant: pd.DataFrame


def draw_buildings(
    rng: np.random.Generator,
    layout: Layout,
    *,
    industry: np.ndarray,
    state: np.ndarray,
    old: np.ndarray,
) -> Buildings:
    """Draw buildings and vacant land on every parcel.

    Parameters
    ----------
    rng : numpy.random.Generator
        Randomness.
    layout : Layout
        Parcel layout.
    industry : ndarray of str
        Industry of the parcel's main occupant ("" when none).
    state : ndarray of str
        "active", "idle" (occupant without tax and value added), "empty" (no occupant),
        "bare" (never built), or "multi" (小微园 standard factory).
    old : ndarray of bool
        Buildings 20 or more years old (lower density).
    """
    n = len(layout)
    area = shapely.area(layout.geometry)
    ind = industry.astype(str)

    # Vacant strip at the back of the parcel (share of depth).
    idle_like = np.isin(state, ["idle", "empty", "bare"])
    v = np.where(rng.random(n) < 0.6, 0.0, rng.uniform(0.02, 0.12, n))
    v = np.where(idle_like, rng.uniform(0.5, 0.9, n), v)
    v_class = np.where(idle_like & (rng.random(n) < 0.7), 60, 30)

    # Coverage target, floors, halls.
    base = _lookup(ind, _COVERAGE, 0.55)
    cov = np.clip(base - 0.06 * old + rng.normal(0.0, 0.12, n), 0.12, 0.72)
    cov = np.where(state == "multi", rng.uniform(0.45, 0.60, n), cov)
    cov = np.where(np.isin(state, ["idle", "empty"]), rng.uniform(0.10, 0.35, n), cov)
    cov = np.where(state == "bare", 0.0, cov)
    hall = rng.random(n) < _lookup(ind, _HALL_P, 0.25)
    hall &= state != "multi"
    hi = _lookup(ind, _FLOORS_HI, 4).astype(np.int64)
    hi = np.where(old, np.maximum(2, hi - 1), hi)
    floors = np.where(rng.random(n) < 0.08, 1, rng.integers(2, hi + 1))
    floors = np.where(state == "multi", rng.integers(4, 7, n), floors)
    floors = np.where(hall, 1, floors)
    height = np.where(hall, np.round(rng.uniform(9.0, 13.0, n) * 2) / 2, floors * STOREY_M)
    counted = np.where(hall, 2, floors)

    # Building rectangles in the local frame.
    left, right = layout.usable_box()
    width = layout.x_right - layout.x_left
    setback = np.minimum(8.0, 0.08 * np.minimum(width, layout.depth))
    uw = right - left - 2 * setback
    depth_free = layout.depth * (1 - v) - 2 * setback
    n_b = np.where(uw < 60, 1, np.where(uw < 150, 2, 3))
    n_b = np.maximum(1, n_b - (rng.random(n) < 0.3))
    bw = (uw - (n_b - 1) * _GAP) / n_b
    bh = np.minimum(depth_free, cov * area / np.maximum(n_b * bw, 1e-9))
    ok = (bw > 2) & (bh > 2) & (cov > 0)
    bh = np.where(ok, bh, 0.0)
    built = n_b * bw * bh * ok
    coverage = built / area

    k = np.arange(3)
    has = ok[:, None] & (k[None, :] < n_b[:, None])
    bx0 = left[:, None] + setback[:, None] + k[None, :] * (bw + _GAP)[:, None]
    bx1 = bx0 + bw[:, None]
    y1 = layout.y0 + layout.depth
    flip = layout.flip
    front0 = np.where(flip, y1 - setback - bh, layout.y0 + setback)
    by0 = np.broadcast_to(front0[:, None], bx0.shape)
    by1 = by0 + bh[:, None]
    pi, ki = np.nonzero(has)
    bxs = np.stack([bx0[pi, ki], bx1[pi, ki], bx1[pi, ki], bx0[pi, ki], bx0[pi, ki]], 1)
    bys = np.stack([by0[pi, ki], by0[pi, ki], by1[pi, ki], by1[pi, ki], by0[pi, ki]], 1)
    wx, wy = layout.local_to_world_for(pi, bxs, bys)
    bgeom = shapely.polygons(np.stack([wx, wy], axis=-1))
    buildings = pd.DataFrame({"pidx": pi, "height_m": height[pi], "geometry": bgeom})

    # Vacant strips: the parcel cut by a box over the back v share of its depth.
    vi = np.flatnonzero(v > 0)
    vy0 = np.where(flip[vi], layout.y0[vi] - 1.0, y1[vi] - v[vi] * layout.depth[vi])
    vy1 = np.where(flip[vi], layout.y0[vi] + v[vi] * layout.depth[vi], y1[vi] + 1.0)
    pad = 40.0  # wider than any kink, so the box spans the parcel's full width
    vx0, vx1 = layout.x_left[vi] - pad, layout.x_right[vi] + pad
    vxs = np.stack([vx0, vx1, vx1, vx0, vx0], 1)
    vys = np.stack([vy0, vy0, vy1, vy1, vy0], 1)
    wx, wy = layout.local_to_world_for(vi, vxs, vys)
    strips = shapely.polygons(np.stack([wx, wy], axis=-1))
    vgeom = shapely.intersection(layout.geometry[vi], strips)
    vacant_share = np.zeros(n)
    vacant_share[vi] = shapely.area(vgeom) / area[vi]
    vacant = pd.DataFrame({"pidx": vi, "landcover": v_class[vi], "geometry": vgeom})

    floors_out = np.where(ok, floors, 0)
    intent = pd.DataFrame(
        {
            "pidx": np.arange(n),
            "state": state,
            "intended_coverage": coverage,
            "intended_floors": floors_out,
            "intended_counted_floors": np.where(ok, counted, 0),
            "intended_height_m": np.where(ok, height, 0.0),
            "intended_far": coverage * np.where(ok, counted, 0),
            "intended_vacant_share": vacant_share,
            "hall": hall & ok,
            "n_buildings": np.where(ok, n_b, 0),
        }
    )
    return Buildings(intent=intent, buildings=buildings, vacant=vacant)


def _lookup(codes: np.ndarray, table: dict, default) -> np.ndarray:
    uniq, inv = np.unique(codes.astype(str), return_inverse=True)
    return np.array([table.get(u, default) for u in uniq])[inv]

"""Platforms (2+6+N), the industrial control line and land changes (改一补一) of the demo.

All shapes are boxes of a cluster's unit square (see :class:`ClusterFrame`), rotated with
the cluster's road grid. Platforms are disjoint, so a parcel lies in one platform, straddles
the boundary of two, or lies outside; the control line covers each cluster except one box
("hole"); land changes are convert boxes inside clusters and supplement boxes just outside
them, sized so that every county balances 改一补一 except :data:`UNBALANCED_COUNTY`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.demo.clusters import (
    CONVERT_CLUSTERS,
    CRS,
    PLATFORM_NOTE,
    PLATFORMS,
    UNBALANCED_COUNTY,
)
from landeval.demo.layout import ClusterFrame, Layout
from landeval.inputs.units import M2_PER_MU

_ROAD_PAD = 16.0  # half a road: the line and platforms reach to the middle of edge roads
_MULTI_TENANT_MIN_MU = 12.0


def park_parcels(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Parcels of each cluster's small platform (小微企业园 or 特色小镇).

    Returns
    -------
    park : ndarray of object
        platform_id of the small platform a parcel was laid out for, else None.
    multi : ndarray of bool
        True for the multi-tenant parcels: those of a 小微企业园 of at least 12 mu (the
        largest one when none is that big).
    """
    n = len(layout)
    park = np.full(n, None, dtype=object)
    multi = np.zeros(n, dtype=bool)
    kinds = {p.platform_id: p.kind for p in PLATFORMS}
    cx, cy = _centroids(layout)
    area_mu = shapely.area(layout.geometry) / M2_PER_MU
    for frame in layout.frames:
        spec = frame.spec
        if spec.micro_platform is None:
            continue
        idx = np.flatnonzero(layout.cluster == frame.index)
        u, v = frame.to_unit(cx[idx], cy[idx])
        dist = np.hypot(u - spec.micro_center[0], v - spec.micro_center[1])
        k = max(1, round(spec.micro_share * len(idx)))
        chosen = idx[np.argsort(dist, kind="stable")[:k]]
        park[chosen] = spec.micro_platform
        if kinds[spec.micro_platform] == "小微企业园":
            big = chosen[area_mu[chosen] >= _MULTI_TENANT_MIN_MU]
            if len(big) == 0:
                big = chosen[[int(np.argmax(area_mu[chosen]))]]
            multi[big] = True
    return park, multi


def platforms_layer(layout: Layout, park: np.ndarray) -> gpd.GeoDataFrame:
    """The platforms layer: one (multi)polygon per platform, marked illustrative."""
    parts: dict[str, list] = {p.platform_id: [] for p in PLATFORMS}
    for frame in layout.frames:
        spec = frame.spec
        micro = None
        if spec.micro_platform is not None:
            micro = _park_box(layout, frame, park == spec.micro_platform)
            parts[spec.micro_platform].append(micro)
        if spec.main_platform is not None:
            main = frame.unit_box(spec.main_box, pad=_ROAD_PAD)
            if micro is not None:
                main = shapely.difference(main, micro)
            parts[spec.main_platform].append(main)
    rows = []
    for p in PLATFORMS:
        geom = shapely.union_all(parts[p.platform_id]) if parts[p.platform_id] else None
        rows.append(
            {
                "platform_id": p.platform_id,
                "name": p.name,
                "tier": p.tier,
                "kind": p.kind,
                "county_code": p.county_code,
                "illustrative": True,
                "note": PLATFORM_NOTE,
                "geometry": _multi(geom),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    return frame[frame.geometry.notna()].reset_index(drop=True)


def control_line_layer(layout: Layout) -> gpd.GeoDataFrame:
    """The industrial control line (工业用地控制线): one multipolygon per county."""
    by_county: dict[str, list] = {}
    for frame in layout.frames:
        whole = frame.unit_box((0.0, 0.0, 1.0, 1.0), pad=_ROAD_PAD)
        hole = frame.unit_box(frame.spec.hole, pad=_ROAD_PAD)
        by_county.setdefault(frame.spec.county_code, []).append(shapely.difference(whole, hole))
    rows = [
        {
            "line_id": f"KZX-{county}",
            "county_code": county,
            "name": "工业用地控制线（示意）",
            "geometry": _multi(shapely.union_all(geoms)),
        }
        for county, geoms in sorted(by_county.items())
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def land_changes_layer(
    layout: Layout,
    control_line: gpd.GeoDataFrame,
    conflict_area_m2: dict[str, float],
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """Land changes feeding 改一补一: converts inside clusters, supplements beside them.

    Parameters
    ----------
    layout : Layout
        The parcels and cluster frames.
    control_line : GeoDataFrame
        From :func:`control_line_layer`.
    conflict_area_m2 : dict
        County → area of parcels whose planned use is not industrial (they may become
        CONVERT parcels and count as converted).
    rng : numpy.random.Generator
        For approval dates.

    Notes
    -----
    A balanced county gets a main supplement of 1.2 × (converts inside the line + all plan
    conflict parcels), which balances whatever treatment those parcels receive, even once the
    proposed conversions are approved. The unbalanced county gets half of its converts inside
    the line only, approved after them (先补后调 not kept). Extra items test the ledger: a
    supplement partly inside the existing line (柯桥), two overlapping supplements (上虞), a
    supplement with non-industrial planned use (诸暨), a convert (柯桥) and a supplement (上虞)
    not yet approved; they come on top.
    """
    line = shapely.union_all(control_line.geometry.to_numpy())
    rows: list[dict] = []
    converted: dict[str, float] = {}
    first_frame: dict[str, ClusterFrame] = {}
    for frame in layout.frames:
        county = frame.spec.county_code
        first_frame.setdefault(county, frame)
        box = CONVERT_CLUSTERS.get(frame.spec.key)
        if box is None:
            continue
        geom = frame.unit_box(box)
        converted[county] = converted.get(county, 0.0) + shapely.area(
            shapely.intersection(geom, line)
        )
        rows.append(_change(county, "convert", "0701" if len(rows) % 2 else "0901", geom, "改"))

    for county, frame in sorted(first_frame.items()):
        inside = converted.get(county, 0.0)
        if county == UNBALANCED_COUNTY:
            need = 0.5 * inside
        else:
            need = 1.2 * (inside + conflict_area_m2.get(county, 0.0))
        need = max(need, 20 * M2_PER_MU)  # every county has at least one supplement
        geom = _beside(frame, need, offset=60.0)
        rows.append(_change(county, "supplement", "100101", geom, "补：新增工业用地"))

    keqiao = next(f for f in layout.frames if f.spec.key == "keqiao")
    rows.append(
        _change(
            "330603",
            "supplement",
            "100102",
            _local_box(keqiao, -keqiao.width / 2 - 180, -150, -keqiao.width / 2 + 120, 150),
            "补：部分位于现状控制线内",
        )
    )
    bay = next(f for f in layout.frames if f.spec.key == "shangyu_bay")
    y_top = bay.height / 2 + 60
    rows.append(
        _change(
            "330604",
            "supplement",
            "100101",
            _local_box(bay, 0, y_top, 400, y_top + 300),
            "补：与相邻补充地块重叠",
        )
    )
    rows.append(
        _change(
            "330604",
            "supplement",
            "100102",
            _local_box(bay, 250, y_top + 100, 650, y_top + 400),
            "补：与相邻补充地块重叠",
        )
    )
    zhuji = next(f for f in layout.frames if f.spec.key == "zhuji")
    y_low = -zhuji.height / 2 - 60
    rows.append(
        _change(
            "330681",
            "supplement",
            "0901",
            _local_box(zhuji, -200, y_low - 250, 150, y_low),
            "补：规划用途为商业，不应计入",
        )
    )

    # Items not yet approved (拟改 / 拟补): a convert in 柯桥, a supplement in 上虞.
    rows.append(
        _change(
            "330603",
            "convert",
            "0901",
            _local_box(keqiao, -100, keqiao.height / 2 - 260, 60, keqiao.height / 2 - 140),
            "改：拟调整，尚未批准",
        )
    )
    rows.append(
        _change(
            "330604",
            "supplement",
            "100101",
            _local_box(bay, -500, y_top, -200, y_top + 250),
            "补：拟补充，尚未批准",
        )
    )

    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    counters: dict[tuple[str, str], int] = {}
    ids = []
    for county, kind in zip(frame["county_code"], frame["kind"], strict=True):
        n = counters[(county, kind)] = counters.get((county, kind), 0) + 1
        ids.append(f"TZ{county}{'G' if kind == 'convert' else 'B'}{n:02d}")
    frame.insert(0, "change_id", ids)
    frame["approved_on"] = _approval_dates(frame, rng)
    frame["approval_no"] = _approval_numbers(frame["approved_on"])
    return frame[
        [
            "change_id",
            "kind",
            "county_code",
            "planned_use",
            "approved_on",
            "approval_no",
            "note",
            "geometry",
        ]
    ]


def _approval_dates(frame: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Approval dates that follow 先补后调 (compensate first, then convert) but in one county.

    Supplements are approved in the first half of 2023, converts from September 2023 on; in
    :data:`UNBALANCED_COUNTY` the convert came first (a 先补后调 finding). Items whose note
    says 尚未批准 have no date (拟改 / 拟补).
    """
    n = len(frame)
    supplement = (frame["kind"] == "supplement").to_numpy()
    early = rng.integers(0, 180, n)  # 2023-01-03 … 2023-07-01
    late = rng.integers(240, 650, n)  # 2023-08-31 … 2024-10-14
    days = np.where(supplement, early, late)
    unbalanced = (frame["county_code"] == UNBALANCED_COUNTY).to_numpy()
    days = np.where(unbalanced & ~supplement, early, days)
    days = np.where(unbalanced & supplement, late, days)
    dates = pd.Timestamp("2023-01-03") + pd.to_timedelta(days, unit="D")
    pending = frame["note"].str.contains("尚未批准").to_numpy()
    return pd.Series(dates, index=frame.index).where(~pending)


def _approval_numbers(approved: pd.Series) -> list[str | None]:
    """批准文号 of each approved item: 绍市自然资规〔2023〕12号, numbered by date."""
    out: list[str | None] = [None] * len(approved)
    counters: dict[int, int] = {}
    for i in np.argsort(approved.to_numpy(), kind="stable"):
        date = approved.iloc[i]
        if pd.isna(date):
            continue
        k = counters[date.year] = counters.get(date.year, 0) + 1
        out[i] = f"绍市自然资规〔{date.year}〕{k + 10}号"
    return out


def _change(county: str, kind: str, planned_use: str, geom, note: str) -> dict:
    return {
        "kind": kind,
        "county_code": county,
        "planned_use": planned_use,
        "note": note,
        "geometry": _multi(geom),
    }


def _beside(frame: ClusterFrame, area: float, *, offset: float):
    """A box of ``area`` m² just east (in the cluster's frame) of the cluster, off the line."""
    h = min(0.5 * frame.height, np.sqrt(area * 2.0))
    w = area / h
    x0 = frame.width / 2 + offset
    return _local_box(frame, x0, -h / 2, x0 + w, h / 2)


def _local_box(frame: ClusterFrame, x0: float, y0: float, x1: float, y1: float):
    xs = np.array([x0, x1, x1, x0, x0])
    ys = np.array([y0, y0, y1, y1, y0])
    wx, wy = frame.to_world(xs, ys)
    return shapely.polygons(np.column_stack([wx, wy]))


def _park_box(layout: Layout, frame: ClusterFrame, sel: np.ndarray):
    """The rotated bounding box (in the cluster's frame) of the selected parcels."""
    idx = np.flatnonzero(sel)
    x0 = layout.x_left[idx] + np.minimum(0, np.minimum(layout.left_mid, layout.left_top)[idx])
    x1 = layout.x_right[idx] + np.maximum(0, np.maximum(layout.right_mid, layout.right_top)[idx])
    y0 = layout.y0[idx]
    y1 = y0 + layout.depth[idx]
    return _local_box(frame, x0.min(), y0.min(), x1.max(), y1.max())


def _centroids(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    c = shapely.centroid(layout.geometry)
    return shapely.get_x(c), shapely.get_y(c)


def _multi(geom):
    if geom is None or shapely.is_empty(geom):
        return None
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    if geom.geom_type == "MultiPolygon":
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return shapely.MultiPolygon(polys)

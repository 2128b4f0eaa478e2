"""Geometry repair: invalid, non-polygonal, empty and 3D features of a polygon layer.

:func:`repair_geometries` is the one check that also returns a new layer: the loader
(:func:`landeval.inputs.project.load_inputs`) keeps the repaired geometries, and every repair
is recorded as a finding, so nothing is changed silently.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.findings import concat_findings
from landeval.validate._chunks import chunked
from landeval.validate._rows import finding_rows, row_ids

_POLYGON_TYPES = (3, 6)  # shapely type ids of Polygon and MultiPolygon


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
        GEOMETRY_ZM_DROPPED (info, once) when Z or M coordinates were dropped,
        GEOMETRY_PARTS_DROPPED (warning) per valid feature whose points or lines were
        dropped, GEOMETRY_REPAIRED (warning) per repaired feature, GEOMETRY_NOT_POLYGON
        (error) per feature with no polygonal part, GEOMETRY_EMPTY (error for parcels,
        else warning).
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
    # A coordinate the reprojection could not carry (a point far outside the source CRS's
    # area of use becomes inf or NaN) breaks every GEOS operation: such a feature is
    # unusable, said as such, never handed to make_valid.
    not_finite = _not_finite(geoms) & ~missing
    if not_finite.any():
        geoms = geoms.copy()
        geoms[not_finite] = None
        missing = missing & ~not_finite
    invalid = ~missing & ~not_finite & ~chunked(shapely.is_valid, geoms)
    reasons = shapely.is_valid_reason(geoms[invalid]) if invalid.any() else np.array([])
    fixed = geoms.copy()
    if invalid.any():
        fixed[invalid] = shapely.make_valid(geoms[invalid])
    polygonal = _polygonal_parts(fixed)
    lost = ~missing & ~not_finite & shapely.is_empty(polygonal)
    # Valid features of another type (a GeometryCollection holding a polygon and a line)
    # that keep their polygonal parts: a repair too, so it is recorded.
    type_ids = shapely.get_type_id(geoms)
    trimmed = ~missing & ~not_finite & ~invalid & ~lost & ~np.isin(type_ids, _POLYGON_TYPES)
    parts = [
        finding_rows(
            "info",
            "GEOMETRY_ZM_DROPPED",
            layer,
            ids[has_zm][:1],
            "geometry",
            f"{int(has_zm.sum())} 个要素带有 Z (高程) 或 M (量测) 坐标, 已去除, 只保留平面坐标",
            "无需处理; 面积按平面坐标计算",
        ),
        finding_rows(
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
        finding_rows(
            "warning",
            "GEOMETRY_REPAIRED",
            layer,
            ids[invalid],
            "geometry",
            [f"几何无效 ({r}), 已用 make_valid 修复并只保留面" for r in reasons],
            "请在 GIS 中检查并修正该图斑 (自相交、重复点等)",
        ),
        finding_rows(
            "error",
            "GEOMETRY_NOT_POLYGON",
            layer,
            ids[lost],
            "geometry",
            [f"几何类型为 {_type_name(t)}, 不是面; 无法使用" for t in type_ids[lost]],
            "该图层应为面要素",
        ),
        finding_rows(
            "error" if layer == "parcels" else "warning",
            "GEOMETRY_NOT_FINITE",
            layer,
            ids[not_finite],
            "geometry",
            "坐标超出坐标系的有效范围, 投影后不是有限数值; 无法使用",
            "请检查该要素的坐标与图层的坐标系 (.prj) 是否一致",
        ),
        finding_rows(
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


def _not_finite(geoms: np.ndarray) -> np.ndarray:
    """Which geometries hold a coordinate that is not a finite number."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    out = np.zeros(len(geoms), dtype=bool)
    out[index[~np.isfinite(coords).all(axis=1)]] = True
    return out


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
    for i in np.flatnonzero(~np.isin(type_ids, _POLYGON_TYPES) & (type_ids >= 0)):
        parts = shapely.get_parts(geoms[i])
        polys = [p for p in parts if shapely.get_type_id(p) in _POLYGON_TYPES]
        out[i] = shapely.union_all(polys) if polys else shapely.Polygon()
    return out

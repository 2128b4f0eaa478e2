"""CRS decisions (pyproj owns every one of them).

- Areas are computed in a projected CRS. Geographic data goes to the CGCS2000 3-degree
  Gauss-Krüger zone of its centroid, central-meridian-only series (EPSG:4534 at 75°E …
  EPSG:4554 at 135°E; 120°E → EPSG:4549).
- The zone-prefixed series (EPSG:4513 zone 25 … EPSG:4533 zone 45; zone 40 = 120°E →
  EPSG:4528, false easting 40,500,000 m) and the CM-only series are easy to mix up. A layer
  declared as one but whose eastings have the magnitude of the other is detected, reported
  as a warning finding and its declared CRS corrected (no coordinate changes).
- A layer with no CRS is an error unless ``[project] assume_crs`` names one.

Examples
--------
>>> gk_cm_epsg(120.6)
4549
>>> gk_zone_epsg(120.6)
4528
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from landeval.errors import DataError
from landeval.findings import Finding

_CM_ONLY_FIRST = 4534  # CGCS2000 / 3-degree Gauss-Kruger CM 75E
_ZONE_FIRST = 4513  # CGCS2000 / 3-degree Gauss-Kruger zone 25 (CM 75E)
_CM_MIN, _CM_MAX = 75, 135


def gk_cm_epsg(lon: float) -> int:
    """EPSG code of the CGCS2000 3-degree GK CM-only CRS whose central meridian is nearest."""
    return _CM_ONLY_FIRST + (_central_meridian(lon) - _CM_MIN) // 3


def gk_zone_epsg(lon: float) -> int:
    """EPSG code of the zone-prefixed CGCS2000 3-degree GK CRS of the zone holding ``lon``."""
    return _ZONE_FIRST + (_central_meridian(lon) - _CM_MIN) // 3


def _central_meridian(lon: float) -> int:
    cm = 3 * round(lon / 3)
    if not _CM_MIN <= cm <= _CM_MAX:
        msg = f"longitude {lon:.3f} is outside China's CGCS2000 3-degree zones (75°E–135°E)"
        raise DataError(msg)
    return int(cm)


def gk_series(crs: CRS | None) -> tuple[str, int] | None:
    """Say whether ``crs`` is a CGCS2000 3-degree GK CRS: ``("cm", cm)``, ``("zone", cm)``.

    Returns None for any other CRS.
    """
    if crs is None:
        return None
    code = crs.to_epsg(min_confidence=90)
    if code is None:
        return None
    if _CM_ONLY_FIRST <= code <= _CM_ONLY_FIRST + 20:
        return "cm", _CM_MIN + 3 * (code - _CM_ONLY_FIRST)
    if _ZONE_FIRST <= code <= _ZONE_FIRST + 20:
        return "zone", _CM_MIN + 3 * (code - _ZONE_FIRST)
    return None


def parse_crs(text: str) -> CRS:
    """Parse a CRS given by the user (``"EPSG:4549"``, ``"4549"``, WKT, PROJ string).

    Raises
    ------
    DataError
        The text is not a CRS pyproj knows.
    """
    try:
        return CRS.from_user_input(int(text) if str(text).strip().isdigit() else text)
    except CRSError as exc:
        msg = f"无法识别的坐标系 {text!r}: {exc}"
        raise DataError(msg) from None


def projected_crs_for(gdf: gpd.GeoDataFrame) -> CRS:
    """The CRS in which areas of ``gdf`` are computed.

    A projected CRS is kept, except Mercator (e.g. Web Mercator EPSG:3857, whose areas are a
    third too large at Shaoxing's latitude). Geographic and Mercator data get the CGCS2000
    3-degree GK CM-only zone of the centroid of its bounds (Shaoxing ~120.6°E → EPSG:4549).

    Parameters
    ----------
    gdf : GeoDataFrame
        A layer with a CRS.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    DataError
        The layer has no CRS, or it is geographic and lies outside 75°E–135°E.
    """
    if gdf.crs is None:
        msg = "图层没有坐标系, 无法计算面积"
        raise DataError(msg)
    crs = CRS.from_user_input(gdf.crs)
    if crs.is_projected and not _is_mercator(crs):
        return crs
    lon = _centroid_lon(gdf)
    return CRS.from_epsg(gk_cm_epsg(lon))


def _is_mercator(crs: CRS) -> bool:
    """Web Mercator and friends: projected, but areas off by 1/cos²(lat) (+33 % at 30°N)."""
    op = crs.coordinate_operation
    method = (op.method_name if op is not None else "").lower()
    return "mercator" in method and "transverse" not in method


def _centroid_lon(gdf: gpd.GeoDataFrame) -> float:
    geo = gdf if gdf.crs.equals("EPSG:4490") or gdf.crs.equals("EPSG:4326") else None
    if geo is None:
        geo = gdf.to_crs("EPSG:4490")
    minx, _miny, maxx, _maxy = geo.total_bounds
    if not (np.isfinite(minx) and np.isfinite(maxx)):
        msg = "图层没有可用的几何, 无法确定投影带"
        raise DataError(msg)
    return (minx + maxx) / 2.0


def resolve_crs(
    gdf: gpd.GeoDataFrame,
    *,
    layer: str,
    assume_crs: str = "",
) -> tuple[gpd.GeoDataFrame, list[Finding]]:
    """Give a layer its true CRS: assume one where missing, fix a GK series mix-up.

    The coordinates are never changed; only the declared CRS is set or corrected.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer as read.
    layer : str
        Canonical layer name, for findings.
    assume_crs : str
        ``[project] assume_crs``; empty means a missing CRS is an error.

    Returns
    -------
    (GeoDataFrame, list of Finding)
        A new frame with the CRS decided, and the findings (info when assumed, warning when
        corrected).

    Raises
    ------
    DataError
        No CRS and nothing to assume, or coordinates impossible in the declared CRS.
    """
    findings: list[Finding] = []
    if gdf.crs is None:
        if not assume_crs:
            msg = (
                f"图层 {layer} 没有坐标系定义 (缺少 .prj 或 CRS)。"
                "请补充坐标系文件, 或在 landeval.toml 的 [project] 中设置 assume_crs"
                ' (例如 assume_crs = "EPSG:4549")'
            )
            raise DataError(msg)
        crs = parse_crs(assume_crs)
        gdf = gdf.set_crs(crs, allow_override=True)
        findings.append(
            Finding(
                "info",
                "CRS_ASSUMED",
                layer,
                None,
                None,
                f"图层没有坐标系, 按 [project] assume_crs 采用 {crs.to_string()}",
                "如可能, 请在数据中补充坐标系定义",
            )
        )
    else:
        gdf = gdf.copy()
    corrected, finding = _check_magnitudes(gdf, layer)
    if finding is not None:
        findings.append(finding)
    return corrected, findings


def _check_magnitudes(gdf: gpd.GeoDataFrame, layer: str) -> tuple[gpd.GeoDataFrame, Finding | None]:
    bounds = gdf.geometry.bounds.dropna()
    if bounds.empty:
        return gdf, None
    x = float(np.median((bounds["minx"] + bounds["maxx"]) / 2.0))
    y = float(np.median((bounds["miny"] + bounds["maxy"]) / 2.0))
    crs = CRS.from_user_input(gdf.crs)
    if crs.is_geographic:
        if abs(x) > 180 or abs(y) > 90:
            msg = (
                f"图层 {layer} 声明为地理坐标系 {crs.to_string()}, 但坐标量级为 "
                f"x≈{x:,.0f}, y≈{y:,.0f} (像是投影坐标, 单位米)"
            )
            raise DataError(msg)
        return gdf, None
    series = gk_series(crs)
    if abs(x) <= 180 and abs(y) <= 90:
        msg = (
            f"图层 {layer} 声明为投影坐标系 {crs.to_string()}, 但坐标 x≈{x:.4f}, y≈{y:.4f} "
            "像是经纬度; 请检查 .prj 或坐标系设置"
        )
        raise DataError(msg)
    if series is None:
        return gdf, None
    kind, cm = series
    true_epsg: int | None = None
    if kind == "cm" and x > 1e7:
        zone = math.floor(x / 1e6)
        if 25 <= zone <= 45:
            true_epsg = _ZONE_FIRST + zone - 25
    elif kind == "zone":
        zone = cm // 3
        if 0 < x < 1e6:
            true_epsg = _CM_ONLY_FIRST + (cm - _CM_MIN) // 3
        elif x > 1e7 and math.floor(x / 1e6) != zone and 25 <= math.floor(x / 1e6) <= 45:
            true_epsg = _ZONE_FIRST + math.floor(x / 1e6) - 25
    if true_epsg is None:
        return gdf, None
    declared = crs.to_epsg()
    fixed = gdf.set_crs(CRS.from_epsg(true_epsg), allow_override=True)
    finding = Finding(
        "warning",
        "CRS_MISMATCH_CORRECTED",
        layer,
        None,
        None,
        f"图层声明坐标系为 EPSG:{declared}, 但东坐标中位数为 {x:,.0f} m, 与该坐标系不符"
        f" (3度带带号前缀的东偏移为 带号×1,000,000+500,000); 已按 EPSG:{true_epsg} 处理",
        f"请把该图层的坐标系定义改为 EPSG:{true_epsg}",
    )
    return fixed, finding

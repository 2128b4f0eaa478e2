"""Per-parcel building coverage, height, counted floors, FAR and vacancy from rasters.

Definitions (``a`` is the area of a cell covered by the parcel, from exactextract, in the
raster CRS; ``f`` the footprint fraction, ÷ 100 for percent rasters, clipped to 0–1; ``h``
the building height; a cell is *built* when ``f > built_threshold``; nodata cells are left
out everywhere, they are never zero-height buildings):

- ``coverage`` (建筑系数) = Σ a·f / Σ a over cells with a valid footprint;
- ``height_mean`` = Σ a·f·h / Σ a·f over built cells with a valid height: the mean height
  per built area, so a half-built cell weighs half and the empty ground does not count;
- ``height_max`` = max h over built cells with a valid height;
- ``floors_est`` = Σ a·f·c(h) / Σ a·f over the same cells, with c the counted floors of
  :func:`landeval.raster.floors.counted_floors` (a float: the built-area mean);
- ``far_est`` (容积率) = ``floors_est`` × Σ a·f over built cells / Σ a over cells with a
  valid footprint. When every built cell has a height this is exactly the per-cell floor
  area Σ a·f·c(h) / Σ a, so a tall block beside a low hall is not averaged into a middling
  building; built cells without a height are counted at the mean floors of the measured
  ones (not as empty ground). Nothing built gives 0; built but no height at all, missing;
- ``vacant_share`` = Σ a over land-cover cells of a vacant class / Σ a over valid land-cover
  cells (missing without a land-cover raster);
- ``raster_cover_share`` = the covered valid area / the parcel's area, both in the raster
  CRS, taking the smallest over the rasters given: footprint cells that are valid and, when
  built, have a valid height; land-cover cells that are valid;
  below ``min_cover_share`` the parcel is ``partly_off_raster`` and gets a warning: its
  metrics describe the covered part only (means over valid cells, not over the whole
  parcel as if the missing part were empty);
- ``far`` = registered floor area / ``area_m2`` where the floor area is known
  (``far_source`` "registered"), else ``far_est`` ("raster"), else missing ("none"): the
  rule of :func:`landeval.raster.far.far`; ``far_diff`` = ``far_est`` − registered FAR
  where both exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landeval.config import RasterSettings
from landeval.errors import DataError
from landeval.findings import FINDING_COLUMNS, Finding, concat_findings, findings_frame
from landeval.inputs.model import RESULT_COLUMNS
from landeval.raster.cells import BATCH_CELLS, Cells, iter_cells
from landeval.raster.far import far as far_rule
from landeval.raster.far import registered_far
from landeval.raster.floors import counted_floors
from landeval.raster.sources import KIND_ZH, check_pair, open_raster

_SHARE_TOL = 1e-6
"""Slack on cover shares: exactextract's covered areas add up to the polygon's area only to
floating-point precision (~1e-9 relative at 500 km coordinates)."""

_BUILDING_SUMS = ("a_fp", "af", "a_far", "af_built", "af_measured", "afh", "af_floors")


def parcel_raster_metrics(
    parcels: gpd.GeoDataFrame,
    *,
    footprint: Sequence[Path],
    height: Sequence[Path],
    landcover: Sequence[Path] = (),
    settings: RasterSettings,
    batch_cells: int = BATCH_CELLS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Measure building coverage, height, floors, FAR and vacancy per parcel.

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
        Parcels with ``parcel_id``, ``area_m2`` (computed from geometry when absent) and
        optionally ``floor_area_m2`` (registered floor area, 不动产登记); any CRS with a
        definition. Not modified.
    footprint, height, landcover : sequence of path-like
        Each raster kind as one GeoTIFF, one VRT or several tiles on a common grid; any CRS
        (parcels are reprojected to it, the raster is never resampled). ``footprint`` and
        ``height`` must share a CRS and have compatible grids. Empty: not available.
    settings : RasterSettings
        ``[raster]`` settings: footprint scale, built threshold, storey height, double-storey
        height, vacant classes, minimum cover share.
    batch_cells : int
        Upper bound of raster cells held per exactextract batch (memory, not results).

    Returns
    -------
    parcel_raster : pandas.DataFrame
        One row per parcel, in the parcels' order, with ``RESULT_COLUMNS["parcel_raster"]``
        (definitions in the module docstring).
    findings : pandas.DataFrame
        Parcels partly or wholly off the rasters, unusable values, missing raster kinds.

    Raises
    ------
    DataError
        The parcels have no CRS, or a raster is unreadable, has no CRS, or its tiles or
        kinds do not fit together.
    """
    _check_parcels(parcels)
    n = len(parcels)
    notes: list[pd.DataFrame] = []
    shares: list[np.ndarray] = []
    sums = {k: np.zeros(n) for k in _BUILDING_SUMS}
    h_max = np.full(n, np.nan)
    have_height = bool(footprint) and bool(height)

    if footprint:
        height_ctx = open_raster(height, kind="height") if height else nullcontext()
        with open_raster(footprint, kind="footprint") as fp, height_ctx as hs:
            if hs is not None:
                check_pair(fp, hs)
            geoms, area = _in_crs(parcels, fp.crs)
            bad = np.zeros(n, dtype=bool)
            for cells in iter_cells(geoms, fp, hs, kind="footprint", batch_cells=batch_cells):
                _add_building(sums, h_max, bad, cells, settings=settings, n=n)
        usable = sums["a_far"] if have_height else sums["a_fp"]
        shares.append(_share(usable, area))
        notes.append(_range_note(bad, parcels["parcel_id"]))
    if height and not footprint:
        notes.append(_kind_note("RASTER_NO_FOOTPRINT", "没有建筑覆盖栅格，建筑高度栅格未使用"))
    if footprint and not height:
        notes.append(_kind_note("RASTER_NO_HEIGHT", "没有建筑高度栅格，层数与容积率无法估算"))

    vacant = np.full(n, np.nan)
    if landcover:
        with open_raster(landcover, kind="landcover") as lc:
            geoms, area = _in_crs(parcels, lc.crs)
            a_valid, a_vacant = np.zeros(n), np.zeros(n)
            for cells in iter_cells(geoms, lc, kind="landcover", batch_cells=batch_cells):
                is_vacant = np.isin(cells.value, np.asarray(settings.vacant_classes, float))
                a_valid += np.bincount(cells.parcel, cells.area, minlength=n)
                a_vacant += np.bincount(cells.parcel, cells.area * is_vacant, minlength=n)
        vacant = _ratio(a_vacant, a_valid)
        shares.append(_share(a_valid, area))

    table = _assemble(
        parcels, sums, h_max, vacant, shares, settings=settings, have_height=have_height
    )
    if not (footprint or landcover):
        notes.append(_kind_note("RASTER_NONE", "未提供栅格，容积率仅来自不动产登记"))
    notes.append(_cover_notes(table, settings.min_cover_share))
    notes.append(_no_overlap_note(table, [*footprint, *landcover]))
    return table, concat_findings(*notes)


def _no_overlap_note(table: pd.DataFrame, paths: Sequence[Path]) -> pd.DataFrame:
    """One warning when the rasters cover none of the parcels.

    That is a wrong place or CRS, most likely, rather than parcels at the edge of a tile.
    """
    share = table["raster_cover_share"]
    if table.empty or not paths or (share.fillna(0) > 0).any():
        return findings_frame()
    names = ", ".join(Path(p).name for p in paths)
    return findings_frame(
        [
            Finding(
                severity="warning",
                code="RASTER_NO_OVERLAP",
                layer="raster",
                row_id=names,
                field=None,
                message=(
                    f"栅格 {names} 与任何宗地都不重叠, 栅格指标全部缺失 (容积率只来自不动产登记)"
                ),
                suggestion="检查栅格的范围与坐标系是否与宗地一致 (例如在 QGIS 中叠加查看)",
            )
        ]
    )


def _check_parcels(parcels: gpd.GeoDataFrame) -> None:
    if parcels.crs is None:
        finding = Finding(
            severity="error",
            code="PARCELS_NO_CRS",
            layer="parcels",
            row_id=None,
            field="geometry",
            message="宗地图层没有坐标参考系，无法与栅格叠加",
            suggestion="为宗地图层指定坐标系（如 EPSG:4549）",
        )
        raise DataError(finding.message, findings=findings_frame([finding]))
    if "parcel_id" not in parcels.columns:
        msg = f"parcels need a parcel_id column; found {list(parcels.columns)}"
        raise ValueError(msg)


def _in_crs(parcels: gpd.GeoDataFrame, crs) -> tuple[np.ndarray, np.ndarray]:
    """Parcel geometries in ``crs`` (a rasterio CRS) and their areas there."""
    series = parcels.geometry
    target = CRS.from_wkt(crs.to_wkt())
    if series.crs != target:
        series = series.to_crs(target)
    geoms = series.to_numpy()
    return geoms, shapely.area(geoms)


def _add_building(
    sums: dict[str, np.ndarray],
    h_max: np.ndarray,
    bad: np.ndarray,
    cells: Cells,
    *,
    settings: RasterSettings,
    n: int,
) -> None:
    """Add one batch's footprint (and height) cells into the per-parcel sums, in place."""
    f = cells.value / 100.0 if settings.footprint_scale == "percent" else cells.value
    out_of_range = (f < 0) | (f > 1 + 1e-9)
    bad[cells.parcel[out_of_range]] = True
    f = np.clip(f, 0.0, 1.0)
    a, p = cells.area, cells.parcel
    sums["a_fp"] += np.bincount(p, a, minlength=n)
    sums["af"] += np.bincount(p, a * f, minlength=n)
    if cells.weight is None:
        return
    h = cells.weight
    # A negative height is a nodata value nobody declared: treat it as nodata.
    h_ok = np.isfinite(h) & (h >= 0)
    built = f > settings.built_threshold
    usable = ~built | h_ok
    sums["a_far"] += np.bincount(p[usable], a[usable], minlength=n)
    sums["af_built"] += np.bincount(p[built], a[built] * f[built], minlength=n)
    # Height, floors and FAR only need the built cells with a height: work on those alone.
    m = np.flatnonzero(built & h_ok)
    pm, hm = p[m], h[m]
    afm = a[m] * f[m]
    floors = counted_floors(hm, **_floor_settings(settings))
    sums["af_measured"] += np.bincount(pm, afm, minlength=n)
    sums["afh"] += np.bincount(pm, afm * hm, minlength=n)
    sums["af_floors"] += np.bincount(pm, afm * floors, minlength=n)
    np.fmax.at(h_max, pm, hm)


def _floor_settings(settings: RasterSettings) -> dict[str, float]:
    return {
        "storey_height_m": settings.storey_height_m,
        "double_storey_above_m": settings.double_storey_above_m,
    }


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _share(covered: np.ndarray, area: np.ndarray) -> np.ndarray:
    return np.minimum(_ratio(covered, area), 1.0)


def _assemble(
    parcels: gpd.GeoDataFrame,
    sums: dict[str, np.ndarray],
    h_max: np.ndarray,
    vacant: np.ndarray,
    shares: list[np.ndarray],
    *,
    settings: RasterSettings,
    have_height: bool,
) -> pd.DataFrame:
    n = len(parcels)
    nan = np.full(n, np.nan)
    coverage = _ratio(sums["af"], sums["a_fp"])
    if have_height:
        height_mean = _ratio(sums["afh"], sums["af_measured"])
        floors_est = _ratio(sums["af_floors"], sums["af_measured"])
        built_coverage = _ratio(sums["af_built"], sums["a_fp"])
        # Nothing built: FAR 0 even though there is no height to count floors from.
        far_est = np.where(built_coverage == 0, 0.0, built_coverage * floors_est)
    else:
        height_mean = floors_est = far_est = nan
    cover = np.fmin.reduce(np.vstack(shares), axis=0) if shares else nan
    partly_off = cover < settings.min_cover_share - _SHARE_TOL  # NaN (no raster) → False

    area_m2 = _parcel_area(parcels)
    floor_area = (
        parcels["floor_area_m2"].to_numpy(dtype=np.float64, na_value=np.nan)
        if "floor_area_m2" in parcels.columns
        else nan
    )
    far, source = far_rule(floor_area, area_m2, far_est)
    table = pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"].to_numpy(),
            "coverage": coverage,
            "height_mean": height_mean,
            "height_max": h_max if have_height else nan,
            "floors_est": floors_est,
            "far_est": far_est,
            "far": far,
            "far_source": pd.array(source, dtype="string"),
            "far_diff": far_est - registered_far(floor_area, area_m2),
            "vacant_share": vacant,
            "raster_cover_share": cover,
            "partly_off_raster": partly_off,
        }
    )
    table["parcel_id"] = table["parcel_id"].astype(parcels["parcel_id"].dtype)
    return table[RESULT_COLUMNS["parcel_raster"]]


def _parcel_area(parcels: gpd.GeoDataFrame) -> np.ndarray:
    if "area_m2" in parcels.columns:
        return parcels["area_m2"].to_numpy(dtype=np.float64, na_value=np.nan)
    if parcels.crs.is_geographic:
        msg = "parcels in a geographic CRS need an area_m2 column"
        raise ValueError(msg)
    return shapely.area(parcels.geometry.to_numpy())


def _cover_notes(table: pd.DataFrame, min_share: float) -> pd.DataFrame:
    """One warning per parcel partly or wholly off the rasters (built column-wise)."""
    off = table[table["partly_off_raster"]]
    if off.empty:
        return findings_frame()
    share = off["raster_cover_share"]
    pct = (share * 100).round(1).astype(str)
    none = share.isna() | (share <= 0)
    partly = (
        "宗地只有 "
        + pct
        + f"% 的面积有有效栅格数据（低于 {min_share:.0%}），栅格指标仅按有数据部分计算"
    )
    message = np.where(none, "宗地不在栅格范围内或全部为无数据像元，无法计算栅格指标", partly)
    return pd.DataFrame(
        {
            "severity": "warning",
            "code": np.where(none, "RASTER_NOT_COVERED", "RASTER_PARTLY_OFF"),
            "layer": "parcels",
            "row_id": off["parcel_id"].astype(str).to_numpy(),
            "field": "raster_cover_share",
            "message": message,
            "suggestion": "补充覆盖该宗地的栅格瓦片，或核对宗地位置与坐标系",
        },
        columns=FINDING_COLUMNS,
    ).astype("object")


def _range_note(bad: np.ndarray, parcel_id: pd.Series) -> pd.DataFrame:
    if not bad.any():
        return findings_frame()
    examples = ", ".join(parcel_id[bad].astype(str).head(5))
    return findings_frame(
        [
            Finding(
                severity="warning",
                code="RASTER_FOOTPRINT_RANGE",
                layer="raster:footprint",
                row_id=None,
                field=None,
                message=(
                    f"{int(bad.sum())} 个宗地内有超出 0–1 范围的{KIND_ZH['footprint']}值"
                    f"（如 {examples}），已截断到 0–1"
                ),
                suggestion="核对 [raster] footprint_scale（fraction 或 percent）与栅格的比例系数",
            )
        ]
    )


def _kind_note(code: str, message: str) -> pd.DataFrame:
    return findings_frame(
        [
            Finding(
                severity="info",
                code=code,
                layer="raster",
                row_id=None,
                field=None,
                message=message,
                suggestion="在 landeval.toml 的 [inputs.rasters] 中配置栅格",
            )
        ]
    )

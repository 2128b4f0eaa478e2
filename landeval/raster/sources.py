"""Opening a raster kind: one GeoTIFF, a VRT, or several tiles mosaicked as a VRT.

Every raster kind (footprint, height, land cover) is read through one rasterio dataset. Tiles
are never merged into memory: several tiles become a VRT document written to a temporary
folder, which GDAL reads window by window like any raster. The tiles must share CRS, cell
size, grid alignment, band data type and scale/offset; where tiles overlap, the later tile
in the list wins wherever it has valid data (its nodata cells stay transparent).

A raster without a CRS, a rotated grid, an unreadable file or tiles that do not fit together
are a :class:`~landeval.errors.DataError` carrying one error finding each.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import rasterio
from rasterio.errors import RasterioIOError

from landeval.errors import DataError
from landeval.findings import Finding, findings_frame

KIND_ZH: dict[str, str] = {"footprint": "建筑覆盖", "height": "建筑高度", "landcover": "土地覆盖"}
"""Chinese names of the raster kinds, for messages."""

_GDAL_TYPES: dict[str, str] = {
    "uint8": "Byte",
    "int8": "Int8",
    "uint16": "UInt16",
    "int16": "Int16",
    "uint32": "UInt32",
    "int32": "Int32",
    "uint64": "UInt64",
    "int64": "Int64",
    "float32": "Float32",
    "float64": "Float64",
}
"""GDAL data type names of numpy dtypes, for VRT documents."""

_ALIGN_TOL = 1e-6
"""Tolerance, in cells, for tiles to count as on the same grid."""


def raster_error(
    code: str, kind: str, path: Path | str | None, message: str, fix: str
) -> DataError:
    """A :class:`DataError` with one error finding on layer ``raster:<kind>``.

    Parameters
    ----------
    code : str
        Finding code, e.g. ``"RASTER_NO_CRS"``.
    kind : str
        Raster kind (footprint, height, landcover).
    path : path-like or None
        The file concerned, as the finding's row id.
    message, fix : str
        Chinese message and suggested fix.

    Returns
    -------
    DataError
        The exception to raise.
    """
    finding = Finding(
        severity="error",
        code=code,
        layer=f"raster:{kind}",
        row_id=None if path is None else str(path),
        field=None,
        message=message,
        suggestion=fix,
    )
    return DataError(f"{message} ({path})", findings=findings_frame([finding]))


@contextmanager
def open_raster(paths: Sequence[Path | str], *, kind: str) -> Iterator[rasterio.DatasetReader]:
    """Open the tiles of one raster kind as a single rasterio dataset.

    Parameters
    ----------
    paths : sequence of path-like
        One GeoTIFF, one ``.vrt``, or several tiles on a common grid.
    kind : str
        Raster kind, for messages.

    Yields
    ------
    rasterio.DatasetReader
        The raster (a VRT mosaic when several tiles are given), closed on exit.

    Raises
    ------
    DataError
        A file is unreadable, has no CRS or a rotated grid, or the tiles do not fit together.
    """
    if not paths:
        msg = f"no {kind} raster given"
        raise ValueError(msg)
    with ExitStack() as stack:
        tiles = [stack.enter_context(_open_one(Path(p), kind=kind)) for p in paths]
        if len(tiles) == 1:
            yield tiles[0]
            return
        xml = _mosaic_vrt(tiles, kind=kind)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="landeval-vrt-")))
        vrt = folder / f"{kind}.vrt"
        vrt.write_text(xml, encoding="utf-8")
        yield stack.enter_context(rasterio.open(vrt))


@contextmanager
def _open_one(path: Path, *, kind: str) -> Iterator[rasterio.DatasetReader]:
    name = KIND_ZH.get(kind, kind)
    try:
        ds = rasterio.open(path)
    except (RasterioIOError, OSError) as exc:
        raise raster_error(
            "RASTER_UNREADABLE",
            kind,
            path,
            f"{name}栅格无法读取：{exc}",
            "检查文件路径与格式（GeoTIFF 或 VRT）",
        ) from None
    try:
        if ds.crs is None:
            raise raster_error(
                "RASTER_NO_CRS",
                kind,
                path,
                f"{name}栅格没有坐标参考系（CRS），无法与宗地叠加",
                "为栅格指定坐标系，例如 gdal_edit.py -a_srs EPSG:4549",
            )
        t = ds.transform
        if t.b != 0 or t.d != 0:
            raise raster_error(
                "RASTER_ROTATED",
                kind,
                path,
                f"{name}栅格网格有旋转，不受支持",
                "用 gdalwarp 重采样为正北方向网格",
            )
        yield ds
    finally:
        ds.close()


def _mosaic_vrt(tiles: list[rasterio.DatasetReader], *, kind: str) -> str:
    """VRT XML placing ``tiles`` on their common grid (checked here)."""
    first = tiles[0]
    dx, dy = first.transform.a, first.transform.e  # dy < 0 for north-up rasters
    for ds in tiles[1:]:
        problem = _tile_mismatch(first, ds)
        if problem:
            raise raster_error(
                "RASTER_TILES_MISMATCH",
                kind,
                ds.name,
                f"{KIND_ZH.get(kind, kind)}栅格瓦片与第一块瓦片不一致：{problem}",
                "各瓦片须坐标系、分辨率、网格对齐、数据类型一致；可先用 gdalbuildvrt 检查",
            )
    left = min(ds.bounds.left for ds in tiles)
    right = max(ds.bounds.right for ds in tiles)
    top = max(ds.bounds.top for ds in tiles)
    bottom = min(ds.bounds.bottom for ds in tiles)
    width = round((right - left) / dx)
    height = round((top - bottom) / -dy)
    dtype = first.dtypes[0]
    if dtype not in _GDAL_TYPES:
        raise raster_error(
            "RASTER_DTYPE",
            kind,
            first.name,
            f"{KIND_ZH.get(kind, kind)}栅格的数据类型 {dtype} 不受支持",
            "转换为整数或浮点类型（gdal_translate -ot Float32）",
        )
    nodata = _mosaic_nodata(tiles, dtype)
    band = [f'  <VRTRasterBand dataType="{_GDAL_TYPES[dtype]}" band="1">']
    band.append(f"    <NoDataValue>{_fmt(nodata)}</NoDataValue>")
    if first.scales[0] != 1.0 or first.offsets[0] != 0.0:
        band.append(f"    <Scale>{first.scales[0]!r}</Scale>")
        band.append(f"    <Offset>{first.offsets[0]!r}</Offset>")
    for ds in tiles:
        xoff = round((ds.bounds.left - left) / dx)
        yoff = round((top - ds.bounds.top) / -dy)
        bx, by = ds.block_shapes[0][1], ds.block_shapes[0][0]
        src = [
            "    <ComplexSource>",
            f'      <SourceFilename relativeToVRT="0">{escape(str(Path(ds.name).resolve()))}'
            "</SourceFilename>",
            "      <SourceBand>1</SourceBand>",
            f'      <SourceProperties RasterXSize="{ds.width}" RasterYSize="{ds.height}" '
            f'DataType="{_GDAL_TYPES[dtype]}" BlockXSize="{bx}" BlockYSize="{by}"/>',
            f'      <SrcRect xOff="0" yOff="0" xSize="{ds.width}" ySize="{ds.height}"/>',
            f'      <DstRect xOff="{xoff}" yOff="{yoff}" xSize="{ds.width}" ySize="{ds.height}"/>',
        ]
        # A tile's own nodata cells stay transparent, so an overlapping tile shows through.
        if ds.nodata is not None:
            src.append(f"      <NODATA>{_fmt(ds.nodata)}</NODATA>")
        src.append("    </ComplexSource>")
        band.extend(src)
    band.append("  </VRTRasterBand>")
    gt = f"{left!r}, {dx!r}, 0.0, {top!r}, 0.0, {dy!r}"
    return "\n".join(
        [
            f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">',
            f"  <SRS>{escape(first.crs.to_wkt())}</SRS>",
            f"  <GeoTransform>{gt}</GeoTransform>",
            *band,
            "</VRTDataset>",
            "",
        ]
    )


def check_pair(footprint: rasterio.DatasetReader, height: rasterio.DatasetReader) -> None:
    """Raise when the height raster cannot be read cell by cell with the footprint raster.

    They must share a CRS, and their grids must be compatible for exactextract: cell sizes
    integer multiples of each other, origins a whole number of the finer cells apart.

    Raises
    ------
    DataError
        RASTER_CRS_DIFFER or RASTER_GRIDS_INCOMPATIBLE, naming the height raster.
    """
    if footprint.crs != height.crs:
        raise raster_error(
            "RASTER_CRS_DIFFER",
            "height",
            height.name,
            f"建筑高度栅格的坐标系（{height.crs}）与建筑覆盖栅格（{footprint.crs}）不同",
            "将两者处理到同一坐标系与网格（gdalwarp）",
        )
    problem = _grid_problem(footprint.transform, height.transform)
    if problem:
        raise raster_error(
            "RASTER_GRIDS_INCOMPATIBLE",
            "height",
            height.name,
            f"建筑高度栅格与建筑覆盖栅格的网格不兼容：{problem}",
            "将建筑高度栅格重采样到建筑覆盖栅格的网格（gdalwarp -tap -tr）",
        )


def _grid_problem(a, b) -> str:
    """Why two north-up grids cannot be combined cell by cell, or "" when they can."""
    for size_a, size_b, origin_a, origin_b in ((a.a, b.a, a.c, b.c), (-a.e, -b.e, a.f, b.f)):
        fine, coarse = sorted((abs(size_a), abs(size_b)))
        ratio = coarse / fine
        if abs(ratio - round(ratio)) > _ALIGN_TOL * ratio:
            return f"分辨率 {abs(size_a):g} 与 {abs(size_b):g} 不成整数倍"
        cells = (origin_b - origin_a) / fine
        if abs(cells - round(cells)) > _ALIGN_TOL:
            return f"网格未对齐（错开 {cells % 1:.4f} 个像元）"
    return ""


def _tile_mismatch(a: rasterio.DatasetReader, b: rasterio.DatasetReader) -> str:
    """Why tile ``b`` cannot share ``a``'s grid, or "" when it can."""
    if a.crs != b.crs:
        return f"坐标系不同（{a.crs} 与 {b.crs}）"
    ta, tb = a.transform, b.transform
    if not (math.isclose(ta.a, tb.a, rel_tol=1e-9) and math.isclose(ta.e, tb.e, rel_tol=1e-9)):
        return f"分辨率不同（{ta.a}×{-ta.e} 与 {tb.a}×{-tb.e}）"
    for shift, size in ((tb.c - ta.c, ta.a), (tb.f - ta.f, ta.e)):
        cells = shift / size
        if abs(cells - round(cells)) > _ALIGN_TOL:
            return f"网格未对齐（错开 {cells:.4f} 个像元）"
    if a.dtypes[0] != b.dtypes[0]:
        return f"数据类型不同（{a.dtypes[0]} 与 {b.dtypes[0]}）"
    if (a.scales[0], a.offsets[0]) != (b.scales[0], b.offsets[0]):
        return "比例系数（scale/offset）不同"
    return ""


def _mosaic_nodata(tiles: list[rasterio.DatasetReader], dtype: str) -> float:
    """Nodata of the mosaic: the first tile's, else NaN (floats) or the type's maximum.

    Cells no tile covers take this value, so gaps between tiles are nodata, never zero.
    """
    for ds in tiles:
        if ds.nodata is not None:
            return ds.nodata
    if np.issubdtype(np.dtype(dtype), np.floating):
        return math.nan
    return float(np.iinfo(np.dtype(dtype)).max)


def _fmt(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))

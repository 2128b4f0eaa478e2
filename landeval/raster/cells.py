"""The exactextract adapter: the raster cells under each parcel, with their covered areas.

One exactextract pass per raster kind (and batch) asks for three per-cell operations at once:
``values`` (the value raster), ``weights`` (a second raster on the same or a compatible grid,
read in the same pass) and ``coverage`` weighted by cartesian cell area, i.e. the area of
the cell that the parcel covers, in the raster CRS's units. Every statistic is then a
vectorised sum over these cells (see :mod:`landeval.raster.metrics`); partial cells count
by their covered fraction, nodata cells of the value raster are absent, nodata cells of the
weights raster come back as NaN.

Speed: parcels go to exactextract as WKB through a small feature source (not GeoJSON dicts),
results come back through a writer that only keeps arrays, and the processing strategy is
``raster-sequential`` (each raster block is read once per batch rather than once per parcel).
Memory and I/O: parcels are grouped by square blocks of the raster grid and each group is
cut into batches of bounded cell count; each exactextract call sees only the raster window
around its batch, so the per-cell arrays stay small whatever the number of parcels, and a
mosaic of distant tiles is never read across the empty space between them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import rasterio
import shapely
from exactextract import exact_extract
from exactextract.feature import Feature, FeatureSource
from exactextract.raster import RasterioRasterSource
from exactextract.writer import Writer

from landeval.raster.sources import raster_error

BATCH_CELLS = 8_000_000
"""Upper bound of the (bounding-box) cells in one exactextract batch: ~200 MB of arrays."""

BLOCK_CELLS = 1_000_000
"""Parcels are batched by square blocks of the grid of about this many cells (1000 × 1000)."""

_AREA_OP = "coverage(coverage_weight=area_cartesian)"
_AREA_OP_NAME = "coverage"  # the result column exactextract names it
_ID = "fid"


@dataclass(frozen=True)
class Cells:
    """The cells under a batch of parcels, flattened.

    Attributes
    ----------
    parcel : numpy.ndarray
        Position (0-based, in the caller's geometry array) of the parcel each cell is under.
    value : numpy.ndarray
        Value of the value raster (float64; nodata cells are absent).
    weight : numpy.ndarray or None
        Value of the weights raster at the same cell (NaN where it is nodata), or None.
    area : numpy.ndarray
        Area of the cell covered by the parcel, in the raster CRS's units.
    """

    parcel: np.ndarray
    value: np.ndarray
    weight: np.ndarray | None
    area: np.ndarray


def iter_cells(
    geoms: np.ndarray,
    values: rasterio.DatasetReader,
    weights: rasterio.DatasetReader | None = None,
    *,
    kind: str,
    batch_cells: int = BATCH_CELLS,
    block_cells: int = BLOCK_CELLS,
) -> Iterator[Cells]:
    """Yield the cells under ``geoms``, one batch of nearby parcels at a time.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Parcels in the raster's CRS; None or empty geometries are skipped.
    values : rasterio.DatasetReader
        The value raster (band 1).
    weights : rasterio.DatasetReader, optional
        A second raster read in the same pass (band 1), same CRS as ``values``.
    kind : str
        Raster kind, for error messages.
    batch_cells : int
        Upper bound of the parcels' bounding-box cells per exactextract call (memory).
    block_cells : int
        Parcels are grouped by square blocks of about this many cells; each call reads only
        the window of the raster around its group.

    Yields
    ------
    Cells
        Each batch's cells; every parcel appears in exactly one batch.

    Raises
    ------
    DataError
        The rasters cannot be read together (e.g. incompatible grids).
    """
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    positions = np.flatnonzero(ok)
    if positions.size == 0:
        return
    bounds = shapely.bounds(geoms[positions])
    for batch in _batches(bounds, values.transform, batch_cells, block_cells):
        box = (*bounds[batch, :2].min(axis=0), *bounds[batch, 2:].max(axis=0))
        value_src = _window_source(values, box)
        if value_src is None:  # the whole batch lies off the raster
            continue
        weight_src = None if weights is None else _window_source(weights, box)
        cells = _extract(geoms, positions[batch], value_src, weight_src, values, kind=kind)
        if weights is not None and weight_src is None:
            # The weights raster does not reach this batch: every weight is nodata.
            cells = replace(cells, weight=np.full(cells.value.shape, np.nan))
        yield cells


def _batches(bounds: np.ndarray, transform, batch_cells: int, block_cells: int) -> list[np.ndarray]:
    """Group parcels by square block of the raster grid, then cap each group's cells.

    A parcel belongs to the block holding its bounding-box centre, so a group's window is
    at most a block plus one parcel wide: rasters with large empty areas (tiles of distant
    industrial areas in one mosaic) are read only where parcels are. Vectorised: no loop
    over parcels.
    """
    res_x, res_y = abs(transform.a), abs(transform.e)
    side = max(1.0, np.sqrt(block_cells))
    cx = (bounds[:, 0] + bounds[:, 2]) / 2
    cy = (bounds[:, 1] + bounds[:, 3]) / 2
    bx = np.floor((cx - transform.c) / (side * res_x)).astype(np.int64)
    by = np.floor((cy - transform.f) / (side * res_y)).astype(np.int64)
    _, block = np.unique(np.stack([bx, by], axis=1), axis=0, return_inverse=True)
    block = block.ravel()
    cells = (bounds[:, 2] - bounds[:, 0]) * (bounds[:, 3] - bounds[:, 1]) / (res_x * res_y) + 1
    order = np.argsort(block, kind="stable")
    sorted_block = block[order]
    cum = np.cumsum(cells[order])
    first = np.searchsorted(sorted_block, sorted_block, side="left")
    before = np.where(first > 0, cum[first - 1], 0.0)
    # Within a block, a new batch every batch_cells cells of parcel bounding boxes.
    chunk = ((cum - before - cells[order]) // batch_cells).astype(np.int64)
    key = sorted_block * (int(chunk.max()) + 1) + chunk
    cuts = np.flatnonzero(np.diff(key)) + 1
    return np.split(order, cuts)


def _window_source(ds: rasterio.DatasetReader, box: tuple) -> RasterioRasterSource | None:
    """The part of ``ds`` under ``box`` (snapped outwards to whole cells), or None."""
    t = ds.transform
    col0 = max(0, int(np.floor((box[0] - t.c) / t.a)) - 1)
    col1 = min(ds.width, int(np.ceil((box[2] - t.c) / t.a)) + 1)
    row0 = max(0, int(np.floor((box[3] - t.f) / t.e)) - 1)
    row1 = min(ds.height, int(np.ceil((box[1] - t.f) / t.e)) + 1)
    if col1 <= col0 or row1 <= row0:
        return None
    return _WindowSource(ds, col0, row0, col1 - col0, row1 - row0)


class _WindowSource(RasterioRasterSource):
    """A rasterio band seen through a window: exactextract reads nothing outside it."""

    def __init__(self, ds: rasterio.DatasetReader, col0: int, row0: int, width: int, height: int):
        super().__init__(ds)
        self._col0, self._row0 = col0, row0
        t = ds.transform
        left, top = t.c + col0 * t.a, t.f + row0 * t.e
        self._extent = (left, top + height * t.e, left + width * t.a, top)
        self._res = (t.a, -t.e)

    def res(self) -> tuple[float, float]:
        return self._res

    def extent(self) -> tuple[float, float, float, float]:
        return self._extent

    def read_window(self, x0: int, y0: int, nx: int, ny: int):
        return super().read_window(x0 + self._col0, y0 + self._row0, nx, ny)


def _extract(
    geoms: np.ndarray,
    positions: np.ndarray,
    values: RasterioRasterSource,
    weights: RasterioRasterSource | None,
    dataset: rasterio.DatasetReader,
    *,
    kind: str,
) -> Cells:
    ops = ["values", _AREA_OP] + (["weights"] if weights is not None else [])
    source = _WkbSource(shapely.to_wkb(geoms[positions]), dataset.crs.to_wkt())
    writer = _ArrayWriter()
    try:
        exact_extract(
            values,
            source,
            ops,
            weights=weights,
            include_cols=[_ID],
            strategy="raster-sequential",
            output=writer,
        )
    except RuntimeError as exc:
        raise raster_error(
            "RASTER_EXTRACT_FAILED",
            kind,
            dataset.name,
            f"栅格统计失败：{exc}",
            "检查建筑覆盖与建筑高度栅格的网格是否兼容（分辨率成整数倍、对齐）",
        ) from None
    cols = writer.columns
    counts = np.fromiter((len(a) for a in cols["values"]), dtype=np.int64, count=len(cols[_ID]))
    parcel = np.repeat(positions[np.asarray(cols[_ID], dtype=np.int64)], counts)
    weight = None if weights is None else _flat(cols["weights"], counts)
    return Cells(
        parcel=parcel,
        value=_flat(cols["values"], counts),
        weight=weight,
        area=_flat(cols[_AREA_OP_NAME], counts),
    )


def _flat(arrays: list, counts: np.ndarray) -> np.ndarray:
    if not arrays or counts.sum() == 0:
        return np.empty(0, dtype=np.float64)
    return np.concatenate(arrays).astype(np.float64, copy=False)


class _WkbFeature(Feature):
    """A parcel handed to exactextract as WKB, with its position as the only field."""

    def __init__(self, wkb: bytes, fid: int) -> None:
        Feature.__init__(self)
        self._wkb = wkb
        self._fid = fid

    def geometry(self) -> bytes:
        return self._wkb

    def set_geometry_format(self) -> str:
        return "wkb"

    def get(self, name: str) -> int:
        return self._fid

    def fields(self) -> list[str]:
        return [_ID]


class _WkbSource(FeatureSource):
    """Feature source over an array of WKB geometries in the raster's CRS."""

    def __init__(self, wkbs: np.ndarray, srs_wkt: str) -> None:
        super().__init__()
        self._wkbs = wkbs
        self._srs_wkt = srs_wkt

    def count(self) -> int:
        return len(self._wkbs)

    def __iter__(self) -> Iterator[_WkbFeature]:
        for fid, wkb in enumerate(self._wkbs):
            yield _WkbFeature(wkb, fid)

    def srs_wkt(self) -> str:
        return self._srs_wkt


class _Sink(Feature):
    """Receives one result row from exactextract (via ``copy_to``)."""

    def __init__(self) -> None:
        Feature.__init__(self)
        self.row: dict = {}

    def set(self, name: str, value) -> None:
        self.row[name] = value

    def set_geometry(self, geometry) -> None:
        pass

    def set_geometry_format(self) -> str:
        return "wkb"

    def get(self, name: str):
        return self.row[name]

    def fields(self) -> list[str]:
        return list(self.row)


class _ArrayWriter(Writer):
    """Collects each operation's result into a list per column (no per-row dicts kept)."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: dict[str, list] = {}

    def add_operation(self, op) -> None:
        self.columns[op.name] = []

    def add_column(self, col_name: str) -> None:
        self.columns[col_name] = []

    def write(self, feature) -> None:
        sink = _Sink()
        feature.copy_to(sink)
        for name, column in self.columns.items():
            column.append(sink.row.get(name, ()))

    def finish(self) -> None:
        pass

    def features(self) -> dict[str, list]:
        return self.columns

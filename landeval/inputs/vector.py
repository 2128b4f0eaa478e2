"""Reading vector layers with pyogrio (any OGR format), with the right text encoding.

A path may name a layer inside a multi-layer source: ``parcels.gpkg#parcels``. Shapefiles
get their encoding decided by :func:`landeval.inputs.encoding.shapefile_encoding` and the
decision is recorded as an info finding. The frame comes back with the file's own column
names, the geometry and ``source_row`` (the feature's position, 1-based).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.encoding import label, shapefile_encoding
from landeval.inputs.model import SOURCE_ROW


def split_layer(spec: str) -> tuple[str, str | None]:
    """Split ``"file.gpkg#layer"`` into ``("file.gpkg", "layer")``; no ``#`` gives None."""
    path, _, layer = spec.partition("#")
    return path, (layer or None)


@dataclass(frozen=True)
class VectorSource:
    """A vector layer opened and checked, its features not read yet.

    Attributes
    ----------
    path : Path
        The data source.
    layer : str
        Canonical layer name.
    layer_name : str or None
        The layer inside the source (None: the only one).
    encoding : str or None
        The text encoding to read a shapefile's attributes with.
    measured : bool
        The source declares measured (M) geometries: GDAL warns while reading them, and
        the warning is silenced (:func:`_quiet_m`), which must happen on the main thread.
    findings : list of Finding
        Layer chosen, encoding detected.
    """

    path: Path
    layer: str
    layer_name: str | None
    encoding: str | None
    measured: bool
    findings: list[Finding] = field(default_factory=list)


def read_vector_file(
    path: Path, *, layer: str, layer_name: str | None = None
) -> tuple[gpd.GeoDataFrame, list[Finding]]:
    """Read one vector layer.

    Parameters
    ----------
    path : Path
        The data source (file or folder such as a shapefile folder or .gdb).
    layer : str
        Canonical layer name, for findings and to choose among several layers.
    layer_name : str, optional
        The layer inside the source (``#layer``). Default: the only layer, else the one
        named like ``layer``, else the first (with an info finding).

    Returns
    -------
    (GeoDataFrame, list of Finding)

    Raises
    ------
    DataError
        The source is missing or unreadable, or the layer does not exist.
    """
    source = open_vector_file(path, layer=layer, layer_name=layer_name)
    return read_features(source), list(source.findings)


def open_vector_file(path: Path, *, layer: str, layer_name: str | None = None) -> VectorSource:
    """Open and check a vector layer without reading its features (see :func:`read_vector_file`).

    Raises
    ------
    DataError
        The source is missing or unreadable, or the layer does not exist.
    """
    if not path.exists():
        msg = f"文件不存在: {path}"
        raise DataError(msg)
    findings: list[Finding] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except (DataSourceError, OSError) as exc:
        msg = f"{path.name}: 无法作为矢量数据打开 ({exc})"
        raise DataError(msg) from None
    measured = False
    for note in caught:
        if _MEASURED in str(note.message):
            measured = True  # silenced, as _quiet_m does
        else:
            warnings.warn_explicit(note.message, note.category, note.filename, note.lineno)
    if layer_name is None and len(layers) > 1:
        layer_name = layer if layer in layers else layers[0]
        if layer_name != layer:
            findings.append(
                Finding(
                    "info",
                    "LAYER_CHOSEN",
                    layer,
                    None,
                    None,
                    f"{path.name} 有多个图层 {layers}, 读取了第一个 {layer_name!r}",
                    f"可在路径后加 #图层名 指定, 例如 {path.name}#{layers[0]}",
                )
            )
    if layer_name is not None and layer_name not in layers:
        msg = f"{path.name} 中没有图层 {layer_name!r}; 有: {', '.join(layers)}"
        raise DataError(msg)
    encoding = None
    if path.suffix.lower() in {".shp", ".dbf"}:
        encoding, how = shapefile_encoding(path)
        if encoding is not None:
            findings.append(
                Finding(
                    "info",
                    "ENCODING_DETECTED",
                    layer,
                    None,
                    None,
                    f"{path.name} 的属性文本按 {label(encoding)} 解码 ({how})",
                    "" if ".cpg" in how else "建议随 shapefile 提供 .cpg 文件 (如 GBK 或 UTF-8)",
                )
            )
    return VectorSource(path, layer, layer_name, encoding, measured, findings)


def read_features(source: VectorSource) -> gpd.GeoDataFrame:
    """Read the features of an opened layer, with ``source_row``.

    Safe on a worker thread when ``source.measured`` is false: no warning filter is
    changed then (``warnings.catch_warnings`` is not thread-safe), and GDAL has no
    measured geometries to warn about.

    Raises
    ------
    DataError
        The layer cannot be read or has no geometry.
    """
    path, layer_name = source.path, source.layer_name
    quiet = _quiet_m() if source.measured else contextlib.nullcontext()
    try:
        with quiet:
            gdf = pyogrio.read_dataframe(
                path, layer=layer_name, encoding=source.encoding, use_arrow=True, on_invalid="warn"
            )
    except (DataSourceError, DataLayerError, FieldError, GeometryError, OSError) as exc:
        msg = f"{path.name}: 读取失败 ({exc})"
        raise DataError(msg) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        msg = f"{path.name}: 图层 {layer_name or ''} 没有几何字段"
        raise DataError(msg)
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    gdf = gdf.reset_index(drop=True)
    gdf[SOURCE_ROW] = range(1, len(gdf) + 1)
    return gdf


_MEASURED = "Measured (M) geometry"


@contextlib.contextmanager
def _quiet_m() -> Iterator[None]:
    """Silence GDAL's note on measured (M) geometries.

    The M values are dropped and recorded by :func:`landeval.validate.repair_geometries`
    (GEOMETRY_ZM_DROPPED).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Measured \(M\) geometry", category=UserWarning)
        yield

"""Reading vector layers with pyogrio (any OGR format), with the right text encoding.

A path may name a layer inside a multi-layer source: ``parcels.gpkg#parcels``. Shapefiles
get their encoding decided by :func:`landeval.inputs.encoding.shapefile_encoding` and the
decision is recorded as an info finding. The frame comes back with the file's own column
names, the geometry and ``source_row`` (the feature's position, 1-based).
"""

from __future__ import annotations

import contextlib
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyarrow as pa
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.encoding import (
    ShapefileEncoding,
    label,
    shapefile_encoding,
    zipped_shapefile_encoding,
)
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
    target: str = ""
    """What GDAL opens: the path, or ``/vsizip/…/x.shp`` for a zipped shapefile."""


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
    # A zipped shapefile is read through GDAL's /vsizip/ with its .shp named, so that its
    # attribute encoding is decided like any shapefile's.
    member = _zipped_shapefile(path, layer, layer_name) if path.suffix.lower() == ".zip" else None
    target = f"/vsizip/{path.resolve().as_posix()}/{member}" if member else str(path)
    if member is not None:
        layer_name = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            layers = [str(row[0]) for row in pyogrio.list_layers(target)]
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
    choice = None
    if path.suffix.lower() in {".shp", ".dbf"}:
        choice = shapefile_encoding(path)
    elif member is not None:
        choice = zipped_shapefile_encoding(path, member)
    if choice is not None and choice.encoding is not None:
        encoding = choice.encoding
        findings.append(_encoding_finding(path, layer, choice))
    return VectorSource(path, layer, layer_name, encoding, measured, findings, target)


def _encoding_finding(path: Path, layer: str, choice: ShapefileEncoding) -> Finding:
    """How the attribute text was decoded: a note, or a warning when the declaration was wrong."""
    if choice.declared_wrong:
        return Finding(
            "warning",
            "ENCODING_DECLARED_WRONG",
            layer,
            None,
            None,
            f"{path.name} 的属性文本按 {label(choice.encoding or '')} 解码 ({choice.how})",
            "请更正或删除 shapefile 的 .cpg 文件 (写明 GBK 或 UTF-8), 并核对中文字段是否正确",
        )
    return Finding(
        "info",
        "ENCODING_DETECTED",
        layer,
        None,
        None,
        f"{path.name} 的属性文本按 {label(choice.encoding or '')} 解码 ({choice.how})",
        "" if ".cpg" in choice.how else "建议随 shapefile 提供 .cpg 文件 (如 GBK 或 UTF-8)",
    )


def _zipped_shapefile(path: Path, layer: str, layer_name: str | None) -> str | None:
    """The shapefile inside a zip archive to read (``dir/parcels.shp``), if it holds any.

    The one named by ``#layer`` (its file name without .shp), else the only one, else the
    one named like the canonical layer. None: not a zip of shapefiles (GDAL opens it as
    it is).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.lower().endswith(".shp")]
    except (zipfile.BadZipFile, OSError) as exc:
        msg = f"{path.name}: 不是有效的 zip 压缩文件 ({exc})"
        raise DataError(msg) from None
    if not members:
        return None
    by_stem = {Path(m).stem: m for m in members}
    for wanted in (layer_name, None if len(members) > 1 else Path(members[0]).stem, layer):
        if wanted is not None and wanted in by_stem:
            return by_stem[wanted]
    shown = ", ".join(sorted(by_stem))
    msg = (
        f"{path.name} 中有多个 shapefile ({shown}); 请在路径后加 #名称 指定, 例如"
        f" {path.name}#{sorted(by_stem)[0]}"
    )
    raise DataError(msg)


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
                source.target or path,
                layer=layer_name,
                encoding=source.encoding,
                use_arrow=True,
                on_invalid="warn",
            )
    except (DataSourceError, DataLayerError, FieldError, GeometryError, OSError) as exc:
        msg = f"{path.name}: 读取失败 ({exc})"
        raise DataError(msg) from None
    except (pa.ArrowException, UnicodeDecodeError):
        # Text GDAL handed over undecoded: the encoding decided was not the file's.
        msg = (
            f"{path.name}: 属性文本无法按 {label(source.encoding or 'utf-8')} 解码; 请在"
            " shapefile 旁放一个写明编码的 .cpg 文件 (GBK 或 UTF-8), 或另存为 GeoPackage"
        )
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

r"""Reading one input file into its canonical frame (the readers behind :mod:`landeval.inputs`).

Each function reads one file as a bureau hands it over and returns the canonical frame
(:data:`landeval.inputs.model.SCHEMAS`) plus the findings met on the way. Files are opened
read-only and never modified. Bad data raises :class:`~landeval.errors.DataError` (for a
file that cannot be used at all) or becomes findings (for values and rows).

Examples
--------
>>> from landeval.config import default_config
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "tax.csv").write_text("信用代码,年度,税收合计\n91330602MA2BCDEF1X,2023,12.5\n")
>>> frame, findings = read_table("tax.csv", "firm_tax", config=default_config(), base=d)
>>> frame[["uscc", "year", "tax"]].to_dict("records")
[{'uscc': '91330602MA2BCDEF1X', 'year': 2023, 'tax': 12.5}]
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from landeval.config import Config
from landeval.findings import Finding
from landeval.inputs.canonical import canonicalize
from landeval.inputs.crs import resolve_crs
from landeval.inputs.model import MONEY_COLUMNS, SOURCE_ROW
from landeval.inputs.tables import read_raw_table
from landeval.inputs.units import m2_to_mu
from landeval.inputs.vector import VectorSource, open_vector_file, read_features, split_layer

__all__ = [
    "SOURCE_ROW",
    "OpenVector",
    "add_area",
    "canonicalize",
    "open_vector",
    "read_table",
    "read_vector",
    "resolve",
]


def resolve(spec: str, *, config: Config, base: Path | None = None) -> tuple[Path, str | None]:
    """The absolute path and the ``#layer`` (or sheet) part of an input spec."""
    file, part = split_layer(spec)
    path = Path(file)
    if not path.is_absolute():
        root = base if base is not None else config.project_dir
        path = (root / path) if root is not None else path
    return path, part


def read_table(
    spec: str, layer: str, *, config: Config, base: Path | None = None
) -> tuple[pd.DataFrame, list[Finding]]:
    """Read a CSV/XLSX/Parquet table into its canonical columns.

    Parameters
    ----------
    spec : str
        Path relative to the project folder (or ``base``), optionally ``file.xlsx#sheet``.
    layer : str
        Canonical table name (``"firms"``, ``"firm_tax"``, …).
    config : Config
        The project configuration (``[fields]`` and ``[units]`` are used).
    base : Path, optional
        Folder relative paths start from (default: the project folder).

    Returns
    -------
    (DataFrame, list of Finding)
        The canonical frame with :data:`SOURCE_ROW`, and the findings.

    Raises
    ------
    DataError
        The file is missing, unreadable or lacks a required column.
    """
    path, sheet = resolve(spec, config=config, base=base)
    raw = read_raw_table(path, layer=layer, sheet=sheet)
    money_unit = getattr(config.units, layer) if layer in MONEY_COLUMNS else None
    frame, findings = canonicalize(
        raw.frame,
        layer,
        mapping=config.fields.get(layer),
        money_unit=money_unit,
        header_units=raw.units,
        source=path.name,
    )
    return frame, [*raw.findings, *findings]


def read_vector(
    spec: str, layer: str, *, config: Config, base: Path | None = None
) -> tuple[gpd.GeoDataFrame, list[Finding]]:
    """Read a vector layer into its canonical columns, with its CRS decided.

    The CRS is the declared one, corrected when its GK series is mixed up and assumed from
    ``[project] assume_crs`` when missing (see :func:`landeval.inputs.crs.resolve_crs`). The
    coordinates are as in the file; :func:`landeval.inputs.project.load_inputs` reprojects.

    Raises
    ------
    DataError
        The source is missing or unreadable, a required column is missing, or the layer has
        no CRS and none is assumed.
    """
    return open_vector(spec, layer, config=config, base=base).result()


@dataclass(frozen=True)
class OpenVector:
    """A vector layer opened by :func:`open_vector`; :meth:`result` finishes reading it."""

    layer: str
    config: Config
    source: VectorSource
    features: Future[gpd.GeoDataFrame] | None

    def start(self, pool: Executor) -> OpenVector:
        """The layer with its features being read on ``pool`` (a worker thread).

        Reading the features is GDAL and GEOS work, mostly outside the GIL: on a worker
        thread it overlaps with reading the tables. A source with measured (M) geometries
        is read by :meth:`result` instead (see
        :class:`~landeval.inputs.vector.VectorSource`).
        """
        if self.source.measured or self.features is not None:
            return self
        return replace(self, features=pool.submit(read_features, self.source))

    def result(self) -> tuple[gpd.GeoDataFrame, list[Finding]]:
        """What :func:`read_vector` gives: waits for the features, canonicalises them.

        Raises
        ------
        DataError
            As :func:`read_vector`, for problems found after opening.
        """
        source, config = self.source, self.config
        gdf = self.features.result() if self.features is not None else read_features(source)
        frame, more = canonicalize(
            gdf, self.layer, mapping=config.fields.get(self.layer), source=source.path.name
        )
        frame, crs_findings = resolve_crs(
            frame, layer=self.layer, assume_crs=config.project.assume_crs
        )
        return frame, [*source.findings, *more, *crs_findings]


def open_vector(spec: str, layer: str, *, config: Config, base: Path | None = None) -> OpenVector:
    """Open and check a vector layer; :meth:`OpenVector.result` reads it.

    ``open_vector(...).result()`` is :func:`read_vector`; :meth:`OpenVector.start` in
    between reads the features on a worker thread.

    Raises
    ------
    DataError
        The source is missing or unreadable, or the layer does not exist.
    """
    path, layer_name = resolve(spec, config=config, base=base)
    source = open_vector_file(path, layer=layer, layer_name=layer_name)
    return OpenVector(layer, config, source, None)


def add_area(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``parcels`` with ``area_m2`` and ``area_mu`` from its (projected) geometry.

    Raises
    ------
    ValueError
        The layer is not in a projected CRS (areas in degrees are meaningless).
    """
    if parcels.crs is None or not parcels.crs.is_projected:
        msg = "areas need a projected CRS; reproject first (landeval.inputs.crs.projected_crs_for)"
        raise ValueError(msg)
    out = parcels.copy()
    out["area_m2"] = out.geometry.area.astype("float64")
    out["area_mu"] = m2_to_mu(out["area_m2"])
    return out

"""The per-parcel spatial and raster stages on a partitioned parcel layer (dask-geopandas).

Beyond one machine's memory, parcels are kept as GeoParquet split into spatially compact
partitions (ordered along a Hilbert curve, so each partition covers a small area and reads
only the raster windows under it). Three stages look at one parcel at a time, against
layers that are small and shared by every partition, and so run partition by partition with
results that do not depend on the partitioning:

- raster metrics (:func:`landeval.raster.parcel_raster_metrics`),
- platform assignment (:func:`landeval.zoning.platforms.assign_platforms`),
- control-line shares (:func:`landeval.zoning.control_line.control_line_shares`).

Each function here takes a ``dask_geopandas.GeoDataFrame``, runs the in-memory function on
every partition (in parallel on the dask scheduler) and returns the concatenated pandas
result, indexed like the parcels (sort by index to compare with an unpartitioned run).
The scoring stage needs every firm-year of a county at once (benchmarks are county means),
so it stays a DuckDB job over the whole table; see the README section "Scale".

Needs the optional ``scale`` extra (``pip install "landeval[scale]"``: dask-geopandas).

Examples
--------
>>> from landeval import partitioned, pipeline
>>> config, inputs = pipeline.load()
>>> parts = partitioned.hilbert_partitions(inputs.parcels, npartitions=4)
>>> parts.npartitions
4
>>> shares = partitioned.control_line_shares(parts, inputs.control_line, config=config)
>>> len(shares) == len(inputs.parcels)
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from landeval.config import Config, RasterSettings
from landeval.errors import ConfigError
from landeval.findings import concat_findings

if TYPE_CHECKING:
    import dask_geopandas


def hilbert_partitions(
    parcels: gpd.GeoDataFrame, *, npartitions: int
) -> dask_geopandas.GeoDataFrame:
    """Split parcels into ``npartitions`` spatially compact partitions (Hilbert order).

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
        Parcels in a projected CRS; not modified.
    npartitions : int
        Number of partitions.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        The same rows and index, reordered along a Hilbert curve of the parcels' centres.
    """
    dgpd = _dask_geopandas()
    # Sorted here rather than with dask's spatial_shuffle, which replaces the index by the
    # Hilbert distance: the parcels' own index must survive to put results back in order.
    distance = parcels.geometry.hilbert_distance(total_bounds=parcels.total_bounds)
    order = distance.to_numpy().argsort(kind="stable")
    with _keep_dtypes():
        return dgpd.from_geopandas(parcels.iloc[order], npartitions=npartitions, sort=False)


def write_partitioned(parcels: gpd.GeoDataFrame, path: str | Path, *, npartitions: int) -> Path:
    """Write parcels as Hilbert-partitioned GeoParquet (one file per partition).

    Read back with ``dask_geopandas.read_parquet(path)``; each partition keeps its
    bounding box in the metadata, so readers can skip partitions by area.
    """
    out = Path(path)
    hilbert_partitions(parcels, npartitions=npartitions).to_parquet(out)
    return out


def parcel_raster_metrics(
    parcels: dask_geopandas.GeoDataFrame,
    *,
    footprint: Sequence[Path],
    height: Sequence[Path],
    landcover: Sequence[Path] = (),
    settings: RasterSettings,
    scheduler: str = "threads",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raster metrics per parcel, one partition at a time.

    Parameters are those of :func:`landeval.raster.parcel_raster_metrics`, with
    ``parcels`` a dask-geopandas frame; ``scheduler`` is the dask scheduler
    (exactextract and GEOS release the GIL, so threads run partitions side by side).

    Returns
    -------
    parcel_raster : pandas.DataFrame
        One row per parcel, indexed like the parcels.
    findings : pandas.DataFrame
        The partitions' findings; one about a whole raster is kept once.
    """
    from landeval.raster import parcel_raster_metrics as metrics  # noqa: PLC0415

    def one(part: gpd.GeoDataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        table, findings = metrics(
            part, footprint=footprint, height=height, landcover=landcover, settings=settings
        )
        return table.set_axis(part.index, axis=0), findings

    results = _per_partition(parcels, one, scheduler=scheduler)
    tables = pd.concat([t for t, _ in results])
    findings = concat_findings(*[f for _, f in results]).drop_duplicates(ignore_index=True)
    return tables, findings


def assign_platforms(
    parcels: dask_geopandas.GeoDataFrame,
    platforms: gpd.GeoDataFrame | None,
    *,
    config: Config,
    scheduler: str = "threads",
) -> pd.DataFrame:
    """:func:`landeval.zoning.platforms.assign_platforms`, one partition at a time."""
    from landeval.zoning.platforms import assign_platforms as assign  # noqa: PLC0415

    return _overlay(assign, parcels, platforms, config=config, scheduler=scheduler)


def control_line_shares(
    parcels: dask_geopandas.GeoDataFrame,
    control_line: gpd.GeoDataFrame | None,
    *,
    config: Config,
    scheduler: str = "threads",
) -> pd.DataFrame:
    """:func:`landeval.zoning.control_line.control_line_shares`, one partition at a time."""
    from landeval.zoning.control_line import control_line_shares as shares  # noqa: PLC0415

    return _overlay(shares, parcels, control_line, config=config, scheduler=scheduler)


def _overlay(
    func: Callable,
    parcels: dask_geopandas.GeoDataFrame,
    layer: gpd.GeoDataFrame | None,
    *,
    config: Config,
    scheduler: str,
) -> pd.DataFrame:
    """An overlay of every partition with the same (whole) ``layer``, concatenated."""
    results = _per_partition(
        parcels, lambda part: func(part, layer, config=config), scheduler=scheduler
    )
    return pd.concat(results)


def _per_partition(parcels: dask_geopandas.GeoDataFrame, func: Callable, *, scheduler: str) -> list:
    """``func`` applied to every partition (as a GeoDataFrame), results in partition order."""
    import dask  # noqa: PLC0415 - installed with dask-geopandas, which made the frame

    with _keep_dtypes():
        tasks = [dask.delayed(func)(part) for part in parcels.to_delayed()]
        return list(dask.compute(*tasks, scheduler=scheduler))


def _keep_dtypes():
    """Dask would turn text columns into its own string dtype; keep pandas' own."""
    import dask  # noqa: PLC0415

    return dask.config.set({"dataframe.convert-string": False})


def _dask_geopandas():
    try:
        import dask_geopandas  # noqa: PLC0415
    except ImportError:  # pragma: no cover - depends on the environment
        msg = (
            "partitioned stages need dask-geopandas: pip install 'landeval[scale]' "
            "(or pip install dask-geopandas)"
        )
        raise ConfigError(msg) from None
    return dask_geopandas

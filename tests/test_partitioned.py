"""The per-parcel stages on 4 Hilbert partitions give exactly the one-frame results."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval import partitioned, pipeline
from landeval.raster import parcel_raster_metrics
from landeval.zoning.control_line import control_line_shares
from landeval.zoning.platforms import assign_platforms

dask_geopandas = pytest.importorskip("dask_geopandas")


@pytest.fixture(scope="module")
def demo():
    return pipeline.load()


@pytest.fixture(scope="module")
def parts(demo):
    _, inputs = demo
    return partitioned.hilbert_partitions(inputs.parcels, npartitions=4)


def test_partitions_are_spatially_compact(demo, parts):
    _, inputs = demo
    assert parts.npartitions == 4
    pieces = [p.compute() for p in parts.partitions]
    assert sorted(len(p) for p in pieces) != [0, 0, 0, len(inputs.parcels)]
    assert sum(len(p) for p in pieces) == len(inputs.parcels)
    # Hilbert order: each partition's box is far smaller than the whole layer's.
    whole = inputs.parcels.total_bounds
    whole_area = (whole[2] - whole[0]) * (whole[3] - whole[1])
    for piece in pieces:
        b = piece.total_bounds
        assert (b[2] - b[0]) * (b[3] - b[1]) < 0.6 * whole_area


@pytest.mark.slow
def test_raster_metrics_by_partition_equal_one_frame(demo, parts):
    config, inputs = demo
    rasters = inputs.rasters
    kwargs = {
        "footprint": rasters["footprint"],
        "height": rasters["height"],
        "landcover": rasters.get("landcover", []),
        "settings": config.raster,
    }
    whole, whole_findings = parcel_raster_metrics(inputs.parcels, **kwargs)
    split, split_findings = partitioned.parcel_raster_metrics(parts, **kwargs)
    whole = whole.set_axis(inputs.parcels.index, axis=0)
    assert len(split) == len(whole) == len(inputs.parcels)
    assert list(split.index) != list(whole.index)  # really reordered by the partitioning
    pd.testing.assert_frame_equal(split.sort_index(), whole, check_exact=False, rtol=1e-12)
    assert len(split_findings) == len(whole_findings)


def test_platforms_and_control_line_by_partition_equal_one_frame(demo, parts):
    config, inputs = demo
    plat_whole = assign_platforms(inputs.parcels, inputs.platforms, config=config)
    plat_split = partitioned.assign_platforms(parts, inputs.platforms, config=config)
    pd.testing.assert_frame_equal(plat_split.sort_index(), plat_whole)
    assert plat_whole["platform_id"].notna().sum() > 100

    line_whole = control_line_shares(inputs.parcels, inputs.control_line, config=config)
    line_split = partitioned.control_line_shares(parts, inputs.control_line, config=config)
    pd.testing.assert_frame_equal(line_split.sort_index(), line_whole)
    assert line_whole["inside_line"].sum() > 100


def test_geoparquet_partitions_round_trip(demo, tmp_path):
    config, inputs = demo
    path = partitioned.write_partitioned(inputs.parcels, tmp_path / "parcels", npartitions=4)
    assert len(list(path.glob("*.parquet"))) == 4
    back = dask_geopandas.read_parquet(path)
    assert back.npartitions == 4
    shares = partitioned.control_line_shares(back, inputs.control_line, config=config)
    whole = control_line_shares(inputs.parcels, inputs.control_line, config=config)
    pd.testing.assert_frame_equal(shares.sort_index(), whole)

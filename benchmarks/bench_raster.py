"""Benchmark of the raster stage: landeval vs bare exactextract vs rasterstats.

Synthetic inputs, generated here into a temporary folder: a jittered grid of irregular
quadrilateral parcels (median ~25 mu) over 5 m rasters (footprint fraction, height, land
cover; float32/uint8, deflate, 256×256 tiles, EPSG:4549) with building rectangles.

Timed, per 10k parcels (best of ``--repeat``; CPU time of the process, which is what the
ratios use because wall time is noisy on a shared machine, and wall time beside it):

- ``landeval``: :func:`landeval.raster.parcel_raster_metrics` with all three rasters;
- ``bare exactextract (same ops, default strategy)``: ``exact_extract`` on the same rasters
  and the same (reprojected) GeoDataFrame with the same operations (values, weights,
  coverage as area) and its defaults (feature-sequential, pandas output), one call for
  footprint + height and one for land cover — what a user would write;
- ``bare exactextract (same ops, raster-sequential)``: the same with the strategy landeval
  uses;
- ``bare exactextract (summary ops, …)``: native summary ops only (mean, count;
  weighted_mean, max; count, frac) with either strategy — not the same figures (no per-cell
  FAR, no built threshold, no nodata-aware weights), shown as a floor;
- ``rasterstats zonal_stats``: mean/count of footprint, mean/max of height, categorical land
  cover (cell-centre sampling, not coverage-weighted: a speed reference only).

Run: ``/tmp/venv/bin/python benchmarks/bench_raster.py --parcels 10000``.
"""

from __future__ import annotations

import argparse
import gc
import resource
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from exactextract import exact_extract
from rasterio.transform import from_origin
from rasterstats import zonal_stats

from landeval.config import default_config
from landeval.raster import parcel_raster_metrics

RES = 5.0
SIDE = 130.0  # parcel grid pitch in metres: ~16,900 m² ≈ 25 mu
X0, Y0 = 500_000.0, 3_300_000.0
AREA_OP = "coverage(coverage_weight=area_cartesian)"


def make_inputs(n_parcels: int, folder: Path, seed: int = 1) -> tuple[gpd.GeoDataFrame, dict]:
    rng = np.random.default_rng(seed)
    k = int(np.ceil(np.sqrt(n_parcels)))
    # jittered grid vertices → irregular quadrilaterals sharing edges, no overlaps
    gx, gy = np.meshgrid(np.arange(k + 1) * SIDE, np.arange(k + 1) * SIDE)
    jitter = rng.uniform(-0.2, 0.2, size=(2, k + 1, k + 1)) * SIDE
    vx, vy = X0 + 40 + gx + jitter[0], Y0 + 40 + gy + jitter[1]
    i, j = np.meshgrid(np.arange(k), np.arange(k))
    i, j = i.ravel()[:n_parcels], j.ravel()[:n_parcels]
    ring = np.stack(
        [
            np.stack([vx[j, i], vy[j, i]], -1),
            np.stack([vx[j, i + 1], vy[j, i + 1]], -1),
            np.stack([vx[j + 1, i + 1], vy[j + 1, i + 1]], -1),
            np.stack([vx[j + 1, i], vy[j + 1, i]], -1),
        ],
        axis=1,
    )
    parcels = gpd.GeoDataFrame(
        {"parcel_id": [f"P{n:07d}" for n in range(n_parcels)]},
        geometry=shapely.polygons(ring),
        crs="EPSG:4549",
    )
    parcels["area_m2"] = parcels.area
    parcels["floor_area_m2"] = np.where(
        rng.random(n_parcels) < 0.5, parcels["area_m2"] * rng.uniform(0.5, 2.5, n_parcels), np.nan
    )

    size = int(np.ceil((k * SIDE + 80) / RES))
    transform = from_origin(X0, Y0 + size * RES, RES, RES)
    paths = {kind: folder / f"{kind}.tif" for kind in ("footprint", "height", "landcover")}
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "crs": "EPSG:4549",
        "transform": transform,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
    }
    # buildings: random rectangles of 4–16 cells, written block row by block row
    with (
        rasterio.open(paths["footprint"], "w", dtype="float32", nodata=-1, **profile) as fp,
        rasterio.open(paths["height"], "w", dtype="float32", nodata=-1, **profile) as ht,
        rasterio.open(paths["landcover"], "w", dtype="uint8", nodata=255, **profile) as lc,
    ):
        for row0 in range(0, size, 256):
            rows = min(256, size - row0)
            window = rasterio.windows.Window(0, row0, size, rows)
            built = rng.random((rows, size)) < 0.45
            f = np.where(built, rng.choice([0.6, 0.9, 1.0], size=(rows, size)), 0.0)
            storeys = rng.integers(1, 7, size=(rows, size))
            h = np.where(built, storeys * 4.5, 0.0)
            halls = built & (rng.random((rows, size)) < 0.2)
            h = np.where(halls, rng.uniform(8.0, 14.0, size=(rows, size)), h)
            cover = np.where(built, 50, rng.choice([10, 30, 60, 80], size=(rows, size)))
            fp.write(f.astype("float32"), 1, window=window)
            ht.write(h.astype("float32"), 1, window=window)
            lc.write(cover.astype("uint8"), 1, window=window)
    return parcels, {k: [v] for k, v in paths.items()}


def timed(fn, repeat: int) -> tuple[float, float]:
    """Best CPU time and best wall time over ``repeat`` runs, in seconds."""
    cpu = wall = float("inf")
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        fn()
        cpu = min(cpu, time.process_time() - c)
        wall = min(wall, time.perf_counter() - t)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-rasterstats", action="store_true")
    args = parser.parse_args()

    settings = default_config().raster
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        parcels, rasters = make_inputs(args.parcels, Path(tmp))
        cells = rasterio.open(rasters["footprint"][0]).shape
        print(
            f"inputs: {len(parcels)} parcels, median {parcels.area.median():.0f} m², "
            f"rasters {cells[1]}×{cells[0]} cells of {RES} m, made in "
            f"{time.perf_counter() - t:.1f} s"
        )
        fp, ht, lc = (str(rasters[k][0]) for k in ("footprint", "height", "landcover"))
        shapes = parcels[["parcel_id", "geometry"]]  # exactextract rejects NaN attributes

        def landeval_stage():
            parcel_raster_metrics(parcels, **rasters, settings=settings)

        def bare(strategy):
            def run():
                ops = ["values", "weights", AREA_OP]
                exact_extract(fp, shapes, ops, weights=ht, output="pandas", strategy=strategy)
                exact_extract(lc, shapes, ["values", AREA_OP], output="pandas", strategy=strategy)

            return run

        def bare_summary(strategy):
            def run():
                kw = {"output": "pandas", "strategy": strategy}
                exact_extract(fp, shapes, ["mean", "count"], **kw)
                exact_extract(ht, shapes, ["weighted_mean", "max"], weights=fp, **kw)
                exact_extract(lc, shapes, ["count", "frac"], **kw)

            return run

        def rasterstats_run():
            zonal_stats(parcels, fp, stats=["mean", "count"])
            zonal_stats(parcels, ht, stats=["mean", "max"])
            zonal_stats(parcels, lc, categorical=True)

        runs = {
            "landeval parcel_raster_metrics": landeval_stage,
            "bare exactextract (same ops, default strategy)": bare("feature-sequential"),
            "bare exactextract (same ops, raster-sequential)": bare("raster-sequential"),
            "bare exactextract (summary ops, default strategy)": bare_summary("feature-sequential"),
            "bare exactextract (summary ops, raster-sequential)": bare_summary("raster-sequential"),
        }
        if not args.no_rasterstats:
            runs["rasterstats zonal_stats"] = rasterstats_run
        per10k = 10_000 / len(parcels)
        times = {}
        for name, fn in runs.items():
            # rasterstats is an order of magnitude slower: once is enough
            times[name] = timed(fn, 1 if name.startswith("rasterstats") else args.repeat)
            print(f"  {name}: cpu {times[name][0]:.2f} s, wall {times[name][1]:.2f} s", flush=True)
        base = times["landeval parcel_raster_metrics"][0]
        print(f"{'run':52s} {'cpu s/10k':>10s} {'wall s/10k':>11s} {'landeval ÷ it (cpu)':>20s}")
        for name, (cpu, wall) in times.items():
            print(f"{name:52s} {cpu * per10k:10.2f} {wall * per10k:11.2f} {base / cpu:20.2f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the process: {peak:.0f} MB")


if __name__ == "__main__":
    main()

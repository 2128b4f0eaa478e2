"""The scale benchmark: landeval at city, province and national size (issue 10, DESIGN §9).

For each size (parcels; firms and three years to match) it

1. generates the synthetic demo once with ``landeval demo --scale`` into a cache folder under
   /tmp (``--data``; reused when present);
2. runs the whole pipeline (:func:`landeval.pipeline.run`, what ``landeval run`` calls) in a
   fresh process, with maps up to ``--maps-max`` parcels and without above;
3. runs each stage alone, each in a fresh process: its prerequisites are prepared first and
   not timed (load for raster/scoring/zoning, scoring for zoning, the full run's store for
   store/exports/maps/report);
4. measures the side-by-side ratios: the raster stage against a bare exactextract call and
   rasterstats (:mod:`bench_raster`'s inputs and runs, at ``--raster-parcels``), and the
   evaluation against the compact pandas reference of :mod:`reference_eval`, which must give
   the same classes.

Memory: before each stage the process's peak-RSS mark is reset (``echo 5 >
/proc/self/clear_refs``, Linux) and ``VmHWM`` is read after it, so a stage's peak is the
process's true peak resident set during that stage (inputs it holds included); the total is
``ru_maxrss`` of the process. Time is wall time (``perf_counter``).

Results go to ``benchmarks/results.json`` and ``benchmarks/results.md``; a run over some sizes
replaces those sizes and keeps the others, so sizes can be run one at a time::

    /tmp/venv/bin/python benchmarks/run.py                         # 30k, 100k and 1M
    /tmp/venv/bin/python benchmarks/run.py --sizes 30000,100000
    /tmp/venv/bin/python benchmarks/run.py --sizes 1000000 --no-alone --no-ratios
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE_PARCELS = 3000  # parcels of the demo at scale 1
DEFAULT_SIZES = (30_000, 100_000, 1_000_000)
DEFAULT_DATA = Path("/tmp/landeval_bench")
ALONE_STAGES = ("load", "raster", "scoring", "zoning", "store", "exports", "maps", "report")
LIBRARIES = (
    "landeval",
    "pandas",
    "numpy",
    "geopandas",
    "shapely",
    "pyogrio",
    "pyarrow",
    "pyproj",
    "duckdb",
    "rasterio",
    "exactextract",
    "rasterstats",
    "folium",
    "xlsxwriter",
)


# --------------------------------------------------------------------------- measuring


def _peak_mb() -> float:
    """The process's peak RSS since the last reset (VmHWM), in MB."""
    with Path("/proc/self/status").open(encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    # Linux: writing 5 resets VmHWM, the peak-RSS mark, to the current RSS
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


class StageMeter:
    """A pipeline hook recording each stage's wall time and peak RSS."""

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        """Measure the stage ``name``."""
        _reset_peak()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = {
                "seconds": round(time.perf_counter() - t0, 2),
                "peak_mb": round(_peak_mb()),
            }
            print(f"    {name}: {self.stages[name]}", file=sys.stderr, flush=True)


def _total_peak_mb(meter: StageMeter) -> float:
    """The process's peak RSS: the stages' peaks and the mark since the last reset.

    ``ru_maxrss`` cannot be used: resetting VmHWM resets it too.
    """
    peaks = [s["peak_mb"] for s in meter.stages.values()]
    return round(max([_peak_mb(), *peaks]))


# --------------------------------------------------------------------------- children


def _child_full(project: Path, out: Path, *, maps: bool) -> dict:
    from landeval.pipeline import run  # noqa: PLC0415

    meter = StageMeter()
    t0 = time.perf_counter()
    result = run(project, out, maps=maps, hook=meter)
    seconds = time.perf_counter() - t0
    sizes = {k: p.stat().st_size for k, p in result.files.items() if p.is_file()}
    return {
        "seconds": round(seconds, 2),
        "peak_mb": _total_peak_mb(meter),
        "stages": meter.stages,
        "maps": maps,
        "rasters": result.tables.get("parcel_raster") is not None,
        "parcels": len(result.tables["parcel_eval"]),
        "firms": int(result.tables["firms"]["uscc"].nunique()),
        "output_bytes": sizes,
    }


def _child_alone(stage: str, project: Path, full_out: Path, scratch: Path) -> dict:
    """One stage in this fresh process; prerequisites prepared first, not measured."""
    from landeval import pipeline  # noqa: PLC0415
    from landeval.store import STORE_NAME, write_store  # noqa: PLC0415

    meter = StageMeter()
    if stage == "load":
        with meter("load"):
            pipeline.load(project)
    elif stage in {"raster", "scoring", "zoning"}:
        config, inputs = pipeline.load(project)
        if stage == "raster":
            with meter("raster"):
                result = pipeline.raster_metrics(inputs, config)
            if result[0] is None:
                meter.stages["raster"]["note"] = "no rasters in the project"
        else:
            # zoning needs scoring and raster results: evaluate() times all three, keep ours
            inner = StageMeter()
            pipeline.evaluate(inputs, config, hook=inner)
            meter.stages[stage] = inner.stages[stage]
    else:
        config, year, tables = pipeline.stored_run(full_out)
        scratch.mkdir(parents=True, exist_ok=True)
        if stage == "store":
            with meter("store"):
                write_store(scratch / STORE_NAME, tables)
        else:
            pipeline.write_outputs(
                tables,
                scratch,
                config=config,
                year=year,
                lang=config.project.language,
                maps=True,
                only=(stage,),
                hook=meter,
            )
    return {**meter.stages[stage], "process_peak_mb": _total_peak_mb(meter)}


def _child_eval_ratio(project: Path) -> dict:
    sys.path.insert(0, str(HERE))
    import reference_eval  # noqa: PLC0415

    from landeval import pipeline  # noqa: PLC0415

    config, inputs = pipeline.load(project)
    return reference_eval.compare(inputs, config)


def _child_partition_ratio(project: Path, npartitions: int) -> dict:
    """The per-parcel overlays on one frame and on Hilbert partitions: time and equality."""
    import pandas as pd  # noqa: PLC0415

    from landeval import partitioned, pipeline  # noqa: PLC0415
    from landeval.zoning.control_line import control_line_shares  # noqa: PLC0415
    from landeval.zoning.platforms import assign_platforms  # noqa: PLC0415

    config, inputs = pipeline.load(project)
    parcels = inputs.parcels
    t0 = time.perf_counter()
    one = (
        assign_platforms(parcels, inputs.platforms, config=config),
        control_line_shares(parcels, inputs.control_line, config=config),
    )
    t1 = time.perf_counter()
    parts = partitioned.hilbert_partitions(parcels, npartitions=npartitions)
    t2 = time.perf_counter()
    split = (
        partitioned.assign_platforms(parts, inputs.platforms, config=config),
        partitioned.control_line_shares(parts, inputs.control_line, config=config),
    )
    t3 = time.perf_counter()
    same = True
    for a, b in zip(one, split, strict=True):
        try:
            pd.testing.assert_frame_equal(b.sort_index(), a)
        except AssertionError:
            same = False
    return {
        "parcels": len(parcels),
        "npartitions": npartitions,
        "one_frame_seconds": round(t1 - t0, 2),
        "partitioning_seconds": round(t2 - t1, 2),
        "partitioned_seconds": round(t3 - t2, 2),
        "same_result": same,
    }


def _child_raster_ratio(n_parcels: int, *, rasterstats: bool) -> dict:
    import tempfile  # noqa: PLC0415

    sys.path.insert(0, str(HERE))
    import bench_raster as br  # noqa: PLC0415
    from exactextract import exact_extract  # noqa: PLC0415

    from landeval.config import default_config  # noqa: PLC0415
    from landeval.raster import parcel_raster_metrics  # noqa: PLC0415

    settings = default_config().raster
    with tempfile.TemporaryDirectory(prefix="landeval_bench_raster_") as tmp:
        parcels, rasters = br.make_inputs(n_parcels, Path(tmp))
        fp, ht, lc = (str(rasters[k][0]) for k in ("footprint", "height", "landcover"))
        shapes = parcels[["parcel_id", "geometry"]]

        def landeval_stage() -> None:
            parcel_raster_metrics(parcels, **rasters, settings=settings)

        def bare(strategy: str):
            def run() -> None:
                ops = ["values", "weights", br.AREA_OP]
                exact_extract(fp, shapes, ops, weights=ht, output="pandas", strategy=strategy)
                exact_extract(
                    lc, shapes, ["values", br.AREA_OP], output="pandas", strategy=strategy
                )

            return run

        def rasterstats_run() -> None:
            from rasterstats import zonal_stats  # noqa: PLC0415

            zonal_stats(parcels, fp, stats=["mean", "count"])
            zonal_stats(parcels, ht, stats=["mean", "max"])
            zonal_stats(parcels, lc, categorical=True)

        runs = {
            "landeval": landeval_stage,
            "exactextract_default": bare("feature-sequential"),
            "exactextract_raster_sequential": bare("raster-sequential"),
        }
        if rasterstats:
            runs["rasterstats"] = rasterstats_run
        times = {}
        for name, fn in runs.items():
            cpu, wall = br.timed(fn, 1)
            times[name] = {"cpu_seconds": round(cpu, 2), "wall_seconds": round(wall, 2)}
    base = times["landeval"]["cpu_seconds"]
    ratios = {k: round(base / v["cpu_seconds"], 2) for k, v in times.items() if k != "landeval"}
    return {"parcels": n_parcels, "times": times, "landeval_over": ratios}


# --------------------------------------------------------------------------- parent


def _spawn(*args: str) -> dict:
    """Run this file as a child with ``args``; its last stdout line is a JSON record."""
    # stderr is passed through: the child's progress and any traceback go to the log
    proc = subprocess.run(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, check=False
    )
    if proc.returncode != 0:
        return {"error": f"exit status {proc.returncode} (traceback in the log)"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensure_demo(n_parcels: int, data: Path) -> Path:
    """The cached demo project of about ``n_parcels`` parcels, generated when missing."""
    project = data / "data" / f"demo_{n_parcels}"
    if (project / "landeval.toml").exists():
        return project
    scale = round(n_parcels / BASE_PARCELS + 0.004, 3)  # round up: at least n parcels
    print(f"generating {n_parcels:,} parcels (scale {scale}) into {project}", flush=True)
    subprocess.run(
        [sys.executable, "-m", "landeval", "demo", "--out", str(project), "--scale", str(scale)],
        check=True,
        capture_output=True,
    )
    return project


def machine() -> dict:
    """CPU model, cores, RAM, OS, Python and library versions."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), Path("/proc/cpuinfo").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for lib in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[lib] = metadata.version(lib)
    thp = {}
    for name in ("enabled", "defrag"):
        with contextlib.suppress(OSError):
            path = Path("/sys/kernel/mm/transparent_hugepage", name)
            thp[name] = path.read_text(encoding="utf-8").strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(ram, 1),
        # The system's setting; the runs themselves switch huge pages off (landeval._process).
        "transparent_hugepage": thp,
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": versions,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def bench_size(n: int, args: argparse.Namespace) -> dict:
    """Every measurement at one size."""
    project = ensure_demo(n, args.data)
    out = args.data / "runs" / f"out_{n}"
    shutil.rmtree(out, ignore_errors=True)
    maps = n <= args.maps_max
    print(f"[{n:,}] full run (maps={maps})", flush=True)
    full_args = ["--child", "full", "--project", str(project), "--out", str(out)]
    full = _spawn(*full_args, *([] if maps else ["--no-maps"]))
    record: dict = {"parcels_requested": n, "full": full}
    print(f"[{n:,}] full: {json.dumps(record['full'])}", flush=True)
    if args.alone and "error" not in record["full"]:
        record["alone"] = {}
        for stage in ALONE_STAGES:
            if stage == "maps" and not maps:
                continue
            scratch = args.data / "runs" / f"alone_{n}_{stage}"
            shutil.rmtree(scratch, ignore_errors=True)
            rec = _spawn(
                "--child", "alone", "--stage", stage, "--project", str(project),
                "--out", str(out), "--scratch", str(scratch),
            )  # fmt: skip
            shutil.rmtree(scratch, ignore_errors=True)
            record["alone"][stage] = rec
            print(f"[{n:,}] alone {stage}: {json.dumps(rec)}", flush=True)
    if args.ratios and n <= args.eval_ratio_max:
        record["eval_ratio"] = _spawn("--child", "eval", "--project", str(project))
        print(f"[{n:,}] evaluation vs pandas: {json.dumps(record['eval_ratio'])}", flush=True)
    if args.ratios and n <= args.partition_max:
        record["partitions"] = _spawn("--child", "partitions", "--project", str(project))
        print(f"[{n:,}] 4 partitions vs one frame: {json.dumps(record['partitions'])}", flush=True)
    return record


def main() -> None:
    """Parse the options, run the benchmark (or one child) and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="cache folder")
    parser.add_argument("--maps-max", type=int, default=100_000, help="maps up to this size")
    parser.add_argument("--no-alone", dest="alone", action="store_false")
    parser.add_argument("--no-ratios", dest="ratios", action="store_false")
    parser.add_argument("--raster-parcels", type=int, default=10_000)
    parser.add_argument("--no-rasterstats", dest="rasterstats", action="store_false")
    parser.add_argument("--eval-ratio-max", type=int, default=1_000_000)
    parser.add_argument("--partition-max", type=int, default=100_000)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    # child mode (internal)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-maps", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--parcels", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        # As the landeval command does, so that the figures are its own (landeval._process).
        from landeval._process import disable_transparent_hugepages  # noqa: PLC0415

        disable_transparent_hugepages()
        children = {
            "full": lambda: _child_full(args.project, args.out, maps=not args.no_maps),
            "alone": lambda: _child_alone(args.stage, args.project, args.out, args.scratch),
            "eval": lambda: _child_eval_ratio(args.project),
            "partitions": lambda: _child_partition_ratio(args.project, 4),
            "raster": lambda: _child_raster_ratio(args.parcels, rasterstats=args.rasterstats),
        }
        print(json.dumps(children[args.child](), ensure_ascii=False))
        return

    results_json = args.results.with_suffix(".json")
    previous = json.loads(results_json.read_text("utf-8")) if results_json.exists() else {}
    sizes_done = previous.get("sizes", {})
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    this_machine = machine()
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        sizes_done[str(n)] = {**bench_size(n, args), "measured": started}
    raster_ratio = previous.get("raster_ratio")
    if args.ratios:
        print(f"raster stage vs exactextract/rasterstats at {args.raster_parcels:,}", flush=True)
        rr_args = ["--child", "raster", "--parcels", str(args.raster_parcels)]
        raster_ratio = _spawn(*rr_args, *([] if args.rasterstats else ["--no-rasterstats"]))
        print(json.dumps(raster_ratio), flush=True)
    results = {
        "machine": this_machine,
        "updated": started,
        "sizes": dict(sorted(sizes_done.items(), key=lambda kv: int(kv[0]))),
        "raster_ratio": raster_ratio,
    }
    results_json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
    sys.path.insert(0, str(HERE))
    from results_md import render  # noqa: PLC0415

    args.results.with_suffix(".md").write_text(render(results), "utf-8")
    print(f"wrote {results_json} and {args.results.with_suffix('.md')}")


if __name__ == "__main__":
    main()

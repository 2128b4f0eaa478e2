"""Benchmark: loading and validating a large synthetic project (default about 1M parcels).

Usage::

    python benchmarks/bench_load.py [--scale 334] [--project DIR] [--keep]

Without ``--project`` the demo generator writes a project at ``--scale`` (3,000 parcels at
scale 1, so 334 gives about 1M) without rasters into a temporary folder. The load runs in a
fresh child process so that its peak resident memory (ru_maxrss) is the load's own: first
stage by stage (read each layer; project, repair and add areas; validate), then the whole
:func:`landeval.inputs.project.load_project` as a user calls it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path

from landeval.config import load_config
from landeval.inputs.crs import projected_crs_for
from landeval.inputs.read import add_area, read_table, read_vector
from landeval.inputs.model import TABLES, VECTOR_LAYERS
from landeval.inputs.project import load_project
from landeval.validate import repair_geometries, validate_inputs

project = Path(sys.argv[1])
mode = sys.argv[2]
out = {}


class clock:
    # Wall and CPU (all threads) seconds of a block, stored as "wall s (cpu s)".
    def __init__(self, key):
        self.key = key

    def __enter__(self):
        self.t, self.c = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        wall, cpu = time.perf_counter() - self.t, time.process_time() - self.c
        out[self.key] = f"{wall:,.1f} s (cpu {cpu:,.1f} s)"


if mode == "stages":
    cfg = load_config(project)
    frames = {}
    for layer in (*VECTOR_LAYERS, *TABLES):
        spec = getattr(cfg.inputs, layer)
        if not spec:
            continue
        reader = read_vector if layer in VECTOR_LAYERS else read_table
        with clock(f"read {layer}"):
            frames[layer], _ = reader(spec, layer, config=cfg)
        out[f"  rows of {layer}"] = f"{len(frames[layer]):,}"
    with clock("project + repair + area"):
        target = projected_crs_for(frames["parcels"])
        for layer in VECTOR_LAYERS:
            if layer in frames:
                frames[layer], _ = repair_geometries(frames[layer].to_crs(target), layer=layer)
        frames["parcels"] = add_area(frames["parcels"])
    with clock("validate"):
        findings = validate_inputs(frames, config=cfg)
    out["  findings"] = f"{len(findings):,}"
else:
    with clock("load_project total"):
        _cfg, inputs = load_project(project)
    out["  parcels"] = f"{len(inputs.parcels):,}"
    out["  findings"] = f"{len(inputs.findings):,}"
out["peak RSS"] = f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
print(json.dumps(out))
"""


def _child(project: Path, mode: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(project), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(result.returncode)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=334.0)
    parser.add_argument("--seed", type=int, default=20221)
    parser.add_argument("--project", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    args = parser.parse_args()
    tmp = None
    project = args.project
    if project is None:
        tmp = tempfile.mkdtemp(prefix="landeval-bench-load-")
        project = Path(tmp) / "project"
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "landeval", "demo", "--out", str(project)]
        cmd += ["--scale", f"{args.scale:g}", "--seed", str(args.seed), "--no-rasters"]
        subprocess.run(cmd, check=True)
        print(f"generated scale {args.scale:g} in {time.perf_counter() - t:,.1f} s: {project}")
    for mode in ("stages", "total"):
        print(f"{mode}:")
        for key, value in _child(project, mode).items():
            print(f"  {key:<32} {value}")
    if tmp is not None and not args.keep:
        import shutil  # noqa: PLC0415

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

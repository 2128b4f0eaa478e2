"""Benchmark of the demo generator: time, peak memory and size on disk per scale.

Each scale runs in a fresh subprocess, so peak RSS (``ru_maxrss``) is that run's own.

    python benchmarks/bench_demo.py                 # scale 1, 100k and 1M parcels
    python benchmarks/bench_demo.py --scales 1 10   # chosen scales
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_PARCELS = 3000
DEFAULT_SCALES = (1.0, 100_000 / BASE_PARCELS, 1_000_000 / BASE_PARCELS)


def _one(scale: float, out: Path) -> dict:
    from landeval.demo import generate_demo  # noqa: PLC0415 - imported in the child only

    t0 = time.perf_counter()
    summary = generate_demo(out, scale=scale)
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "scale": scale,
        "parcels": summary.n_parcels,
        "firms": summary.n_firms,
        "occupancy": summary.n_occupancy,
        "rasters": summary.rasters,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "size_mb": round(summary.total_bytes / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="*", default=list(DEFAULT_SCALES))
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(_one(args.one, args.out)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        for scale in args.scales:
            out = Path(tmp) / f"scale_{scale:g}"
            proc = subprocess.run(
                [sys.executable, __file__, "--one", str(scale), "--out", str(out)],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(json.dumps(row), flush=True)
    print()
    print(
        f"{'scale':>8} {'parcels':>10} {'firms':>9} {'rasters':>8} {'time s':>8} "
        f"{'peak MB':>8} {'size MB':>8}"
    )
    for r in rows:
        print(
            f"{r['scale']:>8.4g} {r['parcels']:>10,} {r['firms']:>9,} {r['rasters']!s:>8} "
            f"{r['seconds']:>8} {r['peak_rss_mb']:>8} {r['size_mb']:>8}"
        )


if __name__ == "__main__":
    main()

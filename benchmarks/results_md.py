"""Render the scale benchmark's results (``results.json``) as Markdown (``results.md``)."""

from __future__ import annotations

STAGES = (
    "load",
    "raster",
    "scoring",
    "zoning",
    "incentives",
    "monitoring",
    "store",
    "exports",
    "maps",
    "report",
)
TARGETS = (
    "Targets (issue 10, this 2-core machine): 30k parcels including maps ≤ 20 s; 1M parcels "
    "without maps ≤ 120 s and ≤ 8 GB peak (stretch 60 s); raster stage ≤ 1.3× bare "
    "exactextract."
)


def _cell(rec: dict | None) -> str:
    if not rec:
        return "–"
    if "error" in rec:
        return "error"
    return f"{rec['seconds']:.1f} s / {rec['peak_mb'] / 1024:.2f} GB"


def _hugepages_line(machine: dict) -> list[str]:
    """What the system says about transparent huge pages, which the runs switch off."""
    thp = machine.get("transparent_hugepage")
    if not thp:
        return []
    said = "; ".join(f"{k}: {v}" for k, v in thp.items())
    return [
        f"Transparent huge pages on this system ({said}) are switched off inside each run, "
        "as the `landeval` command does (`landeval/_process.py`).",
        "",
    ]


def render(results: dict) -> str:
    """The Markdown page of ``results``."""
    m = results["machine"]
    sizes = results["sizes"]
    names = [f"{int(n):,}" for n in sizes]
    lines = [
        "# landeval scale benchmark",
        "",
        "Written by `benchmarks/run.py` (see its docstring for what is measured and how); "
        f"last updated {results['updated']} UTC.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}; load average at start {m['load_average_at_start']} "
        "(a shared machine: other jobs ran beside the benchmark, so times are noisy).",
        "",
        "Libraries: " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()) + ".",
        "",
        *_hugepages_line(m),
        TARGETS,
        "",
        "Data: `landeval demo --scale N/3000` (synthetic Shaoxing; firms about 0.85 per "
        "parcel, three years of tax and output; no rasters above scale 1).",
        "",
        "## Full run (`landeval run`, one process): wall time / peak RSS per stage",
        "",
        "The store is written on a thread of its own while the stages run (the inputs beside "
        "the scoring, each stage's tables beside the next, the last beside the exports), so "
        "its CPU time shows in the stages it runs beside; its row is the wait for it at the "
        "end (its time alone is in the next table).",
        "",
        "| stage | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for stage in STAGES:
        row = [_cell(s.get("full", {}).get("stages", {}).get(stage)) for s in sizes.values()]
        if stage == "raster":
            row = [
                c + " (no rasters)" if s.get("full", {}).get("rasters") is False else c
                for c, s in zip(row, sizes.values(), strict=True)
            ]
        lines.append(f"| {stage} | " + " | ".join(row) + " |")
    lines.append(
        "| **total** | " + " | ".join(f"**{_cell(s.get('full'))}**" for s in sizes.values()) + " |"
    )
    lines.append(
        "| maps drawn | "
        + " | ".join(str(s.get("full", {}).get("maps", "–")) for s in sizes.values())
        + " |"
    )
    lines.append(
        "| parcels / firms | "
        + " | ".join(
            f"{s['full'].get('parcels', 0):,} / {s['full'].get('firms', 0):,}"
            if "parcels" in s.get("full", {})
            else "–"
            for s in sizes.values()
        )
        + " |"
    )
    if any("alone" in s for s in sizes.values()):
        lines += [
            "",
            "## Each stage alone (fresh process; prerequisites prepared first, not timed)",
            "",
            "| stage | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names),
        ]
        for stage in STAGES:
            row = [_cell(s.get("alone", {}).get(stage)) for s in sizes.values()]
            lines.append(f"| {stage} | " + " | ".join(row) + " |")
        lines += ["", "– : not measured at that size (`--no-alone`, or no maps)."]
    lines += ["", "## Side-by-side ratios", ""]
    evals = {n: s["eval_ratio"] for n, s in sizes.items() if "eval_ratio" in s}
    if evals:
        lines += [
            "Evaluation: landeval's scoring stage (`pipeline.score`: land, firm-years, scores, "
            "classes, parcel roll-up, allocation, trends and findings) against the compact "
            "pandas reference of `benchmarks/reference_eval.py` (firm classes only), on the "
            "same loaded inputs.",
            "",
            "| parcels | firm-years | landeval stage s | landeval classes only s | "
            "reference s | stage ÷ reference | classes ÷ reference | same classes |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for n, e in evals.items():
            if "error" in e:
                lines.append(f"| {int(n):,} | error | | | | | | |")
                continue
            same = "yes" if e["same_classes"] else f"NO ({e['classes_differ']} differ)"
            lines.append(
                f"| {int(n):,} | {e['firm_years']:,} | {e['landeval_seconds']} | "
                f"{e.get('landeval_classes_seconds', '–')} | {e['reference_seconds']} | "
                f"{e['landeval_over_reference']} | {e.get('classes_over_reference', '–')} | "
                f"{same} |"
            )
    parts = {n: s["partitions"] for n, s in sizes.items() if "partitions" in s}
    if parts:
        lines += [
            "",
            "Partitioned stages (`landeval.partitioned`, dask-geopandas, threads): platform "
            "assignment and control-line shares on one frame and on Hilbert partitions of the "
            "same parcels, wall seconds; the results must be identical.",
            "",
            "| parcels | partitions | one frame s | partitioning s | partitioned s | same |",
            "|---|---|---|---|---|---|",
        ]
        for n, r in parts.items():
            if "error" in r:
                lines.append(f"| {int(n):,} | error | | | | |")
                continue
            lines.append(
                f"| {r['parcels']:,} | {r['npartitions']} | {r['one_frame_seconds']} | "
                f"{r['partitioning_seconds']} | {r['partitioned_seconds']} | "
                f"{'yes' if r['same_result'] else 'NO'} |"
            )
    rr = results.get("raster_ratio")
    if rr and "error" not in rr:
        lines += [
            "",
            f"Raster stage on {rr['parcels']:,} synthetic parcels over 5 m rasters "
            "(`bench_raster.make_inputs`: footprint, height, land cover), CPU seconds "
            "(steadier than wall time on a shared machine):",
            "",
            "| run | CPU s | wall s | landeval ÷ it |",
            "|---|---|---|---|",
        ]
        for name, t in rr["times"].items():
            ratio = rr["landeval_over"].get(name, 1.0)
            lines.append(f"| {name} | {t['cpu_seconds']} | {t['wall_seconds']} | {ratio} |")
    return "\n".join(lines) + "\n"

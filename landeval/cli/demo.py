"""`landeval demo`: write the synthetic Shaoxing demo dataset and print its summary."""

from __future__ import annotations

from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table

from landeval._format import format_number
from landeval.vocabulary import SHAOXING_COUNTIES, TIER_LABELS


@click.command(name="demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the demo project into (replaced whole if it exists).",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0.001, min_open=False),
    default=1.0,
    show_default=True,
    help="Multiplies parcels (3,000 at 1) and firms (about 2,500 at 1).",
)
@click.option("--seed", type=int, default=20221, show_default=True, help="Random seed.")
@click.option(
    "--rasters/--no-rasters",
    default=None,
    help="Write raster tiles (default: up to scale 1; coarsened above).",
)
@click.option(
    "--with-previous",
    "previous_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=(
        "Also evaluate the year before the evaluation year into this folder (outside --out; "
        "no maps) and name it as the project's [inputs] previous, so that `landeval run "
        "--project OUT` shows year over year (DESIGN §11). Adds one run's time."
    ),
)
def command(
    out_dir: Path, scale: float, seed: int, rasters: bool | None, previous_dir: Path | None
) -> None:
    """生成绍兴示例数据 (write the synthetic Shaoxing demo project)."""
    from landeval.demo import generate_demo  # noqa: PLC0415 - keep `landeval --help` fast

    summary = generate_demo(out_dir, scale=scale, seed=seed, rasters=rasters)
    echo = click.echo
    echo(f"示例数据已写入 (demo written to): {summary.out_dir}")
    echo(
        f"规模 scale {summary.scale:g} · 随机种子 seed {summary.seed} · "
        f"评价年度 evaluation year {summary.evaluation_year} · "
        f"数据年度 years {summary.years[0]}–{summary.years[-1]}"
    )
    echo(
        f"宗地 parcels {_n(summary.n_parcels)} · 企业 firms {_n(summary.n_firms)} · "
        f"用地关系 occupancy rows {_n(summary.n_occupancy)}"
    )
    echo("")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("区县 county")
    for title in ("宗地 parcels", "面积(亩) mu", "企业 firms", "规上 above scale"):
        table.add_column(title, justify="right")
    for code, row in summary.counties.iterrows():
        table.add_row(
            f"{code} {SHAOXING_COUNTIES.get(str(code), '')}",
            _n(row["parcels"]),
            _n(row["area_mu"]),
            _n(row["firms"]),
            _n(row["above_scale"]),
        )
    Console(highlight=False, soft_wrap=True).print(table)
    echo("")
    tiers = ", ".join(
        f"{tier} {TIER_LABELS.get(str(tier), {}).get('zh', '')}: {int(row['platforms'])}"
        for tier, row in summary.tiers.iterrows()
    )
    echo(f"平台 platforms (2+6+N, 示意): {tiers}")
    if summary.rasters:
        echo(f"栅格 rasters: {summary.raster_resolution:g} m")
    for note in summary.notes:
        echo(f"注 note: {note}")
    echo(
        f"大小 size: {format_number(summary.total_bytes / 1e6, 1)} MB in {len(summary.sizes)} files"
    )
    if previous_dir is not None:
        _previous_year(summary.out_dir, previous_dir)


def _previous_year(project: Path, previous_dir: Path) -> None:
    """Last year's output beside the demo, named as its [inputs] previous (DESIGN §11)."""
    from landeval.demo.previous import write_previous_year  # noqa: PLC0415

    result = write_previous_year(project, previous_dir)
    click.echo(
        f"上年评价结果 last year's output ({result.year}): {result.out_dir} — "
        f"landeval run --project {project} 将与之比较 (compares with it)"
    )


def _n(value: object) -> str:
    return format_number(value, 0)

"""Write the demo dataset as a project folder, the way bureaus deliver their files.

The folder holds ``landeval.toml`` (files, units, field mapping, raster settings),
``parcels.gpkg`` (layers parcels, platforms, control_line, land_changes), CSV tables in
UTF-8 with BOM (the tax table in 元 with the tax bureau's Chinese headers, the output
table in 万元 with the statistics side's), the raster tiles under ``rasters/`` (deflate
compressed, tiled GeoTIFF) and a short README. GeoPackage timestamps are pinned so the same
seed writes the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyogrio
import rasterio
import tomli_w

from landeval._atomic import atomic_dir
from landeval.demo.builder import DemoData, build_demo, summary_counts
from landeval.demo.clusters import CRS, EVALUATION_YEAR, PLATFORM_NOTE, YEARS
from landeval.demo.economy import OUTPUT_HEADERS, TAX_HEADERS
from landeval.demo.incentives import demo_incentive_settings
from landeval.demo.rasters import FOOTPRINT_NODATA, HEIGHT_NODATA, LANDCOVER_NODATA
from landeval.inputs.model import columns

PROJECT_NAME = "绍兴市工业用地亩均评价（示例数据）"
_GPKG = "parcels.gpkg"
_FIXED_DATE = "2024-12-31T00:00:00Z"  # GeoPackage last_change, pinned for reproducible bytes


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate_demo` wrote.

    ``counties`` has parcels, area_mu, firms and above_scale per county code; ``tiers``
    the number of platforms per tier; ``sizes`` bytes per file (relative path).
    """

    out_dir: Path
    scale: float
    seed: int
    evaluation_year: int
    years: tuple[int, ...]
    n_parcels: int
    n_firms: int
    n_occupancy: int
    counties: pd.DataFrame
    tiers: pd.DataFrame
    rasters: bool
    raster_resolution: float | None
    notes: tuple[str, ...] = ()
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        """Size of the whole folder."""
        return sum(self.sizes.values())


def generate_demo(
    out_dir: str | os.PathLike[str],
    *,
    scale: float = 1.0,
    seed: int = 20221,
    rasters: bool | None = None,
) -> DemoSummary:
    """Generate the synthetic Shaoxing dataset and write it as a project folder.

    The folder is written atomically: a failure leaves any previous folder whole.

    Parameters
    ----------
    out_dir : path-like
        Folder to create (replaced whole if it exists).
    scale : float
        Multiplies parcels (3,000 at 1) and firms (about 2,500 at 1).
    seed : int
        Seed: the same seed gives the same content.
    rasters : bool or None
        Write raster tiles; None writes them up to scale 1 only (see :func:`build_demo`).

    Returns
    -------
    DemoSummary
    """
    data = build_demo(scale=scale, seed=seed, rasters=rasters)
    out = Path(out_dir)
    with atomic_dir(out) as tmp:
        tmp.chmod(0o755)  # mkdtemp makes it private; the project folder is for sharing
        write_project(data, tmp)
    sizes = {
        str(p.relative_to(out)): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()
    }
    counts = summary_counts(data)
    return DemoSummary(
        out_dir=out,
        scale=scale,
        seed=seed,
        evaluation_year=EVALUATION_YEAR,
        years=YEARS,
        n_parcels=len(data.parcels),
        n_firms=len(data.firms),
        n_occupancy=len(data.occupancy),
        counties=counts["county"],
        tiers=counts["tier"],
        rasters=bool(data.rasters),
        raster_resolution=data.resolution,
        notes=_notes(data),
        sizes=sizes,
    )


def write_project(data: DemoData, folder: Path) -> None:
    """Write ``data`` into an existing empty ``folder`` (no atomicity; see generate_demo)."""
    folder = Path(folder)
    _write_vectors(data, folder / _GPKG)
    _csv(data.firms[columns("firms")[:-1]], folder / "firms.csv")
    tax = data.firm_tax.assign(
        tax_yuan=np.round(data.firm_tax["tax"] * 1e4, 2),
        electricity_kwh=data.firm_tax["electricity_kwh"].round().astype("Int64"),
        water_m3=data.firm_tax["water_m3"].round().astype("Int64"),
        wastewater_t=data.firm_tax["wastewater_t"].round().astype("Int64"),
    )
    tax = tax[list(TAX_HEADERS)].rename(columns=TAX_HEADERS)
    _csv(tax, folder / "firm_tax.csv")
    output = data.firm_output[list(OUTPUT_HEADERS)].rename(columns=OUTPUT_HEADERS)
    _csv(output, folder / "firm_output.csv")
    _csv(data.occupancy, folder / "occupancy.csv")
    _csv(data.veto, folder / "veto.csv")
    raster_files = _write_rasters(data, folder / "rasters") if data.rasters else {}
    (folder / "landeval.toml").write_text(_project_toml(data, raster_files), encoding="utf-8")
    (folder / "README.md").write_text(_readme(data), encoding="utf-8")


def _write_vectors(data: DemoData, path: Path) -> None:
    # Pin GeoPackage timestamps (gpkg_contents.last_change) so that bytes repeat.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _FIXED_DATE})
    try:
        parcels = data.parcels.copy()
        parcels["built_year"] = parcels["built_year"].astype("Int32")
        for col in ("contract_start_date", "actual_start_date", "contract_completion_date"):
            # Python dates become a GeoPackage Date field through Arrow (NaT: null).
            parcels[col] = parcels[col].dt.date.astype(object).where(parcels[col].notna(), None)
        changes = data.land_changes.copy()
        # Python dates become a GeoPackage Date field through Arrow.
        approved = changes["approved_on"]
        changes["approved_on"] = approved.dt.date.astype(object).where(approved.notna(), None)
        layers = {
            "parcels": (parcels, "宗地（示例数据，虚构）"),
            "platforms": (data.platforms, PLATFORM_NOTE),
            "control_line": (data.control_line, "工业用地控制线（示例数据，虚构）"),
            "land_changes": (changes, "用地调整（改一补一，示例数据，虚构）"),
        }
        for name, (frame, description) in layers.items():
            pyogrio.write_dataframe(
                frame,
                path,
                layer=name,
                driver="GPKG",
                append=path.exists(),
                use_arrow=True,
                layer_options={"DESCRIPTION": description, "SPATIAL_INDEX": "YES"},
                layer_metadata={"illustrative": "true", "note": description, "crs": CRS},
            )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _csv(frame: pd.DataFrame, path: Path) -> None:
    """Write CSV in UTF-8 with BOM (Excel in China opens it correctly) and LF line ends.

    Arrow writes a million rows in seconds; values are left unquoted, which is safe because
    no generated text holds a comma, a quote or a line break (checked; pandas otherwise).
    """
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    special = any(frame[c].astype(str).str.contains(r'[,"\n\r]', regex=True).any() for c in text)
    if special:  # pragma: no cover - the generator never makes such text
        frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        return
    with path.open("wb") as fh:
        fh.write(("\ufeff" + ",".join(map(str, frame.columns)) + "\n").encode("utf-8"))
        pacsv.write_csv(
            pa.Table.from_pandas(frame, preserve_index=False),
            fh,
            pacsv.WriteOptions(include_header=False, quoting_style="none"),
        )


def _write_rasters(data: DemoData, folder: Path) -> dict[str, list[str]]:
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[str]] = {"footprint": [], "height": [], "landcover": []}
    for tile in data.rasters:
        rows, cols = tile.shape
        for kind, array, nodata, predictor in (
            ("footprint", tile.footprint, FOOTPRINT_NODATA, 2),
            ("height", tile.height, HEIGHT_NODATA, 3),
            ("landcover", tile.landcover, LANDCOVER_NODATA, 2),
        ):
            name = f"{kind}_{tile.key}.tif"
            profile = {
                "driver": "GTiff",
                "width": cols,
                "height": rows,
                "count": 1,
                "dtype": array.dtype.name,
                "crs": CRS,
                "transform": tile.transform,
                "nodata": nodata,
                "compress": "deflate",
                "predictor": predictor,
                "tiled": True,
                "blockxsize": 256,
                "blockysize": 256,
            }
            with rasterio.open(folder / name, "w", **profile) as dst:
                dst.write(array, 1)
                dst.update_tags(1, **_raster_tags(kind))
            files[kind].append(f"rasters/{name}")
    return files


def _raster_tags(kind: str) -> dict[str, str]:
    return {
        "footprint": {
            "content": "building footprint, percent of the cell (0-100)",
            "illustrative": "true",
        },
        "height": {
            "content": "building height, metres (0 where no building)",
            "illustrative": "true",
        },
        "landcover": {
            "content": "land cover: 10 tree, 30 grass, 50 built-up, 60 bare, 80 water",
            "illustrative": "true",
        },
    }[kind]


def _project_toml(data: DemoData, raster_files: dict[str, list[str]]) -> str:
    doc = {
        "project": {
            "name": PROJECT_NAME,
            "evaluation_year": EVALUATION_YEAR,
        },
        "inputs": {
            "parcels": f"{_GPKG}#parcels",
            "platforms": f"{_GPKG}#platforms",
            "control_line": f"{_GPKG}#control_line",
            "land_changes": f"{_GPKG}#land_changes",
            "firms": "firms.csv",
            "firm_tax": "firm_tax.csv",
            "firm_output": "firm_output.csv",
            "occupancy": "occupancy.csv",
            "veto": "veto.csv",
            "rasters": {
                "footprint": raster_files.get("footprint", []),
                "height": raster_files.get("height", []),
                "landcover": raster_files.get("landcover", []),
            },
        },
        "units": {"firm_tax": "yuan", "firm_output": "wan_yuan"},
        "fields": {
            "firm_tax": {k: v for k, v in TAX_HEADERS.items() if k in columns("firm_tax")}
            | {"tax": TAX_HEADERS["tax_yuan"]},
            "firm_output": dict(OUTPUT_HEADERS),
        },
        "raster": {"footprint_scale": "percent"},
        # 差别化施策: example measures and land-tax rates (示例费率), see demo/incentives.py
        **demo_incentive_settings(),
    }
    head = [
        "# 绍兴市工业用地亩均评价 示例数据（合成数据，非真实数据）",
        "# Synthetic Shaoxing demo written by `landeval demo`; every figure is invented.",
        f"# seed = {data.seed}, scale = {data.scale:g}, parcels = {len(data.parcels)}, "
        f"firms = {len(data.firms)}",
    ]
    if data.rasters:
        head.append(f"# rasters: {data.resolution:g} m cells, one tile per industrial area")
    else:
        head.append("# rasters: skipped (default above scale 1, or --no-rasters)")
    head.append(
        "# [[incentives]], [incentives_settings]: 示例费率 (example rates), no county's own"
    )
    if data.scale > 1:
        head.append(
            "# scale > 1: the map is stretched about the city centre; parcels no "
            "longer match the real county boundaries"
        )
    return "\n".join(head) + "\n\n" + tomli_w.dumps(doc)


def _readme(data: DemoData) -> str:
    counts = summary_counts(data)["county"]
    lines = [
        "# 绍兴市工业用地亩均评价 示例数据 (synthetic)",
        "",
        "由 `landeval demo` 生成的合成数据：地块、企业、税收、产出均为虚构；平台名称取自",
        "绍兴“2+6+N”平台体系，范围为示意。Generated by `landeval demo`; all figures are",
        "invented. Regenerate with:",
        "",
        f"    landeval demo --out DIR --scale {data.scale:g} --seed {data.seed}",
        "",
        "| file | content |",
        "|---|---|",
        "| landeval.toml | project file: inputs, units (tax 元, output 万元), field mapping |",
        "| parcels.gpkg | layers parcels, platforms, control_line, land_changes (EPSG:4549) |",
        "| firms.csv | 企业名录 |",
        "| firm_tax.csv | 税务: 实缴税额(元), 用电量(千瓦时), 用水量(立方米), 污水排放量(吨) |",
        "| firm_output.csv | 统计: 工业增加值(万元) … 年平均职工人数 |",
        "| occupancy.csv | 用地关系: own/lease, area_m2, from_year, to_year |",
        "| veto.csv | 负面清单 |",
        "| rasters/ | footprint (percent), height (m), landcover per industrial area |",
        "",
        f"Parcels {len(data.parcels)}, firms {len(data.firms)}, years "
        f"{YEARS[0]}–{YEARS[-1]}, evaluation year {EVALUATION_YEAR}.",
        "",
        "| county | parcels | area (mu) | firms | above scale |",
        "|---|---|---|---|---|",
    ]
    for code, row in counts.iterrows():
        lines.append(
            f"| {code} | {int(row['parcels'])} | {int(row['area_mu'])} | {int(row['firms'])} "
            f"| {int(row['above_scale'])} |"
        )
    lines += ["", *SHARES_SECTION]
    return "\n".join(lines) + "\n"


SHARES_SECTION: tuple[str, ...] = (
    "## 四个一批的规模 How the shares come about",
    "",
    "The method runs with its default thresholds (DESIGN §5–6); the shares of land on the",
    "four lists come from how the synthetic firms and buildings are drawn "
    "(`landeval/demo/economy.py`, `firms.py`, `registry.py`):",
    "",
    "- value added per mu spreads log-normally (σ 0.25) around each area's and industry's",
    "  level, grows with a firm's land (elasticity 0.3: larger firms make more of each mu, as",
    "  亩均 league tables show) and a firm's quality shows in its energy, labour and R&D",
    "  intensity too: classes C and D (the last fifth of the firms by rank) are mostly small",
    "  firms, about a ninth of the land;",
    "- tax is about a fifth of value added (spread σ 0.1), below-scale firms making 80 % of",
    "  the above-scale level per mu: TAX_LOW (below half the county average two years",
    "  running) holds on a few per cent of the land beyond the C and D firms;",
    "- 2 % of the older owners have stopped (停业, 注销 or 吊销: STOPPED → 关停退出) and 3 %",
    "  nearly; 2 % of the ordinary parcels have no occupant, a third of them never built and",
    "  sold 2020–2024 with contract dates (IDLE_LAND where the agreed start is more than a year",
    "  past, one excused for a government delay);",
    "- 1 % of the firms are on the negative list, and one small tenant of 袍江小微企业园 (a",
    "  firm action 腾退: the park is kept);",
    "- a few parcels of central areas are planned for housing or commerce (功能转型).",
    "",
    "With the default seed and scale (the embedded demo) a run puts about 17 % of the",
    "industrial land on the four lists and about 5 % to exit (tests/demo checks 10–20 % and",
    "at most 8 %); old, low buildings of class A and B firms are kept and listed as 增容潜力",
    "instead.",
)
"""The README's account of the decisions' shares (the same for every seed and scale)."""


def _notes(data: DemoData) -> tuple[str, ...]:
    notes = []
    if not data.rasters and data.scale > 1:
        notes.append("rasters skipped: the default above scale 1 (--rasters forces them)")
    elif not data.rasters:
        notes.append("rasters skipped (--no-rasters)")
    elif data.resolution and data.resolution > 5:
        notes.append(f"rasters coarsened to {data.resolution:g} m at this scale")
    if data.scale > 1:
        notes.append(
            "map stretched by √scale about the city centre: parcels no longer "
            "match real county boundaries"
        )
    return tuple(notes)

"""The pipeline: load → validate → raster → scoring → zoning and treatments → measures → outputs.

:func:`evaluate` runs the stages of :mod:`landeval.stages` in order (re-exported here:
:func:`raster_metrics`, :func:`score`, :func:`zone_and_treat`).

One pipeline, many entry points: the CLI commands, the notebooks and the Python API all
call these functions. :func:`evaluate` is pure (inputs in, result tables out);
:func:`run` adds the edges: reading the project, writing the store and the files.

Examples
--------
The stages of a run, in order (their keys in :data:`STAGES` and the ``hook`` calls):

>>> from landeval.pipeline import STAGES
>>> list(STAGES)
['load', 'raster', 'scoring', 'zoning', 'incentives', 'monitoring',
 'exports', 'maps', 'report', 'store']

A whole run on the embedded demo, and the stages one by one, are the examples of
:mod:`landeval` (``landeval.run``, ``landeval.evaluate``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from landeval._atomic import atomic_dir
from landeval._outdir import check_owned, claim_new_files, hash_file, output_lock, snapshot
from landeval._version import __version__
from landeval.config import Config
from landeval.errors import ConfigError, DataError, LandevalError, OutputError
from landeval.findings import Finding, concat_findings, findings_frame, has_errors
from landeval.inputs.model import Inputs
from landeval.monitoring import check_previous_year, evaluate_monitoring
from landeval.review.adjust import apply_firm_review
from landeval.stages import raster_metrics, score, zone_and_treat
from landeval.store import STORE_NAME, StoreWriter, read_tables, update_store

StageHook = Callable[[str], contextlib.AbstractContextManager]
"""Called with a stage's name; the context it returns wraps the stage (progress display)."""

STAGES: dict[str, str] = {
    "load": "读取与校验数据 load and validate",
    "raster": "栅格指标 raster metrics",
    "scoring": "亩均评价 per-mu evaluation",
    "zoning": "平台、控制线与四个一批 zoning and treatments",
    "incentives": "差别化施策 differentiated measures",
    "monitoring": "年度变化与目标跟踪 year over year and targets",
    "exports": "导出清单 action lists and GeoPackage",
    "maps": "地图 maps",
    "report": "报告 report",
    "store": "写入数据库 store",
}
"""Stage keys and the names the progress display shows, in the order of a run.

The store is written on a thread of its own while the other stages run (:func:`run`); its
stage is the wait for it at the end (the time it takes on its own is in
``benchmarks/results.md``)."""

OUTPUT_FILES: dict[str, str] = {
    "store": STORE_NAME,
    "geopackage": "parcels.gpkg",
    "workbook": "actions.xlsx",
    "csv": "actions.csv",
    "report": "report.html",
    "maps": "maps/index.html",
}

OUTPUT_NAMES: frozenset[str] = frozenset(p.split("/", 1)[0] for p in OUTPUT_FILES.values())
"""The files and folders a command may write into an output folder (its top-level names)."""


@dataclass(frozen=True)
class Evaluation:
    """Result tables of one evaluation, by table name, plus the year and the findings."""

    year: int
    tables: dict[str, pd.DataFrame]
    findings: pd.DataFrame


@dataclass(frozen=True)
class RunResult:
    """What :func:`run` did: where the outputs are and the tables it wrote."""

    out_dir: Path
    year: int
    tables: dict[str, pd.DataFrame]
    files: dict[str, Path] = field(default_factory=dict)


def _no_hook(_name: str) -> contextlib.AbstractContextManager:
    return contextlib.nullcontext()


def evaluation_year(config: Config, inputs: Inputs) -> int:
    """The evaluation year: the project's, else the latest year in the tax and output tables."""
    if config.project.evaluation_year:
        return config.project.evaluation_year
    years = pd.concat([inputs.firm_tax["year"], inputs.firm_output["year"]]).dropna()
    if years.empty:
        msg = "no years in the tax and output tables; set [project] evaluation_year"
        raise DataError(msg)
    return int(years.max())


def evaluate(
    inputs: Inputs,
    config: Config,
    *,
    year: int | None = None,
    hook: StageHook = _no_hook,
    on_tables: Callable[[dict[str, pd.DataFrame]], None] | None = None,
) -> Evaluation:
    """Run the raster, scoring, zoning and treatments stages on loaded inputs; pure, writes nothing.

    Parameters
    ----------
    inputs : Inputs
        Loaded project (:func:`landeval.inputs.project.load_project`).
    config : Config
        Effective configuration.
    year : int, optional
        Evaluation year; default :func:`evaluation_year`.
    hook : callable, optional
        Progress hook, called with each stage key.
    on_tables : callable, optional
        Called after each stage with the result tables that stage completes (those not
        None), so that :func:`run` can store them while the next stage runs; every table of
        the result is passed once.

    Returns
    -------
    Evaluation
        ``tables`` holds parcel_raster, firm_scores, allocation, parcel_scores,
        suspect_values, trends, parcel_eval, firm_actions, capacity_parcels,
        platform_summary, balance_ledger, balance_items, firm_incentives and
        incentive_totals, and the bureau's decisions (``decisions``, ``firm_decisions``;
        DESIGN §10): the project's review (``inputs.firm_review``, ``inputs.parcel_review``)
        is honoured, the firm review before the treatments, the parcel review before the
        改一补一 balance.
    """
    year = year or evaluation_year(config, inputs)
    _check_year_has_data(inputs, year)
    check_previous_year(inputs.previous, year)
    done = on_tables or (lambda _tables: None)
    with hook("raster"):
        parcel_raster, raster_findings = raster_metrics(inputs, config)
    done(_non_empty({"parcel_raster": parcel_raster}))
    with hook("scoring"):
        scoring = score(inputs, config, trends=False)
        # --- review (DESIGN §10): a 调档 sets the firm's final class before the treatments,
        # so that parcel classes, flags and treatments follow it (class_machine kept beside)
        firm_review = apply_firm_review(
            scoring.firm_scores, scoring.parcel_scores, inputs.firm_review, year=year
        )
        scoring = dataclasses.replace(
            scoring,
            firm_scores=firm_review.firm_scores,
            parcel_scores=firm_review.parcel_scores,
        )
    done(
        _non_empty(
            {
                "firm_scores": scoring.firm_scores,
                "allocation": scoring.allocation,
                "parcel_scores": scoring.parcel_scores,
                "suspect_values": scoring.suspect_values,
                "firm_decisions": firm_review.firm_decisions,
            }
        )
    )
    with hook("zoning"):
        zoning = zone_and_treat(
            parcels=inputs.parcels,
            platforms=inputs.platforms,
            control_line=inputs.control_line,
            land_changes=inputs.land_changes,
            parcel_scores=scoring.parcel_scores,
            firm_scores=scoring.firm_scores,
            parcel_raster=parcel_raster,
            firms=inputs.firms,
            veto=inputs.veto,
            allocation=scoring.allocation,
            config=config,
            year=year,
            suspect_values=scoring.suspect_values,
            parcel_review=inputs.parcel_review,
        )
    zoning_tables = {
        "trends": zoning.trends,
        "parcel_eval": zoning.parcel_eval,
        "firm_actions": zoning.firm_actions,
        "capacity_parcels": zoning.capacity_parcels,
        "platform_summary": zoning.platform_summary,
        "balance_ledger": zoning.balance_ledger,
        "balance_items": zoning.balance_items,
        "decisions": zoning.decisions,
    }
    done(_non_empty(zoning_tables))
    # --- 差别化施策 (DESIGN §12): the measures of each firm's final class, applying in Y + 1.
    # The final class is the scored one until a bureau's 调档 replaces it (review stage).
    from landeval.incentives import evaluate_incentives, final_classes  # noqa: PLC0415

    with hook("incentives"):
        incentives = evaluate_incentives(
            classes=final_classes(scoring.firm_scores),
            firm_scores=scoring.firm_scores,
            firm_tax=inputs.firm_tax,
            parcels=inputs.parcels,
            occupancy=inputs.occupancy,
            config=config,
            year=year,
        )
    incentive_tables = {
        "firm_incentives": incentives.firm_incentives,
        "incentive_totals": incentives.incentive_totals,
    }
    done(incentive_tables)
    # --- end 差别化施策
    tables = {
        "parcel_raster": parcel_raster,
        "firm_scores": scoring.firm_scores,
        "allocation": scoring.allocation,
        "parcel_scores": scoring.parcel_scores,
        "suspect_values": scoring.suspect_values,
        "firm_decisions": firm_review.firm_decisions,
        **zoning_tables,
        **incentive_tables,
    }
    # --- year over year (DESIGN §11): last year's list and classes, the plan's targets
    with hook("monitoring"):
        monitoring = evaluate_monitoring(
            tables, previous=inputs.previous, platforms=inputs.platforms, config=config, year=year
        )
    done(monitoring.tables)
    tables.update(monitoring.tables)
    findings = concat_findings(
        inputs.findings,
        raster_findings,
        scoring.findings,
        firm_review.findings,
        zoning.findings,
        incentives.findings,
        monitoring.findings,
    )
    return Evaluation(year=year, tables=tables, findings=findings)


def _check_year_has_data(inputs: Inputs, year: int) -> None:
    """Refuse an evaluation year that neither the tax nor the output table covers.

    Every parcel would come out idle (no tax, no value added) and be listed for exit: a
    typo in ``--year`` or ``evaluation_year`` must not produce that action list.
    """
    years = pd.concat([inputs.firm_tax["year"], inputs.firm_output["year"]]).dropna()
    if years.empty or (years == year).any():
        return
    have = sorted({int(y) for y in years})
    files = "、".join(
        Path(inputs.sources[k]).name for k in ("firm_tax", "firm_output") if k in inputs.sources
    )
    finding = Finding(
        "error",
        "YEAR_NO_DATA",
        "firm_tax",
        str(year),
        "year",
        f"评价年度 {year} 在税收表和产出表 ({files}) 中都没有数据"
        f" (数据覆盖 {have[0]}–{have[-1]} 年)",
        "请检查 --year 或 landeval.toml 的 [project] evaluation_year",
    )
    msg = f"{finding.message}; {finding.suggestion}"
    raise DataError(msg, findings=findings_frame([finding]))


def preflight(inputs: Inputs, config: Config, *, year: int | None = None) -> pd.DataFrame:
    """What a run checks after loading its inputs, as findings: ``landeval validate`` calls it.

    Loading checks the inputs themselves (:func:`landeval.inputs.project.load_project`,
    rasters included); a run then stops on an evaluation year without data, on 亩均税收
    beyond its error bound (known after the land stage: the scoring stage runs here, as in
    a run) and on a basemap that lacks what it needs. Call it on inputs without errors.

    Returns
    -------
    DataFrame
        The findings of those checks: error findings for what would stop a run, and the
        scoring stage's warnings (亩均税收 beyond its warning bound).
    """
    from landeval.maps.basemaps import resolve_basemap  # noqa: PLC0415 - folium, lazily

    parts: list[pd.DataFrame] = []
    try:
        chosen = year or evaluation_year(config, inputs)
        _check_year_has_data(inputs, chosen)
        check_previous_year(inputs.previous, chosen)
        scoring = score(inputs, config, trends=False)
        parts.append(scoring.findings[scoring.findings["code"] == "TAX_PER_MU_ABOVE_BOUND"])
    except (DataError, ConfigError) as exc:
        parts.append(_as_findings(exc, layer="project"))
    try:
        resolve_basemap(config)
    except ConfigError as exc:
        parts.append(_as_findings(exc, layer="project"))
    return concat_findings(*parts)


def _as_findings(exc: LandevalError, *, layer: str) -> pd.DataFrame:
    """The findings an error carries; one error finding with its message when it has none."""
    if exc.findings is not None and len(exc.findings):
        return exc.findings
    finding = Finding("error", "RUN_WOULD_STOP", layer, None, None, str(exc), "")
    return findings_frame([finding])


def load(
    project_dir: str | Path | None = None,
    *,
    year: int | None = None,
    language: str | None = None,
    previous: str | Path | None = None,
) -> tuple[Config, Inputs]:
    """Load a project (default: the embedded demo), with CLI-style overrides.

    ``previous`` names last year's output folder (``--previous``), in place of the
    project's ``[inputs] previous``.
    """
    from landeval.config import load_config  # noqa: PLC0415
    from landeval.inputs.project import load_project  # noqa: PLC0415

    overrides: dict[str, dict] = {"project": {}}
    if year:
        overrides["project"]["evaluation_year"] = year
    if language:
        overrides["project"]["language"] = language
    if previous is not None:
        overrides["inputs"] = {"previous": str(Path(previous).resolve())}
    project_dir = Path(project_dir) if project_dir is not None else default_project_dir()
    config = load_config(project_dir, **overrides)
    return load_project(project_dir, config=config)


def check_out_dir(out_dir: Path, project_dir: Path | None) -> Path:
    """Refuse an output folder landeval may not write into (DESIGN §7b); return it resolved.

    Refused, with :class:`~landeval.errors.OutputError` (exit status 2): the project folder,
    a folder inside it or one that contains it; a path that is a file or lies under one; a
    place without write permission; a folder holding anything landeval did not write
    (:func:`landeval._outdir.check_owned` lists it). Nothing is created or deleted here.
    """
    out = out_dir.resolve()
    if project_dir is not None:
        proj = project_dir.resolve()
        if out == proj or proj in out.parents:
            msg = (
                f"output folder {out} is the project folder or inside it; landeval never "
                "writes into its inputs. Choose another --out. / 输出文件夹是项目文件夹或在其中,"
                " landeval 从不写入输入数据, 请换一个 --out"
            )
            raise OutputError(msg)
        if out in proj.parents:
            msg = (
                f"output folder {out} contains the project folder {proj}; a run replaces its "
                "output folder whole. Choose another --out. / 输出文件夹包含项目文件夹,"
                " 运行会整体替换输出文件夹, 请换一个 --out"
            )
            raise OutputError(msg)
    check_writable(out)
    check_owned(out)
    return out


def check_writable(out: Path) -> None:
    """Refuse an output path that is a file, lies under a file, or cannot be written."""
    if out.exists() and not out.is_dir():
        msg = (
            f"输出路径 {out} 是一个文件, 不是文件夹 / output path {out} exists and is not a "
            "folder; choose a folder with --out"
        )
        raise OutputError(msg)
    place = out if out.is_dir() else out.parent
    while not place.exists() and place != place.parent:
        place = place.parent
    if not place.is_dir():
        msg = (
            f"输出文件夹 {out} 位于文件 {place} 之下, 无法创建 / output folder {out} lies under "
            f"the file {place}; choose another --out"
        )
        raise OutputError(msg)
    parent = out.parent if out.parent.exists() else place
    for folder in {place, parent}:
        if not os.access(folder, os.W_OK | os.X_OK):
            msg = (
                f"没有写入 {folder} 的权限 / no permission to write in {folder}; choose an "
                "output folder you can write with --out"
            )
            raise OutputError(msg)


@contextlib.contextmanager
def writing_into(out_dir: Path) -> Iterator[Path]:
    """Hold an output folder while a command writes some outputs into it (not a whole run).

    The folder is made when missing, locked, and checked to be landeval's own; on leaving,
    the files written into it (those under :data:`OUTPUT_FILES`' names) are added to its
    marker. A whole run replaces the folder instead (:func:`run`).
    """
    out = Path(out_dir).resolve()
    check_writable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(out):
        check_owned(out)
        out.mkdir(exist_ok=True)
        before = snapshot(out)
        try:
            yield out
        finally:
            # Also after a failure: what was written (the store, before the maps failed) is
            # landeval's, and must not look foreign to the next run.
            with contextlib.suppress(OSError):
                claim_new_files(out, before, OUTPUT_NAMES)


def run(
    project_dir: str | Path | None = None,
    out_dir: str | Path = "out",
    *,
    year: int | None = None,
    language: str | None = None,
    maps: bool = True,
    hook: StageHook = _no_hook,
    previous: str | Path | None = None,
) -> RunResult:
    """Run the whole pipeline and write every output into ``out_dir``.

    The outputs are built in a temporary folder beside ``out_dir`` and swapped in when all
    are complete, so a failed or interrupted run leaves the previous outputs whole. Data
    errors raise :class:`~landeval.errors.DataError` with the findings. ``previous`` names
    last year's output folder (else the project's ``[inputs] previous``; DESIGN §11).
    """
    started = utc_now()
    project = Path(project_dir) if project_dir is not None else default_project_dir()
    out = check_out_dir(Path(out_dir), project)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Locked from the start: a second run into the same folder stops before it loads.
    with output_lock(out):
        return _run_locked(
            project,
            out,
            year=year,
            language=language,
            maps=maps,
            hook=hook,
            started=started,
            previous=previous,
        )


def _run_locked(
    project: Path,
    out: Path,
    *,
    year: int | None,
    language: str | None,
    maps: bool,
    hook: StageHook,
    started: str,
    previous: str | Path | None = None,
) -> RunResult:
    with hook("load"):
        config, inputs = load(project, year=year, language=language, previous=previous)
    if has_errors(inputs.findings):
        msg = "the inputs have errors; fix them and run again (landeval validate lists them)"
        raise DataError(msg, findings=inputs.findings)
    with atomic_dir(out) as staging, StoreWriter(staging / STORE_NAME) as store:
        # The store is written on a thread of its own while the stages run: the inputs
        # beside the scoring, each stage's tables beside the next stage, the last ones beside
        # the exports, maps and report. DuckDB compresses and writes without holding the
        # GIL and the stages leave the second core mostly idle, so on two cores most of the
        # store's cost (~45 s CPU at a million parcels) disappears. Leaving this block waits
        # for the store either way, so a failure on either side leaves the previous outputs
        # whole.
        store.put(inputs.tables())
        evaluation = evaluate(inputs, config, year=year, hook=hook, on_tables=store.put)
        lang = config.project.language
        tables = {**inputs.tables(), **_non_empty(evaluation.tables)}
        tables["findings"] = evaluation.findings
        store.put(
            {
                "findings": evaluation.findings,
                **run_info_tables(config, inputs, evaluation.year, started, utc_now()),
            }
        )
        files = write_outputs(
            tables,
            staging,
            config=config,
            year=evaluation.year,
            lang=lang,
            maps=maps,
            hook=hook,
        )
        with hook("store"):
            store.wait()
    files = {k: out / p.relative_to(staging) for k, p in files.items()}
    files["store"] = out / STORE_NAME
    return RunResult(out_dir=out, year=evaluation.year, tables=tables, files=files)


def write_outputs(
    tables: Mapping[str, pd.DataFrame],
    out_dir: Path,
    *,
    config: Config,
    year: int,
    lang: str,
    maps: bool = True,
    only: tuple[str, ...] = ("exports", "maps", "report"),
    hook: StageHook = _no_hook,
) -> dict[str, Path]:
    """Write the GeoPackage, workbook, CSV, maps and report from result tables."""
    from landeval.export import (  # noqa: PLC0415
        write_actions_csv,
        write_geopackage,
        write_workbook,
    )
    from landeval.report import write_report  # noqa: PLC0415

    files: dict[str, Path] = {}
    if "exports" in only:
        with hook("exports"), _gdal_write_errors(out_dir / OUTPUT_FILES["geopackage"]):
            files["geopackage"] = write_geopackage(
                tables, out_dir / OUTPUT_FILES["geopackage"], lang=lang
            )
            files["workbook"] = write_workbook(
                tables, out_dir / OUTPUT_FILES["workbook"], lang=lang, year=year
            )
            files["csv"] = write_actions_csv(tables, out_dir / OUTPUT_FILES["csv"], lang=lang)
    if maps and "maps" in only:
        with hook("maps"):
            files["maps"] = write_map_files(
                tables, out_dir / "maps", config=config, year=year, lang=lang
            )
    if "report" in only:
        with hook("report"):
            files["report"] = write_report(
                tables, out_dir / OUTPUT_FILES["report"], lang=lang, year=year, config=config
            )
    return files


@contextlib.contextmanager
def _gdal_write_errors(path: Path) -> Iterator[None]:
    """GDAL's failures to write ``path`` as :class:`OutputError` (exit 2), with the free space.

    GDAL reports a full disk as a failed write or rollback, without the system's words; the
    free space left on the device is the evidence the user needs.
    """
    from pyogrio.errors import DataLayerError, DataSourceError  # noqa: PLC0415

    try:
        yield
    except (DataSourceError, DataLayerError) as exc:
        try:
            free = f"{shutil.disk_usage(path.parent).free / 1e6:,.1f} MB"
        except OSError:
            free = "?"
        msg = (
            f"无法写入 {path.name} (GDAL: {exc}); 请检查磁盘空间 (剩余 {free}) 与写入权限 /"
            f" cannot write {path.name}: check the free space ({free} left) and permissions"
        )
        raise OutputError(msg) from exc


def write_map_files(
    tables: Mapping[str, pd.DataFrame], maps_dir: Path, *, config: Config, year: int, lang: str
) -> Path:
    """Write the three maps and their index page; returns the index page's path."""
    from landeval.maps import write_maps  # noqa: PLC0415

    written = write_maps(
        parcel_eval=tables["parcel_eval"],
        platforms=tables.get("platforms"),
        platform_summary=tables.get("platform_summary"),
        control_line=tables.get("control_line"),
        balance_items=tables.get("balance_items"),
        config=config,
        year=year,
        out_dir=maps_dir,
        lang=lang,
        boundaries=tables.get("boundaries"),
        decisions=tables.get("decisions"),
        firm_incentives=tables.get("firm_incentives"),
    )
    return next((p for p in written if p.name == "index.html"), maps_dir / "index.html")


def stored_run(out_dir: str | Path) -> tuple[Config, int, dict[str, pd.DataFrame]]:
    """Read a previous run's store: its configuration, evaluation year and tables."""
    import tomllib  # noqa: PLC0415

    from landeval.config import Config  # noqa: PLC0415

    store = Path(out_dir) / STORE_NAME
    if not store.exists():
        msg = f"no landeval store at {store}; run `landeval run --out {out_dir}` first"
        raise ConfigError(msg)
    tables = read_tables(store)
    info = dict(zip(tables["run_info"]["key"], tables["run_info"]["value"], strict=True))
    data = tomllib.loads(info["config"])
    project_dir = info.get("project_dir") or None
    config = Config.model_validate({**data, "project_dir": project_dir})
    return config, int(info["evaluation_year"]), tables


def rebuild_outputs(
    out_dir: str | Path, *, only: tuple[str, ...], lang: str | None = None
) -> dict[str, Path]:
    """Write some outputs ("exports", "maps", "report") again from the store in ``out_dir``."""
    config, year, tables = stored_run(out_dir)
    with writing_into(Path(out_dir)) as out:
        return write_outputs(
            tables,
            out,
            config=config,
            year=year,
            lang=lang or config.project.language,
            only=only,
        )


def update_stage_tables(out_dir: str | Path, tables: Mapping[str, pd.DataFrame]) -> Path:
    """Put one stage's tables into the store of ``out_dir`` (made when missing)."""
    with writing_into(Path(out_dir)) as out:
        return update_store(out / STORE_NAME, _non_empty(tables))


def run_info_tables(
    config: Config, inputs: Inputs, year: int, started: str, finished: str
) -> dict[str, pd.DataFrame]:
    """The ``run_info`` (key/value) and ``input_files`` (path, bytes, SHA-256) tables."""
    files = [
        {"layer": layer, "path": str(path), "bytes": path.stat().st_size, "sha256": hash_file(path)}
        for layer, path in sorted(_input_files(inputs).items())
    ]
    info = {
        "landeval_version": __version__,
        "evaluation_year": str(year),
        "started": started,
        "finished": finished,
        "project_dir": str(config.project_dir or ""),
        "config": config.to_toml(),
        "input_hashes": json.dumps({f["layer"]: f["sha256"] for f in files}, ensure_ascii=False),
        **_previous_info(inputs),
    }
    return {
        "run_info": pd.DataFrame({"key": list(info), "value": list(info.values())}),
        "input_files": pd.DataFrame(files, columns=["layer", "path", "bytes", "sha256"]),
    }


def _previous_info(inputs: Inputs) -> dict[str, str]:
    """Which output the run compared with (DESIGN §11): its folder, year and landeval."""
    previous = inputs.previous
    if previous is None:
        return {}
    return {
        "previous_dir": str(previous.folder),
        "previous_year": str(previous.year),
        "previous_version": previous.version,
    }


def _input_files(inputs: Inputs) -> dict[str, Path]:
    """Input files by the layers they hold (a GeoPackage of several layers is named once)."""
    by_path: dict[Path, list[str]] = {}
    for layer, path in inputs.sources.items():
        by_path.setdefault(Path(path), []).append(layer)
    for kind, paths in (inputs.rasters or {}).items():
        for i, path in enumerate(paths):
            by_path.setdefault(Path(path), []).append(f"raster_{kind}_{i}")
    return {"+".join(layers): p for p, layers in by_path.items() if p.is_file()}


def _non_empty(tables: Mapping[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame]:
    return {k: v for k, v in tables.items() if v is not None}


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second (for run_info)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def default_project_dir() -> Path:
    """The embedded demo project folder, used when no --project is given."""
    from landeval.demo import demo_project_dir  # noqa: PLC0415

    return demo_project_dir()

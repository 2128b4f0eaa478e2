"""Loading a project: every input read, canonicalised, projected, repaired and validated.

:func:`load_project` is what the CLI, the pipeline and the notebooks call. It never raises a
raw exception for bad data: a file that cannot be used at all (missing, unreadable, a
required column missing, no CRS) becomes an error finding, the other layers are still read so
that the user sees every problem at once, and then a :class:`~landeval.errors.DataError`
carrying all findings is raised. Otherwise the returned :class:`~landeval.inputs.model.Inputs` holds
the findings (which may still contain errors: the caller decides, see
:func:`landeval.findings.has_errors`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from landeval.config import Config, load_config
from landeval.errors import ConfigError, DataError
from landeval.findings import Finding, concat_findings, findings_frame
from landeval.inputs.crs import projected_crs_for
from landeval.inputs.model import REQUIRED_LAYERS, REVIEW_TABLES, TABLES, VECTOR_LAYERS, Inputs
from landeval.inputs.read import SOURCE_ROW, OpenVector, add_area, open_vector, read_table, resolve
from landeval.monitoring.previous import PreviousRun, read_previous
from landeval.review.read import read_reviews
from landeval.validate import (
    OVERLAP_SEVERITY,
    check_overlaps,
    repair_geometries,
    validate_inputs,
)
from landeval.validate.rasters import check_rasters


def load_project(
    project_dir: str | Path | None = None, *, config: Config | None = None
) -> tuple[Config, Inputs]:
    """Load a project's configuration and inputs.

    Parameters
    ----------
    project_dir : path-like, optional
        Folder holding ``landeval.toml``; None (and no ``config``) loads the embedded demo.
    config : Config, optional
        An already loaded configuration (its ``project_dir`` is used); wins over
        ``project_dir``.

    Returns
    -------
    (Config, Inputs)

    Raises
    ------
    ConfigError
        The project file is invalid.
    DataError
        An input cannot be used; ``exc.findings`` lists every problem found.
    """
    if config is None:
        if project_dir is None:
            from landeval.demo import demo_project_dir  # noqa: PLC0415 - optional, lazy

            project_dir = demo_project_dir()
        config = load_config(project_dir)
    return config, load_inputs(config)


def load_inputs(config: Config) -> Inputs:
    """Read, canonicalise, project, repair and validate every input of ``config``.

    Vector layers end in one projected CRS: the parcels' own when projected, else the
    CGCS2000 3-degree GK zone of their centroid (:func:`landeval.inputs.crs.projected_crs_for`).
    Parcels get ``area_m2`` and ``area_mu``.

    Raises
    ------
    DataError
        A required layer is not configured, or an input cannot be used at all.
    """
    frames: dict[str, pd.DataFrame | None] = {}
    sources: dict[str, Path] = {}
    # Per layer: its findings or the finding that it cannot be used; gathered in layer order
    # at the end, so that the order of work below does not show.
    found: dict[str, pd.DataFrame] = {}
    unusable: dict[str, Finding] = {}
    # Two threads: the vector layers are read (GDAL), canonicalised, reprojected, repaired
    # and checked for overlaps (GEOS) on the worker, one step after the other, while the
    # tables are read here; the main thread only waits for the vector layers once every
    # table is read.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="landeval-load") as pool:
        opened: dict[str, OpenVector] = {}
        for layer in VECTOR_LAYERS:
            spec = _configured(layer, config, frames, sources, unusable)
            if spec is None:
                continue
            try:
                opened[layer] = open_vector(spec, layer, config=config)
            except DataError as exc:
                frames[layer] = None
                unusable[layer] = _unusable(layer, exc)
        # Every layer is opened before any is read: opening records and filters warnings,
        # which is not thread-safe.
        opened = {layer: vector.start(pool) for layer, vector in opened.items()}
        if all(vector.features is not None for vector in opened.values()):
            stage: Future[_VectorStage] = pool.submit(_finish_vectors, opened)
        else:  # a measured source is read here: its warning filter is not thread-safe
            stage = Future()
            stage.set_result(_finish_vectors(opened))
        checks = {
            layer: pool.submit(_check_overlaps_after, stage, layer, severity)
            for layer, severity in OVERLAP_SEVERITY.items()
            if layer in opened
        }
        for layer in TABLES:
            spec = _configured(layer, config, frames, sources, unusable)
            if spec is None:
                continue
            read = functools.partial(read_table, spec, layer, config=config)
            _record(layer, read, frames, found, unusable)
        # --- the bureau's review (DESIGN §10): read and checked like the tables ---------
        reviews = read_reviews(config)
        sources.update(reviews.sources)
        unusable.update(reviews.unusable)
        if reviews.findings:
            found["parcel_review"] = findings_frame(reviews.findings)
        # --- last year's output (DESIGN §11); its year is checked by the evaluation --------
        previous = _previous(config, unusable)
        # ---------------------------------------------------------------------------------
        vectors = stage.result()
        frames.update(vectors.frames)
        found.update(vectors.found)
        unusable.update(vectors.unusable)
        geom_findings = vectors.geom_findings
        geom_fatal = vectors.geom_fatal
        # The checks that ran on the prepared layers, as start_overlap_checks would give.
        overlaps = {
            layer: future
            for layer, future in checks.items()
            if vectors.prepared and vectors.frames.get(layer) is not None
        }
        frames = {layer: frames.get(layer) for layer in (*VECTOR_LAYERS, *TABLES)}
        rasters, raster_findings = _resolve_rasters(config)
        every = (*VECTOR_LAYERS, *TABLES, *REVIEW_TABLES, "previous")
        fatal = [unusable[layer] for layer in every if layer in unusable]
        fatal.extend(raster_findings)
        # The rasters that exist are opened (headers only) and checked as the raster stage
        # will use them, so that a project validate passes is one run does not refuse.
        existing = {kind: [p for p in paths if p.exists()] for kind, paths in rasters.items()}
        fatal.extend(_as_findings(check_rasters(existing)))
        fatal.extend(geom_fatal)
        findings = [found[layer] for layer in every if layer in found]
        findings.extend(geom_findings)
        all_findings = concat_findings(findings_frame(fatal), *findings)
        if fatal:
            all_findings = concat_findings(
                all_findings,
                validate_inputs(_without_none(frames), config=config, overlaps=overlaps),
            )
            all_findings = name_files(all_findings, sources)
            first = fatal[0]
            more = f" (另有 {len(fatal) - 1} 个输入问题)" if len(fatal) > 1 else ""
            msg = f"输入数据无法使用: [{first.layer}] {first.message}{more}"
            raise DataError(msg, findings=all_findings)
        all_findings = concat_findings(
            all_findings,
            validate_inputs(frames, config=config, overlaps=overlaps),
            findings_frame(outside_project(config, sources, rasters)),
        )
    all_findings = name_files(all_findings, sources)
    clean = {k: _drop_source_row(v) for k, v in frames.items()}
    return Inputs(
        parcels=clean["parcels"],
        firms=clean["firms"],
        firm_tax=clean["firm_tax"],
        firm_output=clean["firm_output"],
        occupancy=clean["occupancy"],
        platforms=clean["platforms"],
        control_line=clean["control_line"],
        land_changes=clean["land_changes"],
        boundaries=clean["boundaries"],
        veto=clean["veto"],
        rasters=rasters,
        findings=all_findings,
        sources=sources,
        parcel_review=reviews.parcel_review,
        firm_review=reviews.firm_review,
        previous=previous,
    )


def _previous(config: Config, unusable: dict[str, Finding]) -> PreviousRun | None:
    """Last year's output the project names, or None; a folder that is not one is an error."""
    if not config.inputs.previous:
        return None
    folder = config.resolve(config.inputs.previous)
    try:
        return read_previous(folder)
    except ConfigError as exc:
        unusable["previous"] = Finding(
            "error",
            "PREVIOUS_UNUSABLE",
            "previous",
            None,
            None,
            str(exc),
            "--previous 或 [inputs] previous 须指向较早年度 landeval run 的输出文件夹",
        )
        return None


def _configured(
    layer: str,
    config: Config,
    frames: dict[str, pd.DataFrame | None],
    sources: dict[str, Path],
    unusable: dict[str, Finding],
) -> str | None:
    """The layer's input spec, its path recorded in ``sources``; None if not configured."""
    spec = getattr(config.inputs, layer)
    if not spec:
        if layer in REQUIRED_LAYERS:
            unusable[layer] = Finding(
                "error",
                "INPUT_NOT_CONFIGURED",
                layer,
                None,
                None,
                f"没有配置必需的输入 {layer}",
                f'请在 landeval.toml 的 [inputs] 中设置 {layer} = "文件路径"',
            )
        frames[layer] = None
        return None
    sources[layer] = resolve(spec, config=config)[0]
    return spec


def _record(
    layer: str,
    read: Callable[[], tuple[pd.DataFrame, list[Finding]]],
    frames: dict[str, pd.DataFrame | None],
    found: dict[str, pd.DataFrame],
    unusable: dict[str, Finding],
) -> None:
    """Call ``read`` and keep the layer's frame and findings, or why it cannot be used."""
    try:
        frame, notes = read()
    except DataError as exc:
        frames[layer] = None
        unusable[layer] = _unusable(layer, exc)
        return
    found[layer] = findings_frame(notes)
    frames[layer] = frame


def _unusable(layer: str, exc: DataError) -> Finding:
    return Finding(
        "error", "INPUT_UNUSABLE", layer, None, None, str(exc), "请按提示修正文件或 landeval.toml"
    )


@dataclass
class _VectorStage:
    """What :func:`_finish_vectors` gives: per layer as ``load_inputs`` keeps it."""

    frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    found: dict[str, pd.DataFrame] = field(default_factory=dict)
    unusable: dict[str, Finding] = field(default_factory=dict)
    geom_findings: list[pd.DataFrame] = field(default_factory=list)
    geom_fatal: list[Finding] = field(default_factory=list)
    prepared: bool = False  # reprojected, repaired and with areas: overlaps can be checked


def _finish_vectors(opened: dict[str, OpenVector]) -> _VectorStage:
    """Finish reading the opened vector layers and prepare them (see _prepare_vectors)."""
    out = _VectorStage()
    for layer, vector in opened.items():
        _record(layer, vector.result, out.frames, out.found, out.unusable)
    if out.frames.get("parcels") is None:
        return out
    vectors = {layer: out.frames.get(layer) for layer in VECTOR_LAYERS}
    try:
        prepared, repaired = _prepare_vectors(vectors)
    except DataError as exc:
        out.geom_fatal.append(
            Finding(
                "error",
                "INPUT_UNUSABLE",
                "parcels",
                None,
                "geometry",
                str(exc),
                "请检查宗地图层的坐标与坐标系",
            )
        )
        return out
    out.frames.update(prepared)
    out.geom_findings.extend(repaired)
    out.prepared = True
    return out


def _check_overlaps_after(stage: Future[_VectorStage], layer: str, severity: str) -> pd.DataFrame:
    """The overlap check of ``layer`` once ``stage`` is done (empty if it was not prepared).

    Only used by :func:`load_inputs` when the layer was prepared; an unprepared layer is
    checked by :func:`~landeval.validate.validate_inputs` itself.
    """
    vectors = stage.result()
    frame = vectors.frames.get(layer)
    if not vectors.prepared or frame is None:
        return findings_frame()
    return check_overlaps(frame, layer=layer, severity=severity)


def name_files(findings: pd.DataFrame, sources: dict[str, Path]) -> pd.DataFrame:
    """Findings whose message names their file: `` (文件 firms.csv)`` appended where missing.

    A finding says its layer (``firm_tax``); the user knows the file. Returns a new frame.
    """
    if findings.empty or not sources:
        return findings
    names = {layer: Path(path).name for layer, path in sources.items()}
    out = findings.copy()
    files = out["layer"].map(names)
    messages = out["message"].astype(object)
    need = pd.Series(
        [
            isinstance(f, str) and isinstance(m, str) and f not in m
            for f, m in zip(files, messages, strict=True)
        ],
        index=out.index,
        dtype=bool,
    )
    out.loc[need, "message"] = [
        f"{m} (文件 {f})" for f, m in zip(files[need], messages[need], strict=True)
    ]
    return out


def _prepare_vectors(
    frames: dict[str, pd.DataFrame | None],
) -> tuple[dict[str, pd.DataFrame | None], list[pd.DataFrame]]:
    """Reproject every vector layer to the parcels' projected CRS, repair, add areas."""
    out = dict(frames)
    findings: list[pd.DataFrame] = []
    parcels = out["parcels"]
    target = projected_crs_for(parcels)
    for layer in VECTOR_LAYERS:
        gdf = out.get(layer)
        if gdf is None:
            continue
        if not isinstance(gdf, gpd.GeoDataFrame):  # vector readers always give one
            continue
        if not gdf.crs.equals(target):
            gdf = gdf.to_crs(target)
        gdf, repaired = repair_geometries(gdf, layer=layer)
        findings.append(repaired)
        out[layer] = gdf
    out["parcels"] = add_area(out["parcels"])
    return out, findings


def _resolve_rasters(config: Config) -> tuple[dict[str, list[Path]], list[Finding]]:
    rasters: dict[str, list[Path]] = {}
    missing: list[Finding] = []
    for kind in ("footprint", "height", "landcover"):
        paths = [config.resolve(p) for p in getattr(config.inputs.rasters, kind)]
        rasters[kind] = paths
        missing.extend(
            Finding(
                "error",
                "RASTER_MISSING",
                "rasters",
                str(p),
                kind,
                f"栅格文件不存在: {p}",
                "请检查 [inputs.rasters] 中的路径",
            )
            for p in paths
            if not p.exists()
        )
    return rasters, missing


def outside_project(
    config: Config, sources: dict[str, Path], rasters: dict[str, list[Path]]
) -> list[Finding]:
    """A warning for each input file outside the project folder (a link out of it counts).

    Such a file does not travel with the project when it is copied or handed over, and it
    may change without the project's knowing; run_info records its hash either way.
    """
    if config.project_dir is None:
        return []
    home = Path(config.project_dir).resolve()
    files = [(layer, Path(path)) for layer, path in sources.items()]
    files += [(f"raster:{kind}", Path(p)) for kind, paths in rasters.items() for p in paths]
    out = []
    for layer, path in files:
        real = path.resolve()
        if real.is_relative_to(home):
            continue
        link = f" (链接 {path.name} 指向它)" if path.is_symlink() else ""
        out.append(
            Finding(
                "warning",
                "INPUT_OUTSIDE_PROJECT",
                layer,
                None,
                None,
                f"输入文件 {real} 不在项目文件夹 {home} 内{link}: 复制或移交项目时不会随之带走"
                f" / the input file is outside the project folder",
                "建议把输入文件放进项目文件夹, 在 landeval.toml 中用相对路径",
            )
        )
    return out


def _as_findings(frame: pd.DataFrame) -> list[Finding]:
    """Rows of a findings frame as :class:`Finding` objects."""
    return [Finding(**row) for row in frame.to_dict("records")]


def _without_none(frames: dict[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame]:
    return {k: v for k, v in frames.items() if v is not None}


def _drop_source_row(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None or SOURCE_ROW not in frame.columns:
        return frame
    return frame.drop(columns=SOURCE_ROW)

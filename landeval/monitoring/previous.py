"""Last year's output (DESIGN §11): :func:`read_previous` and :func:`check_previous_year`.

A previous run is a folder landeval wrote — its marker (:data:`landeval._outdir.MARKER`)
lists the store ``landeval.duckdb`` — for an earlier evaluation year, by a landeval whose
store this one reads (:data:`OLDEST_READABLE` up to this version). Only the tables and
columns the year-over-year tables use are read (:data:`PREVIOUS_COLUMNS`), so a full run's
store and a slim one (the demo's) serve alike. Anything else is refused with a sentence in
both languages (:class:`~landeval.errors.ConfigError`, exit status 2), never a traceback.

Examples
--------
>>> version_problem("0.1.0", ours="0.1.0") is None
True
>>> version_problem("9.0.0", ours="0.1.0").split("，")[0]
'由 landeval 9.0.0 写入'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd

from landeval._outdir import MARKER, read_marker
from landeval._version import __version__
from landeval.errors import ConfigError
from landeval.store import STORE_NAME, read_table, table_columns

OLDEST_READABLE: tuple[int, int] = (0, 1)
"""The oldest landeval (major, minor) whose store is read as last year's: from 0.1 a store
holds the final treatments and the review's decisions."""

PREVIOUS_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "parcel_eval": (
        ("parcel_id", "county_code", "area_mu", "class", "treatment", "geometry"),
        (
            "county_name",
            "platform_id",
            "platform_name",
            "land_use",
            "planned_use",
            "status",
            "final_treatment",
            "decision_source",
            "far",
            "far_min",
            "main_uscc",
            "main_name",
            "n_occupants",
        ),
    ),
    "firm_scores": (
        ("uscc", "year", "county_code", "class"),
        ("name", "scale", "class_machine", "evaluated", "land_mu"),
    ),
    "decisions": (
        ("parcel_id", "final"),
        (
            "decision_source",
            "reviewed",
            "review_reason",
            "path",
            "responsible",
            "deadline",
            "progress",
            "difficulty",
            "accepted_on",
            "closed_on",
        ),
    ),
}
"""The tables of last year's store that monitoring reads: (required, optional) columns.
``decisions`` is optional as a whole (a run without the review stage): the final treatment
is then the parcel's."""


@dataclass(frozen=True)
class PreviousRun:
    """Last year's output as monitoring reads it.

    Attributes
    ----------
    folder : Path
        The output folder.
    year : int
        Its evaluation year.
    version : str
        The landeval that wrote it.
    parcel_eval : GeoDataFrame
        Its parcels (:data:`PREVIOUS_COLUMNS`; optional columns missing where it lacks them).
    firm_scores : DataFrame
        Its firms' rows of its evaluation year.
    decisions : DataFrame or None
        The bureau's decisions and their progress, None when the store has none.
    """

    folder: Path
    year: int
    version: str
    parcel_eval: gpd.GeoDataFrame
    firm_scores: pd.DataFrame
    decisions: pd.DataFrame | None


def read_previous(folder: str | Path) -> PreviousRun:
    """Read last year's output folder, refusing what is not one.

    Parameters
    ----------
    folder : path-like
        An output folder of ``landeval run``.

    Returns
    -------
    PreviousRun

    Raises
    ------
    ConfigError
        The folder is missing, is not a landeval output (no marker, no store, not a DuckDB
        store), was written by an incompatible landeval or lacks a table or column
        monitoring needs. The evaluation year is checked by :func:`check_previous_year`.
    """
    path = Path(folder)
    store = path / STORE_NAME
    _check_folder(path, store)
    try:
        columns = table_columns(store)
        info = _run_info(store, columns)
    except duckdb.Error as exc:
        msg = (
            f"上年输出文件夹 {path} 中的 {STORE_NAME} 无法作为 landeval 数据库打开（{exc}）/ "
            f"{store} cannot be opened as a landeval store"
        )
        raise ConfigError(msg) from None
    version = info.get("landeval_version", "")
    problem = version_problem(version)
    if problem is not None:
        raise ConfigError(f"上年输出文件夹 {path}：{problem}")
    try:
        year = int(info.get("evaluation_year", ""))
    except ValueError:
        msg = (
            f"上年输出文件夹 {path} 的 run_info 没有评价年度 / the run_info of {path} has no "
            "evaluation year"
        )
        raise ConfigError(msg) from None
    parcel_eval = gpd.GeoDataFrame(_read(store, "parcel_eval", columns, version, path))
    firm_scores = _read(store, "firm_scores", columns, version, path)
    firm_scores = firm_scores.loc[pd.to_numeric(firm_scores["year"]) == year].reset_index(drop=True)
    decisions = (
        _read(store, "decisions", columns, version, path) if "decisions" in columns else None
    )
    return PreviousRun(
        folder=path,
        year=year,
        version=version,
        parcel_eval=parcel_eval,
        firm_scores=firm_scores,
        decisions=decisions,
    )


def check_previous_year(previous: PreviousRun | None, year: int) -> None:
    """Refuse last year's output when its evaluation year is not before ``year``.

    Raises
    ------
    ConfigError
        ``previous.year >= year``.
    """
    if previous is None or previous.year < year:
        return
    msg = (
        f"上年输出文件夹 {previous.folder} 是 {previous.year} 年度的评价，不早于本次评价年度 "
        f"{year}：请指定更早年度的输出（--previous 或 [inputs] previous）/ the previous "
        f"output {previous.folder} evaluates {previous.year}, not a year before {year}"
    )
    raise ConfigError(msg)


def version_problem(version: str, *, ours: str = __version__) -> str | None:
    """Why a store written by landeval ``version`` cannot be read as last year's; None if it can.

    Readable: from :data:`OLDEST_READABLE` up to this landeval's major and minor version (a
    newer landeval may store what this one does not know).
    """
    theirs, mine = _major_minor(version), _major_minor(ours)
    if theirs is None:
        return (
            f"run_info 中没有可识别的 landeval 版本（{version or '空'}），不是兼容的输出 / "
            "no landeval version in its run_info: not a compatible output"
        )
    shown = ".".join(map(str, theirs))
    if mine is not None and theirs > mine:
        return (
            f"由 landeval {version} 写入，比当前的 landeval {ours} 新，无法读取；请升级 "
            f"landeval / written by landeval {version}, newer than this landeval {ours}: "
            "update landeval"
        )
    if theirs < OLDEST_READABLE:
        oldest = ".".join(map(str, OLDEST_READABLE))
        return (
            f"由 landeval {shown} 写入，早于可读取的 {oldest} 版，格式不兼容；请用当前版本重新"
            f"运行上年的项目 / written by landeval {version}, older than {oldest}: run last "
            "year's project again with this landeval"
        )
    return None


def _major_minor(version: str) -> tuple[int, int] | None:
    found = re.match(r"^\s*(\d+)\.(\d+)", version or "")
    return (int(found.group(1)), int(found.group(2))) if found else None


def _check_folder(path: Path, store: Path) -> None:
    if not path.is_dir():
        msg = (
            f"上年输出文件夹 {path} 不存在或不是文件夹 / the previous output folder {path} "
            "does not exist"
        )
        raise ConfigError(msg)
    listed = read_marker(path)
    if listed is None:
        msg = (
            f"{path} 不是 landeval 的输出文件夹（没有 {MARKER} 标记），不能作为上年评价结果 / "
            f"{path} is not a landeval output folder (no {MARKER} marker)"
        )
        raise ConfigError(msg)
    if STORE_NAME not in listed or not store.is_file():
        msg = (
            f"上年输出文件夹 {path} 中没有 landeval 写入的 {STORE_NAME} / the previous output "
            f"folder {path} holds no {STORE_NAME} written by landeval"
        )
        raise ConfigError(msg)


def _run_info(store: Path, columns: dict[str, list[str]]) -> dict[str, str]:
    if not {"key", "value"} <= set(columns.get("run_info", [])):
        msg = (
            f"{store} 没有 run_info 表，不是 landeval run 的完整输出 / {store} has no run_info: "
            "not the output of landeval run"
        )
        raise ConfigError(msg)
    info = read_table(store, "run_info", ["key", "value"])
    return {str(k): str(v) for k, v in zip(info["key"], info["value"], strict=True)}


def _read(
    store: Path, name: str, columns: dict[str, list[str]], version: str, folder: Path
) -> pd.DataFrame:
    """One table of :data:`PREVIOUS_COLUMNS`: its required columns and the optional ones it has."""
    required, optional = PREVIOUS_COLUMNS[name]
    have = columns.get(name, [])
    missing = [c for c in required if c not in have]
    if missing:
        what = f"表 {name}" if not have else f"表 {name} 的列 {'、'.join(missing)}"
        what_en = f"table {name}" if not have else f"columns {missing} of {name}"
        msg = (
            f"上年输出文件夹 {folder}（landeval {version}）缺少{what}，格式不兼容 / the previous "
            f"output lacks {what_en}: incompatible"
        )
        raise ConfigError(msg)
    frame = read_table(store, name, [c for c in (*required, *optional) if c in have])
    for col in optional:
        if col not in frame.columns:
            frame[col] = pd.NA
    return frame

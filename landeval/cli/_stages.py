"""What the stage commands (raster, score, classify, balance, map) share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from landeval.config import Config, load_config
from landeval.errors import ConfigError, DataError, LandevalError
from landeval.findings import concat_findings, has_errors
from landeval.inputs.model import Inputs
from landeval.pipeline import (
    OUTPUT_FILES,
    check_out_dir,
    default_project_dir,
    evaluation_year,
    load,
    run_info_tables,
    update_stage_tables,
    utc_now,
)
from landeval.store import STORE_NAME, list_tables, read_table
from landeval.vocabulary import Language


@dataclass(frozen=True)
class StageRun:
    """A loaded project about to run one stage into an output folder."""

    config: Config
    inputs: Inputs
    out: Path
    year: int
    started: str

    def save(
        self, results: dict[str, pd.DataFrame | None], findings: pd.DataFrame | None = None
    ) -> Path:
        """Write the inputs, the stage's tables, findings and run_info into the store."""
        tables = {
            **self.inputs.tables(),
            **{k: v for k, v in results.items() if v is not None},
            "findings": concat_findings(self.inputs.findings, findings),
            **run_info_tables(self.config, self.inputs, self.year, self.started, utc_now()),
        }
        return update_stage_tables(self.out, tables)


def language(project_dir: Path | None, lang: str | None) -> Language:
    """The language of a command's console output: ``--lang``, else the project's, else zh."""
    if lang in ("zh", "en"):
        return lang  # type: ignore[return-value]
    try:
        project = project_dir if project_dir is not None else default_project_dir()
        return load_config(project).project.language
    except LandevalError:
        return "zh"


def load_checked(
    project_dir: Path | None,
    out_dir: Path,
    *,
    year: int | None,
    lang: str | None = None,
    previous: Path | None = None,
) -> StageRun:
    """Check the output folder, load the project and stop on input errors.

    ``previous`` is last year's output folder (``--previous``), else the project's.
    """
    started = utc_now()
    project = project_dir if project_dir is not None else default_project_dir()
    out = check_out_dir(out_dir, project)
    config, inputs = load(project, year=year, language=lang, previous=previous)
    if has_errors(inputs.findings):
        msg = "the inputs have errors; fix them and run again (landeval validate lists them)"
        raise DataError(msg, findings=inputs.findings)
    stage_year = year or evaluation_year(config, inputs)
    check_same_year(out, stage_year)
    return StageRun(config, inputs, out, stage_year, started)


def check_same_year(out: Path, year: int) -> None:
    """Refuse to put one year's stage results into a folder holding another year's full run.

    A stage command updates the store in place; the workbook, maps and report of the
    folder's full run would then describe another year than its store, and a later
    ``landeval report`` would mix the two. The folder's own year is the one its store's
    ``run_info`` records; a folder of stage results only (no outputs) may change year.

    Raises
    ------
    ConfigError
        The folder holds a full run (outputs) of another evaluation year.
    """
    store = out / STORE_NAME
    if not store.is_file() or "run_info" not in list_tables(store):
        return
    info = read_table(store, "run_info")
    values = dict(zip(info["key"], info["value"], strict=True))
    try:
        stored = int(values.get("evaluation_year", ""))
    except ValueError:
        return
    if stored == year:
        return
    outputs = [
        name for key, name in OUTPUT_FILES.items() if key != "store" and (out / name).exists()
    ]
    if not outputs:
        return
    msg = (
        f"输出文件夹 {out} 中是 {stored} 年度的完整运行结果（{'、'.join(outputs)}），"
        f"不能再写入 {year} 年度的阶段结果，否则一个文件夹会混有两个年度。请换一个 --out，"
        f"或用 landeval run --year {year} --out {out} 重新生成全部输出。"
        f" (The folder holds a full run of {stored}; stage results of {year} would mix two "
        "years. Use another --out, or rerun everything with landeval run.)"
    )
    raise ConfigError(msg)

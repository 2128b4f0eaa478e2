"""What the stage commands (raster, score, classify, balance, map) share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from landeval.config import Config, load_config
from landeval.errors import DataError, LandevalError
from landeval.findings import concat_findings, has_errors
from landeval.inputs.model import Inputs
from landeval.pipeline import (
    check_out_dir,
    default_project_dir,
    evaluation_year,
    load,
    run_info_tables,
    update_stage_tables,
    utc_now,
)
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
    project_dir: Path | None, out_dir: Path, *, year: int | None, lang: str | None = None
) -> StageRun:
    """Check the output folder, load the project and stop on input errors."""
    started = utc_now()
    project = project_dir if project_dir is not None else default_project_dir()
    out = check_out_dir(out_dir, project)
    config, inputs = load(project, year=year, language=lang)
    if has_errors(inputs.findings):
        msg = "the inputs have errors; fix them and run again (landeval validate lists them)"
        raise DataError(msg, findings=inputs.findings)
    return StageRun(config, inputs, out, year or evaluation_year(config, inputs), started)

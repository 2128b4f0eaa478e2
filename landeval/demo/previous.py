"""The demo's second year (DESIGN §11): last year's output beside the project.

:func:`write_previous_year` evaluates a project for the year before its evaluation year into
an output folder of its own (without maps: a later run reads only its store) and names that
folder as the project's ``[inputs] previous``, so that ``landeval run`` on the project shows
the class transitions, the progress of last year's list and the 盘活 out of the box. The
demo's tables hold three years (2022–2024): last year (2023) is evaluated from the same
parcels and occupancy with the tax and output of 2023 (and 2022 for the flags that look two
years back), which is what a bureau's run a year ago would have given on these data.

The output folder may not lie inside the project (an output folder is landeval's own,
DESIGN §7b); ``[inputs] previous`` holds its path relative to the project.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from landeval.config import PROJECT_FILE, load_config
from landeval.pipeline import RunResult, load, run
from landeval.pipeline import evaluation_year as data_year

_INPUTS = re.compile(r"^\[inputs\]\s*$", re.MULTILINE)
_PREVIOUS = re.compile(r"^previous\s*=.*$", re.MULTILINE)
_SECTION = re.compile(r"^\[", re.MULTILINE)


def write_previous_year(project_dir: str | Path, out_dir: str | Path) -> RunResult:
    """Evaluate the year before the project's into ``out_dir`` and name it as its previous.

    Parameters
    ----------
    project_dir : path-like
        A project folder (``landeval.toml``) with data of the year before its evaluation year.
    out_dir : path-like
        The output folder for last year (not inside the project).

    Returns
    -------
    RunResult
        Last year's run (its ``year`` and ``files``).

    Raises
    ------
    DataError, ConfigError, OutputError
        As :func:`landeval.pipeline.run` (exit status 2 on the command line).
    """
    project = Path(project_dir).resolve()
    config = load_config(project)
    year = config.project.evaluation_year or data_year(*load(project))
    result = run(project, out_dir, year=year - 1, maps=False)
    _name_previous(project / PROJECT_FILE, Path(out_dir).resolve(), project)
    return result


def _name_previous(file: Path, folder: Path, project: Path) -> None:
    """Set ``[inputs] previous`` of the project file to ``folder`` (relative to the project)."""
    text = file.read_text(encoding="utf-8")
    value = Path(os.path.relpath(folder, project)).as_posix()
    line = f'previous = "{value}"'
    head = _INPUTS.search(text)
    if head is None:
        text = text.rstrip("\n") + f"\n\n[inputs]\n{line}\n"
    else:
        nxt = _SECTION.search(text, head.end())
        end = nxt.start() if nxt else len(text)
        section = text[head.end() : end]
        if _PREVIOUS.search(section):
            section = _PREVIOUS.sub(line, section, count=1)
        else:
            section = f"\n{line}" + section
        text = text[: head.end()] + section + text[end:]
    tmp = file.with_name(f".{file.name}.part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)

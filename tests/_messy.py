"""The messy-inputs corpus (tests/data/messy): a valid base project and broken files to swap in."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import tomli_w

MESSY = Path(__file__).parent / "data" / "messy"
USCC = ["913306021234500003", "91330603MA2D00001J", "91330603MA2D00002M"]
"""The valid 统一社会信用代码 of the base project's firms."""


def messy_project(tmp_path: Path, *, inputs=None, units=None, project=None, files=()) -> Path:
    """Copy the valid base project, swap messy files in and change its landeval.toml."""
    folder = tmp_path / "project"
    shutil.copytree(MESSY / "base", folder)
    for name in files:
        src = MESSY / name
        if src.is_dir():
            shutil.copytree(src, folder / src.name)
        else:
            shutil.copy(src, folder / src.name)
    toml = tomllib.loads((folder / "landeval.toml").read_text(encoding="utf-8"))
    for section, values in (("inputs", inputs), ("units", units), ("project", project)):
        toml[section].update(values or {})
    (folder / "landeval.toml").write_text(tomli_w.dumps(toml), encoding="utf-8")
    return folder

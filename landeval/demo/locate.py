"""Where the embedded demo project lives: :func:`demo_project_dir`."""

from __future__ import annotations

from pathlib import Path

from landeval.errors import LandevalError

_PACKAGED = Path(__file__).resolve().parent.parent / "_data" / "shaoxing_demo"
_REPO = Path(__file__).resolve().parent.parent.parent / "data" / "shaoxing_demo"


def demo_project_dir() -> Path:
    """The embedded demo project folder (holding ``landeval.toml``).

    A wheel install ships it as ``landeval/_data/shaoxing_demo``; an editable install finds
    ``data/shaoxing_demo`` at the top of the repository.

    Raises
    ------
    LandevalError
        Neither folder holds a ``landeval.toml``.
    """
    for folder in (_PACKAGED, _REPO):
        if (folder / "landeval.toml").is_file():
            return folder
    msg = (
        f"the embedded demo dataset is missing (looked in {_PACKAGED} and {_REPO}); "
        "generate one with `landeval demo --out DIR` and pass --project DIR"
    )
    raise LandevalError(msg)

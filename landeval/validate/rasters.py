"""Checks of the project's rasters before any is read: they open, have a CRS, fit together.

The raster stage (:mod:`landeval.raster`) stops a run on a raster it cannot use; the same
checks run here, with the same code (:func:`landeval.raster.sources.open_raster` and
:func:`~landeval.raster.sources.check_pair`), when the inputs are loaded, so that
``landeval validate`` reports them and exit status 0 means the run will not stop on them.
Only the rasters' headers are read, never their cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from landeval.errors import DataError
from landeval.findings import concat_findings, findings_frame
from landeval.raster.sources import check_pair, open_raster

RASTER_KINDS: tuple[str, ...] = ("footprint", "height", "landcover")
"""The raster kinds of ``[inputs.rasters]``, in the order they are checked."""


def check_rasters(rasters: Mapping[str, Sequence[Path]]) -> pd.DataFrame:
    """Error findings for every raster the raster stage could not use.

    Parameters
    ----------
    rasters : mapping
        Raster kind → its files (tiles or one VRT), existing ones only (a missing file is
        RASTER_MISSING already).

    Returns
    -------
    DataFrame
        Findings: RASTER_UNREADABLE (not a raster: a text file named .tif), RASTER_NO_CRS,
        RASTER_ROTATED, RASTER_TILES_MISMATCH (tiles in different CRSs, sizes or grids),
        RASTER_DTYPE, RASTER_CRS_DIFFER / RASTER_GRIDS_INCOMPATIBLE (height against
        footprint).
    """
    parts: list[pd.DataFrame] = []
    with ExitStack() as stack:
        opened = {}
        for kind in RASTER_KINDS:
            paths = list(rasters.get(kind) or [])
            if not paths:
                continue
            try:
                opened[kind] = stack.enter_context(open_raster(paths, kind=kind))
            except DataError as exc:
                parts.append(_findings_of(exc))
        if "footprint" in opened and "height" in opened:
            try:
                check_pair(opened["footprint"], opened["height"])
            except DataError as exc:
                parts.append(_findings_of(exc))
    return concat_findings(*parts)


def _findings_of(exc: DataError) -> pd.DataFrame:
    return exc.findings if exc.findings is not None else findings_frame()

"""``actions.csv``: the four treatment lists in one table, UTF-8 with a BOM.

The BOM makes Excel in China open the file as UTF-8 instead of GBK. Text cells are
neutralised against formula injection like the workbook's; numbers are written as plain
decimals (shares as fractions 0–1) so that other programs read them as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from landeval._atomic import atomic_path
from landeval.export._cells import neutralise
from landeval.export._tables import action_table

_DECIMALS: dict[str, int] = {
    "mu": 4,
    "per_mu": 4,
    "ratio": 3,
    "share": 4,
    "int": 0,
    "score": 2,
    "money": 2,
    "per_unit": 4,
}


def write_actions_csv(
    results: Mapping[str, pd.DataFrame | None],
    path: str | Path,
    *,
    lang: str = "zh",
) -> Path:
    """Write ``actions.csv`` atomically: every parcel with a treatment other than KEEP.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Result tables by name; ``parcel_eval`` is used.
    path : path-like
        The CSV file to write.
    lang : {"zh", "en"}
        Language of headers and labels.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    parcels = results.get("parcel_eval")
    table = action_table(
        parcels if parcels is not None else pd.DataFrame(), lang=lang, with_treatment=True
    )
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([neutralise(str(h)) for h in table.frame.columns])
        kinds = table.kinds
        for row in table.frame.itertuples(index=False, name=None):
            writer.writerow([_cell(v, k) for v, k in zip(row, kinds, strict=True)])
    return path


def _cell(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "text":
        return neutralise(str(value))
    return f"{value:.{_DECIMALS.get(kind, 4)}f}"

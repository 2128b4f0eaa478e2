"""What every check shares: findings rows, a readable key per row, and text-key lookups.

A check finds rows (a boolean mask or positions) and turns them into findings:
:func:`ids_where` names the rows, :func:`finding_rows` builds one findings row per id. Keys are
Arrow text; :func:`isin` and :func:`positions` look them up through Arrow's hash kernels,
because pandas hashes Arrow text through one Python object per cell.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.findings import FINDING_COLUMNS, findings_frame
from landeval.inputs.model import SOURCE_ROW

KEYS: dict[str, str | None] = {
    "parcels": "parcel_id",
    "platforms": "platform_id",
    "control_line": "line_id",
    "land_changes": "change_id",
    "firms": "uscc",
    "firm_tax": "uscc",
    "firm_output": "uscc",
    "occupancy": "uscc",
    "veto": "uscc",
}
"""The column naming a row of each layer (firm-year tables add the year)."""

FIRM_YEAR_LAYERS = frozenset({"firm_tax", "firm_output", "veto"})
"""Layers keyed by (uscc, year)."""


def finding_rows(  # noqa: PLR0917 - one positional per findings column, in column order
    severity: str,
    code: str,
    layer: str,
    row_ids: Iterable[object],
    field: str | None,
    messages: Iterable[str] | str,
    suggestion: str = "",
) -> pd.DataFrame:
    """A findings frame with one row per row id (vectorised, no Finding objects).

    ``messages`` is one message for all rows or one per row.
    """
    ids = [None if i is None else str(i) for i in row_ids]
    if not ids:
        return findings_frame()
    msgs = [messages] * len(ids) if isinstance(messages, str) else list(messages)
    frame = pd.DataFrame(
        {
            "severity": severity,
            "code": code,
            "layer": layer,
            "row_id": ids,
            "field": field,
            "message": msgs,
            "suggestion": suggestion,
        },
        columns=FINDING_COLUMNS,
    )
    return frame.astype("object")


def row_ids(frame: pd.DataFrame, layer: str) -> pd.Series:
    """A readable key per row.

    The layer's key (firm-year tables: ``uscc/year``), else the file row (``row 12``).
    """
    return row_ids_at(frame, layer, None)


def row_ids_at(frame: pd.DataFrame, layer: str, at: np.ndarray | None) -> pd.Series:
    """:func:`row_ids` of the rows at positions ``at`` (all rows if None).

    Only the rows asked for are turned into text: a check that flags a few rows of a
    million does not format a million ids.
    """
    key = KEYS.get(layer)
    sub = frame if at is None else frame.iloc[at]
    numbers = range(len(frame)) if at is None else at
    fallback = (
        "row " + sub[SOURCE_ROW].astype("str")
        if SOURCE_ROW in frame.columns
        else pd.Series([f"row {i + 1}" for i in numbers], index=sub.index)
    )
    if key is None or key not in frame.columns:
        return fallback
    ids = sub[key].astype("str")
    if layer in FIRM_YEAR_LAYERS and "year" in frame.columns:
        ids = ids + "/" + sub["year"].astype("str")
    return ids.where(sub[key].notna(), fallback)


def ids_where(frame: pd.DataFrame, layer: str, mask: pd.Series) -> list[str]:
    """The :func:`row_ids` of the rows where ``mask`` holds (missing counts as False)."""
    selected = mask.fillna(False).to_numpy(dtype=bool)
    if not selected.any():
        return []
    return row_ids_at(frame, layer, np.flatnonzero(selected)).tolist()


def isin(series: pd.Series, values: Iterable[object]) -> pd.Series:
    """``series.isin(values)`` for text keys through Arrow's hash lookup.

    pandas' Arrow-string ``isin`` builds a Python scalar per value, which takes seconds for a
    million keys; this takes both sides to Arrow once. Missing values never match.
    """
    if isinstance(values, pd.Series):
        vals = values
    elif isinstance(values, pd.Index):  # no Python object per key
        vals = pd.Series(values)
    else:
        vals = pd.Series(list(values), dtype="str")
    right = pa.array(vals.dropna().astype("str"))
    if len(right) == 0 or len(series) == 0:
        return pd.Series(False, index=series.index)
    left = pa.array(series.astype("str"))
    found = pc.is_in(left, value_set=right.cast(left.type), skip_nulls=True).fill_null(False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index)


def positions(keys: pd.Series, ids: pd.Series) -> np.ndarray:
    """The position in ``ids`` of the first text equal to each key (-1: missing, not found).

    One Arrow hash lookup; missing keys never match, and missing ids are never found.
    """
    out = np.full(len(keys), -1, dtype=np.int64)
    if not len(keys) or not len(ids):
        return out
    left = pa.array(keys.astype("str"))
    right = pa.array(ids.astype("str")).cast(left.type)
    pos = pc.index_in(left, value_set=right, skip_nulls=True)
    return np.asarray(pos.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)

"""Data-quality findings: every problem in the inputs, as rows of one table.

A finding is never a log line: it is a row with a severity, a code, where it is (layer or
table, row key, field), what is wrong and what to do. Errors stop a run (exit status 2);
warnings and infos are reported and the run goes on, with any repair recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

Severity = Literal["error", "warning", "info"]

FINDING_COLUMNS: list[str] = [
    "severity",
    "code",
    "layer",
    "row_id",
    "field",
    "message",
    "suggestion",
]
"""Columns of the findings table, in order."""

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One data problem.

    Parameters
    ----------
    severity : {"error", "warning", "info"}
        Errors stop the run; warnings and infos do not.
    code : str
        Stable upper-case code, e.g. ``"USCC_CHECK"``, ``"GEOMETRY_REPAIRED"``.
    layer : str
        Canonical layer or table name (``"parcels"``, ``"firm_tax"``, …) or ``"project"``.
    row_id : str or None
        Key of the row or feature (parcel_id, uscc, or ``"row 12"`` of the file).
    field : str or None
        Canonical column concerned.
    message : str
        What is wrong, in Chinese, with the evidence.
    suggestion : str
        What to do about it.
    """

    severity: Severity
    code: str
    layer: str
    row_id: str | None
    field: str | None
    message: str
    suggestion: str = ""


def findings_frame(items: Iterable[Finding] = ()) -> pd.DataFrame:
    """Return findings as a DataFrame with :data:`FINDING_COLUMNS` (empty frame if none)."""
    rows = [asdict(f) for f in items]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype("object")


def concat_findings(*frames: pd.DataFrame | None) -> pd.DataFrame:
    """Concatenate findings tables, sorted by severity, then layer and code (stable)."""
    parts = [f for f in frames if f is not None and len(f)]
    if not parts:
        return findings_frame()
    out = pd.concat([p[FINDING_COLUMNS] for p in parts], ignore_index=True)
    order = out["severity"].map(SEVERITY_ORDER)
    return (
        out.assign(_o=order)
        .sort_values(["_o", "layer", "code"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def has_errors(findings: pd.DataFrame) -> bool:
    """Return True when any finding has severity ``"error"``."""
    return bool(len(findings)) and bool((findings["severity"] == "error").any())

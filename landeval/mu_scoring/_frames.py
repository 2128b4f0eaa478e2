"""Small frame helpers shared by the mu_scoring modules (private)."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd

from landeval.findings import FINDING_COLUMNS, findings_frame


def connect(tables: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with ``tables`` registered as views.

    The frames are not copied or changed; DuckDB scans them in place.
    """
    con = duckdb.connect(":memory:")
    for name, frame in tables.items():
        con.register(name, frame)
    return con


def findings_from(
    rows: pd.DataFrame,
    *,
    severity: str,
    code: str,
    layer: str,
    row_id: pd.Series | str | None,
    field: str | None,
    message: pd.Series | str,
    suggestion: str = "",
) -> pd.DataFrame:
    """Build findings for every row of ``rows`` at once (vectorised, for large inputs).

    Parameters
    ----------
    rows : DataFrame
        One finding per row; only its length and index are used.
    severity, code, layer, field, suggestion : str
        The same for every finding.
    row_id, message : Series or str
        Per-row values (aligned with ``rows``) or one value for all.

    Returns
    -------
    DataFrame
        Findings with :data:`landeval.findings.FINDING_COLUMNS`.
    """
    if not len(rows):
        return findings_frame()
    out = pd.DataFrame(
        {
            "severity": severity,
            "code": code,
            "layer": layer,
            "row_id": _values(row_id, rows),
            "field": field,
            "message": _values(message, rows),
            "suggestion": suggestion,
        },
        index=rows.index,
        columns=FINDING_COLUMNS,
    )
    return out.reset_index(drop=True).astype("object")


def _values(value: pd.Series | str | None, rows: pd.DataFrame) -> Iterable:
    if isinstance(value, pd.Series):
        return value.astype("object").to_numpy()
    return [value] * len(rows)


def num(series: pd.Series) -> pd.Series:
    """A numeric column as float64 with missing values as NaN."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def fmt_number(values: pd.Series, *, digits: int) -> pd.Series:
    """Format numbers with a fixed number of decimals as text ("" for missing)."""
    arr = values.to_numpy(dtype="float64", na_value=np.nan)
    text = np.char.mod(f"%.{digits}f", np.nan_to_num(arr))
    return pd.Series(np.where(np.isnan(arr), "", text), index=values.index, dtype="object")

"""The scoring and raster tables aligned to the parcels (private to the treatments stage).

:class:`Rows` takes a per-parcel table's first row of each parcel; :class:`YearRows` does
the same per year of the parcel scores, each year computed once. Keys are looked up with
Arrow's hash kernels (:func:`landeval._arrow.first_positions`), texts stay Arrow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval._arrow import first_positions, null_strings, take_float, take_str, text_array


def column_values(frame: pd.DataFrame, col: str, dtype: str):
    """A numeric column as float ("float") or Int64 (else); missing when the frame lacks it."""
    if col in frame.columns:
        values = frame[col]
    else:
        values = pd.Series([None] * len(frame), index=frame.index)
    if dtype == "float":
        return pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    return pd.to_numeric(values, errors="coerce").round().astype("Int64").array


def text_column(frame: pd.DataFrame, col: str) -> pa.Array:
    """A text column as Arrow; all missing when the frame lacks it."""
    return text_array(frame[col]) if col in frame.columns else null_strings(len(frame))


def float_column(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A numeric column as float (unparseable values NaN); NaN when the frame lacks it."""
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    values = frame[col]
    if values.dtype.kind in "fiu":  # already numbers: to_numeric would change nothing
        return values.to_numpy(dtype=float)
    return pd.to_numeric(values, errors="coerce").astype(float).to_numpy()


def year_mask(table: pd.DataFrame, year: int) -> np.ndarray:
    """The rows of ``table`` in ``year`` (a missing year is not)."""
    return (table["year"] == year).to_numpy(dtype=bool, na_value=False)


class Rows:
    """The rows of a per-parcel table aligned to the parcels: its first row per parcel_id."""

    def __init__(self, table: pd.DataFrame | None, pid: pa.Array) -> None:
        self._table = table if table is not None and len(table) else None
        if self._table is None:
            self.pos = np.full(len(pid), -1, dtype=np.int64)
        else:
            self.pos = first_positions(pid, text_array(self._table["parcel_id"]))

    def floats(self, col: str) -> np.ndarray:
        if self._table is None:
            return np.full(len(self.pos), np.nan)
        return take_float(float_column(self._table, col), self.pos)

    def text(self, col: str) -> pa.Array:
        if self._table is None:
            return null_strings(len(self.pos))
        return take_str(text_column(self._table, col), self.pos)


class YearRows:
    """The parcel scores of each year aligned to the parcels, each year computed once.

    A parcel takes the first row of its parcel_id in the year (the table's order).
    """

    def __init__(self, table: pd.DataFrame | None, pid: pa.Array) -> None:
        has = table is not None and len(table) > 0
        self._table = table if has else None
        self._pid = pid
        years = pd.to_numeric(table["year"]).dropna().astype(int).to_numpy() if has else []
        self.years = set(np.unique(years).tolist())
        self._ids = text_array(table["parcel_id"]) if has else None
        self._rows: dict[int, np.ndarray] = {}
        self._aligned: dict[int, np.ndarray] = {}
        self._floats: dict[str, np.ndarray] = {}
        self._texts: dict[str, pa.Array] = {}

    def rows(self, year: int) -> np.ndarray:
        """Table rows of the year, in table order."""
        if year not in self._rows:
            if self._table is None:
                self._rows[year] = np.empty(0, dtype=np.int64)
            else:
                self._rows[year] = np.flatnonzero(year_mask(self._table, year))
        return self._rows[year]

    def aligned(self, year: int) -> np.ndarray:
        """Table row of each parcel in the year, −1 where it has none."""
        if year not in self._aligned:
            rows = self.rows(year)
            if len(rows) == 0:
                pos = np.full(len(self._pid), -1, dtype=np.int64)
            else:
                at = first_positions(self._pid, self._ids.take(pa.array(rows)))
                pos = np.where(at >= 0, rows[np.maximum(at, 0)], -1)
            self._aligned[year] = pos
        return self._aligned[year]

    def unique_rows(self, year: int) -> np.ndarray:
        """Table rows of the year, the first per parcel_id, in table order."""
        rows = self.rows(year)
        if len(rows) == 0:
            return rows
        ids = self._ids.take(pa.array(rows))
        first = first_positions(ids, ids)
        return rows[first == np.arange(len(rows))]

    def has(self, col: str) -> bool:
        return self._table is not None and col in self._table.columns

    def floats(self, year: int, col: str) -> np.ndarray:
        if self._table is None:
            return np.full(len(self._pid), np.nan)
        if col not in self._floats:
            self._floats[col] = float_column(self._table, col)
        return take_float(self._floats[col], self.aligned(year))

    def columntext_column(self, col: str) -> pa.Array:
        """The whole table's column as Arrow text."""
        if col not in self._texts:
            self._texts[col] = text_column(self._table, col)
        return self._texts[col]

    def text(self, year: int, col: str) -> pa.Array:
        if self._table is None:
            return null_strings(len(self._pid))
        return take_str(self.columntext_column(col), self.aligned(year))

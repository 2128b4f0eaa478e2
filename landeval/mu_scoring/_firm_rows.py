"""Firm-year and registry rows by uscc code, for the allocation and the roll-up (private).

Both steps meet land or occupants with the firm-years (money, scores, names) and the
registry (scale, names, industries) through integer codes of the usccs instead of joins on
the texts: :func:`firm_year_rows` finds the firm-year row of each (code, year),
:func:`first_rows` the first registry row of each code.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from landeval._arrow import repeated


def floats_at(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``column``'s values (float64) at ``rows``, NaN where a row is -1 or a value missing."""
    values = np.full(len(rows), np.nan)
    found = rows >= 0
    values[found] = column.to_numpy(dtype="float64", na_value=np.nan)[rows[found]]
    return values


def firm_frame(firm_scores: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """Uscc (text), year (int64) and ``cols`` of the firm-years (floats kept, others text)."""
    out = pd.DataFrame(
        {
            "uscc": firm_scores["uscc"].astype("str").reset_index(drop=True),
            "year": firm_scores["year"].astype("int64").to_numpy(),
        }
    )
    for c in cols:
        src = firm_scores[c]
        out[c] = (
            src.to_numpy() if src.dtype.kind == "f" else src.astype("str").reset_index(drop=True)
        )
    return out


def registry(firms: pd.DataFrame) -> pd.DataFrame:
    """The registry's uscc, name, industry_code and scale as text, the first row per uscc."""
    reg = pd.DataFrame(
        {
            c: firms[c].astype("str").reset_index(drop=True)
            for c in ("uscc", "name", "industry_code", "scale")
        }
    )
    return reg[~repeated(reg["uscc"])]


def firm_year_rows(
    fs_codes: np.ndarray, fs_years: np.ndarray, codes: np.ndarray, years: np.ndarray
) -> np.ndarray:
    """Row of the firm-year (uscc code, year) of each query in the firm-year rows; -1 if none.

    ``fs_codes``/``fs_years`` are the firm-years' uscc codes and years, ``codes``/``years``
    the queries'; a code of -1 (a missing uscc) finds nothing. A table over codes × years
    when that is small, else a sorted search.

    Raises
    ------
    ValueError
        A firm-year has several rows: money and scores would be counted twice.
    """
    out = np.full(len(codes), -1, dtype=np.int64)
    valid = fs_codes >= 0
    asked = codes >= 0
    if not valid.any() or not asked.any():
        return out
    rows = np.flatnonzero(valid)
    low = int(min(fs_years[valid].min(), years[asked].min()))
    span = int(max(fs_years[valid].max(), years[asked].max())) - low + 1
    key = fs_codes[valid] * span + (fs_years[valid] - low)
    query = codes[asked] * span + (years[asked] - low)
    size = (int(max(fs_codes.max(), codes.max())) + 1) * span
    if size <= 4 * (len(key) + len(query)) + 16:
        row_of = np.full(size, -1, dtype=np.int64)
        row_of[key] = rows
        if np.count_nonzero(row_of >= 0) < len(key):
            raise ValueError(REPEATED_FIRM_YEAR)
        out[asked] = row_of[query]
        return out
    order = np.argsort(key, kind="stable")
    key = key[order]
    if (key[1:] == key[:-1]).any():
        raise ValueError(REPEATED_FIRM_YEAR)
    place = np.minimum(np.searchsorted(key, query), len(key) - 1)
    out[asked] = np.where(key[place] == query, rows[order[place]], -1)
    return out


REPEATED_FIRM_YEAR = "firm_scores has more than one row for a firm-year (uscc, year)"
"""The error of :func:`firm_year_rows` on a repeated firm-year."""


def first_rows(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Row of each code's first occurrence in ``codes`` (-1: none; code -1 is left out)."""
    valid = codes >= 0
    row_of = np.full(n_codes, -1, dtype=np.int64)
    # assigned last row first, so that the first row of a repeated code is the one kept
    row_of[codes[valid][::-1]] = np.flatnonzero(valid)[::-1]
    return row_of

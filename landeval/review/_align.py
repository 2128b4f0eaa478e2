"""Review cells aligned to the rows of another table (decisions, firm decisions)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def take_cells(values: pd.Series, positions: np.ndarray, dtype: str) -> pd.Series:
    """``values`` at ``positions`` (-1: missing), as ``dtype``, indexed 0..n-1.

    Examples
    --------
    >>> take_cells(pd.Series(["a", None]), np.array([1, -1, 0]), "str").tolist()
    [nan, nan, 'a']
    """
    source = values.astype(dtype).reset_index(drop=True)
    out = pd.Series(pd.NA, index=range(len(positions)), dtype=dtype)
    has = positions >= 0
    if has.any():
        out.iloc[np.flatnonzero(has)] = source.iloc[positions[has]].to_numpy()
    return out


def texts(values: pd.Series) -> np.ndarray:
    """Texts as an object array, None where a cell holds no text (missing).

    Examples
    --------
    >>> texts(pd.Series(["A", None, float("nan")])).tolist()
    ['A', None, None]
    """
    return np.array([v if isinstance(v, str) else None for v in values], dtype=object)

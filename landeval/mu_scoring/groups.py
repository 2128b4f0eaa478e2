"""Evaluation groups and per-firm weights (DESIGN §5 "Scoring").

Firms are benchmarked and ranked within a group: by default county × scale. The group key
is the group_by values joined with "|", e.g. ``"330603|above"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import text_array
from landeval.config import INDICATORS, Config
from landeval.mu_scoring._frames import group_codes

GROUP_SEPARATOR = "|"

# Length of a GB/T 4754 division code such as "C17" (section letter + two digits).
_DIVISION_LENGTH = 3


def group_keys(frame: pd.DataFrame, group_by: Sequence[str]) -> pd.Series:
    """The group key of every row: the ``group_by`` values joined with "|".

    Parameters
    ----------
    frame : DataFrame
        Firm-years with the group columns; ``industry_group`` may be absent, in which case
        it is the GB/T 4754 division of ``industry_code`` (its first three characters).
    group_by : sequence of str
        Column names from ``[scoring].group_by``.

    Returns
    -------
    Series
        Object dtype, aligned with ``frame``; a missing value contributes "".

    Examples
    --------
    >>> fy = pd.DataFrame({"county_code": ["330603"], "scale": ["above"]})
    >>> group_keys(fy, ["county_code", "scale"]).tolist()
    ['330603|above']
    """
    parts = [_group_column(frame, c).fillna("").astype(str) for c in group_by]
    key = parts[0]
    for part in parts[1:]:
        key = key + GROUP_SEPARATOR + part
    return key.astype("str")


def _group_column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype("str")
    if name == "industry_group" and "industry_code" in frame.columns:
        return frame["industry_code"].astype("str").str.slice(0, _DIVISION_LENGTH)
    return pd.Series([None] * len(frame), index=frame.index, dtype="object")


def weights_frame(frame: pd.DataFrame, *, config: Config) -> pd.DataFrame:
    """Each row's weight per indicator: the above-scale or the below-scale weights.

    Indicators without a weight for the firm's scale get 0 (they are not scored). Rows with
    an unknown scale get 0 everywhere (such firms are not evaluated).
    """
    # One float64 block, built without copying (a frame from seven columns stacked them).
    return pd.DataFrame(
        weights_array(frame["scale"], config=config).T,
        index=frame.index,
        columns=list(INDICATORS),
        copy=False,
    )


def weights_array(scale: pd.Series, *, config: Config) -> np.ndarray:
    """:func:`weights_frame` as a float64 array, one row per indicator, one column per row.

    Examples
    --------
    >>> from landeval.config import default_config
    >>> w = weights_array(pd.Series(["above", None, "other"]), config=default_config())
    >>> w.shape, bool((w[:, 1:] == 0).all())
    ((7, 3), True)
    """
    # Compared in Arrow: pandas' eq and fillna on a million texts took a second each.
    text = text_array(scale)
    above = pc.fill_null(pc.equal(text, "above"), False).to_numpy(zero_copy_only=False)
    below = pc.fill_null(pc.equal(text, "below"), False).to_numpy(zero_copy_only=False)
    # Row 0: above-scale weights, row 1: below-scale, row 2: unknown scale (all 0); each
    # firm-year takes its column of this table (one take instead of two wheres per indicator).
    table = np.array(
        [
            [float(config.scoring.weights.get(ind, 0.0)) for ind in INDICATORS],
            [float(config.scoring.below_scale_weights.get(ind, 0.0)) for ind in INDICATORS],
            [0.0] * len(INDICATORS),
        ],
        dtype="float64",
    )
    # above and below never both hold: 0 above, 1 below, 2 otherwise.
    which = 2 - 2 * above.astype(np.intp) - below.astype(np.intp)
    out = np.empty((len(INDICATORS), len(which)))
    for k in range(len(INDICATORS)):
        out[k] = table[:, k].take(which)
    return out


def group_year_ids(frame: pd.DataFrame) -> np.ndarray:
    """A number per row for its (``group``, ``year``): equal for equal pairs.

    NaN where either is missing, so that a pandas group-by leaves the row out, as it does
    when grouping on the columns themselves. For group-bys that do not need the groups
    sorted by name (ranks, transforms): grouping on one number is several times faster than
    on text and a year.

    Examples
    --------
    >>> fy = pd.DataFrame({"group": ["b", "a", None, "b"], "year": [2023, 2023, 2023, 2023]})
    >>> group_year_ids(fy).tolist()
    [0.0, 1.0, nan, 0.0]
    """
    group = text_array(frame["group"])
    year = pa.array(frame["year"].array, type=pa.int64(), from_pandas=True)
    ids = group_codes(pa.table({"group": group, "year": year}), ["group", "year"])[0]
    missing = pc.or_(group.is_null(), year.is_null()).to_numpy(zero_copy_only=False)
    return np.where(missing, np.nan, ids.astype("float64"))

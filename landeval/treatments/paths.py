"""Suggested paths (处置路径, DESIGN §6): from ``[[paths]]``, by treatment and deciding flag.

The first row of ``config.paths`` whose ``treatment`` is the parcel's, whose ``rule`` (when
given) is the rule that decided, whose ``flags`` (when given) meet the flags that decided
it, and whose ``min_idle_years`` (when given) its idle land reaches, gives the path: with the
defaults, IDLE_LAND → 征收闲置费 (one to two years idle) or 无偿收回 (two years or more);
STOPPED → 协议收回、收储、兼并重组、司法处置或改建小微园; PHASE_OUT, VETO, CLASS_D_3Y → 关停腾退;
REBUILD → 二次开发或收储后再出让; UPGRADE → 限期整改 (D two years running), 零增地技改 (low
intensity) or 企业自主改造; CONVERT → 用途调整 (with its 改一补一 item). KEEP has no path.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval._arrow import STRING, equals, per_value, text_array, to_str
from landeval.config import Config, PathRule
from landeval.vocabulary import PATH_LABELS


def suggested_paths(
    treatment: pd.Series,
    rule: pd.Series,
    matched: pd.Series,
    idle_years: np.ndarray,
    *,
    config: Config,
) -> pd.DataFrame:
    """``path_code`` and ``path_zh`` of every parcel (missing where no row applies).

    Parameters
    ----------
    treatment, rule, matched : Series of str
        Each parcel's treatment, deciding rule and deciding flags (";"-joined).
    idle_years : ndarray
        Years idle (IDLE_LAND; NaN elsewhere).
    config : Config
        ``config.paths``.

    Returns
    -------
    DataFrame
        ``path_code``, ``path_zh``, with the index of ``treatment``.

    Examples
    --------
    >>> from landeval.config import default_config
    >>> got = suggested_paths(pd.Series(["EXIT", "EXIT", "KEEP"]),
    ...                       pd.Series(["EXIT", "EXIT", "KEEP"]),
    ...                       pd.Series(["IDLE_LAND", "IDLE_LAND", ""]),
    ...                       np.array([1.5, 2.5, np.nan]), config=default_config())
    >>> got["path_zh"].tolist()
    ['征收闲置费', '无偿收回', nan]
    """
    n = len(treatment)
    t, r, m = text_array(treatment), text_array(rule), text_array(matched)
    idle = np.asarray(idle_years, dtype="float64")
    choice = np.full(n, -1, dtype=np.int64)
    for k, row in enumerate(config.paths):
        fits = (choice < 0) & equals(t, row.treatment)
        if row.rule:
            fits &= equals(r, row.rule)
        if row.flags:
            fits &= per_value(m, _meets(set(row.flags)), dtype=bool)
        if row.min_idle_years is not None:
            fits &= ~np.isnan(idle) & (idle >= row.min_idle_years)
        choice[fits] = k
    codes = pa.array([row.path for row in config.paths] + [None], type=STRING)
    words = pa.array([_label(row) for row in config.paths] + [None], type=STRING)
    pick = pa.array(np.where(choice < 0, len(config.paths), choice))
    return pd.DataFrame(
        {"path_code": to_str(codes.take(pick)), "path_zh": to_str(words.take(pick))},
        index=treatment.index,
    )


def _meets(wanted: set[str]) -> Callable[[str | None], bool]:
    """Whether ";"-joined flag codes hold one of ``wanted``."""

    def meets(value: str | None) -> bool:
        return bool(wanted & _codes(value))

    return meets


def _codes(value: str | None) -> set[str]:
    return set() if not value else set(value.split(";"))


def _label(row: PathRule) -> str:
    return row.label_zh or PATH_LABELS[row.path]["zh"]

"""Sub-scores and scores (DESIGN §5 "Scoring").

sub_i = weight_i × clip(value_i / benchmark_i, 0, cap). A missing indicator scores the mean
sub-score of that indicator over the group's evaluated firms that have it; a missing or
non-positive benchmark makes the sub-score 0 for the whole group. score = Σ sub_i. An
indicator a firm is not scored on (weight 0 for its scale) has no sub-score (NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.config import INDICATORS, Config
from landeval.mu_scoring.groups import group_year_ids, weights_frame

SUB_COLUMNS: list[str] = [f"sub_{i}" for i in INDICATORS]

# Scores are rounded to this many decimals before ranking, so that equal scores reached by
# different float paths share a rank.
SCORE_DECIMALS = 9


def score_firm_years(
    scored: pd.DataFrame, benchmarks: pd.DataFrame, *, config: Config
) -> pd.DataFrame:
    """Add ``bench_*``, ``sub_*`` and ``score`` to evaluated firm-years.

    Parameters
    ----------
    scored : DataFrame
        Firm-years with ``group``, ``year``, ``scale``, ``evaluated`` and the indicators.
    benchmarks : DataFrame
        Output of :func:`landeval.mu_scoring.benchmarks.group_benchmarks`.
    config : Config
        ``[scoring]``: weights, below-scale weights, cap.

    Returns
    -------
    DataFrame
        A copy of ``scored`` with the benchmark, sub-score and score columns; rows that are
        not evaluated have them all missing.
    """
    cap = config.scoring.cap
    out = scored.drop(
        columns=[c for c in scored.columns if c.startswith(("bench_", "sub_")) or c == "score"]
    )
    # Look the benchmarks up for one row of each group-year only, then spread them by the
    # group-year number: merging millions of rows on the text keys took seconds.
    ids = group_year_ids(out)
    keyed = np.flatnonzero(~np.isnan(ids))
    numbers, first = np.unique(ids[keyed], return_index=True)
    looked = (
        out[["group", "year"]]
        .iloc[keyed[first]]
        .merge(benchmarks, on=["group", "year"], how="left", validate="many_to_one")
    )
    place = np.searchsorted(numbers, ids[keyed])
    for c in looked.columns.drop(["group", "year"]):
        values = looked[c].to_numpy()[place]
        if len(keyed) < len(out):
            # A missing group or year matches no benchmark.
            column = np.full(len(out), np.nan, dtype=np.result_type(values.dtype, np.float64))
            column[keyed] = values
            values = column
        out[c] = values
    ev = out["evaluated"].to_numpy(dtype=bool)
    weights = weights_frame(out, config=config)
    raw = {}
    for ind in INDICATORS:
        w = weights[ind].to_numpy(dtype="float64")
        value = out[ind].to_numpy(dtype="float64")
        bench = out[f"bench_{ind}"].to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = np.clip(value / bench, 0.0, cap)
        # NaN where the firm has no value (or is not scored on it): filled below.
        has = ev & (w > 0) & ~np.isnan(value)
        raw[ind] = np.where(has, np.where(bench > 0, w * ratio, 0.0), np.nan)
    raw = pd.DataFrame(raw, index=out.index)
    # The group's mean sub-score over firms that have the indicator fills the gaps.
    means = raw.groupby(ids).transform("mean")
    total = np.zeros(len(out))
    for ind in INDICATORS:
        w = weights[ind].to_numpy(dtype="float64")
        bench = out[f"bench_{ind}"].to_numpy(dtype="float64")
        scored_on = ev & (w > 0)
        fill = np.where(bench > 0, np.nan_to_num(means[ind].to_numpy(dtype="float64")), 0.0)
        sub = raw[ind].to_numpy(dtype="float64")
        sub = np.where(np.isnan(sub), fill, sub)
        sub = np.where(scored_on, sub, np.nan)
        out[f"sub_{ind}"] = sub
        out[f"bench_{ind}"] = np.where(scored_on, bench, np.nan)
        total += np.nan_to_num(sub)
    out["score"] = np.where(ev, np.round(total, SCORE_DECIMALS), np.nan)
    return out

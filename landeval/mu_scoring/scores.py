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
from landeval.mu_scoring.groups import group_year_ids, weights_array

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
    # The new columns, added at the end in one concat (one copy-on-set per column cost
    # more than the arithmetic): bench_* in the benchmarks' order, then sub_*, then score.
    bench_columns = list(looked.columns.drop(["group", "year"]))
    benches = {}
    for c in bench_columns:
        values = looked[c].to_numpy()[place]
        if len(keyed) < len(out):
            # A missing group or year matches no benchmark.
            column = np.full(len(out), np.nan, dtype=np.result_type(values.dtype, np.float64))
            column[keyed] = values
            values = column
        benches[c] = values
    ev = out["evaluated"].to_numpy(dtype=bool)
    weights = weights_array(out["scale"], config=config)
    # One row per indicator: the firms' raw sub-scores.
    raw = np.empty((len(INDICATORS), len(out)))
    for k, ind in enumerate(INDICATORS):
        w = weights[k]
        value = out[ind].to_numpy(dtype="float64")
        bench = np.asarray(benches[f"bench_{ind}"], dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = np.clip(value / bench, 0.0, cap)
        # NaN where the firm has no value (or is not scored on it): filled below.
        has = ev & (w > 0) & ~np.isnan(value)
        raw[k] = np.where(has, np.where(bench > 0, w * ratio, 0.0), np.nan)
    means = _group_means(raw, ids)
    new = {c: benches[c] for c in bench_columns}
    total = np.zeros(len(out))
    for k, ind in enumerate(INDICATORS):
        bench = np.asarray(benches[f"bench_{ind}"], dtype="float64")
        scored_on = ev & (weights[k] > 0)
        # ``means`` and ``filled`` are this function's own arrays: cleaned in place.
        fill = np.where(bench > 0, np.nan_to_num(means[k], copy=False), 0.0)
        filled = np.where(np.isnan(raw[k]), fill, raw[k])
        new[f"sub_{ind}"] = np.where(scored_on, filled, np.nan)
        new[f"bench_{ind}"] = np.where(scored_on, bench, np.nan)
        # nan_to_num of the sub-score: the filled value where scored on, else 0.
        total += np.where(scored_on, np.nan_to_num(filled, copy=False), 0.0)
    new["score"] = np.where(ev, np.round(total, SCORE_DECIMALS), np.nan)
    return pd.concat([out, pd.DataFrame(new, index=out.index, copy=False)], axis=1)


def _group_means(raw: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each row's group mean of every row of ``raw`` (indicators × firm-years), NaN skipped.

    What ``DataFrame(raw.T).groupby(ids).transform("mean")`` gives (NaN where the group
    number is NaN), through the same grouped mean, spread back with a numpy take instead of
    pandas' reindex of the whole frame.
    """
    grouped = pd.DataFrame(raw.T, copy=False).groupby(ids, sort=True).mean()
    out = np.full(raw.shape, np.nan)
    keyed = np.flatnonzero(~np.isnan(ids))
    if len(keyed):
        place = np.searchsorted(grouped.index.to_numpy(dtype="float64"), ids[keyed])
        table = np.ascontiguousarray(grouped.to_numpy(dtype="float64").T)
        # Row by row: a 1-d take from a small table is much faster than a 2-d fancy index.
        for k in range(raw.shape[0]):
            if len(keyed) == len(ids):
                out[k] = table[k].take(place)
            else:
                out[k, keyed] = table[k].take(place)
    return out

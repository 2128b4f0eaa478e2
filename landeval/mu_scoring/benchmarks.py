"""Benchmarks per group and year (DESIGN §5), over the group's evaluated firms.

The firms counted are the group's evaluated firms (class T excluded, vetoed firms included)
that are scored on the indicator (a weight for their scale). ``[scoring] benchmark``:

- ``aggregate`` (default): the group's ratio of sums, Σ numerator / Σ denominator over the
  firms whose numerator is known and whose denominator is known and positive — what a county
  states as 全县规上企业亩均税收; a firm with a tiny denominator adds little to either sum;
- ``mean``: the mean of the firms' indicator values (where known);
- ``median``: their median;
- ``fixed``: the values of ``[[scoring.fixed_benchmarks]]``, each entry naming the group
  columns (and optionally a ``year``) and indicator values.

Example: a group of three firms with tax 10, 10 and 2 万元 on 1, 1 and 0.001 mu has values
10, 10 and 2,000 万元/亩: mean 673.3, median 10, aggregate 22 / 2.001 ≈ 11.0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.config import INDICATORS, Config
from landeval.errors import ConfigError
from landeval.findings import concat_findings
from landeval.mu_scoring._frames import findings_from
from landeval.mu_scoring.groups import GROUP_SEPARATOR, weights_array
from landeval.mu_scoring.indicators import INDICATOR_FORMULAS

BENCH_COLUMNS: list[str] = [f"bench_{i}" for i in INDICATORS]

INDICATOR_ZH: dict[str, str] = {
    "tax_per_mu": "亩均税收",
    "va_per_mu": "亩均增加值",
    "va_per_energy": "单位能耗增加值",
    "va_per_emission": "单位排放增加值",
    "va_per_employee": "全员劳动生产率",
    "rd_intensity": "研发投入强度",
    "tax_per_kwh": "单位电耗税收",
}
"""The indicators' Chinese names, for findings and class reasons."""


def group_benchmarks(scored: pd.DataFrame, *, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Benchmark of every indicator per group and year.

    Parameters
    ----------
    scored : DataFrame
        Firm-years with ``group``, ``year``, ``scale``, ``evaluated`` and the indicators.
    config : Config
        ``[scoring]``: ``benchmark`` mode, weights, ``fixed_benchmarks``, ``group_by``.

    Returns
    -------
    benchmarks : DataFrame
        ``group``, ``year`` and ``bench_<indicator>`` for each group-year with evaluated
        firms; NaN where no evaluated firm of the group is scored on the indicator.
    findings : DataFrame
        BENCHMARK_NOT_POSITIVE (info) for each group-year-indicator that is scored but whose
        benchmark is missing or ≤ 0 (its sub-score is 0 for the whole group).
    """
    # Only the key columns are filtered as a frame (filtering the whole wide frame copied
    # every text column); the weights and the indicators are filtered as numpy arrays.
    rows = scored["evaluated"].to_numpy(dtype=bool)
    ev = scored.loc[rows, ["group", "year"]]
    weighted = weights_array(scored["scale"], config=config)[:, rows] > 0
    used = pd.DataFrame(weighted.T, index=ev.index, columns=list(INDICATORS), copy=False)
    keys = [ev["group"], ev["year"]]
    mode = config.scoring.benchmark
    if mode == "fixed":
        groups = ev[["group", "year"]].drop_duplicates().sort_values(["group", "year"])
        bench = _fixed(groups.reset_index(drop=True), config=config)
    elif mode == "aggregate":
        bench = _aggregate(scored, rows, weighted, ev, keys)
    else:
        # One grouped mean (or median) over all indicators; a value counts where its firm
        # is scored on it.
        if all(scored[i].dtype == np.float64 for i in INDICATORS):
            # float64 columns (as compute_indicators makes): the same values, NaN where
            # not used, without a masked frame per column.
            stacked = np.empty(weighted.shape)
            for k, ind in enumerate(INDICATORS):
                stacked[k] = np.where(weighted[k], scored[ind].to_numpy()[rows], np.nan)
            values = pd.DataFrame(stacked.T, index=ev.index, columns=list(INDICATORS), copy=False)
        else:
            values = scored.loc[rows, list(INDICATORS)].where(used.to_numpy())
        grouped = values.groupby(keys, sort=True)
        bench = grouped.median() if mode == "median" else grouped.mean()
        bench = bench.add_prefix("bench_").reset_index()
    # An indicator is "scored" in a group-year when some evaluated firm has a weight on it.
    scored_in = used.groupby(keys, sort=True).any().reset_index()
    bench = bench.merge(scored_in, on=["group", "year"], how="left")
    found = []
    for ind in INDICATORS:
        b = bench[f"bench_{ind}"]
        bad = bench[ind].fillna(False).astype(bool) & ~(b > 0)
        rows = bench[bad]
        found.append(
            findings_from(
                rows,
                severity="info",
                code="BENCHMARK_NOT_POSITIVE",
                layer="firm_scores",
                row_id=rows["group"].astype(str) + "/" + rows["year"].astype(str),
                field=ind,
                message="评价组"
                + rows["group"].astype(str)
                + "在"
                + rows["year"].astype(str)
                + f"年的{INDICATOR_ZH[ind]}基准值缺失或不为正，组内该项得分均计为0",
                suggestion="核对该组企业的相关数据，或在项目文件中设置固定基准值",
            )
        )
    bench = bench[["group", "year", *BENCH_COLUMNS]]
    return bench, concat_findings(*found)


def _aggregate(
    scored: pd.DataFrame,
    rows: np.ndarray,
    weighted: np.ndarray,
    ev: pd.DataFrame,
    keys: list[pd.Series],
) -> pd.DataFrame:
    """Σ numerator / Σ denominator per group-year and indicator (NaN where no firm counts).

    ``rows`` are the evaluated firm-years, ``weighted`` whether each is scored on each
    indicator (indicators × evaluated rows), ``ev`` their group and year, ``keys`` the
    grouping columns.
    """
    sums = {}
    for k, ind in enumerate(INDICATORS):
        num_col, den_col = INDICATOR_FORMULAS[ind]
        num = _numbers(scored, num_col)[rows]
        den = _numbers(scored, den_col)[rows]
        counts = weighted[k] & ~np.isnan(num) & (den > 0)
        sums[f"n_{ind}"] = np.where(counts, num, 0.0)
        sums[f"d_{ind}"] = np.where(counts, den, 0.0)
        sums[f"c_{ind}"] = counts.astype(np.int64)
    frame = pd.DataFrame(sums, index=ev.index, copy=False)
    totals = frame.groupby(keys, sort=True).sum()
    out = pd.DataFrame(index=totals.index)
    for ind in INDICATORS:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = totals[f"n_{ind}"] / totals[f"d_{ind}"]
        out[f"bench_{ind}"] = ratio.where(totals[f"c_{ind}"] > 0)
    return out.reset_index()


def _numbers(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A numeric column as float64 (NaN where missing); all NaN when the frame lacks it."""
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _fixed(keys: pd.DataFrame, *, config: Config) -> pd.DataFrame:
    """Benchmarks from ``[[scoring.fixed_benchmarks]]``; a year-specific entry wins."""
    group_by = config.scoring.group_by
    rows = []
    for i, entry in enumerate(config.scoring.fixed_benchmarks):
        missing = [c for c in group_by if c not in entry]
        if missing:
            msg = (
                f"scoring.fixed_benchmarks[{i}] lacks group column(s) {missing}; "
                f"each entry needs {list(group_by)} and indicator values"
            )
            raise ConfigError(msg)
        unknown = sorted(set(entry) - set(group_by) - set(INDICATORS) - {"year"})
        if unknown:
            msg = (
                f"scoring.fixed_benchmarks[{i}] has unknown key(s) {unknown}; allowed: "
                f"{list(group_by)}, 'year' and {list(INDICATORS)}"
            )
            raise ConfigError(msg)
        row = {
            "group": GROUP_SEPARATOR.join(str(entry[c]) for c in group_by),
            "year": int(entry["year"]) if "year" in entry else np.nan,
        }
        row.update({f"bench_{i}": float(entry[i]) for i in INDICATORS if i in entry})
        rows.append(row)
    table = pd.DataFrame(rows, columns=["group", "year", *BENCH_COLUMNS])
    general = table[table["year"].isna()].drop(columns="year").drop_duplicates("group", keep="last")
    specific = table[table["year"].notna()].astype({"year": "int64"})
    specific = specific.drop_duplicates(["group", "year"], keep="last")
    out = keys.merge(general, on="group", how="left")
    out = out.merge(specific, on=["group", "year"], how="left", suffixes=("", "_y"))
    for col in BENCH_COLUMNS:
        year_value = pd.to_numeric(out.pop(f"{col}_y"), errors="coerce")
        out[col] = year_value.where(year_value.notna(), pd.to_numeric(out[col], errors="coerce"))
    return out[["group", "year", *BENCH_COLUMNS]]

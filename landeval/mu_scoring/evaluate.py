"""The per-mu evaluation pipeline (亩均论英雄): land → firm-years → scores → classes → parcels."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval._arrow import shared_codes, sorted_codes, text_array
from landeval._duckdb import all_threads, fetch
from landeval.config import Config
from landeval.findings import concat_findings
from landeval.inputs.model import RESULT_COLUMNS
from landeval.mu_scoring._frames import (
    connect,
    findings_from,
    is_sorted,
    release_memory,
    sort_order,
    take_rows,
    to_frame,
)
from landeval.mu_scoring.allocation import ALLOCATED_VALUES, allocate
from landeval.mu_scoring.benchmarks import group_benchmarks
from landeval.mu_scoring.classes import assign_classes
from landeval.mu_scoring.completeness import incomplete_reasons, known_weight_shares
from landeval.mu_scoring.eligibility import not_evaluated_reasons
from landeval.mu_scoring.firm_years import assemble_firm_years
from landeval.mu_scoring.groups import group_keys
from landeval.mu_scoring.indicators import compute_indicators
from landeval.mu_scoring.land import firm_land
from landeval.mu_scoring.rollup import parcel_scores
from landeval.mu_scoring.scores import score_firm_years

# Occupants' firm-years without a firm_scores row (no tax and no output data), with their
# distinct parcels in text order: from the land rows of such firm-years (:func:`_lost_land`).
_NO_DATA_SQL = """
SELECT uscc, year, string_agg(DISTINCT parcel_id, '、' ORDER BY parcel_id) AS parcel_id
FROM lost
GROUP BY uscc, year
ORDER BY uscc, year
"""

FIRM_SCORE_EXTRAS: list[str] = ["start_year", "has_tax", "has_output"]
"""Extra columns of firm_scores after ``RESULT_COLUMNS["firm_scores"]``."""


@dataclass(frozen=True)
class ScoringResult:
    """What :func:`evaluate_firms` returns.

    Attributes
    ----------
    firm_scores, allocation, parcel_scores : DataFrame
        Result tables with the columns of :data:`landeval.inputs.model.RESULT_COLUMNS` (extra
        columns after them: firm_scores ``start_year``, ``has_tax``, ``has_output``;
        allocation ``revenue``, ``rd_expense``; parcel_scores ``county_code``).
    findings : DataFrame
        Every data problem met on the way.
    trends : DataFrame or None
        Trends by region (:func:`landeval.mu_scoring.trends.compute_trends`) when the caller
        added them: :func:`evaluate_firms` does not, since the platform regions come from
        the zoning stage; :func:`landeval.stages.score` adds the city and county levels.
    suspect_values : DataFrame or None
        Firm-year values beyond a warning bound (uscc, year, field, code, severity,
        message_zh) when the caller checked them (the plausibility checks of
        :mod:`landeval.validate`); the treatments mark the decisions resting on them 需核实.
    """

    firm_scores: pd.DataFrame
    allocation: pd.DataFrame
    parcel_scores: pd.DataFrame
    findings: pd.DataFrame
    trends: pd.DataFrame | None = None
    suspect_values: pd.DataFrame | None = None


def evaluate_firms(
    *,
    parcels: pd.DataFrame,
    firms: pd.DataFrame,
    firm_tax: pd.DataFrame,
    firm_output: pd.DataFrame,
    occupancy: pd.DataFrame,
    veto: pd.DataFrame | None,
    config: Config,
    years: Sequence[int] | None = None,
) -> ScoringResult:
    """Evaluate every firm and parcel for every year (DESIGN §5).

    Parameters
    ----------
    parcels : DataFrame or GeoDataFrame
        parcel_id, county_code, area_m2 (area_mu is recomputed from area_m2).
    firms, firm_tax, firm_output, occupancy : DataFrame
        Canonical tables (money in 万元).
    veto : DataFrame or None
        Negative list (uscc, year, reason).
    config : Config
        The effective configuration; ``[scoring]`` is used.
    years : sequence of int, optional
        Years to evaluate; default every year in the tax or output table.

    Returns
    -------
    ScoringResult
        Firm scores (sorted by year, group, rank, uscc), allocation, parcel scores (sorted by
        parcel_id, year) and findings.
    """
    if years is None:
        years = sorted(
            set(pd.to_numeric(firm_tax["year"], errors="coerce").dropna().astype(int))
            | set(pd.to_numeric(firm_output["year"], errors="coerce").dropna().astype(int))
        )
    try:
        return _evaluate(
            parcels=parcels,
            firms=firms,
            firm_tax=firm_tax,
            firm_output=firm_output,
            occupancy=occupancy,
            veto=veto,
            config=config,
            years=sorted({int(y) for y in years}),
        )
    finally:
        release_memory()


def _evaluate(
    *,
    parcels: pd.DataFrame,
    firms: pd.DataFrame,
    firm_tax: pd.DataFrame,
    firm_output: pd.DataFrame,
    occupancy: pd.DataFrame,
    veto: pd.DataFrame | None,
    config: Config,
    years: list[int],
) -> ScoringResult:
    land, f_land = firm_land(parcels=parcels, occupancy=occupancy, years=years)
    fy, f_join = assemble_firm_years(
        firms=firms, firm_tax=firm_tax, firm_output=firm_output, land=land, years=years
    )
    # The allocation and the no-data findings need only each firm-year's scale and money,
    # known now: they run (mostly in DuckDB) on a second thread while this one scores and
    # classes. Their results do not depend on the firm-years' row order.
    with ThreadPoolExecutor(max_workers=1) as side:
        money = fy[["uscc", "year", "scale", *ALLOCATED_VALUES]]
        no_data = side.submit(_no_data_findings, land, money)
        allocated = side.submit(allocate, land, firm_scores=money, firms=firms)
        del land, money
        fy = compute_indicators(fy)
        fy["group"] = group_keys(fy, config.scoring.group_by)
        reasons = not_evaluated_reasons(fy, config=config)
        reasons, f_incomplete = _with_completeness(fy, reasons, config=config)
        fy["evaluated"] = reasons.isna().to_numpy()
        benchmarks, f_bench = group_benchmarks(fy, config=config)
        fy = score_firm_years(fy, benchmarks, config=config)
        fy, f_class = assign_classes(fy, reasons=reasons, veto=veto, config=config)
        firm_scores = _sorted_firm_scores(fy)
        # The working frame is as big as firm_scores: free it before the roll-up, which
        # holds the run's peak memory.
        del fy, reasons
        f_no_data = no_data.result()
        allocation = allocated.result()
        parcels_out = parcel_scores(
            parcels=parcels,
            allocation=allocation,
            firm_scores=firm_scores,
            firms=firms,
            years=years,
        )
    findings = concat_findings(f_land, f_join, f_incomplete, f_bench, f_class, f_no_data)
    return ScoringResult(
        firm_scores=firm_scores,
        allocation=allocation,
        parcel_scores=parcels_out,
        findings=findings,
    )


def _with_completeness(
    fy: pd.DataFrame, reasons: pd.Series, *, config: Config
) -> tuple[pd.Series, pd.DataFrame]:
    """The not-evaluated reasons with the 数据不全 firm-years added, and their findings.

    Adds ``known_weight_share`` to ``fy`` (in place: the stage's own working frame).
    Completeness is judged before the benchmarks, so that a firm with too little data is
    neither benchmarked nor ranked (DESIGN §5: benchmarks and ranks over evaluated firms).
    """
    share = known_weight_shares(fy, config=config)
    fy["known_weight_share"] = share
    least = config.scoring.min_known_weight - _SHARE_EPS
    incomplete = reasons.isna().to_numpy() & (share < least)
    texts, found = incomplete_reasons(fy, share, incomplete, config=config)
    if not incomplete.any():
        return reasons, found
    values = reasons.to_numpy(dtype=object).copy()
    values[incomplete] = texts
    return pd.Series(values, index=reasons.index, dtype="object"), found


# Guards share < 0.5 against float noise (0.3 + 0.2 is a hair under 0.5).
_SHARE_EPS = 1e-9


def _sorted_firm_scores(fy: pd.DataFrame) -> pd.DataFrame:
    keys = {
        "year": fy["year"].to_numpy(),
        "group": text_array(fy["group"]),
        "_t": ~fy["evaluated"].to_numpy(dtype=bool),
        "rank": pa.array(fy["rank"].array),
        "uscc": text_array(fy["uscc"]),
    }
    if _sorted_by_year_and_text(keys["year"], keys["uscc"]):
        # The firm-years come sorted by year and uscc: a stable sort on integer codes of the
        # other keys leaves ties in uscc order, the order of a full sort, without sorting
        # millions of texts.
        # Ranks are exact in float64; missing ranks (class T) last.
        rank = fy["rank"].to_numpy(dtype="float64", na_value=np.inf)
        order = np.lexsort((rank, keys["_t"], _text_order(keys["group"]), keys["year"]))
    else:
        # Sorted in Arrow (pandas sorted the text keys slowly and copied every column twice).
        table = pa.table(keys)
        order = sort_order(table, table.column_names).to_numpy()
    return take_rows(fy, order, [*RESULT_COLUMNS["firm_scores"], *FIRM_SCORE_EXTRAS])


def _sorted_by_year_and_text(year: np.ndarray, text: pa.Array) -> bool:
    """Whether rows are strictly increasing by (year, text), text without missing values."""
    return is_sorted(pa.table({"year": year, "text": text}), ["year", "text"], strict=True)


def _text_order(values: pa.Array) -> np.ndarray:
    """Integer codes that sort as ``values`` do (code point order, missing last)."""
    codes, texts = sorted_codes(values)
    return np.where(codes < 0, len(texts), codes)


def _no_data_findings(land: pd.DataFrame, firm_scores: pd.DataFrame) -> pd.DataFrame:
    """Occupants holding land in a year with neither a tax nor an output row (info).

    ``firm_scores`` may be any frame with one row per scored firm-year (uscc, year).
    """
    rows = land[["uscc", "year", "parcel_id"]]
    con = connect({"lost": rows[_lost_land(rows, firm_scores)]})
    try:
        # No float sums: every thread may work (the lists are ordered, the result sorted on
        # a unique key).
        all_threads(con)
        lost = to_frame(fetch(con, _NO_DATA_SQL))
    finally:
        con.close()
    return findings_from(
        lost,
        severity="info",
        code="OCCUPANT_WITHOUT_DATA",
        layer="occupancy",
        row_id=lost["uscc"].astype(str),
        field="uscc",
        message=lost["year"].astype(str)
        + "年占用宗地"
        + lost["parcel_id"].astype(str)
        + "，但无税务和统计数据；其用地计入宗地，税收和增加值按缺失处理（宗地亩均值缺失）",
        suggestion="核对该企业是否已停产或数据漏报",
    )


def _lost_land(land: pd.DataFrame, firm_scores: pd.DataFrame) -> np.ndarray:
    """Whether each ``land`` row has a uscc and no ``firm_scores`` row of its (uscc, year).

    Keys compare as in SQL: a missing uscc or year matches nothing. One dictionary encoding
    of both uscc columns and a table of the (uscc, year) codes present, in numpy: an
    anti-join on the texts in DuckDB took seconds a million parcels, for a few rows found.
    """
    (fs_u, land_u), n_codes = shared_codes(
        text_array(firm_scores["uscc"]), text_array(land["uscc"])
    )
    (fs_y, fs_has), (land_y, land_has) = _years(firm_scores["year"]), _years(land["year"])
    listed = np.unique(np.concatenate([fs_y[fs_has], land_y[land_has]]))
    n_years = max(len(listed), 1)
    fs_ok = (fs_u >= 0) & fs_has
    land_ok = (land_u >= 0) & land_has
    fs_key = fs_u[fs_ok] * n_years + np.searchsorted(listed, fs_y[fs_ok])
    land_key = np.full(len(land_u), -1, dtype=np.int64)
    land_key[land_ok] = land_u[land_ok] * n_years + np.searchsorted(listed, land_y[land_ok])
    size = n_codes * n_years
    if size <= 4 * (len(fs_key) + len(land_key)) + 16:
        present = np.zeros(size + 1, dtype=bool)
        present[fs_key] = True
        found = present[land_key]  # -1: the extra last slot, never set
    else:
        found = np.isin(land_key, fs_key)
    return (land_u >= 0) & ~(land_ok & found)


def _years(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Years as int64 (0 where missing) and whether each is present."""
    year = pd.to_numeric(values, errors="coerce").astype("Int64")
    return year.fillna(0).to_numpy(dtype=np.int64), year.notna().to_numpy()

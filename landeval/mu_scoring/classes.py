"""Ranks and A/B/C/D classes within each group and year (DESIGN §5 "Classes").

Rank 1 is the best score; tied scores take the smallest rank (so ties share the better
class); p = rank / n over the group's evaluated firms; a firm's class is the first whose
upper bound is ≥ p, with the above-scale or below-scale bounds by the firm's scale. A firm
on the negative list (veto) is ranked with the others, then set to D with the reason.
Firm-years that are not evaluated are class T with their reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import is_in
from landeval._format import format_numbers
from landeval.config import Config
from landeval.findings import concat_findings
from landeval.mu_scoring._frames import findings_from
from landeval.mu_scoring.groups import group_year_ids

# Guards p ≤ bound against float noise (p = rank / n is exact for the usual bounds anyway).
_P_EPS = 1e-12

_CLASSES: list[str] = ["T", "D", "C", "B", "A"]


def assign_classes(
    scored: pd.DataFrame,
    *,
    reasons: pd.Series,
    veto: pd.DataFrame | None,
    config: Config,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``rank``, ``n_in_group``, ``class``, ``class_reason`` and ``veto_reason``.

    Parameters
    ----------
    scored : DataFrame
        Firm-years with ``group``, ``year``, ``scale``, ``evaluated`` and ``score``.
    reasons : Series
        Why each firm-year is not evaluated (None where it is), aligned with ``scored``.
    veto : DataFrame or None
        Negative list: uscc, year, reason (several rows of one firm-year are joined).
    config : Config
        ``[scoring.classes]`` bounds.

    Returns
    -------
    classed : DataFrame
        A copy of ``scored`` with the new columns.
    findings : DataFrame
        VETO_NOT_EVALUATED (info) for vetoed firms that are not evaluated (set to D
        without a rank), VETO_UNMATCHED
        (warning) for negative-list rows with no firm-year.
    """
    # A shallow copy: copy-on-write keeps ``scored`` unchanged when columns are added.
    out = scored.copy(deep=False)
    ev = out["evaluated"].to_numpy(dtype=bool)
    keys = group_year_ids(out)
    score = out["score"].where(ev).to_numpy(dtype="float64", na_value=np.nan)
    rank = min_ranks_descending(score, keys)
    n = pd.Series(ev.astype("int64"), index=out.index).groupby(keys).transform("sum")
    out["rank"] = pd.Series(rank, index=out.index).astype("Int64")
    out["n_in_group"] = n.where(ev).astype("Int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = rank / n.to_numpy(dtype="float64", na_value=np.nan)

    above = out["scale"].eq("above").fillna(False).to_numpy(dtype=bool)
    bounds = config.scoring.classes
    # Classes as positions in _CLASSES (text is built once at the end, through Arrow).
    cls = np.zeros(len(out), dtype="int8")
    for c in ("D", "C", "B", "A"):
        bound = np.where(above, getattr(bounds.above, c), getattr(bounds.below, c))
        cls = np.where(ev & (p <= bound + _P_EPS), _CLASSES.index(c), cls)
    # Rounding can leave p a hair above the last bound: still D.
    cls = np.where(ev & (cls == 0), _CLASSES.index("D"), cls)

    veto_reason, found = _veto_reasons(out, veto)
    vetoed = veto_reason.notna().to_numpy(dtype=bool)
    out["veto_reason"] = veto_reason.astype("str")
    # The negative list forces D (DESIGN §3), also for a firm that is otherwise not evaluated.
    cls = np.where(vetoed, _CLASSES.index("D"), cls)
    out["class"] = pd.Series(
        pd.array(pa.array(_CLASSES).take(pa.array(cls)), dtype="str"), index=out.index
    )
    out["class_reason"] = _reasons(out, p=p, not_evaluated=reasons, vetoed=vetoed)
    not_ev = out[vetoed & ~ev]
    found = concat_findings(
        found,
        findings_from(
            not_ev,
            severity="info",
            code="VETO_NOT_EVALUATED",
            layer="veto",
            row_id=not_ev["uscc"].astype(str),
            field="reason",
            message=not_ev["year"].astype(str)
            + "年列入负面清单，但该企业不参评（"
            + reasons[vetoed & ~ev].astype(str)
            + "），因列入负面清单定为D类",
            suggestion="核对负面清单与企业名录、用地数据",
        ),
    )
    return out, found


def min_ranks_descending(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rank of each value within its group, largest first, ties taking the smallest rank.

    What ``Series.groupby(groups).rank(method="min", ascending=False)`` gives (NaN for a
    missing value or group), through one numpy sort instead of pandas' grouped rank.

    Examples
    --------
    >>> min_ranks_descending(np.array([3.0, 5.0, 3.0, np.nan, 1.0]),
    ...                      np.array([0.0, 0.0, 0.0, 0.0, 1.0])).tolist()
    [2.0, 1.0, 2.0, nan, 1.0]
    """
    rank = np.full(len(values), np.nan)
    rows = np.flatnonzero(~np.isnan(values) & ~np.isnan(groups))
    if not len(rows):
        return rank
    # By group, then value descending; equal values are neighbours within their group.
    g = groups[rows]
    if g.min() >= 0 and g.max() <= np.iinfo(np.uint16).max and (g == np.floor(g)).all():
        # Group numbers (as from group_year_ids) fit 16 bits: a stable sort of those is a
        # radix sort, after one unstable sort of the values (the order of equal values does
        # not change their rank). Several times faster than lexsort on a million rows.
        by_value = rows[np.argsort(-values[rows])]
        order = by_value[np.argsort(groups[by_value].astype(np.uint16), kind="stable")]
    else:
        order = rows[np.lexsort((-values[rows], g))]
    v, g = values[order], groups[order]
    pos = np.arange(len(order))
    new_group = np.concatenate([[True], g[1:] != g[:-1]])
    new_value = new_group | np.concatenate([[True], v[1:] != v[:-1]])
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
    rank[order] = value_start - group_start + 1
    return rank


def _veto_reasons(out: pd.DataFrame, veto: pd.DataFrame | None) -> tuple[pd.Series, pd.DataFrame]:
    """Each firm-year's joined veto reasons (None when not vetoed) and unmatched-row findings."""
    empty = pd.Series([None] * len(out), index=out.index, dtype="object")
    if veto is None or not len(veto):
        return empty, concat_findings()
    v = pd.DataFrame(
        {
            "uscc": veto["uscc"].astype("object").to_numpy(),
            "year": pd.to_numeric(veto["year"], errors="coerce").astype("Int64").to_numpy(),
            "reason": veto["reason"].astype("object").fillna("").astype(str).to_numpy(),
        }
    ).dropna(subset=["uscc", "year"])
    v["year"] = v["year"].astype("int64")
    v["reason"] = v["reason"].where(v["reason"].str.len() > 0, "未注明原因")
    v = v.drop_duplicates().sort_values(["uscc", "year", "reason"])
    joined = _join_reasons(v)
    # Only rows whose uscc is on the list can match: merging those few instead of millions
    # of firm-years gives the same lookup.
    rows = np.flatnonzero(is_in(out["uscc"], joined["uscc"].astype("str")))
    candidates = pd.DataFrame(
        {
            "uscc": out["uscc"].take(rows).to_numpy(dtype=object),
            "year": out["year"].to_numpy()[rows],
        }
    )
    keyed = candidates.merge(joined, on=["uscc", "year"], how="left")
    values = np.full(len(out), None, dtype=object)
    values[rows] = keyed["reason"].astype("object").to_numpy()
    # Kept object: letting pandas infer its text dtype scanned every row only to go back.
    reason = pd.Series(values, index=out.index, dtype="object")
    reason = reason.where(reason.notna(), None)
    matched = joined.merge(candidates.drop_duplicates(), on=["uscc", "year"])
    lost = joined.merge(matched[["uscc", "year"]], on=["uscc", "year"], how="left", indicator=True)
    lost = lost[lost["_merge"] == "left_only"]
    found = findings_from(
        lost,
        severity="warning",
        code="VETO_UNMATCHED",
        layer="veto",
        row_id=lost["uscc"].astype(str),
        field="uscc",
        message="负面清单中的企业在" + lost["year"].astype(str) + "年没有税务或统计数据，未能应用",
        suggestion="核对统一社会信用代码与年份",
    )
    return reason.astype("object"), found


def _join_reasons(v: pd.DataFrame) -> pd.DataFrame:
    """One row per (uscc, year) of ``v`` (sorted by uscc, year, reason) with its reasons joined.

    What ``groupby(["uscc", "year"])["reason"].agg("；".join)`` gives, with the Python join
    only for the firm-years listed more than once: a Python call per group took most of
    the negative list's time.
    """
    several = v.duplicated(["uscc", "year"], keep=False).to_numpy(dtype=bool)
    if not several.any():
        return v[["uscc", "year", "reason"]].reset_index(drop=True)
    multi = v[several].groupby(["uscc", "year"], sort=True)["reason"].agg("；".join).reset_index()
    joined = pd.concat([v.loc[~several, ["uscc", "year", "reason"]], multi], ignore_index=True)
    return joined.sort_values(["uscc", "year"], kind="stable", ignore_index=True)


def _reasons(
    out: pd.DataFrame, *, p: np.ndarray, not_evaluated: pd.Series, vetoed: np.ndarray
) -> pd.Series:
    """The class_reason sentence of every firm-year, in Chinese.

    Built with Arrow's string kernels, each sentence only for the rows it applies to:
    pandas' ``+`` and ``where`` on millions of rows of text took seconds.
    """
    ev = out["evaluated"].to_numpy(dtype=bool)
    vetoed = np.asarray(vetoed, dtype=bool)

    def text(column: pd.Series | pa.Array, rows: np.ndarray) -> pa.Array:
        values = column
        if isinstance(column, pd.Series):
            values = pa.array(column.array, type=pa.string(), from_pandas=True)
        return pc.fill_null(values.filter(pa.array(rows)), "")

    def join(*parts: pa.Array | str) -> pa.Array:
        return pc.binary_join_element_wise(*parts, "")

    # Not evaluated: the reason. Evaluated: score, rank and class.
    score = out["score"].to_numpy(dtype="float64", na_value=np.nan)
    rank = out["rank"].to_numpy(dtype="float64", na_value=np.nan)
    n = out["n_in_group"].to_numpy(dtype="float64", na_value=np.nan)
    pct = p * 100

    def number(values: np.ndarray, rows: np.ndarray, digits: int) -> pa.Array:
        return pc.fill_null(format_numbers(values[rows], decimals=digits), "").cast(pa.string())

    def head(rows: np.ndarray) -> list[pa.Array | str]:
        return [
            "得分",
            number(score, rows, 1),
            "，组内排名",
            number(rank, rows, 0),
            "/",
            number(n, rows, 0),
            "（前",
            number(pct, rows, 1),
            "%），",
        ]

    def veto(rows: np.ndarray) -> list[pa.Array | str]:
        return ["列入负面清单（", text(out["veto_reason"], rows), "）"]

    # Converted from Python strings once, for the two sentences that use it.
    reason = pa.array(not_evaluated.astype("object").array, type=pa.string(), from_pandas=True)
    plain = ~ev & ~vetoed
    kinds = [
        (plain, lambda rows: text(reason, rows)),
        (ev & ~vetoed, lambda rows: join(*head(rows), text(out["class"], rows), "类")),
        (ev & vetoed, lambda rows: join(*head(rows), *veto(rows), "，定为D类")),
        (~ev & vetoed, lambda rows: join(text(reason, rows), "；", *veto(rows), "，定为D类")),
    ]
    return pd.Series(pd.array(_gather(kinds, len(out)), dtype="str"), index=out.index)


def _gather(kinds: list, n: int) -> pa.Array:
    """One text per row from the (disjoint, covering) row masks and their text builders.

    Each builder makes the texts of its rows, in row order; they are put in place by one
    ``take`` (replacing the rows of a full column one mask at a time copied it each time).
    """
    parts = []
    place = np.zeros(n, dtype=np.int64)
    offset = 0
    for rows, build in kinds:
        count = int(rows.sum())
        parts.append(build(rows).cast(pa.large_string()))
        place[rows] = offset + np.arange(count, dtype=np.int64)
        offset += count
    return pa.concat_arrays(parts).take(pa.array(place))

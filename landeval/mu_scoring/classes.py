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

from landeval.config import Config
from landeval.findings import concat_findings
from landeval.mu_scoring._frames import findings_from, fmt_number

# Guards p ≤ bound against float noise (p = rank / n is exact for the usual bounds anyway).
_P_EPS = 1e-12


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
    out = scored.copy()
    ev = out["evaluated"].to_numpy(dtype=bool)
    keys = [out["group"], out["year"]]
    score = out["score"].where(ev)
    rank = score.groupby(keys).rank(method="min", ascending=False)
    n = pd.Series(ev.astype("int64"), index=out.index).groupby(keys).transform("sum")
    out["rank"] = rank.astype("Int64")
    out["n_in_group"] = n.where(ev).astype("Int64")
    p = (rank / n).to_numpy(dtype="float64")

    above = out["scale"].eq("above").fillna(False).to_numpy(dtype=bool)
    bounds = config.scoring.classes
    cls = np.full(len(out), "T", dtype=object)
    for c in ("D", "C", "B", "A"):
        bound = np.where(above, getattr(bounds.above, c), getattr(bounds.below, c))
        cls = np.where(ev & (p <= bound + _P_EPS), c, cls)
    # Rounding can leave p a hair above the last bound: still D.
    cls = np.where(ev & (cls == "T"), "D", cls)

    veto_reason, found = _veto_reasons(out, veto)
    vetoed = veto_reason.notna().to_numpy(dtype=bool)
    out["veto_reason"] = veto_reason.astype("str")
    # The negative list forces D (DESIGN §3), also for a firm that is otherwise not evaluated.
    out["class"] = np.where(vetoed, "D", cls)
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
    joined = v.groupby(["uscc", "year"], sort=True)["reason"].agg("；".join).reset_index()
    keyed = out[["uscc", "year"]].merge(joined, on=["uscc", "year"], how="left")
    reason = pd.Series(keyed["reason"].astype("object").to_numpy(), index=out.index)
    reason = reason.where(reason.notna(), None)
    matched = joined.merge(out[["uscc", "year"]].drop_duplicates(), on=["uscc", "year"])
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


def _reasons(
    out: pd.DataFrame, *, p: np.ndarray, not_evaluated: pd.Series, vetoed: np.ndarray
) -> pd.Series:
    """The class_reason sentence of every firm-year, in Chinese."""
    ev = out["evaluated"].to_numpy(dtype=bool)
    score = fmt_number(out["score"], digits=1)
    rank = fmt_number(out["rank"].astype("float64"), digits=0)
    n = fmt_number(out["n_in_group"].astype("float64"), digits=0)
    pct = fmt_number(pd.Series(p * 100, index=out.index), digits=1)
    head = "得分" + score + "，组内排名" + rank + "/" + n + "（前" + pct + "%），"
    veto = "列入负面清单（" + out["veto_reason"].astype("str").fillna("") + "）"
    ranked = head + out["class"].astype("str") + "类"
    ranked_veto = head + veto + "，定为D类"
    t_reason = not_evaluated.astype("str").fillna("")
    t_veto = t_reason + "；" + veto + "，定为D类"
    # Series.where keeps the Arrow strings (np.where would go through Python objects).
    vetoed_s = pd.Series(vetoed, index=out.index)
    text = ranked.where(~vetoed_s, ranked_veto)
    text = text.where(pd.Series(ev, index=out.index), t_reason.where(~vetoed_s, t_veto))
    return text.astype("str")

"""需核实: decisions that rest on missing, imputed or suspect data (DESIGN §5, issue 19).

A decision a bureau signs must show where its data are weak. A parcel is marked
``needs_check`` with ``check_reason_zh`` saying why, when:

- an occupant's tax or value added is missing in the evaluation year (the parcel's per-mu
  values are missing; ``known_share`` says how much of its area is known), or its tax was
  unknown in the year before while low now (TAX_LOW could not be judged);
- its decisive occupant is class T for want of data (数据不全), or its class rests partly on
  imputed (group-mean) sub-scores and the decision uses the class (a CLASS flag decided it,
  or the 增容潜力 list);
- an occupant's firm-year (this year or the year before) is listed in ``suspect_values``
  (values beyond a warning bound, :mod:`landeval.validate`);
- a COVERAGE_LOW seen on the raster only (roofs, not structures and yards), which decides
  nothing, would have changed the decision had it decided: check on site;
- IDLE_LAND was found on land whose construction stopped on a date the data do not hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import join_masks, null_strings, text_array, to_str
from landeval.config import Config
from landeval.treatments._text import concat
from landeval.treatments.flags import COVERAGE_NOTE, ParcelFlags

_SUSPECT = "用地企业数据超出合理范围，待核实"

_TEXTS = {
    "missing": "部分用地企业税收或增加值缺失，亩均值未计",
    "missing_prev": "上年税收数据缺失，亩均税收偏低未能按连续两年判断",
    "incomplete": "主要用地企业数据不全，未评定类别",
    "imputed": "主要用地企业部分指标缺失，按组内平均得分计入类别",
    "coverage": COVERAGE_NOTE + "（若属实，处置可能不同）",
    "stalled": "闲置土地的中止开发日期未知，闲置年限按实际动工日期估算",
}


def needs_check(
    flags: ParcelFlags,
    treat: pd.DataFrame,
    capacity: np.ndarray,
    *,
    coverage_matters: np.ndarray,
    suspect_values: pd.DataFrame | None,
    config: Config,
    year: int,
) -> pd.DataFrame:
    """``needs_check`` and ``check_reason_zh`` of every parcel.

    Parameters
    ----------
    flags : ParcelFlags
        :func:`landeval.treatments.flags.compute_flags` output.
    treat : DataFrame
        :func:`landeval.treatments.rules.assign_treatments` output.
    capacity : ndarray of bool
        The parcel is on the 增容潜力 list.
    coverage_matters : ndarray of bool
        A COVERAGE_LOW that may not decide would have changed the decision (treatment or
        增容潜力) had it decided.
    suspect_values : DataFrame or None
        uscc, year (and field, message_zh) of values beyond a warning bound; None or empty:
        none.
    config : Config
        ``flags.coverage_decides`` and ``flags.tax_low_ratio``.
    year : int
        Evaluation year.

    Returns
    -------
    DataFrame
        ``needs_check`` (bool) and ``check_reason_zh`` (missing where there is nothing to
        check), with the index of ``flags.details``.
    """
    d = flags.details
    facts = flags.facts
    occ = facts.occupants
    n = len(d)
    occupied = d["n_occupants"].fillna(0).to_numpy(dtype="float64") > 0
    known = d["known_share"].to_numpy(dtype="float64", na_value=np.nan)
    tpm = d["tax_per_mu"].to_numpy(dtype="float64", na_value=np.nan)
    bench = d["county_tax_per_mu"].to_numpy(dtype="float64", na_value=np.nan)
    prev = d["tax_per_mu_prev"].to_numpy(dtype="float64", na_value=np.nan)
    matched = text_array(treat["matched_flags"])
    uses_class = np.asarray(
        pc.fill_null(pc.match_substring_regex(matched, "CLASS_"), False).to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    ratio = config.flags.tax_low_ratio
    low_now = occupied & ~np.isnan(tpm) & (tpm < ratio * np.nan_to_num(bench, nan=np.inf))
    suspect, detail = _suspect(
        uscc=occ.occupant_uscc,
        parcel=occ.occupant_parcel,
        n=n,
        suspect_values=suspect_values,
        year=year,
    )
    masks = {
        "missing": occupied & (np.nan_to_num(known, nan=0.0) < 1.0 - 1e-9),
        "missing_prev": low_now & np.isnan(prev) & ~d["TAX_LOW"].to_numpy(dtype=bool),
        "incomplete": occ.incomplete,
        "imputed": occ.imputed & (uses_class | capacity),
        "coverage": np.asarray(coverage_matters, dtype=bool),
        "stalled": facts.idle.stalled,
    }
    joined = join_masks(masks, _TEXTS, "；")
    if suspect.any():
        # The suspect values, named: which firm, which year, which field.
        with_detail = concat(
            joined, pc.if_else(pc.equal(joined, ""), "", "；"), _SUSPECT, "（", detail, "）"
        )
        joined = pc.if_else(pa.array(suspect), with_detail, joined)
    reason = pc.if_else(pc.equal(joined, ""), null_strings(n), joined)
    return pd.DataFrame(
        {
            "needs_check": pc.is_valid(reason).to_numpy(zero_copy_only=False),
            "check_reason_zh": to_str(reason),
        },
        index=d.index,
    )


def _suspect(
    *,
    uscc: pa.Array,
    parcel: np.ndarray,
    n: int,
    suspect_values: pd.DataFrame | None,
    year: int,
) -> tuple[np.ndarray, pa.Array]:
    """Parcels with an occupant whose firm-year (this year or the year before) is suspect.

    Returns the mask and what is suspect per parcel ("uscc 2024年tax", "、"-joined).
    """
    out = np.zeros(n, dtype=bool)
    detail = null_strings(n)
    if suspect_values is None or not len(suspect_values) or not len(uscc):
        return out, detail
    years = pd.to_numeric(suspect_values["year"], errors="coerce")
    rows = suspect_values.loc[years.isin([year, year - 1]).to_numpy(dtype=bool)]
    if not len(rows):
        return out, detail
    hit = pc.fill_null(pc.is_in(uscc, value_set=text_array(rows["uscc"])), False)
    at = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
    if not len(at):
        return out, detail
    field = rows["field"] if "field" in rows.columns else pd.Series("", index=rows.index)
    what = (
        rows["uscc"].astype(str)
        + " "
        + pd.to_numeric(rows["year"], errors="coerce").astype("Int64").astype(str)
        + "年"
        + field.fillna("").astype(str)
    )
    by_uscc = what.groupby(rows["uscc"].astype(str).to_numpy()).agg("、".join)
    pairs = pd.DataFrame({"p": parcel[at], "uscc": uscc.take(pa.array(at)).to_pylist()})
    pairs["what"] = pairs["uscc"].map(by_uscc)
    per_parcel = pairs.groupby("p")["what"].agg("、".join)
    out[per_parcel.index.to_numpy()] = True
    texts = np.full(n, None, dtype=object)
    texts[per_parcel.index.to_numpy()] = per_parcel.to_numpy()
    return out, pa.array(texts, type=pa.large_string())

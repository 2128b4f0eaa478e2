"""The one Chinese sentence a reviewer reads aloud for a parcel's treatment.

The sentence is built from the flags that made the deciding rule match, with their numbers,
in FLAG_CODES order, joined with "，" and "，且" before the last, e.g.
"容积率0.42低于纺织业最低标准0.8，且连续两年D类". KEEP parcels get a short sentence saying
that no rule applied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.config import FLAG_CODES, Config
from landeval.labels import INDUSTRY_NAMES


def fmt_number(value: float, digits: int = 2) -> str:
    """A number with at most ``digits`` decimals and at least one (0.42, 0.8, 1.0, 12.5)."""
    text = f"{value:.{digits}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def fmt_percent(value: float) -> str:
    """A share as a percentage with at most one decimal (0.25 → "25%", 0.275 → "27.5%")."""
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def industry_name(code: str | None) -> str:
    """Chinese name of a GB/T 4754 code's division, or the code itself, or "" when missing."""
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        return ""
    return INDUSTRY_NAMES.get(str(code)[:3], str(code))


def build_reasons(
    details: pd.DataFrame, matched: pd.Series, *, config: Config, year: int
) -> pd.Series:
    """The reason sentence of every parcel.

    Parameters
    ----------
    details : DataFrame
        :func:`landeval.zoning.flags.compute_flags` output (the numbers behind the flags).
    matched : Series of str
        The flags that made the deciding rule match, ";"-joined (empty for KEEP).
    config : Config
        ``[flags]`` thresholds quoted in the sentence.
    year : int
        Evaluation year (building age).

    Returns
    -------
    Series of str
        One sentence per parcel, with the index of ``details``.
    """
    fl = config.flags
    keys = ";" + matched.fillna("").astype(str) + ";"
    masks = {c: keys.str.contains(f";{c};", regex=False).to_numpy() for c in FLAG_CODES}
    # "连续两年D类" already says D: do not also say "D类".
    masks["CLASS_D"] = masks["CLASS_D"] & ~masks["CLASS_D_TWICE"]

    def rows(code: str) -> pd.DataFrame:
        return details.loc[masks[code]]

    phrases: dict[str, np.ndarray] = {}
    n = len(details)
    for code in FLAG_CODES:
        m = masks[code]
        arr = np.full(n, "", dtype=object)
        if m.any():
            arr[m] = _phrases(code, rows(code), fl=fl, year=year)
        phrases[code] = arr

    out = np.full(n, "", dtype=object)
    last = np.full(n, "", dtype=object)
    for code in FLAG_CODES:
        m = masks[code]
        if not m.any():
            continue
        prev, lst = out[m], last[m]
        out[m] = np.where(prev == "", lst, np.where(lst == "", prev, prev + "，" + lst))
        last[m] = phrases[code][m]
    sentence = np.where(out == "", last, out + "，且" + last)

    keep = matched.fillna("").to_numpy(dtype=object) == ""
    flags = details["flags_zh"].fillna("").to_numpy(dtype=object)
    keep_text = np.where(
        flags == "", "未发现低效情形，保留", "有低效标志（" + flags + "），但未达到处置条件，保留"
    )
    sentence = np.where(keep, keep_text, sentence)
    return pd.Series(pd.array(sentence, dtype="str"), index=details.index)


def _phrases(code: str, d: pd.DataFrame, *, fl, year: int) -> list[str]:
    """The phrase of ``code`` for each row of ``d`` (the rows where it matched)."""
    if code == "FAR_LOW":
        return [
            f"容积率{fmt_number(far)}低于{_industry_std(ind)}最低标准{fmt_number(fmin)}"
            for far, fmin, ind in zip(d["far"], d["far_min"], d["industry_code"], strict=True)
        ]
    if code == "COVERAGE_LOW":
        return [
            f"建筑系数{fmt_percent(c)}低于{fmt_percent(fl.coverage_min)}" for c in d["coverage"]
        ]
    if code == "TAX_LOW":
        return [
            f"亩均税收{fmt_number(t)}万元低于本县平均{fmt_number(b)}万元的"
            f"{fmt_percent(fl.tax_low_ratio)}"
            for t, b in zip(d["tax_per_mu"], d["county_tax_per_mu"], strict=True)
        ]
    if code in ("CLASS_C", "CLASS_D"):
        return [f"亩均评价为{code[-1]}类"] * len(d)
    if code == "CLASS_D_TWICE":
        return ["连续两年D类"] * len(d)
    if code == "IDLE":
        return [
            _idle_phrase(no_occ, no_act, vac, v, fl.idle_years)
            for no_occ, no_act, vac, v in zip(
                d["idle_no_occupant"],
                d["idle_no_activity"],
                d["idle_vacant"],
                d["vacant_share"],
                strict=True,
            )
        ]
    if code == "PHASE_OUT":
        return [f"属淘汰类产业（{_industries(c)}）" for c in d["phase_out_industries"]]
    if code == "VETO":
        return [
            "列入负面清单" if r in ("", "负面清单") else f"列入负面清单（{r}）"
            for r in d["veto_reasons"].fillna("")
        ]
    if code == "PLAN_CONFLICT":
        return [f"规划用途{u}非工业" for u in d["planned_use"]]
    if code == "OLD_BUILDINGS":
        return [f"建成已{year - int(b)}年（{int(b)}年建成）" for b in d["built_year"]]
    msg = f"no reason phrase for flag {code}"
    raise KeyError(msg)


def _industry_std(code) -> str:
    name = industry_name(code)
    if not name:
        return "工业用地"
    return name if name != str(code) else f"{code}行业"


def _industries(codes: str) -> str:
    return "、".join(
        f"{industry_name(c)}{c}" if industry_name(c) != c else c for c in str(codes).split("、")
    )


def _idle_phrase(no_occ: bool, no_act: bool, vacant: bool, share: float, years: int) -> str:
    parts = []
    span = "两" if years == 2 else str(years)
    if no_occ:
        parts.append(f"连续{span}年无企业使用")
    elif no_act:
        parts.append(f"连续{span}年无税收和增加值")
    if vacant:
        parts.append(f"空置率{fmt_percent(share)}")
    return "、".join(parts) if parts else "闲置"

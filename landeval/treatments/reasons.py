"""The one Chinese sentence a reviewer reads aloud for a parcel's treatment.

The sentence is built from the flags that made the deciding rule match, with their numbers,
in FLAG_CODES order, joined with "，" and "，且" before the last, e.g.
"容积率0.42低于纺织业最低标准0.8，且连续两年D类". KEEP parcels get a short sentence saying
that no rule applied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval._arrow import encode, text_array, to_str
from landeval._format import format_number, format_numbers, format_percent
from landeval.config import FLAG_CODES, Config
from landeval.vocabulary import INDUSTRY_NAMES


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
        :func:`landeval.treatments.flags.compute_flags` output (the numbers behind the flags).
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
    n = len(details)
    # Rows are grouped by their matched flags (a few dozen combinations): each group's
    # sentence has the same shape, and its phrases are made for its rows only.
    group, combos = encode(text_array(matched))
    group = np.where(group < 0, len(combos), group)
    combos = [*combos, None]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(combos) + 1))
    values = _Values(details)

    texts: list = []  # sentences of the flagged rows, in `rows` order
    rows: list[np.ndarray] = []
    for g, combo in enumerate(combos):
        idx = order[bounds[g] : bounds[g + 1]]
        if len(idx) == 0 or not combo:
            continue  # KEEP rows (no matched flag) are worded below
        named = set(combo.split(";"))
        codes = [c for c in FLAG_CODES if c in named]
        # "连续两年D类" already says D: do not also say "D类".
        if "CLASS_D_TWICE" in named:
            codes = [c for c in codes if c != "CLASS_D"]
        phrases = [_phrases(c, values, idx, fl=fl, year=year) for c in codes]
        texts.append(_sentence(phrases, len(idx)))
        rows.append(idx)

    keep_words: dict = {}

    def keep_text(flags_zh: str | None) -> str:
        if not flags_zh:
            return "未发现低效情形，保留"
        return "有低效标志（" + flags_zh + "），但未达到处置条件，保留"

    keep_codes, keep_uniq = encode(text_array(details["flags_zh"]))
    keep_words = [keep_text(v) for v in keep_uniq] + [keep_text(None)]
    # Every row points into [KEEP sentences..., flagged sentences...].
    pick = np.where(keep_codes < 0, len(keep_uniq), keep_codes)
    flagged = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    pick[flagged] = len(keep_words) + np.arange(len(flagged))
    pool = pa.array(
        keep_words + [s for part in texts for s in part.tolist()], type=pa.large_string()
    )
    sentence = pool.take(pa.array(pick)) if n else pool.slice(0, 0)
    return pd.Series(to_str(sentence), index=details.index)


def _sentence(phrases: list[np.ndarray], n: int) -> np.ndarray:
    """Phrases joined with "，" and "，且" before the last (empty phrases left out)."""
    if phrases and all((p != "").all() for p in phrases):
        # No empty phrase (the usual case): a plain join, without the general fold below.
        head = phrases[0]
        for phrase in phrases[1:-1]:
            head = head + "，" + phrase
        return head if len(phrases) == 1 else head + "，且" + phrases[-1]
    out = np.full(n, "", dtype=object)
    last = np.full(n, "", dtype=object)
    for phrase in phrases:
        prev, lst = out, last
        out = np.where(prev == "", lst, np.where(lst == "", prev, prev + "，" + lst))
        last = phrase
    return np.where(out == "", last, out + "，且" + last)


class _Values:
    """Columns of ``details`` read once, as Python values for the phrase templates."""

    def __init__(self, details: pd.DataFrame) -> None:
        self._details = details
        self._cache: dict[str, object] = {}

    def numbers(self, col: str, idx: np.ndarray) -> list:
        if col not in self._cache:
            self._cache[col] = self._details[col].to_numpy()
        return self._cache[col][idx].tolist()

    def floats(self, col: str, idx: np.ndarray) -> np.ndarray:
        return np.asarray(self._details[col].to_numpy()[idx], dtype=float)

    def flags(self, col: str, idx: np.ndarray) -> np.ndarray:
        return self._details[col].to_numpy(dtype=bool)[idx]

    def texts(self, col: str, idx: np.ndarray) -> tuple[np.ndarray, list]:
        """(code per row, distinct values) of a text column; a missing text is NaN."""
        if col not in self._cache:
            self._cache[col] = text_array(self._details[col])
        codes, uniq = encode(self._cache[col].take(pa.array(idx)))
        return np.where(codes < 0, len(uniq), codes), [*uniq, np.nan]


def _each(codes: np.ndarray, uniq: list, func) -> np.ndarray:
    """``func`` of each row's value, evaluated once per distinct value."""
    return np.array([func(v) for v in uniq], dtype=object)[codes]


def _phrases(code: str, v: _Values, idx: np.ndarray, *, fl, year: int) -> np.ndarray:
    """The phrase of ``code`` for each of the rows ``idx`` (the rows where it matched)."""
    n = len(idx)
    if code == "FAR_LOW":
        ind_codes, inds = v.texts("industry_code", idx)
        std = _each(ind_codes, inds, _industry_std)
        return (
            "容积率"
            + _numbers(v.floats("far", idx))
            + "低于"
            + std
            + "最低标准"
            + _per_number(v.floats("far_min", idx))
        )
    if code == "COVERAGE_LOW":
        least = format_percent(fl.coverage_min)
        return np.array(
            [f"建筑系数{format_percent(c)}低于{least}" for c in v.numbers("coverage", idx)],
            dtype=object,
        )
    if code == "TAX_LOW":
        share = format_percent(fl.tax_low_ratio)
        return (
            "亩均税收"
            + _numbers(v.floats("tax_per_mu", idx))
            + "万元低于本县平均"
            + _per_number(v.floats("county_tax_per_mu", idx))
            + ("万元的" + share)
        )
    if code in ("CLASS_C", "CLASS_D"):
        return np.full(n, f"亩均评价为{code[-1]}类", dtype=object)
    if code == "CLASS_D_TWICE":
        return np.full(n, "连续两年D类", dtype=object)
    if code == "IDLE":
        no_occ = v.flags("idle_no_occupant", idx)
        no_act = v.flags("idle_no_activity", idx)
        vac = v.flags("idle_vacant", idx)
        out = np.empty(n, dtype=object)
        # Without vacancy the phrase depends on the two flags alone.
        for a in (False, True):
            for b in (False, True):
                m = ~vac & (no_occ == a) & (no_act == b)
                out[m] = _idle_phrase(a, b, False, np.nan, fl.idle_years)
        at = np.flatnonzero(vac)
        shares = v.numbers("vacant_share", idx[at])
        out[at] = [
            _idle_phrase(bool(no_occ[i]), bool(no_act[i]), True, s, fl.idle_years)
            for i, s in zip(at.tolist(), shares, strict=True)
        ]
        return out
    if code == "PHASE_OUT":
        codes, uniq = v.texts("phase_out_industries", idx)
        return _each(codes, uniq, lambda c: f"属淘汰类产业（{_industries(c)}）")
    if code == "VETO":
        codes, uniq = v.texts("veto_reasons", idx)
        return _each(codes, uniq, _veto_phrase)
    if code == "PLAN_CONFLICT":
        codes, uniq = v.texts("planned_use", idx)
        return _each(codes, uniq, lambda u: f"规划用途{u}非工业")
    if code == "OLD_BUILDINGS":
        built = _cached(lambda b: f"建成已{year - int(b)}年（{int(b)}年建成）")
        return np.array([built(b) for b in v.numbers("built_year", idx)], dtype=object)
    msg = f"no reason phrase for flag {code}"
    raise KeyError(msg)


def _numbers(values: np.ndarray) -> np.ndarray:
    """Numbers quoted in a sentence: at most two decimals, at least one (0.42, 0.8, 1.0)."""
    return format_numbers(values, decimals=2, trim=True).to_numpy(zero_copy_only=False)


def _per_number(values: np.ndarray) -> np.ndarray:
    """:func:`_numbers` of values that repeat (a few thresholds), once per value."""
    uniq, inverse = np.unique(values, return_inverse=True)
    words = [format_number(float(u), 2, grouping=False, trim=True) for u in uniq]
    return np.array(words, dtype=object)[inverse.reshape(-1)]


def _cached(func):
    """``func`` remembering its results (for values that repeat a lot)."""
    memo: dict = {}

    def call(value):
        try:
            return memo[value]
        except KeyError:
            memo[value] = got = func(value)
            return got
        except TypeError:  # unhashable (e.g. pd.NA): no memo
            return func(value)

    return call


def _veto_phrase(reason) -> str:
    r = "" if not isinstance(reason, str) else reason
    return "列入负面清单" if r in ("", "负面清单") else f"列入负面清单（{r}）"


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
        parts.append(f"空置率{format_percent(share)}")
    return "、".join(parts) if parts else "闲置"

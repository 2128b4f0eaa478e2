"""The one Chinese sentence a reviewer reads aloud for a parcel's treatment.

The sentence is built from the flags that made the deciding rule match, with the firms and
the figures that decided, in FLAG_CODES order, joined with "，" and "，且" before the last,
e.g. "容积率0.42低于纺织业最低标准0.8，且绍兴某某印染有限公司连续两年D类". KEEP parcels get a
short sentence saying that no rule applied, or why they are on the 增容潜力 list. The firm
actions on a parcel (a tenant to vacate or to rectify) follow after "；企业处置：".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import encode, text_array, to_str
from landeval._format import format_number, format_numbers, format_percent
from landeval.config import FLAG_CODES, Config
from landeval.treatments._text import concat
from landeval.vocabulary import INDUSTRY_NAMES


def industry_name(code: str | None) -> str:
    """Chinese name of a GB/T 4754 code's division, or the code itself, or "" when missing."""
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        return ""
    return INDUSTRY_NAMES.get(str(code)[:3], str(code))


def build_reasons(
    details: pd.DataFrame,
    matched: pd.Series,
    *,
    config: Config,
    year: int,
    capacity: np.ndarray | None = None,
) -> pd.Series:
    """The reason sentence of every parcel.

    Parameters
    ----------
    details : DataFrame
        :func:`landeval.treatments.flags.compute_flags` details (the numbers behind the flags).
    matched : Series of str
        The flags that made the deciding rule match, ";"-joined (empty for KEEP).
    config : Config
        ``[flags]`` thresholds quoted in the sentence.
    year : int
        Evaluation year (building age, the idle-land reference date).
    capacity : ndarray of bool, optional
        The parcel is kept and on the 增容潜力 list.

    Returns
    -------
    Series of str
        One sentence per parcel, with the index of ``details``.
    """
    n = len(details)
    # Rows are grouped by their matched flags (a few dozen combinations): each group's
    # sentence has the same shape, and its phrases are made for its rows only.
    group, combos = encode(text_array(matched))
    group = np.where(group < 0, len(combos), group)
    combos = [*combos, None]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(combos) + 1))
    values = _Values(details)
    words = _Words(config, year)

    texts: list = []  # sentences of the flagged rows, in `rows` order
    rows: list[np.ndarray] = []
    for g, combo in enumerate(combos):
        idx = order[bounds[g] : bounds[g + 1]]
        if len(idx) == 0 or not combo:
            continue  # KEEP rows (no matched flag) are worded below
        named = set(combo.split(";"))
        codes = [c for c in FLAG_CODES if c in named and not (_SAID_BY[c] & named)]
        phrases = [_phrases(c, values, idx, words=words) for c in codes]
        texts.append(_sentence(phrases, len(idx)))
        rows.append(idx)

    def keep_text(flags_zh: str | None) -> str:
        if not flags_zh:
            return "未发现低效情形，保留"
        return "有低效标志（" + flags_zh + "），但未达到处置条件，保留"

    keep_codes, keep_uniq = encode(text_array(details["flags_zh"]))
    keep_words = [keep_text(v) for v in keep_uniq] + [keep_text(None)]
    # Every row points into [KEEP sentences..., flagged sentences..., capacity sentences...].
    pick = np.where(keep_codes < 0, len(keep_uniq), keep_codes)
    flagged = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    pick[flagged] = len(keep_words) + np.arange(len(flagged))
    pool = keep_words + [s for part in texts for s in part.tolist()]
    if capacity is not None and capacity.any():
        at = np.flatnonzero(capacity)
        pick[at] = len(pool) + np.arange(len(at))
        pool += _capacity_texts(values, at, words=words).tolist()
    sentence = pa.array(pool, type=pa.large_string()).take(pa.array(pick)) if n else None
    if sentence is None:
        return pd.Series(to_str(pa.array([], type=pa.large_string())), index=details.index)
    actions = text_array(details["firm_actions_zh"])
    with_actions = concat(sentence, "；企业处置：", actions)
    sentence = pc.if_else(pc.is_valid(actions), with_actions, sentence)
    return pd.Series(to_str(sentence), index=details.index)


# A flag not worded when a stronger one says it already ("连续两年D类" says "D类").
_SAID_BY: dict[str, set[str]] = {c: set() for c in FLAG_CODES}
_SAID_BY["CLASS_D"] = {"CLASS_D_TWICE", "CLASS_D_3Y"}
_SAID_BY["CLASS_D_TWICE"] = {"CLASS_D_3Y"}


def _capacity_texts(values: _Values, idx: np.ndarray, *, words: _Words) -> np.ndarray:
    """Why a kept A/B parcel is on the 增容潜力 list: its class and its low intensity."""
    codes, uniq = values.texts("rule_class", idx)
    head = _each(codes, uniq, lambda c: f"亩均评价为{c}类，" if isinstance(c, str) else "")
    parts = []
    shown = ("FAR_LOW", "COVERAGE_LOW") if words.coverage_decides else ("FAR_LOW",)
    for code in shown:
        has = values.flags(code, idx)
        phrase = np.full(len(idx), "", dtype=object)
        if has.any():
            phrase[has] = _phrases(code, values, idx[has], words=words)
        parts.append(phrase)
    low = _sentence(parts, len(idx))
    return head + low + "，保留，列入增容潜力清单（可加层增容）"


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

    def dates(self, col: str, idx: np.ndarray) -> list[str]:
        """A date column's values as 2021年3月1日 (missing: "")."""
        values = pd.to_datetime(self._details[col], errors="coerce").to_numpy()[idx]
        return [
            ""
            if pd.isna(d)
            else f"{pd.Timestamp(d).year}年{pd.Timestamp(d).month}月{pd.Timestamp(d).day}日"
            for d in values
        ]

    def texts(self, col: str, idx: np.ndarray) -> tuple[np.ndarray, list]:
        """(code per row, distinct values) of a text column; a missing text is NaN."""
        if col not in self._cache:
            self._cache[col] = text_array(self._details[col])
        codes, uniq = encode(self._cache[col].take(pa.array(idx)))
        return np.where(codes < 0, len(uniq), codes), [*uniq, np.nan]


def _each(codes: np.ndarray, uniq: list, func) -> np.ndarray:
    """``func`` of each row's value, evaluated once per distinct value."""
    return np.array([func(v) for v in uniq], dtype=object)[codes]


class _Words:
    """The settings and dates the phrases quote."""

    def __init__(self, config: Config, year: int) -> None:
        fl = config.flags
        self.fl = fl
        self.year = year
        self.coverage_decides = fl.coverage_decides
        ref = fl.reference(year)
        self.reference = f"{ref.year}年{ref.month}月{ref.day}日"
        self.span = _span(fl.stopped_years)


def _span(years: int) -> str:
    """How long a STOPPED parcel has been so: 已满一年, 连续两年, 连续3年."""
    return {1: "已满一年", 2: "连续两年", 3: "连续三年"}.get(years, f"连续{years}年")


def _phrases(code: str, v: _Values, idx: np.ndarray, *, words: _Words) -> np.ndarray:
    """The phrase of ``code`` for each of the rows ``idx`` (the rows where it matched)."""
    fl = words.fl
    if code == "FAR_LOW":
        ind_codes, inds = v.texts("standard_industry", idx)
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
        now = (
            "亩均税收"
            + _numbers(v.floats("tax_per_mu", idx))
            + "万元低于本县平均"
            + _per_number(v.floats("county_tax_per_mu", idx))
            + ("万元的" + share)
        )
        if fl.tax_low_years < 2:
            return now
        return (
            now
            + "（上年"
            + _numbers(v.floats("tax_per_mu_prev", idx))
            + "万元，本县"
            + _per_number(v.floats("county_tax_per_mu_prev", idx))
            + "万元）"
        )
    if code == "TAX_FLOOR":
        codes, uniq = v.texts("scale", idx)
        floor = _each(codes, uniq, lambda sc: _floor_text(sc, fl.tax_floor))
        return "亩均税收" + _numbers(v.floats("tax_per_mu", idx)) + "万元低于" + floor
    if code in _FIRM_PHRASES:
        codes, uniq = v.texts(f"firms_{code}", idx)
        tail = _FIRM_PHRASES[code]
        return _each(codes, uniq, lambda f: f"{f}{tail}" if isinstance(f, str) else tail)
    if code == "STOPPED":
        return _stopped_phrases(v, idx, words)
    if code == "IDLE_LAND":
        return _idle_phrases(v, idx, words)
    if code == "VACANT":
        return np.array(
            [f"空置率{format_percent(c)}" for c in v.numbers("vacant_share", idx)], dtype=object
        )
    if code == "PLAN_CONFLICT":
        codes, uniq = v.texts("planned_use", idx)
        return _each(codes, uniq, lambda u: f"规划用途{u}非工业")
    if code == "OLD_BUILDINGS":
        year = words.year
        built = _cached(lambda b: f"建成已{year - int(b)}年（{int(b)}年建成）")
        return np.array([built(b) for b in v.numbers("built_year", idx)], dtype=object)
    msg = f"no reason phrase for flag {code}"
    raise KeyError(msg)


_FIRM_PHRASES: dict[str, str] = {
    "VETO": "列入负面清单",
    "PHASE_OUT": "属淘汰类产业",
    "CLASS_D_3Y": "连续三年亩均评价为D类",
    "CLASS_D_TWICE": "连续两年亩均评价为D类",
    "CLASS_D": "亩均评价为D类",
    "CLASS_C": "亩均评价为C类",
}
"""The phrase after the firms' names (with their detail) of each firm flag."""


def _floor_text(scale: object, floors: dict) -> str:
    above, below = float(floors.get("above", 0.0)), float(floors.get("below", 0.0))
    if scale == "above":
        return f"规上企业底线{format_number(above, 2, grouping=False, trim=True)}万元"
    if scale == "below":
        return f"规下企业底线{format_number(below, 2, grouping=False, trim=True)}万元"
    lowest = min(f for f in (above, below) if f > 0) if max(above, below) > 0 else 0.0
    return f"底线{format_number(lowest, 2, grouping=False, trim=True)}万元"


def _stopped_phrases(v: _Values, idx: np.ndarray, words: _Words) -> np.ndarray:
    """停产: closed occupants, no occupant, or no tax and no value added."""
    out = np.full(len(idx), "停产", dtype=object)
    no_occ = v.flags("stopped_no_occupant", idx)
    no_act = v.flags("stopped_no_activity", idx)
    out[no_act] = f"{words.span}无税收和增加值，已停产"
    out[no_occ] = f"{words.span}无企业使用"
    closed = v.floats("closed_share", idx) >= words.fl.firm_flag_min_share - 1e-9
    if closed.any():
        at = np.flatnonzero(closed)
        status = v.texts("status", idx[at])
        names = v.texts("main_name", idx[at])
        shares = v.floats("closed_share", idx[at])
        status_words = _each(*status, lambda t: t if isinstance(t, str) else "")
        name_words = _each(*names, lambda t: t if isinstance(t, str) else "")
        out[at] = [
            f"主要用地企业{name}{_CLOSED_WORDS.get(st, '已' + st)}"
            if st
            else f"已停业企业使用宗地{format_percent(sh)}"
            for name, st, sh in zip(name_words, status_words, shares, strict=True)
        ]
        both = closed & (no_act | no_occ)
        out[both] = out[both] + "，" + f"{words.span}无税收和增加值"
    return out


_CLOSED_WORDS: dict[str, str] = {"停业": "已停业", "注销": "已注销", "吊销": "营业执照已被吊销"}
"""How a reason says that the main occupant has closed, by its status."""


def _idle_phrases(v: _Values, idx: np.ndarray, words: _Words) -> np.ndarray:
    """闲置土地: not started a year after the contract's start date, or stalled."""
    years = v.floats("idle_years", idx)
    stalled = v.flags("idle_stalled", idx)
    start = v.dates("contract_start_date", idx)
    share = v.floats("developed_share", idx)
    out = []
    for y, st, d, sh in zip(years, stalled, start, share, strict=True):
        idle = format_number(float(y), 1, grouping=False)
        if st:
            out.append(f"开发比例{format_percent(sh)}，已中止开发约{idle}年，属闲置土地")
        else:
            out.append(f"约定{d}动工，至{words.reference}未动工，闲置{idle}年")
    return np.array(out, dtype=object)


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


def _industry_std(code) -> str:
    name = industry_name(code)
    if not name:
        return "工业用地"
    return name if name != str(code) else f"{code}行业"

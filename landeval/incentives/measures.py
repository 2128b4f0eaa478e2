"""The measures' amounts: basis value × rate, for the firms of the listed classes.

For each ``[[incentives]]`` measure and each firm whose final class in the evaluation year Y
is one it lists — and, with ``min_consecutive_years = k``, was one it lists in each of the k
years up to Y (class history; a year without a class breaks the run) — one row with the
firm's basis value, the rate and the amount (元 for a charge or a relief, the quota's unit for
a quota), applying in Y + 1. A missing basis value (or a negative quantity) gives the row no
amount and a finding naming the firm, never 0. A measure that ``supersedes`` others removes
their rows for the firms it applies to. A refundable charge says on which condition it is
refunded: the firm's class in the evaluation of Y + 1 rising above this year's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval._arrow import (
    first_positions,
    null_strings,
    per_value,
    shared_codes,
    sorted_codes,
    take_float,
    take_str,
    text_array,
    to_str,
)
from landeval.config import INCENTIVE_CLASSES, IncentiveMeasure
from landeval.findings import FINDING_COLUMNS, concat_findings, findings_frame
from landeval.incentives.bases import BASIS_LAYERS, WHY_LAND_TAX
from landeval.vocabulary import INCENTIVE_BASIS_LABELS, INCENTIVE_BASIS_UNITS, UNITS

FIRM_INCENTIVE_COLUMNS: list[str] = [
    "uscc",
    "name",
    "county_code",
    "year",
    "applies_year",
    "class",
    "code",
    "label_zh",
    "label_en",
    "kind",
    "basis",
    "basis_value",
    "basis_unit",
    "rate",
    "amount",
    "unit",
    "amount_yuan",
    "consecutive_years",
    "refundable",
    "refund_condition",
    "note",
]
"""Columns of the ``firm_incentives`` table, one row per firm and measure.

``amount`` = basis_value × rate in ``unit`` (元, or a quota's unit); ``amount_yuan`` is the
same number for a charge (> 0, the firm pays more) or a relief (< 0), missing for a quota;
``consecutive_years`` is how many years running, up to this one, the firm has been of a class
the measure lists."""

_DTYPES: dict[str, str] = {
    **dict.fromkeys(FIRM_INCENTIVE_COLUMNS, "str"),
    **dict.fromkeys(["year", "applies_year", "consecutive_years"], "int64"),
    **dict.fromkeys(["basis_value", "rate", "amount", "amount_yuan"], "float64"),
    "refundable": "bool",
}

YUAN = UNITS["yuan"].zh
"""The unit of a charge's or a relief's amount."""

_SIGNED_BASES = frozenset({"tax"})  # a negative tax (a refund) is a figure, not an error


def measure_names(frame: pd.DataFrame, lang: str = "zh") -> pd.Series:
    """Each row's measure name in ``lang``, for a ``firm_incentives`` or totals table.

    English takes ``label_en`` (the Chinese name where the configuration gives none, or
    where a store written before the column existed lacks it); Chinese takes ``label_zh``.
    """
    names = frame["label_zh"]
    if lang == "en" and "label_en" in frame.columns:
        names = frame["label_en"].fillna(names)
    return names


def apply_measures(
    *,
    classes: pd.DataFrame,
    bases: pd.DataFrame,
    measures: Sequence[IncentiveMeasure],
    year: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per firm and measure that applies to it, and the findings of missing bases.

    Parameters
    ----------
    classes : DataFrame
        The firms' final classes: ``uscc``, ``year``, ``class`` for the evaluation year and
        the years before it (the history ``min_consecutive_years`` counts); optional
        ``veto_reason`` (a vetoed firm's class is D: the note says why).
    bases : DataFrame
        :func:`landeval.incentives.bases.firm_bases` of the evaluation year.
    measures : sequence of IncentiveMeasure
        ``[[incentives]]`` of the configuration, in its order.
    year : int
        Evaluation year.

    Returns
    -------
    rows : DataFrame
        :data:`FIRM_INCENTIVE_COLUMNS`, sorted by county, uscc and the measures' order.
    findings : DataFrame
        INCENTIVE_BASIS_MISSING / INCENTIVE_BASIS_NEGATIVE (warnings), one per firm and
        measure without an amount.
    """
    firms = _firms_of_year(classes, bases, year)
    applies, runs = {}, {}
    for measure in measures:
        runs[measure.code] = _run_length(firms, measure.classes)
        applies[measure.code] = runs[measure.code] >= measure.min_consecutive_years
    for measure in measures:  # one level (validated): the order of this loop does not matter
        for replaced in measure.supersedes:
            applies[replaced] = applies[replaced] & ~applies[measure.code]
    parts, problems = [], []
    for order, measure in enumerate(measures):
        at = np.flatnonzero(applies[measure.code])
        rows, found = _measure_rows(measure, firms, at, runs[measure.code][at], year)
        parts.append(rows.assign(_firm=at, _order=order))
        problems.append(found)
    if not parts:
        return _empty_rows(), concat_findings()
    rows = pd.concat(parts, ignore_index=True)
    # firms come in (county, uscc) order: sorting on their positions sorts on those texts
    sort = np.lexsort((rows["_order"].to_numpy(), rows["_firm"].to_numpy()))
    rows = rows.take(sort)[FIRM_INCENTIVE_COLUMNS].reset_index(drop=True).astype(_DTYPES)
    return rows, concat_findings(*problems)


@dataclass(frozen=True)
class _Firms:
    """The firms classed in the evaluation year, in (county, uscc) order.

    ``table``: uscc, class, veto_reason, then the columns of the bases (missing for a firm
    without bases); ``classes``: each firm's class as its place in
    :data:`~landeval.config.INCENTIVE_CLASSES` (−1: another class, e.g. T); ``earlier``: the
    same for Y − 1, Y − 2, … while the history has the year (−1: no class that year).
    """

    table: pd.DataFrame
    classes: np.ndarray
    earlier: list[np.ndarray]


def _class_codes(values: pd.Series) -> np.ndarray:
    return per_value(
        text_array(values),
        lambda c: INCENTIVE_CLASSES.index(c) if c in INCENTIVE_CLASSES else -1,
        "int64",
    )


def _firms_of_year(classes: pd.DataFrame, bases: pd.DataFrame, year: int) -> _Firms:
    # one hash pass over the usccs of every year; the rest runs on integer codes
    (codes,), n = shared_codes(text_array(classes["uscc"]))
    years = pd.to_numeric(classes["year"], errors="coerce").to_numpy(dtype="float64")
    cls = _class_codes(classes["class"])
    cur = np.flatnonzero((years == year) & (codes >= 0))
    cur = cur[np.sort(np.unique(codes[cur], return_index=True)[1])]  # a firm's first row
    earlier = []
    back = year - 1
    while (years == back).any():
        then = np.flatnonzero((years == back) & (codes >= 0))[::-1]  # the first row wins
        by_code = np.full(n, -1, dtype=np.int64)
        by_code[codes[then]] = cls[then]
        earlier.append(by_code[codes[cur]])
        back -= 1
    veto = classes["veto_reason"] if "veto_reason" in classes.columns else None
    table = pd.DataFrame(
        {
            "uscc": to_str(text_array(classes["uscc"]).take(pa.array(cur))),
            "class": to_str(text_array(classes["class"]).take(pa.array(cur))),
            "veto_reason": (
                to_str(text_array(veto).take(pa.array(cur)))
                if veto is not None
                else to_str(null_strings(len(cur)))
            ),
        }
    )
    table = _with_bases(table, bases)
    county = (
        sorted_codes(text_array(table["county_code"]))[0]
        if "county_code" in table
        else np.zeros(len(table), dtype=np.int64)
    )
    county = np.where(county < 0, county.max(initial=0) + 1, county)  # no county: last
    order = np.lexsort((sorted_codes(text_array(table["uscc"]))[0], county))
    return _Firms(
        table=table.take(order).reset_index(drop=True),
        classes=cls[cur][order],
        earlier=[e[order] for e in earlier],
    )


def _with_bases(table: pd.DataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the bases' columns of its firms (missing where a firm has none)."""
    if "uscc" not in bases.columns:
        return table
    at = first_positions(text_array(table["uscc"]), text_array(bases["uscc"]))
    out = {}
    for col in bases.columns.drop("uscc"):
        values = bases[col]
        if pd.api.types.is_float_dtype(values):
            out[col] = take_float(values.to_numpy(dtype="float64"), at)
        else:
            out[col] = to_str(take_str(text_array(values), at))
    return table.assign(**out)


def _measure_rows(
    measure: IncentiveMeasure, firms: _Firms, at: np.ndarray, run: np.ndarray, year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    listed = firms.table.take(at).reset_index(drop=True)
    value = (
        listed[measure.basis].to_numpy(dtype="float64")
        if measure.basis in listed.columns
        else np.full(len(listed), np.nan)
    )
    negative = (value < 0) & (measure.basis not in _SIGNED_BASES)
    usable = ~np.isnan(value) & ~negative
    # + 0.0: a relief on a basis of 0 is 0, not -0
    amount = np.where(usable, value * measure.rate + 0.0, np.nan)
    money = measure.kind != "quota"
    missing = pd.Series(np.nan, index=listed.index, dtype="str")
    rows = pd.DataFrame(
        {
            "uscc": listed["uscc"],
            "name": listed.get("name", missing),
            "county_code": listed.get("county_code", missing),
            "year": np.full(len(listed), year, dtype="int64"),
            "applies_year": np.full(len(listed), year + 1, dtype="int64"),
            "class": listed["class"],
            "code": measure.code,
            "label_zh": measure.label_zh,
            "label_en": measure.label_en or measure.label_zh,
            "kind": measure.kind,
            "basis": measure.basis,
            "basis_value": value,
            "basis_unit": UNITS[INCENTIVE_BASIS_UNITS[measure.basis]].zh,
            "rate": measure.rate,
            "amount": amount,
            "unit": YUAN if money else measure.unit,
            "amount_yuan": amount if money else np.nan,
            "consecutive_years": run.astype("int64"),
            "refundable": measure.refundable,
            "refund_condition": (
                _refund_conditions(firms.classes[at], year) if measure.refundable else missing
            ),
            "note": _notes(measure, listed["veto_reason"], firms.classes[at]),
        }
    )
    why = listed.get(WHY_LAND_TAX, missing).to_numpy(dtype=object)
    findings = _basis_findings(rows[~usable], measure, negative[~usable], why[~usable], year)
    return rows, findings


def _run_length(firms: _Firms, listed: Sequence[str]) -> np.ndarray:
    """Years running, up to this one, that each firm's class is one of ``listed``."""
    wanted = [INCENTIVE_CLASSES.index(c) for c in listed]
    alive = np.isin(firms.classes, wanted)
    run = alive.astype(np.int64)
    for then in firms.earlier:
        if not alive.any():
            break
        alive &= np.isin(then, wanted)
        run += alive
    return run


def _refund_conditions(classes: np.ndarray, year: int) -> pd.Series:
    """When a refundable charge is refunded: the class of Y + 1 above this year's.

    Class A cannot rise, so a charge on A has no refund condition.
    """
    words = [None] + [
        f"{year + 1} 年度评价升至 {INCENTIVE_CLASSES[rank - 1]} 类及以上时退还"
        for rank in range(1, len(INCENTIVE_CLASSES))
    ]
    return pd.Series(np.array(words, dtype=object)[np.maximum(classes, 0)], dtype="str")


def _notes(measure: IncentiveMeasure, veto_reason: pd.Series, classes: np.ndarray) -> pd.Series:
    """The measure's own note, and why it applies where that is not plain from the class."""
    fixed = []
    if measure.min_consecutive_years > 1:
        fixed.append(f"连续 {measure.min_consecutive_years} 年 {'/'.join(measure.classes)} 类")
    if measure.supersedes:
        fixed.append(f"替代 {'、'.join(measure.supersedes)}")
    if measure.note:
        fixed.append(measure.note)
    common = "；".join(fixed)
    notes = np.full(len(classes), common, dtype=object)
    d = INCENTIVE_CLASSES.index("D")
    reasons = veto_reason.to_numpy(dtype=object)
    for i in np.flatnonzero(veto_reason.notna().to_numpy() & (classes == d)):
        if reasons[i]:  # few firms: the negative list
            notes[i] = "；".join([f"负面清单（{reasons[i]}），按 D 类", *fixed])
    return pd.Series(notes, dtype="str")


def _basis_findings(
    rows: pd.DataFrame,
    measure: IncentiveMeasure,
    negative: np.ndarray,
    why: np.ndarray,
    year: int,
) -> pd.DataFrame:
    if not len(rows):
        return findings_frame()
    basis = measure.basis
    label = INCENTIVE_BASIS_LABELS[basis]["zh"]
    layer = BASIS_LAYERS[basis]
    names = rows["name"].to_numpy(dtype=object)
    messages = []
    for uscc, name, value, neg, reason in zip(
        rows["uscc"], names, rows["basis_value"], negative, why, strict=True
    ):
        firm = f"{name}（{uscc}）" if isinstance(name, str) and name != "nan" else uscc
        state = f"为负数 {value:g}" if neg else "缺失"
        extra = f"：{reason}" if isinstance(reason, str) and reason else ""
        messages.append(
            f"{firm} {year} 年{label}{state}{extra}；措施「{measure.label_zh}」"
            f"（{measure.code}）不计金额（缺失不按 0 计）"
        )
    suggestion = (
        "在宗地图层填写城镇土地使用税税额标准，或在 [incentives_settings.land_tax_rate] "
        "中写明该县（市、区）的税额标准"
        if basis == "land_use_tax"
        else f"补充该企业 {year} 年的{label}后重新运行"
    )
    return pd.DataFrame(
        {
            "severity": "warning",
            "code": np.where(negative, "INCENTIVE_BASIS_NEGATIVE", "INCENTIVE_BASIS_MISSING"),
            "layer": layer,
            "row_id": rows["uscc"].to_numpy(dtype=object),
            "field": basis,
            "message": messages,
            "suggestion": suggestion,
        },
        columns=FINDING_COLUMNS,
    ).astype("object")


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in FIRM_INCENTIVE_COLUMNS}).astype(_DTYPES)

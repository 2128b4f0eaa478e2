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

import numpy as np
import pandas as pd

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
    history = _by_year(classes)
    current = history.get(year, _no_classes())
    parts, problems = [], []
    for order, measure in enumerate(measures):
        rows, found = _measure_rows(measure, current, history, bases, year)
        parts.append(rows.assign(_order=order))
        problems.append(found)
    rows = pd.concat(parts, ignore_index=True) if parts else _empty_rows()
    rows = _drop_superseded(rows, measures)
    rows = rows.sort_values(["county_code", "uscc", "_order"], kind="stable")
    rows = rows[FIRM_INCENTIVE_COLUMNS].reset_index(drop=True).astype(_DTYPES)
    return rows, concat_findings(*problems)


def _by_year(classes: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """The class frame of each year, indexed by uscc (one row a firm)."""
    cols = ["uscc", "class", "veto_reason"]
    frame = pd.DataFrame(
        {
            "uscc": classes["uscc"].astype("str"),
            "year": pd.to_numeric(classes["year"], errors="coerce"),
            "class": classes["class"].astype("str"),
            "veto_reason": (classes["veto_reason"] if "veto_reason" in classes.columns else np.nan),
        }
    ).dropna(subset=["year"])
    return {
        int(y): g.drop_duplicates("uscc").set_index("uscc", drop=False)[cols]
        for y, g in frame.groupby("year", sort=True)
    }


def _no_classes() -> pd.DataFrame:
    return pd.DataFrame({"uscc": [], "class": [], "veto_reason": []}, dtype="object")


def _measure_rows(
    measure: IncentiveMeasure,
    current: pd.DataFrame,
    history: dict[int, pd.DataFrame],
    bases: pd.DataFrame,
    year: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    listed = current[current["class"].isin(measure.classes)]
    run = _run_length(listed["uscc"], measure.classes, history, year)
    keep = run >= measure.min_consecutive_years
    listed, run = listed[keep], run[keep]
    firms = bases.set_index("uscc").reindex(listed["uscc"])
    value = (
        firms[measure.basis].astype("float64")
        if measure.basis in firms.columns
        else pd.Series(np.nan, index=firms.index)
    ).to_numpy()
    negative = (value < 0) & (measure.basis not in _SIGNED_BASES)
    usable = ~np.isnan(value) & ~negative
    # + 0.0: a relief on a basis of 0 is 0, not -0
    amount = np.where(usable, value * measure.rate + 0.0, np.nan)
    money = measure.kind != "quota"
    cls = listed["class"].to_numpy(dtype=object)
    rows = pd.DataFrame(
        {
            "uscc": listed["uscc"].to_numpy(dtype=object),
            "name": firms["name"].to_numpy(dtype=object),
            "county_code": firms["county_code"].to_numpy(dtype=object),
            "year": np.full(len(listed), year, dtype="int64"),
            "applies_year": np.full(len(listed), year + 1, dtype="int64"),
            "class": cls,
            "code": measure.code,
            "label_zh": measure.label_zh,
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
            "refund_condition": [
                _refund_condition(c, year) if measure.refundable else None for c in cls
            ],
            "note": _notes(measure, listed["veto_reason"].to_numpy(dtype=object), cls),
        }
    )
    why = (
        firms[WHY_LAND_TAX].to_numpy(dtype=object)
        if WHY_LAND_TAX in firms.columns
        else np.full(len(firms), None, dtype=object)
    )
    findings = _basis_findings(rows[~usable], measure, negative[~usable], why[~usable], year)
    return rows, findings


def _run_length(
    uscc: pd.Series, listed: Sequence[str], history: dict[int, pd.DataFrame], year: int
) -> np.ndarray:
    """Years running, up to ``year``, that each firm's class is one of ``listed``."""
    run = np.zeros(len(uscc), dtype=np.int64)
    alive = np.ones(len(uscc), dtype=bool)
    back = year
    while alive.any() and back in history:
        cls = uscc.map(history[back]["class"])
        alive &= cls.isin(listed).to_numpy()
        run += alive
        back -= 1
    return run


def _refund_condition(cls: str, year: int) -> str | None:
    """When a refundable charge is refunded: the class of Y + 1 above this year's."""
    rank = INCENTIVE_CLASSES.index(cls) if cls in INCENTIVE_CLASSES else 0
    if rank == 0:  # class A cannot rise
        return None
    better = INCENTIVE_CLASSES[rank - 1]
    return f"{year + 1} 年度评价升至 {better} 类及以上时退还"


def _notes(measure: IncentiveMeasure, veto_reason: np.ndarray, cls: np.ndarray) -> list[str]:
    """The measure's own note, and why it applies where that is not plain from the class."""
    fixed = []
    if measure.min_consecutive_years > 1:
        fixed.append(f"连续 {measure.min_consecutive_years} 年 {'/'.join(measure.classes)} 类")
    if measure.supersedes:
        fixed.append(f"替代 {'、'.join(measure.supersedes)}")
    if measure.note:
        fixed.append(measure.note)
    notes = []
    for reason, c in zip(veto_reason, cls, strict=True):
        parts = list(fixed)
        if isinstance(reason, str) and reason and reason != "nan" and c == "D":
            parts.insert(0, f"负面清单（{reason}），按 D 类")
        notes.append("；".join(parts))
    return notes


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


def _drop_superseded(rows: pd.DataFrame, measures: Sequence[IncentiveMeasure]) -> pd.DataFrame:
    """Remove the rows of measures that another measure applying to the firm replaces."""
    drop = np.zeros(len(rows), dtype=bool)
    for measure in measures:
        if not measure.supersedes:
            continue
        firms = rows.loc[rows["code"] == measure.code, "uscc"]
        drop |= (rows["code"].isin(measure.supersedes) & rows["uscc"].isin(firms)).to_numpy()
    return rows[~drop]


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in [*FIRM_INCENTIVE_COLUMNS, "_order"]})

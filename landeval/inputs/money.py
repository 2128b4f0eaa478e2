"""Money columns to 万元, the unit decided by evidence (DESIGN §3).

Money columns (:data:`landeval.inputs.model.MONEY_COLUMNS`) are converted to 万元. The unit
of a column is, in order: ``[units]`` of the project; else the unit its header states
(``实缴税额(元)``, a units row ``单位: 千元``); else 万元. Two kinds of evidence can contradict
it, and neither is ever silently overruled:

- a header that states a unit other than the one ``[units]`` declares: an error naming both
  (UNIT_HEADER_MISMATCH), and so is a header stating a money unit landeval cannot convert
  (亿元, 美元: UNIT_UNKNOWN);
- magnitudes: the median of a column's positive values, read in its unit, outside the range
  plausible for a city's firms (:data:`PLAUSIBLE_MEDIAN_WAN`), when reading it in another
  unit (元, 千元, 万元) brings it inside. The contradiction is the ratio between the two
  units; among the units that fit, the one nearest the declared one is taken (the smallest
  contradiction the evidence shows). A contradiction of ×1,000 or more (元 read as 万元:
  ×10,000) is an error (UNIT_MAGNITUDE); a smaller one (千元 against 万元: ×10) a warning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from landeval.findings import Finding
from landeval.inputs.aliases import MONEY_UNITS
from landeval.inputs.model import MONEY_COLUMNS
from landeval.inputs.units import PER_WAN_YUAN, to_wan_yuan

PLAUSIBLE_MEDIAN_WAN: dict[str, tuple[float, float]] = {
    "tax": (0.1, 2e4),
    "value_added": (1.0, 1e5),
    "revenue": (1.0, 1e6),
    "rd_expense": (0.01, 1e4),
}
"""Plausible medians, in 万元, of each money column over a city's firms."""

MAGNITUDE_ERROR_FACTOR = 1000.0
"""A unit contradicted by the magnitudes by this factor or more is an error."""

_MIN_VALUES_FOR_MAGNITUDE = 3
_UNIT_ZH = {"yuan": "元", "thousand_yuan": "千元", "wan_yuan": "万元"}


def convert_money(
    frame: pd.DataFrame,
    layer: str,
    declared: str,
    units: Mapping[str, str],
    source: str,
) -> tuple[pd.DataFrame, list[Finding]]:
    """The money columns of ``layer`` converted to 万元, in the unit the evidence supports.

    Parameters
    ----------
    frame : DataFrame
        Canonical columns, numbers already parsed; not modified.
    layer : str
        A table with money columns (:data:`~landeval.inputs.model.MONEY_COLUMNS`).
    declared : {"", "yuan", "thousand_yuan", "wan_yuan"}
        The unit ``[units]`` declares for the table; "" when it declares none.
    units : mapping
        Canonical column → the unit its header or a units row gives (元, 万元, …).
    source : str
        File name, for messages.

    Returns
    -------
    (DataFrame, list of Finding)
        A new frame, and UNIT_HEADER_MISMATCH / UNIT_UNKNOWN / UNIT_MAGNITUDE errors or
        warnings with the evidence, UNITS_CONVERTED (info) naming the units applied.
    """
    findings: list[Finding] = []
    out = frame.copy(deep=False)  # copy-on-write: setting a column leaves frame as it was
    converted: list[str] = []
    for col in MONEY_COLUMNS[layer]:
        if col not in out.columns or out[col].isna().all():
            continue
        header_unit = units.get(col, "")
        said = MONEY_UNITS.get(header_unit) if header_unit else None
        problem = _header_problem(layer, col, header_unit, said, declared, source)
        if problem is not None:
            findings.append(problem)
        unit = declared or said or "wan_yuan"
        out[col] = to_wan_yuan(out[col], unit)  # type: ignore[arg-type]
        if unit != "wan_yuan":
            how = "表头" if not declared else "[units]"
            converted.append(f"{col} {_UNIT_ZH[unit]}→万元 (单位依据{how})")
        finding = _magnitude_check(out[col], layer, col, unit, source)
        if finding is not None:
            findings.append(finding)
    if converted:
        findings.append(
            Finding(
                "info",
                "UNITS_CONVERTED",
                layer,
                None,
                ", ".join(c.split(" ", 1)[0] for c in converted),
                f"{source} 的金额列换算为万元: {'; '.join(converted)}",
                "",
            )
        )
    return out, findings


def _header_problem(  # noqa: PLR0917 - the evidence, in the order the message names it
    layer: str, col: str, header_unit: str, said: str | None, declared: str, source: str
) -> Finding | None:
    """The header's unit against ``[units]``: an error when they disagree."""
    if not header_unit:
        return None
    if said is None:
        if "元" not in header_unit:
            return None  # a remark in brackets (含附加), not a unit
        return Finding(
            "error",
            "UNIT_UNKNOWN",
            layer,
            None,
            col,
            f"{source} 的 {col} 列表头单位为 {header_unit}, landeval 只能换算元、千元和万元"
            f" / the header of {col} states {header_unit}, which landeval cannot convert",
            "请把该列换算为元、千元或万元, 并修改表头",
        )
    if declared and said != declared:
        return Finding(
            "error",
            "UNIT_HEADER_MISMATCH",
            layer,
            None,
            col,
            f"{source} 的 {col} 列表头单位为 {header_unit}, 但 landeval.toml 的 [units] {layer}"
            f" 声明为 {_UNIT_ZH[declared]}: 两者矛盾, 金额会相差"
            f" {_ratio(said, declared):,.0f} 倍 / the header of {col} states {header_unit}"
            f" but [units] {layer} declares {_UNIT_ZH[declared]}",
            f'如表头正确, 请在 landeval.toml 中设置 [units] {layer} = "{said}" (或删去该行,'
            " 按表头换算); 如 [units] 正确, 请修改表头",
        )
    return None


def _ratio(a: str, b: str) -> float:
    r = PER_WAN_YUAN[a] / PER_WAN_YUAN[b]
    return max(r, 1 / r)


def _magnitude_check(
    values_wan: pd.Series, layer: str, col: str, unit: str, source: str
) -> Finding | None:
    lo, hi = PLAUSIBLE_MEDIAN_WAN.get(col, (0.0, np.inf))
    values = values_wan.to_numpy(dtype="float64", na_value=np.nan)
    positive = values[np.isfinite(values) & (values > 0)]
    if len(positive) < _MIN_VALUES_FOR_MAGNITUDE:
        return None
    median = float(np.median(positive))
    if lo <= median <= hi:
        return None
    raw_median = median / PER_WAN_YUAN[unit]
    fits = [u for u, per in PER_WAN_YUAN.items() if u != unit and lo <= raw_median * per <= hi]
    if not fits:
        return None
    looks = min(fits, key=lambda u: abs(math.log(PER_WAN_YUAN[u] / PER_WAN_YUAN[unit])))
    factor = _ratio(looks, unit)
    severity = "error" if factor >= MAGNITUDE_ERROR_FACTOR else "warning"
    return Finding(
        severity,
        "UNIT_MAGNITUDE",
        layer,
        None,
        col,
        f"{source} 的 {col} 按 {_UNIT_ZH[unit]} 读取, 但数值量级像 {_UNIT_ZH[looks]}:"
        f" 每户中位数 {raw_median:,.2f} (按 {_UNIT_ZH[unit]} 合 {median:,.4g} 万元, 合理范围约"
        f" {lo:g}–{hi:g} 万元), 相差 {factor:,.0f} 倍 / the magnitudes of {col} contradict"
        f" its unit {_UNIT_ZH[unit]} by ×{factor:,.0f}",
        f'请核对单位; 如为{_UNIT_ZH[looks]}, 请在 landeval.toml 中设置 [units] {layer} = "{looks}"'
        " 或在表头注明单位",
    )

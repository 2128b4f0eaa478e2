"""Money columns to 万元, with the evidence when the declared unit looks wrong.

Money columns (:data:`landeval.inputs.model.MONEY_COLUMNS`) are converted to 万元 per
``[units]``; a header unit that contradicts ``[units]``, or magnitudes that look like 元 while
万元 is declared (or the reverse), are warning findings with the evidence. ``[units]`` is what
is applied: it is the user's explicit word, and the warning says how to change it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landeval.findings import Finding
from landeval.inputs.aliases import MONEY_UNITS
from landeval.inputs.model import MONEY_COLUMNS
from landeval.inputs.units import to_wan_yuan

# Plausible medians (in 万元) of money columns over a city's firms. A median far outside,
# that lands inside once multiplied or divided by 10,000, means the unit is the other one.
_PLAUSIBLE_MEDIAN_WAN: dict[str, tuple[float, float]] = {
    "tax": (0.1, 2e4),
    "value_added": (1.0, 1e5),
    "revenue": (1.0, 1e6),
    "rd_expense": (0.01, 1e4),
}
_MIN_VALUES_FOR_MAGNITUDE = 3
_UNIT_ZH = {"yuan": "元", "wan_yuan": "万元"}


def convert_money(
    frame: pd.DataFrame,
    layer: str,
    declared: str,
    units: Mapping[str, str],
    source: str,
) -> tuple[pd.DataFrame, list[Finding]]:
    """The money columns of ``layer`` converted from the ``declared`` unit to 万元.

    Parameters
    ----------
    frame : DataFrame
        Canonical columns, numbers already parsed; not modified.
    layer : str
        A table with money columns (:data:`~landeval.inputs.model.MONEY_COLUMNS`).
    declared : {"yuan", "wan_yuan"}
        The unit ``[units]`` declares for the table; it is what is applied.
    units : mapping
        Canonical column → the unit its header or a units row gives (元, 万元, …).
    source : str
        File name, for messages.

    Returns
    -------
    (DataFrame, list of Finding)
        A new frame, and UNIT_HEADER_MISMATCH / UNIT_MAGNITUDE warnings with the evidence,
        UNITS_CONVERTED (info) when 元 were converted.
    """
    findings: list[Finding] = []
    out = frame.copy(deep=False)  # copy-on-write: setting a column leaves frame as it was
    converted: list[str] = []
    for col in MONEY_COLUMNS[layer]:
        if col not in out.columns or out[col].isna().all():
            continue
        header_unit = units.get(col, "")
        if header_unit:
            said = MONEY_UNITS.get(header_unit)
            if said != declared:
                findings.append(
                    Finding(
                        "warning",
                        "UNIT_HEADER_MISMATCH",
                        layer,
                        None,
                        col,
                        f"{source} 的 {col} 列表头单位为 {header_unit}, 但 [units] {layer} 声明为"
                        f" {_UNIT_ZH[declared]}; 按声明的 {_UNIT_ZH[declared]} 换算",
                        (
                            f'如表头正确, 请在 landeval.toml 中设置 [units] {layer} = "{said}"'
                            if said
                            else "请把该列换算为元或万元"
                        ),
                    )
                )
        out[col] = to_wan_yuan(out[col], declared)
        if declared != "wan_yuan":
            converted.append(col)
        finding = _magnitude_check(out[col], layer, col, declared, source)
        if finding is not None:
            findings.append(finding)
    if converted:
        findings.append(
            Finding(
                "info",
                "UNITS_CONVERTED",
                layer,
                None,
                ", ".join(converted),
                f"{source} 的金额列 {', '.join(converted)} 由元换算为万元 (÷10000)",
                "",
            )
        )
    return out, findings


def _magnitude_check(
    values_wan: pd.Series, layer: str, col: str, declared: str, source: str
) -> Finding | None:
    lo, hi = _PLAUSIBLE_MEDIAN_WAN.get(col, (0.0, np.inf))
    values = values_wan.to_numpy(dtype="float64", na_value=np.nan)
    positive = pd.Series(values[values > 0])  # no index to carry along
    if len(positive) < _MIN_VALUES_FOR_MAGNITUDE:
        return None
    median = float(positive.median())
    if median > hi and lo <= median * 1e-4 <= hi:
        looks = "yuan"
    elif median < lo <= median * 1e4 <= hi:
        looks = "wan_yuan"
    else:
        return None
    if looks == declared:
        return None
    raw_median = median / to_wan_yuan(1.0, declared)
    return Finding(
        "warning",
        "UNIT_MAGNITUDE",
        layer,
        None,
        col,
        f"{source} 的 {col} 声明单位为 {_UNIT_ZH[declared]}, 但数值量级像 {_UNIT_ZH[looks]}:"
        f" 每户中位数 {raw_median:,.2f} (按声明换算为 {median:,.4g} 万元, 合理范围约"
        f" {lo:g}–{hi:g} 万元)",
        f'请核对单位; 如为{_UNIT_ZH[looks]}, 请在 landeval.toml 中设置 [units] {layer} = "{looks}"',
    )

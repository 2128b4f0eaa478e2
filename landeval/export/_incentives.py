"""The 差别化施策 sheet: each firm's measures, and the totals per county and measure.

Built from the ``firm_incentives`` and ``incentive_totals`` tables of the incentives stage
(DESIGN §12). Amounts are shown in 万元 (the figure a county's meeting reads); a quota's
amount is in its own unit (``unit``) and has no money amount.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landeval.export._tables import Table, build_table, column_of, spread_text
from landeval.incentives import measure_names
from landeval.vocabulary import CITY, CITY_TOTAL

MEASURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("county_name", "county_name"),
    ("name", "firm_name"),
    ("uscc", "uscc"),
    ("class", "firm_class"),
    ("incentive_label", "incentive_label"),
    ("kind", "incentive_kind"),
    ("basis", "basis"),
    ("basis_value", "basis_value"),
    ("basis_unit", "basis_unit"),
    ("rate", "rate"),
    ("amount", "amount"),
    ("unit", "unit"),
    ("amount_wan_yuan", "amount_wan_yuan"),
    ("applies_year", "applies_year"),
    ("consecutive_years", "consecutive_years"),
    ("refundable", "refundable"),
    ("note", "incentive_note"),
)
"""The firms' rows: who, which class, which measure, basis × rate = amount, in 万元."""

MEASURE_TOTAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("county_name", "county_name"),
    ("incentive_label", "incentive_label"),
    ("kind", "incentive_kind"),
    ("n_subject", "n_subject"),
    ("n_with_amount", "n_with_amount"),
    ("n_missing", "n_missing"),
    ("amount", "amount"),
    ("unit", "unit"),
    ("amount_wan_yuan", "amount_wan_yuan"),
    ("complete", "complete"),
)
"""The totals: per county and measure, then the city."""

_WAN = 1e4  # 元 per 万元


def measure_tables(
    firm_incentives: pd.DataFrame | None,
    incentive_totals: pd.DataFrame | None,
    *,
    county_names: Mapping[str, str],
    lang: str = "zh",
) -> tuple[Table, Table] | None:
    """The firms' rows and the totals of the measures; None when the run has no measure.

    Parameters
    ----------
    firm_incentives : DataFrame or None
        The ``firm_incentives`` table (one row per firm and measure).
    incentive_totals : DataFrame or None
        The ``incentive_totals`` table (counties, then the city ``city``).
    county_names : mapping
        County code → name.
    lang : {"zh", "en"}
        Language of headers and labels.

    Returns
    -------
    (Table, Table) or None
        Rows sorted by county, the measures in the configuration's order (that of the
        totals), then the amount descending and the firm's code.
    """
    if firm_incentives is None or incentive_totals is None or not len(incentive_totals):
        return None
    order = _measure_order(incentive_totals)
    rows = _with_names(firm_incentives, county_names, lang)
    rank = column_of(rows, "code").map(order).fillna(len(order)).to_numpy(dtype=float)
    money = pd.to_numeric(column_of(rows, "amount_yuan"), errors="coerce")
    sort = pd.DataFrame(
        {
            "county": column_of(rows, "county_code").astype("string").fillna(""),
            "measure": rank,
            "amount": -money.abs().fillna(-1.0).to_numpy(),
            "uscc": column_of(rows, "uscc").astype("string").fillna(""),
        }
    )
    positions = np.lexsort(
        [sort["uscc"], sort["amount"], sort["measure"], sort["county"]]  # last key first
    )
    firms = build_table(rows.iloc[positions], MEASURE_COLUMNS, lang=lang)
    totals = build_table(
        _with_names(incentive_totals, county_names, lang), MEASURE_TOTAL_COLUMNS, lang=lang
    )
    return firms, totals


def _measure_order(totals: pd.DataFrame) -> dict[str, int]:
    """Each measure's place: the order the totals list them (the configuration's)."""
    codes = list(dict.fromkeys(column_of(totals, "code").dropna().astype(str)))
    return {code: k for k, code in enumerate(codes)}


def _with_names(frame: pd.DataFrame, county_names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """``frame`` with its county's name (全市合计), the amount in 万元, the measure's name."""
    city = CITY_TOTAL.get(lang, CITY_TOTAL["zh"])
    county = column_of(frame, "county_code").astype("string")
    name = spread_text(county, lambda c: city if c == CITY else county_names.get(str(c), str(c)))
    money = pd.to_numeric(column_of(frame, "amount_yuan"), errors="coerce")
    return frame.assign(
        county_name=name.to_numpy(),
        amount_wan_yuan=(money / _WAN).to_numpy(),
        incentive_label=measure_names(frame, lang).to_numpy(),
    )

"""Totals of the measures per county and for the city: how many firms, how much.

A total adds the amounts that are known. Missing is never zero: a total over firms none of
whose amounts is known is missing, and a total that leaves some out says so
(``complete`` false, ``n_missing`` the firms left out). A measure that applies to no firm of
the city still has its city row, with 0 firms and an amount of 0 (nothing is charged).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from landeval.config import IncentiveMeasure
from landeval.incentives.measures import YUAN
from landeval.vocabulary import CITY

INCENTIVE_TOTAL_COLUMNS: list[str] = [
    "county_code",
    "county_name",
    "year",
    "applies_year",
    "code",
    "label_zh",
    "label_en",
    "kind",
    "unit",
    "n_subject",
    "n_with_amount",
    "n_missing",
    "amount",
    "amount_yuan",
    "complete",
]
"""Columns of the ``incentive_totals`` table: counties (by code) then the city (``city``),
each with the measures in the configuration's order."""


def incentive_totals(
    rows: pd.DataFrame,
    *,
    measures: Sequence[IncentiveMeasure],
    counties: Mapping[str, str],
    city: str,
    year: int,
) -> pd.DataFrame:
    """Per county × measure, and per measure for the city, the firms and the amounts.

    Parameters
    ----------
    rows : DataFrame
        ``firm_incentives`` (:data:`landeval.incentives.measures.FIRM_INCENTIVE_COLUMNS`).
    measures : sequence of IncentiveMeasure
        The configured measures, in order.
    counties : mapping of str to str
        County code → name (``[project.counties]``); an unknown code keeps its code as name.
    city : str
        The city's name, for the city rows.
    year : int
        Evaluation year.

    Returns
    -------
    DataFrame
        :data:`INCENTIVE_TOTAL_COLUMNS`; county rows only where the measure applies to a firm.
    """
    by_county = _sums(rows, ["county_code", "code"])
    by_code = _sums(rows, ["code"])
    out = []
    for county in sorted({str(c) for c, _ in by_county.index}):
        for measure in measures:
            if (county, measure.code) in by_county.index:
                sums = by_county.loc[(county, measure.code)]
                name = counties.get(county, county)
                out.append(_total(sums, measure, county, name, year))
    for measure in measures:
        sums = by_code.loc[measure.code] if measure.code in by_code.index else None
        out.append(_total(sums, measure, CITY, city, year))
    return pd.DataFrame(out, columns=INCENTIVE_TOTAL_COLUMNS).astype(
        {
            **dict.fromkeys(
                ["county_code", "county_name", "code", "label_zh", "label_en", "kind", "unit"],
                "str",
            ),
            "year": "int64",
            "applies_year": "int64",
            "n_subject": "int64",
            "n_with_amount": "int64",
            "n_missing": "int64",
            "amount": "float64",
            "amount_yuan": "float64",
            "complete": "bool",
        }
    )


def _sums(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Firms, firms with a known amount and the sum of the known amounts, per ``keys``."""
    amount = pd.to_numeric(rows["amount"], errors="coerce").astype("float64")
    frame = pd.DataFrame({k: rows[k].astype("str") for k in keys}).assign(
        _amount=amount, _known=amount.notna()
    )
    # min_count=1: a sum over firms none of whose amounts is known is missing, not 0
    return frame.groupby(keys, sort=False).agg(
        n_subject=("_known", "size"),
        n_with_amount=("_known", "sum"),
        amount=("_amount", lambda a: a.sum(min_count=1)),
    )


def _total(
    sums: pd.Series | None, measure: IncentiveMeasure, county: str, name: str, year: int
) -> dict[str, object]:
    # a measure that applies to no firm: 0 firms, nothing charged
    n = int(sums["n_subject"]) if sums is not None else 0
    known = int(sums["n_with_amount"]) if sums is not None else 0
    total = float(sums["amount"]) if sums is not None else 0.0
    money = measure.kind != "quota"
    return {
        "county_code": county,
        "county_name": name,
        "year": year,
        "applies_year": year + 1,
        "code": measure.code,
        "label_zh": measure.label_zh,
        "label_en": measure.label_en or measure.label_zh,
        "kind": measure.kind,
        "unit": YUAN if money else measure.unit,
        "n_subject": n,
        "n_with_amount": known,
        "n_missing": n - known,
        "amount": total,
        "amount_yuan": total if money else np.nan,
        "complete": known == n,
    }

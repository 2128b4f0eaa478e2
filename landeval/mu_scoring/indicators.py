"""Per-mu indicators of each firm-year (DESIGN §5 "Indicators").

Each indicator is a numerator over a denominator. Zero and missing are kept apart:

- a missing numerator makes the indicator missing (NaN): the firm did not report it;
- a known numerator over a positive denominator is their ratio; a negative numerator (a tax
  refund, a loss of value added) gives a negative indicator, which scores 0 later;
- a known zero numerator gives 0 whatever the denominator: a firm that reports no value added
  scores 0 on its value-added indicators (never the group mean);
- a positive numerator over a missing, zero or negative denominator is missing (the ratio is
  unknown, not infinite); a negative numerator over one is 0 (it scores 0 whatever the
  denominator would be).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INDICATOR_FORMULAS: dict[str, tuple[str, str]] = {
    "tax_per_mu": ("tax", "land_mu"),
    "va_per_mu": ("value_added", "land_mu"),
    "va_per_energy": ("value_added", "energy_tce"),
    "va_per_emission": ("value_added", "emissions_eq"),
    "va_per_employee": ("value_added", "employees"),
    "rd_intensity": ("rd_expense", "revenue"),
    "tax_per_kwh": ("tax", "electricity_kwh"),
}
"""Indicator → (numerator column, denominator column), in the order of the result tables."""


def compute_indicators(firm_years: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``firm_years`` with one column per indicator added.

    Parameters
    ----------
    firm_years : DataFrame
        Holds the numerator and denominator columns of :data:`INDICATOR_FORMULAS`.

    Returns
    -------
    DataFrame
        The input's columns plus ``tax_per_mu`` … ``tax_per_kwh`` (float64). ``tax_per_kwh``
        is computed for every firm; only below-scale firms are scored on it by default.

    Examples
    --------
    >>> fy = pd.DataFrame({"tax": [30.0, 5.0, 0.0, np.nan], "land_mu": [10.0, 0.0, 0.0, 4.0]})
    >>> compute_indicators(fy)["tax_per_mu"].tolist()
    [3.0, nan, 0.0, nan]
    """
    # A shallow copy: copy-on-write keeps ``firm_years`` unchanged when columns are added.
    out = firm_years.copy(deep=False)
    for name, (num, den) in INDICATOR_FORMULAS.items():
        out[name] = indicator_values(_column(firm_years, num), _column(firm_years, den))
    return out


def indicator_values(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """One indicator from its numerator and denominator (float64, NaN missing), by the rule above.

    Examples
    --------
    >>> indicator_values(np.array([6.0, 0.0, 6.0, -2.0, np.nan]),
    ...                  np.array([2.0, np.nan, 0.0, 0.0, 2.0])).tolist()
    [3.0, 0.0, nan, 0.0, nan]
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = numerator / denominator
    # NaN > 0 and NaN <= 0 are both False: a missing numerator stays missing.
    return np.where(denominator > 0, ratio, np.where(numerator <= 0, 0.0, np.nan))


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)

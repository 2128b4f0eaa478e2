"""Per-mu indicators of each firm-year (DESIGN §5 "Indicators").

Each indicator is a numerator over a denominator; a zero, negative or missing denominator
makes the indicator missing (NaN) rather than infinite or meaningless. A negative numerator
(a tax refund, a loss of value added) gives a negative indicator, which scores 0 later.
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
    >>> fy = pd.DataFrame({"tax": [30.0, 5.0], "land_mu": [10.0, 0.0]})
    >>> compute_indicators(fy)["tax_per_mu"].tolist()
    [3.0, nan]
    """
    # A shallow copy: copy-on-write keeps ``firm_years`` unchanged when columns are added.
    out = firm_years.copy(deep=False)
    for name, (num, den) in INDICATOR_FORMULAS.items():
        n = _column(firm_years, num)
        d = _column(firm_years, den)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            value = n / d
        out[name] = np.where(d > 0, value, np.nan)
    return out


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)

"""Units: the mu (亩) and money.

Areas are square metres inside landeval and money is 万元 (10,000 yuan). One mu is exactly
10000/15 m² (666.67 m²), the statutory conversion used in Chinese land records.
"""

from __future__ import annotations

from typing import Literal

M2_PER_MU: float = 10000.0 / 15.0
"""Square metres in one mu (亩), exactly 10000/15."""

MoneyUnit = Literal["yuan", "thousand_yuan", "wan_yuan"]

PER_WAN_YUAN: dict[str, float] = {"yuan": 1e-4, "thousand_yuan": 0.1, "wan_yuan": 1.0}
"""万元 per unit of each money unit landeval converts."""


def m2_to_mu(area_m2):
    """Convert square metres to mu; works on scalars, arrays and Series alike."""
    return area_m2 / M2_PER_MU


def mu_to_m2(area_mu):
    """Convert mu to square metres; works on scalars, arrays and Series alike."""
    return area_mu * M2_PER_MU


def to_wan_yuan(amount, unit: MoneyUnit):
    """Convert an amount in ``unit`` ("yuan" 元, "thousand_yuan" 千元, "wan_yuan" 万元) to 万元."""
    try:
        return amount * PER_WAN_YUAN[unit]
    except KeyError:
        msg = (
            f"unknown money unit {unit!r}; allowed: 'yuan' (元), 'thousand_yuan' (千元),"
            " 'wan_yuan' (万元)"
        )
        raise ValueError(msg) from None

"""Numbers as people read them: one formatter for the report, the maps, the console and sizes.

The store and the CSV keep full numbers; what is *shown* (a report cell, a legend bound, a
console table, the text an export measures a column's width by) goes through
:func:`format_number`, so that a missing value never reads as 0 and every output rounds,
groups thousands and writes percentages the same way.
"""

from __future__ import annotations

import math

from landeval.vocabulary import MISSING_TEXT


def format_number(
    value: object,
    decimals: int = 1,
    *,
    grouping: bool = True,
    percent: bool = False,
    sign: bool = False,
    trim: bool = False,
    missing: str = MISSING_TEXT,
) -> str:
    """A number as text.

    Parameters
    ----------
    value : object
        A number; None, NaN, infinities and non-numbers are missing.
    decimals : int
        Decimals written (rounded half to even on the float, as Python's ``format``).
    grouping : bool
        Thousands separated by commas (12,345.6).
    percent : bool
        ``value`` is a fraction, written times 100 with a ``%``.
    sign : bool
        A ``+`` before positive numbers.
    trim : bool
        Trailing zeros of the decimals dropped, one kept (1.50 → 1.5, 2.00 → 2.0).
    missing : str
        The text of a missing value.

    Examples
    --------
    >>> format_number(12345.678), format_number(0.4567, percent=True)
    ('12,345.7', '45.7%')
    >>> format_number(-826.654, 2, sign=True), format_number(3, 0), format_number(None)
    ('-826.65', '3', '–')
    >>> format_number(1.5, 2, trim=True), format_number(2.0, 2, trim=True)
    ('1.5', '2.0')
    """
    number = finite_number(value)
    if number is None:
        return missing
    if percent:
        number *= 100
    text = format(number, f"{'+' if sign else ''}{',' if grouping else ''}.{decimals}f")
    if trim and "." in text:
        text = text.rstrip("0")
        text += "0" if text.endswith(".") else ""
    return text + "%" if percent else text


def finite_number(value: object) -> float | None:
    """``value`` as a finite float; None for missing, infinite and non-numeric values."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None

"""Numbers as people read them: one formatter for every sentence, cell and label landeval shows.

The store and the CSV keep full numbers; what is *shown* (a reason sentence, a report cell, a
legend bound, a console table, the text an export measures a column's width by) goes through
:func:`format_number`, so that a missing value never reads as 0 and every output rounds,
groups thousands and writes percentages the same way. Every number is written as Python's
``format`` writes it (the decimal value of the float correctly rounded, ties to even); the
vectorised :func:`format_numbers` gives the same text as :func:`format_number` without
grouping, value by value, without a Python call per row.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import STRING
from landeval.vocabulary import MISSING_TEXT

# Exact decimal rounding from float arithmetic holds while a value scaled to its last digit
# stays below 2**30 (float spacing there ≤ 2.4e-7) and is not within 1e-6 of a tie.
_EXACT_LIMIT = 2.0**30
_TIE_MARGIN = 1e-6


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


def format_numbers(values, *, decimals: int = 2, trim: bool = False) -> pa.Array:
    """:func:`format_number` of each value without grouping, vectorised; NaN gives null.

    ``round(value × 10**decimals)`` is the correctly rounded last digit whenever the scaled
    value is far enough from a tie for float rounding not to matter; those values are
    written from integers with Arrow. The rest (near ties, huge or non-finite values,
    negative values that round to zero) go through :func:`format_number` itself.

    Parameters
    ----------
    values : array-like of float
    decimals : int
        Decimals written (with ``trim``, at most this many and at least one).
    trim : bool
        Drop trailing zeros of the decimals, keeping one.

    Returns
    -------
    pyarrow.Array of large_string

    Examples
    --------
    >>> format_numbers([78.25, 3.0, float("nan"), -0.5], decimals=1).to_pylist()
    ['78.2', '3.0', None, '-0.5']
    >>> format_numbers([0.4201, 1.0, 12.5], trim=True).to_pylist()
    ['0.42', '1.0', '12.5']
    """
    v = np.asarray(values, dtype=float)
    unit = 10**decimals
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = v * float(unit)
        whole = np.rint(scaled)
        tie = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) <= _TIE_MARGIN
        exact = (np.abs(scaled) < _EXACT_LIMIT) & ~tie & ~(np.signbit(v) & (whole == 0))
    ints = np.abs(np.where(exact, whole, 0.0)).astype(np.int64)
    if decimals:
        tails = [_plain(f / unit, decimals, trim)[1:] for f in range(unit)]
        tail = pa.array(tails, type=STRING).take(pa.array(ints % unit))
    else:
        tail = pa.scalar("", STRING)
    sign = pc.if_else(pa.array(whole < 0), pa.scalar("-", STRING), pa.scalar("", STRING))
    text = pc.binary_join_element_wise(
        sign, pc.cast(pa.array(ints // unit), STRING), tail, pa.scalar("", STRING)
    )
    missing = np.isnan(v)
    other = np.flatnonzero(~exact & ~missing)
    if len(other):
        mask = np.zeros(len(v), dtype=bool)
        mask[other] = True
        words = [_plain(float(x), decimals, trim) for x in v[other]]
        text = pc.replace_with_mask(text, pa.array(mask), pa.array(words, type=STRING))
    if missing.any():
        text = pc.if_else(pa.array(missing), pa.scalar(None, STRING), text)
    return text


def format_percent(share: float) -> str:
    """A share as a percentage with at most one decimal (0.25 → "25%", 0.275 → "27.5%").

    Examples
    --------
    >>> format_percent(0.25), format_percent(0.275), format_percent(1.0)
    ('25%', '27.5%', '100%')
    """
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _plain(value: float, decimals: int, trim: bool) -> str:
    return format_number(value, decimals, grouping=False, trim=trim)

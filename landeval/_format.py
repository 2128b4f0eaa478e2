"""Numbers as text for the sentences landeval writes (private): one formatter, one rounding.

Every number is written as Python's ``f"{value:.{digits}f}"`` writes it (the decimal value
of the float correctly rounded, ties to even); ``trim`` then drops trailing zeros but keeps
one decimal (0.42, 0.8, 1.0, 12.5), the way a reason sentence quotes a ratio. The vectorised
:func:`format_numbers` gives the same text as the scalar :func:`format_number`, value by
value, without a Python call per row.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import STRING

# Exact decimal rounding from float arithmetic holds while a value scaled to its last digit
# stays below 2**30 (float spacing there ≤ 2.4e-7) and is not within 1e-6 of a tie.
_EXACT_LIMIT = 2.0**30
_TIE_MARGIN = 1e-6


def format_number(value: float, *, digits: int = 2, trim: bool = False) -> str:
    """One number as text with ``digits`` decimals (see the module docstring).

    Examples
    --------
    >>> format_number(0.425), format_number(0.8, trim=True), format_number(3.0, digits=0)
    ('0.42', '0.8', '3')
    """
    text = f"{value:.{digits}f}"
    if trim and digits > 0 and "." in text:
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    return text


def format_numbers(values, *, digits: int = 2, trim: bool = False) -> pa.Array:
    """:func:`format_number` of each value, vectorised; missing (NaN) values give null.

    ``round(value × 10**digits)`` is the correctly rounded last digit whenever the scaled
    value is far enough from a tie for float rounding not to matter; those values are
    written from integers with Arrow. The rest (near ties, huge or non-finite values,
    negative values that round to zero) go through :func:`format_number` itself.

    Parameters
    ----------
    values : array-like of float
    digits : int
        Decimals written (with ``trim``, at most this many and at least one).
    trim : bool
        Drop trailing zeros of the decimals, keeping one.

    Returns
    -------
    pyarrow.Array of large_string

    Examples
    --------
    >>> format_numbers([78.25, 3.0, float("nan"), -0.5], digits=1).to_pylist()
    ['78.2', '3.0', None, '-0.5']
    >>> format_numbers([0.4201, 1.0, 12.5], trim=True).to_pylist()
    ['0.42', '1.0', '12.5']
    """
    v = np.asarray(values, dtype=float)
    unit = 10**digits
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = v * float(unit)
        whole = np.rint(scaled)
        tie = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) <= _TIE_MARGIN
        exact = (np.abs(scaled) < _EXACT_LIMIT) & ~tie & ~(np.signbit(v) & (whole == 0))
    ints = np.abs(np.where(exact, whole, 0.0)).astype(np.int64)
    if digits:
        tails = [format_number(f / unit, digits=digits, trim=trim)[1:] for f in range(unit)]
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
        words = [format_number(float(x), digits=digits, trim=trim) for x in v[other]]
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

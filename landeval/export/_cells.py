"""Cell values for spreadsheets and CSV: text, formula neutralising, display widths, bytes.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(CSV injection, CWE-1236), so every text cell that starts with one of those (or with a tab,
a carriage return or a full-width variant) gets a leading single quote and is stored as
plain text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._format import finite_number

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""First characters that make a spreadsheet treat text as a formula."""

_LIST_SEPARATOR: dict[str, str] = {"zh": "、", "en": "; "}


def neutralise(text: str) -> str:
    r"""Return ``text`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Examples
    --------
    >>> neutralise('=HYPERLINK("http://x","y")')
    '\'=HYPERLINK("http://x","y")'
    >>> neutralise("越城区")
    '越城区'
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# RE2 pattern of a text that starts with one of FORMULA_STARTS
_FORMULA_START_RE2 = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in FORMULA_STARTS) + "]"


def neutralise_array(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """:func:`neutralise` of every text of an Arrow string array (null stays null).

    Examples
    --------
    >>> neutralise_array(pa.array(["=1+1", "越城区", None])).to_pylist()
    ["'=1+1", '越城区', None]
    """
    risky = pc.match_substring_regex(texts, _FORMULA_START_RE2)
    if not pc.any(risky).as_py():
        return texts
    quoted = pc.binary_join_element_wise(
        pa.scalar("'", texts.type), texts, pa.scalar("", texts.type)
    )
    return pc.if_else(risky, quoted, texts)


def is_missing(value: object) -> bool:
    """True for None, NaN, NA and NaT (and False for lists, whatever they hold)."""
    if value is None:
        return True
    if isinstance(value, (list, tuple, np.ndarray, dict, set)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_text(value: object, *, lang: str = "zh") -> str | None:
    """The text of a cell: None when missing, list-likes joined, everything else ``str``."""
    if is_missing(value):
        return None
    if isinstance(value, (list, tuple, np.ndarray, set)):
        parts = [str(v) for v in value if not is_missing(v)]
        return _LIST_SEPARATOR.get(lang, "; ").join(parts)
    if isinstance(value, (dt.date, np.datetime64)):
        # a date reads as a date: 2024-09-28, not 2024-09-28 00:00:00
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d" if stamp == stamp.normalize() else "%Y-%m-%d %H:%M")
    return str(value)


def as_number(value: object) -> float | None:
    """A finite float, or None for missing, non-numeric and infinite values."""
    return finite_number(value)


def as_bool(value: object) -> bool | None:
    """True/False for booleans and 0/1-like values, None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y", "是", "t"}
    return bool(value)


def display_width(text: str) -> int:
    """Width of ``text`` in character cells: East-Asian wide and full-width count as 2."""
    if text.isascii():  # no ASCII character is wide or full-width
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def column_width(
    header: str, texts: Iterable[str], *, minimum: float = 6, maximum: float = 60
) -> float:
    """A column width (Excel character units) that fits the header and the given texts."""
    widest = max(display_width(header), minimum)
    # Only the widest text counts, and a text is at most twice its length wide: measured
    # longest first, the texts stop once none left can be wider or the maximum is reached
    # (measuring every character of every sampled cell was a second a workbook).
    for text in sorted(texts, key=len, reverse=True):
        if 2 * len(text) <= widest or widest + 2 >= maximum:
            break
        widest = max(widest, display_width(text))
    return float(min(widest + 2, maximum))


def string_bytes(strings: pa.Array) -> pa.Buffer:
    """The UTF-8 bytes of all strings of ``strings`` one after the other (no copy)."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)
    first, last = offsets[strings.offset], offsets[strings.offset + len(strings)]
    return strings.buffers()[2].slice(int(first), int(last - first))

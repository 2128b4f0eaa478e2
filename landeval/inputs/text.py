"""Cleaning text cells (NFKC, whitespace, missing tokens) on the cells that need it.

Every cell read from a file passes here, so each step finds the few cells it can change
(with one cheap Arrow or byte-level pass, :mod:`landeval.inputs.arrowtext`) and runs the
per-cell work (Python's NFKC, regexes) on those only. Each helper gives exactly what the
plain pandas call named in its docstring gives; the tests hold them to it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from landeval.inputs.arrowtext import at_rows, cells_with_bytes, first_bytes, last_bytes, rows_of

STR_DTYPE = pd.StringDtype(storage="pyarrow", na_value=np.nan)
"""pandas' ``str`` dtype: Arrow text, NaN for missing."""

MISSING_TOKENS = {
    "",
    "—",
    "——",
    "-",
    "--",
    "/",
    "\\",
    "无",
    "空",
    "暂无",
    "null",
    "none",
    "nan",
    "na",
    "n/a",
    "#n/a",
}
"""Cells that mean "no value" (compared in lower case)."""

# Python's ``\s`` (str.isspace), for Arrow's RE2 whose ``\s`` is ASCII only.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_PY_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in PY_WHITESPACE) + "]"

_ASCII_WHITESPACE = "".join(c for c in PY_WHITESPACE if c.isascii()).encode("ascii")

# Text made only of ASCII and CJK unified ideographs (U+4E00–U+9FFF): no character of it
# has a compatibility decomposition or combines with a neighbour, so NFKC leaves it as is.
_NFKC_STABLE = r"^[\x{0}-\x{7F}\x{4E00}-\x{9FFF}]*$"

_MISSING_TOKENS_ARRAY = pa.array(sorted(MISSING_TOKENS), type=pa.large_string())
_MISSING_TOKEN_CHARS = max(len(t) for t in MISSING_TOKENS)


def arrow_of(text: pd.Series) -> pa.ChunkedArray:
    """The Arrow text array under a ``str`` Series (no copy)."""
    return pa.chunked_array(text.array.__arrow_array__())


def text_series(like: pd.Series, arr: pa.ChunkedArray) -> pd.Series:
    """A ``str`` Series over an Arrow text array, with the index and name of ``like``."""
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    values = ArrowStringArray(arr, dtype=STR_DTYPE)  # no copy of large_string
    return pd.Series(values, index=like.index, name=like.name, copy=False)


def clean_text(series: pd.Series) -> pd.Series:
    """Text cells NFKC-normalised and stripped; missing tokens become NaN."""
    text = nfkc(series.astype("str"))
    if not len(text):
        return text.str.strip()
    trimmed = strip(arrow_of(text))
    tokens = missing_token_cells(trimmed)
    if tokens.any():
        trimmed = pc.if_else(pa.array(tokens), pa.scalar(None, trimmed.type), trimmed)
    return text_series(text, trimmed)


def missing_token_cells(text: pa.ChunkedArray) -> np.ndarray:
    """Which cells are a missing token in any letter case (``text.str.lower().isin(...)``).

    Arrow lowers character by character, so a cell that lowers to a token has as many
    characters as the token (at most 4), hence at most 16 bytes: only those short cells are
    lowered and looked up. Missing cells are False.
    """
    found = np.zeros(len(text), dtype=bool)
    short = pc.less_equal(pc.binary_length(text), 4 * _MISSING_TOKEN_CHARS).fill_null(False)
    rows = np.flatnonzero(np.asarray(short.to_numpy(), dtype=bool))
    if len(rows):
        few = pc.less_equal(pc.utf8_length(rows_of(text, rows)), _MISSING_TOKEN_CHARS)
        rows = rows[at_rows(few.fill_null(False), rows, len(text))]
    if len(rows):
        hit = pc.is_in(pc.utf8_lower(rows_of(text, rows)), value_set=_MISSING_TOKENS_ARRAY)
        found[rows] = at_rows(hit.fill_null(False), rows, len(text))
    return found


def strip(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """``pc.utf8_trim_whitespace(text)`` (what ``.str.strip()`` runs), on the cells it changes.

    A cell changes only when it starts or ends with whitespace: an ASCII byte up to 0x20,
    or a character beyond ASCII, whose bytes are all 0x80 or above in UTF-8. Codes and
    numbers nearly never do, and are returned as they are.
    """
    first, last = first_bytes(text), last_bytes(text)
    edge = (first <= 0x20) | (first >= 0x80) | (last <= 0x20) | (last >= 0x80)
    rows = np.flatnonzero(edge)
    if not len(rows):
        return text
    if len(rows) * 4 > len(text):
        return pc.utf8_trim_whitespace(text)
    trimmed = pc.utf8_trim_whitespace(text.take(rows)).combine_chunks()
    return pc.replace_with_mask(text, pa.array(edge), trimmed)


def nfkc(text: pd.Series) -> pd.Series:
    """NFKC-normalise a text Series (full-width → half-width), touching rows it can change.

    Normalisation runs per cell in Python; rows of ASCII and common Chinese characters only
    (nearly all) are left alone without it.
    """
    if not len(text):
        return text
    arr = arrow_of(text)
    # ASCII is checked in one cheap pass; the character-class regex runs on the rest only.
    rows = np.flatnonzero(~np.asarray(pc.string_is_ascii(arr).fill_null(True), dtype=bool))
    if not len(rows):
        return text
    rows = rows[~matches(arr, rows, _NFKC_STABLE)]
    if not len(rows):
        return text
    changing = np.zeros(len(text), dtype=bool)
    changing[rows] = True
    return on_subset(text, pd.Series(changing, index=text.index), lambda s: s.str.normalize("NFKC"))


def on_subset(
    text: pd.Series, mask: pd.Series, func: Callable[[pd.Series], pd.Series]
) -> pd.Series:
    """``func`` applied to the rows of ``text`` where ``mask`` holds; others unchanged."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return text
    changed = func(text[mask])
    if text.dtype == STR_DTYPE and changed.dtype == STR_DTYPE:
        # The new cells put in place by Arrow: a masked pandas assignment of text costs far
        # more (alignment, then a rebuilt array).
        arr = pc.replace_with_mask(
            arrow_of(text), pa.array(mask.to_numpy()), arrow_of(changed).combine_chunks()
        )
        return text_series(text, arr)
    out = text.copy()
    out[mask] = changed
    return out


def has_space(text: pd.Series) -> pd.Series:
    r"""``text.str.contains(r"\s")`` (Python's Unicode ``\s``), through Arrow; False if missing."""
    if not len(text):
        return pd.Series(False, index=text.index)
    arr = arrow_of(text.astype("str"))
    # ASCII whitespace is found byte by byte; the regex runs on cells beyond ASCII only.
    found = cells_with_bytes(arr, _ASCII_WHITESPACE)
    rows = np.flatnonzero(~np.asarray(pc.string_is_ascii(arr).fill_null(True), dtype=bool))
    if len(rows):
        found[rows] |= matches(arr, rows, _PY_SPACE_CLASS)
    return pd.Series(found, index=text.index)


def contains_any(text: pd.Series, chars: str) -> pd.Series:
    """Which cells contain any of the ASCII ``chars`` (``str.contains``, missing False)."""
    if not len(text):
        return pd.Series(False, index=text.index)
    found = cells_with_bytes(arrow_of(text.astype("str")), chars.encode("ascii"))
    return pd.Series(found, index=text.index)


def upper(text: pd.Series) -> pd.Series:
    """``text.str.upper()``; ASCII-only columns take Arrow's much cheaper ASCII kernel."""
    if text.dtype == STR_DTYPE and len(text):
        arr = arrow_of(text)
        if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
            return text_series(text, pc.ascii_upper(arr))
    return text.str.upper()


def matches(arr: pa.ChunkedArray, rows: np.ndarray, pattern: str) -> np.ndarray:
    """Whether the cells ``rows`` of ``arr`` match the regex ``pattern`` (missing: False)."""
    found = pc.match_substring_regex(rows_of(arr, rows), pattern).fill_null(False)
    return at_rows(found, rows, len(arr))

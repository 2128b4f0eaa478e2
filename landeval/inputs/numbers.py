"""Number cells: thousands separators, full-width digits, missing tokens, 2023年.

:func:`to_number` reads a column of any cells (CSV text, XLSX numbers and text) into float
or Int64, and says which cells could not be read. Plain decimals (nearly every cell) skip the
cleaning steps, and Arrow casts those that it reads exactly as pandas does
(:func:`parse_numbers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.inputs.arrowtext import cells_with_bytes, first_bytes
from landeval.inputs.text import arrow_of, clean_text, contains_any, matches, on_subset

# Plain decimals that pandas and Arrow both read to the correctly rounded double: at most
# 15 digits (the digits form an integer below 2**53, scaled by an exact power of ten), so
# Arrow's cast reads them, and pandas only the rest.
_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_PLAIN_MAX_CHARS = 15
# Integers that pandas may hold as uint64, whose mix with missing cells it treats apart.
_HUGE_INTEGER = r"^[-+]?[0-9]{19,}$"


def to_number(series: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    """Numbers from any cells; returns (values, mask of cells that could not be read)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        present = values.notna()
    elif isinstance(series.dtype, pd.StringDtype):
        # Text cells only (CSV): no per-cell Python objects on the way. Cleaning is per cell
        # and leaves a plain number (nearly every cell) as it is, so only the others are
        # cleaned.
        plain = plain_cells(series)
        cleaned = on_subset(series, ~plain, lambda s: _clean_number_text(s, integer=integer))
        values = _parse_numbers(cleaned, plain.to_numpy())
        present = cleaned.notna()  # cleaning makes a cell missing, never the later steps
    else:
        obj = series.astype(object)
        if pd.api.types.is_string_dtype(series):
            is_num = pd.Series(False, index=series.index)
        else:
            is_num = obj.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)))
            is_num &= ~obj.map(lambda v: isinstance(v, bool))
        text = clean_text(obj.where(~is_num, None))
        present_text = text.notna()
        cleaned = _strip_separators(text)
        if integer:
            cleaned = on_subset(cleaned, cleaned.str.endswith("年"), lambda s: s.str.slice(stop=-1))
        parsed = pd.to_numeric(cleaned, errors="coerce")
        values = pd.Series(np.nan, index=series.index, dtype="float64")
        if is_num.any():
            values[is_num] = obj[is_num].astype("float64")
        values[present_text] = parsed[present_text].astype("float64")
        present = is_num & obj.notna() | present_text
    # inf, -inf and integers beyond what Int64 holds exactly are not data.
    limit = 2.0**53 if integer else np.inf
    values = values.where(values.abs() < limit)
    bad = present & values.isna()
    if integer:
        not_whole = values.notna() & (values - values.round()).abs().gt(1e-9)
        bad |= not_whole
        values = values.mask(not_whole)
        return values.round().astype("Int64"), bad
    return values, bad


def _clean_number_text(series: pd.Series, *, integer: bool) -> pd.Series:
    """Number cells cleaned for parsing.

    NFKC-normalised, stripped, missing tokens NaN, thousands separators removed and, for
    integers, a trailing 年 (2023年) removed.
    """
    cleaned = _strip_separators(clean_text(series))
    if integer:
        cleaned = on_subset(cleaned, cleaned.str.endswith("年"), lambda s: s.str.slice(stop=-1))
    return cleaned


def _strip_separators(text: pd.Series) -> pd.Series:
    """Thousands separators removed (``1,234`` and ``1 234`` → ``1234``)."""
    # Regex replacement is slow on Arrow strings: apply it only where it can match.
    has_sep = contains_any(text, ", ")
    return on_subset(
        text, has_sep, lambda s: s.str.replace(r"(?<=\d)[,\s](?=\d{3})", "", regex=True)
    )


def plain_cells(text: pd.Series) -> pd.Series:
    """Which cells are a plain decimal (``-12.5``: ASCII digits, one optional sign and point).

    Such a cell is left as it is by every cleaning step of :func:`to_number` (NFKC,
    stripping, missing tokens, thousands separators, a trailing 年), so those steps need to
    run on the other cells only. Missing cells are not plain.
    """
    if not len(text):
        return pd.Series(False, index=text.index)
    arr = arrow_of(text.astype("str"))
    # Cells of ASCII digits only (years, counts: whole columns of them) are plain; one cheap
    # kernel finds them and the regex runs on the other cells only.
    found = np.array(pc.ascii_is_decimal(arr).fill_null(False).to_numpy(), dtype=bool)
    rows = np.flatnonzero(~found)
    if len(rows):
        found[rows] = matches(arr, rows, _PLAIN_NUMBER)
    return pd.Series(found, index=text.index, dtype=bool)


def parse_numbers(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` as float64, through Arrow where exact.

    Parameters
    ----------
    text : Series of str
        Cleaned cells (missing as NaN).

    Returns
    -------
    Series of float64
        Same index; NaN where missing or unreadable. Equal, bit for bit, to what
        ``pd.to_numeric(text, errors="coerce").astype("float64")`` gives.

    Notes
    -----
    pandas parses a whole column either as integers (every cell a present integer) or as
    floats (any decimal point, missing or unreadable cell), and a cell's double can differ
    between the two for integers of more than 15 digits, and for ``-0``. Plain decimals of
    at most 15 digits read the same in both, so Arrow casts those; the other cells go to
    pandas with one sentinel cell that puts pandas in the mode the whole column would have.
    """
    return _parse_numbers(text, None)


def _parse_numbers(text: pd.Series, known_plain: np.ndarray | None) -> pd.Series:
    """:func:`parse_numbers`, told which cells are plain already.

    ``known_plain`` marks cells known to match ``_PLAIN_NUMBER`` (:func:`plain_cells`); the
    pattern is then matched against the other cells only.
    """
    arr = pa.chunked_array(text.array.__arrow_array__()) if len(text) else None
    if arr is None or arr.null_count == len(arr):
        return pd.Series(np.nan, index=text.index, dtype="float64")
    present = pc.is_valid(arr)
    if known_plain is None:
        matched = pc.match_substring_regex(arr, _PLAIN_NUMBER).fill_null(False).to_numpy()
    else:
        matched = np.array(known_plain, dtype=bool)
        rows = np.flatnonzero(~matched)
        if len(rows):
            matched[rows] = matches(arr, rows, _PLAIN_NUMBER)
    # A plain cell is ASCII: its length in bytes is its length in characters.
    short = pc.less_equal(pc.binary_length(arr), _PLAIN_MAX_CHARS).fill_null(False)
    plain_np = np.asarray(matched, dtype=bool) & np.asarray(short.to_numpy(), dtype=bool)
    if plain_np.all():  # the common case: no cell to hide from the cast
        values = pc.cast(arr, pa.float64())
    else:
        values = pc.cast(
            pc.if_else(pa.array(plain_np), arr, pa.scalar(None, arr.type)), pa.float64()
        )
    out = values.to_numpy()
    negative = first_bytes(arr) == ord("-")
    # "-0" is -0.0 among floats but 0 among integers: pandas decides.
    plain_np &= ~(negative & (out == 0.0))
    other = np.asarray(present.to_numpy(), dtype=bool) & ~plain_np
    if other.any():
        rest = text[other]
        if pc.any(pc.match_substring_regex(pa.array(rest), _HUGE_INTEGER)).as_py():
            return pd.to_numeric(text, errors="coerce").astype("float64")
        float_mode = bool(arr.null_count or (plain_np & cells_with_bytes(arr, b".")).any())
        signed = bool((plain_np & negative).any())
        sentinel = ["0.5"] if float_mode else (["-1"] if signed else [])
        extra = pd.Series(rest.tolist() + sentinel, dtype="str")
        parsed = pd.to_numeric(extra, errors="coerce")
        if not pd.api.types.is_numeric_dtype(parsed):
            return pd.to_numeric(text, errors="coerce").astype("float64")
        out = out.copy()
        out[other] = parsed.to_numpy(dtype="float64", na_value=np.nan)[: len(rest)]
    out = np.where(plain_np | other, out, np.nan)
    return pd.Series(out, index=text.index, dtype="float64")

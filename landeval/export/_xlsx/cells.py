"""The XML of cells, a column chunk at a time, with Arrow kernels and DuckDB.

Text cells are escaped, cut to Excel's length and written as inline strings; numbers are
written with 16 significant digits, as Excel and XlsxWriter write them. A column that
repeats few values is dictionary-encoded so that its cell XML is made once per value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.export._cells import neutralise, neutralise_array
from landeval.export._xlsx.spec import MAX_TEXT, Column

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # \r too: XML would read it as \n
# Excel decodes _xHHHH_ in cell text, so a literal one gets its underscore escaped
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


STR = pa.large_string()
_TEXT_OPEN = '<c t="inlineStr"><is><t'
_PRESERVE = ' xml:space="preserve"'
_TEXT_CLOSE = "</t></is></c>"
# RE2 patterns of the checks in clean: control characters XML cannot hold, and what
# str.isspace() calls white space at either end of a text (kept by xml:space="preserve")
_ILLEGAL_RE2 = r"[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]"
_SPACES = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
_EDGE_SPACE = f"^[{_SPACES}]|[{_SPACES}]$"
# anything clean changes, but for length
_SPECIAL_RE2 = f"[&<>]|{_ESCAPE_LIKE.pattern}|{_ILLEGAL_RE2}"


def scalar(text: str) -> pa.Scalar:
    """``text`` as an Arrow scalar of the text type the cell XML is built in."""
    return pa.scalar(text, STR)


_SAMPLE = 10_000  # cells looked at to tell a column of (nearly) all distinct values


def repeating(values: pa.Array) -> pa.DictionaryArray | None:
    """``values`` dictionary-encoded when at most a quarter of them are distinct, else None.

    Nulls are not counted. A column whose evenly spaced sample is nearly all distinct
    (codes, names, amounts) is passed over without hashing it whole; any other is
    encoded once, and the dictionary's size decides.
    """
    step = max(len(values) // _SAMPLE, 1)
    sample = values.take(pa.array(np.arange(0, len(values), step)))
    if pc.count_distinct(sample).as_py() > 0.9 * len(sample):
        return None
    encoded = pc.dictionary_encode(values)
    return encoded if len(encoded.dictionary) * 4 <= len(values) else None


def with_reference(cells: pa.Array, letter: str, rows: pa.Array) -> pa.Array:
    """``cells`` (``<c …``) with their reference ``r="B7"`` written in; null stays null."""
    rest = pc.utf8_slice_codeunits(cells, 2)  # after "<c"
    return pc.binary_join_element_wise(
        scalar(f'<c r="{letter}'), rows, scalar('"'), rest, scalar("")
    )


def column_values(col: Column, n_rows: int) -> pa.Array | np.ndarray:
    """A column's first ``n_rows`` cells: Arrow text (null when missing) or float64 (NaN)."""
    cells = col.cells
    if col.number_format is None:
        arr = None
        if isinstance(cells, (pa.Array, pa.ChunkedArray)):
            arr = cells
        elif isinstance(cells, pd.Series) and cells.dtype != object:
            arr = pa.array(cells)
        if arr is not None and pa.types.is_null(arr.type):
            arr = arr.cast(STR)
        if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            # anything else is written as its str(), like text (None stays empty)
            values = cells.to_pylist() if isinstance(cells, (pa.Array, pa.ChunkedArray)) else cells
            values = list(values[:n_rows])
            arr = pa.array(
                [None if v is None else v if type(v) is str else str(v) for v in values],
                type=STR,
            )
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = arr.slice(0, n_rows).cast(STR)
        if len(arr) < n_rows:
            arr = pa.concat_arrays([arr, pa.nulls(n_rows - len(arr), STR)])
        return arr
    numbers = _float_values(cells)[:n_rows]
    if len(numbers) < n_rows:
        numbers = np.concatenate([numbers, np.full(n_rows - len(numbers), np.nan)])
    return numbers


def _float_values(cells: Sequence[object]) -> np.ndarray:
    if isinstance(cells, pd.Series):
        cells = cells.to_numpy(dtype="float64", na_value=np.nan)
    try:
        return np.asarray(cells, dtype="float64")
    except (TypeError, ValueError):
        # float() of each cell, as the writer has always done; None is an empty cell
        return np.array([np.nan if v is None else float(v) for v in cells], dtype="float64")


def text_tails(text: pa.Array, col: Column, style: int | None = None) -> pa.Array:
    """The XML of text cells (without reference), of cell ``style`` if given; null when missing."""
    text = clean_array(_transformed(text, col))
    preserve = pc.match_substring_regex(text, _EDGE_SPACE)
    start = _TEXT_OPEN if style is None else f'<c s="{style}"' + _TEXT_OPEN[2:]
    opening = pc.if_else(preserve, scalar(start + _PRESERVE + ">"), scalar(start + ">"))
    return pc.binary_join_element_wise(opening, text, scalar(_TEXT_CLOSE), scalar(""))


def _transformed(text: pa.Array, col: Column) -> pa.Array:
    """``col.text_transform`` applied to ``text`` (vectorised for the neutraliser)."""
    fix = col.text_transform
    if fix is None:
        return text
    if fix is neutralise:
        return neutralise_array(text)
    # any other transform: once per distinct text
    encoded = pc.dictionary_encode(text)
    dictionary = pa.array([fix(t) for t in encoded.dictionary.to_pylist()], type=STR)
    return dictionary.take(encoded.indices)


def clean_array(text: pa.Array) -> pa.Array:
    """:func:`clean` of each text (null stays null), vectorised with Arrow kernels."""
    # most texts need no change: find the few that do in one pass, and clean only those
    change = pc.or_(
        pc.match_substring_regex(text, _SPECIAL_RE2),
        pc.greater(pc.binary_length(text), MAX_TEXT),  # bytes ≥ characters
    ).fill_null(False)
    if not pc.any(change).as_py():
        return text
    return pc.replace_with_mask(text, change, _clean_some(text.filter(change)))


def _clean_some(text: pa.Array) -> pa.Array:
    odd = pc.or_(
        pc.greater(pc.utf8_length(text), MAX_TEXT), pc.match_substring_regex(text, _ILLEGAL_RE2)
    ).fill_null(False)
    out = pc.replace_substring_regex(text, _ESCAPE_LIKE.pattern, r"_x005F_\1")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        out = pc.replace_substring(out, char, entity)
    if pc.any(odd).as_py():
        # too long, or control characters: rare, done one by one as clean does
        fixed = [clean(t) for t in text.filter(odd).to_pylist()]
        out = pc.replace_with_mask(out, odd, pa.array(fixed, type=STR))
    return out


def shown_numbers(columns: list[np.ndarray], con: duckdb.DuckDBPyConnection) -> list[pa.Array]:
    """Each number as Excel and XlsxWriter write it (16 significant digits); NaN is null.

    DuckDB's printf formats like Python's ``f"{v:.16G}"`` (both correctly rounded) and
    many times faster than a Python loop.
    """
    if not columns:
        return []
    table = pa.table({f"c{i}": pa.array(c, from_pandas=True) for i, c in enumerate(columns)})
    select = ", ".join(f"printf('%.16G', c{i}) AS c{i}" for i in range(len(columns)))
    result = con.from_arrow(table).project(select).to_arrow_table()
    return [result.column(i).combine_chunks().cast(STR) for i in range(len(columns))]


def clean(text: str) -> str:
    """XML-escaped cell text, cut to Excel's length, control characters as _xHHHH_."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    text = escape(text)
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def text_cell(ref: str, text: str, *, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'

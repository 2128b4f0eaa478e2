"""Arrow text helpers shared by the stages (private): text columns stay Arrow end to end.

At a million rows, converting a pandas ``str`` column to a numpy object array (and back)
costs about half a second each way, and ``Series.str`` methods, ``isin``, ``duplicated`` and
object-key reindexing are slower still. These helpers keep text as ``pyarrow`` large_string
arrays, look keys up and encode them with Arrow's hash kernels, turn texts into integer codes
that sort as the texts do, and evaluate Python logic once per distinct value instead of once
per row.

Used by :mod:`landeval.mu_scoring`, :mod:`landeval.zoning` and :mod:`landeval.treatments`.
(:mod:`landeval.inputs.arrowtext` is a different thing: bytes-level CSV text.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STRING = pa.large_string()
"""The Arrow type behind pandas' ``str`` dtype, and of every array these helpers return."""

_TABLE_BITS = 16


# --- conversions ----------------------------------------------------------------------------


def text_array(values) -> pa.Array:
    """Text values as one Arrow large_string array.

    A pandas ``str`` (Arrow-backed) column is taken as it is, without a copy; anything else
    goes through ``pd.array(values, dtype="str")`` (object values to text, missing to null).

    Parameters
    ----------
    values : Series, ExtensionArray, ndarray, pyarrow Array or ChunkedArray

    Returns
    -------
    pyarrow.Array of large_string

    Examples
    --------
    >>> text_array(pd.Series(["甲", None, 7], dtype=object)).to_pylist()
    ['甲', None, '7']
    """
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    elif isinstance(values, pa.Array):
        arr = values
    else:
        ext = values.array if isinstance(values, pd.Series) else values
        dtype = getattr(ext, "dtype", None)
        if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
            ext = pd.array(np.asarray(ext, dtype=object), dtype="str")
        return text_array(pa.array(ext))
    if arr.type != STRING:
        arr = arr.cast(STRING)
    return arr


def to_str(arr: pa.Array) -> pd.api.extensions.ExtensionArray:
    """An Arrow text array as a pandas ``str`` array (no copy)."""
    return pd.array(arr, dtype="str")


def as_stored(values: pd.Series):
    """The values for a new frame column: the ``str`` array itself when it is Arrow text.

    A new DataFrame infers ``str`` from the object array ``to_numpy`` gives, so the column
    is the same either way; handing over the Arrow array skips boxing every value.
    """
    if values.dtype == "str" and values.dtype.storage == "pyarrow":
        return values.array
    return values.to_numpy()


def null_strings(n: int) -> pa.Array:
    """``n`` missing texts."""
    return pa.nulls(n, type=STRING)


# --- codes: texts as integers ---------------------------------------------------------------


def encode(arr: pa.Array) -> tuple[np.ndarray, list]:
    """Integer codes of the distinct texts: (codes with −1 for missing, distinct values).

    Codes number the texts in the order they first appear.
    """
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    codes = pc.fill_null(enc.indices, -1).to_numpy().astype(np.int64, copy=False)
    return codes, enc.dictionary.to_pylist()


def sorted_dictionary(*columns: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The distinct non-missing texts of ``columns``, in code point order (as DuckDB sorts).

    Positions in it (:func:`codes_in`) are integer codes that sort, compare and join as the
    texts do: for joins and sorts on integers instead of millions of texts.

    Examples
    --------
    >>> sorted_dictionary(pa.array(["b", None, "a"]), pa.array(["b", "c"])).to_pylist()
    ['a', 'b', 'c']
    """
    arrays = [text_array(c) for c in columns]
    values = pc.unique(pa.chunked_array(arrays, type=STRING)).drop_null()
    return values.take(pc.sort_indices(values))


def codes_in(values: pa.Array | pa.ChunkedArray, dictionary: pa.Array) -> np.ndarray:
    """Position of each of ``values`` in ``dictionary`` (int64); -1 where absent or missing.

    Examples
    --------
    >>> codes_in(pa.array(["c", None, "a", "z"]), pa.array(["a", "b", "c"])).tolist()
    [2, -1, 0, -1]
    """
    found = pc.index_in(text_array(values), value_set=dictionary)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def sorted_codes(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Codes of ``values`` that sort as the texts do, and the distinct texts in that order.

    One hash pass (a dictionary encoding) and a sort of the distinct texts only: code
    ``i`` is the place of its text in code point order (as DuckDB sorts); missing values
    get -1.

    Examples
    --------
    >>> codes, texts = sorted_codes(pa.array(["b", None, "a", "b"]))
    >>> codes.tolist(), texts.to_pylist()
    ([1, -1, 0, 1], ['a', 'b'])
    """
    encoded = pc.dictionary_encode(text_array(values))
    order = pc.array_sort_indices(encoded.dictionary).to_numpy()
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order))
    indices = encoded.indices
    if not len(order):
        return np.full(len(indices), -1, dtype=np.int64), encoded.dictionary
    codes = place[pc.fill_null(indices, 0).to_numpy(zero_copy_only=False).astype(np.int64)]
    if indices.null_count:
        codes[~pc.is_valid(indices).to_numpy(zero_copy_only=False)] = -1
    return codes, encoded.dictionary.take(pa.array(order))


def shared_codes(*columns: pa.Array | pa.ChunkedArray) -> tuple[list[np.ndarray], int]:
    """Codes of the values of ``columns`` (int64, equal texts equal codes, missing -1).

    One dictionary encoding of all the columns (a hash pass instead of a join on texts);
    codes run from 0 in the order texts first appear, and the number of distinct texts is
    returned with them.

    Examples
    --------
    >>> empty = pa.array([], pa.string())
    >>> codes, n = shared_codes(pa.array(["b", None]), empty, pa.array(["a", "b"]))
    >>> [c.tolist() for c in codes], n
    ([[0, -1], [], [1, 0]], 2)
    """
    arrays = [text_array(c) for c in columns]
    encoded = pc.dictionary_encode(pa.chunked_array(arrays, type=STRING))
    # Empty chunks are dropped from the result: split the indices by the columns' lengths.
    parts = [
        pc.fill_null(chunk.indices, -1).to_numpy(zero_copy_only=False) for chunk in encoded.chunks
    ]
    codes = np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
    n = len(encoded.chunks[0].dictionary) if encoded.num_chunks else 0
    bounds = np.cumsum([len(a) for a in arrays])[:-1]
    return list(np.split(codes, bounds)), n


# --- lookups --------------------------------------------------------------------------------


def repeated(values) -> np.ndarray:
    """``values.duplicated(keep="first")`` as a boolean array, through Arrow.

    A row is a repeat when an earlier row has the same value (missing values equal each
    other, as in pandas). pandas' ``duplicated`` on Arrow-backed text took ~1 s a million
    rows; one dictionary encoding and the first row of each code take milliseconds.

    Examples
    --------
    >>> repeated(pd.Series(["b", None, "a", "b", None], dtype="str")).tolist()
    [False, False, False, True, True]
    """
    encoded = pc.dictionary_encode(text_array(values), null_encoding="encode")
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    out = np.ones(len(codes), dtype=bool)
    out[np.unique(codes, return_index=True)[1]] = False
    return out


def is_in(values, options) -> np.ndarray:
    """``values.isin(options)`` as a boolean array, through Arrow.

    pandas 3's ``isin`` on two large text columns took seconds (about 2 s for 120k in 120k
    strings); Arrow's hash lookup takes milliseconds. Missing values match missing values,
    as in pandas.
    """
    found = pc.is_in(text_array(values), value_set=text_array(options), skip_nulls=False)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _strictly_increasing(arr: pa.Array) -> bool:
    if len(arr) < 2:  # a single value cannot repeat
        return arr.null_count == 0
    ok = pc.all(pc.greater(arr[1:], arr[:-1]), skip_nulls=False).as_py()
    return bool(ok)


def first_positions(queries: pa.Array, keys: pa.Array) -> np.ndarray:
    """Position of the first key equal to each query, −1 where none is.

    A missing query matches a missing key, like a pandas index lookup does.

    Parameters
    ----------
    queries, keys : pyarrow.Array of large_string

    Returns
    -------
    ndarray of int64
    """
    n = len(queries)
    if n == 0 or len(keys) == 0:
        return np.full(n, -1, dtype=np.int64)
    if len(keys) == n and queries.equals(keys) and _strictly_increasing(keys):
        # The common case: a table already in the parcels' (sorted, unique) order.
        return np.arange(n, dtype=np.int64)
    if 4 * n < len(keys):
        # Few queries, many keys: hash the queries and scan the keys once.
        uq = pc.unique(queries)
        hit = pc.fill_null(pc.index_in(keys, value_set=uq, skip_nulls=False), -1).to_numpy()
        kpos = np.flatnonzero(hit >= 0)
        first = np.full(len(uq), -1, dtype=np.int64)
        which, at = np.unique(hit[kpos], return_index=True)
        first[which] = kpos[at]
        qpos = pc.index_in(queries, value_set=uq, skip_nulls=False).to_numpy()
        return first[qpos]
    pos = pc.index_in(queries, value_set=keys, skip_nulls=False)
    return pc.fill_null(pos, -1).to_numpy().astype(np.int64, copy=False)


def take_str(arr: pa.Array, pos: np.ndarray) -> pa.Array:
    """``arr[pos]`` with a missing text where ``pos`` is negative."""
    if len(arr) == 0:
        return null_strings(len(pos))
    miss = pos < 0
    idx = pa.array(np.where(miss, 0, pos), mask=miss) if miss.any() else pa.array(pos)
    return arr.take(idx)


def take_float(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """``values[pos]`` with NaN where ``pos`` is negative."""
    if len(values) == 0:
        return np.full(len(pos), np.nan)
    return np.where(pos >= 0, values[np.maximum(pos, 0)], np.nan)


# --- per distinct value ---------------------------------------------------------------------


def per_value(arr: pa.Array, func: Callable[[str | None], object], dtype) -> np.ndarray:
    """``func`` of each text (None for a missing one), evaluated once per distinct text.

    Parameters
    ----------
    arr : pyarrow.Array of large_string
    func : callable
        Pure function of one text or None.
    dtype : numpy dtype of the result

    Returns
    -------
    ndarray of ``dtype``
    """
    codes, uniq = encode(arr)
    table = np.array([func(v) for v in uniq] + [func(None)], dtype=dtype)
    return table[codes]  # code −1 picks the last entry, the missing value's


def per_value_str(arr: pa.Array, func: Callable[[str | None], str | None]) -> pa.Array:
    """Like :func:`per_value`, for a text result (None is missing)."""
    codes, uniq = encode(arr)
    table = pa.array([func(v) for v in uniq] + [func(None)], type=STRING)
    return table.take(pa.array(np.where(codes < 0, len(uniq), codes)))


def starts_with(arr: pa.Array, prefixes) -> np.ndarray:
    """Boolean mask: the text starts with one of ``prefixes``.

    A missing text is False; with no prefixes every row is False.

    Examples
    --------
    >>> starts_with(text_array(["C2611", None, "C17"]), ["C26", "D44"]).tolist()
    [True, False, False]
    """
    if not prefixes:
        return np.zeros(len(arr), dtype=bool)
    starts = tuple(prefixes)
    return per_value(arr, lambda c: c is not None and c.startswith(starts), dtype=bool)


def equals(arr: pa.Array, value: str) -> np.ndarray:
    """Boolean mask: the text equals ``value`` (missing is False)."""
    return pc.fill_null(pc.equal(arr, pa.scalar(value, STRING)), False).to_numpy(
        zero_copy_only=False
    )


def join_masks(masks: dict[str, np.ndarray], texts: dict[str, str], sep: str) -> pa.Array:
    """Join, row by row, the fixed texts whose mask is True, in the masks' order.

    Rows are grouped by their combination of masks (a bit pattern); each combination's text
    is joined once. "" where no mask is set.

    Parameters
    ----------
    masks : dict of str to bool ndarray
        At most 62 masks of equal length.
    texts : dict of str to str
    sep : str

    Returns
    -------
    pyarrow.Array of large_string

    Examples
    --------
    >>> masks = {"a": np.array([True, False, True]), "b": np.array([True, False, False])}
    >>> join_masks(masks, {"a": "甲", "b": "乙"}, "；").to_pylist()
    ['甲；乙', '', '甲']
    """
    keys = list(masks)
    n = len(masks[keys[0]]) if keys else 0
    code = np.zeros(n, dtype=np.int64)
    for bit, key in enumerate(keys):
        code |= np.asarray(masks[key], dtype=np.int64) << bit
    if len(keys) <= _TABLE_BITS:
        # A lookup table over every bit pattern: linear, where np.unique would sort.
        seen = np.bincount(code, minlength=1 << len(keys)) > 0
        uniq = np.flatnonzero(seen)
        slot = np.zeros(1 << len(keys), dtype=np.int64)
        slot[uniq] = np.arange(len(uniq))
        inverse = slot[code]
    else:
        uniq, inverse = np.unique(code, return_inverse=True)
    words = [sep.join(texts[k] for bit, k in enumerate(keys) if (int(c) >> bit) & 1) for c in uniq]
    return pa.array(words, type=STRING).take(pa.array(inverse.reshape(-1)))

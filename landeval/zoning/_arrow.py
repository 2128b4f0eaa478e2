"""Arrow helpers for the zoning steps: text columns stay Arrow strings end to end.

At a million parcels, converting a pandas ``str`` column to a numpy object array (and back)
costs about half a second each way, and ``Series.str`` methods and object-key reindexing are
slower still. These helpers keep text as ``pyarrow`` arrays, look keys up with Arrow's hash
kernels, and evaluate Python logic once per distinct value instead of once per row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STRING = pa.large_string()
"""The Arrow type behind pandas' ``str`` dtype."""

_TABLE_BITS = 16


def str_array(values) -> pa.Array:
    """Text values as one Arrow large_string array.

    A pandas ``str`` (Arrow-backed) column is taken as it is, without a copy; anything else
    goes through ``pd.array(values, dtype="str")`` (object values to text, missing to null),
    which is the conversion the zoning tables have always used.

    Parameters
    ----------
    values : Series, ExtensionArray, ndarray or pyarrow Array

    Returns
    -------
    pyarrow.Array of large_string
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
        return str_array(pa.array(ext))
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


def encode(arr: pa.Array) -> tuple[np.ndarray, list]:
    """Integer codes of the distinct texts: (codes with −1 for missing, distinct values)."""
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    codes = pc.fill_null(enc.indices, -1).to_numpy().astype(np.int64, copy=False)
    return codes, enc.dictionary.to_pylist()


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


def equals(arr: pa.Array, value: str) -> np.ndarray:
    """Boolean mask: the text equals ``value`` (missing is False)."""
    return pc.fill_null(pc.equal(arr, pa.scalar(value, STRING)), False).to_numpy(
        zero_copy_only=False
    )


def join_masks(masks: dict[str, np.ndarray], texts: dict[str, str], sep: str) -> pa.Array:
    """Join, row by row, the fixed texts whose mask is True, in the masks' order.

    Rows are grouped by their combination of masks (a bit pattern); each combination's text
    is joined once. The same result as :func:`landeval.zoning.flags.join_where` with one text
    per key, as an Arrow array; "" where no mask is set.

    Parameters
    ----------
    masks : dict of str to bool ndarray
        At most 62 masks of equal length.
    texts : dict of str to str
    sep : str

    Returns
    -------
    pyarrow.Array of large_string
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

"""Per-cell questions about Arrow text columns, answered from their UTF-8 bytes in numpy.

Arrow's regex kernels run RE2 once per cell: on a million-row column each pattern costs a
tenth of a second. Some questions asked while loading (does a cell hold a given ASCII
character, what is its first byte) are byte tests in UTF-8, where an ASCII byte never
occurs inside a multi-byte character. Nearly always the character is in no cell at all,
which one vectorised pass over the column's data buffer shows; only then are the cells
that hold it located.

The checks take a text ``ChunkedArray`` (``string`` or ``large_string``) and return a
numpy array with one value per cell; :func:`rows_of` and :func:`at_rows` run an Arrow
kernel on some rows of a column.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa


def _chunks(arr: pa.ChunkedArray) -> Iterator[tuple[np.ndarray, np.ndarray, pa.Array]]:
    """Per chunk: the bytes of its cells, their offsets into those bytes, and the chunk.

    The offsets have one more entry than the chunk has cells and start at 0.
    """
    for chunk in arr.chunks:
        if not (pa.types.is_large_string(chunk.type) or pa.types.is_string(chunk.type)):
            chunk = chunk.cast(pa.large_string())  # noqa: PLW2901 - string views and the like
        n = len(chunk)
        _validity, offsets_buf, data_buf = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offsets_buf, dtype=width)[chunk.offset : chunk.offset + n + 1]
        offsets = offsets.astype(np.int64)
        first, last = int(offsets[0]), int(offsets[-1])
        if data_buf is None or last == first:
            cells = np.zeros(0, dtype=np.uint8)
        else:
            cells = np.frombuffer(data_buf, dtype=np.uint8)[first:last]
        yield cells, offsets - first, chunk


def cells_with_bytes(arr: pa.ChunkedArray, chars: bytes) -> np.ndarray:
    """Which cells contain any of the ASCII characters ``chars`` (bool; missing cells False).

    Equal to or-ing ``pc.match_substring(arr, c)`` over the characters, with nulls False.
    One comparison pass over the bytes finds whether any byte lies between the smallest and
    the largest character; the cells are located from those bytes only.
    """
    if not chars or any(b >= 0x80 for b in chars):
        msg = "only ASCII characters can be looked for byte by byte"
        raise ValueError(msg)
    lo, hi = min(chars), max(chars)
    wanted = np.zeros(256, dtype=bool)
    wanted[list(chars)] = True
    parts = []
    for cells, offsets, chunk in _chunks(arr):
        found = np.zeros(len(chunk), dtype=bool)
        near = (cells - np.uint8(lo)) <= (hi - lo)  # uint8 wraps: bytes below lo are large
        if near.any():
            at = np.flatnonzero(near)
            at = at[wanted[cells[at]]]
            # A byte at position p belongs to the last cell starting at or before p.
            found[np.searchsorted(offsets, at, side="right") - 1] = True
            if chunk.null_count:
                found &= np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        parts.append(found)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def first_bytes(arr: pa.ChunkedArray) -> np.ndarray:
    """Each cell's first byte (uint8); 0 for empty and missing cells."""
    parts = []
    for cells, offsets, chunk in _chunks(arr):
        starts = offsets[:-1]
        out = np.zeros(len(chunk), dtype=np.uint8)
        has = offsets[1:] > starts
        if chunk.null_count:
            has &= np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        out[has] = cells[starts[has]]
        parts.append(out)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def last_bytes(arr: pa.ChunkedArray) -> np.ndarray:
    """Each cell's last byte (uint8); 0 for empty and missing cells."""
    parts = []
    for cells, offsets, chunk in _chunks(arr):
        ends = offsets[1:]
        out = np.zeros(len(chunk), dtype=np.uint8)
        has = ends > offsets[:-1]
        if chunk.null_count:
            has &= np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        out[has] = cells[ends[has] - 1]
        parts.append(out)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def rows_of(arr: pa.ChunkedArray, rows: np.ndarray) -> pa.ChunkedArray:
    """The cells ``rows`` of ``arr`` for a kernel to look at, or all of ``arr`` when many.

    Copying most cells out costs more than running the kernel over every cell;
    :func:`at_rows` picks the rows' values from what the kernel returns either way.
    """
    return arr if len(rows) * 4 > len(arr) else arr.take(rows)


def at_rows(result: pa.ChunkedArray | pa.Array, rows: np.ndarray, n: int) -> np.ndarray:
    """A kernel's bool result over ``rows_of(arr, rows)`` (``n = len(arr)``) at ``rows``."""
    values = np.asarray(result.to_numpy(zero_copy_only=False), dtype=bool)
    return values[rows] if len(rows) * 4 > n else values

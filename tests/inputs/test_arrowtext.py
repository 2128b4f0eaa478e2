"""Byte-level questions about Arrow text: equal to Arrow's own kernels."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landeval.inputs.arrowtext import at_rows, cells_with_bytes, first_bytes, last_bytes, rows_of
from tests.inputs._cells import TEXT_CELL, chunked


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT_CELL, max_size=12), st.booleans())
def test_byte_checks_equal_arrow_kernels(cells, sliced):
    arr = chunked(cells, sliced)
    for chars in (".", ", ", "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "):
        want = np.zeros(len(cells), dtype=bool)
        for c in chars:
            want |= np.asarray(pc.match_substring(arr, c).fill_null(False).to_numpy(), bool)
        assert (cells_with_bytes(arr, chars.encode()) == want).all()
    data = [c.encode() if c else b"" for c in cells]
    assert first_bytes(arr).tolist() == [d[0] if d else 0 for d in data]
    assert last_bytes(arr).tolist() == [d[-1] if d else 0 for d in data]
    with pytest.raises(ValueError, match="ASCII"):
        cells_with_bytes(arr, "中".encode())


def test_rows_of_takes_few_rows_and_uses_all_for_many():
    arr = pa.chunked_array([pa.array([f"c{i}" for i in range(20)], type=pa.large_string())])
    for rows in (np.array([3, 7]), np.arange(1, 20)):
        cells = rows_of(arr, rows)
        found = pc.equal(cells, "c7")
        assert at_rows(found, rows, len(arr)).tolist() == [r == 7 for r in rows]
    assert rows_of(arr, np.arange(1, 20)) is arr

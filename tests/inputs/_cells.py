"""Generated text cells that stress the byte-level and Arrow paths (whitespace, CJK, tokens)."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import strategies as st

TEXT_CELL = st.one_of(
    st.none(),
    st.text(
        alphabet=st.sampled_from(
            list("aA9 .,-tTsSgG\t\r\n\x1c\x0b中合计总　\u2003\xa0\x85ＡｎｕＬ/#—无空İK")
        ),
        max_size=8,
    ),
)


def chunked(cells: list[str | None], sliced: bool) -> pa.ChunkedArray:
    """Cells as a ChunkedArray of several chunks; ``sliced`` makes chunks that are slices."""
    arr = pa.array(["pad", *cells, "pad"] if sliced else cells, type=pa.large_string())
    if sliced:
        arr = arr.slice(1, len(cells))
    cut = len(cells) // 2
    return pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], type=pa.large_string())

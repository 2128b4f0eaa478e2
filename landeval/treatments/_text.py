"""Arrow text joins for the treatments' sentences (private)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import STRING


def concat(*parts: pa.Array | pa.ChunkedArray | str) -> pa.Array:
    """Texts joined element-wise (a null part makes a null result); plain strings repeat.

    Examples
    --------
    >>> concat(pa.array(["甲", None], type=STRING), "（", "乙", "）").to_pylist()
    ['甲（乙）', None]
    """
    args = [pa.scalar(p, type=STRING) if isinstance(p, str) else p.cast(STRING) for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", type=STRING))

"""``actions.csv``: the four treatment lists in one table, UTF-8 with a BOM.

The BOM makes Excel in China open the file as UTF-8 instead of GBK. Text cells are
neutralised against formula injection like the workbook's; numbers are written as plain
decimals (shares as fractions 0–1) so that other programs read them as numbers. Rows are
built a chunk at a time with Arrow kernels (two chunks at once, on two threads), quoted
exactly as :mod:`csv` quotes them (``QUOTE_MINIMAL``, CRLF line ends).
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._atomic import atomic_path
from landeval.export._cells import neutralise, neutralise_array, string_bytes
from landeval.export._tables import action_table
from landeval.review.shown import final_parcels

_DECIMALS: dict[str, int] = {
    "area": 4,
    "per_mu": 4,
    "intensity": 4,
    "ratio": 3,
    "share": 4,
    "count": 0,
    "year": 0,
    "score": 2,
    "money": 2,
}
"""Decimals written per column kind: enough to keep the figures, not float noise."""


def write_actions_csv(
    results: Mapping[str, pd.DataFrame | None],
    path: str | Path,
    *,
    lang: str = "zh",
) -> Path:
    """Write ``actions.csv`` atomically: every parcel with a treatment other than KEEP.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Result tables by name; ``parcel_eval`` is used.
    path : path-like
        The CSV file to write.
    lang : {"zh", "en"}
        Language of headers and labels.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    parcels = results.get("parcel_eval")
    if parcels is not None:  # the final decisions, the proposal beside (a review's)
        parcels = final_parcels(parcels, results.get("decisions"))
    table = action_table(
        parcels if parcels is not None else pd.DataFrame(), lang=lang, with_treatment=True
    )
    header = io.StringIO()
    csv.writer(header, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(
        [neutralise(str(h)) for h in table.frame.columns]
    )
    # whole columns once (Arrow text, float64 numbers): the chunks below only slice them
    columns = [_values(table.frame.iloc[:, j], kind) for j, kind in enumerate(table.kinds)]
    with (
        atomic_path(path) as tmp,
        tmp.open("wb") as fh,
        duckdb.connect() as con,
        ThreadPoolExecutor(max_workers=_BUILDERS) as pool,
    ):
        fh.write(header.getvalue().encode("utf-8-sig"))

        def chunk(lo: int, hi: int) -> pa.Buffer | None:
            with con.cursor() as cursor:  # a DuckDB connection per thread
                fields = [
                    _quoted(_fields(values[lo:hi], kind, cursor))
                    for values, kind in zip(columns, table.kinds, strict=True)
                ]
            if not fields:
                return None
            line = pc.binary_join_element_wise(*fields, _s(","))
            return string_bytes(pc.binary_join_element_wise(line, _CRLF, _s("")))

        # chunks are built on _BUILDERS threads (Arrow kernels and DuckDB free the GIL)
        # and written in order; at most _BUILDERS chunks wait, which bounds the memory
        pending: deque[Future] = deque()
        n_rows = len(table.frame)
        for lo in range(0, n_rows, _CHUNK_ROWS):
            pending.append(pool.submit(chunk, lo, min(lo + _CHUNK_ROWS, n_rows)))
            if len(pending) >= _BUILDERS:
                _write(fh, pending.popleft().result())
        while pending:
            _write(fh, pending.popleft().result())
    return path


_CHUNK_ROWS = 100_000  # rows formatted at a time: bounds the memory in use
_BUILDERS = 2  # threads formatting chunks: the machines this runs on have two cores or more
_STR = pa.large_string()
_CRLF = pa.scalar("\r\n", _STR)
_NEEDS_QUOTES = '[,"\r\n]'  # what csv.QUOTE_MINIMAL quotes with lineterminator "\r\n"
_EXACT_BELOW = 1e15  # DuckDB's %.Nf is exact below this magnitude (checked); Python above


def _write(fh: BinaryIO, data: pa.Buffer | None) -> None:
    if data is not None:
        fh.write(data)


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, _STR)


def _values(values: pd.Series, kind: str) -> pa.Array | np.ndarray:
    """A column's cells: Arrow text (null when missing) or float64 numbers (NaN)."""
    if kind == "text":
        return pa.array(values, type=_STR)
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _fields(
    values: pd.Series | pa.Array | np.ndarray, kind: str, con: duckdb.DuckDBPyConnection
) -> pa.Array:
    """The CSV text of a column (before quoting); a missing cell is empty."""
    if isinstance(values, pd.Series):
        values = _values(values, kind)
    if kind == "text":
        return neutralise_array(values).fill_null("")
    numbers = values
    decimals = _DECIMALS.get(kind, 4)
    column = pa.table({"v": pa.array(numbers, from_pandas=True)})
    shown = (
        con.from_arrow(column)
        .project(f"CASE WHEN abs(v) < {_EXACT_BELOW} THEN printf('%.{decimals}f', v) END AS s")
        .to_arrow_table()
        .column(0)
        .combine_chunks()
        .cast(_STR)
    )
    big = np.flatnonzero(np.abs(numbers) >= _EXACT_BELOW)
    if len(big):
        # rare huge numbers: Python's exact formatting, as the CSV has always had
        mask = np.zeros(len(numbers), dtype=bool)
        mask[big] = True
        exact = [f"{v:.{decimals}f}" for v in numbers[big]]
        shown = pc.replace_with_mask(shown, pa.array(mask), pa.array(exact, type=_STR))
    return shown.fill_null("")


def _quoted(fields: pa.Array) -> pa.Array:
    """Fields quoted the way ``csv.writer`` quotes them (``QUOTE_MINIMAL``)."""
    needs = pc.match_substring_regex(fields, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return fields
    quoted = pc.binary_join_element_wise(
        _s('"'), pc.replace_substring(fields, '"', '""'), _s('"'), _s("")
    )
    return pc.if_else(needs, quoted, fields)

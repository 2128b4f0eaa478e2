"""Table helpers shared by the mu_scoring modules (private): runs, groups, ordered sums.

Text helpers are in :mod:`landeval._arrow`, DuckDB connections in :mod:`landeval._duckdb`.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._duckdb import connect as connect_duckdb
from landeval.findings import FINDING_COLUMNS, findings_frame


def release_memory() -> None:
    """Give back the memory Arrow's allocator keeps cached after a step.

    Arrow's allocator (mimalloc) keeps freed blocks, and so did a shared DuckDB database,
    so a process held several times its live data after the evaluation (measured at 100k
    parcels: 1.1 GB resident after scoring before, 0.45 GB after releasing both; at a
    million parcels the difference was gigabytes).
    """
    pa.default_memory_pool().release_unused()


def connect(tables: dict[str, pd.DataFrame | pa.Table]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with ``tables`` registered as views.

    The frames are not changed: each is handed to DuckDB as an Arrow table (Arrow tables as
    they are), because DuckDB scans Arrow strings much faster than pandas object columns.

    The connection starts on one thread: float sums over several threads add up in no fixed
    order and may differ in their last digits from run to run (DuckDB documents this), and
    the same inputs must give the same tables. The callers make their float sums in numpy in
    a fixed row order (:func:`ordered_sums`) and then let DuckDB use every thread
    (:func:`all_threads`) for joins, filters and sorts. They sort their inputs by value first
    so that shuffled input rows give the same sums too.
    """
    # A fresh in-memory database per step (opening one costs ~0.03 s): closing it frees
    # all its buffers, where a shared database kept them cached for the whole run.
    release_memory()
    con = connect_duckdb(threads=1)
    for name, frame in tables.items():
        con.register(name, arrow_table(frame))
    return con


def run_starts(table: pa.Table, keys: Iterable[str]) -> np.ndarray:
    """Positions where a new run of equal ``keys`` begins in ``table`` (sorted by them).

    Missing values equal each other here (a run of missing keys is one run), as in a
    GROUP BY.
    """
    n = table.num_rows
    first = np.ones(n, dtype=bool)
    if n > 1:
        same = np.ones(n - 1, dtype=bool)
        for key in keys:
            col = table[key]
            a, b = col.slice(1), col.slice(0, n - 1)
            eq = pc.fill_null(pc.equal(a, b), False)
            both_null = pc.and_(pc.is_null(a), pc.is_null(b))
            same &= pc.or_(eq, both_null).to_numpy(zero_copy_only=False)
        first[1:] = ~same
    return np.flatnonzero(first)


def is_sorted(table: pa.Table, keys: Iterable[str], *, strict: bool = False) -> bool:
    """Whether ``table`` is sorted by ``keys``, ascending, no key missing.

    With ``strict``, no two rows may tie on all the keys.
    """
    n = table.num_rows
    keys = list(keys)
    if any(table[key].null_count for key in keys):
        return False
    if n < 2:
        return True
    # Row i+1 is not before row i: compare key by key while the earlier keys are equal.
    tied = np.ones(n - 1, dtype=bool)
    for key in keys:
        col = table[key]
        a, b = col.slice(0, n - 1), col.slice(1)
        if pc.any(pc.and_(pa.array(tied), pc.greater(a, b))).as_py():
            return False
        tied &= pc.equal(a, b).to_numpy(zero_copy_only=False)
    return not (strict and tied.any())


def run_codes(starts: np.ndarray, n: int) -> np.ndarray:
    """The run number of each of ``n`` rows, runs beginning at ``starts`` (from 0)."""
    first = np.zeros(n, dtype=np.int64)
    first[starts] = 1
    return np.cumsum(first) - 1


def group_codes(table: pa.Table, keys: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row of ``table`` by ``keys``, and one row of each group.

    Missing values form their own group (as in a GROUP BY). The numbers run from 0 without
    gaps, in no particular order; the row of a group stands for its key values. Hashing in
    Arrow and numpy: a pandas MultiIndex factorize took seconds a million rows.
    """
    n = table.num_rows
    combined = np.zeros(n, dtype=np.int64)
    size = 1
    for key in keys:
        codes, card = _key_codes(table[key], n)
        if size * card > 4 * n + 16:
            # Renumber densely so that the product of the cardinalities stays small.
            combined, uniques = pd.factorize(combined)
            size = max(len(uniques), 1)
        combined = combined * card + codes
        size *= card
    if size > 4 * n + 16:
        combined, uniques = pd.factorize(combined)
        size = max(len(uniques), 1)
    # Number the key combinations that occur, in the order of their combined code.
    present = np.bincount(combined, minlength=size) > 0
    number = np.cumsum(present) - 1
    codes = number[combined]
    rows = np.zeros(int(present.sum()), dtype=np.int64)
    rows[codes] = np.arange(n, dtype=np.int64)
    return codes, rows


def _key_codes(column: pa.Array | pa.ChunkedArray, n: int) -> tuple[np.ndarray, int]:
    """Integer codes of one key column (equal values, equal codes) and their count."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_integer(column.type) and not column.null_count and n:
        values = column.to_numpy().astype(np.int64)
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * n + 16:
            # Small integers (years) are their own codes.
            return values - low, high - low + 1
    encoded = pc.dictionary_encode(column, null_encoding="encode")
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, max(len(encoded.dictionary), 1)


def ordered_sums(
    values: pa.Array | pa.ChunkedArray, codes: np.ndarray, n_groups: int, *, strict: bool = False
) -> pa.Array:
    """Sum of ``values`` per group ``codes``, added in row order; nulls skipped, all-null null.

    With ``strict`` a group holding any null sums to null (missing is never zero: a total
    with a missing part is unknown).

    Each group's sum starts at 0.0 and adds its values one at a time in row order
    (``np.bincount`` adds sequentially), which is what DuckDB's ``sum`` gives on one thread
    over the same rows: the same bits whichever threads do the joins around it. Pairwise or
    multi-threaded sums could differ in the last digit.

    Examples
    --------
    >>> ordered_sums(pa.array([1.0, None, 2.5, None]), np.array([0, 0, 1, 2]), 3).to_pylist()
    [1.0, 2.5, None]
    >>> ordered_sums(pa.array([1.0, None, 2.5]), np.array([0, 0, 1]), 2, strict=True).to_pylist()
    [None, 2.5]
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    valid = pc.is_valid(values).to_numpy(zero_copy_only=False)
    v = pc.fill_null(values.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
    sums = np.bincount(codes, weights=v, minlength=n_groups)
    seen = np.bincount(codes, weights=valid, minlength=n_groups) > 0
    if strict:
        seen &= np.bincount(codes, weights=~valid, minlength=n_groups) == 0
    return pa.array(sums, mask=~seen)


def arrow_table(frame: pd.DataFrame | pa.Table) -> pa.Table:
    """``frame`` as an Arrow table without its index (Arrow-backed text is not copied)."""
    if isinstance(frame, pa.Table):
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


def sort_order(table: pa.Table, keys: Iterable[str | tuple[str, str]]) -> pa.Array:
    """Row order of ``table`` sorted by ``keys`` (a name, or (name, "descending")).

    Stable, missing values last, text by code point: the order of pandas'
    ``sort_values(kind="stable", na_position="last")`` on the same values, much faster on
    text columns.
    """
    sort_keys = [
        (key, "ascending", "at_end") if isinstance(key, str) else (*key, "at_end") for key in keys
    ]
    return pc.sort_indices(table, sort_keys=sort_keys)


def take_rows(frame: pd.DataFrame, rows: np.ndarray, columns: Iterable[str]) -> pd.DataFrame:
    """``frame[columns]`` at positions ``rows``, with a fresh RangeIndex, dtypes kept.

    Column by column, so that only the selected columns are copied, once (selecting then
    sorting a wide frame copied it twice); on two threads, as numpy's and Arrow's ``take``
    release the GIL.
    """
    columns = list(columns)
    arrays = [frame[c].array for c in columns]
    with ThreadPoolExecutor(max_workers=2) as pool:
        taken = pool.map(lambda array: array.take(rows), arrays)
        data = dict(zip(columns, taken, strict=True))
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)), copy=False)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame: text as ``str``, numbers as numpy (nulls → NaN).

    Integer columns with nulls become float64 and boolean ones object, as in pyarrow's
    ``to_pandas``; callers cast the columns they need.
    """
    return table.to_pandas(split_blocks=True, self_destruct=False)


def findings_from(
    rows: pd.DataFrame,
    *,
    severity: str,
    code: str,
    layer: str,
    row_id: pd.Series | str | None,
    field: str | None,
    message: pd.Series | str,
    suggestion: str = "",
) -> pd.DataFrame:
    """Build findings for every row of ``rows`` at once (vectorised, for large inputs).

    Parameters
    ----------
    rows : DataFrame
        One finding per row; only its length and index are used.
    severity, code, layer, field, suggestion : str
        The same for every finding.
    row_id, message : Series or str
        Per-row values (aligned with ``rows``) or one value for all.

    Returns
    -------
    DataFrame
        Findings with :data:`landeval.findings.FINDING_COLUMNS`.
    """
    if not len(rows):
        return findings_frame()
    out = pd.DataFrame(
        {
            "severity": severity,
            "code": code,
            "layer": layer,
            "row_id": _values(row_id, rows),
            "field": field,
            "message": _values(message, rows),
            "suggestion": suggestion,
        },
        index=rows.index,
        columns=FINDING_COLUMNS,
    )
    return out.reset_index(drop=True).astype("object")


def _values(value: pd.Series | str | None, rows: pd.DataFrame) -> Iterable:
    if isinstance(value, pd.Series):
        return value.astype("object").to_numpy()
    return [value] * len(rows)

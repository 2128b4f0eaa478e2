"""Parcel roll-up (DESIGN §5): per-mu values, occupants and class of each parcel-year.

From the allocation (:mod:`landeval.mu_scoring.allocation`), the rules:

- a parcel's per-mu values are the sums over its occupants divided by the parcel's whole
  area; missing is never 0: where an occupant's amount is missing the parcel's sum (and its
  per-mu value) is missing too, and ``known_share`` is the share of the parcel's area not
  used by an occupant with a missing tax or value added (1 for an unoccupied parcel, whose
  sums are 0);
- its occupants are ranked by land (most first), then score (higher first, a missing score
  last), then uscc; the first is the main occupant, whose class, name and industry the
  parcel takes, and all of them are listed in that order.

The joins run in numpy on integer codes of the usccs (no join on texts), the last one in
DuckDB on integer keys. The same rules written plainly in pandas are the reference the tests
check these against (``tests/mu_scoring/test_rollup.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import codes_in, shared_codes, sorted_codes, text_array
from landeval._duckdb import all_threads, fetch
from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import M2_PER_MU
from landeval.mu_scoring._firm_rows import (
    firm_frame,
    firm_year_rows,
    first_rows,
    floats_at,
    registry,
)
from landeval.mu_scoring._frames import (
    arrow_table,
    connect,
    group_codes,
    is_sorted,
    ordered_sums,
    run_codes,
    run_starts,
    sort_order,
    to_frame,
)

# Step 3: every parcel and year, with its occupants' totals (agg). ``_order`` sorts the rows
# by parcel_id, year and the parcel's row (repeated ids): an integer key sorted in numpy
# instead of an ORDER BY on text (half of the query's time). The join is on integer keys
# (the parcel's place in text order ``_rank``, the year's place ``_y``) and carries no text:
# the texts are taken back by row numbers (``_row``, ``_a``) once the rows are sorted.
_PARCEL_SQL = """
SELECT py._row, py._y, agg._a, py.area_m2, py.area_m2 / {m2_per_mu} AS area_mu,
       coalesce(agg.occupied_m2, 0.0) AS occupied_m2,
       greatest(py.area_m2 - coalesce(agg.occupied_m2, 0.0), 0.0) AS unused_m2,
       coalesce(agg.n_occupants, 0) AS n_occupants,
       CASE WHEN agg._a IS NULL THEN 0.0 ELSE agg.tax END AS tax,
       CASE WHEN agg._a IS NULL THEN 0.0 ELSE agg.value_added END AS value_added,
       CASE WHEN agg._a IS NULL THEN 0.0 ELSE agg.tax END
           / nullif(py.area_m2 / {m2_per_mu}, 0.0) AS tax_per_mu,
       CASE WHEN agg._a IS NULL THEN 0.0 ELSE agg.value_added END
           / nullif(py.area_m2 / {m2_per_mu}, 0.0) AS va_per_mu,
       CASE WHEN agg._a IS NULL THEN 1.0::DOUBLE
            WHEN py.area_m2 > 0
            THEN greatest(0.0::DOUBLE, least(1.0::DOUBLE, 1.0 - agg.unknown_m2 / py.area_m2))
       END AS known_share,
       (py._rank * {n_years} + py._y) * {n_parcels} + py._row AS _order
FROM (SELECT p.area_m2, p._rank, p._row, y._y
      FROM parcels AS p CROSS JOIN years AS y) AS py
LEFT JOIN agg ON agg._rank = py._rank AND agg._y = py._y
"""


def parcel_scores(
    *,
    parcels: pd.DataFrame,
    allocation: pd.DataFrame,
    firm_scores: pd.DataFrame,
    firms: pd.DataFrame,
    years: Sequence[int],
) -> pd.DataFrame:
    """One row per parcel and year: occupants, allocated money, per-mu values and class.

    Parameters
    ----------
    parcels : DataFrame
        parcel_id, county_code, area_m2 (geometry, if any, is ignored).
    allocation : DataFrame
        Output of :func:`allocate`.
    firm_scores : DataFrame
        uscc, year, name, industry_code, class, score.
    firms : DataFrame
        The registry (names of occupants without a firm_scores row).
    years : sequence of int
        Every parcel gets a row for each of these years, occupied or not.

    Returns
    -------
    DataFrame
        ``RESULT_COLUMNS["parcel_scores"]`` then ``county_code``, sorted by parcel_id, year.
        Unoccupied parcel-years have ``n_occupants`` 0, money 0, ``known_share`` 1 and no
        class; a parcel-year with an occupant whose tax (value added) is missing has a
        missing tax and tax_per_mu (value added, va_per_mu).

    Raises
    ------
    ValueError
        ``firm_scores`` has more than one row for a firm-year.
    """
    par = pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"].astype("str").reset_index(drop=True),
            "county_code": parcels["county_code"].astype("str").reset_index(drop=True)
            if "county_code" in parcels.columns
            else None,
            "area_m2": pd.to_numeric(parcels["area_m2"], errors="coerce").to_numpy(),
            # Orders repeated parcel ids by position.
            "_row": np.arange(len(parcels)),
        }
    )
    # The parcel_id's place in text order (equal ids share it; missing ids last).
    # (One hash pass and a sort of the distinct ids in Arrow: pandas' sorted factorize sorted
    # them again through Python objects.)
    rank, id_texts = sorted_codes(text_array(par["parcel_id"]))
    par["_rank"] = np.where(rank < 0, rank.max(initial=0) + 1, rank)
    fs = firm_frame(firm_scores, ["name", "industry_code", "class", "score"])
    reg = registry(firms)
    yrs = pd.DataFrame({"year": pd.Series(sorted(set(years)), dtype="int64")})
    yrs["_y"] = np.arange(len(yrs))
    occ = _occupant_sums(allocation)
    texts = arrow_table(par[["parcel_id", "county_code"]])
    numbers = par.drop(columns=["parcel_id", "county_code"])
    keys, agg, main = _occupant_lists(occ, fs=fs, reg=reg, ids=id_texts, years=yrs["year"])
    con = connect({"parcels": numbers, "years": yrs})
    try:
        all_threads(con)
        con.register("agg", keys)
        del keys
        sql = _PARCEL_SQL.format(
            m2_per_mu=repr(M2_PER_MU), n_years=len(yrs), n_parcels=max(len(par), 1)
        )
        table = fetch(con, sql)
    finally:
        con.close()
    table = _take_columns(table.drop_columns(["_order"]), table["_order"])
    out = to_frame(_with_texts(table, texts=texts, years=yrs["year"], agg=agg, main=main))
    text = (
        "parcel_id",
        "occupants",
        "occupant_names",
        "main_uscc",
        "main_name",
        "main_industry",
        "class",
        "county_code",
    )
    for c in text:
        out[c] = out[c].astype("str")
    out["year"] = out["year"].astype("int64")
    out["n_occupants"] = out["n_occupants"].astype("int64")
    for c in ("area_m2", "area_mu", "occupied_m2", "unused_m2"):
        out[c] = out[c].astype("float64")
    for c in ("tax", "value_added", "tax_per_mu", "va_per_mu", "known_share"):
        out[c] = pd.to_numeric(out[c]).astype("float64").fillna(np.nan)
    return out[[*RESULT_COLUMNS["parcel_scores"], "county_code"]].reset_index(drop=True)


def _occupant_sums(allocation: pd.DataFrame) -> pa.Table:
    """Step 1: each occupant's land, tax and value added per parcel-year.

    Summed in the allocation's row order (as DuckDB's ``sum`` on one thread over the same
    rows), so the sums do not depend on the threads that join and sort afterwards.
    """
    table = arrow_table(allocation[["parcel_id", "year", "uscc", "land_m2", "tax", "value_added"]])
    keys = ["year", "parcel_id", "uscc"]
    if is_sorted(table, keys):
        # As :func:`allocate` returns it: each occupant's rows are a run (no hashing).
        firsts = run_starts(table, keys)
        codes = run_codes(firsts, table.num_rows)
    else:
        codes, firsts = group_codes(table, keys)
    keys = table.select(["parcel_id", "year", "uscc"]).take(pa.array(firsts, type=pa.int64()))
    keys = keys.append_column("land_m2", ordered_sums(table["land_m2"], codes, len(firsts)))
    for c in ("tax", "value_added"):
        # An occupant with a missing amount on one of its rows has a missing amount.
        keys = keys.append_column(c, ordered_sums(table[c], codes, len(firsts), strict=True))
    return keys


def _occupant_lists(
    occ: pa.Table, *, fs: pd.DataFrame, reg: pd.DataFrame, ids: pa.Array, years: pd.Series
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Step 2: each parcel-year's occupants ranked, their lists and sums, the main occupant.

    Occupants are ranked by land (most first; an unknown land after every known one, a NaN
    before), then score (higher first, missing last), then uscc (missing last): the order
    of SQL's ``ORDER BY land_m2 DESC, score DESC NULLS LAST, uscc``. Their firm-year and
    registry rows are found through uscc codes (one dictionary encoding of the three uscc
    columns) and the rows sorted in numpy.

    Returns
    -------
    keys : pyarrow.Table
        One row per parcel-year with occupants: ``_rank`` (the parcel_id's place in
        ``ids``, -1 for an unknown parcel), ``_y`` (the year's place in ``years``, -1 when
        not listed), ``_a`` (the row in ``agg``), occupied_m2, n_occupants (those with a
        uscc), tax and value_added summed in rank order (missing when an occupant's is) and
        unknown_m2, the land of the occupants with a missing tax or value added.
    agg : pyarrow.Table
        occupants and occupant_names (";"-joined in rank order) and ``_main``, the row of
        the main occupant in ``main``.
    main : pyarrow.Table
        The main occupants' uscc, name, industry_code and class.
    """
    # Occupants without a parcel_id or a year join no parcel-year.
    known = pc.and_(pc.is_valid(occ["parcel_id"]), pc.is_valid(occ["year"]))
    if not pc.all(known).as_py():
        occ = occ.filter(known)
    # Sorted by year, parcel_id and uscc, so that the stable sorts below leave ties in uscc
    # order (as :func:`_occupant_sums` returns a sorted allocation's occupants already).
    keys = ["year", "parcel_id", "uscc"]
    if not is_sorted(occ, keys, strict=True):
        occ = occ.take(sort_order(occ, keys))
    n = occ.num_rows
    (fs_u, reg_u, occ_u), n_codes = shared_codes(
        text_array(fs["uscc"]), text_array(reg["uscc"]), occ["uscc"]
    )
    occ_year = occ["year"].to_numpy().astype(np.int64)
    fs_row = firm_year_rows(fs_u, fs["year"].to_numpy(dtype=np.int64), occ_u, occ_year)
    reg_row = np.where(occ_u >= 0, first_rows(reg_u, n_codes)[np.maximum(occ_u, 0)], -1)
    # Parcel codes in text order (-1: not a parcel; such rows join no parcel-year): the rows
    # are sorted by year and parcel_id, so only the first of each parcel's run is looked up.
    starts = run_starts(occ, ["year", "parcel_id"])
    pcode = codes_in(occ["parcel_id"].take(pa.array(starts, type=pa.int64())), ids)
    pcode = pcode[run_codes(starts, n)]
    # By parcel-year first, then the rows of parcel-years with several occupants by the
    # other keys. Both sorts are stable: ties keep the rows' uscc order.
    low = int(occ_year.min(initial=0))
    span = int(occ_year.max(initial=0)) - low + 1
    group = pcode * span + (occ_year - low)
    order = np.argsort(group, kind="stable")
    grouped = group[order]
    single = np.ones(n, dtype=bool)
    same = grouped[1:] == grouped[:-1]
    single[1:] &= ~same
    single[:-1] &= ~same
    shared = order[~single]
    if len(shared):
        score = floats_at(fs["score"], fs_row[shared])
        no_score = np.isnan(score)
        land = occ["land_m2"].take(pa.array(shared, type=pa.int64()))
        land_known = pc.is_valid(land).to_numpy(zero_copy_only=False)
        land = pc.fill_null(land, 0.0).to_numpy(zero_copy_only=False)
        # NaN first, then by land, then unknown land last (SQL's order for DESC).
        land_class = np.where(~land_known, 2, np.where(np.isnan(land), 0, 1))
        most = -np.where(land_class == 1, land, 0.0)
        ranked = np.lexsort(
            (-np.where(no_score, 0.0, score), no_score, most, land_class, group[shared])
        )
        order[~single] = shared[ranked]
    pcode, year = pcode[order], occ_year[order]
    first = np.ones(n, dtype=bool)
    first[1:] = (pcode[1:] != pcode[:-1]) | (year[1:] != year[:-1])
    starts = np.flatnonzero(first)
    take = pa.array(order, type=pa.int64())

    def rows(column: pd.Series, at: np.ndarray) -> pa.Array:
        # ``column``'s values at rows ``at`` (null where -1).
        return text_array(column).take(pa.array(at, mask=at < 0, type=pa.int64()))

    fs_at, reg_at = fs_row[order], reg_row[order]
    uscc = text_array(occ["uscc"]).take(take)
    name = pc.coalesce(rows(fs["name"], fs_at), rows(reg["name"], reg_at), uscc)
    offsets = pa.array(np.append(starts, n), type=pa.int64())

    def joined(values: pa.Array) -> pa.Array:
        lists = pa.LargeListArray.from_arrays(offsets, values)
        return pc.binary_join(lists, pa.scalar(";", type=values.type))

    head = pa.array(starts, type=pa.int64())
    fs_head, reg_head = fs_at[starts], reg_at[starts]
    main = pa.table(
        {
            "uscc": uscc.take(head),
            "name": name.take(head),
            "industry_code": pc.coalesce(
                rows(fs["industry_code"], fs_head), rows(reg["industry_code"], reg_head)
            ),
            "class": rows(fs["class"], fs_head),
        }
    )
    agg = pa.table(
        {
            "occupants": joined(uscc),
            "occupant_names": joined(name),
            "_main": pa.array(np.arange(len(starts), dtype=np.int64)),
        }
    )
    listed_years = years.to_numpy(dtype=np.int64)
    head_year = year[starts]
    place = np.searchsorted(listed_years, head_year)
    found = place < len(listed_years)
    found[found] = listed_years[place[found]] == head_year[found]
    land = occ["land_m2"].take(take)
    tax = occ["tax"].take(take)
    value_added = occ["value_added"].take(take)
    unknown = ~(_valid(tax) & _valid(value_added))
    land_m2 = pc.fill_null(land, 0.0).to_numpy(zero_copy_only=False)
    keys = pa.table(
        {
            "_rank": pa.array(pcode[starts], type=pa.int64()),
            "_y": pa.array(np.where(found, place, -1), type=pa.int64()),
            "_a": pa.array(np.arange(len(starts), dtype=np.int64)),
            "occupied_m2": _run_sums(land, starts, n),
            "n_occupants": _run_counts(uscc, starts),
            "tax": _run_sums(tax, starts, n, strict=True),
            "value_added": _run_sums(value_added, starts, n, strict=True),
            "unknown_m2": _run_sums(pa.array(np.where(unknown, land_m2, 0.0)), starts, n),
        }
    )
    return keys, agg, main


def _with_texts(
    table: pa.Table, *, texts: pa.Table, years: pd.Series, agg: pa.Table, main: pa.Table
) -> pa.Table:
    """The sorted parcel-years of step 3 with their texts, taken by row numbers.

    ``_row`` is the parcel's row in ``texts`` (parcel_id, county_code), ``_y`` the year's
    place in ``years``, ``_a`` the parcel-year's row in ``agg`` (missing when unoccupied: its
    texts are missing too), whose ``_main`` is its main occupant's row in ``main``.
    """
    row, a = table["_row"], table["_a"]
    first = agg["_main"].take(a)
    out = {
        "parcel_id": texts["parcel_id"].take(row),
        "year": pa.array(years.to_numpy(dtype=np.int64)).take(table["_y"]),
        "occupants": agg["occupants"].take(a),
        "occupant_names": agg["occupant_names"].take(a),
        "main_uscc": main["uscc"].take(first),
        "main_name": main["name"].take(first),
        "main_industry": main["industry_code"].take(first),
        "class": main["class"].take(first),
        "county_code": texts["county_code"].take(row),
    }
    numbers = table.drop_columns(["_row", "_y", "_a"])
    return pa.table({**out, **{c: numbers[c] for c in numbers.column_names}})


def _run_sums(
    values: pa.Array | pa.ChunkedArray, starts: np.ndarray, n: int, *, strict: bool = False
) -> pa.Array:
    """Sum of each run of ``values`` (runs begin at ``starts``), nulls skipped, all-null null.

    With ``strict``, null where any value of the run is.

    Added one element at a time in row order, from 0.0 (as a sequential loop or Arrow's
    grouped sum does): numpy's pairwise ``add.reduceat`` could differ in the last digit.
    """
    return ordered_sums(values, run_codes(starts, n), len(starts), strict=strict)


def _valid(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Whether each value is present (not null)."""
    return pc.is_valid(values).to_numpy(zero_copy_only=False)


def _run_counts(values: pa.ChunkedArray, starts: np.ndarray) -> pa.Array:
    """Non-null values in each run (runs begin at ``starts``), as int64."""
    if not len(starts):
        return pa.array([], type=pa.int64())
    valid = pc.is_valid(values).to_numpy(zero_copy_only=False).astype("int64")
    return pa.array(np.add.reduceat(valid, starts), type=pa.int64())


def _take_columns(table: pa.Table, key: pa.ChunkedArray) -> pa.Table:
    """``table`` sorted by the unique integer ``key``, one column at a time.

    Each column is released once sorted, so the table is not held twice (the result of the
    parcel query is the largest table of the evaluation).
    """
    order = pa.array(np.argsort(key.to_numpy(), kind="stable"))
    names = table.column_names
    columns = []
    # Two columns at a time (Arrow's take releases the GIL): at most two are held twice.
    with ThreadPoolExecutor(max_workers=2) as pool:
        while table.num_columns:
            pair = [table.column(i) for i in range(min(2, table.num_columns))]
            for _ in pair:
                table = table.remove_column(0)
            columns.extend(pool.map(lambda column: column.take(order), pair))
            del pair
    return pa.table(columns, names=names)

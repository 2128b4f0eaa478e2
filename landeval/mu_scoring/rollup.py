"""Parcel roll-up (DESIGN §5): firm money allocated to parcels by land share, per-mu values.

Each firm-year's tax, value added, revenue and R&D expense are split over its parcels in
proportion to the land it holds on each. A parcel's per-mu values are the sums over its
occupants divided by the parcel's whole area; its class is that of the occupant holding most
of it (ties: the higher score, then the smaller uscc), and all occupants are listed by land.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import codes_in, repeated, shared_codes, sorted_codes, text_array
from landeval._duckdb import all_threads, fetch
from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import M2_PER_MU
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
from landeval.mu_scoring.firm_years import land_per_firm_year

ALLOCATED_VALUES: tuple[str, ...] = ("tax", "value_added", "revenue", "rd_expense")
"""Money columns split over a firm's parcels (revenue and rd_expense are extra columns)."""

# Each firm-year's land ``tot`` is summed in numpy in a fixed order (as the occupants' sums
# below), so DuckDB may use every thread: row-wise arithmetic and joins. It returns the land
# row number ``_row`` with the new columns only: the rows are put in land order in numpy, and
# the land's own columns need no copy (sorting them with their texts in DuckDB took seconds).
# Usually the same is computed in numpy on uscc codes (:func:`_coded_allocation`, no joins on
# texts); the query serves the inputs that path leaves out.
_ALLOC_SQL = """
SELECT l._row,
       l.land_m2 / tot.firm_m2 AS share,
       coalesce(fs.scale, f.scale) AS scale,
       {money}
FROM land AS l
JOIN tot USING (uscc, year)
LEFT JOIN fs ON fs.uscc = l.uscc AND fs.year = l.year
LEFT JOIN firms AS f ON f.uscc = l.uscc
"""
_ALLOC_KEYS: list[str] = ["year", "parcel_id", "uscc", "relation"]

# Step 1b: each parcel-year's occupants, ranked: most land first, then the higher score, then
# the smaller uscc (a deterministic order for lists and for the main occupant). Usually
# ranked in numpy on codes instead (:func:`_coded_occupant_lists`); the query serves the
# inputs that path leaves out.
_OCCUPANTS_SQL = """
SELECT occ.parcel_id, occ.year, occ.uscc, occ.land_m2, occ.tax, occ.value_added,
       coalesce(fs.name, f.name, occ.uscc) AS name,
       coalesce(fs.industry_code, f.industry_code) AS industry_code,
       fs."class" AS class, fs.score
FROM occ
LEFT JOIN fs ON fs.uscc = occ.uscc AND fs.year = occ.year
LEFT JOIN firms AS f ON f.uscc = occ.uscc
ORDER BY occ.parcel_id, occ.year, occ.land_m2 DESC, fs.score DESC NULLS LAST, occ.uscc
"""

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
       coalesce(agg.tax, 0.0) AS tax,
       coalesce(agg.value_added, 0.0) AS value_added,
       coalesce(agg.tax, 0.0) / nullif(py.area_m2 / {m2_per_mu}, 0.0) AS tax_per_mu,
       coalesce(agg.value_added, 0.0) / nullif(py.area_m2 / {m2_per_mu}, 0.0) AS va_per_mu,
       (py._rank * {n_years} + py._y) * {n_parcels} + py._row AS _order
FROM (SELECT p.area_m2, p._rank, p._row, y._y
      FROM parcels AS p CROSS JOIN years AS y) AS py
LEFT JOIN agg ON agg._rank = py._rank AND agg._y = py._y
"""


def allocate(land: pd.DataFrame, *, firm_scores: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """Split each firm-year's money over its parcels by land share.

    Parameters
    ----------
    land : DataFrame
        uscc, year, parcel_id, relation, land_m2 (:func:`landeval.mu_scoring.land.firm_land`).
    firm_scores : DataFrame
        uscc, year, scale and the money columns per firm-year.
    firms : DataFrame
        The registry (scale of occupants that have no tax or output rows).

    Returns
    -------
    DataFrame
        ``RESULT_COLUMNS["allocation"]`` then ``revenue`` and ``rd_expense``; money is
        missing where the firm-year has no such figure (or no tax/output row at all).
    """
    fs = _firm_frame(firm_scores, ["scale", *ALLOCATED_VALUES])
    reg = _registry(firms)
    money = ", ".join(f"fs.{c} * (l.land_m2 / tot.firm_m2) AS {c}" for c in ALLOCATED_VALUES)
    lnd = land[["uscc", "year", "parcel_id", "relation", "land_m2"]].assign(
        _row=np.arange(len(land))
    )
    table = arrow_table(lnd)
    # Land as firm_land returns it is in the result's order already; other land is sorted
    # here, so that the result's order is that of the row numbers.
    if not is_sorted(table, _ALLOC_KEYS):
        table = table.take(sort_order(table, [*_ALLOC_KEYS, "_row"]))
        table = table.set_column(5, "_row", pa.array(np.arange(len(land), dtype=np.int64)))
    joined = _coded_allocation(table, fs=fs, reg=reg)
    if joined is None:
        tot = land_per_firm_year(table.select(["uscc", "year", "land_m2"]))
        tot = tot.rename_columns(["uscc", "year", "firm_m2"])
        land_numbers = table.select(["uscc", "year", "land_m2", "_row"])
        con = connect({"land": land_numbers, "tot": tot, "fs": fs, "firms": reg})
        try:
            all_threads(con)
            joined = fetch(con, _ALLOC_SQL.format(money=money))
        finally:
            con.close()
    rows = joined["_row"].to_numpy()
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    if not np.array_equal(rows, np.arange(table.num_rows)):
        # Rows without a firm-year total (a missing uscc or year) are left out.
        table = table.take(pa.array(rows))
    joined = joined.drop_columns(["_row"]).take(pa.array(order))
    table = table.drop_columns(["_row"])
    for name in joined.column_names:
        table = table.append_column(name, joined[name])
    cols = [*RESULT_COLUMNS["allocation"], *ALLOCATED_VALUES[2:]]
    out = to_frame(table)[cols]
    for c in ("uscc", "parcel_id", "relation", "scale"):
        out[c] = out[c].astype("str")
    out["year"] = out["year"].astype("int64")
    for c in ("land_m2", "share", *ALLOCATED_VALUES):
        out[c] = out[c].astype("float64")
    return out.reset_index(drop=True)


def _coded_allocation(table: pa.Table, *, fs: pd.DataFrame, reg: pd.DataFrame) -> pa.Table | None:
    """``_ALLOC_SQL``'s result in numpy, its rows in ``table``'s order; None where needed.

    The land, firm-year and registry rows meet through uscc codes (one dictionary encoding
    of the three uscc columns) instead of joins on the texts; each firm-year's land is
    summed in the land's row order (as :func:`land_per_firm_year`) and the shares and money
    are the same IEEE operations as in SQL. Falls back (None) on a repeated firm-year in
    ``fs``, a missing year or land, or a firm-year whose land sums to zero or less.
    """
    n = table.num_rows
    if not n or table["year"].null_count or table["land_m2"].null_count:
        return None
    land = table["land_m2"].to_numpy()
    year = table["year"].to_numpy()
    fs_year = fs["year"].to_numpy(dtype=np.int64)
    (land_u, fs_u, reg_u), n_codes = shared_codes(
        table["uscc"], text_array(fs["uscc"]), text_array(reg["uscc"])
    )
    low = int(min(fs_year.min(initial=year.min()), year.min()))
    span = int(max(fs_year.max(initial=year.max()), year.max())) - low + 1
    if np.isnan(land).any() or n_codes * span > 4 * (len(fs_u) + n) + 16:
        return None
    # Each firm-year's land, added in row order by bincount (as ordered_sums adds); rows
    # without a uscc have no total and are left out, as in the join.
    keep = land_u >= 0
    key = land_u[keep] * span + (year[keep] - low)
    firm_m2 = np.bincount(key, weights=land[keep], minlength=n_codes * span)
    if (firm_m2[key] <= 0).any():
        return None
    fs_row_of = _firm_year_rows(fs_u, fs_year, low=low, span=span, n_codes=n_codes)
    if fs_row_of is None:
        return None
    rows = np.flatnonzero(keep)
    fs_row = fs_row_of[key]
    reg_row = _first_rows(reg_u, n_codes)[land_u[keep]]
    share = land[keep] / firm_m2[key]

    def at(column: pd.Series, where: np.ndarray) -> pa.Array:
        return text_array(column).take(pa.array(where, mask=where < 0, type=pa.int64()))

    out = {
        "_row": table["_row"].take(pa.array(rows, type=pa.int64())),
        "share": pa.array(share),
        "scale": pc.coalesce(at(fs["scale"], fs_row), at(reg["scale"], reg_row)),
    }
    for c in ALLOCATED_VALUES:
        values = _floats_at(fs[c], fs_row)
        out[c] = pa.array(values * share, mask=np.isnan(values))
    return pa.table(out)


def _floats_at(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``column``'s values (float64) at ``rows``, NaN where a row is -1 or a value missing."""
    values = np.full(len(rows), np.nan)
    found = rows >= 0
    values[found] = column.to_numpy(dtype="float64", na_value=np.nan)[rows[found]]
    return values


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
        Unoccupied parcel-years have ``n_occupants`` 0, money 0 and no class.
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
    fs = _firm_frame(firm_scores, ["name", "industry_code", "class", "score"])
    reg = _registry(firms)
    yrs = pd.DataFrame({"year": pd.Series(sorted(set(years)), dtype="int64")})
    yrs["_y"] = np.arange(len(yrs))
    occ = _occupant_sums(allocation)
    texts = arrow_table(par[["parcel_id", "county_code"]])
    numbers = par.drop(columns=["parcel_id", "county_code"])
    coded = _coded_occupant_lists(occ, fs=fs, reg=reg, ids=id_texts, years=yrs["year"])
    tables = {"parcels": numbers, "years": yrs}
    if coded is None:
        tables.update({"occ": occ, "fs": fs, "firms": reg})
    con = connect(tables)
    try:
        all_threads(con)
        if coded is None:
            ranked = fetch(con, _OCCUPANTS_SQL)
            agg, main = _occupant_lists(ranked)
            del ranked
            keys = _agg_keys(agg, ids=id_texts, years=yrs["year"])
        else:
            keys, agg, main = coded
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
    for c in ("area_m2", "area_mu", "occupied_m2", "unused_m2", "tax", "value_added"):
        out[c] = out[c].astype("float64")
    for c in ("tax_per_mu", "va_per_mu"):
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
    for c in ("land_m2", "tax", "value_added"):
        keys = keys.append_column(c, ordered_sums(table[c], codes, len(firsts)))
    return keys


def _occupant_lists(ranked: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Step 2: per parcel-year lists and sums in rank order, and the main occupants.

    ``ranked`` is sorted by parcel_id and year, so each parcel-year is a run of rows: lists
    are slices of the columns (offsets at the run starts) and sums run over each slice in
    rank order. (DuckDB's ordered ``string_agg`` sorts every group, and Arrow's hash
    group-by took seconds a million rows.)

    The second table holds the occupants' uscc, name, industry_code and class, the main
    occupant of ``agg``'s row i at row ``agg["_main"][i]`` (the first of its run): they are
    taken once, for the final rows, not also for every parcel-year here.
    """
    n = len(ranked)
    # The first row of each parcel-year in rank order starts its run and is its main occupant.
    first = np.ones(n, dtype=bool)
    if n > 1:
        pid = ranked["parcel_id"]
        year = ranked["year"]
        same = pc.and_(
            pc.equal(pid.slice(1), pid.slice(0, n - 1)),
            pc.equal(year.slice(1), year.slice(0, n - 1)),
        )
        first[1:] = ~same.to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(first)
    offsets = pa.array(np.append(starts, n), type=pa.int64())
    firsts = ranked.select(["parcel_id", "year"]).take(pa.array(starts))

    def joined(column: str) -> pa.Array:
        return pc.binary_join(
            pa.LargeListArray.from_arrays(offsets, ranked[column].combine_chunks()), ";"
        )

    agg = pa.table(
        {
            "parcel_id": firsts["parcel_id"],
            "year": firsts["year"],
            "occupied_m2": _run_sums(ranked["land_m2"], starts, n),
            "n_occupants": _run_counts(ranked["uscc"], starts),
            "occupants": joined("uscc"),
            "occupant_names": joined("name"),
            "tax": _run_sums(ranked["tax"], starts, n),
            "value_added": _run_sums(ranked["value_added"], starts, n),
            "_main": pa.array(starts, type=pa.int64()),
        }
    )
    return agg, ranked.select(["uscc", "name", "industry_code", "class"])


def _coded_occupant_lists(
    occ: pa.Table, *, fs: pd.DataFrame, reg: pd.DataFrame, ids: pa.Array, years: pd.Series
) -> tuple[pa.Table, pa.Table, pa.Table] | None:
    """Steps 1b and 2 on integer codes: :func:`_agg_keys`, :func:`_occupant_lists`' tables.

    The occupants are ranked as ``_OCCUPANTS_SQL`` ranks them, with their firm-year and
    registry rows found through uscc codes (one dictionary encoding of the three uscc
    columns) and sorted in numpy: the query joined, sorted and returned millions of texts.
    ``occ`` (:func:`_occupant_sums`) must be sorted by year, parcel_id and uscc, so that a
    stable sort leaves ties in uscc order. Returns None where the query is needed: ``occ``
    not so sorted or with missing keys or land, ``fs`` with a repeated firm-year.

    The main occupants' table holds one row per parcel-year (``_main`` counts from 0).
    """
    n = occ.num_rows
    if not n or not is_sorted(occ, ["year", "parcel_id", "uscc"], strict=True):
        return None
    land = occ["land_m2"].to_numpy()
    if occ["land_m2"].null_count or np.isnan(land).any():
        return None
    # Firm-year and registry rows of each occupant by uscc code (missing usccs match none).
    (fs_u, reg_u, occ_u), n_codes = shared_codes(
        text_array(fs["uscc"]), text_array(reg["uscc"]), occ["uscc"]
    )
    occ_year = occ["year"].to_numpy()
    fs_year = fs["year"].to_numpy(dtype=np.int64)
    # (uscc code, year) → firm-year row, in a table over the years' range.
    low = int(min(fs_year.min(initial=occ_year.min()), occ_year.min()))
    span = int(max(fs_year.max(initial=occ_year.max()), occ_year.max())) - low + 1
    if n_codes * span > 4 * (len(fs_u) + n) + 16:
        return None
    fs_row_of = _firm_year_rows(fs_u, fs_year, low=low, span=span, n_codes=n_codes)
    if fs_row_of is None:
        # A repeated firm-year: the join gives an occupant several rows.
        return None
    fs_row = fs_row_of[occ_u * span + (occ_year - low)]
    fs_row[occ_u < 0] = -1
    reg_row = np.where(occ_u >= 0, _first_rows(reg_u, n_codes)[occ_u], -1)
    # Parcel codes in text order (-1: not a parcel; such rows join no parcel-year): the rows
    # are sorted by year and parcel_id, so only the first of each parcel's run is looked up.
    starts = run_starts(occ, ["year", "parcel_id"])
    pcode = codes_in(occ["parcel_id"].take(pa.array(starts, type=pa.int64())), ids)
    pcode = pcode[run_codes(starts, n)]
    # ORDER BY parcel_id, year, land_m2 DESC, score DESC NULLS LAST, uscc: by parcel-year
    # first, then the rows of parcel-years with several occupants by the other keys. Both
    # sorts are stable: ties keep the rows' uscc order.
    group = pcode * span + (occ_year - low)
    order = np.argsort(group, kind="stable")
    grouped = group[order]
    single = np.ones(n, dtype=bool)
    same = grouped[1:] == grouped[:-1]
    single[1:] &= ~same
    single[:-1] &= ~same
    shared = order[~single]
    if len(shared):
        score = _floats_at(fs["score"], fs_row[shared])
        no_score = np.isnan(score)
        ranked = np.lexsort(
            (-np.where(no_score, 0.0, score), no_score, -land[shared], group[shared])
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
    uscc = occ["uscc"].combine_chunks().cast(pa.large_string()).take(take)
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
    keys = pa.table(
        {
            "_rank": pa.array(pcode[starts], type=pa.int64()),
            "_y": pa.array(np.where(found, place, -1), type=pa.int64()),
            "_a": pa.array(np.arange(len(starts), dtype=np.int64)),
            "occupied_m2": _run_sums(occ["land_m2"].take(take), starts, n),
            "n_occupants": pa.array(np.diff(np.append(starts, n)), type=pa.int64()),
            "tax": _run_sums(occ["tax"].take(take), starts, n),
            "value_added": _run_sums(occ["value_added"].take(take), starts, n),
        }
    )
    return keys, agg, main


def _agg_keys(agg: pa.Table, *, ids: pa.Array, years: pd.Series) -> pa.Table:
    """The numbers of ``agg`` keyed by integers, for a join without texts.

    ``_rank`` is the place of the parcel_id in the sorted distinct ``ids``, ``_y`` the place
    of the year in ``years`` and ``_a`` the row. Parcel-years whose id or year is not listed
    get -1 (they match no parcel-year). ``agg`` is sorted by parcel_id: only the first row
    of each parcel's run is looked up.
    """
    starts = run_starts(agg, ["parcel_id"])
    first = codes_in(agg["parcel_id"].take(pa.array(starts, type=pa.int64())), ids)
    rank = first[run_codes(starts, agg.num_rows)]
    year = agg["year"].to_numpy()
    listed = years.to_numpy(dtype=np.int64)
    place = np.searchsorted(listed, year)
    found = place < len(listed)
    found[found] = listed[place[found]] == year[found]
    return pa.table(
        {
            "_rank": pa.array(rank, type=pa.int64()),
            "_y": pa.array(np.where(found, place, -1), type=pa.int64()),
            "_a": pa.array(np.arange(agg.num_rows, dtype=np.int64)),
            **{c: agg[c] for c in ("occupied_m2", "n_occupants", "tax", "value_added")},
        }
    )


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


def _run_sums(values: pa.ChunkedArray, starts: np.ndarray, n: int) -> pa.Array:
    """Sum of each run of ``values`` (runs begin at ``starts``), nulls skipped, all-null null.

    Added one element at a time in row order, from 0.0 (as a sequential loop or Arrow's
    grouped sum does): numpy's pairwise ``add.reduceat`` could differ in the last digit.
    """
    return ordered_sums(values, run_codes(starts, n), len(starts))


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


def _firm_frame(firm_scores: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "uscc": firm_scores["uscc"].astype("str").reset_index(drop=True),
            "year": firm_scores["year"].astype("int64").to_numpy(),
        }
    )
    for c in cols:
        src = firm_scores[c]
        out[c] = (
            src.to_numpy() if src.dtype.kind == "f" else src.astype("str").reset_index(drop=True)
        )
    return out


def _registry(firms: pd.DataFrame) -> pd.DataFrame:
    reg = pd.DataFrame(
        {
            c: firms[c].astype("str").reset_index(drop=True)
            for c in ("uscc", "name", "industry_code", "scale")
        }
    )
    return reg[~repeated(reg["uscc"])]


def _firm_year_rows(
    codes: np.ndarray, years: np.ndarray, *, low: int, span: int, n_codes: int
) -> np.ndarray | None:
    """Row of each (uscc code, year) in a table over codes × years ``low..low+span-1``.

    -1 where there is no row (rows with code -1 are left out). None when a (code, year) is
    repeated: a join on it would give several rows, which the callers' SQL fallback keeps.
    """
    valid = codes >= 0
    key = (codes * span + (years - low))[valid]
    row_of = np.full(n_codes * span, -1, dtype=np.int64)
    row_of[key] = np.flatnonzero(valid)
    if np.count_nonzero(row_of >= 0) < len(key):
        return None
    return row_of


def _first_rows(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Row of each code's first occurrence in ``codes`` (-1: none; code -1 is left out)."""
    valid = codes >= 0
    row_of = np.full(n_codes, -1, dtype=np.int64)
    # assigned last row first, so that the first row of a repeated code is the one kept
    row_of[codes[valid][::-1]] = np.flatnonzero(valid)[::-1]
    return row_of

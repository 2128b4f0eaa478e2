"""Land per firm-year from the occupancy table (DESIGN §5 "Land"), in DuckDB SQL.

Rules (decided by the lead):

- an occupancy row counts in year Y when ``from_year ≤ Y ≤ to_year``; a missing bound is open;
- ``own`` without ``area_m2`` is the whole parcel; several owners without areas split what the
  owners with areas leave equally (an info finding);
- ``lease`` gives the lessee its ``area_m2`` (the whole parcel when missing) and the same area
  is taken from the parcel's owners, in proportion to what each owns;
- leases beyond the parcel's area are an error finding (LEASE_EXCEEDS_PARCEL) and are scaled
  down proportionally, as are owners' stated areas beyond it (OWN_EXCEEDS_PARCEL), so that land
  is conserved: for every parcel and year, Σ assigned ≤ parcel area (the rest is unused);
- a parcel with leases but no owner row: the leases count, the rest is unused.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import sorted_codes, text_array
from landeval._duckdb import all_threads, fetch
from landeval.findings import concat_findings
from landeval.mu_scoring._frames import (
    arrow_table,
    connect,
    findings_from,
    group_codes,
    ordered_sums,
    run_codes,
    run_starts,
    sort_order,
    to_frame,
)

LAND_COLUMNS: list[str] = ["uscc", "year", "parcel_id", "relation", "land_m2"]
"""Columns of :func:`firm_land`'s land table."""

# Relative tolerance when comparing summed areas with a parcel's area (float sums).
_AREA_RTOL = 1e-9

# DuckDB runs on every thread here: the float sums are made in numpy, each adding its rows
# in a fixed order, so they have the same bits whatever order the threads join rows in (see
# :func:`_parcel_sums`, :func:`_land_sums`). That order is by parcel row (``_prow``), then
# from the last canonical occupancy position (``_pos``) to the first: the order the earlier
# single-threaded DuckDB join fed its sums, so the results keep their exact bits.

# Step 1: the valid occupancy rows of each year (v). Occupancy rows carry their parcel as a
# code ``_pcode`` (-1 for none), their uscc as a code ``_u`` and their relation as ``_rel``
# (:data:`_RELATIONS`), all sorting as the texts do: the joins, counts and sorts below run on
# integers, and the texts are taken back for the result rows only (on the texts they hashed
# and sorted millions of parcel ids and usccs).
_VALID_SQL = """
CREATE TEMP TABLE v AS
WITH
y AS (SELECT DISTINCT CAST(year AS BIGINT) AS year FROM years),
p AS (SELECT CAST(area_m2 AS DOUBLE) AS parcel_m2, _prow, _pcode FROM parcels)
SELECT o._pos, p._prow, p._pcode, o._u, o._rel, o.area_m2, y.year, p.parcel_m2
FROM occ AS o
JOIN p ON p._pcode = o._pcode
JOIN y
  ON (o.from_year IS NULL OR o.from_year <= y.year)
 AND (o.to_year IS NULL OR o.to_year >= y.year)
WHERE o._ok
"""

# Step 2a: what each valid row adds to its parcel-year's totals, in the summing order (summed
# and counted in numpy by parcel code and year: :func:`_parcel_sums`; sorting integers, not
# millions of parcel ids).
_PARCEL_ROWS_SQL = """
SELECT _pcode, year,
       CASE WHEN _rel = 0 THEN coalesce(area_m2, parcel_m2) END AS leased_raw,
       CASE WHEN _rel = 1 THEN area_m2 END AS explicit_raw,
       _rel = 1 AND area_m2 IS NULL AS implicit
FROM v
ORDER BY _prow, _pos DESC
"""

# Step 2b: each parcel-year's totals (pf), from the sums of step 2a (ps) and the number of
# distinct owners without an area.
_PARCEL_YEAR_SQL = """
CREATE TEMP TABLE pf AS
WITH
implicit AS (
    SELECT _pcode, year, count(DISTINCT _u) AS n_implicit_firms
    FROM v WHERE _rel = 1 AND area_m2 IS NULL GROUP BY _pcode, year
),
pt AS (
    SELECT _pcode, year, ps.parcel_m2,
           coalesce(ps.explicit_raw, 0.0) AS explicit_raw,
           ps.n_implicit,
           coalesce(i.n_implicit_firms, 0) AS n_implicit_firms,
           coalesce(ps.leased_raw, 0.0) AS leased_raw
    FROM ps LEFT JOIN implicit AS i USING (_pcode, year)
),
pc AS (
    SELECT *,
           least(1.0, parcel_m2 / nullif(explicit_raw, 0.0)) AS explicit_scale,
           greatest(parcel_m2 - explicit_raw, 0.0) AS remainder,
           least(1.0, parcel_m2 / nullif(leased_raw, 0.0)) AS lease_scale,
           least(explicit_raw, parcel_m2)
             + CASE WHEN n_implicit > 0 THEN greatest(parcel_m2 - explicit_raw, 0.0) ELSE 0.0 END
             AS owned_total,
           least(leased_raw, parcel_m2) AS leased_total
    FROM pt
),
final AS (
    SELECT *,
           CASE WHEN owned_total > 0
                THEN greatest(owned_total - leased_total, 0.0) / owned_total
                ELSE 0.0 END AS owner_factor
    FROM pc
)
SELECT * FROM final;
"""

# Step 3: each valid row's land: leases scaled, owners net of what is leased out; in the
# order of the result, each firm-year-parcel-relation's rows in a run in the summing order
# (summed in numpy). Parcels are joined and sorted by their code ``_pcode``, which sorts as
# the parcel ids do, and so do the uscc and relation codes (texts taken back after the
# sums): sorting the texts took seconds.
_LAND_SQL = """
SELECT v._u, v.year, v._pcode, v._rel,
       CASE WHEN v._rel = 0
            THEN coalesce(v.area_m2, v.parcel_m2) * pf.lease_scale
            WHEN v.area_m2 IS NULL
            THEN pf.remainder / pf.n_implicit * pf.owner_factor
            ELSE v.area_m2 * pf.explicit_scale * pf.owner_factor
       END AS land_m2
FROM v JOIN pf USING (_pcode, year)
ORDER BY v.year, v._pcode, v._u, v._rel, v._prow, v._pos DESC
"""

# Grouped by parcel code (one per parcel id, sorting as the ids do); the ids of the few
# parcels found are joined from ``pid`` (parcel code, id).
_PARCEL_ISSUES_SQL = """
SELECT pid.parcel_id, g.years, g.parcel_m2, g.leased_raw, g.explicit_raw, g.n_implicit_firms
FROM (
    SELECT _pcode,
           string_agg(CAST(year AS VARCHAR), '、' ORDER BY year) AS years,
           max(parcel_m2) AS parcel_m2,
           max(leased_raw) AS leased_raw,
           max(explicit_raw) AS explicit_raw,
           max(n_implicit_firms) AS n_implicit_firms
    FROM pf
    WHERE {condition}
    GROUP BY _pcode
) AS g
JOIN pid USING (_pcode)
ORDER BY g._pcode
"""

# Relation codes (``_rel``): their order is the texts' order.
_RELATIONS = pa.array(["lease", "own"], type=pa.large_string())


def firm_land(
    *, parcels: pd.DataFrame, occupancy: pd.DataFrame, years: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assign parcel land to firms for each year.

    Parameters
    ----------
    parcels : DataFrame
        At least ``parcel_id`` and ``area_m2`` (a GeoDataFrame works; geometry is ignored).
    occupancy : DataFrame
        Canonical occupancy table (uscc, parcel_id, relation, area_m2, from_year, to_year).
    years : sequence of int
        Years to assign land for.

    Returns
    -------
    land : DataFrame
        :data:`LAND_COLUMNS`: one row per firm, year, parcel and relation with positive land,
        sorted by year, parcel_id, uscc, relation.
    findings : DataFrame
        Leases or owned areas beyond the parcel (errors, scaled down), owners split equally
        (info), occupancy rows on unknown parcels or with unusable values (warnings, ignored).
    """
    parcel_ids = text_array(parcels["parcel_id"].astype("str"))
    occ, bad, pcode, ids, usccs = _clean_occupancy(occupancy, parcel_ids)
    par = pa.table(
        {
            "area_m2": pa.array(
                pd.to_numeric(parcels["area_m2"], errors="coerce").to_numpy(dtype="float64"),
                from_pandas=True,
            ),
            "_prow": np.arange(len(parcels), dtype=np.int64),
            "_pcode": pcode,
        }
    )
    # Each code's first row gives its area.
    first = np.unique(pcode, return_index=True)[1] if len(pcode) else np.zeros(0, np.int64)
    codes = pa.table(
        {
            "parcel_id": ids,
            "parcel_m2": par["area_m2"].take(pa.array(first, type=pa.int64())),
        }
    )
    pid = pa.table({"_pcode": np.arange(len(ids), dtype=np.int64), "parcel_id": ids})
    yrs = pd.DataFrame({"year": pd.Series(list(years), dtype="int64")})
    con = connect({"parcels": par, "occ": occ, "years": yrs, "pid": pid})
    try:
        all_threads(con)
        con.execute(_VALID_SQL)
        con.register("ps", _parcel_sums(fetch(con, _PARCEL_ROWS_SQL), codes))
        con.execute(_PARCEL_YEAR_SQL)
        land = to_frame(_land_sums(fetch(con, _LAND_SQL), ids, usccs))
        issues = _parcel_findings(con)
    finally:
        con.close()
    land = pd.DataFrame(
        {
            "uscc": land["uscc"].astype("str"),
            "year": land["year"].astype("int64"),
            "parcel_id": land["parcel_id"].astype("str"),
            "relation": land["relation"].astype("str"),
            "land_m2": land["land_m2"].astype("float64"),
        },
        columns=LAND_COLUMNS,
    )
    return land, concat_findings(bad, issues)


def _parcel_sums(rows: pa.Table, parcels: pa.Table) -> pa.Table:
    """Per parcel-year of step 2a: area, leased and explicitly owned area, implicit owners.

    ``rows`` are in the summing order; each sum adds its parcel-year's values in that order
    (as DuckDB's ``sum`` on one thread did), so it does not depend on threads; the leased and
    owned areas are null where no row has one. ``parcels`` gives the area of each parcel
    code (a parcel id repeated in the parcels table has the area of its first row).
    """
    codes, first = group_codes(rows, ["_pcode", "year"])
    keys = rows.select(["_pcode", "year"]).take(pa.array(first, type=pa.int64()))
    out = pa.table({"parcel_m2": parcels["parcel_m2"].take(keys["_pcode"])})
    out = out.append_column("year", keys["year"])
    out = out.append_column("_pcode", keys["_pcode"])
    for c in ("leased_raw", "explicit_raw"):
        out = out.append_column(c, ordered_sums(rows[c], codes, len(first)))
    implicit = rows["implicit"].to_numpy().astype(np.int64)
    n_implicit = np.bincount(codes, weights=implicit, minlength=len(first)).astype(np.int64)
    return out.append_column("n_implicit", pa.array(n_implicit))


def _land_sums(rows: pa.Table, parcel_ids: pa.Array, usccs: pa.Array) -> pa.Table:
    """Land per firm, year, parcel and relation (positive only), from the rows of step 3.

    The rows are in the result's order with each group's rows in a run in the summing order,
    summed in that order; groups whose land is not positive are dropped. Parcels, usccs and
    relations come as codes (``_pcode`` in ``parcel_ids``, ``_u`` in ``usccs``, ``_rel`` in
    :data:`_RELATIONS`): their texts are taken for the result rows.
    """
    keys = ["_u", "year", "_pcode", "_rel"]
    starts = run_starts(rows, keys)
    codes = run_codes(starts, rows.num_rows)
    out = rows.select(keys).take(pa.array(starts, type=pa.int64()))
    land = ordered_sums(rows["land_m2"], codes, len(starts))
    out = out.append_column("land_m2", land)
    out = out.filter(pc.fill_null(pc.greater(land, 0.0), False))
    return pa.table(
        {
            "uscc": usccs.take(out["_u"]),
            "year": out["year"],
            "parcel_id": parcel_ids.take(out["_pcode"]),
            "relation": _RELATIONS.take(out["_rel"]),
            "land_m2": out["land_m2"],
        }
    )


def _parcel_codes(
    parcel_ids: pa.Array, occ_ids: pa.Array
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]:
    """Parcel codes that sort as the ids do, for the parcels' and the occupancy's ids.

    One dictionary encoding of both columns: equal ids share a code, codes number the
    parcels' distinct ids in code point order (a missing id last). Returns the parcels'
    codes, the occupancy rows' codes (-1 for an id not in the parcels or missing: such rows
    join no parcel, as a join on the text did), whether each occupancy id is a parcel's
    (missing ids match a missing parcel id, as ``isin`` does), and the ids by code.
    """
    n = len(parcel_ids)
    encoded = pc.dictionary_encode(pa.concat_arrays([parcel_ids, occ_ids]), null_encoding="encode")
    index = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    in_parcels = np.zeros(len(encoded.dictionary), dtype=bool)
    in_parcels[index[:n]] = True
    listed = np.flatnonzero(in_parcels)
    ids = encoded.dictionary.take(pa.array(listed, type=pa.int64()))
    order = sort_order(pa.table({"id": ids}), ["id"]).to_numpy()
    code_of = np.full(len(encoded.dictionary), -1, dtype=np.int64)
    code_of[listed[order]] = np.arange(len(order), dtype=np.int64)
    occ_index = index[n:]
    known = in_parcels[occ_index]
    occ_code = code_of[occ_index]
    if occ_ids.null_count:
        occ_code[~pc.is_valid(occ_ids).to_numpy(zero_copy_only=False)] = -1
    return code_of[index[:n]], occ_code, known, ids.take(pa.array(order))


def _clean_occupancy(
    occupancy: pd.DataFrame, parcel_ids: pa.Array
) -> tuple[pa.Table, pd.DataFrame, np.ndarray, pa.Array, pa.Array]:
    """Occupancy coded for the SQL steps, findings for bad rows, and the codes' texts.

    Returns the occupancy table (``_pos``, the codes ``_pcode``, ``_u`` and ``_rel``, area,
    years and an ``_ok`` flag), the findings, the parcels' codes, the parcel ids by code and
    the usccs by code (see :func:`_parcel_codes`, :func:`landeval.mu_scoring._frames.sorted_codes`).
    """
    n = len(occupancy)

    def col(name: str) -> pd.Series:
        if name in occupancy.columns:
            return occupancy[name].reset_index(drop=True)
        return pd.Series([None] * n, dtype="object")

    occ = pd.DataFrame(
        {
            "_row": range(n),
            "uscc": col("uscc").astype("str"),
            "parcel_id": col("parcel_id").astype("str"),
            "relation": col("relation").astype("str"),
            "area_m2": pd.to_numeric(col("area_m2"), errors="coerce").astype("float64"),
            "from_year": pd.to_numeric(col("from_year"), errors="coerce").astype("Int64"),
            "to_year": pd.to_numeric(col("to_year"), errors="coerce").astype("Int64"),
        }
    )
    pcode, occ_pcode, known, ids = _parcel_codes(parcel_ids, text_array(occ["parcel_id"]))
    unknown = ~known
    bad_rel = ~occ["relation"].isin(["own", "lease"]) & ~unknown
    bad_area = (occ["area_m2"] <= 0) & ~unknown & ~bad_rel
    missing_id = occ["uscc"].isna()
    occ["_ok"] = ~(unknown | bad_rel | bad_area | missing_id)

    def rid(mask: pd.Series) -> pd.Series:
        # Row labels only for the flagged rows: formatting every row costs seconds.
        return "第" + (occ.loc[mask, "_row"] + 1).astype(str) + "行"

    found = [
        findings_from(
            occ[unknown],
            severity="warning",
            code="OCCUPANCY_UNKNOWN_PARCEL",
            layer="occupancy",
            row_id=occ.loc[unknown, "parcel_id"].astype(str),
            field="parcel_id",
            message="用地关系" + rid(unknown) + "的宗地代码不在宗地图层中，该行未计入用地",
            suggestion="核对宗地代码，或在宗地图层中补充该宗地",
        ),
        findings_from(
            occ[bad_rel],
            severity="warning",
            code="OCCUPANCY_BAD_RELATION",
            layer="occupancy",
            row_id=occ.loc[bad_rel, "uscc"].astype(str),
            field="relation",
            message="用地关系"
            + rid(bad_rel)
            + "的关系类型不是own（自有）或lease（租赁），该行未计入",
            suggestion="将关系类型改为own或lease",
        ),
        findings_from(
            occ[bad_area],
            severity="warning",
            code="OCCUPANCY_BAD_AREA",
            layer="occupancy",
            row_id=occ.loc[bad_area, "uscc"].astype(str),
            field="area_m2",
            message="用地关系" + rid(bad_area) + "的面积不为正数，该行未计入",
            suggestion="填写正的面积（平方米），或留空表示整宗地",
        ),
        findings_from(
            occ[missing_id & ~unknown],
            severity="warning",
            code="OCCUPANCY_NO_USCC",
            layer="occupancy",
            row_id=rid(missing_id & ~unknown),
            field="uscc",
            message="用地关系" + rid(missing_id & ~unknown) + "缺少统一社会信用代码，该行未计入",
            suggestion="补充统一社会信用代码",
        ),
    ]
    # The texts as codes that sort as they do (see _VALID_SQL); rows that are not ``_ok``
    # may have any code (they are left out).
    u, usccs = sorted_codes(text_array(occ["uscc"]))
    rel = pc.index_in(text_array(occ["relation"]), value_set=_RELATIONS)
    table = pa.table(
        {
            "_pcode": occ_pcode,
            "_u": u,
            "_rel": pc.fill_null(rel, -1).cast(pa.int64()),
            **{c: arrow_table(occ[[c]])[c] for c in ("area_m2", "from_year", "to_year")},
            "_ok": occ["_ok"].to_numpy(dtype=bool),
            "_row": np.arange(n, dtype=np.int64),
        }
    )
    # A canonical row order (by value, not by position in the file) so that the sums in SQL
    # are the same however the input rows are shuffled. Sorted in Arrow on the codes, which
    # order the valid rows as their texts do (a sort on the texts took seconds); the row
    # number last makes the order total, missing values last.
    order = sort_order(table, ["_u", "_pcode", "_rel", "area_m2", "from_year", "to_year", "_row"])
    # ``_pos``: the place in that order, which fixes the order every sum adds its rows in.
    table = table.take(order).drop_columns(["_row"])
    table = table.append_column("_pos", pa.array(np.arange(n, dtype=np.int64)))
    return table, concat_findings(*found), pcode, ids, usccs


def _parcel_findings(con) -> pd.DataFrame:
    tol = 1 + _AREA_RTOL
    lease = con.sql(_PARCEL_ISSUES_SQL.format(condition=f"leased_raw > parcel_m2 * {tol}")).df()
    own = con.sql(_PARCEL_ISSUES_SQL.format(condition=f"explicit_raw > parcel_m2 * {tol}")).df()
    split = con.sql(_PARCEL_ISSUES_SQL.format(condition="n_implicit_firms > 1")).df()
    pid = "宗地" + lease["parcel_id"].astype(str)
    return concat_findings(
        findings_from(
            lease,
            severity="error",
            code="LEASE_EXCEEDS_PARCEL",
            layer="occupancy",
            row_id=lease["parcel_id"].astype(str),
            field="area_m2",
            message=pid
            + "（"
            + lease["parcel_m2"].round(1).astype(str)
            + "平方米）出租面积合计"
            + lease["leased_raw"].round(1).astype(str)
            + "平方米，超过宗地面积（"
            + lease["years"].astype(str)
            + "年）；已按比例缩减各承租方面积",
            suggestion="核对租赁面积与租期",
        ),
        findings_from(
            own,
            severity="error",
            code="OWN_EXCEEDS_PARCEL",
            layer="occupancy",
            row_id=own["parcel_id"].astype(str),
            field="area_m2",
            message="宗地"
            + own["parcel_id"].astype(str)
            + "（"
            + own["parcel_m2"].round(1).astype(str)
            + "平方米）自有面积合计"
            + own["explicit_raw"].round(1).astype(str)
            + "平方米，超过宗地面积（"
            + own["years"].astype(str)
            + "年）；已按比例缩减",
            suggestion="核对各权利人的面积",
        ),
        findings_from(
            split,
            severity="info",
            code="OWNERS_SPLIT_EQUALLY",
            layer="occupancy",
            row_id=split["parcel_id"].astype(str),
            field="area_m2",
            message="宗地"
            + split["parcel_id"].astype(str)
            + "有"
            + split["n_implicit_firms"].astype(str)
            + "个未填面积的权利人，按等分计算用地（"
            + split["years"].astype(str)
            + "年）",
            suggestion="如各权利人面积不同，请在用地关系表中填写面积",
        ),
    )

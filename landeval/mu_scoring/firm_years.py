"""Firm-years: tax (税务) and output (统计) joined, with firm attributes and land.

The two tables come from different bureaus. They are FULL OUTER joined on (uscc, year): a
firm-year on one side only is kept, with the other side's values missing, and is a warning
finding. Duplicate (uscc, year) rows within one table are summed (a warning).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import codes_in, repeated, sorted_dictionary
from landeval.findings import concat_findings
from landeval.inputs.model import AMOUNT_COLUMNS
from landeval.inputs.units import m2_to_mu
from landeval.mu_scoring._frames import (
    arrow_table,
    findings_from,
    group_codes,
    ordered_sums,
    run_codes,
    run_starts,
    sort_order,
    to_frame,
)

TAX_VALUES: tuple[str, ...] = AMOUNT_COLUMNS["firm_tax"]
OUTPUT_VALUES: tuple[str, ...] = AMOUNT_COLUMNS["firm_output"]
FIRM_ATTRIBUTES: tuple[str, ...] = (
    "name",
    "industry_code",
    "county_code",
    "scale",
    "start_year",
    "status",
)

FIRM_YEAR_COLUMNS: list[str] = [
    "uscc",
    "year",
    *FIRM_ATTRIBUTES,
    "in_registry",
    "has_tax",
    "has_output",
    "land_m2",
    "land_mu",
    *TAX_VALUES,
    *OUTPUT_VALUES,
]
"""Columns of :func:`assemble_firm_years`'s frame."""


# The per-firm-year sums are made in numpy in a fixed row order (:func:`_firm_year_sums`,
# :func:`_land_per_code`); the tax and output sides and the land are then joined on integer
# codes that sort as the usccs do (``_u``, a place in the sorted dictionary of usccs), in
# numpy (:func:`_joined`: no hash join and no sort on texts; on texts, with the firms'
# attributes carried through, a DuckDB query took ~10 s CPU a million parcels). The texts are
# taken back once at the end.


def assemble_firm_years(
    *,
    firms: pd.DataFrame,
    firm_tax: pd.DataFrame,
    firm_output: pd.DataFrame,
    land: pd.DataFrame,
    years: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join tax, output, firm attributes and land into one row per firm and year.

    Parameters
    ----------
    firms, firm_tax, firm_output : DataFrame
        Canonical tables (money in 万元).
    land : DataFrame
        Land per firm, year and parcel (:func:`landeval.mu_scoring.land.firm_land`).
    years : sequence of int, optional
        Years to keep; default every year in the tax or output table.

    Returns
    -------
    firm_years : DataFrame
        :data:`FIRM_YEAR_COLUMNS`, sorted by year and uscc. ``land_m2`` is 0 for a firm with
        no land in the year; ``has_tax`` / ``has_output`` say which side had the firm-year.
    findings : DataFrame
        TAX_WITHOUT_OUTPUT, OUTPUT_WITHOUT_TAX, DUPLICATE_FIRM_YEAR, FIRM_NOT_IN_REGISTRY and
        DUPLICATE_FIRM findings.
    """
    # The tax and output sums on two threads (their sorts and sums run in Arrow and numpy,
    # which release the GIL) while this one prepares the registry and the land.
    with ThreadPoolExecutor(max_workers=2) as pool:
        tax = pool.submit(_firm_year_sums, firm_tax, TAX_VALUES, count="n_tax")
        out = pool.submit(_firm_year_sums, firm_output, OUTPUT_VALUES, count="n_out")
        reg, dup_firms = _registry(firms)
        tax, out = tax.result(), out.result()
    if years is None:
        years = sorted(set(tax["year"].to_pylist()).union(out["year"].to_pylist()))
    yrs = pd.DataFrame({"year": pd.Series(sorted(set(years)), dtype="int64")})
    usccs = sorted_dictionary(tax["uscc"], out["uscc"])
    tax, out = _coded(tax, usccs), _coded(out, usccs)
    lnd = _land_per_code(land, usccs)
    coded = _joined(tax, out, lnd, years=yrs["year"], n_codes=len(usccs))
    del tax, out, lnd
    joined = to_frame(_with_texts(coded, usccs, reg))
    del coded

    fy = pd.DataFrame(
        {
            "uscc": joined["uscc"].astype("str"),
            "year": joined["year"].astype("int64"),
            "name": joined["name"].astype("str"),
            "industry_code": joined["industry_code"].astype("str"),
            "county_code": joined["county_code"].astype("str"),
            "scale": joined["scale"].astype("str"),
            "start_year": pd.to_numeric(joined["start_year"]).astype("Int64"),
            "status": joined["status"].astype("str"),
            "in_registry": joined["in_registry"].astype(bool),
            "has_tax": joined["n_tax"].astype("int64") > 0,
            "has_output": joined["n_out"].astype("int64") > 0,
            "land_m2": joined["land_m2"].astype("float64"),
        }
    )
    fy["land_mu"] = m2_to_mu(fy["land_m2"])
    for c in (*TAX_VALUES, *OUTPUT_VALUES):
        fy[c] = pd.to_numeric(joined[c]).astype("float64")
    fy = fy[FIRM_YEAR_COLUMNS]
    findings = concat_findings(
        dup_firms,
        _side_findings(fy),
        _duplicate_findings(joined),
        _registry_findings(fy),
    )
    return fy.reset_index(drop=True), findings


def _table(frame: pd.DataFrame, values: Sequence[str]) -> pa.Table:
    """uscc, year and the value columns (missing optional columns as null), typed for SQL."""
    out = pd.DataFrame(
        {
            "uscc": frame["uscc"].astype("str").reset_index(drop=True),
            "year": pd.to_numeric(frame["year"], errors="coerce").astype("Int64").to_numpy(),
        }
    )
    for c in values:
        src = frame[c] if c in frame.columns else pd.Series([None] * len(frame))
        out[c] = pd.to_numeric(src, errors="coerce").astype("float64").to_numpy()
    table = arrow_table(out[out["uscc"].notna() & out["year"].notna()])
    # A canonical row order: duplicate rows then add up identically however the input is
    # shuffled (the sums add rows in this order). Sorted in Arrow: pandas'
    # lexsort on the text column took seconds.
    return table.take(sort_order(table, ["uscc", "year", *values]))


def _firm_year_sums(frame: pd.DataFrame, values: Sequence[str], *, count: str) -> pa.Table:
    """uscc, year, the sum of each value column and the row count per firm-year.

    The rows are sorted by value first (:func:`_table`), so each firm-year is a run of rows,
    summed in that order (as DuckDB's ``sum`` on one thread over the same rows).
    """
    table = _table(frame, values)
    starts = run_starts(table, ["uscc", "year"])
    codes = run_codes(starts, table.num_rows)
    sums = {c: ordered_sums(table[c], codes, len(starts)) for c in values}
    rows = np.diff(np.append(starts, table.num_rows))
    firsts = table.select(["uscc", "year"]).take(pa.array(starts, type=pa.int64()))
    return pa.table(
        {
            "uscc": firsts["uscc"],
            "year": firsts["year"],
            **sums,
            count: pa.array(rows, type=pa.int64()),
        }
    )


def _coded(table: pa.Table, usccs: pa.Array) -> pa.Table:
    """``table`` (sorted by uscc) with ``uscc`` replaced by its code ``_u`` in ``usccs``.

    Each uscc's rows are a run: only the first of each run is looked up.
    """
    starts = run_starts(table, ["uscc"])
    first = codes_in(table["uscc"].take(pa.array(starts, type=pa.int64())), usccs)
    codes = first[run_codes(starts, table.num_rows)]
    return table.drop_columns(["uscc"]).add_column(0, "_u", pa.array(codes, type=pa.int64()))


def _land_per_code(land: pd.DataFrame, usccs: pa.Array) -> pa.Table:
    """``_u``, year and ``land_m2``: each firm-year's land, its uscc as a code in ``usccs``.

    Land of usccs not in ``usccs`` (no tax nor output row: no firm-year to join) is left out.
    Summed in the row order of ``land`` (sorted by year, parcel_id, uscc, relation).
    """
    table = arrow_table(land[["uscc", "year", "land_m2"]])
    u = codes_in(table["uscc"], usccs)
    keep = pa.array(u >= 0)
    table = pa.table(
        {
            "_u": pa.array(u[u >= 0], type=pa.int64()),
            "year": table["year"].filter(keep),
            "land_m2": table["land_m2"].filter(keep),
        }
    )
    codes, firsts = group_codes(table, ["_u", "year"])
    keys = table.select(["_u", "year"]).take(pa.array(firsts, type=pa.int64()))
    return keys.append_column("land_m2", ordered_sums(table["land_m2"], codes, len(firsts)))


def _joined(
    tax: pa.Table, out: pa.Table, land: pa.Table, *, years: pd.Series, n_codes: int
) -> pa.Table:
    """The full join of the tax and output sides on (``_u``, year), with the land.

    The tables have one row per (``_u``, year), ``_u`` a code below ``n_codes``. Each
    (year, code) is a cell numbered year place × ``n_codes`` + code, so that cells in
    number order are the rows sorted by year and code; only the listed ``years`` are kept.
    A firm-year with a tax or an output row is a result row; ``n_tax``/``n_out`` count its
    input rows (0 where the side has none), ``land_m2`` is 0 without land, and the value
    columns are missing where the side has no row. Cells are addressed through a table over
    all (year, code) cells when that is small, else through the sorted cells that occur.
    """
    listed = years.to_numpy(dtype=np.int64)
    width = max(n_codes, 1)

    def cells_of(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
        # The cell of each row of a listed year, and those rows.
        year = table["year"].to_numpy(zero_copy_only=False)
        place = np.searchsorted(listed, year)
        found = place < len(listed)
        found[found] = listed[place[found]] == year[found]
        return place[found] * width + table["_u"].to_numpy()[found], np.flatnonzero(found)

    (t_cell, t_row), (o_cell, o_row), (l_cell, l_row) = map(cells_of, (tax, out, land))
    size = len(listed) * width
    if size <= 4 * (tax.num_rows + out.num_rows + land.num_rows) + 16:
        # A table of every (year, code) cell: linear, no sort.
        present = np.zeros(size, dtype=bool)
        present[t_cell] = True
        present[o_cell] = True
        cells = np.flatnonzero(present)
        slot = np.full(size, -1, dtype=np.int64)
        slot[cells] = np.arange(len(cells))
    else:
        cells = np.union1d(t_cell, o_cell)
        slot = None

    def rows_at(cell: np.ndarray, rows: np.ndarray) -> np.ndarray:
        # The row of each result cell on one side; -1 where that side has none.
        if slot is not None:
            where = slot[cell]
        else:
            where = np.searchsorted(cells, cell)
            hit = where < len(cells)
            hit[hit] = cells[where[hit]] == cell[hit]
            where = np.where(hit, where, -1)
        out = np.full(len(cells), -1, dtype=np.int64)
        out[where[where >= 0]] = rows[where >= 0]
        return out

    t_at, o_at, l_at = rows_at(t_cell, t_row), rows_at(o_cell, o_row), rows_at(l_cell, l_row)

    def at(column: pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
        return column.take(pa.array(rows, mask=rows < 0, type=pa.int64()))

    def counts(column: pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
        # coalesce(count, 0)
        values = np.zeros(len(rows), dtype=np.int64)
        found = rows >= 0
        values[found] = column.to_numpy()[rows[found]]
        return pa.array(values)

    return pa.table(
        {
            "_u": pa.array(cells % width, type=pa.int64()),
            "year": pa.array(listed[cells // width], type=pa.int64()),
            "n_tax": counts(tax["n_tax"], t_at),
            "n_out": counts(out["n_out"], o_at),
            "land_m2": pc.fill_null(at(land["land_m2"], l_at), 0.0),
            **{c: at(tax[c], t_at) for c in TAX_VALUES},
            **{c: at(out[c], o_at) for c in OUTPUT_VALUES},
        }
    )


def _with_texts(coded: pa.Table, usccs: pa.Array, reg: pd.DataFrame) -> pa.Table:
    """The joined firm-years with their uscc texts and registry attributes taken back.

    ``in_registry`` says whether the registry ``reg`` (one row per uscc) has the firm; its
    attributes are missing otherwise.
    """
    u = coded["_u"].to_numpy()
    registry = arrow_table(reg)
    found = codes_in(registry["uscc"], usccs)
    row_of = np.full(len(usccs), -1, dtype=np.int64)
    row_of[found[found >= 0]] = np.flatnonzero(found >= 0)
    rows = row_of[u]
    missing = rows < 0
    take = pa.array(rows, mask=missing, type=pa.int64())
    columns = {"uscc": usccs.take(pa.array(u, type=pa.int64())), "year": coded["year"]}
    columns.update({c: registry[c].take(take) for c in FIRM_ATTRIBUTES})
    columns["in_registry"] = pa.array(~missing)
    out = pa.table(columns)
    for name in coded.column_names[2:]:
        out = out.append_column(name, coded[name])
    return out


def _registry(firms: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The firm registry with one row per uscc (the first kept) and findings for repeats."""
    n = len(firms)
    reg = pd.DataFrame({"uscc": firms["uscc"].astype("str").reset_index(drop=True)})
    for c in FIRM_ATTRIBUTES:
        src = firms[c] if c in firms.columns else pd.Series([None] * n)
        # Kept as Series: to_numpy() turned Arrow text into Python objects (seconds).
        reg[c] = src.reset_index(drop=True)
    reg["start_year"] = pd.to_numeric(reg["start_year"], errors="coerce").astype("Int64")
    for c in ("name", "industry_code", "county_code", "scale", "status"):
        reg[c] = reg[c].astype("str")
    dup = pd.Series(repeated(reg["uscc"]), index=reg.index) & reg["uscc"].notna()
    found = findings_from(
        reg[dup],
        severity="warning",
        code="DUPLICATE_FIRM",
        layer="firms",
        row_id=reg.loc[dup, "uscc"].astype(str),
        field="uscc",
        message="企业名录中统一社会信用代码重复，评价采用第一条记录",
        suggestion="删除或合并重复的企业记录",
    )
    return reg[~dup & reg["uscc"].notna()], found


def _side_findings(fy: pd.DataFrame) -> pd.DataFrame:
    tax_only = fy["has_tax"] & ~fy["has_output"]
    out_only = fy["has_output"] & ~fy["has_tax"]

    def year(mask: pd.Series) -> pd.Series:
        # Years as text only for the (few) flagged rows, not for millions.
        return fy.loc[mask, "year"].astype(str)

    return concat_findings(
        findings_from(
            fy[tax_only],
            severity="warning",
            code="TAX_WITHOUT_OUTPUT",
            layer="firm_output",
            row_id=fy.loc[tax_only, "uscc"].astype(str),
            field="value_added",
            message=year(tax_only) + "年有税务数据但无统计数据，增加值等指标按缺失处理",
            suggestion="向统计（经信）部门补充该企业该年度的数据",
        ),
        findings_from(
            fy[out_only],
            severity="warning",
            code="OUTPUT_WITHOUT_TAX",
            layer="firm_tax",
            row_id=fy.loc[out_only, "uscc"].astype(str),
            field="tax",
            message=year(out_only) + "年有统计数据但无税务数据，税收指标按缺失处理",
            suggestion="向税务部门补充该企业该年度的数据",
        ),
    )


def _duplicate_findings(joined: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for col, layer, label in (("n_tax", "firm_tax", "税务"), ("n_out", "firm_output", "统计")):
        dup = joined[col].astype("int64") > 1
        parts.append(
            findings_from(
                joined[dup],
                severity="warning",
                code="DUPLICATE_FIRM_YEAR",
                layer=layer,
                row_id=joined.loc[dup, "uscc"].astype(str),
                field="year",
                message=label
                + "数据中该企业"
                + joined.loc[dup, "year"].astype(str)
                + "年有"
                + joined.loc[dup, col].astype(str)
                + "条记录，已合计",
                suggestion="核对是否重复报送",
            )
        )
    return concat_findings(*parts)


def _registry_findings(fy: pd.DataFrame) -> pd.DataFrame:
    missing = fy[~fy["in_registry"]].drop_duplicates("uscc")
    return findings_from(
        missing,
        severity="warning",
        code="FIRM_NOT_IN_REGISTRY",
        layer="firms",
        row_id=missing["uscc"].astype(str),
        field="uscc",
        message="税务或统计数据中的企业不在企业名录中，不参评",
        suggestion="在企业名录中补充该企业（行业、区县、规模）",
    )

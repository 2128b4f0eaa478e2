"""Allocation (DESIGN §5 "Parcel roll-up"): each firm-year's money split over its parcels.

The rule: each firm-year's tax, value added, revenue and R&D expense are split over its
parcels in proportion to the land it holds on each (share = its land on the parcel / its
land in the year). The land, firm-year and registry rows meet through uscc codes in numpy
(no join on texts); the same rule written plainly in pandas is the reference the tests check
this against (``tests/mu_scoring/test_allocation.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import shared_codes, text_array
from landeval.inputs.model import RESULT_COLUMNS
from landeval.mu_scoring._firm_rows import (
    firm_frame,
    firm_year_rows,
    first_rows,
    floats_at,
    registry,
)
from landeval.mu_scoring._frames import (
    arrow_table,
    group_codes,
    is_sorted,
    ordered_sums,
    sort_order,
    to_frame,
)

ALLOCATED_VALUES: tuple[str, ...] = ("tax", "value_added", "revenue", "rd_expense")
"""Money columns split over a firm's parcels (revenue and rd_expense are extra columns)."""

_ALLOC_KEYS: list[str] = ["year", "parcel_id", "uscc", "relation"]


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
        ``RESULT_COLUMNS["allocation"]`` then ``revenue`` and ``rd_expense``, sorted by year,
        parcel_id, uscc, relation; land rows without a uscc or year are left out. Money is
        missing where the firm-year has no such figure (or no tax/output row at all).

    Raises
    ------
    ValueError
        ``firm_scores`` has more than one row for a firm-year.
    """
    fs = firm_frame(firm_scores, ["scale", *ALLOCATED_VALUES])
    reg = registry(firms)
    lnd = land[["uscc", "year", "parcel_id", "relation", "land_m2"]].assign(
        _row=np.arange(len(land))
    )
    table = arrow_table(lnd)
    # Land as firm_land returns it is in the result's order already; other land is sorted
    # here, so that the result's order is that of the row numbers.
    if not is_sorted(table, _ALLOC_KEYS):
        table = table.take(sort_order(table, [*_ALLOC_KEYS, "_row"]))
        table = table.set_column(5, "_row", pa.array(np.arange(len(land), dtype=np.int64)))
    rows, joined = _shares_and_money(table, fs=fs, reg=reg)
    if len(rows) < table.num_rows:
        # Rows without a firm-year (a missing uscc or year) are left out.
        table = table.take(pa.array(rows, type=pa.int64()))
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


def _shares_and_money(
    table: pa.Table, *, fs: pd.DataFrame, reg: pd.DataFrame
) -> tuple[np.ndarray, pa.Table]:
    """Each land row's share of its firm-year's land, scale and money, in ``table``'s order.

    Returns the positions of the land rows that have a firm-year (rows without a uscc or a
    year have none and are left out) and their share, scale and money columns. The land,
    firm-year and registry rows meet through uscc codes (one dictionary encoding of the
    three uscc columns) instead of joins on the texts.
    Each firm-year's land is summed in the land's row order, missing land skipped (a
    firm-year whose land is all missing has none); a missing land row has no share. The
    scale is the firm-year's, else the registry's.
    """
    (land_u, fs_u, reg_u), n_codes = shared_codes(
        table["uscc"], text_array(fs["uscc"]), text_array(reg["uscc"])
    )
    year = table["year"]
    keep = (land_u >= 0) & pc.is_valid(year).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(keep)
    years = pc.fill_null(year, 0).to_numpy(zero_copy_only=False).astype(np.int64)[rows]
    land = table["land_m2"].take(pa.array(rows, type=pa.int64()))
    known = pc.is_valid(land).to_numpy(zero_copy_only=False)
    values = pc.fill_null(land, 0.0).to_numpy(zero_copy_only=False)
    # Each firm-year's land, added in row order (as ordered_sums adds, nulls skipped).
    firm_year, firm_years = group_codes(pa.table({"u": land_u[rows], "y": years}), ["u", "y"])
    firm_m2 = ordered_sums(land, firm_year, len(firm_years)).to_numpy(zero_copy_only=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(known, values / firm_m2[firm_year], np.nan)
    fs_row = firm_year_rows(fs_u, fs["year"].to_numpy(dtype=np.int64), land_u[rows], years)
    reg_row = first_rows(reg_u, n_codes)[land_u[rows]]

    def at(column: pd.Series, where: np.ndarray) -> pa.Array:
        return text_array(column).take(pa.array(where, mask=where < 0, type=pa.int64()))

    out = {
        "share": pa.array(share, mask=~known),
        "scale": pc.coalesce(at(fs["scale"], fs_row), at(reg["scale"], reg_row)),
    }
    for c in ALLOCATED_VALUES:
        money = floats_at(fs[c], fs_row)
        out[c] = pa.array(money * share, mask=np.isnan(money) | ~known)
    return rows, pa.table(out)

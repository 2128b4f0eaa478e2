"""The 数据问题 table: each data problem once, with the firm and county to route it to.

Two stages may report one problem of a firm-year (the validation, naming the row
``uscc/year``; the scoring, naming the firm and the year in its message): the table keeps
the first report of each (problem code, firm, year). Each row names the firm (from the
firm register or the scores) and the county whose office fixes it (the firm's county, or
the parcel's for a parcel problem). Everything is done with whole-column string kernels.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landeval.export._columns import FINDING_SHEET_COLUMNS
from landeval.export._tables import Table, build_table, column_of

_USCC = r"([0-9A-HJ-NPQRTUWXY]{18})"
_YEAR_IN_ID = r"/((?:19|20)\d{2})$"
_YEAR_IN_MESSAGE = r"((?:19|20)\d{2})\s*年"
_PARCEL_LAYERS = ("parcels", "parcel_eval")


def findings_table(
    findings: pd.DataFrame | None,
    *,
    lang: str = "zh",
    firms: pd.DataFrame | None = None,
    parcel_counties: pd.Series | None = None,
    county_names: Mapping[str, str] | None = None,
) -> Table:
    """Data-quality findings in the order given (severity first), each problem once.

    Parameters
    ----------
    findings : DataFrame or None
        The ``findings`` table.
    lang : {"zh", "en"}
        Language of headers and labels.
    firms : DataFrame, optional
        Firms with columns uscc, name and county_code (the register, or the scores).
    parcel_counties : Series, optional
        County code by parcel code (the index).
    county_names : mapping, optional
        County code → name.
    """
    frame = findings if findings is not None else pd.DataFrame()
    if len(frame):
        # the firm and year of each row, read once for the deduplication and the columns
        row_id = column_of(frame, "row_id").astype("string")
        uscc = row_id.str.extract(_USCC, expand=False)
        years = _years(frame)
        first = _first_reports(frame, uscc, years)
        frame, row_id, uscc, years = frame[first], row_id[first], uscc[first], years[first]
        register = _by_key(firms, "uscc")
        names = _lookup(uscc, column_of(register, "name"))
        counties = _lookup(uscc, column_of(register, "county_code"))
        if parcel_counties is not None and len(parcel_counties):
            on_parcel = column_of(frame, "layer").astype("string").isin(_PARCEL_LAYERS)
            of_parcel = _lookup(row_id, parcel_counties)
            counties = counties.where(~on_parcel.fillna(False).to_numpy(bool), of_parcel)
        shown = pd.Series(dict(county_names or {}), dtype=object)
        frame = frame.assign(
            firm_name=names,
            county_name=_lookup(counties, shown).fillna(counties),
            # the year of a firm-year problem (the others are about no one year)
            year=years.where(uscc.notna()).astype("float64"),
        )
        frame = frame.assign(
            **{c: _texts(frame[c]) for c in frame.columns if frame[c].dtype == object}
        )
    return build_table(frame, FINDING_SHEET_COLUMNS, lang=lang)


def _texts(values: pd.Series) -> pd.Series:
    """``values`` as a ``str`` column when every value is text or missing, else as given.

    A text column is written as it is, and a column of codes or labels is converted once
    per distinct value; objects would be converted cell by cell, to the same texts.
    """
    if pd.api.types.infer_dtype(values, skipna=True) in {"string", "empty"}:
        return values.astype("str")
    return values


def _by_key(frame: pd.DataFrame | None, key: str) -> pd.DataFrame:
    """``frame`` indexed by its text column ``key`` (first row of each key); empty if none."""
    if frame is None or key not in frame:
        return pd.DataFrame()
    out = frame.set_index(frame[key].astype(str).to_numpy())
    return out[~out.index.duplicated()]


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values[key]`` of each key (missing where absent), as objects aligned with ``keys``."""
    if not len(values):
        return pd.Series(None, index=keys.index, dtype=object)
    values = values[~values.index.duplicated()]
    at = values.index.get_indexer(keys.astype(object).where(keys.notna(), None))
    out = values.to_numpy(dtype=object)[at.clip(min=0)]
    out[at < 0] = None
    return pd.Series(out, index=keys.index, dtype=object)


def dedupe_findings(findings: pd.DataFrame | None) -> pd.DataFrame:
    """``findings`` with each (code, firm, year) problem of a firm-year once (the first)."""
    frame = findings if findings is not None else pd.DataFrame()
    if not len(frame) or "row_id" not in frame or "code" not in frame:
        return frame
    uscc = frame["row_id"].astype("string").str.extract(_USCC, expand=False)
    return frame[_first_reports(frame, uscc, _years(frame))]


def _first_reports(frame: pd.DataFrame, uscc: pd.Series, years: pd.Series) -> np.ndarray:
    """Which rows are the first report of their (code, firm, year) problem (all without codes).

    ``uscc`` and ``years`` are each row's firm and year (missing: not a firm-year's).
    """
    if "row_id" not in frame or "code" not in frame:
        return np.ones(len(frame), dtype=bool)
    key = pd.DataFrame(
        {
            "code": frame["code"].astype("string"),
            "uscc": uscc,
            "year": years.astype("string"),
            # rows of no firm-year are never merged: their own position keeps them apart
            "own": pd.Series(range(len(frame)), index=frame.index).where(
                uscc.isna() | years.isna()
            ),
        },
        index=frame.index,
    )
    return ~key.duplicated(keep="first").to_numpy(dtype=bool)


def _years(frame: pd.DataFrame) -> pd.Series:
    """The year a finding is about: from its row id (``uscc/2024``) or its message."""
    row_id = column_of(frame, "row_id").astype("string")
    message = column_of(frame, "message").astype("string")
    from_id = row_id.str.extract(_YEAR_IN_ID, expand=False)
    from_message = message.str.extract(_YEAR_IN_MESSAGE, expand=False)
    return pd.to_numeric(from_id.fillna(from_message), errors="coerce")

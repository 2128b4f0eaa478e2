"""From the file's columns to the canonical model: the steps, in order.

1. rename the columns and find the units their headers give (:mod:`landeval.inputs.rename`);
2. coerce each column to its type in :data:`landeval.inputs.model.SCHEMAS`: text and codes
   (:mod:`landeval.inputs.codes`, cleaned by :mod:`landeval.inputs.text`), numbers
   (:mod:`landeval.inputs.numbers`), dates (:mod:`landeval.inputs.dates`); every value that
   cannot be read is a finding with its row and field, and is left missing;
3. normalise codes (统一社会信用代码, 宗地代码) and map coded values to their canonical codes;
4. convert money to 万元 (:mod:`landeval.inputs.money`).

Optional columns the file lacks are added, all missing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

from landeval.findings import Finding
from landeval.inputs.aliases import VALUE_ALIASES
from landeval.inputs.codes import normalise_code, to_text
from landeval.inputs.dates import to_date
from landeval.inputs.model import MONEY_COLUMNS, SCHEMAS, SOURCE_ROW, row_label
from landeval.inputs.money import convert_money
from landeval.inputs.numbers import to_number
from landeval.inputs.rename import map_values, rename_columns
from landeval.inputs.text import STR_DTYPE


def canonicalize(
    frame: pd.DataFrame,
    layer: str,
    *,
    mapping: Mapping[str, str] | None = None,
    money_unit: str | None = None,
    header_units: Mapping[str, str] | None = None,
    source: str = "",
) -> tuple[pd.DataFrame, list[Finding]]:
    """Rename, coerce and convert one layer or table to its canonical columns.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The file's columns (and geometry); a :data:`SOURCE_ROW` column is kept if present.
    layer : str
        Canonical layer or table name.
    mapping : mapping, optional
        The project's ``[fields.<layer>]``: canonical column → file column.
    money_unit : {"yuan", "thousand_yuan", "wan_yuan", ""}, optional
        Declared money unit (``[units]``) for tables with money columns; "" or None: the
        headers' units, else 万元 (:mod:`landeval.inputs.money`).
    header_units : mapping, optional
        File column → unit from a units row under the header.
    source : str
        File name, for messages.

    Returns
    -------
    (DataFrame, list of Finding)
        A new frame with the canonical columns (required, then optional, missing optional
        columns filled with missing values), geometry and :data:`SOURCE_ROW` when present,
        and the findings.

    Raises
    ------
    DataError
        A required column is missing.
    """
    renamed, units, findings = rename_columns(
        frame, layer, mapping=mapping, header_units=header_units, source=source
    )
    schema = SCHEMAS[layer]
    rows = renamed[SOURCE_ROW] if SOURCE_ROW in renamed.columns else None
    out: dict[str, pd.Series] = {}
    for col, kind in {**schema["required"], **schema["optional"]}.items():
        if col not in renamed.columns:
            out[col] = _empty(kind, len(renamed), renamed.index)
            continue
        series, problems = _coerce(renamed[col], kind, col=col, layer=layer, rows=rows)
        out[col] = series
        findings.extend(problems)
    # copy=False: the columns are new already, and stacking them into blocks costs a copy.
    result = pd.DataFrame(out, index=renamed.index, copy=False)
    for col in ("uscc", "parcel_id"):
        if col in result.columns:
            result[col], note = normalise_code(
                result[col], renamed.get(col), col=col, layer=layer, rows=rows, source=source
            )
            findings.extend(note)
    for (lay, col), aliases in VALUE_ALIASES.items():
        if lay == layer and col in result.columns:
            result[col] = map_values(result[col], aliases)
    if SOURCE_ROW in renamed.columns:
        result[SOURCE_ROW] = renamed[SOURCE_ROW].to_numpy()
    if layer in MONEY_COLUMNS:
        result, money_findings = convert_money(result, layer, money_unit or "", units, source)
        findings.extend(money_findings)
    if "geometry" in frame.columns:
        import geopandas as gpd  # noqa: PLC0415 - tables never need it

        result = gpd.GeoDataFrame(result, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return result.reset_index(drop=True), findings


def _empty(kind: str, n: int, index: pd.Index) -> pd.Series:
    """A column of ``n`` missing values of the canonical type ``kind``."""
    # Built from arrays: a list of a million Nones is slow to read back.
    if kind == "str":
        values = ArrowStringArray(
            pa.chunked_array([pa.nulls(n, pa.large_string())]), dtype=STR_DTYPE
        )
        return pd.Series(values, index=index)
    if kind == "float":
        return pd.Series(np.full(n, np.nan), index=index, dtype="float64")
    if kind == "int":
        values = pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))
        return pd.Series(values, index=index, dtype="Int64")
    return pd.Series(np.full(n, np.datetime64("NaT", "ns")), index=index, dtype="datetime64[ns]")


def _coerce(
    series: pd.Series, kind: str, *, col: str, layer: str, rows: pd.Series | None
) -> tuple[pd.Series, list[Finding]]:
    if kind == "str":
        return to_text(series, col=col, layer=layer, rows=rows)
    if kind == "date":
        return to_date(series, col=col, layer=layer, rows=rows)
    values, bad = to_number(series, integer=kind == "int")
    infinite = _non_finite(series[bad]) if bad.any() else set()
    findings = [
        Finding(
            "error",
            "VALUE_NOT_FINITE",
            layer,
            row_label(rows, i),
            col,
            f"{col} 的值 {str(series.loc[i])!r} 不是有限的数 (无穷大或超出范围)"
            f" / {col} is not a finite number",
            "请更正该单元格 (常见原因: 除以 0 的公式结果, 或数字位数错误)",
        )
        if i in infinite
        else Finding(
            "warning",
            "VALUE_NOT_NUMBER" if kind == "float" else "VALUE_NOT_INTEGER",
            layer,
            row_label(rows, i),
            col,
            f"无法识别为{'数值' if kind == 'float' else '整数'}: {series.loc[i]!r}, 按缺失处理",
            "请修正该单元格",
        )
        for i in series.index[bad]
    ]
    return values, findings


def _non_finite(cells: pd.Series) -> set[object]:
    """Index labels of ``cells`` that read as ±infinity (``inf``, ``1e400``, a float inf).

    :func:`~landeval.inputs.numbers.to_number` leaves them missing with the unreadable cells;
    an infinite amount is not a gap but a broken number, which must stop a run (DESIGN §5).
    """
    numbers = pd.to_numeric(
        cells.astype(object).map(
            lambda v: unicodedata.normalize("NFKC", str(v)).strip().replace(",", "")
        ),
        errors="coerce",
    )
    return set(cells.index[np.isinf(numbers.to_numpy(dtype="float64", na_value=np.nan))])

"""Text columns and codes: numbers that reached a text column, codes written loosely.

Codes stay text (DESIGN §3): a number cell in a text column becomes its exact digits, and
one that passed through a float with more than 15 digits (9.1330602E+17) is a finding, never
silently rounded. Codes (统一社会信用代码, 宗地代码) are upper-cased without inner spaces, and
that repair is recorded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from landeval.findings import Finding
from landeval.inputs.model import row_label
from landeval.inputs.text import (
    STR_DTYPE,
    arrow_of,
    clean_text,
    contains_any,
    has_space,
    on_subset,
    strip,
    text_series,
    upper,
)

CODE_COLUMNS = {"uscc", "parcel_id", "county_code", "industry_code", "platform_id"}
"""Columns holding codes: a code that lost digits in a float is an error there."""
_EXACT_FLOAT_DIGITS = 15  # a double holds 15 significant decimal digits exactly


def to_text(
    series: pd.Series, *, col: str, layer: str, rows: pd.Series | None
) -> tuple[pd.Series, list[Finding]]:
    """A text column from any cells: number cells become their digits, text is cleaned.

    Parameters
    ----------
    series : Series
        The file's cells (text, or Python numbers from XLSX and Parquet).
    col, layer : str
        Canonical column and layer, for findings.
    rows : Series, optional
        The row number in the file of each cell (:data:`~landeval.inputs.model.SOURCE_ROW`).

    Returns
    -------
    (Series, list of Finding)
        ``str`` cells, cleaned by :func:`~landeval.inputs.text.clean_text` (codes written
        ``330602.0`` lose the ``.0``), and CODE_STORED_AS_NUMBER per number cell of more
        than 15 digits that went through a float (error in a code column).
    """
    findings: list[Finding] = []
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(object)
    if pd.api.types.is_integer_dtype(series):
        return series.astype("Int64").astype("str"), findings
    if pd.api.types.is_float_dtype(series) or series.dtype == object:
        is_num = series.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)))
        is_num &= ~series.map(lambda v: isinstance(v, bool))
        if is_num.any():
            nums = series[is_num].astype("float64")
            lost = (nums.abs() >= 10**_EXACT_FLOAT_DIGITS) & series[is_num].map(
                lambda v: isinstance(v, (float, np.floating))
            )
            series = series.astype(object).copy()
            series[is_num] = [_number_text(v) for v in series[is_num]]
            findings.extend(
                Finding(
                    "error" if col in CODE_COLUMNS else "warning",
                    "CODE_STORED_AS_NUMBER",
                    layer,
                    row_label(rows, i),
                    col,
                    f"{col} 在文件中以数值存储 ({series.loc[i]}), "
                    "超过15位的数字已被 Excel 舍入, 无法还原",
                    "请在原始表中把该列设为文本格式后重新导出",
                )
                for i in lost.index[lost]
            )
    text = clean_text(series)
    if col in CODE_COLUMNS:
        # Codes written as "330602.0" by a tool that went through float.
        text = on_subset(
            text,
            contains_any(text, "."),
            lambda s: s.str.replace(r"^(\d+)\.0+$", r"\1", regex=True),
        )
    return text, findings


_CODE_EXAMPLES = 3


def normalise_code(
    text: pd.Series,
    raw: pd.Series | None,
    *,
    col: str,
    layer: str,
    rows: pd.Series | None,
    source: str,
) -> tuple[pd.Series, list[Finding]]:
    """Codes in upper case without inner spaces; one warning per column when any changed.

    ``text`` is already NFKC-normalised (full-width → half-width) and stripped; ``raw`` are
    the file's cells, to tell which codes were written differently (a repair is recorded).
    """
    codes = upper(
        on_subset(
            text,
            has_space(text),
            lambda s: s.str.replace(r"\s+", "", regex=True),
        )
    )
    if raw is None:
        return codes, []
    if raw.dtype == object:  # XLSX cells: text and numbers mixed
        written = raw.map(lambda v: v.strip() if isinstance(v, str) else None).astype("str")
    elif raw.dtype == STR_DTYPE:
        written = text_series(raw, strip(arrow_of(raw)))
    elif pd.api.types.is_string_dtype(raw):
        written = raw.str.strip()
    else:
        return codes, []
    if written.dtype == STR_DTYPE and codes.dtype == STR_DTYPE:
        # written != codes as pandas compares text: a missing cell differs from any other.
        differs = pc.not_equal(arrow_of(written), arrow_of(codes)).fill_null(True)
        present = pc.is_valid(arrow_of(codes))
        changed = pd.Series(
            np.asarray(pc.and_(differs, present).to_numpy(), dtype=bool), index=codes.index
        )
    else:
        changed = (written != codes).fillna(False).astype(bool) & codes.notna().to_numpy()
    if not changed.any():
        return codes, []
    idx = changed[changed].index
    examples = "; ".join(
        f"{row_label(rows, i)}: {written.loc[i]!r} → {codes.loc[i]!r}" for i in idx[:_CODE_EXAMPLES]
    )
    more = f" 等 {len(idx)} 行" if len(idx) > _CODE_EXAMPLES else ""
    finding = Finding(
        "warning",
        "CODE_NORMALISED",
        layer,
        row_label(rows, idx[0]),
        col,
        f"{source} 中 {col} 的写法不规范 (全角字符、小写字母或空格), 已规范化: {examples}{more}",
        "请在原始数据中统一为半角大写、无空格的编码, 以免与其他部门的数据对不上",
    )
    return codes, [finding]


def _number_text(value: object) -> object:
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    return str(int(value))

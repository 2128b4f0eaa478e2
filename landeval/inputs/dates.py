"""Date cells: Excel dates, ISO text and the Chinese ways of writing a date (2023年5月1日)."""

from __future__ import annotations

import pandas as pd

from landeval.findings import Finding
from landeval.inputs.model import row_label
from landeval.inputs.text import clean_text


def to_date(
    series: pd.Series, *, col: str, layer: str, rows: pd.Series | None
) -> tuple[pd.Series, list[Finding]]:
    """A ``datetime64[ns]`` column from date cells, text (``2023年5月1日``, ``2024/02/29``) or both.

    Every cell that is present but not a date is left missing with a VALUE_NOT_DATE warning
    naming its row (``rows``: each cell's row number in the file, as for
    :func:`~landeval.inputs.codes.to_text`).
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype("datetime64[ns]"), []
    obj = series.astype(object)
    is_dt = obj.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
    text = clean_text(obj.where(~is_dt, None))
    text = text.str.replace(r"[年月./]", "-", regex=True).str.replace("日", "", regex=False)
    parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    values = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if is_dt.any():
        values[is_dt] = pd.to_datetime(obj[is_dt])
    values[text.notna()] = parsed[text.notna()]
    bad = text.notna() & values.isna()
    findings = [
        Finding(
            "warning",
            "VALUE_NOT_DATE",
            layer,
            row_label(rows, i),
            col,
            f"无法识别为日期: {series.loc[i]!r}, 按缺失处理",
            "请使用 YYYY-MM-DD 格式",
        )
        for i in series.index[bad]
    ]
    return values, findings

"""Reading attribute tables as handed over: CSV (UTF-8 ± BOM, GBK, GB18030), XLSX, Parquet.

:func:`read_raw_table` picks the reader by the file's extension: :mod:`landeval.inputs.csvfile`,
:mod:`landeval.inputs.xlsxfile`, or pandas for Parquet. Every cell is read as text or as the
exact number stored, so codes keep their leading zeros and 18-digit credit codes never pass
through a float; title rows, a units row and totals rows are handled by
:mod:`landeval.inputs.layout`.

The frames returned here hold the raw cells (text or Python numbers) under the file's own
headers, plus :data:`~landeval.inputs.model.SOURCE_ROW`: the row number in the file (1-based,
as a spreadsheet shows it). :mod:`landeval.inputs.canonical` turns them into the canonical
model.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from landeval.errors import DataError
from landeval.inputs.csvfile import read_csv
from landeval.inputs.layout import RawTable
from landeval.inputs.model import SOURCE_ROW
from landeval.inputs.xlsxfile import read_xlsx

__all__ = ["RawTable", "read_raw_table"]


def read_raw_table(path: Path, *, layer: str, sheet: str | None = None) -> RawTable:
    """Read a CSV, XLSX or Parquet file into a :class:`RawTable`.

    Parameters
    ----------
    path : Path
        The file (opened read-only).
    layer : str
        Canonical table name, used to find the header row by its aliases.
    sheet : str, optional
        XLSX sheet name (from ``file.xlsx#sheet``); default: the sheet whose header matches
        best.

    Raises
    ------
    DataError
        The file is missing, of an unknown kind, or unreadable.
    """
    if not path.is_file():
        msg = f"文件不存在: {path}"
        raise DataError(msg)
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return read_csv(path, layer)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, layer, sheet)
    if suffix in {".parquet", ".pq", ".geoparquet"}:
        return _read_parquet(path)
    if suffix == ".xls":
        msg = f"{path.name}: 不支持旧版 .xls 格式, 请在 Excel 中另存为 .xlsx 或 CSV"
        raise DataError(msg)
    msg = f"{path.name}: 不支持的表格格式 {suffix or '(无扩展名)'}; 支持 CSV、XLSX、Parquet"
    raise DataError(msg)


def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for a broken file
        msg = f"{path.name}: 无法读取 Parquet ({type(exc).__name__}: {exc})"
        raise DataError(msg) from None
    if "geometry" in frame.columns:
        frame = frame.drop(columns="geometry")
    frame = frame.reset_index(drop=True)
    frame[SOURCE_ROW] = range(1, len(frame) + 1)
    return RawTable(frame)

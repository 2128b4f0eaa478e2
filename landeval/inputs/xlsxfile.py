"""Reading an XLSX workbook as handed over: the best sheet, cells as stored, formulas checked.

Every cell is read as the exact value stored (text, or a number), so an 18-digit credit code
typed as text keeps its digits. The sheet whose header matches the table best is read unless
one is named (``file.xlsx#sheet``). A formula whose result was never computed (a workbook
written by a program) is a warning, never a silent blank. The header row, units row and
totals rows are found by :mod:`landeval.inputs.layout`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.aliases import count_matches
from landeval.inputs.layout import (
    HEADER_SCAN_ROWS,
    RawTable,
    drop_totals_and_blanks,
    duplicate_headers,
    header_index,
    take_units_row,
)
from landeval.inputs.model import SOURCE_ROW


def read_xlsx(path: Path, layer: str, sheet: str | None) -> RawTable:
    """Read the cells of one sheet of a workbook (``sheet``, or the best matching one).

    Raises
    ------
    DataError
        The workbook cannot be opened, the sheet does not exist, or the workbook is empty.
    """
    import openpyxl  # noqa: PLC0415 - heavy import only when an XLSX is read

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        msg = f"{path.name}: 无法打开 XLSX ({type(exc).__name__}: {exc})"
        raise DataError(msg) from None
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                msg = f"{path.name}: 没有名为 {sheet!r} 的工作表; 有 {book.sheetnames}"
                raise DataError(msg)
            names = [sheet]
        else:
            names = list(book.sheetnames)
        best: tuple[int, list[list[object]], int, str] | None = None
        for name in names:
            rows = [list(r) for r in book[name].iter_rows(values_only=True)]
            idx = header_index(rows[:HEADER_SCAN_ROWS], layer)
            score = count_matches(rows[idx], layer) if rows else 0
            if best is None or score > best[0]:
                best = (score, rows, idx, name)
    finally:
        book.close()
    if best is None or not best[1]:
        msg = f"{path.name}: 工作簿是空的"
        raise DataError(msg)
    _score, rows, idx, chosen = best
    notes: list[Finding] = []
    if len(names) > 1:
        notes.append(
            Finding(
                "info",
                "SHEET_CHOSEN",
                layer,
                None,
                None,
                f"{path.name} 有 {len(names)} 个工作表 {names}, 读取了表头最匹配的 {chosen!r}",
                f"如不对, 可在路径后加 #工作表名 指定, 例如 {path.name}#{chosen}",
            )
        )
    notes.extend(duplicate_headers(rows[idx], layer, path.name))
    notes.extend(_uncomputed_formulas(path, chosen, rows, idx, layer))
    header = _unique_headers(rows[idx])
    body = rows[idx + 1 :]
    width = len(header)
    data = [(list(r) + [None] * width)[:width] for r in body]
    frame = pd.DataFrame(data, columns=header, dtype=object)
    frame[SOURCE_ROW] = range(idx + 2, idx + 2 + len(frame))
    frame, units = take_units_row(frame)
    frame, dropped = drop_totals_and_blanks(frame, layer, path.name)
    return RawTable(frame, units, None, notes + dropped)


def _uncomputed_formulas(
    path: Path, sheet: str, values: list[list[object]], header_idx: int, layer: str
) -> list[Finding]:
    """Formula cells with no stored result: a warning each.

    A workbook written by a program and never opened in Excel has formulas without cached
    results; their value reads as empty, which must not pass silently.
    """
    has_blank = any(v is None for row in values[header_idx + 1 :] for v in row)
    if not has_blank or not _has_formulas(path):
        return []
    import openpyxl  # noqa: PLC0415

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    header = values[header_idx]
    found: list[Finding] = []
    for i in range(header_idx + 1, min(len(values), len(formulas))):
        for j, cell in enumerate(formulas[i]):
            value = values[i][j] if j < len(values[i]) else None
            if value is None and isinstance(cell, str) and cell.startswith("="):
                column = header[j] if j < len(header) else j + 1
                found.append(
                    Finding(
                        "warning",
                        "FORMULA_NOT_COMPUTED",
                        layer,
                        f"row {i + 1}",
                        str(column),
                        f"{path.name} 工作表 {sheet!r} 第 {i + 1} 行 {column} 列是公式 {cell},"
                        " 但文件中没有计算结果, 按缺失处理",
                        "请在 Excel 中打开并保存该文件 (保存公式的计算结果), 或把公式粘贴为数值",
                    )
                )
    return found


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of an XLSX holds a formula (``<f>`` elements), cheaply."""
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    data = archive.read(name)
                    if b"<f>" in data or b"<f " in data:
                        return True
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return False


def _unique_headers(cells: list[object]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = str(cell).strip() if cell is not None and str(cell).strip() else f"未命名{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out

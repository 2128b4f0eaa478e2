"""Reading attribute tables as handed over: CSV (UTF-8 ± BOM, GBK, GB18030), XLSX, Parquet.

Bureau spreadsheets rarely start with the header on row 1: there are title rows, merged
cells, a units row under the header and totals rows at the bottom. The header row is the
row (among the first ones) whose cells match the most known column aliases of the table;
a units row right under it gives the columns' units; rows labelled 合计/总计/小计 are dropped
with an info finding. Every cell is read as text or as the exact number stored, so codes
keep their leading zeros and 18-digit credit codes never pass through a float.

The frames returned here hold the raw cells (text or Python numbers) under the file's own
headers, plus ``source_row``: the row number in the file (1-based, as a spreadsheet shows
it). :mod:`landeval.inputs.canonical` turns them into the canonical model.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.aliases import count_matches, normalize_header
from landeval.inputs.arrowtext import at_rows, first_bytes, rows_of
from landeval.inputs.encoding import decode_head, decode_text, is_utf8, label

SOURCE_ROW = "source_row"
"""Column holding each row's row number in its file while loading."""

_HEADER_SCAN_ROWS = 30
_HEAD_CHARS = 65536  # text searched for the header row and the separator
_TOTAL_WORDS = {"合计", "总计", "小计", "总合计", "累计", "total", "sum", "subtotal", "grandtotal"}
_UNIT_WORDS = {
    "元",
    "万元",
    "千元",
    "亿元",
    "千瓦时",
    "万千瓦时",
    "kwh",
    "度",
    "吨标煤",
    "吨标准煤",
    "tce",
    "吨",
    "人",
    "平方米",
    "m2",
    "㎡",
    "亩",
    "年",
    "%",
    "单位",
}


@dataclass(frozen=True)
class RawTable:
    """A table as found in its file.

    Attributes
    ----------
    frame : DataFrame
        Cells under the file's headers, plus :data:`SOURCE_ROW`.
    units : dict
        File header → unit given by a units row under the header.
    encoding : str or None
        The text encoding decided for a CSV file.
    findings : list of Finding
        Dropped totals rows, the encoding decision.
    """

    frame: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    findings: list[Finding] = field(default_factory=list)


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
        return _read_csv(path, layer)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, layer, sheet)
    if suffix in {".parquet", ".pq", ".geoparquet"}:
        return _read_parquet(path)
    if suffix == ".xls":
        msg = f"{path.name}: 不支持旧版 .xls 格式, 请在 Excel 中另存为 .xlsx 或 CSV"
        raise DataError(msg)
    msg = f"{path.name}: 不支持的表格格式 {suffix or '(无扩展名)'}; 支持 CSV、XLSX、Parquet"
    raise DataError(msg)


# --- CSV ----------------------------------------------------------------------------------


def _read_csv(path: Path, layer: str) -> RawTable:
    raw = path.read_bytes()
    # A UTF-8 file without NUL bytes (nearly every file) is parsed from its bytes by Arrow,
    # which validates the cells' UTF-8 as it converts them, and only its head is decoded.
    # When the bytes turn out not to be UTF-8, the file takes the text path below, and
    # decode_text decides as it would have from the start.
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    if b"\x00" not in raw:
        try:
            head = decode_head(raw, bom, _HEAD_CHARS)
        except UnicodeDecodeError:
            head = None
        if head is not None:
            encoding = "utf-8-sig" if bom else "utf-8"
            parsed = _parse_csv(raw, bom, head=head, text=None, file_name=path.name, layer=layer)
            if parsed is not None:
                del raw
                return _finish_csv(parsed, encoding, [], file_name=path.name, layer=layer)
    findings: list[Finding] = []
    text, encoding = decode_text(raw, what=path.name)
    del raw
    if "\x00" in text:
        # NUL bytes: a file cut and re-joined, or a binary export; the rest may be usable.
        findings.append(
            Finding(
                "warning",
                "CSV_NUL_REMOVED",
                layer,
                None,
                None,
                f"{path.name} 中有 {text.count(chr(0))} 个空字符 (NUL, 0x00), 已删除后读取",
                "请检查文件是否损坏或不完整, 并重新导出",
            )
        )
        text = text.replace("\x00", "")
    if encoding not in {"utf-8", "utf-8-sig"}:
        findings.append(
            Finding(
                "info",
                "ENCODING_DETECTED",
                layer,
                None,
                None,
                f"{path.name} 的文本编码检测为 {label(encoding)}, 已按此解码",
                "",
            )
        )
    head = text[:_HEAD_CHARS]
    parsed = _parse_csv(
        text.encode("utf-8"), 0, head=head, text=text, file_name=path.name, layer=layer
    )
    if parsed is None:  # cannot happen: the bytes are UTF-8 by construction
        msg = f"{path.name}: 无法解析 CSV"
        raise DataError(msg)
    return _finish_csv(parsed, encoding, findings, file_name=path.name, layer=layer)


def _parse_csv(
    data: bytes, start: int, *, head: str, text: str | None, file_name: str, layer: str
) -> tuple[pd.DataFrame, int, list[Finding]] | None:
    """The cells of ``data[start:]``, the header row index and the layout findings.

    ``head`` is the first characters of the file as text; ``text`` is the whole of it when
    decoded already, else None, and the bytes are then not known to be UTF-8: None is
    returned when they are not.
    """
    findings: list[Finding] = []
    head_lines = head.splitlines()[:_HEADER_SCAN_ROWS]
    sep = _sniff_separator(head_lines)
    rows = list(csv.reader(head_lines, delimiter=sep))
    header_idx = _header_index(rows, layer)
    if sep != ",":
        findings.append(
            Finding(
                "info",
                "DELIMITER_DETECTED",
                layer,
                None,
                None,
                f"{file_name} 的分隔符检测为 {_SEP_NAMES.get(sep, repr(sep))}, 已按此读取",
                "",
            )
        )
    if rows:
        findings.extend(_duplicate_headers(rows[header_idx], layer, file_name))
    frame = _read_csv_arrow(data, start, sep, header_idx)
    if frame is None:
        if text is None:
            if not is_utf8(data, start):
                return None
            text = data[start:].decode("utf-8")
        frame = _read_csv_pandas(text, sep, header_idx, file_name)
    return frame, header_idx, findings


def _finish_csv(
    parsed: tuple[pd.DataFrame, int, list[Finding]],
    encoding: str,
    findings: list[Finding],
    *,
    file_name: str,
    layer: str,
) -> RawTable:
    """The :class:`RawTable` of a parsed CSV: row numbers, units row, totals and blanks."""
    frame, header_idx, layout = parsed
    # Line numbers as a text editor shows them: header on line header_idx + 1.
    frame[SOURCE_ROW] = range(header_idx + 2, header_idx + 2 + len(frame))
    frame, units = _take_units_row(frame)
    frame, dropped = _drop_totals_and_blanks(frame, layer, file_name)
    return RawTable(frame, units, encoding, findings + layout + dropped)


def _read_csv_pandas(text: str, sep: str, header_idx: int, file_name: str) -> pd.DataFrame:
    """Every cell as text, with pandas' C parser (the reference behaviour)."""
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            skiprows=header_idx,
            header=0,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        msg = f"{file_name}: 无法解析 CSV ({exc})"
        raise DataError(msg) from None


def _read_csv_arrow(data: bytes, start: int, sep: str, header_idx: int) -> pd.DataFrame | None:
    r"""What :func:`_read_csv_pandas` reads, with Arrow's multi-threaded parser; None if unsure.

    ``data[start:]`` is the file's bytes, meant to be UTF-8: a frame is returned only when
    they are (Arrow validates every cell it converts; the lines up to the header are decoded
    here), so its return tells that as well. pandas' parser takes tens of seconds for a
    million-row file, Arrow's a second or two. The two agree on plain files, so Arrow reads
    only those: no quote character at all (quoting rules differ in corner cases), ``\n``
    or ``\r\n`` line ends, at least two columns and every line holding exactly the
    header's number of fields (pandas pads short rows, reads blank lines as rows of empty
    cells and shifts long ones into an index; Arrow raises for all of them). Anything else
    returns None and pandas reads the file. The header line itself is parsed by pandas, so
    column names (``a.1``, ``Unnamed: 3``) are exactly pandas'.
    """
    if data.find(b'"', start) >= 0:
        return None
    if data.find(b"\r", start) >= 0 and data.count(b"\r", start) != data.count(b"\r\n", start):
        return None
    # pandas skips header_idx lines (line ends are \n here), then reads the header line.
    pos = start
    for _ in range(header_idx):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return None
    end = data.find(b"\n", pos)
    if end < 0 or end + 1 == len(data):
        return None  # no rows: pandas handles that cheaply
    try:
        data[start:pos].decode("utf-8")  # the lines above the header
        names = pd.read_csv(
            io.StringIO(data[pos : end + 1].decode("utf-8")),
            sep=sep,
            header=0,
            dtype=str,
            keep_default_na=False,
        ).columns
    except (pd.errors.ParserError, ValueError):  # an empty header line, …: pandas decides
        return None
    if len(names) < 2:
        return None
    n_lines = data.count(b"\n", end + 1) + (0 if data.endswith(b"\n") else 1)
    body = pa.py_buffer(data).slice(end + 1)
    keys = [f"c{i}" for i in range(len(names))]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(column_names=keys, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep,
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                check_utf8=True,
                column_types=dict.fromkeys(keys, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if table.num_rows != n_lines:  # a line Arrow read differently: let pandas decide
        return None
    frame = table.to_pandas()
    frame.columns = names
    return frame


_SEP_NAMES = {"\t": "制表符 (Tab)", ";": "分号 ;", "|": "竖线 |"}


def _sniff_separator(lines: list[str]) -> str:
    candidates = [",", "\t", ";", "|"]
    counts = {c: sum(line.count(c) for line in lines) for c in candidates}
    best = max(candidates, key=lambda c: counts[c])
    return best if counts[best] else ","


# --- XLSX ---------------------------------------------------------------------------------


def _read_xlsx(path: Path, layer: str, sheet: str | None) -> RawTable:
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
            idx = _header_index(rows[:_HEADER_SCAN_ROWS], layer)
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
    notes.extend(_duplicate_headers(rows[idx], layer, path.name))
    notes.extend(_uncomputed_formulas(path, chosen, rows, idx, layer))
    header = _unique_headers(rows[idx])
    body = rows[idx + 1 :]
    width = len(header)
    data = [(list(r) + [None] * width)[:width] for r in body]
    frame = pd.DataFrame(data, columns=header, dtype=object)
    frame[SOURCE_ROW] = range(idx + 2, idx + 2 + len(frame))
    frame, units = _take_units_row(frame)
    frame, dropped = _drop_totals_and_blanks(frame, layer, path.name)
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


def _duplicate_headers(cells: list[object], layer: str, file_name: str) -> list[Finding]:
    """A warning per header name that appears more than once (the first column is used)."""
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        key = _norm_cell(cell)
        if key:
            positions.setdefault(key, []).append(i + 1)
    return [
        Finding(
            "warning",
            "DUPLICATE_HEADER",
            layer,
            "row header",
            str(cells[cols[0] - 1]).strip(),
            f"{file_name} 的列名 {str(cells[cols[0] - 1]).strip()!r} 出现 {len(cols)} 次"
            f" (第 {'、'.join(map(str, cols))} 列); 只使用第 {cols[0]} 列",
            "请删除或重命名重复的列, 或在 landeval.toml 的 [fields] 中指明要用的列",
        )
        for cols in positions.values()
        if len(cols) > 1
    ]


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


# --- Parquet ------------------------------------------------------------------------------


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


# --- shared -------------------------------------------------------------------------------


def _header_index(rows: list[list[object]], layer: str) -> int:
    """Index of the row whose cells match the most aliases (the first row when none do)."""
    best_idx, best_score = 0, 0
    for i, row in enumerate(rows):
        score = count_matches(row, layer)
        if score > best_score:
            best_idx, best_score = i, score
    return best_idx


def _norm_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()


def _take_units_row(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Remove a units row right under the header; return the units it gives per column."""
    if frame.empty:
        return frame, {}
    cols = [c for c in frame.columns if c != SOURCE_ROW]
    first = [_norm_cell(frame.iloc[0][c]) for c in cols]
    cells = [c.strip("()[]【】") for c in first if c]
    if not cells:
        return frame, {}
    is_units = any(c in _UNIT_WORDS for c in cells) and all(
        c in _UNIT_WORDS or (not _looks_numeric(c) and len(c) <= 6) for c in cells
    )
    if not is_units:
        return frame, {}
    units = {
        col: normalize_header(f"x({cell.strip('()[]【】')})")[1]
        for col, cell in zip(cols, first, strict=True)
        if cell
    }
    return frame.iloc[1:].reset_index(drop=True), units


def _total_labels(series: pd.Series) -> pd.Series:
    """Normalised text of the cells that could be a totals label, else NaN.

    A label is short and Chinese (合计, 合　计) or an English word; normalising only those
    keeps this cheap on a million rows (NFKC and regex run per element on Arrow strings).
    """
    text = series.astype("str").str.strip()
    short = (text.str.len() <= 8).fillna(False).astype(bool)
    low = text.str.lower()
    english = low.str.startswith("total") | low.str.startswith("sum") | (low == "subtotal")
    candidate = short & (~text.str.isascii() | english)
    out = pd.Series(np.nan, index=series.index, dtype="str")
    if candidate.any():
        out[candidate] = (
            text[candidate].str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.lower()
        )
    return out


def _blank(series: pd.Series) -> np.ndarray:
    """Which cells are missing or only whitespace (a new, writable array)."""
    if isinstance(series.dtype, pd.StringDtype):
        arr = pa.chunked_array(series.array.__arrow_array__())
        # A blank cell is empty or starts with whitespace: ASCII (at most 0x20) or not ASCII
        # (0x80 and above, in UTF-8). Only those cells are trimmed.
        first = first_bytes(arr)
        maybe = (first <= 0x20) | (first >= 0x80)
        found = np.zeros(len(arr), dtype=bool)
        rows = np.flatnonzero(maybe)
        if len(rows):
            trimmed = pc.utf8_trim_whitespace(rows_of(arr, rows))
            empty = pc.equal(pc.binary_length(trimmed), 0).fill_null(True)
            found[rows] = at_rows(empty, rows, len(arr))
        return found
    text = series.astype("str").str.strip()
    return np.array(text.isna() | (text == ""), dtype=bool)


def _is_total_label(series: pd.Series) -> np.ndarray:
    """Which cells are a totals label (合计, Total…), see :func:`_total_labels`."""
    found = np.zeros(len(series), dtype=bool)
    if isinstance(series.dtype, pd.StringDtype) and len(series):
        arr = pa.chunked_array(series.array.__arrow_array__())
        # A label, once stripped, is not ASCII or starts with t/s (total, sum, subtotal), and
        # what NFKC, removing whitespace and lower case make of it starts with 合总小累 or
        # t/s/g (grandtotal). An ASCII first byte other than those letters and whitespace
        # survives all three as itself: such cells (years, codes, numbers) are no label.
        first = first_bytes(arr)
        maybe = (first <= 0x20) | (first >= 0x80) | np.isin(first, list(b"tTsSgG"))
        rows = np.flatnonzero(maybe)
        if not len(rows):
            return found
        # Only short cells can be a label: find those with one Arrow pass, label them alone.
        trimmed = pc.utf8_trim_whitespace(rows_of(arr, rows))
        short = pc.less_equal(pc.utf8_length(trimmed), 8).fill_null(False)
        rows = rows[at_rows(short, rows, len(arr))]
        if len(rows):
            labels = _total_labels(series.iloc[rows])
            found[rows] = labels.isin(_TOTAL_WORDS).to_numpy(dtype=bool)
        return found
    return _total_labels(series).isin(_TOTAL_WORDS).to_numpy(dtype=bool)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,]*\.?\d+(e[-+]?\d+)?", text))


def _drop_totals_and_blanks(
    frame: pd.DataFrame, layer: str, file_name: str
) -> tuple[pd.DataFrame, list[Finding]]:
    cols = [c for c in frame.columns if c != SOURCE_ROW]
    if frame.empty or not cols:
        return frame, []
    # A row is blank when every cell is: later columns are looked at only in the rows still
    # blank so far (few), not in all of them.
    blank = _blank(frame[cols[0]])
    for col in cols[1:]:
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        blank[rows] = _blank(frame[col].iloc[rows])
    all_blank = pd.Series(blank, index=frame.index)
    # Only the first few columns hold a totals label.
    is_total = pd.Series(
        np.logical_or.reduce([_is_total_label(frame[c]) for c in cols[:3]]), index=frame.index
    )
    is_total &= ~all_blank
    findings = [
        Finding(
            "info",
            "TOTALS_ROW_DROPPED",
            layer,
            f"row {row}",
            None,
            f"{file_name} 第 {row} 行是合计/总计行, 已忽略",
            "",
        )
        for row in frame.loc[is_total, SOURCE_ROW]
    ]
    keep = ~(all_blank | is_total)
    return frame.loc[keep].reset_index(drop=True), findings

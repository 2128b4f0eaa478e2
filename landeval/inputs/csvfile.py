"""Reading a CSV file as handed over: UTF-8 (± BOM), GBK or GB18030, any usual separator.

The bytes are parsed by Arrow's multi-threaded reader when the file is plain UTF-8 (nearly
always), else decoded (:func:`landeval.inputs.encoding.decode_text`) and parsed by pandas;
both give the same cells (:func:`_read_csv_arrow`). Every cell is read as text, so codes keep
their leading zeros. The header row, units row and totals rows are found by
:mod:`landeval.inputs.layout`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.encoding import decode_head, decode_text, is_utf8, label
from landeval.inputs.layout import (
    HEADER_SCAN_ROWS,
    RawTable,
    drop_totals_and_blanks,
    duplicate_headers,
    header_index,
    take_units_row,
)
from landeval.inputs.model import SOURCE_ROW

_HEAD_CHARS = 65536  # text searched for the header row and the separator


def read_csv(path: Path, layer: str) -> RawTable:
    """Read a CSV file's cells as text, its encoding and separator decided.

    Raises
    ------
    DataError
        The file cannot be parsed.
    """
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
    head_lines = head.splitlines()[:HEADER_SCAN_ROWS]
    sep = _sniff_separator(head_lines)
    rows = list(csv.reader(head_lines, delimiter=sep))
    header_idx = header_index(rows, layer)
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
        findings.extend(duplicate_headers(rows[header_idx], layer, file_name))
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
    frame, units = take_units_row(frame)
    frame, dropped = drop_totals_and_blanks(frame, layer, file_name)
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

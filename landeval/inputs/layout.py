"""What a bureau's spreadsheet looks like around its data: header row, units row, totals rows.

Bureau spreadsheets rarely start with the header on row 1: there are title rows, merged
cells, a units row under the header and totals rows at the bottom. The header row is the
row (among the first ones) whose cells match the most known column aliases of the table;
a units row right under it gives the columns' units; rows labelled 合计/总计/小计 and blank
rows are dropped, the totals rows with an info finding. The CSV and XLSX readers
(:mod:`landeval.inputs.csvfile`, :mod:`landeval.inputs.xlsxfile`) share these steps and
return a :class:`RawTable`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.findings import Finding
from landeval.inputs.aliases import count_matches, normalize_header
from landeval.inputs.arrowtext import at_rows, first_bytes, rows_of
from landeval.inputs.model import SOURCE_ROW

HEADER_SCAN_ROWS = 30
"""The header row is looked for among this many first rows."""
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


def header_index(rows: list[list[object]], layer: str) -> int:
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


def take_units_row(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
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


def duplicate_headers(cells: list[object], layer: str, file_name: str) -> list[Finding]:
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


_TOTAL_LABEL = re.compile(
    r"^(?:\d{2,12}|[\u4e00-\u9fff]{1,8}?)?[:：]?"  # a county code or a place: 330602, 越城区
    r"(?:合计|总计|小计|总合计|累计|total|sum|subtotal|grandtotal)[:：]?$"
)
"""A totals label once normalised (NFKC, no whitespace, lower case): 合计, 330602 小计,
越城区小计, 合　计：, Total. A name that only contains the word (合计科技有限公司) is not one."""

_LABEL_LETTERS = r"[计lLmM]|[^\x00-\x7f\x{4e00}-\x{9fff}]"
"""A cell that can become a totals label holds one of these (an RE2 pattern, for Arrow).

Every label :data:`_TOTAL_LABEL` accepts holds 计, l or m once normalised (合计, total,
sum); NFKC makes those only of themselves, of L and M, or of characters outside ASCII and
the CJK block (ｌ, ℓ, ㎡…). So a cell of ASCII and CJK characters without one of 计lLmM
(a firm name, a code) is no label."""

_LABEL_MAX_CHARS = 16
"""Longer cells are no totals label (only short cells are normalised, so this stays cheap)."""


def _total_labels(series: pd.Series) -> pd.Series:
    """Normalised text of the cells that could be a totals label, else NaN.

    A label is short and holds Chinese (合计, 合　计, 330602 小计) or starts with an English
    word; normalising only those keeps this cheap on a million rows (NFKC and regex run per
    element on Arrow strings).
    """
    text = series.astype("str").str.strip()
    short = (text.str.len() <= _LABEL_MAX_CHARS).fillna(False).astype(bool)
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
    """Which cells are a totals label (合计, 330602 小计, Total…), see :data:`_TOTAL_LABEL`."""
    found = np.zeros(len(series), dtype=bool)
    if isinstance(series.dtype, pd.StringDtype) and len(series):
        arr = pa.chunked_array(series.array.__arrow_array__())
        # A label holds Chinese (a cell that is not ASCII) or starts with t/s/g (total, sum,
        # subtotal, grandtotal) once stripped: an ASCII cell starting otherwise (years, codes,
        # numbers) is no label. One Arrow pass each finds the few candidates.
        first = first_bytes(arr)
        maybe = (first <= 0x20) | np.isin(first, list(b"tTsSgG"))
        maybe |= ~np.asarray(pc.string_is_ascii(arr).fill_null(True).to_numpy(), dtype=bool)
        rows = np.flatnonzero(maybe)
        if not len(rows):
            return found
        # Only short cells can be a label, and only those with a character a label's word
        # needs (计 of 合计, l of total, m of sum): one Arrow pass each; the few left are
        # labelled alone. A firm name of 16 characters or fewer is short, and NFKC and the
        # regex on every name cost seconds a million rows.
        picked = rows_of(arr, rows)
        trimmed = pc.utf8_trim_whitespace(picked)
        short = pc.less_equal(pc.utf8_length(trimmed), _LABEL_MAX_CHARS)
        short = pc.and_(short, pc.match_substring_regex(picked, _LABEL_LETTERS)).fill_null(False)
        rows = rows[at_rows(short, rows, len(arr))]
        if len(rows):
            labels = _total_labels(series.iloc[rows])
            found[rows] = labels.str.fullmatch(_TOTAL_LABEL).fillna(False).to_numpy(dtype=bool)
        return found
    labels = _total_labels(series)
    return labels.str.fullmatch(_TOTAL_LABEL).fillna(False).to_numpy(dtype=bool)


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d,]*\.?\d+(e[-+]?\d+)?", text))


def _row_labels(rows: pd.DataFrame) -> list[str]:
    """The totals label of each row (the first of its first cells that is one)."""
    out = []
    for values in rows.itertuples(index=False):
        cells = pd.Series([str(v) for v in values], dtype="str")
        hit = _is_total_label(cells)
        out.append(str(values[int(np.argmax(hit))]).strip() if hit.any() else "")
    return out


def drop_totals_and_blanks(
    frame: pd.DataFrame, layer: str, file_name: str
) -> tuple[pd.DataFrame, list[Finding]]:
    """A new frame without blank rows and totals rows (合计, Total… in the first columns).

    Returns the frame (index reset) and a TOTALS_ROW_DROPPED info finding per totals row.
    """
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
    labels = _row_labels(frame.loc[is_total, cols[:3]])
    findings = [
        Finding(
            "info",
            "TOTALS_ROW_DROPPED",
            layer,
            f"row {row}",
            None,
            f"{file_name} 第 {row} 行是合计/小计行 ({label}), 已忽略, 不计入任何企业",
            "",
        )
        for row, label in zip(frame.loc[is_total, SOURCE_ROW], labels, strict=True)
    ]
    keep = ~(all_blank | is_total)
    # nearly every file has no such row: selecting all rows would copy every column
    kept = frame if keep.all() else frame.loc[keep]
    return kept.reset_index(drop=True), findings

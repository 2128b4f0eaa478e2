"""A small streaming XLSX writer for big, plain sheets (text and formatted numbers).

Why not XlsxWriter: it writes cell by cell through Python calls (about 10 µs a cell), which
made ``actions.xlsx`` the slowest step of a run (a million parcels and firms are tens of
millions of cells). Here the cell XML of a block of rows is built column by column with
Arrow kernels (escaping, formula neutralising, cell references) and DuckDB (number
formatting), joined into rows in C and streamed into the zip in chunks; blocks are built on
two threads and compressed on a third while the next ones are built, so memory stays flat,
both cores work and no Python code runs per cell. What the action lists need, and nothing
more: inline strings, numbers with a number format, a bold filled bordered header row, a
frozen header, an autofilter, column widths and the document title and author. The package
layout follows what XlsxWriter writes (ECMA-376 SpreadsheetML), except that a cell carries
its reference only where a reader cannot count it; Excel, WPS and openpyxl open it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.export._cells import neutralise, neutralise_array

MAX_ROWS = 1_048_576
"""Rows of an Excel sheet (header included); rows beyond are not written."""

MAX_TEXT = 32_767
"""Characters Excel keeps in a cell; longer text is cut."""

_CHUNK_ROWS = 20_000  # rows converted and compressed at a time: bounds the memory in use
_BUILDERS = 2  # threads building chunks: the machines this runs on have two cores or more
_BUILTIN_FORMATS = {"0": 1, "0.00": 2, "#,##0.00": 4}  # no numFmt entry needed for these
_FIRST_CUSTOM_FORMAT = 164
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")  # \r too: XML would read it as \n
# Excel decodes _xHHHH_ in cell text, so a literal one gets its underscore escaped
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@dataclass(frozen=True)
class Column:
    """One column of a block: header, cells (str, number or None) and number format.

    ``cells`` is a sequence (list, NumPy array, pandas Series or Arrow array). Text cells
    are strings (XML escaping is done here; other objects are written as their ``str``;
    None, null and a missing value of a typed column are empty cells). ``number_format``
    None means a text column; otherwise the cells are numbers (None and NaN empty) shown
    with that Excel format code.
    """

    header: str
    cells: Sequence[object]
    number_format: str | None = None
    width: float | None = None
    text_transform: Callable[[str], str] | None = None
    """Applied to each distinct text of the column before writing (e.g. neutralising)."""


@dataclass(frozen=True)
class Sheet:
    """A sheet: blocks of columns side by side (each starting at a column index)."""

    name: str
    blocks: Sequence[tuple[int, Sequence[Column]]]
    autofilter_block: int | None = 0
    freeze_header: bool = True


@dataclass
class _Styles:
    """Cell formats in use: index 0 plain, 1 header, then one per number format."""

    formats: dict[str, int] = field(default_factory=dict)

    def index(self, number_format: str) -> int:
        if number_format not in self.formats:
            self.formats[number_format] = 2 + len(self.formats)
        return self.formats[number_format]


def write_xlsx(
    path: str | Path, sheets: Sequence[Sheet], *, title: str = "", author: str = ""
) -> Path:
    """Write ``sheets`` into a new XLSX file at ``path`` (not atomic: the caller's job).

    Parameters
    ----------
    path : path-like
        File to write.
    sheets : sequence of Sheet
        Sheets in order; names must already be valid and unique.
    title, author : str
        Document properties.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    styles = _Styles()
    filters: list[str | None] = []
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        # one DuckDB database for the number formatting of all sheets: starting one costs
        # tens of milliseconds of CPU, and the sheets would start two each
        duckdb.connect() as con,
    ):
        for i, sheet in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                filters.append(_write_sheet_xml(fh, sheet, styles, con))
        zf.writestr("[Content_Types].xml", _content_types(len(sheets)))
        zf.writestr("_rels/.rels", _root_rels())
        zf.writestr("docProps/core.xml", _core(title, author))
        zf.writestr("docProps/app.xml", _app())
        zf.writestr("xl/workbook.xml", _workbook(sheets, filters))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        zf.writestr("xl/styles.xml", _styles_xml(styles))
    return path


def column_letter(index: int) -> str:
    """Excel column letters of a 0-based column index (0 → A, 26 → AA).

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def excel_width(width: float) -> float:
    """The stored column width for a width in characters (as Excel and XlsxWriter store it)."""
    if width <= 0:
        return 0.0
    if width < 1:
        return int(width * 12 + 0.5) / 256 * 256 / 12  # pragma: no cover - never this narrow
    return int((width * 7 + 5) / 7 * 256) / 256


def _write_sheet_xml(
    fh, sheet: Sheet, styles: _Styles, con: duckdb.DuckDBPyConnection
) -> str | None:
    """Stream one worksheet; returns its autofilter range (or None)."""
    columns = [(start + j, col) for start, cols in sheet.blocks for j, col in enumerate(cols)]
    columns.sort(key=lambda item: item[0])
    n_rows = min(max((len(c.cells) for _, c in columns), default=0), MAX_ROWS - 1)
    last_col = max((i for i, _ in columns), default=0)
    last = f"{column_letter(last_col)}{n_rows + 1}" if columns else "A1"
    head = [_XML_HEAD, f'<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">']
    head.append(f'<dimension ref="A1:{last}"/>' if columns else '<dimension ref="A1"/>')
    head.append('<sheetViews><sheetView workbookViewId="0">')
    if sheet.freeze_header:
        head.append(
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/>'
        )
    head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    widths = [(i, c.width) for i, c in columns if c.width is not None]
    if widths:
        head.append("<cols>")
        head.extend(
            f'<col min="{i + 1}" max="{i + 1}" width="{excel_width(w):.16g}" customWidth="1"/>'
            for i, w in widths
        )
        head.append("</cols>")
    head.append("<sheetData>")
    fh.write("".join(head).encode("utf-8"))
    letters = [column_letter(i) for i, _ in columns]
    header_cells = "".join(
        _text_cell(f"{letter}1", _clean(col.header), style=1)
        for letter, (_, col) in zip(letters, columns, strict=True)
    )
    fh.write(f'<row r="1">{header_cells}</row>'.encode())
    # compressing a chunk (zlib frees the GIL) overlaps building the next ones; one chunk
    # waits at most, which bounds the memory in use
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending: Future | None = None
        for chunk in _row_chunks(columns, letters, n_rows, styles, con):
            if pending is not None:
                pending.result()
            pending = writer.submit(fh.write, chunk)
        if pending is not None:
            pending.result()
    tail = ["</sheetData>"]
    ref = _filter_ref(sheet, n_rows)
    if ref:
        tail.append(f'<autoFilter ref="{ref}"/>')
    tail.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )
    fh.write("".join(tail).encode("utf-8"))
    return ref


def _filter_ref(sheet: Sheet, n_rows: int) -> str | None:
    if sheet.autofilter_block is None or not sheet.blocks:
        return None
    start, cols = sheet.blocks[sheet.autofilter_block]
    if not cols:
        return None
    block_rows = min(max(len(cols[0].cells), 1), MAX_ROWS - 1)
    del n_rows  # the filter covers its own block, like the other sheets' tables
    return f"{column_letter(start)}1:{column_letter(start + len(cols) - 1)}{block_rows + 1}"


def _row_chunks(
    columns: Sequence[tuple[int, Column]],
    letters: Sequence[str],
    n_rows: int,
    styles: _Styles,
    con: duckdb.DuckDBPyConnection,
) -> Iterator[pa.Buffer]:
    """The ``<row>`` XML of ``_CHUNK_ROWS`` rows at a time, as UTF-8 bytes, in order.

    A cell carries its reference (``r="B7"``) only where a reader cannot infer it: after a
    missing cell or a gap between blocks (readers count a cell without one as the next
    column, as ECMA-376 allows). That is about a fifth less XML to build and compress.
    Numbers are formatted by cursors of ``con`` (one per thread).
    """
    prepared = [_column_values(col, n_rows) for _, col in columns]
    numbers = [i for i, (_, col) in enumerate(columns) if col.number_format is not None]
    # number formats are registered in column order, once the sheet has rows
    number_heads = {
        i: _s(f'<c s="{styles.index(columns[i][1].number_format)}"><v>')
        for i in (numbers if n_rows else ())
    }
    # a cell needs its reference when it does not follow its left neighbour's column
    positions = [i for i, _ in columns]
    always_ref = [positions[k] != (positions[k - 1] + 1 if k else 0) for k in range(len(positions))]
    # names, labels, codes, counts and standard values repeat: such a column's cell XML is
    # made once per distinct value and then spread by index, which saves most of the work
    repeats: dict[int, tuple[pa.Array, pa.Array]] = {}
    with con.cursor() as formatter:
        for i, (_, col) in enumerate(columns):
            values = prepared[i]
            if len(values) < 2 * _CHUNK_ROWS:
                continue
            if col.number_format is None:
                encoded = _repeating(values)
                if encoded is not None:
                    repeats[i] = (_text_tails(encoded.dictionary, col), encoded.indices)
                continue
            # (not with -0.0, which hashing might take for 0.0: it is written "-0")
            if np.any(np.signbit(values) & (values == 0)):
                continue
            encoded = _repeating(pa.array(values, from_pandas=True))  # NaN as null: no cell
            if encoded is not None:
                (shown,) = _shown_numbers([encoded.dictionary.to_numpy()], formatter)
                cell = pc.binary_join_element_wise(number_heads[i], shown, _s("</v></c>"), _s(""))
                repeats[i] = (cell, encoded.indices)
    formatted = [i for i in numbers if i not in repeats]  # per chunk

    def build(lo: int, hi: int, con: duckdb.DuckDBPyConnection) -> pa.Buffer:
        rows = pc.cast(pa.array(np.arange(lo + 2, hi + 2, dtype=np.int64)), _STR)
        shown = _shown_numbers([prepared[i][lo:hi] for i in formatted], con)
        cells: list[pa.Array] = []
        for i, (_, col) in enumerate(columns):
            if i in repeats:
                tails, indices = repeats[i]
                cell = tails.take(indices.slice(lo, hi - lo))
            elif col.number_format is None:
                cell = _text_tails(prepared[i].slice(lo, hi - lo), col)
            else:
                cell = pc.binary_join_element_wise(
                    number_heads[i], shown.pop(0), _s("</v></c>"), _s("")
                )
            if always_ref[i]:
                cell = _with_reference(cell, letters[i], rows)
            elif i and cells[-1].null_count:
                after_gap = pc.and_(cells[-1].is_null(), cell.is_valid())
                if pc.any(after_gap).as_py():
                    cell = pc.replace_with_mask(
                        cell,
                        after_gap,
                        _with_reference(cell.filter(after_gap), letters[i], rows.filter(after_gap)),
                    )
            cells.append(cell)
        # a missing cell (null) is no cell at all
        xml = pc.binary_join_element_wise(
            _s('<row r="'), rows, _s('">'), *cells, _s("</row>"), _s(""),
            null_handling="replace", null_replacement="",
        )  # fmt: skip
        return _string_bytes(xml)

    def task(lo: int, hi: int) -> pa.Buffer:
        with con.cursor() as cursor:  # a DuckDB connection per thread
            return build(lo, hi, cursor)

    # chunks are built on _BUILDERS threads (Arrow kernels and DuckDB free the GIL) and
    # handed out in order; at most _BUILDERS chunks wait, which bounds the memory in use
    with ThreadPoolExecutor(max_workers=_BUILDERS) as pool:
        pending: deque[Future] = deque()
        for lo in range(0, n_rows, _CHUNK_ROWS):
            pending.append(pool.submit(task, lo, min(lo + _CHUNK_ROWS, n_rows)))
            if len(pending) >= _BUILDERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_SAMPLE = 10_000  # cells looked at to tell a column of (nearly) all distinct values


def _repeating(values: pa.Array) -> pa.DictionaryArray | None:
    """``values`` dictionary-encoded when at most a quarter of them are distinct, else None.

    Nulls are not counted. A column whose evenly spaced sample is nearly all distinct
    (codes, names, amounts) is passed over without hashing it whole; any other is
    encoded once, and the dictionary's size decides.
    """
    step = max(len(values) // _SAMPLE, 1)
    sample = values.take(pa.array(np.arange(0, len(values), step)))
    if pc.count_distinct(sample).as_py() > 0.9 * len(sample):
        return None
    encoded = pc.dictionary_encode(values)
    return encoded if len(encoded.dictionary) * 4 <= len(values) else None


def _with_reference(cells: pa.Array, letter: str, rows: pa.Array) -> pa.Array:
    """``cells`` (``<c …``) with their reference ``r="B7"`` written in; null stays null."""
    rest = pc.utf8_slice_codeunits(cells, 2)  # after "<c"
    return pc.binary_join_element_wise(_s(f'<c r="{letter}'), rows, _s('"'), rest, _s(""))


_STR = pa.large_string()
_TEXT_OPEN = '<c t="inlineStr"><is><t'
_PRESERVE = ' xml:space="preserve"'
_TEXT_CLOSE = "</t></is></c>"
# RE2 patterns of the checks in _clean: control characters XML cannot hold, and what
# str.isspace() calls white space at either end of a text (kept by xml:space="preserve")
_ILLEGAL_RE2 = r"[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]"
_SPACES = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
_EDGE_SPACE = f"^[{_SPACES}]|[{_SPACES}]$"
# anything _clean changes, but for length
_SPECIAL_RE2 = f"[&<>]|{_ESCAPE_LIKE.pattern}|{_ILLEGAL_RE2}"


def _s(text: str) -> pa.Scalar:
    return pa.scalar(text, _STR)


def _column_values(col: Column, n_rows: int) -> pa.Array | np.ndarray:
    """A column's first ``n_rows`` cells: Arrow text (null when missing) or float64 (NaN)."""
    cells = col.cells
    if col.number_format is None:
        arr = None
        if isinstance(cells, (pa.Array, pa.ChunkedArray)):
            arr = cells
        elif isinstance(cells, pd.Series) and cells.dtype != object:
            arr = pa.array(cells)
        if arr is not None and pa.types.is_null(arr.type):
            arr = arr.cast(_STR)
        if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            # anything else is written as its str(), like text (None stays empty)
            values = cells.to_pylist() if isinstance(cells, (pa.Array, pa.ChunkedArray)) else cells
            values = list(values[:n_rows])
            arr = pa.array(
                [None if v is None else v if type(v) is str else str(v) for v in values],
                type=_STR,
            )
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        arr = arr.slice(0, n_rows).cast(_STR)
        if len(arr) < n_rows:
            arr = pa.concat_arrays([arr, pa.nulls(n_rows - len(arr), _STR)])
        return arr
    numbers = _float_values(cells)[:n_rows]
    if len(numbers) < n_rows:
        numbers = np.concatenate([numbers, np.full(n_rows - len(numbers), np.nan)])
    return numbers


def _float_values(cells: Sequence[object]) -> np.ndarray:
    if isinstance(cells, pd.Series):
        cells = cells.to_numpy(dtype="float64", na_value=np.nan)
    try:
        return np.asarray(cells, dtype="float64")
    except (TypeError, ValueError):
        # float() of each cell, as the writer has always done; None is an empty cell
        return np.array([np.nan if v is None else float(v) for v in cells], dtype="float64")


def _text_tails(text: pa.Array, col: Column) -> pa.Array:
    """The XML of text cells (without reference); null when missing."""
    text = _clean_array(_transformed(text, col))
    preserve = pc.match_substring_regex(text, _EDGE_SPACE)
    opening = pc.if_else(preserve, _s(_TEXT_OPEN + _PRESERVE + ">"), _s(_TEXT_OPEN + ">"))
    return pc.binary_join_element_wise(opening, text, _s(_TEXT_CLOSE), _s(""))


def _transformed(text: pa.Array, col: Column) -> pa.Array:
    """``col.text_transform`` applied to ``text`` (vectorised for the neutraliser)."""
    fix = col.text_transform
    if fix is None:
        return text
    if fix is neutralise:
        return neutralise_array(text)
    # any other transform: once per distinct text
    encoded = pc.dictionary_encode(text)
    dictionary = pa.array([fix(t) for t in encoded.dictionary.to_pylist()], type=_STR)
    return dictionary.take(encoded.indices)


def _clean_array(text: pa.Array) -> pa.Array:
    """:func:`_clean` of each text (null stays null), vectorised with Arrow kernels."""
    # most texts need no change: find the few that do in one pass, and clean only those
    change = pc.or_(
        pc.match_substring_regex(text, _SPECIAL_RE2),
        pc.greater(pc.binary_length(text), MAX_TEXT),  # bytes ≥ characters
    ).fill_null(False)
    if not pc.any(change).as_py():
        return text
    return pc.replace_with_mask(text, change, _clean_some(text.filter(change)))


def _clean_some(text: pa.Array) -> pa.Array:
    odd = pc.or_(
        pc.greater(pc.utf8_length(text), MAX_TEXT), pc.match_substring_regex(text, _ILLEGAL_RE2)
    ).fill_null(False)
    out = pc.replace_substring_regex(text, _ESCAPE_LIKE.pattern, r"_x005F_\1")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        out = pc.replace_substring(out, char, entity)
    if pc.any(odd).as_py():
        # too long, or control characters: rare, done one by one as _clean does
        fixed = [_clean(t) for t in text.filter(odd).to_pylist()]
        out = pc.replace_with_mask(out, odd, pa.array(fixed, type=_STR))
    return out


def _shown_numbers(columns: list[np.ndarray], con: duckdb.DuckDBPyConnection) -> list[pa.Array]:
    """Each number as Excel and XlsxWriter write it (16 significant digits); NaN is null.

    DuckDB's printf formats like Python's ``f"{v:.16G}"`` (both correctly rounded) and
    many times faster than a Python loop.
    """
    if not columns:
        return []
    table = pa.table({f"c{i}": pa.array(c, from_pandas=True) for i, c in enumerate(columns)})
    select = ", ".join(f"printf('%.16G', c{i}) AS c{i}" for i in range(len(columns)))
    result = con.from_arrow(table).project(select).to_arrow_table()
    return [result.column(i).combine_chunks().cast(_STR) for i in range(len(columns))]


def _string_bytes(strings: pa.Array) -> pa.Buffer:
    """The UTF-8 bytes of all strings of ``strings`` one after the other (no copy)."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)
    first, last = offsets[strings.offset], offsets[strings.offset + len(strings)]
    return strings.buffers()[2].slice(int(first), int(last - first))


def _clean(text: str) -> str:
    """XML-escaped cell text, cut to Excel's length, control characters as _xHHHH_."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    text = escape(text)
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def _text_cell(ref: str, text: str, *, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _content_types(n_sheets: int) -> str:
    ct = "application/vnd.openxmlformats-"
    parts = [
        _XML_HEAD,
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
        f'<Default Extension="rels" ContentType="{ct}package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/docProps/app.xml" '
        f'ContentType="{ct}officedocument.extended-properties+xml"/>',
        f'<Override PartName="/docProps/core.xml" ContentType="{ct}package.core-properties+xml"/>',
        f'<Override PartName="/xl/styles.xml" '
        f'ContentType="{ct}officedocument.spreadsheetml.styles+xml"/>',
        f'<Override PartName="/xl/workbook.xml" '
        f'ContentType="{ct}officedocument.spreadsheetml.sheet.main+xml"/>',
    ]
    parts += [
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT_SHEET}"/>'
        for i in range(1, n_sheets + 1)
    ]
    return "".join([*parts, "</Types>"])


def _root_rels() -> str:
    base = "http://schemas.openxmlformats.org/"
    return (
        f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{base}officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{base}package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{base}officeDocument/2006/relationships/'
        'extended-properties" Target="docProps/app.xml"/></Relationships>'
    )


def _core(title: str, author: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app() -> str:
    return (
        f"{_XML_HEAD}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>landeval</Application></Properties>"
    )


def _workbook(sheets: Sequence[Sheet], filters: Sequence[str | None]) -> str:
    entries = "".join(
        f'<sheet name="{escape(s.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1)
    )
    names = []
    for i, (sheet, ref) in enumerate(zip(sheets, filters, strict=True)):
        if ref:
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                f"{escape(quoted)}!{absolute}</definedName>"
            )
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'{_XML_HEAD}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        "<bookViews><workbookView/></bookViews>"
        f"<sheets>{entries}</sheets>{defined}"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(n_sheets: int) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels = [
        f'<Relationship Id="rId{i}" Type="{base}worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n_sheets + 1)
    ]
    rels.append(f'<Relationship Id="rId{n_sheets + 1}" Type="{base}styles" Target="styles.xml"/>')
    return f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG_REL}">{"".join(rels)}</Relationships>'


def _styles_xml(styles: _Styles) -> str:
    ids: dict[str, int] = {}
    custom = []
    for code in styles.formats:
        if code in _BUILTIN_FORMATS:
            ids[code] = _BUILTIN_FORMATS[code]
        else:
            ids[code] = _FIRST_CUSTOM_FORMAT + len(custom)
            custom.append(f'<numFmt numFmtId="{ids[code]}" formatCode="{escape(code)}"/>')
    num_fmts = f'<numFmts count="{len(custom)}">{"".join(custom)}</numFmts>' if custom else ""
    font = '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
    thin = '<{0} style="thin"><color auto="1"/></{0}>'
    border = "".join(thin.format(side) for side in ("left", "right", "top", "bottom"))
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" '
        'applyFill="1" applyBorder="1"/>',
    ]
    xfs += [
        f'<xf numFmtId="{ids[code]}" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        for code in styles.formats
    ]
    return (
        f'{_XML_HEAD}<styleSheet xmlns="{_NS_MAIN}">{num_fmts}'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/>'
        '<bgColor indexed="64"/></patternFill></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        f"<border>{border}<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
        'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    )

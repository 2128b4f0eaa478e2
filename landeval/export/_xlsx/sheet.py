"""One worksheet's XML, streamed: header, rows built in chunks on two threads, filter."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from xml.sax.saxutils import escape

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from landeval.export._cells import string_bytes
from landeval.export._xlsx.cells import (
    STR,
    clean,
    column_values,
    repeating,
    scalar,
    shown_numbers,
    text_cell,
    text_tails,
    with_reference,
)
from landeval.export._xlsx.parts import NS_MAIN, NS_REL, XML_HEAD
from landeval.export._xlsx.spec import MAX_ROWS, Column, Sheet, column_letter, excel_width
from landeval.export._xlsx.styles import UNLOCKED, WRAP, Styles

CHUNK_ROWS = 20_000  # rows converted and compressed at a time: bounds the memory in use
_BUILDERS = 2  # threads building chunks: the machines this runs on have two cores or more


def write_sheet_xml(fh, sheet: Sheet, styles: Styles, con: duckdb.DuckDBPyConnection) -> str | None:
    """Stream one worksheet; returns its autofilter range (or None)."""
    columns = [(start + j, col) for start, cols in sheet.blocks for j, col in enumerate(cols)]
    columns.sort(key=lambda item: item[0])
    n_rows = min(max((len(c.cells) for _, c in columns), default=0), MAX_ROWS - 1)
    last_col = max((i for i, _ in columns), default=0)
    last = f"{column_letter(last_col)}{n_rows + 1}" if columns else "A1"
    head = [XML_HEAD, f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">']
    if sheet.print_setup:  # fitToWidth and fitToHeight count only with fitToPage
        head.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    head.append(f'<dimension ref="A1:{last}"/>' if columns else '<dimension ref="A1"/>')
    head.append('<sheetViews><sheetView workbookViewId="0">')
    if sheet.freeze_header:
        head.append(
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/>'
        )
    head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    shaped = [(i, c) for i, c in columns if c.width is not None or c.wrap or c.unlocked]
    if shaped:
        head.append("<cols>")
        for i, col in shaped:
            # the column's own style: empty cells typed into later wrap or stay unlocked too
            key = UNLOCKED if col.unlocked else WRAP if col.wrap else None
            style = f' style="{styles.index(key)}"' if key else ""
            width = (
                f' width="{excel_width(col.width):.16g}" customWidth="1"'
                if col.width is not None
                else ""
            )
            head.append(f'<col min="{i + 1}" max="{i + 1}"{width}{style}/>')
        head.append("</cols>")
    head.append("<sheetData>")
    fh.write("".join(head).encode("utf-8"))
    letters = [column_letter(i) for i, _ in columns]
    header_cells = "".join(
        text_cell(f"{letter}1", clean(col.header), style=1)
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
    ref = _filter_ref(sheet, n_rows)
    fh.write(_tail(sheet, ref, n_rows).encode("utf-8"))
    return ref


def _tail(sheet: Sheet, ref: str | None, n_rows: int) -> str:
    """What follows the rows, in the order of the schema (CT_Worksheet)."""
    tail = ["</sheetData>"]
    if sheet.protect:
        # "0" leaves an action allowed: filters, sorting and column widths keep working
        tail.append(
            '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" '
            'formatRows="0" sort="0" autoFilter="0"/>'
        )
    if ref:
        tail.append(f'<autoFilter ref="{ref}"/>')
    if sheet.validations:
        tail.append(f'<dataValidations count="{len(sheet.validations)}">')
        for index, values in sheet.validations:
            letter = column_letter(index)
            # an inline list; Excel refuses one longer than 255 characters
            listed = escape(",".join(values), {'"': "&quot;"})
            tail.append(
                '<dataValidation type="list" allowBlank="1" showInputMessage="1" '
                f'showErrorMessage="1" sqref="{letter}2:{letter}{max(n_rows, 1) + 1}">'
                f'<formula1>"{listed}"</formula1></dataValidation>'
            )
        tail.append("</dataValidations>")
    if sheet.print_setup:
        tail.append('<printOptions gridLines="1"/>')
    tail.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    )
    if sheet.print_setup:  # A4 landscape, one page wide, as many pages tall as it takes
        tail.append(
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        )
    tail.append("</worksheet>")
    return "".join(tail)


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
    styles: Styles,
    con: duckdb.DuckDBPyConnection,
) -> Iterator[pa.Buffer]:
    """The ``<row>`` XML of ``CHUNK_ROWS`` rows at a time, as UTF-8 bytes, in order.

    A cell carries its reference (``r="B7"``) only where a reader cannot infer it: after a
    missing cell or a gap between blocks (readers count a cell without one as the next
    column, as ECMA-376 allows). That is about a fifth less XML to build and compress.
    Numbers are formatted by cursors of ``con`` (one per thread).
    """
    prepared = [column_values(col, n_rows) for _, col in columns]
    numbers = [i for i, (_, col) in enumerate(columns) if col.number_format is not None]
    # number formats are registered in column order, once the sheet has rows
    number_heads = {
        i: scalar(f'<c s="{styles.index(columns[i][1].number_format)}"><v>')
        for i in (numbers if n_rows else ())
    }
    # a cell needs its reference when it does not follow its left neighbour's column
    positions = [i for i, _ in columns]
    always_ref = [positions[k] != (positions[k - 1] + 1 if k else 0) for k in range(len(positions))]
    # names, labels, codes, counts and standard values repeat: such a column's cell XML is
    # made once per distinct value and then spread by index, which saves most of the work
    repeats: dict[int, tuple[pa.Array, pa.Array]] = {}
    # the style of wrapped text cells (registered once the sheet has rows)
    text_styles = {
        i: styles.index(WRAP) for i, (_, col) in enumerate(columns) if col.wrap and n_rows
    }
    with con.cursor() as formatter:
        for i, (_, col) in enumerate(columns):
            values = prepared[i]
            if len(values) < 2 * CHUNK_ROWS:
                continue
            if col.number_format is None:
                encoded = repeating(values)
                if encoded is not None:
                    repeats[i] = (
                        text_tails(encoded.dictionary, col, text_styles.get(i)),
                        encoded.indices,
                    )
                continue
            # (not with -0.0, which hashing might take for 0.0: it is written "-0")
            if np.any(np.signbit(values) & (values == 0)):
                continue
            encoded = repeating(pa.array(values, from_pandas=True))  # NaN as null: no cell
            if encoded is not None:
                (shown,) = shown_numbers([encoded.dictionary.to_numpy()], formatter)
                cell = pc.binary_join_element_wise(
                    number_heads[i], shown, scalar("</v></c>"), scalar("")
                )
                repeats[i] = (cell, encoded.indices)
    formatted = [i for i in numbers if i not in repeats]  # per chunk

    def build(lo: int, hi: int, con: duckdb.DuckDBPyConnection) -> pa.Buffer:
        rows = pc.cast(pa.array(np.arange(lo + 2, hi + 2, dtype=np.int64)), STR)
        shown = shown_numbers([prepared[i][lo:hi] for i in formatted], con)
        cells: list[pa.Array] = []
        for i, (_, col) in enumerate(columns):
            if i in repeats:
                tails, indices = repeats[i]
                cell = tails.take(indices.slice(lo, hi - lo))
            elif col.number_format is None:
                cell = text_tails(prepared[i].slice(lo, hi - lo), col, text_styles.get(i))
            else:
                cell = pc.binary_join_element_wise(
                    number_heads[i], shown.pop(0), scalar("</v></c>"), scalar("")
                )
            if always_ref[i]:
                cell = with_reference(cell, letters[i], rows)
            elif i and cells[-1].null_count:
                after_gap = pc.and_(cells[-1].is_null(), cell.is_valid())
                if pc.any(after_gap).as_py():
                    cell = pc.replace_with_mask(
                        cell,
                        after_gap,
                        with_reference(cell.filter(after_gap), letters[i], rows.filter(after_gap)),
                    )
            cells.append(cell)
        # a missing cell (null) is no cell at all
        xml = pc.binary_join_element_wise(
            scalar('<row r="'), rows, scalar('">'), *cells, scalar("</row>"), scalar(""),
            null_handling="replace", null_replacement="",
        )  # fmt: skip
        return string_bytes(xml)

    def task(lo: int, hi: int) -> pa.Buffer:
        with con.cursor() as cursor:  # a DuckDB connection per thread
            return build(lo, hi, cursor)

    # chunks are built on _BUILDERS threads (Arrow kernels and DuckDB free the GIL) and
    # handed out in order; at most _BUILDERS chunks wait, which bounds the memory in use
    with ThreadPoolExecutor(max_workers=_BUILDERS) as pool:
        pending: deque[Future] = deque()
        for lo in range(0, n_rows, CHUNK_ROWS):
            pending.append(pool.submit(task, lo, min(lo + CHUNK_ROWS, n_rows)))
            if len(pending) >= _BUILDERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

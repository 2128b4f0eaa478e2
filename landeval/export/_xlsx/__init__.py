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

Modules: :mod:`~.spec` (sheets, columns, Excel's limits), :mod:`~.cells` (the cell XML of a
column chunk), :mod:`~.sheet` (one worksheet streamed), :mod:`~.styles` (number formats and
``styles.xml``), :mod:`~.parts` (the package's small XML parts) and :mod:`~.writer` (the zip).
"""

from landeval.export._xlsx.spec import (
    MAX_ROWS,
    MAX_TEXT,
    Column,
    Sheet,
    column_letter,
    excel_width,
)
from landeval.export._xlsx.writer import write_xlsx

__all__ = ["MAX_ROWS", "MAX_TEXT", "Column", "Sheet", "column_letter", "excel_width", "write_xlsx"]

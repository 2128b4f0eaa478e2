"""What a workbook holds: sheets of column blocks, and Excel's limits and column geometry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

MAX_ROWS = 1_048_576
"""Rows of an Excel sheet (header included); rows beyond are not written."""

MAX_TEXT = 32_767
"""Characters Excel keeps in a cell; longer text is cut."""


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
    wrap: bool = False
    """Text cells (and the column) wrap, aligned to the top: long reasons stay readable."""
    unlocked: bool = False
    """The column stays editable when the sheet is protected (an input column)."""


@dataclass(frozen=True)
class Sheet:
    """A sheet: blocks of columns side by side (each starting at a column index).

    ``print_setup`` prints the sheet on A4 landscape, one page wide and as many tall as it
    takes, with the header row repeated on every page and grid lines. ``validations``
    gives a column (index) a drop-down list of values on every data row; ``protect``
    protects the sheet against edits except in unlocked columns, while filters and
    sorting keep working.
    """

    name: str
    blocks: Sequence[tuple[int, Sequence[Column]]]
    autofilter_block: int | None = 0
    freeze_header: bool = True
    print_setup: bool = False
    validations: Sequence[tuple[int, Sequence[str]]] = ()
    protect: bool = False


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

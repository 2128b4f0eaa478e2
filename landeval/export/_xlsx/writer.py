"""Assembling the XLSX file: worksheets streamed into the zip, then the package parts."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from landeval.export._xlsx.parts import (
    app,
    content_types,
    core,
    root_rels,
    workbook,
    workbook_rels,
)
from landeval.export._xlsx.sheet import write_sheet_xml
from landeval.export._xlsx.spec import Sheet
from landeval.export._xlsx.styles import Styles, styles_xml


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
    styles = Styles()
    filters: list[str | None] = []
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        # one DuckDB database for the number formatting of all sheets: starting one costs
        # tens of milliseconds of CPU, and the sheets would start two each
        duckdb.connect() as con,
    ):
        for i, sheet in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                filters.append(write_sheet_xml(fh, sheet, styles, con))
        zf.writestr("[Content_Types].xml", content_types(len(sheets)))
        zf.writestr("_rels/.rels", root_rels())
        zf.writestr("docProps/core.xml", core(title, author))
        zf.writestr("docProps/app.xml", app())
        zf.writestr("xl/workbook.xml", workbook(sheets, filters))
        zf.writestr("xl/_rels/workbook.xml.rels", workbook_rels(len(sheets)))
        zf.writestr("xl/styles.xml", styles_xml(styles))
    return path

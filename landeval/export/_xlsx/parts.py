"""The small parts of the XLSX package: content types, relationships, properties, workbook."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from landeval.export._xlsx.spec import Sheet

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def content_types(n_sheets: int) -> str:
    ct = "application/vnd.openxmlformats-"
    parts = [
        XML_HEAD,
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


def root_rels() -> str:
    base = "http://schemas.openxmlformats.org/"
    return (
        f'{XML_HEAD}<Relationships xmlns="{NS_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{base}officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{base}package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{base}officeDocument/2006/relationships/'
        'extended-properties" Target="docProps/app.xml"/></Relationships>'
    )


def core(title: str, author: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{XML_HEAD}<cp:coreProperties "
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


def app() -> str:
    return (
        f"{XML_HEAD}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>landeval</Application></Properties>"
    )


def workbook(sheets: Sequence[Sheet], filters: Sequence[str | None]) -> str:
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
    # sorted as Excel and XlsxWriter write them (without the _xlnm. prefix): filters, titles
    for i, sheet in enumerate(sheets):
        if sheet.print_setup:  # the header row printed on every page
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            names.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                f"{escape(quoted)}!$1:$1</definedName>"
            )
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'{XML_HEAD}<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
        "<bookViews><workbookView/></bookViews>"
        f"<sheets>{entries}</sheets>{defined}"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def workbook_rels(n_sheets: int) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels = [
        f'<Relationship Id="rId{i}" Type="{base}worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n_sheets + 1)
    ]
    rels.append(f'<Relationship Id="rId{n_sheets + 1}" Type="{base}styles" Target="styles.xml"/>')
    return f'{XML_HEAD}<Relationships xmlns="{NS_PKG_REL}">{"".join(rels)}</Relationships>'

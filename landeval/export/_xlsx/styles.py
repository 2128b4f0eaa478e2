"""Cell styles: the number formats a workbook uses, and ``xl/styles.xml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from landeval.export._xlsx.parts import NS_MAIN, XML_HEAD

_BUILTIN_FORMATS = {"0": 1, "0.00": 2, "#,##0.00": 4}  # no numFmt entry needed for these
_FIRST_CUSTOM_FORMAT = 164


WRAP = "@wrap"
"""The style key of wrapped text (top-aligned): a cell format, not a number format."""
UNLOCKED = "@unlocked"
"""The style key of an input column of a protected sheet (unlocked cells)."""

_SPECIAL_XFS = {
    WRAP: '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>',
    UNLOCKED: '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyProtection="1"><protection locked="0"/></xf>',
}


@dataclass
class Styles:
    """Cell formats in use: index 0 plain, 1 header, then one per number format or key.

    A key is an Excel number format code, or :data:`WRAP` / :data:`UNLOCKED`.
    """

    formats: dict[str, int] = field(default_factory=dict)

    def index(self, number_format: str) -> int:
        if number_format not in self.formats:
            self.formats[number_format] = 2 + len(self.formats)
        return self.formats[number_format]


def styles_xml(styles: Styles) -> str:
    ids: dict[str, int] = {}
    custom = []
    for code in styles.formats:
        if code in _SPECIAL_XFS:
            continue
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
        _SPECIAL_XFS[code]
        if code in _SPECIAL_XFS
        else f'<xf numFmtId="{ids[code]}" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        for code in styles.formats
    ]
    return (
        f'{XML_HEAD}<styleSheet xmlns="{NS_MAIN}">{num_fmts}'
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

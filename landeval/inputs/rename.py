"""Renaming a file's columns to the canonical ones, and its values to the canonical codes.

Columns are renamed by the project's ``[fields]`` mapping and the built-in aliases
(:mod:`landeval.inputs.aliases`); a missing required column is a
:class:`~landeval.errors.DataError` that lists the columns found and the closest matches.
Values of coded columns (规上 → above, 租赁 → lease) are mapped by
:data:`~landeval.inputs.aliases.VALUE_ALIASES`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.aliases import closest_headers, match_columns, normalize_value
from landeval.inputs.model import SCHEMAS, SOURCE_ROW
from landeval.inputs.text import STR_DTYPE, arrow_of, text_series


def rename_columns(
    frame: pd.DataFrame,
    layer: str,
    *,
    mapping: Mapping[str, str] | None = None,
    header_units: Mapping[str, str] | None = None,
    source: str = "",
) -> tuple[pd.DataFrame, dict[str, str], list[Finding]]:
    """The file's matched columns under their canonical names.

    Parameters
    ----------
    frame : DataFrame
        The file's columns; a :data:`~landeval.inputs.model.SOURCE_ROW` column is kept.
    layer : str
        Canonical layer or table name.
    mapping : mapping, optional
        The project's ``[fields.<layer>]``: canonical column → file column.
    header_units : mapping, optional
        File column → unit from a units row under the header.
    source : str
        File name, for messages.

    Returns
    -------
    (DataFrame, dict, list of Finding)
        A new frame holding only the matched columns (renamed) and ``SOURCE_ROW``; the unit
        of each canonical column that a header or a units row gives; COLUMNS_IGNORED (info)
        when some file columns match nothing.

    Raises
    ------
    DataError
        A required column is missing.
    """
    findings: list[Finding] = []
    match = match_columns([c for c in frame.columns if c != SOURCE_ROW], layer, mapping)
    missing = [c for c in SCHEMAS[layer]["required"] if c not in match.renames.values()]
    if missing:
        raise DataError(
            _missing_message(layer, source, missing, frame.columns, known=bool(match.renames))
        )
    units = dict(match.units)
    for file_col, unit in (header_units or {}).items():
        canonical = match.renames.get(file_col)
        if canonical is not None and unit:
            units.setdefault(canonical, unit)
    if match.ignored:
        findings.append(
            Finding(
                "info",
                "COLUMNS_IGNORED",
                layer,
                None,
                None,
                f"{source} 中未使用的列: {', '.join(match.ignored[:20])}",
                "如其中有需要的字段, 请在 landeval.toml 的 [fields] 中映射",
            )
        )
    # Only the matched columns: an ignored file column may carry a canonical name itself.
    keep = list(match.renames) + ([SOURCE_ROW] if SOURCE_ROW in frame.columns else [])
    renamed = pd.DataFrame(frame[keep]).rename(columns=match.renames)
    return renamed, units, findings


_SHOWN_HEADER_CHARS = 30
"""A column name longer than this is cut in messages."""


def _missing_message(
    layer: str, source: str, missing: list[str], found: pd.Index, *, known: bool
) -> str:
    """Which required columns are missing, with the file's columns and the closest names.

    The file's column names are listed only when some of them are known column names:
    otherwise the "header" is whatever the file's first line holds (a wrong file, a link to
    a text file), and an error message never prints a file's contents.
    """
    shown = [_cut(str(c)) for c in found if c not in {SOURCE_ROW, "geometry"}]
    lines = [f"{source or layer}: 缺少必需字段 {', '.join(missing)} (图层/表 {layer})"]
    if not known:
        lines.append(
            f"  文件的 {len(shown)} 个列名都不是已知的字段名: 它像是别的文件, 请检查路径"
            f" (the file has no known column name; is it the right file?)"
        )
        lines.append(
            f'  如列名正确, 可在 landeval.toml 中映射, 例如 [fields.{layer}] {missing[0]} = "列名"'
        )
        return "\n".join(lines)
    lines.append(f"  文件中的列: {', '.join(shown) if shown else '(无)'}")
    for col in missing:
        close = closest_headers(col, layer, shown)
        hint = "、".join(close) if close else "无相近列名"
        lines.append(f"  {col} 的相近列名: {hint}")
    lines.append(
        f'  可在 landeval.toml 中映射, 例如 [fields.{layer}] {missing[0]} = "文件中的列名"'
    )
    return "\n".join(lines)


def _cut(name: str) -> str:
    return name if len(name) <= _SHOWN_HEADER_CHARS else name[: _SHOWN_HEADER_CHARS - 1] + "…"


def map_values(series: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    """Each value replaced by its canonical code (``aliases``: written → canonical).

    Values are compared as :func:`~landeval.inputs.aliases.normalize_value` makes them
    (case, width and separators do not matter); a value with no alias is kept as written.
    """
    keys = {normalize_value(k): v for k, v in aliases.items()}
    text = series.astype("str")
    # Few distinct values: normalise those, not every row.
    lookup = {u: keys.get(normalize_value(u), u) for u in text.dropna().unique()}
    if text.dtype != STR_DTYPE or not lookup:
        return text.map(lookup).astype("str")
    # text.map(lookup) through Arrow: each cell's position among the distinct values.
    where = pc.index_in(arrow_of(text), value_set=pa.array(list(lookup), type=pa.large_string()))
    mapped = pc.take(pa.array(list(lookup.values()), type=pa.large_string()), where)
    return text_series(text, mapped)

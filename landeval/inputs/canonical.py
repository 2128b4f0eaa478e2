"""From the file's columns to the canonical model: rename, coerce types, convert money.

- Columns are renamed by the project's ``[fields]`` mapping and the built-in aliases; a
  missing required column is a :class:`~landeval.errors.DataError` that lists the columns
  found and the closest matches.
- Types follow :data:`landeval.inputs.model.SCHEMAS`. Text (codes above all) stays text: numbers
  that reached a code column become their exact digits, and a code that passed through a
  float with more than 15 digits (9.1330602E+17) is a finding, never silently rounded.
  Numbers accept thousands separators and full-width digits; "—", "/", "" and friends are
  missing; years like 2023.0 become 2023. Every value that cannot be read is a finding with
  its row and field.
- Money columns (:data:`landeval.inputs.model.MONEY_COLUMNS`) are converted to 万元 per ``[units]``;
  a header unit that contradicts ``[units]``, or magnitudes that look like 元 while 万元 is
  declared (or the reverse), are warning findings with the evidence. ``[units]`` is what is
  applied: it is the user's explicit word, and the warning says how to change it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.aliases import (
    MONEY_UNITS,
    VALUE_ALIASES,
    closest_headers,
    match_columns,
    normalize_value,
)
from landeval.inputs.arrowtext import (
    at_rows,
    cells_with_bytes,
    first_bytes,
    last_bytes,
    rows_of,
)
from landeval.inputs.model import MONEY_COLUMNS, SCHEMAS
from landeval.inputs.tables import SOURCE_ROW
from landeval.inputs.units import to_wan_yuan

_MISSING_TOKENS = {
    "",
    "—",
    "——",
    "-",
    "--",
    "/",
    "\\",
    "无",
    "空",
    "null",
    "none",
    "nan",
    "na",
    "n/a",
    "#n/a",
}
_EXACT_FLOAT_DIGITS = 15  # a double holds 15 significant decimal digits exactly

# Plausible medians (in 万元) of money columns over a city's firms. A median far outside,
# that lands inside once multiplied or divided by 10,000, means the unit is the other one.
_PLAUSIBLE_MEDIAN_WAN: dict[str, tuple[float, float]] = {
    "tax": (0.1, 2e4),
    "value_added": (1.0, 1e5),
    "revenue": (1.0, 1e6),
    "rd_expense": (0.01, 1e4),
}
_MIN_VALUES_FOR_MAGNITUDE = 3
_UNIT_ZH = {"yuan": "元", "wan_yuan": "万元"}

_CODE_COLUMNS = {"uscc", "parcel_id", "county_code", "industry_code", "platform_id"}


def canonicalize(
    frame: pd.DataFrame,
    layer: str,
    *,
    mapping: Mapping[str, str] | None = None,
    money_unit: str | None = None,
    header_units: Mapping[str, str] | None = None,
    source: str = "",
) -> tuple[pd.DataFrame, list[Finding]]:
    """Rename, coerce and convert one layer or table to its canonical columns.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The file's columns (and geometry); a :data:`SOURCE_ROW` column is kept if present.
    layer : str
        Canonical layer or table name.
    mapping : mapping, optional
        The project's ``[fields.<layer>]``: canonical column → file column.
    money_unit : {"yuan", "wan_yuan"}, optional
        Declared money unit (``[units]``) for tables with money columns.
    header_units : mapping, optional
        File column → unit from a units row under the header.
    source : str
        File name, for messages.

    Returns
    -------
    (DataFrame, list of Finding)
        A new frame with the canonical columns (required, then optional, missing optional
        columns filled with missing values), geometry and :data:`SOURCE_ROW` when present,
        and the findings.

    Raises
    ------
    DataError
        A required column is missing.
    """
    findings: list[Finding] = []
    match = match_columns([c for c in frame.columns if c != SOURCE_ROW], layer, mapping)
    schema = SCHEMAS[layer]
    missing = [c for c in schema["required"] if c not in match.renames.values()]
    if missing:
        raise DataError(_missing_message(layer, source, missing, frame.columns))
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
    rows = renamed[SOURCE_ROW] if SOURCE_ROW in renamed.columns else None
    out: dict[str, pd.Series] = {}
    for col, kind in {**schema["required"], **schema["optional"]}.items():
        if col not in renamed.columns:
            out[col] = _empty(kind, len(renamed), renamed.index)
            continue
        series, problems = _coerce(renamed[col], kind, col=col, layer=layer, rows=rows)
        out[col] = series
        findings.extend(problems)
    # copy=False: the columns are new already, and stacking them into blocks costs a copy.
    result = pd.DataFrame(out, index=renamed.index, copy=False)
    for col in ("uscc", "parcel_id"):
        if col in result.columns:
            result[col], note = _normalise_code(
                result[col], renamed.get(col), col=col, layer=layer, rows=rows, source=source
            )
            findings.extend(note)
    for (lay, col), aliases in VALUE_ALIASES.items():
        if lay == layer and col in result.columns:
            result[col] = _map_values(result[col], aliases)
    if SOURCE_ROW in renamed.columns:
        result[SOURCE_ROW] = renamed[SOURCE_ROW].to_numpy()
    if layer in MONEY_COLUMNS:
        result, money_findings = _money(result, layer, money_unit or "wan_yuan", units, source)
        findings.extend(money_findings)
    if "geometry" in frame.columns:
        import geopandas as gpd  # noqa: PLC0415 - tables never need it

        result = gpd.GeoDataFrame(result, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return result.reset_index(drop=True), findings


def _missing_message(layer: str, source: str, missing: list[str], found: pd.Index) -> str:
    shown = [str(c) for c in found if c not in {SOURCE_ROW, "geometry"}]
    lines = [f"{source or layer}: 缺少必需字段 {', '.join(missing)} (图层/表 {layer})"]
    lines.append(f"  文件中的列: {', '.join(shown) if shown else '(无)'}")
    for col in missing:
        close = closest_headers(col, layer, shown)
        hint = "、".join(close) if close else "无相近列名"
        lines.append(f"  {col} 的相近列名: {hint}")
    lines.append(
        f'  可在 landeval.toml 中映射, 例如 [fields.{layer}] {missing[0]} = "文件中的列名"'
    )
    return "\n".join(lines)


def _empty(kind: str, n: int, index: pd.Index) -> pd.Series:
    """A column of ``n`` missing values of the canonical type ``kind``."""
    # Built from arrays: a list of a million Nones is slow to read back.
    if kind == "str":
        values = ArrowStringArray(pa.chunked_array([pa.nulls(n, pa.large_string())]), dtype=_STR)
        return pd.Series(values, index=index)
    if kind == "float":
        return pd.Series(np.full(n, np.nan), index=index, dtype="float64")
    if kind == "int":
        values = pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))
        return pd.Series(values, index=index, dtype="Int64")
    return pd.Series(np.full(n, np.datetime64("NaT", "ns")), index=index, dtype="datetime64[ns]")


def _row_label(rows: pd.Series | None, i: object) -> str:
    return f"row {rows.loc[i]}" if rows is not None else f"row {i}"


def _coerce(
    series: pd.Series, kind: str, *, col: str, layer: str, rows: pd.Series | None
) -> tuple[pd.Series, list[Finding]]:
    if kind == "str":
        return _to_text(series, col=col, layer=layer, rows=rows)
    if kind == "date":
        return _to_date(series, col=col, layer=layer, rows=rows)
    values, bad = _to_number(series, integer=kind == "int")
    findings = [
        Finding(
            "warning",
            "VALUE_NOT_NUMBER" if kind == "float" else "VALUE_NOT_INTEGER",
            layer,
            _row_label(rows, i),
            col,
            f"无法识别为{'数值' if kind == 'float' else '整数'}: {series.loc[i]!r}, 按缺失处理",
            "请修正该单元格",
        )
        for i in series.index[bad]
    ]
    return values, findings


def _clean_text(series: pd.Series) -> pd.Series:
    """Text cells NFKC-normalised and stripped; missing tokens become NaN."""
    text = nfkc(series.astype("str"))
    if not len(text):
        return text.str.strip()
    trimmed = strip(_arrow(text))
    tokens = missing_token_cells(trimmed)
    if tokens.any():
        trimmed = pc.if_else(pa.array(tokens), pa.scalar(None, trimmed.type), trimmed)
    return _text_series(text, trimmed)


_MISSING_TOKENS_ARRAY = pa.array(sorted(_MISSING_TOKENS), type=pa.large_string())
_MISSING_TOKEN_CHARS = max(len(t) for t in _MISSING_TOKENS)


def missing_token_cells(text: pa.ChunkedArray) -> np.ndarray:
    """Which cells are a missing token in any letter case (``text.str.lower().isin(...)``).

    Arrow lowers character by character, so a cell that lowers to a token has as many
    characters as the token (at most 4), hence at most 16 bytes: only those short cells are
    lowered and looked up. Missing cells are False.
    """
    found = np.zeros(len(text), dtype=bool)
    short = pc.less_equal(pc.binary_length(text), 4 * _MISSING_TOKEN_CHARS).fill_null(False)
    rows = np.flatnonzero(np.asarray(short.to_numpy(), dtype=bool))
    if len(rows):
        few = pc.less_equal(pc.utf8_length(rows_of(text, rows)), _MISSING_TOKEN_CHARS)
        rows = rows[at_rows(few.fill_null(False), rows, len(text))]
    if len(rows):
        hit = pc.is_in(pc.utf8_lower(rows_of(text, rows)), value_set=_MISSING_TOKENS_ARRAY)
        found[rows] = at_rows(hit.fill_null(False), rows, len(text))
    return found


def strip(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """``pc.utf8_trim_whitespace(text)`` (what ``.str.strip()`` runs), on the cells it changes.

    A cell changes only when it starts or ends with whitespace: an ASCII byte up to 0x20,
    or a character beyond ASCII, whose bytes are all 0x80 or above in UTF-8. Codes and
    numbers nearly never do, and are returned as they are.
    """
    first, last = first_bytes(text), last_bytes(text)
    edge = (first <= 0x20) | (first >= 0x80) | (last <= 0x20) | (last >= 0x80)
    rows = np.flatnonzero(edge)
    if not len(rows):
        return text
    if len(rows) * 4 > len(text):
        return pc.utf8_trim_whitespace(text)
    trimmed = pc.utf8_trim_whitespace(text.take(rows)).combine_chunks()
    return pc.replace_with_mask(text, pa.array(edge), trimmed)


_STR = pd.StringDtype(storage="pyarrow", na_value=np.nan)


def _text_series(like: pd.Series, arr: pa.ChunkedArray) -> pd.Series:
    """A ``str`` Series over an Arrow text array, with the index and name of ``like``."""
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    values = ArrowStringArray(arr, dtype=_STR)  # no copy of large_string
    return pd.Series(values, index=like.index, name=like.name, copy=False)


def _to_text(
    series: pd.Series, *, col: str, layer: str, rows: pd.Series | None
) -> tuple[pd.Series, list[Finding]]:
    findings: list[Finding] = []
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(object)
    if pd.api.types.is_integer_dtype(series):
        return series.astype("Int64").astype("str"), findings
    if pd.api.types.is_float_dtype(series) or series.dtype == object:
        is_num = series.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)))
        is_num &= ~series.map(lambda v: isinstance(v, bool))
        if is_num.any():
            nums = series[is_num].astype("float64")
            lost = (nums.abs() >= 10**_EXACT_FLOAT_DIGITS) & series[is_num].map(
                lambda v: isinstance(v, (float, np.floating))
            )
            series = series.astype(object).copy()
            series[is_num] = [_number_text(v) for v in series[is_num]]
            findings.extend(
                Finding(
                    "error" if col in _CODE_COLUMNS else "warning",
                    "CODE_STORED_AS_NUMBER",
                    layer,
                    _row_label(rows, i),
                    col,
                    f"{col} 在文件中以数值存储 ({series.loc[i]}), "
                    "超过15位的数字已被 Excel 舍入, 无法还原",
                    "请在原始表中把该列设为文本格式后重新导出",
                )
                for i in lost.index[lost]
            )
    text = _clean_text(series)
    if col in _CODE_COLUMNS:
        # Codes written as "330602.0" by a tool that went through float.
        text = _on_subset(
            text,
            _contains(text, "."),
            lambda s: s.str.replace(r"^(\d+)\.0+$", r"\1", regex=True),
        )
    return text, findings


_CODE_EXAMPLES = 3


def _normalise_code(
    text: pd.Series,
    raw: pd.Series | None,
    *,
    col: str,
    layer: str,
    rows: pd.Series | None,
    source: str,
) -> tuple[pd.Series, list[Finding]]:
    """Codes in upper case without inner spaces; one warning per column when any changed.

    ``text`` is already NFKC-normalised (full-width → half-width) and stripped; ``raw`` are
    the file's cells, to tell which codes were written differently (a repair is recorded).
    """
    codes = _upper(
        _on_subset(
            text,
            has_space(text),
            lambda s: s.str.replace(r"\s+", "", regex=True),
        )
    )
    if raw is None:
        return codes, []
    if raw.dtype == object:  # XLSX cells: text and numbers mixed
        written = raw.map(lambda v: v.strip() if isinstance(v, str) else None).astype("str")
    elif raw.dtype == _STR:
        written = _text_series(raw, strip(_arrow(raw)))
    elif pd.api.types.is_string_dtype(raw):
        written = raw.str.strip()
    else:
        return codes, []
    if written.dtype == _STR and codes.dtype == _STR:
        # written != codes as pandas compares text: a missing cell differs from any other.
        differs = pc.not_equal(_arrow(written), _arrow(codes)).fill_null(True)
        present = pc.is_valid(_arrow(codes))
        changed = pd.Series(
            np.asarray(pc.and_(differs, present).to_numpy(), dtype=bool), index=codes.index
        )
    else:
        changed = (written != codes).fillna(False).astype(bool) & codes.notna().to_numpy()
    if not changed.any():
        return codes, []
    idx = changed[changed].index
    examples = "; ".join(
        f"{_row_label(rows, i)}: {written.loc[i]!r} → {codes.loc[i]!r}"
        for i in idx[:_CODE_EXAMPLES]
    )
    more = f" 等 {len(idx)} 行" if len(idx) > _CODE_EXAMPLES else ""
    finding = Finding(
        "warning",
        "CODE_NORMALISED",
        layer,
        _row_label(rows, idx[0]),
        col,
        f"{source} 中 {col} 的写法不规范 (全角字符、小写字母或空格), 已规范化: {examples}{more}",
        "请在原始数据中统一为半角大写、无空格的编码, 以免与其他部门的数据对不上",
    )
    return codes, [finding]


def _number_text(value: object) -> object:
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    return str(int(value))


def _to_number(series: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    """Numbers from any cells; returns (values, mask of cells that could not be read)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        present = values.notna()
    elif isinstance(series.dtype, pd.StringDtype):
        # Text cells only (CSV): no per-cell Python objects on the way. Cleaning is per cell
        # and leaves a plain number (nearly every cell) as it is, so only the others are
        # cleaned.
        plain = plain_cells(series)
        cleaned = _on_subset(series, ~plain, lambda s: _clean_number_text(s, integer=integer))
        values = _parse_numbers(cleaned, plain.to_numpy())
        present = cleaned.notna()  # cleaning makes a cell missing, never the later steps
    else:
        obj = series.astype(object)
        if pd.api.types.is_string_dtype(series):
            is_num = pd.Series(False, index=series.index)
        else:
            is_num = obj.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)))
            is_num &= ~obj.map(lambda v: isinstance(v, bool))
        text = _clean_text(obj.where(~is_num, None))
        present_text = text.notna()
        cleaned = _strip_separators(text)
        if integer:
            cleaned = _on_subset(
                cleaned, cleaned.str.endswith("年"), lambda s: s.str.slice(stop=-1)
            )
        parsed = pd.to_numeric(cleaned, errors="coerce")
        values = pd.Series(np.nan, index=series.index, dtype="float64")
        if is_num.any():
            values[is_num] = obj[is_num].astype("float64")
        values[present_text] = parsed[present_text].astype("float64")
        present = is_num & obj.notna() | present_text
    # inf, -inf and integers beyond what Int64 holds exactly are not data.
    limit = 2.0**53 if integer else np.inf
    values = values.where(values.abs() < limit)
    bad = present & values.isna()
    if integer:
        not_whole = values.notna() & (values - values.round()).abs().gt(1e-9)
        bad |= not_whole
        values = values.mask(not_whole)
        return values.round().astype("Int64"), bad
    return values, bad


def _clean_number_text(series: pd.Series, *, integer: bool) -> pd.Series:
    """Number cells cleaned for parsing.

    NFKC-normalised, stripped, missing tokens NaN, thousands separators removed and, for
    integers, a trailing 年 (2023年) removed.
    """
    cleaned = _strip_separators(_clean_text(series))
    if integer:
        cleaned = _on_subset(cleaned, cleaned.str.endswith("年"), lambda s: s.str.slice(stop=-1))
    return cleaned


def _strip_separators(text: pd.Series) -> pd.Series:
    """Thousands separators removed (``1,234`` and ``1 234`` → ``1234``)."""
    # Regex replacement is slow on Arrow strings: apply it only where it can match.
    has_sep = _contains(text, ", ")
    return _on_subset(
        text, has_sep, lambda s: s.str.replace(r"(?<=\d)[,\s](?=\d{3})", "", regex=True)
    )


# Plain decimals that pandas and Arrow both read to the correctly rounded double: at most
# 15 digits (the digits form an integer below 2**53, scaled by an exact power of ten), so
# Arrow's cast reads them, and pandas only the rest.
_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_PLAIN_MAX_CHARS = 15
# Integers that pandas may hold as uint64, whose mix with missing cells it treats apart.
_HUGE_INTEGER = r"^[-+]?[0-9]{19,}$"


def plain_cells(text: pd.Series) -> pd.Series:
    """Which cells are a plain decimal (``-12.5``: ASCII digits, one optional sign and point).

    Such a cell is left as it is by every cleaning step of :func:`_to_number` (NFKC,
    stripping, missing tokens, thousands separators, a trailing 年), so those steps need to
    run on the other cells only. Missing cells are not plain.
    """
    if not len(text):
        return pd.Series(False, index=text.index)
    arr = _arrow(text.astype("str"))
    # Cells of ASCII digits only (years, counts: whole columns of them) are plain; one cheap
    # kernel finds them and the regex runs on the other cells only.
    found = np.array(pc.ascii_is_decimal(arr).fill_null(False).to_numpy(), dtype=bool)
    rows = np.flatnonzero(~found)
    if len(rows):
        found[rows] = _matches(arr, rows, _PLAIN_NUMBER)
    return pd.Series(found, index=text.index, dtype=bool)


def _matches(arr: pa.ChunkedArray, rows: np.ndarray, pattern: str) -> np.ndarray:
    """Whether the cells ``rows`` of ``arr`` match the regex ``pattern`` (missing: False)."""
    found = pc.match_substring_regex(rows_of(arr, rows), pattern).fill_null(False)
    return at_rows(found, rows, len(arr))


def parse_numbers(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` as float64, through Arrow where exact.

    Parameters
    ----------
    text : Series of str
        Cleaned cells (missing as NaN).

    Returns
    -------
    Series of float64
        Same index; NaN where missing or unreadable. Equal, bit for bit, to what
        ``pd.to_numeric(text, errors="coerce").astype("float64")`` gives.

    Notes
    -----
    pandas parses a whole column either as integers (every cell a present integer) or as
    floats (any decimal point, missing or unreadable cell), and a cell's double can differ
    between the two for integers of more than 15 digits, and for ``-0``. Plain decimals of
    at most 15 digits read the same in both, so Arrow casts those; the other cells go to
    pandas with one sentinel cell that puts pandas in the mode the whole column would have.
    """
    return _parse_numbers(text, None)


def _parse_numbers(text: pd.Series, known_plain: np.ndarray | None) -> pd.Series:
    """:func:`parse_numbers`, told which cells are plain already.

    ``known_plain`` marks cells known to match ``_PLAIN_NUMBER`` (:func:`plain_cells`); the
    pattern is then matched against the other cells only.
    """
    arr = pa.chunked_array(text.array.__arrow_array__()) if len(text) else None
    if arr is None or arr.null_count == len(arr):
        return pd.Series(np.nan, index=text.index, dtype="float64")
    present = pc.is_valid(arr)
    if known_plain is None:
        matched = pc.match_substring_regex(arr, _PLAIN_NUMBER).fill_null(False).to_numpy()
    else:
        matched = np.array(known_plain, dtype=bool)
        rows = np.flatnonzero(~matched)
        if len(rows):
            matched[rows] = _matches(arr, rows, _PLAIN_NUMBER)
    # A plain cell is ASCII: its length in bytes is its length in characters.
    short = pc.less_equal(pc.binary_length(arr), _PLAIN_MAX_CHARS).fill_null(False)
    plain_np = np.asarray(matched, dtype=bool) & np.asarray(short.to_numpy(), dtype=bool)
    if plain_np.all():  # the common case: no cell to hide from the cast
        values = pc.cast(arr, pa.float64())
    else:
        values = pc.cast(
            pc.if_else(pa.array(plain_np), arr, pa.scalar(None, arr.type)), pa.float64()
        )
    out = values.to_numpy()
    negative = first_bytes(arr) == ord("-")
    # "-0" is -0.0 among floats but 0 among integers: pandas decides.
    plain_np &= ~(negative & (out == 0.0))
    other = np.asarray(present.to_numpy(), dtype=bool) & ~plain_np
    if other.any():
        rest = text[other]
        if pc.any(pc.match_substring_regex(pa.array(rest), _HUGE_INTEGER)).as_py():
            return pd.to_numeric(text, errors="coerce").astype("float64")
        float_mode = bool(arr.null_count or (plain_np & cells_with_bytes(arr, b".")).any())
        signed = bool((plain_np & negative).any())
        sentinel = ["0.5"] if float_mode else (["-1"] if signed else [])
        extra = pd.Series(rest.tolist() + sentinel, dtype="str")
        parsed = pd.to_numeric(extra, errors="coerce")
        if not pd.api.types.is_numeric_dtype(parsed):
            return pd.to_numeric(text, errors="coerce").astype("float64")
        out = out.copy()
        out[other] = parsed.to_numpy(dtype="float64", na_value=np.nan)[: len(rest)]
    out = np.where(plain_np | other, out, np.nan)
    return pd.Series(out, index=text.index, dtype="float64")


def _to_date(
    series: pd.Series, *, col: str, layer: str, rows: pd.Series | None
) -> tuple[pd.Series, list[Finding]]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype("datetime64[ns]"), []
    obj = series.astype(object)
    is_dt = obj.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
    text = _clean_text(obj.where(~is_dt, None))
    text = text.str.replace(r"[年月./]", "-", regex=True).str.replace("日", "", regex=False)
    parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    values = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    if is_dt.any():
        values[is_dt] = pd.to_datetime(obj[is_dt])
    values[text.notna()] = parsed[text.notna()]
    bad = text.notna() & values.isna()
    findings = [
        Finding(
            "warning",
            "VALUE_NOT_DATE",
            layer,
            _row_label(rows, i),
            col,
            f"无法识别为日期: {series.loc[i]!r}, 按缺失处理",
            "请使用 YYYY-MM-DD 格式",
        )
        for i in series.index[bad]
    ]
    return values, findings


# Text made only of ASCII and CJK unified ideographs (U+4E00–U+9FFF): no character of it
# has a compatibility decomposition or combines with a neighbour, so NFKC leaves it as is.
_NFKC_STABLE = r"^[\x{0}-\x{7F}\x{4E00}-\x{9FFF}]*$"

# Python's ``\s`` (str.isspace), for Arrow's RE2 whose ``\s`` is ASCII only.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_PY_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in PY_WHITESPACE) + "]"


def _arrow(text: pd.Series) -> pa.ChunkedArray:
    return pa.chunked_array(text.array.__arrow_array__())


_ASCII_WHITESPACE = "".join(c for c in PY_WHITESPACE if c.isascii()).encode("ascii")


def has_space(text: pd.Series) -> pd.Series:
    r"""``text.str.contains(r"\s")`` (Python's Unicode ``\s``), through Arrow; False if missing."""
    if not len(text):
        return pd.Series(False, index=text.index)
    arr = _arrow(text.astype("str"))
    # ASCII whitespace is found byte by byte; the regex runs on cells beyond ASCII only.
    found = cells_with_bytes(arr, _ASCII_WHITESPACE)
    rows = np.flatnonzero(~np.asarray(pc.string_is_ascii(arr).fill_null(True), dtype=bool))
    if len(rows):
        found[rows] |= _matches(arr, rows, _PY_SPACE_CLASS)
    return pd.Series(found, index=text.index)


def _contains(text: pd.Series, chars: str) -> pd.Series:
    """Which cells contain any of the ASCII ``chars`` (``str.contains``, missing False)."""
    if not len(text):
        return pd.Series(False, index=text.index)
    found = cells_with_bytes(_arrow(text.astype("str")), chars.encode("ascii"))
    return pd.Series(found, index=text.index)


def _upper(text: pd.Series) -> pd.Series:
    """``text.str.upper()``; ASCII-only columns take Arrow's much cheaper ASCII kernel."""
    if text.dtype == _STR and len(text):
        arr = _arrow(text)
        if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
            return _text_series(text, pc.ascii_upper(arr))
    return text.str.upper()


def nfkc(text: pd.Series) -> pd.Series:
    """NFKC-normalise a text Series (full-width → half-width), touching rows it can change.

    Normalisation runs per cell in Python; rows of ASCII and common Chinese characters only
    (nearly all) are left alone without it.
    """
    if not len(text):
        return text
    arr = _arrow(text)
    # ASCII is checked in one cheap pass; the character-class regex runs on the rest only.
    rows = np.flatnonzero(~np.asarray(pc.string_is_ascii(arr).fill_null(True), dtype=bool))
    if not len(rows):
        return text
    rows = rows[~_matches(arr, rows, _NFKC_STABLE)]
    if not len(rows):
        return text
    changing = np.zeros(len(text), dtype=bool)
    changing[rows] = True
    return _on_subset(
        text, pd.Series(changing, index=text.index), lambda s: s.str.normalize("NFKC")
    )


def _on_subset(text: pd.Series, mask: pd.Series, func) -> pd.Series:
    """``func`` applied to the rows of ``text`` where ``mask`` holds; others unchanged."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return text
    changed = func(text[mask])
    if text.dtype == _STR and changed.dtype == _STR:
        # The new cells put in place by Arrow: a masked pandas assignment of text costs far
        # more (alignment, then a rebuilt array).
        arr = pc.replace_with_mask(
            _arrow(text), pa.array(mask.to_numpy()), _arrow(changed).combine_chunks()
        )
        return _text_series(text, arr)
    out = text.copy()
    out[mask] = changed
    return out


def _map_values(series: pd.Series, aliases: Mapping[str, str]) -> pd.Series:
    keys = {normalize_value(k): v for k, v in aliases.items()}
    text = series.astype("str")
    # Few distinct values: normalise those, not every row.
    lookup = {u: keys.get(normalize_value(u), u) for u in text.dropna().unique()}
    if text.dtype != _STR or not lookup:
        return text.map(lookup).astype("str")
    # text.map(lookup) through Arrow: each cell's position among the distinct values.
    where = pc.index_in(_arrow(text), value_set=pa.array(list(lookup), type=pa.large_string()))
    mapped = pc.take(pa.array(list(lookup.values()), type=pa.large_string()), where)
    return _text_series(text, mapped)


def _money(
    frame: pd.DataFrame,
    layer: str,
    declared: str,
    units: Mapping[str, str],
    source: str,
) -> tuple[pd.DataFrame, list[Finding]]:
    findings: list[Finding] = []
    out = frame.copy(deep=False)  # copy-on-write: setting a column leaves frame as it was
    converted: list[str] = []
    for col in MONEY_COLUMNS[layer]:
        if col not in out.columns or out[col].isna().all():
            continue
        header_unit = units.get(col, "")
        if header_unit:
            said = MONEY_UNITS.get(header_unit)
            if said != declared:
                findings.append(
                    Finding(
                        "warning",
                        "UNIT_HEADER_MISMATCH",
                        layer,
                        None,
                        col,
                        f"{source} 的 {col} 列表头单位为 {header_unit}, 但 [units] {layer} 声明为"
                        f" {_UNIT_ZH[declared]}; 按声明的 {_UNIT_ZH[declared]} 换算",
                        (
                            f'如表头正确, 请在 landeval.toml 中设置 [units] {layer} = "{said}"'
                            if said
                            else "请把该列换算为元或万元"
                        ),
                    )
                )
        out[col] = to_wan_yuan(out[col], declared)
        if declared != "wan_yuan":
            converted.append(col)
        finding = _magnitude_check(out[col], layer, col, declared, source)
        if finding is not None:
            findings.append(finding)
    if converted:
        findings.append(
            Finding(
                "info",
                "UNITS_CONVERTED",
                layer,
                None,
                ", ".join(converted),
                f"{source} 的金额列 {', '.join(converted)} 由元换算为万元 (÷10000)",
                "",
            )
        )
    return out, findings


def _magnitude_check(
    values_wan: pd.Series, layer: str, col: str, declared: str, source: str
) -> Finding | None:
    lo, hi = _PLAUSIBLE_MEDIAN_WAN.get(col, (0.0, np.inf))
    values = values_wan.to_numpy(dtype="float64", na_value=np.nan)
    positive = pd.Series(values[values > 0])  # no index to carry along
    if len(positive) < _MIN_VALUES_FOR_MAGNITUDE:
        return None
    median = float(positive.median())
    if median > hi and lo <= median * 1e-4 <= hi:
        looks = "yuan"
    elif median < lo <= median * 1e4 <= hi:
        looks = "wan_yuan"
    else:
        return None
    if looks == declared:
        return None
    raw_median = median / to_wan_yuan(1.0, declared)
    return Finding(
        "warning",
        "UNIT_MAGNITUDE",
        layer,
        None,
        col,
        f"{source} 的 {col} 声明单位为 {_UNIT_ZH[declared]}, 但数值量级像 {_UNIT_ZH[looks]}:"
        f" 每户中位数 {raw_median:,.2f} (按声明换算为 {median:,.4g} 万元, 合理范围约"
        f" {lo:g}–{hi:g} 万元)",
        f'请核对单位; 如为{_UNIT_ZH[looks]}, 请在 landeval.toml 中设置 [units] {layer} = "{looks}"',
    )

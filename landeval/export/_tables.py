"""The tables of the action lists, built from result frames (pure; no I/O).

Each builder takes result frames with the columns of :data:`landeval.inputs.model.RESULT_COLUMNS`
and returns a :class:`Table`: a frame whose columns are the display headers (Chinese, or
English with ``lang="en"``) and whose cells are text (Arrow-backed strings) or numbers
(float64), missing where empty, plus the kind of each column, which decides its number
format. Codes and labels are converted once per distinct value, not once per cell.
Columns missing from an input frame come out empty rather than failing, so an export of a
partial run still opens.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.export._cells import as_bool, as_number, as_text, is_missing
from landeval.export._columns import (
    ACTION_COLUMNS,
    FROM_INPUT_SOURCES,
    OPTIONAL_SOURCES,
    REVIEW_SOURCES,
    TREATMENT_COLUMNS,
    ColumnSpec,
    display_kind,
)
from landeval.review.shown import PROPOSED
from landeval.vocabulary import (
    CODE_LABELS,
    DECISION_LABELS,
    DEFER,
    FLAG_LABELS,
    INDUSTRY_NAMES,
    KEEP,
    NO_OCCUPANT,
    NUMBER_KINDS,
    TREATMENT_ORDER,
    YES_NO,
    column_header,
    label,
    land_use_label,
)

ACTION_TREATMENTS: tuple[str, ...] = tuple(c for c in TREATMENT_ORDER if c != KEEP)
"""The four treatments (四个一批) in the policy's order: the order of their sheets."""


@dataclass(frozen=True)
class Table:
    """A display table: headers as columns, and the kind of each column.

    Text columns hold str or missing cells (the builders make them Arrow-backed strings,
    missing as null); number columns hold floats, missing (None or NaN) where there is no
    finite number.
    """

    frame: pd.DataFrame
    kinds: tuple[str, ...]
    keys: tuple[str, ...] = ()
    """The vocabulary key of each column (what it is; empty for built headings)."""


_FLAG_SPLIT = re.compile(r"[\s,;，；、|]+")


def treatment_codes(parcel_eval: pd.DataFrame | None) -> list[str]:
    """The action treatments to list: the four, 暂缓, then any other non-KEEP code.

    暂缓 is listed when a review deferred a parcel (the final view of
    :mod:`landeval.review.shown`).
    """
    codes = list(ACTION_TREATMENTS)
    if parcel_eval is not None and "treatment" in parcel_eval:
        present = {str(t) for t in parcel_eval["treatment"].dropna().unique()}
        codes += [DEFER] if DEFER in present else []
        codes += sorted(present - set(codes) - {KEEP})
    return codes


def treatment_label(code: str, lang: str, parcel_eval: pd.DataFrame | None = None) -> str:
    """Label of a treatment code; a custom code takes its ``treatment_zh`` from the data."""
    if code in DECISION_LABELS:  # the treatments, and 暂缓 (a review's final decision)
        return label(DECISION_LABELS, code, lang)  # type: ignore[arg-type]
    if parcel_eval is not None and "treatment_zh" in parcel_eval:
        names = parcel_eval.loc[parcel_eval["treatment"] == code, "treatment_zh"].dropna()
        if len(names):
            return str(names.iloc[0])
    return code


def sort_parcels(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by county, then area descending, then parcel code (deterministic)."""
    return frame.iloc[_parcel_order(frame)]


def _parcel_order(frame: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
    """The order of ``rows`` (positions; all rows when None) as :func:`sort_parcels` sorts.

    Returns positions into ``rows``. Only the three sort keys are read (at ``rows``): the
    caller takes the rows it shows (in their own order, which reads memory in sequence)
    and then this order of them.
    """
    if rows is None:
        rows = np.arange(len(frame))
    return county_order(frame, rows, area="area_mu", ident="parcel_id")


def county_order(frame: pd.DataFrame, rows: np.ndarray, *, area: str, ident: str) -> np.ndarray:
    """Positions into ``rows`` ordering them by county, ``area`` descending, then ``ident``.

    Only the three key columns are read, at ``rows``; missing keys sort first (area last).
    Ties keep the order of ``rows`` (a stable sort).
    """

    def key(name: str) -> pd.Series:
        return column_of(frame, name).iloc[rows].reset_index(drop=True)

    keys = pa.table(
        {
            "county": pa.array(key("county_code").astype("string").fillna("")),
            "area": pd.to_numeric(key(area), errors="coerce").fillna(-1.0).to_numpy("float64"),
            "id": pa.array(key(ident).astype("string").fillna("")),
        }
    )
    # Arrow's stable multi-key sort: text compares as UTF-8 bytes, which is code-point
    # order, as pandas sorts it; on a million parcels ~10x faster than sort_values.
    order = pc.sort_indices(
        keys, sort_keys=[("county", "ascending"), ("area", "descending"), ("id", "ascending")]
    )
    return order.to_numpy().astype(np.intp, copy=False)


def action_table(
    parcel_eval: pd.DataFrame,
    *,
    lang: str = "zh",
    treatments: Sequence[str] | None = None,
    with_treatment: bool = False,
) -> Table:
    """One row per parcel of the given treatments (all non-KEEP when None), sorted.

    Parameters
    ----------
    parcel_eval : DataFrame
        The ``parcel_eval`` result table.
    lang : {"zh", "en"}
        Language of headers and labels.
    treatments : sequence of str, optional
        Treatment codes to keep.
    with_treatment : bool
        Put the treatment label and code first (the CSV's 处置方式 columns).
    """
    codes = list(treatments) if treatments is not None else treatment_codes(parcel_eval)
    spec = (TREATMENT_COLUMNS if with_treatment else ()) + ACTION_COLUMNS
    rows = _action_rows(parcel_eval, codes, spec)
    table = build_table(rows, spec, lang=lang, parcel_eval=parcel_eval)
    # a parcel nobody is registered on says so, rather than leaving the firm blank
    return fill_text(table, "main_name", NO_OCCUPANT.get(lang, NO_OCCUPANT["zh"]))


def action_tables(
    parcel_eval: pd.DataFrame, *, lang: str = "zh", treatments: Sequence[str]
) -> dict[str, Table]:
    """The action table of each treatment: ``action_table(treatments=[code])`` per code.

    The parcels are selected, sorted, grouped by treatment and converted once, and each
    table is one slice of the result, which gives the same rows in the same order (stable
    sorts keep the order of equal keys, in the whole as in each part) for a fraction of
    the work of one call per treatment.

    Parameters
    ----------
    parcel_eval : DataFrame
        The ``parcel_eval`` result table.
    lang : {"zh", "en"}
        Language of headers and labels.
    treatments : sequence of str
        Treatment codes, each the key of one table (in this order).
    """
    codes = list(treatments)
    selected, order = _action_order(parcel_eval, codes)
    # grouped by treatment with a stable sort, each table's rows stay in the order above
    # and are one slice of the table built once (no copy per treatment)
    rank = {code: k for k, code in enumerate(codes)}
    treatment = column_of(parcel_eval, "treatment").iloc[selected].iloc[order]
    which = treatment.map(rank).to_numpy(dtype=np.int64)
    grouped = np.argsort(which, kind="stable")
    table = build_table(
        _shown(parcel_eval, ACTION_COLUMNS).iloc[selected].iloc[order[grouped]],
        ACTION_COLUMNS,
        lang=lang,
        parcel_eval=parcel_eval,
    )
    table = fill_text(table, "main_name", NO_OCCUPANT.get(lang, NO_OCCUPANT["zh"]))
    bounds = np.searchsorted(which[grouped], np.arange(len(codes) + 1))
    return {
        code: Table(
            table.frame.iloc[bounds[rank[code]] : bounds[rank[code] + 1]].reset_index(drop=True),
            table.kinds,
            table.keys,
        )
        for code in codes
    }


def _action_order(parcel_eval: pd.DataFrame, codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the parcels of treatments ``codes``, and their sorted order."""
    selected = np.flatnonzero(column_of(parcel_eval, "treatment").isin(codes).to_numpy(dtype=bool))
    return selected, _parcel_order(parcel_eval, selected)


def _shown(frame: pd.DataFrame, spec: Sequence[ColumnSpec]) -> pd.DataFrame:
    """The columns of ``frame`` that ``spec`` shows (taking rows copies what it is given)."""
    wanted = {c[0] for c in spec} | {"flags_zh", "status"}
    return pd.DataFrame(frame[[c for c in frame.columns if c in wanted]])


def _action_rows(
    parcel_eval: pd.DataFrame, codes: Sequence[str], spec: Sequence[ColumnSpec]
) -> pd.DataFrame:
    """The sorted parcels of treatments ``codes``: the columns shown."""
    selected, order = _action_order(parcel_eval, codes)
    return _shown(parcel_eval, spec).iloc[selected].iloc[order]


def county_names(results: Mapping[str, pd.DataFrame | None]) -> dict[str, str]:
    """County code → name as found in parcel_eval and the ledger."""
    names: dict[str, str] = {}
    for key in ("balance_ledger", "parcel_eval"):
        frame = results.get(key)
        if frame is not None:
            names.update(names_from(frame))
    return names


def names_from(frame: pd.DataFrame) -> dict[str, str]:
    if "county_code" not in frame or "county_name" not in frame:
        return {}
    pairs = frame[["county_code", "county_name"]].dropna().drop_duplicates("county_code")
    return {str(c): str(n) for c, n in zip(pairs["county_code"], pairs["county_name"], strict=True)}


def column_of(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def build_table(
    rows: pd.DataFrame,
    spec: Sequence[ColumnSpec],
    *,
    lang: str,
    parcel_eval: pd.DataFrame | None = None,
) -> Table:
    out: dict[str, object] = {}
    kinds: list[str] = []
    keys: list[str] = []
    for source, key in spec:
        if source in OPTIONAL_SOURCES and source not in rows:
            continue  # a column the table lacks is left out, not shown empty
        if source in FROM_INPUT_SOURCES and not _given(source, rows, parcel_eval):
            continue  # a field the parcel layer does not give
        if source in REVIEW_SOURCES and PROPOSED not in rows:
            continue  # no review decided anything: the proposal is the decision
        header = column_header(key, lang)  # type: ignore[arg-type]
        series, kind = column_of(rows, source), display_kind(key)
        if source == "flags" and lang == "zh" and "flags_zh" in rows:
            # the zoning stage's own Chinese wording wins over labels rebuilt from codes
            series, kind = column_of(rows, "flags_zh"), "text"
        if kind in NUMBER_KINDS and pd.api.types.is_numeric_dtype(series.dtype):
            # a numeric column needs no per-cell checks: only non-finite values go missing
            numbers = series.astype("float64").to_numpy()
            out[header] = np.where(np.isfinite(numbers), numbers, np.nan)
        elif kind in NUMBER_KINDS:
            converted = _convert_column(series.tolist(), kind, lang, parcel_eval)
            out[header] = np.array(converted, dtype="float64")
        else:
            text = _text_series(series, kind, lang, parcel_eval)
            if source == "class" and key == "class" and "status" in rows:
                # a closed main occupant (停业, 注销, 吊销) shows its status, not a class
                text = _status_over(text, column_of(rows, "status"))
            out[header] = text.array
        kinds.append("text" if kind not in NUMBER_KINDS else kind)
        keys.append(key)
    frame = pd.DataFrame(out, columns=list(out))
    return Table(frame, tuple(kinds), tuple(keys))


def _given(source: str, rows: pd.DataFrame, parcel_eval: pd.DataFrame | None) -> bool:
    """Whether any parcel has a value in ``source`` (all parcels, so every sheet agrees)."""
    whole = parcel_eval if parcel_eval is not None and source in parcel_eval else rows
    return bool(whole[source].notna().any())


def _status_over(text: pd.Series, status: pd.Series) -> pd.Series:
    """``text`` where ``status`` is missing, else the status (Arrow-backed strings)."""
    shown = pa.array(status.astype("string"), type=pa.large_string())
    given = pc.and_(shown.is_valid(), pc.not_equal(pc.utf8_trim_whitespace(shown), ""))
    merged = pc.if_else(given.fill_null(False), shown, pa.array(text.array, pa.large_string()))
    return pd.Series(pd.arrays.ArrowExtensionArray(merged), index=text.index)


def fill_text(table: Table, key: str, words: str) -> Table:
    """``table`` with the empty cells of column ``key`` showing ``words`` (a new table)."""
    if key not in table.keys:
        return table
    header = table.frame.columns[table.keys.index(key)]
    cells = pa.array(table.frame[header].array, pa.large_string())
    filled = pc.fill_null(cells, pa.scalar(words, pa.large_string()))
    frame = table.frame.assign(
        **{header: pd.arrays.ArrowExtensionArray(filled)}  # type: ignore[arg-type]
    )
    return Table(frame, table.kinds, table.keys)


def _text_series(
    series: pd.Series, kind: str, lang: str, parcel_eval: pd.DataFrame | None
) -> pd.Series:
    """A text column as Arrow-backed strings (missing cells are null)."""
    if kind == "text" and _is_text(series.dtype):
        # text is written as it is (as_text of a str is the str itself)
        text = pa.array(series).cast(pa.large_string())
        return pd.Series(pd.arrays.ArrowExtensionArray(text), index=series.index)
    if series.dtype == object:
        # cells may be lists (flags, names) or mixed objects: convert cell by cell
        values = _convert_column(series.tolist(), kind, lang, parcel_eval)
    else:
        # typed columns (text, codes, booleans, numbers) hold few distinct values
        # compared with their length: convert each distinct value once, then spread
        return spread_text(series, lambda value: _convert(value, kind, lang, parcel_eval))
    text = pa.array(values, type=pa.large_string())
    return pd.Series(pd.arrays.ArrowExtensionArray(text), index=series.index)


def _is_text(dtype: object) -> bool:
    """A pandas string dtype, or Arrow-backed text."""
    if isinstance(dtype, pd.StringDtype):
        return True
    return isinstance(dtype, pd.ArrowDtype) and (
        pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
    )


def spread_text(series: pd.Series, text: Callable[[object], str | None]) -> pd.Series:
    """``text`` of each cell of a typed column, computed once per distinct value.

    Missing cells stay missing (null); the result is an Arrow-backed string column with
    the index of ``series``.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    converted = pa.array([text(u) for u in uniques.tolist()], type=pa.large_string())
    taken = converted.take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowExtensionArray(taken), index=series.index)


def _convert_column(
    values: list[object], kind: str, lang: str, parcel_eval: pd.DataFrame | None
) -> list[object]:
    if kind in NUMBER_KINDS:
        # vectorised: a city's firm sheet has millions of cells
        numbers = pd.to_numeric(
            pd.Series(values, dtype=object).map(_scalar_or_none), errors="coerce"
        )
        return [v if math.isfinite(v) else None for v in numbers.astype(float).tolist()]
    # codes and labels repeat a lot: convert each distinct value once
    memo: dict[object, object] = {}
    out: list[object] = []
    for value in values:
        try:
            out.append(memo[value])
        except KeyError:
            out.append(memo.setdefault(value, _convert(value, kind, lang, parcel_eval)))
        except TypeError:  # unhashable (a list of flags or names)
            out.append(_convert(value, kind, lang, parcel_eval))
    return out


def _scalar_or_none(value: object) -> object:
    if isinstance(value, (str, bytes, list, tuple, np.ndarray, set, dict)):
        return None
    return value


def _convert(value: object, kind: str, lang: str, parcel_eval: pd.DataFrame | None) -> object:
    if kind in NUMBER_KINDS:
        return as_number(value)
    if kind == "bool":
        flag = as_bool(value)
        return None if flag is None else YES_NO[lang][0 if flag else 1]
    text = as_text(value, lang=lang) if kind in {"text", "flags"} else _code(value)
    if text is None:
        return None
    if kind == "treatment":
        return treatment_label(text, lang, parcel_eval)
    if kind == "land_use":
        # the code with the name of its class: 100103 三类工业用地
        name = land_use_label(text, lang)  # type: ignore[arg-type]
        return f"{text} {name}" if name else text
    if kind == "industry":
        # the division's Chinese name beside the code; English shows the code alone
        name = INDUSTRY_NAMES.get(text[:3]) if lang == "zh" else None
        return f"{text} {name}" if name else text
    if kind == "flags":
        codes = _flag_codes(value)
        names = [label(FLAG_LABELS, c, lang) for c in codes]  # type: ignore[arg-type]
        return as_text(names, lang=lang)
    if kind in CODE_LABELS:
        return label(CODE_LABELS[kind], text, lang)  # type: ignore[arg-type]
    return text


def _code(value: object) -> str | None:
    if is_missing(value):
        return None
    return str(value)


def _flag_codes(value: object) -> list[str]:
    if is_missing(value):
        return []
    if isinstance(value, (list, tuple, np.ndarray, set)):
        return [str(v) for v in value if not is_missing(v)]
    return [c for c in _FLAG_SPLIT.split(str(value)) if c]

"""The values of a filled review, checked as it is read: every bad cell a finding.

A person types into the review workbook, so its cells are checked like any input's, on
their own (the checks against the run's parcels and firms — an unknown code, a proposal that
changed since — come when the review is applied, :mod:`landeval.review.decide` and
:mod:`landeval.review.adjust`):

- an unknown 复核结论 or 调档 is an error naming the cell and the allowed values: the run
  stops, since it would otherwise decide a parcel or a class on a typo;
- two rows for one parcel (or one firm and year) are an error, each row named;
- any other coded cell that is not one of its values (进展, 认定, 企业确认, the recorded
  系统建议 or 系统评价类别) is a warning, and the cell is read as empty;
- 受阻 without 困难原因, and a 公示 that ends before it starts, are warnings;
- a date that does not parse is the readers' VALUE_NOT_DATE warning, the cell read as empty:
  a date records the process and never changes a decision, so it does not stop the run.

Cells are compared after the readers mapped their labels to codes
(:data:`landeval.inputs.aliases.VALUE_ALIASES`), so that 拆除重建, REBUILD and
"Demolish and rebuild" are all REBUILD.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from landeval.findings import Finding
from landeval.inputs.model import ALLOWED_VALUES, SCHEMAS, SOURCE_ROW
from landeval.review.layout import choice_label
from landeval.vocabulary import COLUMNS, TREATMENT_LABELS, Language, column_header

INPUT_FILE = "input_file"
"""Column of a checked review table: the file (and sheet) a row came from."""
INPUT_ROW = "input_row"
"""Column of a checked review table: the row's number in its file (as a spreadsheet shows)."""

_BOOLEANS = frozenset({"confirmed", "firm_confirmed"})
"""Yes/no columns: booleans once checked."""
_DTYPES = {"str": "str", "date": "datetime64[ns]", "int": "Int64", "float": "float64"}

_STOPPING = frozenset({"decision", "class_adjusted"})
"""Coded columns whose unknown value stops the run (they change a decision)."""


def review_dtype(layer: str, column: str) -> str:
    """The dtype of a column of a checked review table (and of the decisions taken from it).

    Examples
    --------
    >>> review_dtype("parcel_review", "reviewed_on"), review_dtype("parcel_review", "confirmed")
    ('datetime64[ns]', 'boolean')
    >>> review_dtype("firm_review", INPUT_ROW), review_dtype("parcel_review", "recorded_proposal")
    ('Int64', 'str')
    """
    if column in _BOOLEANS:
        return "boolean"
    if column == INPUT_ROW:
        return "Int64"
    schema = SCHEMAS[layer]
    kind = {**schema["required"], **schema["optional"]}.get(column, "str")
    return _DTYPES[kind]


def check_parcel_review(
    frame: pd.DataFrame,
    *,
    source: str,
    lang: Language = "zh",
    letters: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Check a canonical parcel review; return it with its codes clean, and the findings.

    Parameters
    ----------
    frame : DataFrame
        The canonical ``parcel_review`` (:data:`landeval.inputs.model.SCHEMAS`), with
        :data:`~landeval.inputs.model.SOURCE_ROW`.
    source : str
        The file (and sheet) it came from, for :data:`INPUT_FILE` and messages.
    lang : {"zh", "en"}
        Language of the headers the messages name.
    letters : mapping, optional
        Column → its letter in the sheet, so that a message names the cell (``N12``).

    Returns
    -------
    (DataFrame, list of Finding)
        A new frame: rows with a parcel code, bad coded cells empty, ``confirmed`` as
        booleans, :data:`INPUT_FILE` and :data:`INPUT_ROW` in place of SOURCE_ROW.
    """
    layer = "parcel_review"
    out, findings = _keyed(frame, layer, "parcel_id", source)
    out, found = _all_coded(out, layer, lang, letters or {})
    findings += found
    findings += _duplicates(out, ["parcel_id"], layer)
    findings += _blocked_without_reason(out, lang)
    findings += _notice_order(out, lang)
    out["confirmed"] = _yes_no(out["confirmed"])
    return out.reset_index(drop=True), findings


def check_firm_review(
    frame: pd.DataFrame,
    *,
    source: str,
    lang: Language = "zh",
    letters: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Check a canonical firm review (一企一单), as :func:`check_parcel_review` does.

    Duplicates are two rows for one firm and year (a row without a year is for the
    evaluation year, and counts as the same year as another row without one).
    """
    layer = "firm_review"
    out, findings = _keyed(frame, layer, "uscc", source)
    out, found = _all_coded(out, layer, lang, letters or {})
    findings += found
    findings += _duplicates(out, ["uscc", "year"], layer)
    out["firm_confirmed"] = _yes_no(out["firm_confirmed"])
    return out.reset_index(drop=True), findings


def _keyed(
    frame: pd.DataFrame, layer: str, key: str, source: str
) -> tuple[pd.DataFrame, list[Finding]]:
    """The rows with a key, with their file and row; a row without one is a warning."""
    rows = (
        frame[SOURCE_ROW]
        if SOURCE_ROW in frame.columns
        else pd.Series(range(1, len(frame) + 1), index=frame.index)
    )
    out = frame.drop(columns=[SOURCE_ROW], errors="ignore").copy()
    out[INPUT_FILE] = pd.array([source] * len(out), dtype="str")
    out[INPUT_ROW] = pd.array(rows.to_numpy(), dtype="Int64")
    no_key = out[key].isna()
    findings = [
        Finding(
            "warning",
            "REVIEW_NO_KEY",
            layer,
            f"row {row}",
            key,
            f"{_sheet(source)}第 {row} 行没有{COLUMNS[key].zh}，该行不生效",
            f"补填{COLUMNS[key].zh}，或删除该行",
        )
        for row in out.loc[no_key, INPUT_ROW]
    ]
    return out.loc[~no_key], findings


def _all_coded(
    frame: pd.DataFrame, layer: str, lang: Language, letters: Mapping[str, str]
) -> tuple[pd.DataFrame, list[Finding]]:
    """Every coded column of ``layer`` (:data:`ALLOWED_VALUES`) checked."""
    findings: list[Finding] = []
    for (table, key), allowed in ALLOWED_VALUES.items():
        if table == layer and key in frame.columns:
            frame, found = _coded(
                frame, key, allowed, layer=layer, lang=lang, letter=letters.get(key)
            )
            findings += found
    return frame, findings


def _coded(
    frame: pd.DataFrame,
    key: str,
    allowed: tuple[str, ...],
    *,
    layer: str,
    lang: Language,
    letter: str | None,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Cells of ``key`` that are not one of ``allowed``: a finding each, the cell emptied."""
    values = frame[key]
    bad = values.notna() & ~values.isin(allowed)
    if not bad.any():
        return frame, []
    header = column_header(key, lang)
    shown = "、".join(_allowed_words(key, allowed, lang))
    stops = key in _STOPPING
    sheet = _sheet_of(frame)
    findings = [
        Finding(
            "error" if stops else "warning",
            "REVIEW_VALUE_UNKNOWN" if not stops else f"REVIEW_{key.upper()}_UNKNOWN",
            layer,
            f"row {row}",
            key,
            f"{sheet}第 {row} 行「{header}」为“{value}”"
            + (f"（单元格 {letter}{row}）" if letter else "")
            + f"，不是可选值（{shown}）"
            + ("" if stops else "，按空白处理"),
            f"请在{sheet}第 {row} 行「{header}」列从下拉列表中选择：{shown}",
        )
        for row, value in zip(frame.loc[bad, INPUT_ROW], values[bad], strict=True)
    ]
    out = frame.copy()
    out[key] = values.mask(bad)
    return out, findings


def _allowed_words(key: str, allowed: tuple[str, ...], lang: Language) -> list[str]:
    """The allowed values as a person writes them (the drop-down's words)."""
    if key == "proposed":
        return [TREATMENT_LABELS[c][lang] for c in allowed]
    if key == "class_machine":
        return list(allowed)
    return [choice_label(key, code, lang) for code in allowed]


def _duplicates(frame: pd.DataFrame, keys: list[str], layer: str) -> list[Finding]:
    """An error per key that has more than one row, naming every row."""
    key_frame = frame[keys].astype(object).where(frame[keys].notna(), None)
    dup = key_frame.duplicated(keep=False)
    if not dup.any():
        return []
    findings = []
    sheet = _sheet_of(frame)
    groups = frame.loc[dup].groupby(keys, dropna=False, sort=True)[INPUT_ROW]
    for group_key, rows in groups:
        code = group_key[0] if isinstance(group_key, tuple) else group_key
        listed = "、".join(str(r) for r in rows)
        findings.append(
            Finding(
                "error",
                "REVIEW_DUPLICATE",
                layer,
                str(code),
                keys[0],
                f"{COLUMNS[keys[0]].zh} {code} 在{sheet}第 {listed} 行出现了 {len(rows)} 次",
                "每个代码只保留一行复核记录",
            )
        )
    return findings


def _blocked_without_reason(frame: pd.DataFrame, lang: Language) -> list[Finding]:
    blocked = frame["progress"].eq("BLOCKED").fillna(False) & frame["difficulty"].isna()
    header = column_header("difficulty", lang)
    sheet, blocked_word = _sheet_of(frame), choice_label("progress", "BLOCKED", lang)
    return [
        Finding(
            "warning",
            "REVIEW_BLOCKED_NO_REASON",
            "parcel_review",
            f"row {row}",
            "difficulty",
            f"{sheet}第 {row} 行（宗地 {pid}）进展为{blocked_word}，但没有填写「{header}」",
            f"请填写「{header}」",
        )
        for row, pid in zip(
            frame.loc[blocked, INPUT_ROW], frame.loc[blocked, "parcel_id"], strict=True
        )
    ]


def _notice_order(frame: pd.DataFrame, lang: Language) -> list[Finding]:
    start, end = frame["notice_start"], frame["notice_end"]
    wrong = (start.notna() & end.notna() & (end < start)).to_numpy()
    return [
        Finding(
            "warning",
            "REVIEW_DATES_ORDER",
            "parcel_review",
            f"row {row}",
            "notice_end",
            f"{_sheet_of(frame)}第 {row} 行「{column_header('notice_end', lang)}」早于"
            f"「{column_header('notice_start', lang)}」",
            "请核对公示日期",
        )
        for row in frame.loc[wrong, INPUT_ROW]
    ]


def _sheet(source: str) -> str:
    """How a message names the sheet of ``file.xlsx#sheet`` ("" for a file of one table)."""
    return f"工作表「{source.split('#', 1)[1]}」" if "#" in source else ""


def _sheet_of(frame: pd.DataFrame) -> str:
    """:func:`_sheet` of a checked frame's rows (one file each)."""
    return _sheet(str(frame[INPUT_FILE].iloc[0])) if len(frame) else ""


def _yes_no(values: pd.Series) -> pd.Series:
    """yes/no codes as nullable booleans (missing stays missing)."""
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[values.eq("yes").fillna(False).to_numpy()] = True
    out[values.eq("no").fillna(False).to_numpy()] = False
    return out

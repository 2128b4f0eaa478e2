"""一企一单: the firm review's 调档 sets a firm's final class, and its parcels follow.

:func:`apply_firm_review` runs after the scoring and before the treatments, so that
everything downstream reads the final class: the parcel's class (that of its main occupant),
its class flags and treatment, the firm actions, the differentiated measures. The rules:

- ``firm_scores.class`` is the final class (what every later step reads) and
  ``firm_scores.class_machine`` the class the evaluation gave, beside it, on every row;
  the score, rank and figures never change; ``class_reason`` gains the 调档 and its reason;
- a 调档 applies to the firm-year of the evaluation year only (a row's 评价年度; a row
  without one is for the evaluation year); rows of other years decide nothing (info);
- ``parcel_scores.class`` of the evaluation year follows the final class of the parcel's
  main occupant (the main occupant itself is chosen by land and score, which a 调档 does
  not change); ``parcel_scores.class_machine`` keeps the evaluation's;
- a row whose firm has no score in the evaluation year is a warning naming the row; a row
  whose recorded 系统评价类别 differs from today's is stale (warning 复核后数据已变化; its
  调档 still applies until the bureau looks again).

Examples
--------
>>> import pandas as pd
>>> fs = pd.DataFrame({"uscc": ["F1", "F2"], "year": 2024, "name": ["甲", "乙"],
...                    "county_code": "330602", "evaluated": True, "class": ["C", "A"],
...                    "class_reason": ["组内排名90%", "组内排名5%"]})
>>> ps = pd.DataFrame({"parcel_id": ["p1"], "year": [2024], "main_uscc": ["F1"],
...                    "class": ["C"]})
>>> review = pd.DataFrame({"uscc": ["F1"], "class_adjusted": ["B"],
...                        "adjust_reason": ["新增技改投入"]})
>>> done = apply_firm_review(fs, ps, review, year=2024)
>>> done.firm_scores[["uscc", "class_machine", "class"]].values.tolist()
[['F1', 'C', 'B'], ['F2', 'A', 'A']]
>>> done.parcel_scores["class"].tolist(), done.parcel_scores["class_machine"].tolist()
(['B'], ['C'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import text_array
from landeval.findings import Finding, findings_frame
from landeval.review._align import take_cells, texts
from landeval.review.check import INPUT_FILE, INPUT_ROW, review_dtype
from landeval.review.layout import BUREAU_FIRM_KEYS
from landeval.vocabulary import COLUMNS, REVIEW_STATUS_LABELS

FIRM_DECISION_COLUMNS: list[str] = [
    "uscc",
    "year",
    "name",
    "county_code",
    "class_machine",
    "class_final",
    "class_source",
    "reviewed",
    "stale",
    "recorded_class",
    *BUREAU_FIRM_KEYS,
    INPUT_FILE,
    INPUT_ROW,
]
"""Columns of the ``firm_decisions`` store table, in order.

One row per firm evaluated in the evaluation year and per firm-year the review answers for:
uscc, year, name, county_code; class_machine (the evaluation's class), class_final (the
class every later step reads), class_source ("review" where a 调档 set it, else
"proposal"); reviewed (any of the review's cells filled), stale (the 系统评价类别 the review
recorded differs from today's), recorded_class; the review's cells: firm_confirmed (bool),
objection, class_adjusted, adjust_reason, class_approval_no; input_file and input_row.
Sorted by county, final class, uscc."""

STALE_ZH = REVIEW_STATUS_LABELS["STALE"]["zh"]


@dataclass(frozen=True)
class FirmDecisions:
    """What :func:`apply_firm_review` gives.

    Attributes
    ----------
    firm_scores, parcel_scores : DataFrame or None
        New frames: ``class`` final, ``class_machine`` beside it (None stays None).
    firm_decisions : DataFrame
        :data:`FIRM_DECISION_COLUMNS`.
    findings : DataFrame
        Rows of unknown firms, of other years, stale rows.
    """

    firm_scores: pd.DataFrame | None
    parcel_scores: pd.DataFrame | None
    firm_decisions: pd.DataFrame
    findings: pd.DataFrame


def apply_firm_review(
    firm_scores: pd.DataFrame | None,
    parcel_scores: pd.DataFrame | None,
    firm_review: pd.DataFrame | None,
    *,
    year: int,
) -> FirmDecisions:
    """Final classes: the firm review's 调档 where given, else the evaluation's.

    Parameters
    ----------
    firm_scores : DataFrame or None
        uscc, year, class (and optionally name, county_code, evaluated, class_reason).
    parcel_scores : DataFrame or None
        parcel_id, year, main_uscc, class.
    firm_review : DataFrame or None
        The checked firm review (:func:`landeval.review.check.check_firm_review`); columns
        it lacks count as empty.
    year : int
        The evaluation year.

    Returns
    -------
    FirmDecisions
    """
    if firm_scores is None or "class" not in firm_scores.columns:
        empty = pd.DataFrame({c: [] for c in FIRM_DECISION_COLUMNS})
        return FirmDecisions(firm_scores, parcel_scores, empty, findings_frame())
    review = _review_rows(firm_review)
    this_year = review["year"].isna() | review["year"].eq(year).fillna(False)
    findings = _other_years(review.loc[~this_year.to_numpy()], year)
    review = review.loc[this_year.to_numpy()].drop_duplicates("uscc")  # duplicates: errors

    fs = firm_scores.copy(deep=False)  # copy-on-write: the changed columns only
    fs["class_machine"] = fs["class"]
    rows = np.flatnonzero(pd.to_numeric(fs["year"], errors="coerce").eq(year).to_numpy())
    uscc = fs["uscc"].astype("str").to_numpy(dtype=object)[rows]
    at = pd.Index(uscc).get_indexer(review["uscc"].astype("str"))  # a firm-year is unique
    found = at >= 0
    findings += _unknown_firms(review.loc[~found], year)
    review = review.loc[found]
    fs_rows = rows[at[found]]

    machine = fs["class"].to_numpy(dtype=object)[fs_rows]
    recorded = texts(review["class_machine"])
    stale = np.array(
        [r is not None and r != m for r, m in zip(recorded, machine, strict=True)], dtype=bool
    )
    findings += _stale(review.loc[stale], machine[stale])
    adjusted = review["class_adjusted"].notna().to_numpy()
    new_class = review["class_adjusted"].to_numpy(dtype=object)[adjusted]
    targets = fs_rows[adjusted]
    if len(targets):
        classes = fs["class"].astype(object).to_numpy(dtype=object).copy()
        classes[targets] = new_class
        fs["class"] = pd.array(classes, dtype=fs["class"].dtype)
        if "class_reason" in fs.columns:
            fs["class_reason"] = _reasons(fs, targets, machine[adjusted], review.loc[adjusted])
    ps = _follow_parcels(parcel_scores, fs, targets, year)
    decisions = _firm_decisions(fs, rows, review, fs_rows=fs_rows, stale=stale, adjusted=adjusted)
    return FirmDecisions(fs, ps, decisions, findings_frame(findings))


def _review_rows(firm_review: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["uscc", "year", "class_machine", *BUREAU_FIRM_KEYS, INPUT_FILE, INPUT_ROW]
    if firm_review is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = firm_review.copy()
    for col in cols:
        if col not in out.columns:
            out[col] = pd.NA
    out = out.loc[out["uscc"].notna()]
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    return out[cols]


def _reasons(
    fs: pd.DataFrame, targets: np.ndarray, machine: np.ndarray, rows: pd.DataFrame
) -> pd.Series:
    """The evaluation's reason, then the 调档: ``…；调档 C→B：理由（审定文号 X）``."""
    reasons = fs["class_reason"].astype(object).to_numpy(dtype=object).copy()
    words = COLUMNS["class_adjusted"].zh, COLUMNS["class_approval_no"].zh
    for i, was, (_, row) in zip(targets, machine, rows.iterrows(), strict=True):
        text = f"{words[0]} {was}→{row['class_adjusted']}"
        if isinstance(row["adjust_reason"], str):
            text += f"：{row['adjust_reason']}"
        if isinstance(row["class_approval_no"], str):
            text += f"（{words[1]} {row['class_approval_no']}）"
        had = reasons[i]
        reasons[i] = f"{had}；{text}" if isinstance(had, str) and had else text
    return pd.Series(pd.array(reasons, dtype="str"), index=fs.index)


def _follow_parcels(
    parcel_scores: pd.DataFrame | None, fs: pd.DataFrame, targets: np.ndarray, year: int
) -> pd.DataFrame | None:
    """parcel_scores whose class of ``year`` is the final class of the main occupant."""
    if parcel_scores is None or "class" not in parcel_scores.columns:
        return parcel_scores
    ps = parcel_scores.copy(deep=False)
    ps["class_machine"] = ps["class"]
    if len(targets) == 0 or "main_uscc" not in ps.columns:
        return ps
    final = dict(
        zip(
            fs["uscc"].to_numpy(dtype=object)[targets],
            fs["class"].to_numpy(dtype=object)[targets],
            strict=True,
        )
    )
    in_year = pd.to_numeric(ps["year"], errors="coerce").eq(year).to_numpy()
    main = ps["main_uscc"].astype(object).to_numpy(dtype=object)
    hit = np.flatnonzero(in_year & pd.Series(main).isin(list(final)).to_numpy())
    if len(hit):
        classes = ps["class"].astype(object).to_numpy(dtype=object).copy()
        classes[hit] = [final[u] for u in main[hit]]
        ps["class"] = pd.array(classes, dtype=ps["class"].dtype)
    return ps


def _firm_decisions(
    fs: pd.DataFrame,
    rows: np.ndarray,
    review: pd.DataFrame,
    *,
    fs_rows: np.ndarray,
    stale: np.ndarray,
    adjusted: np.ndarray,
) -> pd.DataFrame:
    """Every evaluated firm of the year, and every firm-year the review answers for."""
    evaluated = (
        fs["evaluated"].fillna(False).astype(bool).to_numpy()[rows]
        if "evaluated" in fs.columns
        else np.ones(len(rows), dtype=bool)
    )
    answered = review[list(BUREAU_FIRM_KEYS)].notna().any(axis=1).to_numpy()
    picked = np.union1d(rows[evaluated], fs_rows[answered]).astype(int)
    # each picked row's review row (-1: none); fs_rows are distinct (one per firm-year)
    index = np.full(len(picked), -1)
    listed = np.isin(fs_rows, picked)  # a review row of a firm not listed has no answer
    index[np.searchsorted(picked, fs_rows[listed])] = np.flatnonzero(listed)

    def col(name: str) -> np.ndarray | pd.api.extensions.ExtensionArray:
        if name not in fs.columns:
            return np.full(len(picked), None, dtype=object)
        if _is_arrow_text(fs[name]):
            # Arrow text is taken as it is: the same texts as through objects, without
            # boxing every firm's values twice
            return fs[name].array.take(picked)
        return fs[name].astype(object).to_numpy(dtype=object)[picked]

    table = pd.DataFrame(
        {
            "uscc": col("uscc"),
            "year": pd.to_numeric(fs["year"], errors="coerce").to_numpy()[picked],
            "name": col("name"),
            "county_code": col("county_code"),
            "class_machine": col("class_machine"),
            "class_final": col("class"),
        }
    )
    has = index >= 0
    pick = index[has]
    source = np.full(len(picked), "proposal", dtype=object)
    source[np.flatnonzero(has)[adjusted[pick]]] = "review"
    table["class_source"] = source
    table["reviewed"] = np.zeros(len(picked), dtype=bool)
    table.loc[has, "reviewed"] = answered[pick]
    table["stale"] = np.zeros(len(picked), dtype=bool)
    table.loc[has, "stale"] = stale[pick]
    cells = review.rename(columns={"class_machine": "recorded_class"})
    for name in ["recorded_class", *BUREAU_FIRM_KEYS, INPUT_FILE, INPUT_ROW]:
        table[name] = take_cells(cells[name], index, review_dtype("firm_review", name))
    for name in ("uscc", "name", "county_code", "class_machine", "class_final", "class_source"):
        if not _is_arrow_text(table[name]):
            table[name] = pd.array(table[name].to_numpy(dtype=object), dtype="str")
    table["year"] = pd.array(table["year"], dtype="Int64")
    return table.iloc[_decision_order(table)].reset_index(drop=True)[FIRM_DECISION_COLUMNS]


def _is_arrow_text(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def _decision_order(table: pd.DataFrame) -> np.ndarray:
    """Rows by county, final class and uscc (missing county and class last), stable.

    One Arrow sort of the three text columns: UTF-8 bytes sort as the code points do, so
    the order is the one of sorting the texts; a missing uscc sorts as the text "nan" it
    was once compared as.
    """
    keys = pa.table(
        {
            "county": pc.fill_null(text_array(table["county_code"]), "~"),
            "class": pc.fill_null(text_array(table["class_final"]), "~"),
            "uscc": pc.fill_null(text_array(table["uscc"]), "nan"),
        }
    )
    order = pc.sort_indices(
        keys, sort_keys=[(k, "ascending") for k in keys.column_names]
    )  # a stable sort
    return order.to_numpy()


def _other_years(rows: pd.DataFrame, year: int) -> list[Finding]:
    return [
        Finding(
            "info",
            "REVIEW_OTHER_YEAR",
            "firm_review",
            f"row {row}",
            "year",
            f"企业复核表第 {row} 行（{uscc}）是 {y} 年的评价，不适用于 {year} 年，该行不生效",
            "每年的企业复核表只填写当年评价",
        )
        for uscc, y, row in zip(rows["uscc"], rows["year"], rows[INPUT_ROW], strict=True)
    ]


def _unknown_firms(rows: pd.DataFrame, year: int) -> list[Finding]:
    return [
        Finding(
            "warning",
            "REVIEW_UNKNOWN_FIRM",
            "firm_review",
            f"row {row}" if pd.notna(row) else uscc,
            "uscc",
            f"企业复核表第 {row} 行的统一社会信用代码 {uscc} 在 {year} 年没有评价结果，该行不生效"
            "（新生成的复核表保留该行）",
            "核对统一社会信用代码",
        )
        for uscc, row in zip(rows["uscc"], rows[INPUT_ROW], strict=True)
    ]


def _stale(rows: pd.DataFrame, today: np.ndarray) -> list[Finding]:
    return [
        Finding(
            "warning",
            "REVIEW_STALE",
            "firm_review",
            uscc,
            "class_machine",
            f"企业 {uscc}（企业复核表第 {row} 行）复核时系统评价类别为 {then}，本次为 {now}："
            f"{STALE_ZH}",
            "重新核查该企业的评价，更新企业复核表",
        )
        for uscc, row, then, now in zip(
            rows["uscc"], rows[INPUT_ROW], rows["class_machine"], today, strict=True
        )
    ]

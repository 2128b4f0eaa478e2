"""The rows of the review workbook: today's proposals, with the answers already given.

:func:`parcel_rows` and :func:`firm_rows` are pure: result tables and the checked review in,
one frame per sheet out, its columns the keys of :mod:`landeval.review.layout` and its cells
as the sheet shows them (labels in the chosen language, numbers, dates). Which rows:

- 宗地复核: every parcel the rules propose for a treatment (not 保留), and every parcel the
  review already answered for, whatever its proposal today (marked 已不在本年清单 when it is
  保留 now), sorted as the action lists are: the proposal in the policy's order
  (:data:`~landeval.vocabulary.TREATMENT_ORDER`), county, parcel code; then the answered rows
  whose parcel code is not in the run, in their file's order, marked;
- 企业复核: every firm evaluated in the year (一企一单), and every firm-year the review
  answered for, by county, the evaluation's class and uscc; then answered rows of firms not
  evaluated in the year, marked. Rows of another year's firm review are not carried.

The answers carried are the bureau's cells of the checked review (a row with none is not
carried). 系统建议 and 系统评价类别 are today's: a row whose recorded proposal changed is
marked 复核后数据已变化 (the new workbook records today's proposal beside the answers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.review.layout import (
    BUREAU_FIRM_KEYS,
    BUREAU_PARCEL_KEYS,
    FIRM_COLUMNS,
    choice_label,
    parcel_columns,
)
from landeval.vocabulary import (
    CLASS_LABELS,
    FLAG_LABELS,
    KEEP,
    REVIEW_STATUS_LABELS,
    SCALE_LABELS,
    TREATMENT_LABELS,
    TREATMENT_ORDER,
    YES_NO_CODES,
    Language,
    label,
)

_CLASS_ORDER = {c: i for i, c in enumerate(CLASS_LABELS)}
_TREATMENT_RANK = {c: i for i, c in enumerate(TREATMENT_ORDER)}
_SEPARATOR = {"zh": "；", "en": "; "}


def parcel_rows(
    parcel_eval: pd.DataFrame, parcel_review: pd.DataFrame | None, *, lang: Language = "zh"
) -> pd.DataFrame:
    """The rows of 宗地复核 (see the module's docstring for which and in what order).

    Parameters
    ----------
    parcel_eval : DataFrame
        The run's parcels: parcel_id, county_code, county_name, platform_name, area_mu,
        class, tax_per_mu, va_per_mu, far, main_name, flags, flags_zh, treatment,
        treatment_zh, reason_zh; optional ``path_zh`` (the suggested path) and ``status``
        (a closed main occupant, shown in place of the class).
    parcel_review : DataFrame or None
        The checked review whose answers are carried.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    DataFrame
        Columns: the keys of :func:`landeval.review.layout.parcel_columns` (with the
        suggested path when ``parcel_eval`` has ``path_zh``).
    """
    columns = [c.key for c in parcel_columns(with_path="path_zh" in parcel_eval.columns)]
    answers = _answered(parcel_review, "parcel_id", BUREAU_PARCEL_KEYS)
    ids = parcel_eval["parcel_id"].astype("str")
    proposal = parcel_eval["treatment"].astype("str")
    known = answers["parcel_id"].isin(set(ids))
    listed = (proposal != KEEP) | ids.isin(set(answers.loc[known, "parcel_id"]))
    pe = parcel_eval.loc[listed.to_numpy()]
    rank = pe["treatment"].map(lambda c: _TREATMENT_RANK.get(c, len(_TREATMENT_RANK)))
    order = np.lexsort(
        (
            pe["parcel_id"].astype(str).to_numpy(),
            pe["county_code"].astype(str).to_numpy(),
            pe["treatment"].astype(str).to_numpy(),
            rank.to_numpy(),
        )
    )
    pe = pe.iloc[order]
    carried = answers.loc[known].set_index("parcel_id").reindex(pe["parcel_id"].astype(str))
    status = [
        _status(
            ["OFF_LIST"] if t == KEEP else ["ON_LIST"],
            recorded,
            t,
            lang,
        )
        for t, recorded in zip(pe["treatment"], carried["proposed"], strict=True)
    ]
    rows = pd.DataFrame(
        {
            "parcel_id": pe["parcel_id"].astype(str).to_numpy(),
            "county_name": _texts(pe, "county_name"),
            "platform_name": _texts(pe, "platform_name"),
            "area_mu": _numbers(pe, "area_mu"),
            "class": _classes(pe, lang),
            "tax_per_mu": _numbers(pe, "tax_per_mu"),
            "va_per_mu": _numbers(pe, "va_per_mu"),
            "far": _numbers(pe, "far"),
            "main_name": _texts(pe, "main_name"),
            "flags_zh": _flags(pe, lang),
            "proposed": _treatments(pe, lang),
            "reason_zh": _texts(pe, "reason_zh"),
            "proposed_path": _texts(pe, "path_zh"),
            "review_status": status,
        }
    )
    rows = _with_answers(rows, carried.reset_index(drop=True), BUREAU_PARCEL_KEYS, lang)
    unknown = answers.loc[~known.to_numpy()]
    if len(unknown):
        extra = pd.DataFrame(
            {
                "parcel_id": unknown["parcel_id"].to_numpy(),
                "proposed": [
                    label(TREATMENT_LABELS, c, lang) if isinstance(c, str) else None
                    for c in unknown["proposed"]
                ],
                "review_status": label(REVIEW_STATUS_LABELS, "UNKNOWN_PARCEL", lang),
            }
        )
        extra = _with_answers(extra, unknown.reset_index(drop=True), BUREAU_PARCEL_KEYS, lang)
        rows = pd.concat([rows, extra], ignore_index=True)
    return rows.reindex(columns=columns)


def firm_rows(
    firm_scores: pd.DataFrame,
    firm_review: pd.DataFrame | None,
    *,
    year: int,
    lang: Language = "zh",
    counties: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The rows of 企业复核 (一企一单) for the evaluation ``year``.

    Parameters
    ----------
    firm_scores : DataFrame
        uscc, year, name, county_code, scale, land_mu, tax_per_mu, va_per_mu, score, rank,
        evaluated, class, class_reason; ``class_machine`` when a firm review was applied
        (the sheet shows the evaluation's class, and the 调档 beside it).
    firm_review : DataFrame or None
        The checked firm review whose answers (of this year) are carried.
    year : int
        The evaluation year.
    lang : {"zh", "en"}
        Language of the labels.
    counties : dict, optional
        County code → name.

    Returns
    -------
    DataFrame
        Columns: the keys of :data:`landeval.review.layout.FIRM_COLUMNS`.
    """
    columns = [c.key for c in FIRM_COLUMNS]
    answers = _answered(firm_review, "uscc", BUREAU_FIRM_KEYS)
    if "year" in answers.columns:
        of_year = answers["year"].isna() | answers["year"].eq(year).fillna(False)
        answers = answers.loc[of_year.to_numpy()]
    fs = firm_scores.loc[pd.to_numeric(firm_scores["year"], errors="coerce").eq(year).to_numpy()]
    machine_col = "class_machine" if "class_machine" in fs.columns else "class"
    known = answers["uscc"].isin(set(fs["uscc"].astype(str)))
    evaluated = fs["evaluated"].fillna(False).astype(bool) if "evaluated" in fs.columns else True
    listed = evaluated | fs["uscc"].astype(str).isin(set(answers.loc[known, "uscc"]))
    fs = fs.loc[np.asarray(listed, dtype=bool)]
    machine = fs[machine_col].astype(object)
    order = np.lexsort(
        (
            fs["uscc"].astype(str).to_numpy(),
            machine.map(lambda c: _CLASS_ORDER.get(c, len(_CLASS_ORDER))).to_numpy(),
            fs["county_code"].astype(str).to_numpy(),
        )
    )
    fs, machine = fs.iloc[order], machine.iloc[order]
    carried = answers.loc[known].set_index("uscc").reindex(fs["uscc"].astype(str))
    names = counties or {}
    rows = pd.DataFrame(
        {
            "uscc": fs["uscc"].astype(str).to_numpy(),
            "firm_name": _texts(fs, "name"),
            "county_name": [names.get(c, c) if c else None for c in _texts(fs, "county_code")],
            "scale": [label(SCALE_LABELS, s, lang) if s else None for s in _texts(fs, "scale")],
            "year": year,
            "land_mu": _numbers(fs, "land_mu"),
            "tax_per_mu": _numbers(fs, "tax_per_mu"),
            "va_per_mu": _numbers(fs, "va_per_mu"),
            "score": _numbers(fs, "score"),
            "rank": _numbers(fs, "rank"),
            "class_machine": [_class_label(c, lang) for c in machine],
            "class_reason": _texts(fs, "class_reason"),
            "review_status": [
                _status(["ON_LIST"], recorded, m, lang)
                for m, recorded in zip(machine, carried["class_machine"], strict=True)
            ],
        }
    )
    rows = _with_answers(rows, carried.reset_index(drop=True), BUREAU_FIRM_KEYS, lang)
    unknown = answers.loc[~known.to_numpy()]
    if len(unknown):
        extra = pd.DataFrame(
            {
                "uscc": unknown["uscc"].to_numpy(),
                "year": year,
                "class_machine": [
                    _class_label(c, lang) if isinstance(c, str) else None
                    for c in unknown["class_machine"]
                ],
                "review_status": label(REVIEW_STATUS_LABELS, "UNKNOWN_FIRM", lang),
            }
        )
        extra = _with_answers(extra, unknown.reset_index(drop=True), BUREAU_FIRM_KEYS, lang)
        rows = pd.concat([rows, extra], ignore_index=True)
    return rows.reindex(columns=columns)


def _answered(review: pd.DataFrame | None, key: str, answers: tuple[str, ...]) -> pd.DataFrame:
    """The review's rows with at least one answer (the first row of a repeated key)."""
    recorded = "proposed" if key == "parcel_id" else "class_machine"
    cols = [key, recorded, "year", *answers]
    if review is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = review.copy(deep=False)
    for col in cols:
        if col not in out.columns:
            out[col] = pd.NA
    out = out.loc[out[key].notna() & out[list(answers)].notna().any(axis=1)]
    out = out.assign(**{key: out[key].astype(str)})
    return out[cols].drop_duplicates(key).reset_index(drop=True)


def _with_answers(
    rows: pd.DataFrame, carried: pd.DataFrame, keys: tuple[str, ...], lang: Language
) -> pd.DataFrame:
    """``rows`` with the carried answers, as the sheet shows them (labels, dates, text)."""
    out = rows.copy()
    for key in keys:
        values = carried[key] if key in carried.columns else pd.Series(pd.NA, index=carried.index)
        out[key] = [_answer(key, v, lang) for v in values]
    return out


def _answer(key: str, value: object, lang: Language) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value
    if key in ("confirmed", "firm_confirmed"):
        return choice_label(key, YES_NO_CODES[0 if bool(value) else 1], lang)
    if key in ("decision", "progress"):
        return choice_label(key, str(value), lang)
    return value


def _status(codes: list[str], recorded: object, today: object, lang: Language) -> str:
    """The 清单状态 of a row: its place on the list, and whether the data changed since."""
    if isinstance(recorded, str) and recorded != today:
        codes = [*codes, "STALE"]
    return _SEPARATOR[lang].join(label(REVIEW_STATUS_LABELS, c, lang) for c in codes)


def _texts(frame: pd.DataFrame, col: str) -> list[str | None]:
    if col not in frame.columns:
        return [None] * len(frame)
    return [v if isinstance(v, str) and v else None for v in frame[col]]


def _numbers(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _class_label(code: object, lang: Language) -> str | None:
    return label(CLASS_LABELS, code, lang) if isinstance(code, str) else None


def _classes(pe: pd.DataFrame, lang: Language) -> list[str | None]:
    """The parcel's class as words; a closed main occupant's status in its place."""
    status = _texts(pe, "status")
    return [
        s if s is not None else _class_label(c, lang)
        for s, c in zip(status, pe["class"], strict=True)
    ]


def _flags(pe: pd.DataFrame, lang: Language) -> list[str | None]:
    if lang == "zh" or "flags" not in pe.columns:
        return _texts(pe, "flags_zh")
    return [
        "; ".join(label(FLAG_LABELS, f, lang) for f in v.split(";") if f)
        if isinstance(v, str) and v
        else None
        for v in pe["flags"]
    ]


def _treatments(pe: pd.DataFrame, lang: Language) -> list[str]:
    """The proposal's name: the vocabulary's, or a project's own rule's."""
    own = dict(zip(pe["treatment"], pe.get("treatment_zh", pe["treatment"]), strict=True))
    return [
        label(TREATMENT_LABELS, t, lang) if t in TREATMENT_LABELS else str(own.get(t, t))
        for t in pe["treatment"]
    ]

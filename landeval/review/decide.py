"""The bureau decides: each parcel's final treatment, and the ``decisions`` table.

:func:`apply_parcel_review` runs after the treatments (the proposal) and before the
改一补一 balance, which follows the final decisions (:func:`decided_view`). The rules:

- the final treatment is the review's 复核结论 where given, else the proposal; 暂缓 is the
  final treatment DEFER (:data:`landeval.vocabulary.DEFER`): the parcel stays listed;
- a review never changes the method's figures (class, per-mu values, flags, the proposal
  and its reason stay as they are); it adds the final treatment beside the proposal, and
  ``must_stay_industrial`` follows the final treatment (it is part of the decision: land
  inside the control line that is exited or rebuilt stays industrial);
- a review row whose recorded 系统建议 differs from today's proposal is stale: a warning
  (复核后数据已变化) and the parcel marked for another look (``stale`` in ``decisions``;
  ``needs_check`` and ``check_reason_zh`` in ``parcel_eval`` when the run has them); its
  复核结论 still applies until the bureau looks again;
- a row whose 宗地代码 is not in the run is a warning naming the row; it decides nothing
  (and a new review workbook keeps it, marked).

Examples
--------
>>> import pandas as pd
>>> pe = pd.DataFrame({"parcel_id": ["p1", "p2", "p3"], "county_code": "330602",
...                    "treatment": ["REBUILD", "CONVERT", "KEEP"]})
>>> review = pd.DataFrame({"parcel_id": ["p1", "p2"], "decision": ["REBUILD", "DEFER"]})
>>> done = apply_parcel_review(pe, review)
>>> done.parcel_eval[["parcel_id", "final_treatment", "decision_source"]].values.tolist()
[['p1', 'REBUILD', 'review'], ['p2', 'DEFER', 'review'], ['p3', 'KEEP', 'proposal']]
>>> done.decisions["parcel_id"].tolist()  # the parcels on either list
['p1', 'p2']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import (
    first_positions,
    is_in,
    per_value,
    per_value_str,
    sorted_codes,
    text_array,
    to_str,
)
from landeval.findings import Finding, findings_frame
from landeval.review._align import take_cells, texts
from landeval.review.check import INPUT_FILE, INPUT_ROW, review_dtype
from landeval.review.layout import BUREAU_PARCEL_KEYS
from landeval.vocabulary import (
    COLUMNS,
    DECISION_LABELS,
    DECISION_ORDER,
    KEEP,
    REVIEW_STATUS_LABELS,
    TREATMENT_LABELS,
    label,
)

PARCEL_EVAL_REVIEW_COLUMNS: list[str] = ["final_treatment", "final_treatment_zh", "decision_source"]
"""Columns :func:`apply_parcel_review` adds to parcel_eval (at the end, in this order)."""

DECISION_COLUMNS: list[str] = [
    "parcel_id",
    "county_code",
    "proposed",
    "final",
    "decision_source",
    "reviewed",
    "stale",
    "recorded_proposal",
    *BUREAU_PARCEL_KEYS[1:],  # after the decision itself (final)
    INPUT_FILE,
    INPUT_ROW,
]
"""Columns of the ``decisions`` store table, in order.

One row per parcel proposed for or decided into a treatment (proposed or final not KEEP) and
per parcel the review answers for: parcel_id, county_code; proposed (the rules' treatment
today), final (the final treatment code), decision_source ("review" where a 复核结论 decided,
else "proposal"); reviewed (any of the bureau's cells filled), stale (the 系统建议 the review
recorded differs from today's), recorded_proposal; the bureau's cells: review_reason,
reviewer, reviewed_on, field_check, path, responsible, deadline, progress (code, see
:data:`landeval.vocabulary.PROGRESS_LABELS`), difficulty, confirmed (bool), confirm_basis,
confirmed_on, notice_start, notice_end, plan_no, accepted_on, closed_on; input_file and
input_row (the review row, missing where there is none). Sorted by final treatment
(:data:`~landeval.vocabulary.DECISION_ORDER`), county, parcel_id."""

STALE_ZH = REVIEW_STATUS_LABELS["STALE"]["zh"]


@dataclass(frozen=True)
class ParcelDecisions:
    """What :func:`apply_parcel_review` gives.

    Attributes
    ----------
    parcel_eval : DataFrame or GeoDataFrame
        The input's rows and columns plus :data:`PARCEL_EVAL_REVIEW_COLUMNS`
        (``must_stay_industrial`` following the final treatment; ``needs_check`` and
        ``check_reason_zh`` marking stale reviews where present).
    decisions : DataFrame
        :data:`DECISION_COLUMNS`.
    findings : DataFrame
        Unknown parcel codes and stale reviews (warnings).
    """

    parcel_eval: pd.DataFrame
    decisions: pd.DataFrame
    findings: pd.DataFrame


def apply_parcel_review(
    parcel_eval: pd.DataFrame, parcel_review: pd.DataFrame | None
) -> ParcelDecisions:
    """Each parcel's final treatment: the review's decision where given, else the proposal.

    Parameters
    ----------
    parcel_eval : DataFrame or GeoDataFrame
        One row per parcel with ``parcel_id``, ``county_code``, ``treatment`` (the proposal)
        and optionally ``treatment_zh``, ``inside_line``, ``must_stay_industrial``,
        ``needs_check``, ``check_reason_zh``.
    parcel_review : DataFrame or None
        The checked review (:func:`landeval.review.check.check_parcel_review`); columns it
        lacks count as empty. None: every final treatment is the proposal.

    Returns
    -------
    ParcelDecisions
    """
    review = _review_rows(parcel_review)
    # Keys looked up with Arrow's hash kernels: a pandas Index of every parcel id cost more
    # than the rest of the review together.
    ids = text_array(parcel_eval["parcel_id"].astype("str"))
    proposal = parcel_eval["treatment"].astype("str").to_numpy(dtype=object)
    known = is_in(review["parcel_id"], ids)
    findings = _unknown_parcels(review.loc[~known])
    review = review.loc[known].drop_duplicates("parcel_id")  # duplicates: errors
    pos = first_positions(text_array(review["parcel_id"]), ids)  # ids are unique in a run
    n = len(parcel_eval)

    final = proposal.copy()
    decided = review["decision"].notna().to_numpy()
    final[pos[decided]] = review["decision"].to_numpy(dtype=object)[decided]
    source = np.full(n, "proposal", dtype=object)
    source[pos[decided]] = "review"
    recorded = texts(review["proposed"])
    stale_rows = np.array(
        [r is not None and r != p for r, p in zip(recorded, proposal[pos], strict=True)],
        dtype=bool,
    )
    stale = np.zeros(n, dtype=bool)
    stale[pos[stale_rows]] = True
    findings += _stale(review.loc[stale_rows], proposal[pos[stale_rows]])

    out = parcel_eval.copy(deep=False)  # copy-on-write: the new columns only
    out["final_treatment"] = pd.array(final, dtype="str")
    out["final_treatment_zh"] = pd.array(_final_names(final, parcel_eval), dtype="str")
    out["decision_source"] = pd.array(source, dtype="str")
    if "inside_line" in out.columns and "must_stay_industrial" in out.columns:
        from landeval.treatments.rules import must_stay_industrial  # noqa: PLC0415

        out["must_stay_industrial"] = must_stay_industrial(
            out["final_treatment"], out["inside_line"].fillna(False)
        ).to_numpy()
    if stale.any():
        out = _mark_stale(out, stale)

    decisions = _decisions(parcel_eval, review, pos, final=final, source=source, stale=stale)
    return ParcelDecisions(parcel_eval=out, decisions=decisions, findings=findings_frame(findings))


def decided_view(parcel_eval: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``parcel_eval`` with ``treatment`` the final treatment: what follows the decisions.

    The 改一补一 balance reads ``treatment``: a parcel reviewed out of 功能转型 no longer
    counts, one reviewed into it does. Where the review decided otherwise than the
    proposal, ``treatment_zh`` is the final treatment's name and ``reason_zh`` says the
    review decided, with its reason.
    """
    final = parcel_eval["final_treatment"]
    changed = (final != parcel_eval["treatment"]).to_numpy()
    out = parcel_eval.assign(treatment=final)
    if "treatment_zh" in out.columns:
        out["treatment_zh"] = parcel_eval["final_treatment_zh"]
    if changed.any() and "reason_zh" in out.columns:
        reasons = decisions.set_index("parcel_id")["review_reason"]
        why = parcel_eval.loc[changed, "parcel_id"].map(reasons)
        words = [
            f"{COLUMNS['decision'].zh}：{name}"
            + (f"（{text}）" if isinstance(text, str) and text else "")
            for name, text in zip(parcel_eval.loc[changed, "final_treatment_zh"], why, strict=True)
        ]
        reason = out["reason_zh"].astype(object).copy()
        reason[changed] = words
        out["reason_zh"] = pd.array(reason.to_numpy(dtype=object), dtype="str")
    return out


def _review_rows(parcel_review: pd.DataFrame | None) -> pd.DataFrame:
    """The review with every column the decisions read (missing ones empty)."""
    cols = ["parcel_id", "proposed", *BUREAU_PARCEL_KEYS, INPUT_FILE, INPUT_ROW]
    if parcel_review is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = parcel_review.copy()
    for col in cols:
        if col not in out.columns:
            out[col] = pd.NA
    out = out.loc[out["parcel_id"].notna()]
    out["parcel_id"] = out["parcel_id"].astype("str")
    return out[cols]


def _final_names(final: np.ndarray, parcel_eval: pd.DataFrame) -> pd.api.extensions.ExtensionArray:
    """The name of each final treatment: the vocabulary's, or a project's own rule's."""
    names = {c: label(DECISION_LABELS, c) for c in DECISION_LABELS}
    if "treatment_zh" in parcel_eval.columns:
        own = parcel_eval[["treatment", "treatment_zh"]].dropna().drop_duplicates("treatment")
        for code, name in zip(own["treatment"], own["treatment_zh"], strict=True):
            names.setdefault(str(code), str(name))
    # once per distinct code (a handful), not once per parcel
    return to_str(
        per_value_str(text_array(final), lambda c: None if c is None else names.get(c, c))
    )


def _mark_stale(parcel_eval: pd.DataFrame, stale: np.ndarray) -> pd.DataFrame:
    """Stale reviews marked 需核实 where the run has the columns for it."""
    out = parcel_eval
    if "needs_check" in out.columns:
        out["needs_check"] = out["needs_check"].fillna(False).astype(bool).to_numpy() | stale
    if "check_reason_zh" in out.columns:
        reasons = out["check_reason_zh"].astype(object).to_numpy(dtype=object).copy()
        for i in np.flatnonzero(stale):
            had = reasons[i]
            reasons[i] = f"{had}；{STALE_ZH}" if isinstance(had, str) and had else STALE_ZH
        out["check_reason_zh"] = pd.array(reasons, dtype="str")
    return out


def _decisions(
    parcel_eval: pd.DataFrame,
    review: pd.DataFrame,
    pos: np.ndarray,
    *,
    final: np.ndarray,
    source: np.ndarray,
    stale: np.ndarray,
) -> pd.DataFrame:
    """The decisions table: every listed, decided or reviewed parcel."""
    proposal = parcel_eval["treatment"].astype("str").to_numpy(dtype=object)
    n = len(parcel_eval)
    answered = review[list(BUREAU_PARCEL_KEYS)].notna().any(axis=1).to_numpy()
    reviewed = np.zeros(n, dtype=bool)
    reviewed[pos[answered]] = True
    keep = (proposal != KEEP) | (final != KEEP) | reviewed
    rows = np.flatnonzero(keep)
    table = pd.DataFrame(
        {
            "parcel_id": _text_cells(parcel_eval["parcel_id"], rows),
            "county_code": _text_cells(parcel_eval["county_code"], rows),
            "proposed": proposal[rows],
            "final": final[rows],
            "decision_source": source[rows],
            "reviewed": reviewed[rows],
            "stale": stale[rows],
        }
    )
    # the review's cells, by the parcel's row
    at = np.full(n, -1)
    at[pos] = np.arange(len(review))
    cells = review.rename(columns={"proposed": "recorded_proposal"})
    for col in ["recorded_proposal", *BUREAU_PARCEL_KEYS[1:], INPUT_FILE, INPUT_ROW]:
        table[col] = take_cells(cells[col], at[rows], review_dtype("parcel_review", col))
    order = _sort_order(table)
    return table.iloc[order].reset_index(drop=True)[DECISION_COLUMNS]


def _text_cells(values: pd.Series, rows: np.ndarray):
    """The texts at ``rows`` for a new frame column, typed as the frame infers them.

    Only the rows taken are converted (Arrow take), not the whole column to objects. A frame
    makes text of object cells only where one is a text: none (no rows, all missing) stays
    object, missing as NaN.
    """
    taken = text_array(values.astype("str")).take(pa.array(rows, type=pa.int64()))
    if taken.null_count == len(taken):
        return np.full(len(taken), np.nan, dtype=object)
    return to_str(taken)


def _sort_order(table: pd.DataFrame) -> np.ndarray:
    """Final treatment in :data:`DECISION_ORDER` (a project's own codes after), county, id."""
    rank = {code: i for i, code in enumerate(DECISION_ORDER)}
    final = _sortable(table["final"])
    final_rank = per_value(
        final, lambda c: len(rank) if c is None else rank.get(c, len(rank)), dtype=np.int64
    )
    # Integer codes that sort as the texts do (code point order, as numpy compares its
    # strings): no text array of every row built and sorted.
    return np.lexsort(
        (
            sorted_codes(_sortable(table["parcel_id"]))[0],
            sorted_codes(_sortable(table["county_code"]))[0],
            sorted_codes(final)[0],
            final_rank,
        )
    )


def _sortable(values: pd.Series) -> pa.Array:
    """Texts as Arrow, a missing one "nan" (how a missing cell sorted as a numpy string)."""
    return pc.fill_null(text_array(values), "nan")


def _unknown_parcels(rows: pd.DataFrame) -> list[Finding]:
    return [
        Finding(
            "warning",
            "REVIEW_UNKNOWN_PARCEL",
            "parcel_review",
            f"row {row}" if pd.notna(row) else pid,
            "parcel_id",
            f"复核表第 {row} 行的宗地代码 {pid} 不在本次评价的宗地中，该行不生效"
            "（新生成的复核表保留该行）",
            "核对宗地代码（宗地分割、合并后代码会变化）",
        )
        for pid, row in zip(rows["parcel_id"], rows[INPUT_ROW], strict=True)
    ]


def _stale(rows: pd.DataFrame, today: np.ndarray) -> list[Finding]:
    return [
        Finding(
            "warning",
            "REVIEW_STALE",
            "parcel_review",
            pid,
            "proposed",
            f"宗地 {pid}（复核表第 {row} 行）复核时系统建议为{label(TREATMENT_LABELS, then)}，"
            f"本次为{label(TREATMENT_LABELS, now)}：{STALE_ZH}"
            + (
                f"；在重新复核前按复核结论{label(DECISION_LABELS, decision)}处置"
                if isinstance(decision, str)
                else ""
            ),
            "重新核查该宗地，更新复核表",
        )
        for pid, row, then, now, decision in zip(
            rows["parcel_id"],
            rows[INPUT_ROW],
            rows["proposed"],
            today,
            rows["decision"],
            strict=True,
        )
    ]

"""What the maps show beside the method: the bureau's final decision and the firms' measures.

:func:`map_parcels` prepares ``parcel_eval`` for the maps (pure): the treatment map colours
and filters the parcels by their final treatment (暂缓 included) and its popup shows the
rules' proposal, who decided and the bureau's notes (:mod:`landeval.review.shown`); the
efficiency map's popup lists the measures (差别化施策) of the parcel's main occupant.
"""

from __future__ import annotations

import pandas as pd

from landeval._format import format_number
from landeval.incentives import measure_names
from landeval.review.shown import PROPOSED, final_parcels
from landeval.vocabulary import (
    DECISION_SOURCE_LABELS,
    MEASURE_POPUP,
    PROGRESS_LABELS,
    UNITS,
    Language,
    label,
)

_WAN = 1e4  # 元 per 万元
OVERRIDDEN = "1"
"""The ``overridden`` value of a parcel whose final treatment differs from the proposal."""
_JOIN = {"zh": "；", "en": "; "}


def map_parcels(
    parcel_eval: pd.DataFrame,
    *,
    decisions: pd.DataFrame | None = None,
    firm_incentives: pd.DataFrame | None = None,
    lang: Language = "zh",
) -> pd.DataFrame:
    """``parcel_eval`` with the final decisions and the measures as the maps show them.

    Parameters
    ----------
    parcel_eval : GeoDataFrame
        Evaluated parcels (with ``final_treatment`` etc. after a review).
    decisions : DataFrame, optional
        The ``decisions`` table (the bureau's notes per parcel).
    firm_incentives : DataFrame, optional
        The ``firm_incentives`` table: the measures of each firm.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    GeoDataFrame
        A new frame: ``treatment`` the final one, ``proposed_treatment`` beside it and
        ``decision_source``/``progress`` as their labels where a review decided,
        ``overridden`` :data:`OVERRIDDEN` where the review changed the proposal;
        ``measures_zh`` the main occupant's measures where the run has any. ``parcel_eval``
        itself when there is neither.
    """
    out = final_parcels(parcel_eval, decisions)
    if PROPOSED in out.columns:
        changed = out[PROPOSED].notna() & (out["treatment"] != out[PROPOSED]).fillna(False)
        out = out.assign(
            decision_source=_labels(out["decision_source"], DECISION_SOURCE_LABELS, lang),
            # the treatment map outlines the parcels whose decision the review changed
            overridden=pd.Series(OVERRIDDEN, index=out.index, dtype="string").where(changed),
        )
        if "progress" in out.columns:
            out["progress"] = _labels(out["progress"], PROGRESS_LABELS, lang)
    texts = _measure_texts(firm_incentives, lang)
    if texts is not None and "main_uscc" in out.columns:
        out = out.assign(measures_zh=out["main_uscc"].astype("string").map(texts).to_numpy())
    return out


def _labels(codes: pd.Series, table: dict, lang: Language) -> list[str | None]:
    return [None if pd.isna(c) else label(table, str(c), lang) for c in codes.tolist()]


def _measure_texts(rows: pd.DataFrame | None, lang: Language) -> pd.Series | None:
    """Each firm's measures as one text ("差别化电价 +18.00 万元；…"), by USCC."""
    if rows is None or not len(rows) or "uscc" not in rows.columns:
        return None
    wan = UNITS["wan_yuan"].zh if lang == "zh" else UNITS["wan_yuan"].en
    missing = MEASURE_POPUP["missing"][lang]
    parts = []
    for row, name in zip(rows.itertuples(index=False), measure_names(rows, lang), strict=True):
        if pd.notna(row.amount_yuan):
            amount = f"{format_number(row.amount_yuan / _WAN, 2, sign=True)} {wan}"
        elif pd.notna(row.amount):
            amount = f"{format_number(row.amount, 2, sign=True)} {row.unit or ''}".rstrip()
        else:
            amount = missing
        parts.append((str(row.uscc), f"{name} {amount}"))
    frame = pd.DataFrame(parts, columns=["uscc", "text"])
    return frame.groupby("uscc", sort=False)["text"].agg(_JOIN[lang].join)

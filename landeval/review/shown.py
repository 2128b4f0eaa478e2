"""The parcels as the outputs show them: the final decision, with the proposal beside it.

Every output (the action sheets, actions.csv, the GeoPackage, the maps, the report) lists a
parcel under its final treatment once the bureau has reviewed: a parcel reviewed out of the
lists leaves them, one reviewed into a list joins it, a deferred one (暂缓) is listed as
deferred. :func:`final_parcels` turns ``parcel_eval`` into that view (pure); the writers call
it on what they are given, so a caller of the Python API sees the same as the CLI.

Without a review decision (no ``final_treatment``, or every decision the proposal's), the
view is ``parcel_eval`` itself: the outputs of a run without a review do not change.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

REVIEW_SHOWN: tuple[str, ...] = (
    "review_reason",
    "reviewer",
    "reviewed_on",
    "responsible",
    "deadline",
    "progress",
)
"""The bureau's cells of the ``decisions`` table the outputs show beside a parcel."""

PROPOSED = "proposed_treatment"
"""The column of the view holding the rules' proposal (``treatment`` is the final one)."""


def reviewed(parcel_eval: pd.DataFrame | None) -> bool:
    """Whether any parcel's final treatment was decided by the review."""
    if parcel_eval is None or "decision_source" not in parcel_eval.columns:
        return False
    return bool((parcel_eval["decision_source"] == "review").fillna(False).any())


def final_parcels(parcel_eval: pd.DataFrame, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """``parcel_eval`` with ``treatment`` the final decision and the proposal beside it.

    Parameters
    ----------
    parcel_eval : DataFrame or GeoDataFrame
        The ``parcel_eval`` result table, with ``final_treatment``, ``final_treatment_zh``
        and ``decision_source`` after a review (:func:`landeval.review.apply_parcel_review`).
    decisions : DataFrame, optional
        The ``decisions`` table: its bureau cells (:data:`REVIEW_SHOWN`) join each parcel.

    Returns
    -------
    DataFrame or GeoDataFrame
        A new frame when a review decided something: ``treatment``/``treatment_zh`` the
        final treatment (DEFER 暂缓 included), ``proposed_treatment`` the rules' proposal,
        ``reason_zh`` the proposal's reason (unchanged), and the bureau's cells. Else
        ``parcel_eval`` as given (already a view: returned as is).

    Examples
    --------
    >>> pe = pd.DataFrame({"parcel_id": ["p1", "p2"], "treatment": ["REBUILD", "KEEP"],
    ...                    "final_treatment": ["DEFER", "KEEP"],
    ...                    "final_treatment_zh": ["暂缓", "保留"],
    ...                    "decision_source": ["review", "proposal"]})
    >>> view = final_parcels(pe)
    >>> view[["treatment", "proposed_treatment"]].values.tolist()
    [['DEFER', 'REBUILD'], ['KEEP', 'KEEP']]
    """
    if PROPOSED in parcel_eval.columns or not reviewed(parcel_eval):
        return parcel_eval
    out = parcel_eval.assign(
        **{PROPOSED: parcel_eval["treatment"], "treatment": parcel_eval["final_treatment"]}
    )
    if "final_treatment_zh" in parcel_eval.columns:
        out["treatment_zh"] = parcel_eval["final_treatment_zh"]
    return review_cells(out, decisions)


def review_cells(parcel_eval: pd.DataFrame, decisions: pd.DataFrame | None) -> pd.DataFrame:
    """``parcel_eval`` with the bureau's cells of ``decisions`` (:data:`REVIEW_SHOWN`) joined.

    A new frame where a review decided some parcel and ``decisions`` has those cells;
    else ``parcel_eval`` itself. Columns ``parcel_eval`` already has are left as they are.
    """
    if decisions is None or "parcel_id" not in decisions.columns or not len(decisions):
        return parcel_eval
    if not reviewed(parcel_eval):
        return parcel_eval
    by_parcel = decisions.drop_duplicates("parcel_id").set_index("parcel_id")
    ids = parcel_eval["parcel_id"].astype("string")
    wanted = [c for c in REVIEW_SHOWN if c in by_parcel.columns and c not in parcel_eval.columns]
    if not wanted:
        return parcel_eval
    return parcel_eval.assign(**{c: ids.map(by_parcel[c]).to_numpy() for c in wanted})


def with_final_parcels(tables: Mapping[str, pd.DataFrame | None]) -> dict[str, object]:
    """``tables`` with ``parcel_eval`` replaced by :func:`final_parcels` of it (a new dict)."""
    out: dict[str, object] = dict(tables)
    parcels = tables.get("parcel_eval")
    if parcels is not None:
        out["parcel_eval"] = final_parcels(parcels, tables.get("decisions"))
    return out

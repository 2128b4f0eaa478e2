"""The bureau's decisions (DESIGN §10): the machine proposes, the bureau decides.

The round trip: ``landeval review`` writes ``review.xlsx`` (today's proposals, with the
answers already given); the bureau fills it and the project names it
(``[inputs] reviews``); the next run reads it like any input and honours it; the next
``landeval review`` carries its answers forward. One module per step:

- :mod:`.layout` — the columns of each sheet: who fills them, drop-downs, widths;
- :mod:`.rows` — the rows of each sheet from a run's tables (pure);
- :mod:`.workbook` — review.xlsx with XlsxWriter: drop-downs, date checks, protection;
- :mod:`.write` — :func:`write_review`: a run's tables to the workbook;
- :mod:`.read` — :func:`read_reviews`: the filled review through the input readers;
- :mod:`.check` — every bad cell a finding (unknown 复核结论, duplicates, …);
- :mod:`.adjust` — :func:`apply_firm_review`: a 调档 sets the firm's final class, before
  the treatments, so that parcels follow it;
- :mod:`.decide` — :func:`apply_parcel_review`: the final treatments and the ``decisions``
  table, after the treatments and before the 改一补一 balance (:func:`decided_view`);
- :mod:`.summary` — counts of confirmed, overridden and deferred proposals.

A review never changes the method's figures, only the decision: the proposal, its reason,
the scores and the machine's class stay beside the final treatment and class.
"""

from landeval.review.adjust import FIRM_DECISION_COLUMNS, FirmDecisions, apply_firm_review
from landeval.review.decide import (
    DECISION_COLUMNS,
    PARCEL_EVAL_REVIEW_COLUMNS,
    ParcelDecisions,
    apply_parcel_review,
    decided_view,
)
from landeval.review.read import ReviewInputs, read_reviews
from landeval.review.summary import review_counts, review_line
from landeval.review.write import write_review

__all__ = [
    "DECISION_COLUMNS",
    "FIRM_DECISION_COLUMNS",
    "PARCEL_EVAL_REVIEW_COLUMNS",
    "FirmDecisions",
    "ParcelDecisions",
    "ReviewInputs",
    "apply_firm_review",
    "apply_parcel_review",
    "decided_view",
    "read_reviews",
    "review_counts",
    "review_line",
    "write_review",
]

"""What the review workbook looks like: its sheets' columns, who fills each, what it allows.

One :class:`ReviewColumn` per column, in sheet order: the key (a canonical column of the
review tables, :data:`landeval.inputs.model.SCHEMAS` ``parcel_review`` / ``firm_review``,
and a key of :data:`landeval.vocabulary.COLUMNS`, whose label is the header), who fills it,
the kind of cell, the width, and the fixed values of a drop-down. The writer
(:mod:`landeval.review.workbook`) and the notes sheet read these; the reader finds the
columns again by their headers (:mod:`landeval.inputs.aliases`).

Examples
--------
>>> [c.key for c in PARCEL_COLUMNS if c.filled_by == "bureau"][:3]
['decision', 'review_reason', 'reviewer']
>>> choices(PARCEL_COLUMNS[[c.key for c in PARCEL_COLUMNS].index("decision")], "zh")
['拆除重建', '整治提升', '功能转型', '关停退出', '暂缓', '保留']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from landeval.inputs.model import ALLOWED_VALUES
from landeval.vocabulary import (
    DECISION_LABELS,
    PROGRESS_LABELS,
    YES_NO,
    YES_NO_CODES,
    Language,
    label,
)

FilledBy = Literal["landeval", "bureau", "firm"]
CellKind = Literal["text", "number", "date", "choice"]


@dataclass(frozen=True)
class ReviewColumn:
    """One column of a review sheet.

    Attributes
    ----------
    key : str
        Canonical column (and vocabulary key).
    filled_by : {"landeval", "bureau", "firm"}
        landeval's columns are locked; the others are the bureau's (or the firm's, through
        the bureau) and open.
    kind : {"text", "number", "date", "choice"}
        How cells are written and checked: a choice has a drop-down of :attr:`choices`, a
        date a date check.
    width : float
        Column width in Excel character units (a Chinese character takes two).
    number_format : str or None
        Excel number format of a number column.
    """

    key: str
    filled_by: FilledBy
    kind: CellKind = "text"
    width: float = 12.0
    number_format: str | None = None

    @property
    def locked(self) -> bool:
        """Whether the sheet's protection keeps the column as landeval wrote it."""
        return self.filled_by == "landeval"


def _landeval(key: str, width: float = 12.0, number_format: str | None = None) -> ReviewColumn:
    kind: CellKind = "number" if number_format else "text"
    return ReviewColumn(key, "landeval", kind, width, number_format)


PARCEL_COLUMNS: tuple[ReviewColumn, ...] = (
    # the key, the parcel's figures and the proposal (locked)
    _landeval("parcel_id", 22),
    _landeval("county_name", 10),
    _landeval("platform_name", 18),
    _landeval("area_mu", 10, "#,##0.0"),
    _landeval("class", 16),
    _landeval("tax_per_mu", 12, "#,##0.00"),
    _landeval("va_per_mu", 12, "#,##0.00"),
    _landeval("far", 8, "0.00"),
    _landeval("main_name", 24),
    _landeval("flags_zh", 28),
    _landeval("proposed", 10),
    _landeval("reason_zh", 40),
    _landeval("proposed_path", 16),
    _landeval("review_status", 22),
    # the bureau's decision and its process (open)
    ReviewColumn("decision", "bureau", "choice", 11),
    ReviewColumn("review_reason", "bureau", "text", 28),
    ReviewColumn("reviewer", "bureau", "text", 10),
    ReviewColumn("reviewed_on", "bureau", "date", 12),
    ReviewColumn("field_check", "bureau", "text", 28),
    ReviewColumn("path", "bureau", "text", 16),
    ReviewColumn("responsible", "bureau", "text", 16),
    ReviewColumn("deadline", "bureau", "date", 12),
    ReviewColumn("progress", "bureau", "choice", 10),
    ReviewColumn("difficulty", "bureau", "text", 20),
    ReviewColumn("confirmed", "bureau", "choice", 8),
    ReviewColumn("confirm_basis", "bureau", "text", 20),
    ReviewColumn("confirmed_on", "bureau", "date", 12),
    ReviewColumn("notice_start", "bureau", "date", 12),
    ReviewColumn("notice_end", "bureau", "date", 12),
    ReviewColumn("plan_no", "bureau", "text", 18),
    ReviewColumn("accepted_on", "bureau", "date", 12),
    ReviewColumn("closed_on", "bureau", "date", 12),
)
"""The columns of 宗地复核, in order. ``proposed_path`` is left out when the run has no
suggested paths (see :func:`parcel_columns`)."""

FIRM_COLUMNS: tuple[ReviewColumn, ...] = (
    _landeval("uscc", 22),
    _landeval("firm_name", 28),
    _landeval("county_name", 10),
    _landeval("scale", 8),
    _landeval("year", 10, "0"),
    _landeval("land_mu", 10, "#,##0.0"),
    _landeval("tax_per_mu", 12, "#,##0.00"),
    _landeval("va_per_mu", 12, "#,##0.00"),
    _landeval("score", 8, "0.0"),
    _landeval("rank", 8, "0"),
    _landeval("class_machine", 16),
    _landeval("class_reason", 32),
    _landeval("review_status", 22),
    ReviewColumn("firm_confirmed", "firm", "choice", 10),
    ReviewColumn("objection", "firm", "text", 28),
    ReviewColumn("class_adjusted", "bureau", "choice", 8),
    ReviewColumn("adjust_reason", "bureau", "text", 28),
    ReviewColumn("class_approval_no", "bureau", "text", 18),
)
"""The columns of 企业复核 (一企一单), in order."""


def choice_codes(key: str) -> tuple[str, ...]:
    """The codes a choice column allows, in the drop-down's order.

    :data:`landeval.inputs.model.ALLOWED_VALUES` of the review table holding the column
    (复核结论: :data:`~landeval.vocabulary.DECISION_ORDER`, …).
    """
    layer = "firm_review" if key in _FIRM_KEYS else "parcel_review"
    return ALLOWED_VALUES[(layer, key)]


def choice_label(key: str, code: str, lang: Language = "zh") -> str:
    """How a choice column writes ``code``: its label (是/否 for yes/no, a class as is)."""
    if key == "decision":
        return label(DECISION_LABELS, code, lang)
    if key == "progress":
        return label(PROGRESS_LABELS, code, lang)
    if key in ("confirmed", "firm_confirmed"):
        return YES_NO[lang][YES_NO_CODES.index(code)]
    return code


def choices(column: ReviewColumn, lang: Language = "zh") -> list[str]:
    """The drop-down of a choice column, as written in ``lang``."""
    return [choice_label(column.key, code, lang) for code in choice_codes(column.key)]


def parcel_columns(*, with_path: bool) -> tuple[ReviewColumn, ...]:
    """:data:`PARCEL_COLUMNS`, without the suggested path when the run has none."""
    if with_path:
        return PARCEL_COLUMNS
    return tuple(c for c in PARCEL_COLUMNS if c.key != "proposed_path")


_FIRM_KEYS = frozenset(c.key for c in FIRM_COLUMNS)

BUREAU_PARCEL_KEYS: tuple[str, ...] = tuple(c.key for c in PARCEL_COLUMNS if not c.locked)
"""The parcel review's answers: what a person fills and a new workbook carries."""

BUREAU_FIRM_KEYS: tuple[str, ...] = tuple(c.key for c in FIRM_COLUMNS if not c.locked)
"""The firm review's answers."""

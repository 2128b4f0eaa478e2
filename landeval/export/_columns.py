"""Which columns each sheet of the action lists shows, in order.

A column is a source column of a result table and the key of its label in
:data:`landeval.vocabulary.COLUMNS` (usually the same name; another where the sheet shows the
column another way, e.g. ``industry_code`` as ``industry``: the code with its name). The
header, unit and kind all come from the vocabulary; the kind decides how a cell is shown
(see :func:`display_kind`).
"""

from __future__ import annotations

from landeval.review.shown import PROPOSED, REVIEW_SHOWN
from landeval.vocabulary import COLUMNS, NUMBER_KINDS

ColumnSpec = tuple[str, str]
"""(source column, vocabulary key)."""

ACTION_COLUMNS: tuple[ColumnSpec, ...] = (
    ("parcel_id", "parcel_id"),
    ("county_name", "county_name"),
    ("township", "township"),
    ("location", "location"),
    ("title_no", "title_no"),
    ("platform_name", "platform_name"),
    ("tier", "tier"),
    ("area_mu", "area_mu"),
    ("owner_names", "owner_names"),
    ("user_names", "user_names"),
    ("main_name", "main_name"),
    ("main_uscc", "main_uscc"),
    ("occupant_names", "occupant_names"),
    ("n_occupants", "n_occupants"),
    ("industry_code", "industry"),
    ("class", "class"),
    ("tax_per_mu", "tax_per_mu"),
    ("va_per_mu", "va_per_mu"),
    ("known_share", "known_share"),
    ("far", "far"),
    ("far_min", "far_min"),
    ("coverage", "coverage"),
    ("vacant_share", "vacant_share"),
    ("flags", "flag_names"),
    ("matched_flags", "matched_flags"),
    ("reason_zh", "reason_zh"),
    # the bureau's review, where it decided (landeval.review.shown): the sheet is the final
    # treatment, the rules' proposal beside it, and who decided what, by when
    ("proposed_treatment", "proposed"),
    ("decision_source", "decision_source"),
    ("review_reason", "review_reason"),
    ("reviewer", "reviewer"),
    ("reviewed_on", "reviewed_on"),
    ("responsible", "responsible"),
    ("deadline", "deadline"),
    ("progress", "progress"),
    ("path_zh", "path_zh"),
    ("firm_actions_zh", "firm_actions_zh"),
    ("needs_check", "needs_check"),
    ("check_reason_zh", "check_reason_zh"),
    ("must_stay_industrial", "must_stay_industrial"),
    ("inside_line", "inside_line"),
    ("control_share", "control_share"),
    ("straddling", "straddling"),
    ("land_use", "land_use"),
    ("planned_use", "planned_use"),
    ("built_year", "built_year"),
)
"""The columns of an action sheet: where the parcel is, who holds and uses it, how it
performs, why it is listed and what to do."""

TREATMENT_COLUMNS: tuple[ColumnSpec, ...] = (
    ("treatment", "treatment_name"),
    ("treatment", "treatment"),
)
"""The treatment's label and code, first in the CSV."""

FIRM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("uscc", "uscc"),
    ("name", "firm_name"),
    ("county_name", "county_name"),
    ("status", "status"),
    ("scale", "scale"),
    ("industry_code", "industry"),
    ("parcel_ids", "parcel_ids"),
    ("land_mu", "land_mu"),
    ("tax", "tax"),
    ("value_added", "value_added"),
    ("tax_per_mu", "tax_per_mu"),
    ("bench_tax_per_mu", "bench_tax_per_mu"),
    ("va_per_mu", "va_per_mu"),
    ("bench_va_per_mu", "bench_va_per_mu"),
    ("va_per_energy", "va_per_energy"),
    ("va_per_emission", "va_per_emission"),
    ("va_per_employee", "va_per_employee"),
    ("rd_intensity", "rd_intensity"),
    ("tax_per_kwh_yuan", "tax_per_kwh_yuan"),
    ("known_weight_share", "known_weight_share"),
    ("score", "score"),
    ("rank", "rank"),
    ("n_in_group", "n_in_group"),
    ("class", "firm_class"),
    ("class_label", "class_label"),
    ("class_machine", "class_machine"),
    ("prev_class", "prev_class"),
    ("class_reason", "class_reason"),
    ("veto_reason", "veto_reason"),
)

LEDGER_COLUMNS: tuple[ColumnSpec, ...] = (
    ("county_name", "county_name"),
    ("converted_mu", "converted_mu"),
    ("compensated_mu", "compensated_mu"),
    ("balance_mu", "balance_mu"),
    ("balanced", "balanced"),
    ("proposed_mu", "proposed_mu"),
    ("proposed_supplement_mu", "proposed_supplement_mu"),
    ("balance_if_approved_mu", "balance_if_approved_mu"),
    ("scope", "scope"),
    ("decisive", "decisive"),
)

ITEM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("item_id", "item_id"),
    ("county_name", "county_name"),
    ("kind", "change_kind"),
    ("source", "source"),
    ("status", "item_status"),
    ("approved_on", "approved_on"),
    ("approval_no", "approval_no"),
    ("main_name", "main_name"),
    ("reason_zh", "convert_reason_zh"),
    ("planned_use", "planned_use"),
    ("area_mu", "area_mu"),
    ("inside_line_mu", "inside_line_mu"),
    ("counted_mu", "counted_mu"),
    ("counted", "counted"),
    ("why_zh", "why_zh"),
    ("offsets", "offsets"),
)
"""The 改一补一 items: what, where, approved or not, which firm, why converted, counted or
not and why, and which 补 offsets which 改 (where the ledger says)."""

FINDING_SHEET_COLUMNS: tuple[ColumnSpec, ...] = (
    ("severity", "severity"),
    ("county_name", "county_name"),
    ("layer", "layer"),
    ("row_id", "row_id"),
    ("firm_name", "firm_name"),
    ("year", "year"),
    ("field", "field"),
    ("message", "message"),
    ("suggestion", "suggestion"),
    ("code", "finding_code"),
)

FIRM_ACTION_COLUMNS: tuple[ColumnSpec, ...] = (
    ("parcel_id", "parcel_id"),
    ("county_name", "county_name"),
    ("name", "firm_name"),
    ("uscc", "uscc"),
    ("land_mu", "land_mu"),
    ("parcel_share", "parcel_share"),
    ("action_zh", "action_zh"),
    ("flag", "action_flag"),
    ("reason_zh", "reason_zh"),
)
"""企业处置: the firms to vacate or rectify on parcels not listed as a whole."""

CAPACITY_COLUMNS: tuple[ColumnSpec, ...] = (
    ("parcel_id", "parcel_id"),
    ("county_name", "county_name"),
    ("platform_name", "platform_name"),
    ("main_name", "main_name"),
    ("main_uscc", "main_uscc"),
    ("class", "class"),
    ("area_mu", "area_mu"),
    ("far", "far"),
    ("far_min", "far_min"),
    ("coverage", "coverage"),
    ("flags", "flag_names"),
    ("reason_zh", "reason_zh"),
)
"""增容潜力: well-performing parcels with room to add floors (kept, not on the lists)."""

PLATFORM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("name", "platform_name"),
    ("tier", "tier"),
    ("kind", "kind"),
    ("county_name", "county_name"),
    ("parcels", "parcels"),
    ("area_mu", "area_mu"),
    ("tax_per_mu", "tax_per_mu"),
    ("va_per_mu", "va_per_mu"),
    ("low_eff_area_mu", "low_eff_area_mu"),
    ("low_eff_share", "low_eff_share"),
    ("va_cagr", "va_cagr"),
    ("meets_target", "meets_target"),
)
"""The platforms of the 2+6+N system (then the tiers), as the 平台汇总 sheet lists them."""

REVIEW_SOURCES: frozenset[str] = frozenset({PROPOSED, "decision_source", *REVIEW_SHOWN})
"""Columns of the final view of a reviewed run (:mod:`landeval.review.shown`): shown only
when a review decided some parcel (a run without one lists the proposals as before)."""

OPTIONAL_SOURCES: frozenset[str] = frozenset(
    {
        # parcel_eval (CONTRACT: carried from the inputs or added by the treatments)
        "township",
        "location",
        "title_no",
        "owner_names",
        "user_names",
        "status",
        "known_share",
        "path_zh",
        "firm_actions_zh",
        "needs_check",
        "check_reason_zh",
        # the final view of a reviewed run (landeval.review.shown)
        *REVIEW_SOURCES,
        # firm_scores
        "parcel_ids",
        "class_machine",  # the evaluation's class, where a review's 调档 changed it
        "prev_class",
        "known_weight_share",
        "bench_tax_per_mu",
        "bench_va_per_mu",
        # balance_ledger and balance_items
        "proposed_mu",
        "proposed_supplement_mu",
        "balance_if_approved_mu",
        "scope",
        "approved_on",
        "approval_no",
        "inside_line_mu",
        "counted_mu",
        "why_zh",
        "offsets",
    }
)
"""Source columns a result table may lack: a table without one shows no such column.

Every other column comes out empty when its table lacks it, so that a partial run keeps
the usual columns of each sheet."""

FROM_INPUT_SOURCES: frozenset[str] = frozenset({"township", "location", "title_no"})
"""Parcel fields the bureau's parcel layer may or may not give (乡镇街道, 坐落, 不动产权证号):
shown where the input has them, left out when no parcel has a value (an empty column would
only say the input lacks it)."""

WRAPPED_KEYS: frozenset[str] = frozenset(
    {
        "reason_zh",
        "path_zh",
        "firm_actions_zh",
        "check_reason_zh",
        "review_reason",
        "class_reason",
        "message",
        "suggestion",
        "why_zh",
        "convert_reason_zh",
        "action_zh",
        "occupant_names",
        # year over year (DESIGN §11)
        "evidence_zh",
        "note_zh",
    }
)
"""Columns of long text: wrapped in the workbook, so that they print whole."""


def display_kind(key: str) -> str:
    """How the cells of column ``key`` are shown in a sheet or the CSV.

    A number kind of the vocabulary (its number format); ``bool`` (是/否); the name of a
    label table for a code the sheets show by label (``class``, ``tier``, ``treatment``,
    ``flags``, ``industry``, ``land_use``, …); ``text`` for everything else (text, dates,
    codes shown as they are).
    """
    column = COLUMNS[key]
    if column.kind in NUMBER_KINDS or column.kind == "bool":
        return column.kind
    if column.kind == "code" and column.labels is not None:
        return column.labels
    return "text"

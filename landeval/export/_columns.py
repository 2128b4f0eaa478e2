"""Which columns each sheet of the action lists shows, in order.

A column is a source column of a result table and the key of its label in
:data:`landeval.vocabulary.COLUMNS` (usually the same name; another where the sheet shows the
column another way, e.g. ``industry_code`` as ``industry``: the code with its name). The
header, unit and kind all come from the vocabulary; the kind decides how a cell is shown
(see :func:`display_kind`).
"""

from __future__ import annotations

from landeval.vocabulary import COLUMNS, NUMBER_KINDS

ColumnSpec = tuple[str, str]
"""(source column, vocabulary key)."""

ACTION_COLUMNS: tuple[ColumnSpec, ...] = (
    ("parcel_id", "parcel_id"),
    ("county_name", "county_name"),
    ("platform_name", "platform_name"),
    ("tier", "tier"),
    ("area_mu", "area_mu"),
    ("main_name", "main_name"),
    ("main_uscc", "main_uscc"),
    ("occupant_names", "occupant_names"),
    ("n_occupants", "n_occupants"),
    ("industry_code", "industry"),
    ("class", "class"),
    ("tax_per_mu", "tax_per_mu"),
    ("va_per_mu", "va_per_mu"),
    ("far", "far"),
    ("far_min", "far_min"),
    ("coverage", "coverage"),
    ("vacant_share", "vacant_share"),
    ("flags", "flag_names"),
    ("reason_zh", "reason_zh"),
    ("rule", "rule"),
    ("must_stay_industrial", "must_stay_industrial"),
    ("inside_line", "inside_line"),
    ("control_share", "control_share"),
    ("straddling", "straddling"),
    ("land_use", "land_use"),
    ("planned_use", "planned_use"),
    ("built_year", "built_year"),
)

TREATMENT_COLUMNS: tuple[ColumnSpec, ...] = (
    ("treatment", "treatment_name"),
    ("treatment", "treatment"),
)
"""The treatment's label and code, first in the CSV."""

FIRM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("uscc", "uscc"),
    ("name", "firm_name"),
    ("county_name", "county_name"),
    ("scale", "scale"),
    ("industry_code", "industry"),
    ("land_mu", "land_mu"),
    ("tax", "tax"),
    ("value_added", "value_added"),
    ("tax_per_mu", "tax_per_mu"),
    ("va_per_mu", "va_per_mu"),
    ("va_per_energy", "va_per_energy"),
    ("va_per_emission", "va_per_emission"),
    ("va_per_employee", "va_per_employee"),
    ("rd_intensity", "rd_intensity"),
    ("tax_per_kwh_yuan", "tax_per_kwh_yuan"),
    ("score", "score"),
    ("rank", "rank"),
    ("n_in_group", "n_in_group"),
    ("class", "firm_class"),
    ("class_label", "class_label"),
    ("class_reason", "class_reason"),
    ("veto_reason", "veto_reason"),
)

LEDGER_COLUMNS: tuple[ColumnSpec, ...] = (
    ("county_code", "county_code"),
    ("county_name", "county_name"),
    ("converted_mu", "converted_mu"),
    ("converted_parcels_mu", "converted_parcels_mu"),
    ("converted_changes_mu", "converted_changes_mu"),
    ("compensated_mu", "compensated_mu"),
    ("balance_mu", "balance_mu"),
    ("balanced", "balanced"),
    ("decisive", "decisive"),
)

ITEM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("item_id", "item_id"),
    ("source", "source"),
    ("county_code", "county_code"),
    ("kind", "change_kind"),
    ("planned_use", "planned_use"),
    ("area_mu", "area_mu"),
    ("counted_mu", "counted_mu"),
    ("counted", "counted"),
    ("why_not_counted", "why_not_counted"),
)

FINDING_SHEET_COLUMNS: tuple[ColumnSpec, ...] = (
    ("severity", "severity"),
    ("code", "finding_code"),
    ("layer", "layer"),
    ("row_id", "row_id"),
    ("field", "field"),
    ("message", "message"),
    ("suggestion", "suggestion"),
)


def display_kind(key: str) -> str:
    """How the cells of column ``key`` are shown in a sheet or the CSV.

    A number kind of the vocabulary (its number format); ``bool`` (是/否); the name of a
    label table for a code the sheets show by label (``class``, ``tier``, ``treatment``,
    ``flags``, ``industry``, …); ``text`` for everything else (text, dates, codes shown as
    they are).
    """
    column = COLUMNS[key]
    if column.kind in NUMBER_KINDS or column.kind == "bool":
        return column.kind
    if column.kind == "code" and column.labels is not None:
        return column.labels
    return "text"

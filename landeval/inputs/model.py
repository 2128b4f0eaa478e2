"""The canonical data model (DESIGN §3): layer and table schemas, and the loaded inputs.

Inside landeval every layer and table has the English snake_case columns listed here,
whatever the bureau's file called them (see :mod:`landeval.inputs.aliases`). Codes are text,
areas are m² in a projected CRS, money is 万元.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

# The review tables are read by landeval.review.read, not by the loop over TABLES: they name
# their files differently and are checked against the other tables.
from landeval.config import REVIEW_TABLES
from landeval.vocabulary import (
    CLASS_LABELS,
    DECISION_ORDER,
    PROGRESS_LABELS,
    REVIEW_CLASSES,
    TREATMENT_ORDER,
    YES_NO_CODES,
)

if TYPE_CHECKING:
    from landeval.monitoring.previous import PreviousRun

# Canonical columns per layer: required first, then optional (filled with missing values
# when the file lacks them). Dtype kinds: "str" text, "float", "int" (nullable), "date".
SCHEMAS: dict[str, dict[str, dict[str, str]]] = {
    "parcels": {
        "required": {"parcel_id": "str", "county_code": "str", "land_use": "str"},
        "optional": {
            "planned_use": "str",
            "registered_area_m2": "float",
            "floor_area_m2": "float",
            "built_year": "int",
            "location": "str",
            "township": "str",
            "title_no": "str",
            # the land-sale contract (出让合同 / 标准地): IDLE_LAND and the contract indicators
            "contract_start_date": "date",
            "actual_start_date": "date",
            "contract_completion_date": "date",
            "developed_share": "float",
            "contract_tax_per_mu": "float",
            "contract_investment_per_mu": "float",
            "gov_delay": "str",
            # 城镇土地使用税税额标准 (元/m² a year, by 土地等级): basis land_use_tax (§12)
            "land_tax_rate": "float",
        },
    },
    "platforms": {
        "required": {"platform_id": "str", "name": "str", "tier": "str"},
        # accredited: 省级认定 (yes/no) of a 小微企业园, counted by the 4151 target (DESIGN §11)
        "optional": {"kind": "str", "county_code": "str", "accredited": "str"},
    },
    "control_line": {
        "required": {},
        "optional": {"line_id": "str", "county_code": "str"},
    },
    "land_changes": {
        "required": {"change_id": "str", "kind": "str", "county_code": "str"},
        "optional": {"planned_use": "str", "approved_on": "date", "approval_no": "str"},
    },
    # the bureau's own county boundaries, drawn on the maps instead of the shipped ones
    "boundaries": {
        "required": {"county_code": "str"},
        "optional": {"name": "str"},
    },
    "firms": {
        "required": {
            "uscc": "str",
            "name": "str",
            "industry_code": "str",
            "county_code": "str",
            "scale": "str",
        },
        "optional": {"start_year": "int", "status": "str", "address": "str"},
    },
    "firm_tax": {
        "required": {"uscc": "str", "year": "int", "tax": "float"},
        "optional": {
            "electricity_kwh": "float",
            # bases of differentiated water and sewage charges (DESIGN §12)
            "water_m3": "float",
            "wastewater_t": "float",
        },
    },
    "firm_output": {
        "required": {"uscc": "str", "year": "int", "value_added": "float"},
        "optional": {
            "revenue": "float",
            "rd_expense": "float",
            "energy_tce": "float",
            "emissions_eq": "float",
            "employees": "float",
        },
    },
    "occupancy": {
        "required": {"uscc": "str", "parcel_id": "str", "relation": "str"},
        "optional": {"area_m2": "float", "from_year": "int", "to_year": "int"},
    },
    "veto": {
        "required": {"uscc": "str", "year": "int", "reason": "str"},
        "optional": {},
    },
    # The bureau's review (DESIGN §10): the sheets of review.xlsx as landeval writes them.
    # Coded cells (复核结论, 进展, 是/否, 调档) stay text here; landeval.review checks them.
    "parcel_review": {
        "required": {"parcel_id": "str"},
        "optional": {
            "proposed": "str",
            "decision": "str",
            "review_reason": "str",
            "reviewer": "str",
            "reviewed_on": "date",
            "field_check": "str",
            "path": "str",
            "responsible": "str",
            "deadline": "date",
            "progress": "str",
            "difficulty": "str",
            "confirmed": "str",
            "confirm_basis": "str",
            "confirmed_on": "date",
            "notice_start": "date",
            "notice_end": "date",
            "plan_no": "str",
            "accepted_on": "date",
            "closed_on": "date",
            # written by landeval for the reader's eyes; read so that they are not
            # reported as unknown columns
            "review_status": "str",
            "county_name": "str",
            "platform_name": "str",
            "area_mu": "str",
            "class": "str",
            "tax_per_mu": "str",
            "va_per_mu": "str",
            "far": "str",
            "main_name": "str",
            "flags_zh": "str",
            "reason_zh": "str",
            "proposed_path": "str",
        },
    },
    "firm_review": {
        "required": {"uscc": "str"},
        "optional": {
            "year": "int",
            "class_machine": "str",
            "firm_confirmed": "str",
            "objection": "str",
            "class_adjusted": "str",
            "adjust_reason": "str",
            "class_approval_no": "str",
            # written by landeval for the reader's eyes
            "review_status": "str",
            "firm_name": "str",
            "county_name": "str",
            "scale": "str",
            "land_mu": "str",
            "tax_per_mu": "str",
            "va_per_mu": "str",
            "score": "str",
            "rank": "str",
            "class_reason": "str",
        },
    },
}

VECTOR_LAYERS: tuple[str, ...] = (
    "parcels",
    "platforms",
    "control_line",
    "land_changes",
    "boundaries",
)
TABLES: tuple[str, ...] = ("firms", "firm_tax", "firm_output", "occupancy", "veto")
REQUIRED_LAYERS: tuple[str, ...] = (
    "parcels",
    "firms",
    "firm_tax",
    "firm_output",
    "occupancy",
)
MONEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "firm_tax": ("tax",),
    "firm_output": ("value_added", "revenue", "rd_expense"),
}
"""Columns converted to 万元 according to ``[units]``."""

AMOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "firm_tax": ("tax", "electricity_kwh"),
    "firm_output": (
        "value_added",
        "revenue",
        "rd_expense",
        "energy_tce",
        "emissions_eq",
        "employees",
    ),
}
"""The amounts of each firm-year table: a blank or "—" cell is missing, never 0 (DESIGN §5)."""

ALLOWED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("platforms", "tier"): ("2", "6", "N"),
    ("land_changes", "kind"): ("convert", "supplement"),
    ("firms", "scale"): ("above", "below"),
    ("occupancy", "relation"): ("own", "lease"),
    ("platforms", "accredited"): YES_NO_CODES,  # 省级认定 of a 小微企业园 (DESIGN §11)
    # the review's coded cells (checked by landeval.review.check, not landeval.validate)
    ("parcel_review", "proposed"): TREATMENT_ORDER,
    ("parcel_review", "decision"): DECISION_ORDER,
    ("parcel_review", "progress"): tuple(PROGRESS_LABELS),
    ("parcel_review", "confirmed"): YES_NO_CODES,
    ("firm_review", "firm_confirmed"): YES_NO_CODES,
    ("firm_review", "class_machine"): tuple(CLASS_LABELS),
    ("firm_review", "class_adjusted"): REVIEW_CLASSES,
}


def columns(layer: str) -> list[str]:
    """All canonical columns of a layer, required first."""
    schema = SCHEMAS[layer]
    return [*schema["required"], *schema["optional"]]


SOURCE_ROW = "source_row"
"""Column holding each row's row number in its file while loading.

1-based, as a spreadsheet or a text editor shows it; findings name rows by it, and
:func:`landeval.inputs.project.load_inputs` drops it once the inputs are validated.
"""


def row_label(rows: pd.Series | None, index: object) -> str:
    """How a finding names the row at ``index``: ``row 12``.

    ``rows`` is the frame's :data:`SOURCE_ROW` column (the row number in the file); without
    it the frame's own index label is used.
    """
    return f"row {rows.loc[index]}" if rows is not None else f"row {index}"


@dataclass(frozen=True)
class Inputs:
    """Everything a project provides, loaded into the canonical data model.

    Vector layers are GeoDataFrames in one projected CRS (metres) with their canonical
    columns; ``parcels`` also has ``area_m2`` and ``area_mu`` computed from geometry. Optional
    layers that the project does not give are None. ``findings`` holds every problem found
    while loading and validating; ``sources`` maps each layer to the file it came from.
    ``parcel_review`` and ``firm_review`` are the bureau's filled review (DESIGN §10), with
    their values checked and their coded cells as codes, each row keeping ``input_file`` and
    ``input_row`` (see :func:`landeval.review.read_reviews`). ``previous`` is last year's
    output when the project names one (``[inputs] previous``; DESIGN §11), read but not yet
    checked against the evaluation year.
    """

    parcels: gpd.GeoDataFrame
    firms: pd.DataFrame
    firm_tax: pd.DataFrame
    firm_output: pd.DataFrame
    occupancy: pd.DataFrame
    platforms: gpd.GeoDataFrame | None = None
    control_line: gpd.GeoDataFrame | None = None
    land_changes: gpd.GeoDataFrame | None = None
    boundaries: gpd.GeoDataFrame | None = None
    veto: pd.DataFrame | None = None
    rasters: dict[str, list[Path]] = field(default_factory=dict)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: dict[str, Path] = field(default_factory=dict)
    parcel_review: pd.DataFrame | None = None
    firm_review: pd.DataFrame | None = None
    previous: PreviousRun | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The loaded layers and tables by canonical name (the ones given)."""
        names = (*VECTOR_LAYERS, *TABLES, *REVIEW_TABLES)
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


# Result tables written to the store, by the stage that makes them. Every stage returns new
# frames with (at least) these columns; the exports, maps and report read them by name.
RESULT_COLUMNS: dict[str, list[str]] = {
    # mu_scoring: one row per firm and year present in the tax or output tables.
    "firm_scores": [
        "uscc",
        "year",
        "name",
        "county_code",
        "scale",
        "industry_code",
        "status",
        "group",
        "land_m2",
        "land_mu",
        "tax",
        "value_added",
        "revenue",
        "rd_expense",
        "energy_tce",
        "emissions_eq",
        "employees",
        "electricity_kwh",
        # indicators, their benchmarks (bench_*) and sub-scores (sub_*)
        "tax_per_mu",
        "va_per_mu",
        "va_per_energy",
        "va_per_emission",
        "va_per_employee",
        "rd_intensity",
        "tax_per_kwh",
        "bench_tax_per_mu",
        "bench_va_per_mu",
        "bench_va_per_energy",
        "bench_va_per_emission",
        "bench_va_per_employee",
        "bench_rd_intensity",
        "bench_tax_per_kwh",
        "sub_tax_per_mu",
        "sub_va_per_mu",
        "sub_va_per_energy",
        "sub_va_per_emission",
        "sub_va_per_employee",
        "sub_rd_intensity",
        "sub_tax_per_kwh",
        "evaluated",
        "known_weight_share",
        "score",
        "rank",
        "n_in_group",
        "class",
        "class_reason",
        "veto_reason",
    ],
    # validate.plausibility: every firm-year value beyond a warning bound (DESIGN §5).
    "suspect_values": ["uscc", "year", "field", "code", "severity", "message_zh"],
    # mu_scoring: each firm-year's land and money allocated to its parcels by land share.
    "allocation": [
        "uscc",
        "year",
        "parcel_id",
        "relation",
        "land_m2",
        "share",
        "scale",
        "tax",
        "value_added",
    ],
    # mu_scoring: one row per parcel and year.
    "parcel_scores": [
        "parcel_id",
        "year",
        "area_m2",
        "area_mu",
        "occupied_m2",
        "unused_m2",
        "n_occupants",
        "occupants",
        "occupant_names",
        "main_uscc",
        "main_name",
        "main_industry",
        "tax",
        "value_added",
        "tax_per_mu",
        "va_per_mu",
        "known_share",
        "class",
    ],
    # mu_scoring (+ zoning for platform and tier levels): per-mu figures by region and year.
    "trends": [
        "level",
        "region_id",
        "year",
        "land_mu",
        "value_added",
        "tax",
        "va_per_mu",
        "tax_per_mu",
        "va_growth",
        "va_cagr",
        "tax_cagr",
        "target_growth",
        "meets_target",
    ],
    # raster: one row per parcel.
    "parcel_raster": [
        "parcel_id",
        "coverage",
        "height_mean",
        "height_max",
        "floors_est",
        "far_est",
        "far",
        "far_source",
        "far_diff",
        "vacant_share",
        "raster_cover_share",
        "partly_off_raster",
    ],
    # zoning: one row per parcel for the evaluation year (a GeoDataFrame).
    "parcel_eval": [
        "parcel_id",
        "county_code",
        "county_name",
        "township",
        "location",
        "title_no",
        "area_m2",
        "area_mu",
        "land_use",
        "planned_use",
        "built_year",
        "platform_id",
        "platform_name",
        "tier",
        "platform_share",
        "control_share",
        "inside_line",
        "straddling",
        "main_uscc",
        "main_name",
        "occupant_names",
        "owner_names",
        "user_names",
        "n_occupants",
        "industry_code",
        "class",
        "status",
        "tax_per_mu",
        "va_per_mu",
        "known_share",
        "far",
        "far_source",
        "far_min",
        "coverage",
        "vacant_share",
        "flags",
        "flags_zh",
        "treatment",
        "treatment_zh",
        "rule",
        "reason_zh",
        "path_code",
        "path_zh",
        "firm_actions_zh",
        "capacity_potential",
        "needs_check",
        "check_reason_zh",
        "must_stay_industrial",
        "geometry",
    ],
    # treatments: what a firm on a parcel must do when its own flags do not decide the parcel.
    "firm_actions": [
        "year",
        "parcel_id",
        "uscc",
        "name",
        "county_code",
        "land_mu",
        "parcel_share",
        "action",
        "action_zh",
        "flag",
        "reason_zh",
    ],
    # treatments: kept class-A/B parcels with low FAR (增容潜力, room to add floors).
    "capacity_parcels": [
        "year",
        "parcel_id",
        "county_code",
        "platform_id",
        "class",
        "main_uscc",
        "main_name",
        "area_mu",
        "far",
        "far_min",
        "coverage",
        "flags",
        "reason_zh",
    ],
    "platform_summary": [
        "level",
        "platform_id",
        "name",
        "tier",
        "kind",
        "county_code",
        "parcels",
        "area_mu",
        "tax",
        "value_added",
        "tax_per_mu",
        "va_per_mu",
        "area_mu_A",
        "area_mu_B",
        "area_mu_C",
        "area_mu_D",
        "area_mu_T",
        "area_mu_unclassed",
        "low_eff_area_mu",
        "area_mu_EXIT",
        "area_mu_CONVERT",
        "area_mu_REBUILD",
        "area_mu_UPGRADE",
        "area_mu_KEEP",
        "va_cagr",
        "meets_target",
    ],
    "balance_ledger": [
        "county_code",
        "county_name",
        "converted_mu",
        "compensated_mu",
        "balance_mu",
        "balanced",
        "proposed_mu",
        "proposed_supplement_mu",
        "balance_if_approved_mu",
    ],
    # zoning: every 改一补一 item (a GeoDataFrame).
    "balance_items": [
        "item_id",
        "source",
        "kind",
        "county_code",
        "status",
        "approved_on",
        "approval_no",
        "counted",
        "why_zh",
        "area_mu",
        "inside_line_mu",
        "outside_line_mu",
        "main_name",
        "reason_zh",
        "offsets",
        "geometry",
    ],
}

"""Settings: the package defaults plus a project's ``landeval.toml``, validated.

The defaults live in ``landeval/defaults.toml`` (read it: every key is commented). A project
folder holds ``landeval.toml``, whose keys override the defaults: tables merge key by key,
lists and values replace, and ``[[treatments]]`` in a project replaces the whole rule set
(as ``[[incentives]]``, the differentiated measures, replaces the defaults' empty list).
Unknown keys, wrong types and values outside the allowed set are a :class:`ConfigError`
naming the key, what was found and what is allowed.

Examples
--------
>>> cfg = default_config()
>>> cfg.scoring.weights["tax_per_mu"]
30.0
>>> [t.rule_id for t in cfg.treatments]
['EXIT', 'CONVERT', 'REBUILD', 'UPGRADE', 'UPGRADE_INTENSITY']
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import tomllib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from landeval.errors import ConfigError
from landeval.vocabulary import (
    DEFER,
    KEEP,
    PATH_LABELS,
    SHAOXING_COUNTIES,
    SHAOXING_LEGACY_COUNTIES,
)

PROJECT_FILE = "landeval.toml"
"""Name of the project file inside a project folder."""

FLAG_CODES: tuple[str, ...] = (
    "FAR_LOW",
    "COVERAGE_LOW",
    "TAX_LOW",
    "TAX_FLOOR",
    "CLASS_C",
    "CLASS_D",
    "CLASS_D_TWICE",
    "CLASS_D_3Y",
    "STOPPED",
    "IDLE_LAND",
    "VACANT",
    "PHASE_OUT",
    "VETO",
    "PLAN_CONFLICT",
    "OLD_BUILDINGS",
)
"""The low-efficiency flag codes a treatment rule may name (DESIGN §5), in the order the
flag columns and the joined codes list them."""

FIRM_FLAG_CODES: tuple[str, ...] = (
    "VETO",
    "PHASE_OUT",
    "CLASS_D_3Y",
    "CLASS_D_TWICE",
    "CLASS_D",
    "CLASS_C",
)
"""Flags of a firm, most severe first: a parcel flag only where the flagged firms use at
least ``flags.firm_flag_min_share`` of the parcel, else a firm action (DESIGN §6)."""

CLASS_CODES: tuple[str, ...] = ("A", "B", "C", "D", "T")
"""Firm and parcel classes a rule's ``not_classes`` may name."""

INDICATORS: tuple[str, ...] = (
    "tax_per_mu",
    "va_per_mu",
    "va_per_energy",
    "va_per_emission",
    "va_per_employee",
    "rd_intensity",
    "tax_per_kwh",
)
"""Per-firm indicators (DESIGN §5)."""

LAYERS: tuple[str, ...] = (
    "parcels",
    "platforms",
    "control_line",
    "land_changes",
    "firms",
    "firm_tax",
    "firm_output",
    "occupancy",
    "veto",
)
"""Canonical input layers and tables."""

REVIEW_TABLES: tuple[str, ...] = ("parcel_review", "firm_review")
"""The bureau's review tables (``[inputs] reviews`` and ``firm_reviews``; DESIGN §10).

Read with the same readers as the other tables; ``[fields.parcel_review]`` and
``[fields.firm_review]`` map their columns like any other table's."""


INCENTIVE_BASES: tuple[str, ...] = (
    "electricity_kwh",
    "water_m3",
    "wastewater_t",
    "land_m2",
    "land_owned_m2",
    "land_use_tax",
    "energy_tce",
    "emissions_eq",
    "tax",
    "firm",
)
"""The firm-year quantities a ``[[incentives]]`` measure may take as its basis (DESIGN §12).

Units: kWh, m³, t, m² (land used), m² (land held as owner), 元 (城镇土地使用税 due: owned m²
× the land-tax rate), tce, 排放当量, 元 (tax paid), and 1 per firm ("firm")."""

INCENTIVE_CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
"""The classes a measure may name (class T, not evaluated, takes no measure)."""

LAND_TAX_RATE_MAX = 30.0
"""Highest 城镇土地使用税 rate the law allows (元/m²·年, 《城镇土地使用税暂行条例》第四条):
a larger rate is a unit mistake (元/亩?)."""


LABOUR_PRODUCTIVITY_MAX = 1000.0
"""Highest 全员劳动生产率 target taken as 万元/人: a larger figure is a unit mistake (元/人)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectSettings(_Strict):
    """``[project]``: name, city, evaluation year, language, CRS to assume, counties.

    ``counties`` (code → name) is the city's own list, authoritative at run time; its
    default is Shaoxing's (:data:`landeval.vocabulary.SHAOXING_COUNTIES`).
    """

    name: str
    city: str
    evaluation_year: int = Field(ge=0)
    language: Literal["zh", "en"]
    assume_crs: str
    counties: dict[str, str]
    legacy_counties: dict[str, str]


class RasterInputs(_Strict):
    """``[inputs.rasters]``: lists of GeoTIFF tiles or a VRT, per raster kind."""

    footprint: list[str]
    height: list[str]
    landcover: list[str]


class InputSettings(_Strict):
    """``[inputs]``: paths relative to the project folder; empty means not given."""

    parcels: str
    platforms: str
    control_line: str
    land_changes: str
    boundaries: str = ""
    """County boundaries (county_code, name) the maps draw; empty: the ones landeval ships."""
    firms: str
    firm_tax: str
    firm_output: str
    occupancy: str
    veto: str
    reviews: str = ""
    firm_reviews: str = ""
    previous: str = ""
    """Last year's output folder (DESIGN §11); empty: no year-over-year comparison."""
    rasters: RasterInputs


MoneyUnit = Literal["", "yuan", "thousand_yuan", "wan_yuan"]


class UnitSettings(_Strict):
    """``[units]``: money unit of each table, "yuan" 元, "thousand_yuan" 千元 or "wan_yuan" 万元.

    Empty (the default): the unit the columns' headers state, else 万元. A header whose
    unit contradicts the one declared here is an error, never silently overruled.
    """

    firm_tax: MoneyUnit
    firm_output: MoneyUnit


class PlausibilitySettings(_Strict):
    """``[plausibility]``: bounds on amounts, in two tiers (DESIGN §5).

    Beyond a warning bound a value is a warning finding naming its row, still used, and
    listed in the store's ``suspect_values`` table; beyond an error bound it stops the run.
    Money bounds are in 元 for one firm-year; per-mu bounds in 万元/亩.
    """

    tax_warning_yuan: float = Field(gt=0)
    tax_error_yuan: float = Field(gt=0)
    value_added_warning_yuan: float = Field(gt=0)
    value_added_error_yuan: float = Field(gt=0)
    tax_per_mu_warning: float = Field(gt=0)
    tax_per_mu_error: float = Field(gt=0)
    jump_factor: float = Field(gt=1)

    @field_validator("tax_error_yuan", "value_added_error_yuan", "tax_per_mu_error")
    @classmethod
    def _error_above_warning(cls, value: float, info: ValidationInfo) -> float:
        name = str(info.field_name).replace("_error", "_warning")
        warning = info.data.get(name)
        if warning is not None and value < warning:
            msg = f"{info.field_name} ({value:g}) must not be below {name} ({warning:g})"
            raise ValueError(msg)
        return value


class RasterSettings(_Strict):
    """``[raster]``: how raster cells become coverage, floors, FAR and vacancy."""

    footprint_scale: Literal["fraction", "percent"]
    built_threshold: float = Field(ge=0, lt=1)
    storey_height_m: float = Field(gt=0)
    double_storey_above_m: float = Field(gt=0)
    vacant_classes: list[int]
    min_cover_share: float = Field(ge=0, le=1)


class ClassBounds(_Strict):
    """Upper bounds of p = rank / n for classes A, B, C, D (increasing, D = 1)."""

    A: float = Field(ge=0, le=1)
    B: float = Field(ge=0, le=1)
    C: float = Field(ge=0, le=1)
    D: float = Field(ge=0, le=1)

    @field_validator("D")
    @classmethod
    def _ordered(cls, d: float, info: ValidationInfo) -> float:
        a, b, c = (info.data.get(k) for k in "ABC")
        if a is not None and b is not None and c is not None and not (a <= b <= c <= d):
            msg = f"class bounds must increase A ≤ B ≤ C ≤ D, got {a}, {b}, {c}, {d}"
            raise ValueError(msg)
        return d


class ClassSettings(_Strict):
    """``[scoring.classes]``: bounds for above-scale and below-scale firms."""

    above: ClassBounds
    below: ClassBounds


BenchmarkMode = Literal["aggregate", "mean", "median", "fixed"]


class ScoringSettings(_Strict):
    """``[scoring]``: groups, benchmarks, weights, cap and classes (DESIGN §5)."""

    group_by: list[str] = Field(min_length=1)
    benchmark: BenchmarkMode
    cap: float = Field(gt=0)
    min_known_weight: float = Field(ge=0, le=1)
    below_scale_min_mu: float = Field(ge=0)
    new_firm_years: int = Field(ge=0)
    not_evaluated_industries: list[str]
    fixed_benchmarks: list[dict[str, Any]]
    weights: dict[str, float]
    below_scale_weights: dict[str, float]
    classes: ClassSettings

    @field_validator("benchmark", mode="before")
    @classmethod
    def _old_benchmark_name(cls, mode: object) -> object:
        # "group_mean" was the name of the "mean" option before "aggregate" became the
        # default: a project file that still says so keeps its meaning.
        return "mean" if mode == "group_mean" else mode

    @field_validator("weights", "below_scale_weights")
    @classmethod
    def _known_indicators(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(weights) - set(INDICATORS))
        if unknown:
            msg = f"unknown indicator(s) {unknown}; allowed: {list(INDICATORS)}"
            raise ValueError(msg)
        if any(w < 0 for w in weights.values()):
            msg = "weights must not be negative"
            raise ValueError(msg)
        return weights

    @field_validator("group_by")
    @classmethod
    def _known_group_columns(cls, cols: list[str]) -> list[str]:
        allowed = {"county_code", "scale", "industry_group", "industry_code"}
        unknown = sorted(set(cols) - allowed)
        if unknown:
            msg = f"unknown group column(s) {unknown}; allowed: {sorted(allowed)}"
            raise ValueError(msg)
        return cols


class TrendSettings(_Strict):
    """``[trends]``: the growth target of per-mu value added."""

    target_growth: float


class FlagSettings(_Strict):
    """``[flags]``: thresholds and tables of the low-efficiency flags (DESIGN §5, §6)."""

    far_min_default: float = Field(ge=0)
    far_min: dict[str, float]
    coverage_min: float = Field(ge=0, le=1)
    coverage_decides: bool
    tax_low_ratio: float = Field(ge=0)
    tax_low_years: int = Field(ge=1)
    tax_low_skips_class_t: bool
    tax_floor: dict[Literal["above", "below"], float]
    intensity_exempt_industries: list[str]
    stopped_years: int = Field(ge=1)
    closed_statuses: list[str]
    vacant_min_share: float = Field(ge=0, le=1)
    idle_land_fee_years: float = Field(ge=0)
    idle_land_recover_years: float = Field(ge=0)
    idle_land_max_developed: float = Field(ge=0, le=1)
    reference_date: str
    old_building_years: int = Field(ge=0)
    phase_out_industries: list[str]
    industrial_use_prefixes: list[str] = Field(min_length=1)
    firm_flag_min_share: float = Field(ge=0, le=1)
    micro_park_kinds: list[str]
    micro_park_min_occupants: int = Field(ge=1)

    @field_validator("reference_date")
    @classmethod
    def _a_date(cls, text: str) -> str:
        if text:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                msg = f"reference_date must be empty or a date like 2024-12-31, got {text!r}"
                raise ValueError(msg) from None
        return text

    def reference(self, year: int) -> dt.date:
        """The date idle land is measured at: ``reference_date``, else 31 December of ``year``."""
        if self.reference_date:
            return dt.date.fromisoformat(self.reference_date)
        return dt.date(year, 12, 31)


class ZoningSettings(_Strict):
    """``[zoning]``: platform membership and control-line shares (DESIGN §6)."""

    platform_min_share: float = Field(ge=0, le=1)
    inside_line_share: float = Field(ge=0, le=1)
    straddle_low: float = Field(ge=0, le=1)
    straddle_high: float = Field(ge=0, le=1)


class BalanceSettings(_Strict):
    """``[balance]``: scope and tolerance of the 改一补一 balance, and what the line holds."""

    scope: Literal["county", "city"]
    tolerance_mu: float = Field(ge=0)
    line_includes_supplements: bool


class TreatmentRule(_Strict):
    """One of the ordered treatment rules; see ``[[treatments]]`` in the defaults.

    ``code`` is the treatment; ``rule`` names the rule (default: the code), so that one
    treatment may have several rules (UPGRADE by class or tax, UPGRADE by intensity).
    """

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    rule: str = Field(default="", pattern=r"^([A-Z][A-Z0-9_]*)?$")
    label_zh: str
    label_en: str = ""
    all_of: list[str | list[str]] = []
    any_of: list[str] = []
    not_classes: list[str] = []

    @property
    def rule_id(self) -> str:
        """The rule's name: ``rule`` where given, else the treatment code."""
        return self.rule or self.code

    def flags(self) -> set[str]:
        """Every flag code the rule names."""
        named = set(self.any_of)
        for item in self.all_of:
            named.update([item] if isinstance(item, str) else item)
        return named

    def matches(self, flags: set[str], parcel_class: str | None = None) -> bool:
        """Return True when a parcel with ``flags`` and class ``parcel_class`` satisfies it."""
        if parcel_class is not None and parcel_class in self.not_classes:
            return False
        for item in self.all_of:
            group = [item] if isinstance(item, str) else item
            if not flags.intersection(group):
                return False
        return not self.any_of or bool(flags.intersection(self.any_of))


class PathRule(_Strict):
    """One row of ``[[paths]]``: the suggested path (处置路径) of a treatment and flag.

    The first row whose ``treatment`` is the parcel's, whose ``flags`` (when given) meet
    the flags that decided it, and whose ``min_idle_years`` (when given) the idle land
    reaches, gives the path; its words come from :data:`landeval.vocabulary.PATH_LABELS`
    unless ``label_zh``/``label_en`` say otherwise.
    """

    treatment: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    flags: list[str] = []
    rule: str = ""
    min_idle_years: float | None = None
    path: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    label_zh: str = ""
    label_en: str = ""


IncentiveKind = Literal["charge", "relief", "quota"]


class IncentiveMeasure(_Strict):
    """One differentiated measure by class (``[[incentives]]``, DESIGN §12).

    The amount of a firm-year of a listed class is ``basis value × rate``: 元 for a charge
    (rate > 0, the firm pays more) or a relief (rate < 0: tax relieved, subsidy, price cut),
    ``unit`` for a quota (rate ≠ 0: negative cuts the firm's quota, positive adds to it).
    ``min_consecutive_years`` asks the firm to have been of a listed class that many years
    running (this year included); ``supersedes`` names measures this one replaces for the
    firms it applies to (D three years running pays 0.4 instead of D's 0.3); ``refundable``
    marks a charge the county refunds when the firm's class rises the next year (慈溪);
    ``note`` is shown beside every amount (the source of the rate, 示例费率).
    """

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    label_zh: str = Field(min_length=1)
    label_en: str = ""
    classes: list[str] = Field(min_length=1)
    basis: str
    rate: float = Field(allow_inf_nan=False)
    kind: IncentiveKind
    unit: str = ""
    min_consecutive_years: int = Field(default=1, ge=1)
    refundable: bool = False
    supersedes: list[str] = []
    note: str = ""

    @field_validator("classes")
    @classmethod
    def _known_classes(cls, classes: list[str]) -> list[str]:
        unknown = [c for c in classes if c not in INCENTIVE_CLASSES]
        if unknown:
            allowed = ", ".join(INCENTIVE_CLASSES)
            msg = (
                f"unknown class(es) {unknown}; allowed: {allowed} / "
                f"未知的评价类别 {unknown}，可选 {'、'.join(INCENTIVE_CLASSES)}"
            )
            raise ValueError(msg)
        return classes

    @field_validator("basis")
    @classmethod
    def _known_basis(cls, basis: str) -> str:
        if basis not in INCENTIVE_BASES:
            hint = _did_you_mean(basis, INCENTIVE_BASES)
            msg = (
                f"unknown basis {basis!r}{f' ({hint})' if hint else ''}; "
                f"allowed: {list(INCENTIVE_BASES)} / "
                f"未知的计费依据 {basis!r}，可选：{'、'.join(INCENTIVE_BASES)}"
            )
            raise ValueError(msg)
        return basis

    @model_validator(mode="after")
    def _consistent(self) -> IncentiveMeasure:
        problems = _measure_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _measure_problems(m: IncentiveMeasure) -> list[str]:
    """What is inconsistent in one measure (rate sign, unit, refundable), in both languages."""
    problems = []
    if m.kind == "charge" and not m.rate > 0:
        problems.append(
            f"a charge needs a positive rate (found {m.rate:g}); a relief or subsidy is "
            f'kind = "relief" with a negative rate / 收费类措施 (charge) 的费率须为正数'
            f'（现为 {m.rate:g}）；减免或奖补请写 kind = "relief" 并用负数费率'
        )
    if m.kind == "relief" and not m.rate < 0:
        problems.append(
            f"a relief needs a negative rate (found {m.rate:g}): it lowers what the firm "
            f"pays / 减免类措施 (relief) 的费率须为负数（现为 {m.rate:g}）"
        )
    if m.kind == "quota":
        if m.rate == 0:
            problems.append("a quota needs a non-zero rate / 指标类措施 (quota) 的费率不能为 0")
        if not m.unit.strip():
            problems.append(
                'a quota needs its unit (unit = "吨标煤") / 指标类措施 (quota) 须写明 unit'
            )
    elif m.unit.strip() not in ("", "元"):
        problems.append(
            f"unit {m.unit!r} is only for quotas: a {m.kind} is in 元 / "
            f"unit 只用于指标类措施，{m.kind} 的金额单位为元"
        )
    if m.refundable and m.kind != "charge":
        problems.append(
            f"only a charge can be refundable (found kind {m.kind!r}) / "
            f"只有收费类措施 (charge) 可以退还"
        )
    if m.code in m.supersedes:
        problems.append(f"{m.code} supersedes itself / {m.code} 不能替代自身")
    return problems


class IncentiveSettings(_Strict):
    """``[incentives_settings]``: inputs of the measures that are not firm data.

    ``land_tax_rate``: 城镇土地使用税税额标准 (元/m²·年) by county code, for the basis
    ``land_use_tax``; a parcel's own ``land_tax_rate`` column (土地等级 rates) wins over it.
    """

    land_tax_rate: dict[str, float] = {}

    @field_validator("land_tax_rate")
    @classmethod
    def _legal_rates(cls, rates: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in rates.items() if not 0 < v <= LAND_TAX_RATE_MAX}
        if bad:
            msg = (
                f"land-tax rates must be above 0 and at most {LAND_TAX_RATE_MAX:g} 元/m² a "
                f"year, found {bad} / 城镇土地使用税税额标准须大于 0 且不超过 "
                f"{LAND_TAX_RATE_MAX:g} 元/平方米·年（单位是否误用元/亩？）"
            )
            raise ValueError(msg)
        return rates


class TargetSettings(_Strict):
    """``[targets]``: the 4151 plan's targets to 2026 (DESIGN §11).

    The growth of 规上亩均增加值 is ``[trends] target_growth`` (one setting for the trends and
    the targets). ``labour_productivity`` (万元/人) is reached by ``final_year`` along a path of
    constant growth from the base year; ``rd_intensity`` (a fraction) is kept every year;
    ``micro_parks`` (省级认定小微园, city) rises evenly from none in the base year;
    ``revitalise_mu`` (亩 of last year's list closed in a year, city) and
    ``revitalise_mu_county`` (by county code) are optional: the plan states no figure.
    """

    base_year: int = Field(default=2021, ge=1900, le=2200)
    final_year: int = Field(default=2026, ge=1900, le=2200)
    labour_productivity: float = Field(default=40.0, allow_inf_nan=False)
    rd_intensity: float = Field(default=0.035, allow_inf_nan=False)
    micro_parks: int = Field(default=150, ge=0)
    revitalise_mu: float | None = Field(default=None, allow_inf_nan=False)
    revitalise_mu_county: dict[str, float] = {}

    @field_validator("labour_productivity")
    @classmethod
    def _productivity_in_wan_yuan(cls, value: float) -> float:
        if not 0 < value <= LABOUR_PRODUCTIVITY_MAX:
            msg = (
                f"labour_productivity is 万元 per person and must be above 0 and at most "
                f"{LABOUR_PRODUCTIVITY_MAX:g}, found {value:g} (in 元? 40 万元/人 is 40) / "
                f"全员劳动生产率目标以万元/人计，须大于 0 且不超过 {LABOUR_PRODUCTIVITY_MAX:g}"
                f"（现为 {value:g}；40 万元/人请写 40）"
            )
            raise ValueError(msg)
        return value

    @field_validator("rd_intensity")
    @classmethod
    def _rd_a_fraction(cls, value: float) -> float:
        if not 0 < value < 1:
            msg = (
                f"rd_intensity is a fraction above 0 and below 1, found {value:g} (3.5 % is "
                f"0.035) / 研发费用占营业收入比例请写小数（3.5% 写作 0.035），现为 {value:g}"
            )
            raise ValueError(msg)
        return value

    @field_validator("revitalise_mu")
    @classmethod
    def _positive_area(cls, value: float | None) -> float | None:
        if value is not None and not value > 0:
            msg = (
                f"revitalise_mu must be a positive area in 亩, found {value:g}; leave it out "
                f"for no target / 盘活目标须为正的面积（亩），现为 {value:g}；无目标时请删去该键"
            )
            raise ValueError(msg)
        return value

    @field_validator("revitalise_mu_county")
    @classmethod
    def _positive_areas(cls, areas: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in areas.items() if not v > 0}
        if bad:
            msg = (
                f"revitalise_mu_county needs positive areas in 亩, found {bad} / "
                f"各县（市、区）盘活目标须为正的面积（亩）：{bad}"
            )
            raise ValueError(msg)
        return areas

    @model_validator(mode="after")
    def _years_in_order(self) -> TargetSettings:
        if self.final_year <= self.base_year:
            msg = (
                f"final_year ({self.final_year}) must come after base_year ({self.base_year}) / "
                f"目标年份 final_year（{self.final_year}）须晚于基年 base_year（{self.base_year}）"
            )
            raise ValueError(msg)
        return self


class MonitoringSettings(_Strict):
    """``[monitoring]``: how parcels are matched across years (DESIGN §11)."""

    match_min_share: float = Field(default=0.5, gt=0, le=1)


class MapSettings(_Strict):
    """``[maps]``: basemap choice and the map title's data date."""

    basemap: Literal["none", "osm", "tianditu", "custom", "amap"]
    tianditu_token: str
    tianditu_layer: Literal["vec", "img"]
    tile_url: str
    tile_attribution: str
    data_date: str


class Config(_Strict):
    """The effective configuration of a project (defaults merged with its landeval.toml).

    ``project_dir`` is the folder input paths are relative to (None for the bare defaults).
    """

    project: ProjectSettings
    inputs: InputSettings
    units: UnitSettings
    fields: dict[str, dict[str, str]]
    raster: RasterSettings
    scoring: ScoringSettings
    trends: TrendSettings
    flags: FlagSettings
    zoning: ZoningSettings
    balance: BalanceSettings
    plausibility: PlausibilitySettings
    treatments: list[TreatmentRule] = Field(min_length=1)
    paths: list[PathRule]
    maps: MapSettings
    incentives: list[IncentiveMeasure] = []
    incentives_settings: IncentiveSettings = IncentiveSettings()
    targets: TargetSettings = TargetSettings()
    monitoring: MonitoringSettings = MonitoringSettings()
    project_dir: Path | None = None

    @field_validator("fields")
    @classmethod
    def _known_layers(cls, fields: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        allowed = (*LAYERS, *REVIEW_TABLES)
        unknown = sorted(set(fields) - set(allowed))
        if unknown:
            msg = f"unknown layer(s) {unknown}; allowed: {list(allowed)}"
            raise ValueError(msg)
        return fields

    @field_validator("treatments")
    @classmethod
    def _known_flags(cls, rules: list[TreatmentRule]) -> list[TreatmentRule]:
        for rule in rules:
            unknown = sorted(rule.flags() - set(FLAG_CODES))
            if unknown:
                hints = "; ".join(_did_you_mean(u, FLAG_CODES) for u in unknown)
                msg = (
                    f"rule {rule.code} names unknown flag(s) {unknown} ({hints}); "
                    f"allowed: {list(FLAG_CODES)}"
                )
                raise ValueError(msg)
            odd = sorted(set(rule.not_classes) - set(CLASS_CODES))
            if odd:
                msg = f"rule {rule.rule_id} names unknown class(es) {odd}; allowed: {CLASS_CODES}"
                raise ValueError(msg)
        ids = [r.rule_id for r in rules]
        # KEEP is what no rule matched; DEFER only a review decides (复核结论 暂缓).
        if len(set(ids)) != len(ids) or {KEEP, DEFER} & {r.code for r in rules}:
            msg = (
                "treatment rules must have unique names (rule, else code) and no code KEEP "
                f"or DEFER, got {ids}"
            )
            raise ValueError(msg)
        labels: dict[str, str] = {}
        for rule in rules:
            if labels.setdefault(rule.code, rule.label_zh) != rule.label_zh:
                msg = f"the rules of treatment {rule.code} give it two names"
                raise ValueError(msg)
        return rules

    @field_validator("paths")
    @classmethod
    def _known_path_flags(cls, paths: list[PathRule]) -> list[PathRule]:
        for i, row in enumerate(paths):
            unknown = sorted(set(row.flags) - set(FLAG_CODES))
            if unknown:
                msg = f"paths[{i}] names unknown flag(s) {unknown}; allowed: {list(FLAG_CODES)}"
                raise ValueError(msg)
            if row.path not in PATH_LABELS and not row.label_zh:
                msg = (
                    f"paths[{i}]: path {row.path!r} is not one of {sorted(PATH_LABELS)}; "
                    "a path of your own needs label_zh"
                )
                raise ValueError(msg)
        return paths

    @field_validator("incentives")
    @classmethod
    def _measures_fit_together(cls, measures: list[IncentiveMeasure]) -> list[IncentiveMeasure]:
        codes = [m.code for m in measures]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            msg = (
                f"incentive codes must be unique, repeated: {repeated} / "
                f"差别化施策措施代码重复：{'、'.join(repeated)}"
            )
            raise ValueError(msg)
        superseded = {s for m in measures for s in m.supersedes}
        for m in measures:
            unknown = sorted(set(m.supersedes) - set(codes))
            if unknown:
                msg = (
                    f"{m.code} supersedes unknown measure(s) {unknown}; known: {codes} / "
                    f"{m.code} 替代的措施 {'、'.join(unknown)} 不存在"
                )
                raise ValueError(msg)
            if m.supersedes and m.code in superseded:
                # one level only: a chain (or a cycle) would make the outcome depend on order
                msg = (
                    f"{m.code} supersedes others and is itself superseded; keep one level / "
                    f"{m.code} 既替代其他措施又被替代，请只保留一层"
                )
                raise ValueError(msg)
        return measures

    @model_validator(mode="after")
    def _land_tax_counties(self) -> Config:
        known = {*self.project.counties, *self.project.legacy_counties}
        unknown = sorted(set(self.incentives_settings.land_tax_rate) - known)
        if unknown:
            msg = (
                f"incentives_settings.land_tax_rate names county code(s) {unknown} not in "
                f"[project.counties] / 城镇土地使用税税额标准中的行政区划代码 "
                f"{'、'.join(unknown)} 不在 [project.counties] 中"
            )
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _target_counties(self) -> Config:
        known = {*self.project.counties, *self.project.legacy_counties}
        unknown = sorted(set(self.targets.revitalise_mu_county) - known)
        if unknown:
            msg = (
                f"targets.revitalise_mu_county names county code(s) {unknown} not in "
                f"[project.counties] / 盘活目标中的行政区划代码 {'、'.join(unknown)} "
                "不在 [project.counties] 中"
            )
            raise ValueError(msg)
        return self

    def input_path(self, layer: str) -> Path | None:
        """Absolute path of an input layer (without any ``#layer`` part), or None."""
        value = getattr(self.inputs, layer)
        if not value:
            return None
        return self.resolve(value.split("#", 1)[0])

    def resolve(self, relative: str) -> Path:
        """A path from the project file, made absolute against the project folder."""
        path = Path(relative)
        if path.is_absolute() or self.project_dir is None:
            return path
        return self.project_dir / path

    def to_toml(self) -> str:
        """The effective configuration as TOML text (what ``landeval config`` prints)."""
        data = self.model_dump(mode="json", exclude={"project_dir"})
        return tomli_w.dumps(_drop_none(data))


def default_config() -> Config:
    """The package defaults, with no project."""
    return _validate(_defaults_dict(), source="defaults")


def load_config(project_dir: str | Path | None = None, **overrides: Any) -> Config:
    """Load a project's effective configuration.

    Parameters
    ----------
    project_dir : path-like or None
        Folder holding ``landeval.toml``; None gives the defaults.
    **overrides
        Top-level sections to merge over the project's, as nested dicts (used by the CLI and
        the notebooks, e.g. ``project={"evaluation_year": 2023}``).

    Raises
    ------
    ConfigError
        The folder or file is missing or unreadable, or a key or value is invalid.
    """
    data = _defaults_dict()
    source = "defaults"
    base: Path | None = None
    if project_dir is not None:
        base = Path(project_dir).resolve()
        file = base / PROJECT_FILE
        if not base.is_dir():
            msg = f"项目文件夹 {base} 不存在 / project folder {base} does not exist"
            raise ConfigError(msg)
        if not file.is_file():
            msg = (
                f"没有找到 {file}: 项目文件夹里需要一个 {PROJECT_FILE} / {file} not found: a"
                f" project folder needs a {PROJECT_FILE}"
            )
            raise ConfigError(msg)
        project = _read_project_file(file)
        data = merge_settings(data, project)
        source = str(file)
    if overrides:
        data = merge_settings(data, overrides)
    data["project_dir"] = base
    return _validate(data, source=source)


def _read_project_file(file: Path) -> dict[str, Any]:
    """The project file as a dict; a file that is not UTF-8 or not TOML is a ConfigError."""
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            raw.decode("gb18030")
            guess = " (看起来是 GBK/GB18030 编码 / it looks like GBK)"
        except UnicodeDecodeError:
            guess = ""
        msg = (
            f"{file} 不是 UTF-8 编码{guess}: 请在编辑器中以 UTF-8 保存 (记事本: 另存为 → 编码"
            f" UTF-8) / {file} is not UTF-8: save it as UTF-8"
        )
        raise ConfigError(msg) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = (
            f"{file} 不是有效的 TOML 格式: {exc} / {file} is not valid TOML: {exc}"
            ' (例如: 文字要加英文引号 "…", 一行一个 键 = 值)'
        )
        raise ConfigError(msg) from None


def merge_settings(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``: tables by key, everything else replaced."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "fields":
            out[key] = merge_settings(out[key], value)
        elif key == "fields" and isinstance(value, dict):
            merged = copy.deepcopy(out.get("fields", {}))
            for layer, mapping in value.items():
                merged.setdefault(layer, {})
                if isinstance(mapping, dict):
                    merged[layer].update(mapping)
                else:
                    merged[layer] = mapping
            out["fields"] = merged
        else:
            out[key] = copy.deepcopy(value)
    return out


def _defaults_dict() -> dict[str, Any]:
    text = resources.files("landeval").joinpath("defaults.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    # the default counties are Shaoxing's, whose names are written once, in the vocabulary
    project = data.setdefault("project", {})
    project.setdefault("counties", dict(SHAOXING_COUNTIES))
    project.setdefault("legacy_counties", dict(SHAOXING_LEGACY_COUNTIES))
    return data


def _validate(data: dict[str, Any], *, source: str) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, source, data)) from None


def _explain(exc: ValidationError, source: str, data: dict[str, Any] | None = None) -> str:
    """Every problem of a configuration, each in Chinese and in English."""
    lines = [f"配置有误 (invalid configuration) in {source}:"]
    for err in exc.errors():
        key = _key_text(err["loc"], data or {})
        if not key:  # a check across sections: its message says where
            lines.append(f"  {err['msg']}")
            continue
        if err["type"] == "extra_forbidden":
            parent = ".".join(str(p) for p in err["loc"][:-1])
            name = str(err["loc"][-1])
            allowed = _allowed_keys(err["loc"][:-1])
            hint = _did_you_mean(name, allowed) if allowed else ""
            hint_zh = f" 是否应为 {hint.split(chr(39))[1]!r}?" if hint else ""
            where = f"[{parent}]" if parent else "the top level"
            where_zh = f"[{parent}] " if parent else "顶层"
            lines.append(f"  {key}: {where_zh}中没有这个键{hint_zh}")
            lines.append(f"    unknown key in {where}. {hint}".rstrip())
            if allowed:
                lines.append(f"    允许的键 (allowed keys): {', '.join(allowed)}")
        else:
            found = err.get("input")
            if isinstance(found, dict) and err["type"] == "value_error":
                # a check over a whole table (an [[incentives]] entry): its message says it
                lines.append(f"  {key}: {err['msg']}")
                continue
            shown = repr(found) if not isinstance(found, dict) else "a table"
            lines.append(f"  {key}: 取值无效, 实际为 {shown} / {err['msg']} (found {shown})")
    return "\n".join(lines)


def _key_text(loc: tuple[int | str, ...], data: dict[str, Any]) -> str:
    """The dotted key of an error; a ``[[incentives]]`` entry is named by its code."""
    key = ".".join(str(p) for p in loc)
    if len(loc) >= 2 and loc[0] == "incentives" and isinstance(loc[1], int):
        entries = data.get("incentives")
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else {}
        code = entry.get("code") if isinstance(entry, dict) else None
        named = f"incentives[{loc[1] + 1}]" + (f" ({code})" if code else "")
        key = ".".join([named, *(str(p) for p in loc[2:])])
    return key


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    model: type[BaseModel] | None = Config
    for part in loc:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        ann = field.annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        if model is None:
            args = getattr(ann, "__args__", ())
            model = next(
                (a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None
            )
    if model is None:
        return []
    return [k for k in model.model_fields if k != "project_dir"]


def _did_you_mean(name: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value

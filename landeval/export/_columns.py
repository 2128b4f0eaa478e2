"""Columns of the action lists: source column, Chinese and English header, and kind.

Kinds decide how a cell is shown: text; mu (亩); per_mu (万元/亩); ratio; share (0–1 shown
as a percentage); int; score; money (万元); per_unit; bool (是/否); and codes shown as
labels: class, tier, scale, industry, treatment, flags, severity, change_kind.
"""

from __future__ import annotations

ColumnSpec = tuple[str, str, str, str]
"""(source column, Chinese header, English header, kind)."""

ACTION_COLUMNS: tuple[ColumnSpec, ...] = (
    ("parcel_id", "宗地代码", "Parcel code", "text"),
    ("county_name", "县（市、区）", "County", "text"),
    ("platform_name", "平台", "Platform", "text"),
    ("tier", "平台层级", "Platform tier", "tier"),
    ("area_mu", "面积（亩）", "Area (mu)", "mu"),
    ("main_name", "主要用地企业", "Main occupant", "text"),
    ("main_uscc", "主要用地企业统一社会信用代码", "Main occupant USCC", "text"),
    ("occupant_names", "全部用地企业", "All occupants", "text"),
    ("n_occupants", "用地企业数", "Occupants", "int"),
    ("industry_code", "行业", "Industry", "industry"),
    ("class", "评价类别", "Class", "class"),
    ("tax_per_mu", "亩均税收（万元/亩）", "Tax per mu (10k yuan/mu)", "per_mu"),
    ("va_per_mu", "亩均增加值（万元/亩）", "Value added per mu (10k yuan/mu)", "per_mu"),
    ("far", "容积率", "Floor-area ratio", "ratio"),
    ("far_min", "容积率标准", "FAR minimum", "ratio"),
    ("coverage", "建筑系数", "Building coverage", "share"),
    ("vacant_share", "空置比例", "Vacant share", "share"),
    ("flags", "低效标识", "Low-efficiency flags", "flags"),
    ("reason_zh", "处置理由", "Reason", "text"),
    ("rule", "处置规则", "Rule", "text"),
    ("must_stay_industrial", "须保持工业用途", "Must stay industrial", "bool"),
    ("inside_line", "位于工业用地控制线内", "Inside industrial control line", "bool"),
    ("control_share", "控制线内面积比例", "Share inside control line", "share"),
    ("straddling", "跨控制线", "Straddles control line", "bool"),
    ("land_use", "现状用途", "Current use", "text"),
    ("planned_use", "规划用途", "Planned use", "text"),
    ("built_year", "建成年份", "Built year", "int"),
)

TREATMENT_COLUMNS: tuple[ColumnSpec, ...] = (
    ("treatment", "处置方式", "Treatment", "treatment"),
    ("treatment", "处置代码", "Treatment code", "text"),
)

FIRM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("uscc", "统一社会信用代码", "USCC", "text"),
    ("name", "企业名称", "Firm", "text"),
    ("county_name", "县（市、区）", "County", "text"),
    ("scale", "规模", "Scale", "scale"),
    ("industry_code", "行业", "Industry", "industry"),
    ("land_mu", "用地（亩）", "Land (mu)", "mu"),
    ("tax", "税收（万元）", "Tax (10k yuan)", "money"),
    ("value_added", "工业增加值（万元）", "Value added (10k yuan)", "money"),
    ("tax_per_mu", "亩均税收（万元/亩）", "Tax per mu (10k yuan/mu)", "per_mu"),
    ("va_per_mu", "亩均增加值（万元/亩）", "Value added per mu (10k yuan/mu)", "per_mu"),
    (
        "va_per_energy",
        "单位能耗增加值（万元/吨标煤）",
        "Value added per energy (10k yuan/tce)",
        "per_unit",
    ),
    ("va_per_emission", "单位排放增加值（万元/当量）", "Value added per emission", "per_unit"),
    (
        "va_per_employee",
        "全员劳动生产率（万元/人）",
        "Value added per employee (10k yuan)",
        "per_unit",
    ),
    ("rd_intensity", "研发投入强度", "R&D intensity", "share"),
    ("tax_per_kwh_yuan", "单位电耗税收（元/千瓦时）", "Tax per kWh (yuan)", "per_unit"),
    ("score", "得分", "Score", "score"),
    ("rank", "组内排名", "Rank in group", "int"),
    ("n_in_group", "组内企业数", "Firms in group", "int"),
    ("class", "类别", "Class", "text"),
    ("class_label", "类别说明", "Class meaning", "text"),
    ("class_reason", "评价说明", "Class note", "text"),
    ("veto_reason", "负面清单原因", "Negative-list reason", "text"),
)

SUMMARY_COUNTY = ("县（市、区）", "County")

LEDGER_COLUMNS: tuple[ColumnSpec, ...] = (
    ("county_code", "行政区划代码", "County code", "text"),
    ("county_name", "县（市、区）", "County", "text"),
    ("converted_mu", "转出面积（亩）", "Converted (mu)", "mu"),
    ("converted_parcels_mu", "其中：功能转型宗地（亩）", "of which parcels (mu)", "mu"),
    ("converted_changes_mu", "其中：用地调整（亩）", "of which land changes (mu)", "mu"),
    ("compensated_mu", "补充面积（亩）", "Compensated (mu)", "mu"),
    ("balance_mu", "差额（亩）", "Balance (mu)", "mu"),
    ("balanced", "是否平衡", "Balanced", "bool"),
    ("decisive", "考核口径", "Decisive", "bool"),
)

ITEM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("item_id", "项目编号", "Item", "text"),
    ("source", "来源", "Source", "text"),
    ("county_code", "行政区划代码", "County code", "text"),
    ("kind", "类型", "Kind", "change_kind"),
    ("planned_use", "规划用途", "Planned use", "text"),
    ("area_mu", "面积（亩）", "Area (mu)", "mu"),
    ("counted_mu", "计入面积（亩）", "Counted (mu)", "mu"),
    ("counted", "是否计入", "Counted", "bool"),
    ("why_not_counted", "未计入原因", "Why not counted", "text"),
)

FINDING_SHEET_COLUMNS: tuple[ColumnSpec, ...] = (
    ("severity", "严重程度", "Severity", "severity"),
    ("code", "问题代码", "Code", "text"),
    ("layer", "图层/表", "Layer or table", "text"),
    ("row_id", "行标识", "Row", "text"),
    ("field", "字段", "Field", "text"),
    ("message", "问题说明", "Message", "text"),
    ("suggestion", "处理建议", "Suggestion", "text"),
)

SEVERITY_LABELS: dict[str, dict[str, str]] = {
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
    "info": {"zh": "提示", "en": "info"},
}
CHANGE_KIND_LABELS: dict[str, dict[str, str]] = {
    "convert": {"zh": "改（转出）", "en": "convert"},
    "supplement": {"zh": "补（补充）", "en": "supplement"},
}
BOOL_TEXT: dict[str, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}

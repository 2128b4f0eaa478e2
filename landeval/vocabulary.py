"""What users read: the words of every output, in Chinese (default) and English.

Codes stay English in every table (EXIT, CLASS_D, A); the tables here give the words shown
beside them. Every output — workbook, CSV, GeoPackage aliases, maps, report and console —
takes its words from this module, so that one column is called one thing everywhere:

- code labels: classes, flags, treatments (and their policy order), platform tiers, firm
  scales, finding severities, 改一补一 item kinds, industries;
- :data:`COLUMNS`: the label, unit and kind of every column an output shows;
- land-use code names (国土空间用地用海分类, and the legacy GB 50137 codes), looked up by
  the longest known prefix;
- the Shaoxing county names, the defaults of ``[project.counties]`` (a project's own
  configuration is what a run uses).

Examples
--------
>>> label(TREATMENT_LABELS, "EXIT")
'关停退出'
>>> column_header("tax_per_mu", "zh"), column_header("tax_per_mu", "en")
('亩均税收（万元/亩）', 'Tax per mu (10k yuan/mu)')
>>> land_use_label("100102"), land_use_label("M1", "en")
('二类工业用地', 'Class-1 industrial land (legacy M1)')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias, get_args

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

LabelTable: TypeAlias = dict[str, dict[str, str]]
"""Code → {"zh": …, "en": …}."""

KEEP = "KEEP"
"""The treatment code of a parcel no rule sends to the action list (保留)."""

TREATMENT_ORDER: tuple[str, ...] = ("REBUILD", "UPGRADE", "CONVERT", "EXIT", KEEP)
"""Treatment codes in the policy's order (拆除重建, 整治提升, 功能转型, 关停退出), then 保留.

Every output lists treatments in this order; the rules are *evaluated* in the order of the
configured ``[[treatments]]`` (exit first), which is a different thing."""

CITY = "city"
"""The region code of a city-wide row (ledger, trends, summaries)."""

# --- code labels ---------------------------------------------------------------------------

CLASS_LABELS: LabelTable = {
    "A": {"zh": "A类 优先支持类", "en": "A priority support"},
    "B": {"zh": "B类 提升发展类", "en": "B develop and improve"},
    "C": {"zh": "C类 整治提升类", "en": "C rectify and upgrade"},
    "D": {"zh": "D类 倒逼淘汰类", "en": "D forced phase-out"},
    "T": {"zh": "不参评", "en": "not evaluated"},
}

FLAG_LABELS: LabelTable = {
    "FAR_LOW": {"zh": "容积率低于行业标准", "en": "floor-area ratio below industry minimum"},
    "COVERAGE_LOW": {"zh": "建筑系数低于标准", "en": "building coverage below minimum"},
    "TAX_LOW": {"zh": "亩均税收偏低", "en": "tax per mu well below the county benchmark"},
    "CLASS_C": {"zh": "C类企业用地", "en": "class C occupant"},
    "CLASS_D": {"zh": "D类企业用地", "en": "class D occupant"},
    "CLASS_D_TWICE": {"zh": "连续两年D类", "en": "class D two years running"},
    "IDLE": {"zh": "闲置或低效空置", "en": "idle or vacant"},
    "PHASE_OUT": {"zh": "淘汰类产业", "en": "phase-out industry"},
    "VETO": {"zh": "负面清单", "en": "on the negative list"},
    "PLAN_CONFLICT": {"zh": "规划用途非工业", "en": "planned use not industrial"},
    "OLD_BUILDINGS": {"zh": "建筑年代久远", "en": "old buildings"},
}

TREATMENT_LABELS: LabelTable = {
    "REBUILD": {"zh": "拆除重建", "en": "Demolish and rebuild"},
    "UPGRADE": {"zh": "整治提升", "en": "Renovate and upgrade"},
    "CONVERT": {"zh": "功能转型", "en": "Change of use"},
    "EXIT": {"zh": "关停退出", "en": "Shut down and exit"},
    KEEP: {"zh": "保留", "en": "Keep"},
}
"""The four treatments (四个一批) and 保留, in :data:`TREATMENT_ORDER`."""

TIER_LABELS: LabelTable = {
    "2": {"zh": "战略平台", "en": "strategic platform"},
    "6": {"zh": "骨干平台", "en": "backbone platform"},
    "N": {"zh": "小微/特色平台", "en": "small platform"},
}

SCALE_LABELS: LabelTable = {
    "above": {"zh": "规上", "en": "above scale"},
    "below": {"zh": "规下", "en": "below scale"},
}

SEVERITY_LABELS: LabelTable = {
    "error": {"zh": "错误", "en": "error"},
    "warning": {"zh": "警告", "en": "warning"},
    "info": {"zh": "提示", "en": "info"},
}

CHANGE_KIND_LABELS: LabelTable = {
    "convert": {"zh": "改（转出）", "en": "convert"},
    "supplement": {"zh": "补（补充）", "en": "supplement"},
}
"""The two kinds of 改一补一 item: land converted out of industry, land supplemented."""

# --- 差别化施策 (DESIGN §12) ---

INCENTIVE_KIND_LABELS: LabelTable = {
    "charge": {"zh": "收费加价", "en": "charge"},
    "relief": {"zh": "减免奖补", "en": "relief"},
    "quota": {"zh": "资源指标", "en": "quota"},
}
"""The three kinds of differentiated measure: C/D firms pay more (收), A/B firms pay less or
are rewarded (减免/奖补), quotas are added or cut (用能、排污指标)."""

INCENTIVE_BASIS_LABELS: LabelTable = {
    "electricity_kwh": {"zh": "用电量", "en": "electricity"},
    "water_m3": {"zh": "用水量", "en": "water"},
    "wastewater_t": {"zh": "污水排放量", "en": "wastewater"},
    "land_m2": {"zh": "用地面积", "en": "land used"},
    "land_owned_m2": {"zh": "自有土地面积", "en": "land held as owner"},
    "land_use_tax": {"zh": "城镇土地使用税", "en": "urban land-use tax"},
    "energy_tce": {"zh": "综合能耗", "en": "energy use"},
    "emissions_eq": {"zh": "排放当量", "en": "emissions"},
    "tax": {"zh": "实缴税收", "en": "tax paid"},
    "firm": {"zh": "按企业", "en": "per firm"},
}
"""What a measure's rate multiplies (``basis`` of ``[[incentives]]``)."""

INCENTIVE_BASIS_UNITS: dict[str, str] = {
    "electricity_kwh": "kwh",
    "water_m3": "m3",
    "wastewater_t": "tonne",
    "land_m2": "m2",
    "land_owned_m2": "m2",
    "land_use_tax": "yuan",
    "energy_tce": "tce",
    "emissions_eq": "eq",
    "tax": "yuan",
    "firm": "firm",
}
"""The :data:`UNITS` key of each basis (a rate is 元 per that unit)."""

INDUSTRY_LABELS: LabelTable = {
    "C13": {"zh": "农副食品加工业", "en": "Agricultural food processing"},
    "C14": {"zh": "食品制造业", "en": "Food manufacturing"},
    "C15": {"zh": "酒、饮料和精制茶制造业", "en": "Liquor, beverages and refined tea"},
    "C17": {"zh": "纺织业", "en": "Textiles"},
    "C18": {"zh": "纺织服装、服饰业", "en": "Textile garments and apparel"},
    "C25": {"zh": "石油加工业", "en": "Petroleum processing"},
    "C26": {"zh": "化学原料和化学制品制造业", "en": "Chemical materials and products"},
    "C27": {"zh": "医药制造业", "en": "Pharmaceuticals"},
    "C28": {"zh": "化学纤维制造业", "en": "Chemical fibres"},
    "C29": {"zh": "橡胶和塑料制品业", "en": "Rubber and plastic products"},
    "C30": {"zh": "非金属矿物制品业", "en": "Non-metallic mineral products"},
    "C31": {"zh": "黑色金属冶炼和压延加工业", "en": "Ferrous metal smelting and rolling"},
    "C32": {"zh": "有色金属冶炼和压延加工业", "en": "Non-ferrous metal smelting and rolling"},
    "C33": {"zh": "金属制品业", "en": "Metal products"},
    "C34": {"zh": "通用设备制造业", "en": "General-purpose machinery"},
    "C35": {"zh": "专用设备制造业", "en": "Special-purpose machinery"},
    "C38": {"zh": "电气机械和器材制造业", "en": "Electrical machinery and equipment"},
    "C39": {"zh": "计算机、通信和其他电子设备制造业", "en": "Computers and electronics"},
    "D44": {"zh": "电力、热力生产和供应业", "en": "Electricity and heat supply"},
    "D45": {"zh": "燃气生产和供应业", "en": "Gas supply"},
    "D46": {"zh": "水的生产和供应业", "en": "Water supply"},
}
"""GB/T 4754 divisions that appear in the demo and the flag tables."""

INDUSTRY_NAMES: dict[str, str] = {code: names["zh"] for code, names in INDUSTRY_LABELS.items()}
"""The Chinese names of :data:`INDUSTRY_LABELS` (what the sheets show beside a code)."""

CODE_LABELS: dict[str, LabelTable] = {
    "class": CLASS_LABELS,
    "flags": FLAG_LABELS,
    "treatment": TREATMENT_LABELS,
    "tier": TIER_LABELS,
    "scale": SCALE_LABELS,
    "severity": SEVERITY_LABELS,
    "change_kind": CHANGE_KIND_LABELS,
    "industry": INDUSTRY_LABELS,
    "incentive_kind": INCENTIVE_KIND_LABELS,
    "incentive_basis": INCENTIVE_BASIS_LABELS,
}
"""The label table of each kind of code (the ``labels`` of a :class:`ColumnLabel`)."""

LAYER_LABELS: LabelTable = {
    "parcel_eval": {"zh": "宗地评价", "en": "Evaluated parcels"},
    "platforms": {"zh": "产业平台", "en": "Platforms"},
    "control_line": {"zh": "工业用地控制线", "en": "Industrial control line"},
    "land_changes": {"zh": "用地调整", "en": "Land changes"},
    "balance_items": {"zh": "改一补一项目", "en": "Conversion-compensation items"},
}
"""The map layers and GeoPackage layers, by table name."""

# --- words every output shares ---------------------------------------------------------------

YES_NO: dict[str, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}
"""How a true and a false value read."""

TOTAL: dict[str, str] = {"zh": "合计", "en": "Total"}
"""The heading of a total column."""

CITY_TOTAL: dict[str, str] = {"zh": "全市合计", "en": "City total"}
"""The name of a city-wide total row."""

MISSING_TEXT = "–"
"""What a missing number shows in the report and on the console (never 0)."""

# --- units and column labels -----------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A unit of measure as each language writes it."""

    zh: str
    en: str


UNITS: dict[str, Unit] = {
    "mu": Unit("亩", "mu"),
    "m2": Unit("平方米", "m²"),
    "wan_yuan": Unit("万元", "10k yuan"),
    "wan_yuan_per_mu": Unit("万元/亩", "10k yuan/mu"),
    "wan_yuan_per_tce": Unit("万元/吨标煤", "10k yuan/tce"),
    "wan_yuan_per_eq": Unit("万元/当量", "10k yuan/eq."),
    "wan_yuan_per_person": Unit("万元/人", "10k yuan/person"),
    "yuan_per_kwh": Unit("元/千瓦时", "yuan/kWh"),
    # 差别化施策: the units of the measures' bases and amounts
    "yuan": Unit("元", "yuan"),
    "kwh": Unit("千瓦时", "kWh"),
    "m3": Unit("立方米", "m³"),
    "tonne": Unit("吨", "t"),
    "tce": Unit("吨标煤", "tce"),
    "eq": Unit("当量", "eq."),
    "firm": Unit("家", "firm"),
}
"""Units of the columns; areas are in 亩 and money in 万元 unless a column says otherwise."""

Kind = Literal[
    "text",  # free text (names, reasons)
    "code",  # a code; shown through ``labels`` when the column has them
    "bool",  # 是/否
    "date",
    "year",
    "count",  # a whole number: parcels, firms, a rank
    "area",  # 亩 or 平方米
    "money",  # 万元
    "per_mu",  # 万元 per 亩
    "intensity",  # any other quantity per unit (万元/吨标煤, 元/千瓦时, …)
    "ratio",  # a ratio shown as it is (floor-area ratio)
    "share",  # a fraction 0–1, shown as a percentage
    "score",
]
KINDS: frozenset[str] = frozenset(get_args(Kind))
NUMBER_KINDS: frozenset[str] = frozenset(
    {"year", "count", "area", "money", "per_mu", "intensity", "ratio", "share", "score"}
)
"""Kinds whose cells are numbers."""
MEASURED_KINDS: frozenset[str] = frozenset({"area", "money", "per_mu", "intensity"})
"""Kinds that have a unit (the others are dimensionless, codes or text)."""


@dataclass(frozen=True)
class ColumnLabel:
    """What a column is called, in what unit, and what kind of values it holds.

    ``labels`` names the :data:`CODE_LABELS` table of a code column that the sheets and
    maps show by label. ``same_as`` names another column this one shares its Chinese label
    with on purpose (the same thing written another way, e.g. the stored Chinese treatment
    name and the treatment label of a sheet).
    """

    zh: str
    en: str
    kind: Kind
    unit: str | None = None
    labels: str | None = None
    same_as: str | None = None

    def name(self, lang: Language = "zh") -> str:
        """The label without its unit."""
        return self.zh if lang == "zh" else self.en

    def unit_text(self, lang: Language = "zh") -> str:
        """The unit as ``lang`` writes it ("" without one)."""
        if self.unit is None:
            return ""
        unit = UNITS[self.unit]
        return unit.zh if lang == "zh" else unit.en

    def header(self, lang: Language = "zh") -> str:
        """The label with its unit: 面积（亩）, Area (mu)."""
        unit = self.unit_text(lang)
        if not unit:
            return self.name(lang)
        return f"{self.zh}（{unit}）" if lang == "zh" else f"{self.en} ({unit})"


def _c(
    zh: str,
    en: str,
    kind: Kind = "text",
    unit: str | None = None,
    *,
    labels: str | None = None,
    same_as: str | None = None,
) -> ColumnLabel:
    return ColumnLabel(zh, en, kind, unit, labels, same_as)


COLUMNS: dict[str, ColumnLabel] = {
    # parcels
    "parcel_id": _c("宗地代码", "Parcel code", "code"),
    "county_code": _c("行政区划代码", "County code", "code"),
    "county_name": _c("县（市、区）", "County"),
    "area_m2": _c("面积", "Area", "area", "m2"),
    "area_mu": _c("面积", "Area", "area", "mu", same_as="area_m2"),
    "land_use": _c("现状用途", "Current use", "code"),
    "planned_use": _c("规划用途", "Planned use", "code"),
    "built_year": _c("建成年份", "Built year", "year"),
    "platform_id": _c("平台编号", "Platform id", "code"),
    "platform_name": _c("平台", "Platform"),
    "tier": _c("平台层级", "Platform tier", "code", labels="tier"),
    "platform_share": _c("平台内面积比例", "Share inside platform", "share"),
    "control_share": _c("控制线内面积比例", "Share inside control line", "share"),
    "inside_line": _c("位于工业用地控制线内", "Inside industrial control line", "bool"),
    "inside_line_mu": _c("控制线内面积", "Area inside control line", "area", "mu"),
    "outside_line_mu": _c("控制线外面积", "Area outside control line", "area", "mu"),
    "straddling": _c("跨控制线", "Straddles control line", "bool"),
    "main_uscc": _c("主要用地企业统一社会信用代码", "Main occupant USCC", "code"),
    "main_name": _c("主要用地企业", "Main occupant"),
    "occupant_names": _c("全部用地企业", "All occupants"),
    "n_occupants": _c("用地企业数", "Occupants", "count"),
    "industry": _c("行业", "Industry", "code", labels="industry"),
    "industry_code": _c("行业代码", "Industry code", "code"),
    "class": _c("评价类别", "Class", "code", labels="class"),
    "tax_per_mu": _c("亩均税收", "Tax per mu", "per_mu", "wan_yuan_per_mu"),
    "va_per_mu": _c("亩均增加值", "Value added per mu", "per_mu", "wan_yuan_per_mu"),
    "county_tax_per_mu": _c("县亩均税收", "County tax per mu", "per_mu", "wan_yuan_per_mu"),
    "far": _c("容积率", "Floor-area ratio", "ratio"),
    "far_source": _c("容积率来源", "FAR source", "code"),
    "far_min": _c("容积率标准", "FAR minimum", "ratio"),
    "coverage": _c("建筑系数", "Building coverage", "share"),
    "vacant_share": _c("空置比例", "Vacant share", "share"),
    "flags": _c("低效标识代码", "Flag codes", "code"),
    "flag_names": _c("低效标识", "Low-efficiency flags", "code", labels="flags"),
    "flags_zh": _c("低效标识", "Flags (Chinese)", same_as="flag_names"),
    "matched_flags": _c("决定处置的标识", "Deciding flags", "code"),
    "treatment": _c("处置代码", "Treatment code", "code"),
    "treatment_name": _c("处置方式", "Treatment", "code", labels="treatment"),
    "treatment_zh": _c("处置方式", "Treatment (Chinese)", same_as="treatment_name"),
    "rule": _c("处置规则", "Rule", "code"),
    "reason_zh": _c("处置理由", "Reason"),
    "notes_zh": _c("备注", "Notes (Chinese)"),
    "must_stay_industrial": _c("须保持工业用途", "Must stay industrial", "bool"),
    "tax": _c("税收", "Tax", "money", "wan_yuan"),
    "value_added": _c("工业增加值", "Value added", "money", "wan_yuan"),
    # platforms, control line, land changes
    "name": _c("名称", "Name"),
    "kind": _c("类型", "Kind"),
    "line_id": _c("控制线编号", "Line id", "code"),
    "change_id": _c("调整编号", "Change id", "code"),
    "approved_on": _c("批准日期", "Approved on", "date"),
    "parcels": _c("宗数", "Parcels", "count"),
    "class_mix": _c("分类面积", "Area by class"),
    "low_eff_area_mu": _c("低效用地面积", "Low-efficiency area", "area", "mu"),
    "va_cagr": _c("增加值年均增速", "Value added growth a year", "share"),
    "meets_target": _c("达到增速目标", "Meets target", "bool"),
    # 改一补一 items and ledger
    "item_id": _c("项目编号", "Item id", "code"),
    "source": _c("来源", "Source", "code"),
    "change_kind": _c("类型", "Kind", "code", labels="change_kind", same_as="kind"),
    "counted_mu": _c("计入面积", "Counted", "area", "mu"),
    "counted": _c("是否计入", "Counted", "bool"),
    "why_not_counted": _c("未计入原因", "Why not counted"),
    "converted_mu": _c("转出面积", "Converted", "area", "mu"),
    "converted_parcels_mu": _c("其中：功能转型宗地", "of which parcels", "area", "mu"),
    "converted_changes_mu": _c("其中：用地调整", "of which land changes", "area", "mu"),
    "compensated_mu": _c("补充面积", "Compensated", "area", "mu"),
    "balance_mu": _c("差额", "Balance", "area", "mu"),
    "balanced": _c("是否平衡", "Balanced", "bool"),
    "decisive": _c("考核口径", "Decisive", "bool"),
    # firms
    "uscc": _c("统一社会信用代码", "USCC", "code"),
    "firm_name": _c("企业名称", "Firm"),
    "scale": _c("规模", "Scale", "code", labels="scale"),
    "land_mu": _c("用地", "Land", "area", "mu"),
    "va_per_energy": _c(
        "单位能耗增加值", "Value added per energy", "intensity", "wan_yuan_per_tce"
    ),
    "va_per_emission": _c(
        "单位排放增加值", "Value added per emission", "intensity", "wan_yuan_per_eq"
    ),
    "va_per_employee": _c(
        "全员劳动生产率", "Value added per employee", "intensity", "wan_yuan_per_person"
    ),
    "rd_intensity": _c("研发投入强度", "R&D intensity", "share"),
    "tax_per_kwh_yuan": _c(
        "单位电耗税收", "Tax per unit of electricity", "intensity", "yuan_per_kwh"
    ),
    "score": _c("得分", "Score", "score"),
    "rank": _c("组内排名", "Rank in group", "count"),
    "n_in_group": _c("组内企业数", "Firms in group", "count"),
    "n_firms": _c("企业数", "Firms", "count"),
    "firm_class": _c("类别", "Class", "code"),
    "class_label": _c("类别说明", "Class meaning"),
    "class_reason": _c("评价说明", "Class note"),
    "veto_reason": _c("负面清单原因", "Negative-list reason"),
    "share": _c("占比", "Share", "share"),
    # 差别化施策 (firm_incentives, incentive_totals); a basis value, a rate and a quota are
    # in the unit their row names (basis_unit, unit), so they are shown as they are
    "applies_year": _c("执行年度", "Applies in", "year"),
    "incentive_code": _c("措施代码", "Measure code", "code"),
    "incentive_label": _c("施策措施", "Measure"),
    "incentive_kind": _c("措施类型", "Measure kind", "code", labels="incentive_kind"),
    "basis": _c("计费依据", "Basis", "code", labels="incentive_basis"),
    "basis_value": _c("依据数量", "Basis value", "ratio"),
    "basis_unit": _c("依据单位", "Basis unit"),
    "rate": _c("费率", "Rate", "ratio"),
    "amount": _c("数额", "Amount", "ratio"),
    "unit": _c("数额单位", "Amount unit"),
    "amount_yuan": _c("金额", "Amount", "money", "yuan"),
    "amount_wan_yuan": _c("金额", "Amount", "money", "wan_yuan", same_as="amount_yuan"),
    "refundable": _c("可退还", "Refundable", "bool"),
    "refund_condition": _c("退还条件", "Refund condition"),
    "consecutive_years": _c("连续年数", "Years running", "count"),
    "incentive_note": _c("费率来源及说明", "Rate source and note"),
    "n_subject": _c("适用企业数", "Firms subject", "count"),
    "n_with_amount": _c("已计金额企业数", "Firms with an amount", "count"),
    "n_missing": _c("缺计费依据企业数", "Firms missing the basis", "count"),
    "complete": _c("金额完整", "Amount complete", "bool"),
    # data-quality findings
    "severity": _c("严重程度", "Severity", "code", labels="severity"),
    "finding_code": _c("问题代码", "Code", "code"),
    "layer": _c("图层/表", "Layer or table", "code"),
    "row_id": _c("行标识", "Row"),
    "field": _c("字段", "Field", "code"),
    "message": _c("问题说明", "Message"),
    "suggestion": _c("处理建议", "Suggestion"),
}
"""Every column an output shows, by key: its label, unit and kind.

A key is the canonical column name, or, where an output shows a column another way, the
name of that presentation (``industry``: the industry code with its name; ``flag_names``:
the flags as words; ``treatment_name``: the treatment's label; ``firm_class``: a firm's
class code; ``finding_code``: a finding's code; ``change_kind``: a 改一补一 item's kind)."""


def column_header(key: str, lang: Language = "zh") -> str:
    """The header of column ``key`` in ``lang`` (label and unit); the key when unknown."""
    column = COLUMNS.get(key)
    return column.header(lang) if column is not None else key


def label(table: LabelTable, code: str, lang: Language = "zh") -> str:
    """The label of ``code`` in ``lang``; the code itself when it has none."""
    entry = table.get(code)
    return entry[lang] if entry else code


# --- land-use codes ---------------------------------------------------------------------------

LAND_USE_LABELS: LabelTable = {
    # 国土空间调查、规划、用途管制用地用海分类指南 (2023): land, first and second level, and
    # the third level of the uses industrial land is converted from and to
    "01": {"zh": "耕地", "en": "Cropland"},
    "02": {"zh": "园地", "en": "Orchard land"},
    "03": {"zh": "林地", "en": "Forest land"},
    "04": {"zh": "草地", "en": "Grassland"},
    "05": {"zh": "湿地", "en": "Wetland"},
    "06": {"zh": "农业设施建设用地", "en": "Agricultural facility land"},
    "07": {"zh": "居住用地", "en": "Residential land"},
    "0701": {"zh": "城镇住宅用地", "en": "Urban housing land"},
    "0702": {"zh": "城镇社区服务设施用地", "en": "Urban community service land"},
    "0703": {"zh": "农村宅基地", "en": "Rural homestead land"},
    "0704": {"zh": "农村社区服务设施用地", "en": "Rural community service land"},
    "08": {"zh": "公共管理与公共服务用地", "en": "Public administration and service land"},
    "0801": {"zh": "机关团体用地", "en": "Government and organisation land"},
    "0802": {"zh": "科研用地", "en": "Research land"},
    "0803": {"zh": "文化用地", "en": "Cultural land"},
    "0804": {"zh": "教育用地", "en": "Education land"},
    "0805": {"zh": "体育用地", "en": "Sports land"},
    "0806": {"zh": "医疗卫生用地", "en": "Health care land"},
    "0807": {"zh": "社会福利用地", "en": "Social welfare land"},
    "09": {"zh": "商业服务业用地", "en": "Commercial and service land"},
    "0901": {"zh": "商业用地", "en": "Commercial land"},
    "0902": {"zh": "商务金融用地", "en": "Business and finance land"},
    "0903": {"zh": "娱乐康体用地", "en": "Recreation and fitness land"},
    "0904": {"zh": "其他商业服务业用地", "en": "Other commercial service land"},
    "10": {"zh": "工矿用地", "en": "Industrial and mining land"},
    "1001": {"zh": "工业用地", "en": "Industrial land"},
    "100101": {"zh": "一类工业用地", "en": "Class-1 industrial land"},
    "100102": {"zh": "二类工业用地", "en": "Class-2 industrial land"},
    "100103": {"zh": "三类工业用地", "en": "Class-3 industrial land"},
    "1002": {"zh": "采矿用地", "en": "Mining land"},
    "1003": {"zh": "盐田", "en": "Salt pans"},
    "11": {"zh": "仓储用地", "en": "Warehousing land"},
    "1101": {"zh": "物流仓储用地", "en": "Logistics and warehousing land"},
    "110101": {"zh": "一类物流仓储用地", "en": "Class-1 logistics and warehousing land"},
    "110102": {"zh": "二类物流仓储用地", "en": "Class-2 logistics and warehousing land"},
    "110103": {"zh": "三类物流仓储用地", "en": "Class-3 logistics and warehousing land"},
    "1102": {"zh": "储备库用地", "en": "Reserve depot land"},
    "12": {"zh": "交通运输用地", "en": "Transport land"},
    "13": {"zh": "公用设施用地", "en": "Public utility land"},
    "14": {"zh": "绿地与开敞空间用地", "en": "Green and open space land"},
    "1401": {"zh": "公园绿地", "en": "Parks"},
    "1402": {"zh": "防护绿地", "en": "Protective green land"},
    "1403": {"zh": "广场用地", "en": "Squares"},
    "15": {"zh": "特殊用地", "en": "Special-use land"},
    "16": {"zh": "留白用地", "en": "Reserved land"},
    "17": {"zh": "陆地水域", "en": "Inland water"},
    "23": {"zh": "其他土地", "en": "Other land"},
    # legacy 城市用地分类 (GB 50137-2011) codes that old records still carry, and M0
    "M": {"zh": "工业用地", "en": "Industrial land (legacy M)"},
    "M0": {"zh": "新型产业用地", "en": "New-type industrial land (M0)"},
    "M1": {"zh": "一类工业用地", "en": "Class-1 industrial land (legacy M1)"},
    "M2": {"zh": "二类工业用地", "en": "Class-2 industrial land (legacy M2)"},
    "M3": {"zh": "三类工业用地", "en": "Class-3 industrial land (legacy M3)"},
    "W": {"zh": "物流仓储用地", "en": "Logistics and warehousing land (legacy W)"},
    "R": {"zh": "居住用地", "en": "Residential land (legacy R)"},
    "B": {"zh": "商业服务业设施用地", "en": "Commercial and service land (legacy B)"},
    "B1": {"zh": "商业用地", "en": "Commercial land (legacy B1)"},
    "A": {"zh": "公共管理与公共服务设施用地", "en": "Public service land (legacy A)"},
    "G": {"zh": "绿地与广场用地", "en": "Green land and squares (legacy G)"},
}
"""Names of land-use codes: the current national classification and the legacy codes."""

_LONGEST_LAND_USE = max(len(code) for code in LAND_USE_LABELS)


def land_use_label(code: object, lang: Language = "zh") -> str | None:
    """The name of a land-use code by its longest known prefix; None when none is known.

    A code more detailed than the table (a local fourth level, 10010101) takes the name of
    the class it belongs to.

    Examples
    --------
    >>> land_use_label("1001"), land_use_label("10010199"), land_use_label(" m0 ")
    ('工业用地', '一类工业用地', '新型产业用地')
    >>> land_use_label("9999") is None
    True
    """
    if not isinstance(code, str):
        return None
    text = code.strip().upper()
    for n in range(min(len(text), _LONGEST_LAND_USE), 0, -1):
        entry = LAND_USE_LABELS.get(text[:n])
        if entry is not None:
            return entry[lang]
    return None


# --- counties ---------------------------------------------------------------------------------

SHAOXING_COUNTIES: dict[str, str] = {
    "330602": "越城区",
    "330603": "柯桥区",
    "330604": "上虞区",
    "330624": "新昌县",
    "330681": "诸暨市",
    "330683": "嵊州市",
}
"""Current county-level units of Shaoxing (绍兴市), code → name: the defaults of
``[project.counties]``. At run time the project's configuration is what counts."""

SHAOXING_LEGACY_COUNTIES: dict[str, str] = {
    "330621": "绍兴县",
    "330682": "上虞市",
}
"""Legacy Shaoxing codes that still appear in older records (绍兴县 is now 柯桥区, 上虞市
上虞区): the defaults of ``[project.legacy_counties]``, accepted with a note."""

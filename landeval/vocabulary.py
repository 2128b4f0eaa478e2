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
  configuration is what a run uses);
- the bureau's review (DESIGN §10): final treatments with 暂缓 (:data:`DECISION_ORDER`),
  进展, where a decision came from, and the sheets, notes and console words of review.xlsx.

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

DEFER = "DEFER"
"""The final treatment of a parcel the bureau deferred (复核结论 暂缓): still listed.

Only a review decides it; no rule proposes it, so it is not in :data:`TREATMENT_ORDER`."""

DECISION_ORDER: tuple[str, ...] = ("REBUILD", "UPGRADE", "CONVERT", "EXIT", DEFER, KEEP)
"""Final treatments (the bureau's decisions) in the order outputs list them.

The four treatments in the policy's order, then 暂缓 (a deferred parcel stays on the list,
after the four), then 保留. The review's drop-down of 复核结论 offers them in this order."""

CITY = "city"
"""The region code of a city-wide row (ledger, trends, summaries)."""

# --- code labels ---------------------------------------------------------------------------

CLASS_LABELS: LabelTable = {
    "A": {"zh": "A类 优先发展类", "en": "A develop first"},
    "B": {"zh": "B类 提升发展类", "en": "B develop and improve"},
    "C": {"zh": "C类 调控帮扶类", "en": "C regulate and assist"},
    "D": {"zh": "D类 倒逼整治类", "en": "D pressed to rectify"},
    "T": {"zh": "不参评", "en": "not evaluated"},
}
"""Firm classes (DESIGN §5). The names do not collide with a treatment's (整治提升 is a
treatment, not a class)."""

INCOMPLETE_DATA_ZH = "数据不全"
"""The class reason of a firm-year whose known indicators carry under half its weight."""

FLAG_LABELS: LabelTable = {
    "FAR_LOW": {"zh": "容积率低于行业标准", "en": "floor-area ratio below industry minimum"},
    "COVERAGE_LOW": {"zh": "建筑系数低于标准", "en": "building coverage below minimum"},
    "TAX_LOW": {"zh": "亩均税收偏低", "en": "tax per mu well below the county benchmark"},
    "TAX_FLOOR": {"zh": "亩均税收低于底线", "en": "tax per mu below the floor"},
    "CLASS_C": {"zh": "C类企业用地", "en": "class C occupant"},
    "CLASS_D": {"zh": "D类企业用地", "en": "class D occupant"},
    "CLASS_D_TWICE": {"zh": "连续两年D类", "en": "class D two years running"},
    "CLASS_D_3Y": {"zh": "连续三年D类", "en": "class D three years running"},
    "STOPPED": {"zh": "停产", "en": "production stopped"},
    "IDLE_LAND": {"zh": "闲置土地", "en": "idle land (not developed as contracted)"},
    "VACANT": {"zh": "空置率高", "en": "mostly vacant"},
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

TREATMENT_COLORS: dict[str, str] = {
    "REBUILD": "#2c7bb6",
    "UPGRADE": "#fdae61",
    "CONVERT": "#7b3294",
    "EXIT": "#d7191c",
    KEEP: "#b7c9a8",
}
"""The legend colour of each treatment, in maps and report alike: four hues far apart
(拆除重建 blue, 整治提升 orange, 功能转型 purple, 关停退出 red), 保留 a quiet green-grey."""

CLASS_COLORS: dict[str, str] = {
    "A": "#1a9641",
    "B": "#a6d96a",
    "C": "#fdae61",
    "D": "#d7191c",
    "T": "#9e9ac8",
}
"""The legend colour of each firm class (A best, green, to D, red; T not evaluated)."""

# --- the bureau's review (DESIGN §10) ---

DECISION_LABELS: LabelTable = {
    **{code: TREATMENT_LABELS[code] for code in TREATMENT_ORDER if code != KEEP},
    DEFER: {"zh": "暂缓", "en": "Deferred"},
    KEEP: TREATMENT_LABELS[KEEP],
}
"""Final treatments (复核结论) in :data:`DECISION_ORDER`: the four, 暂缓, 保留."""

PROGRESS_LABELS: LabelTable = {
    "NOT_STARTED": {"zh": "未启动", "en": "Not started"},
    "IN_PROGRESS": {"zh": "推进中", "en": "In progress"},
    "BLOCKED": {"zh": "受阻", "en": "Blocked"},
    "ACCEPTED": {"zh": "已验收", "en": "Accepted"},
    "CLOSED": {"zh": "已销号", "en": "Closed"},
}
"""进展 of a decided parcel, in the order of the process (only 已验收 and 已销号 close it)."""

MAP_MARKS: LabelTable = {
    "OVERRIDDEN": {
        "zh": "复核改变了建议（粗黑边）",
        "en": "Review changed the proposal (heavy outline)",
    },
}
"""Marks drawn over the treatment colours on the treatment map, as its legend names them."""

DECISION_SOURCE_LABELS: LabelTable = {
    "review": {"zh": "复核", "en": "review"},
    "proposal": {"zh": "系统建议", "en": "proposal"},
}
"""Where a final treatment or a final class comes from: the review, or the machine."""

REVIEW_STATUS_LABELS: LabelTable = {
    "ON_LIST": {"zh": "在本年清单", "en": "on this year's list"},
    "OFF_LIST": {
        "zh": "已不在本年清单（保留复核记录）",
        "en": "no longer on the list (review kept)",
    },
    "UNKNOWN_PARCEL": {
        "zh": "宗地代码不在本年数据中（保留复核记录）",
        "en": "parcel code not in this year's data (review kept)",
    },
    "UNKNOWN_FIRM": {
        "zh": "企业不在本年评价结果中（保留复核记录）",
        "en": "firm not in this year's evaluation (review kept)",
    },
    "STALE": {
        "zh": "复核后数据已变化，请重新核查",
        "en": "data changed since the review: look again",
    },
}
"""What landeval says about a row of the review workbook (column 清单状态)."""

REVIEW_CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
"""The classes a 调档 may set (不参评 is not a class a bureau assigns)."""

# --- year over year (DESIGN §11) ---

LIST_STATUS_LABELS: LabelTable = {
    "CLOSED": {"zh": "已销号", "en": "Closed"},
    "ACCEPTED": {"zh": "已验收", "en": "Accepted"},
    "SUSPECTED_DONE": {"zh": "疑似完成", "en": "Looks done (not accepted)"},
    "IN_PROGRESS": PROGRESS_LABELS["IN_PROGRESS"],
    "BLOCKED": PROGRESS_LABELS["BLOCKED"],
    "NOT_STARTED": PROGRESS_LABELS["NOT_STARTED"],
}
"""Where an item of last year's action list stands (list_progress), most advanced first:
only the review closes an item (已销号, 已验收); 疑似完成 is what the data say."""

CLOSED_LIST_STATUSES: tuple[str, ...] = ("CLOSED", "ACCEPTED")
"""The statuses that close an item: its land counts as 盘活."""

MATCH_LABELS: LabelTable = {
    "code": {"zh": "宗地代码相同", "en": "same code"},
    "recode": {"zh": "代码变更（图形相同）", "en": "new code, same land"},
    "split": {"zh": "分割", "en": "split"},
    "merge": {"zh": "合并", "en": "merged"},
    "none": {"zh": "未匹配", "en": "not matched"},
}
"""How a parcel is matched to last year's: by its 宗地代码, else by geometry overlap."""

MONITOR_LEVEL_LABELS: LabelTable = {
    "firm": {"zh": "企业", "en": "firm"},
    "parcel": {"zh": "宗地", "en": "parcel"},
    CITY: {"zh": "全市", "en": "city"},
    "county": {"zh": "县（市、区）", "en": "county"},
    "platform": {"zh": "平台", "en": "platform"},
}
"""The levels of the year-over-year tables: what moved (firm, parcel) or the region."""

TARGET_LABELS: LabelTable = {
    "VA_PER_MU": {"zh": "规上亩均增加值", "en": "Value added per mu, above scale"},
    "LABOUR_PRODUCTIVITY": {
        "zh": "规上全员劳动生产率",
        "en": "Value added per employee, above scale",
    },
    "RD_INTENSITY": {"zh": "研发费用占营业收入比例", "en": "R&D expense / revenue"},
    "MICRO_PARKS": {"zh": "省级认定小微园", "en": "Accredited small-firm parks"},
    "REVITALISATION": {"zh": "低效用地盘活", "en": "Low-efficiency land put to use"},
}
"""The 4151 plan's targets tracked to 2026 (``[targets]``), in the order outputs list them."""

TARGET_UNITS: dict[str, str | None] = {
    "VA_PER_MU": "wan_yuan_per_mu",
    "LABOUR_PRODUCTIVITY": "wan_yuan_per_person",
    "RD_INTENSITY": None,  # a share, shown as a percentage
    "MICRO_PARKS": "park",
    "REVITALISATION": "mu",
}
"""The :data:`UNITS` key of each target's values (None: a share)."""

COMPARISON_LABELS: LabelTable = {
    "reported": {"zh": "当年口径", "en": "as reported"},
    "same_firms": {"zh": "同口径", "en": "same firms"},
}
"""How per-mu figures are compared year on year: every evaluated firm of each year (当年口径)
or only the firms evaluated in both years (同口径)."""

PROGRESS_SOURCE_LABELS: LabelTable = {
    "this_year": {"zh": "本年复核", "en": "this year's review"},
    "last_year": {"zh": "上年复核", "en": "last year's review"},
}
"""Which review the latest 进展 of an item comes from."""

TIER_LABELS: LabelTable = {
    "2": {"zh": "战略平台", "en": "strategic platform"},
    "6": {"zh": "骨干平台", "en": "backbone platform"},
    "N": {"zh": "小微/特色平台", "en": "small platform"},
}

FIRM_ACTION_LABELS: LabelTable = {
    "VACATE": {"zh": "腾退", "en": "vacate"},
    "RECTIFY": {"zh": "整改", "en": "rectify"},
}
"""What a firm on a parcel must do when its own flags do not decide the parcel (企业处置,
DESIGN §6): 腾退 for VETO, PHASE_OUT, CLASS_D_3Y; 整改 for the D and C classes."""

PATH_LABELS: LabelTable = {
    "IDLE_FEE": {"zh": "征收闲置费", "en": "charge the idle-land fee"},
    "IDLE_RECOVER": {"zh": "无偿收回", "en": "take back without compensation"},
    "STOPPED_DISPOSAL": {
        "zh": "协议收回、收储、兼并重组、司法处置或改建小微园",
        "en": "buy back, land bank, merger, court sale or conversion to a small-firm park",
    },
    "CLOSE_VACATE": {"zh": "关停腾退", "en": "close and vacate"},
    "REDEVELOP": {
        "zh": "二次开发（权利人自主）或收储后再出让",
        "en": "redevelopment by the owner, or land-banking and resale",
    },
    "RECTIFY_DEADLINE": {"zh": "限期整改", "en": "rectify within a deadline"},
    "ZERO_LAND_RENOVATION": {
        "zh": "零增地技改（加层、扩建）",
        "en": "renovation without new land (add floors, extend)",
    },
    "SELF_RENOVATION": {"zh": "企业自主改造", "en": "renovation by the firm"},
    "USE_CHANGE": {
        "zh": "用途调整（按改一补一办理）",
        "en": "change of use (with its compensation item)",
    },
}
"""Suggested paths (处置路径, DESIGN §6) by code; ``[[paths]]`` in the configuration picks one
per treatment and deciding flag."""

CLOSED_STATUS_LABELS: LabelTable = {
    "停业": {"zh": "停业", "en": "suspended"},
    "注销": {"zh": "注销", "en": "deregistered"},
    "吊销": {"zh": "吊销", "en": "licence revoked"},
}
"""Firm statuses a parcel shows in place of its class when its main occupant has closed."""

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

ITEM_SOURCE_LABELS: LabelTable = {
    "parcel": {"zh": "功能转型宗地", "en": "parcel to change use"},
    "land_change": {"zh": "用地调整项目", "en": "land change"},
}
"""Where a 改一补一 item comes from: a parcel the list converts, or a land change."""

ITEM_STATUS_LABELS: LabelTable = {
    "approved": {"zh": "已批准", "en": "approved"},
    "proposed": {"zh": "拟议（未批准）", "en": "proposed (not approved)"},
}
"""Whether a 改一补一 item is approved (counted in the ledger) or only proposed."""

SCOPE_LABELS: LabelTable = {
    "county": {"zh": "各县（市、区）分别平衡", "en": "each county balances"},
    "city": {"zh": "全市统筹平衡", "en": "the city balances as a whole"},
}
"""The scope of the 改一补一 balance (``[balance] scope``)."""

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
    "C20": {"zh": "木材加工和木、竹、藤、棕、草制品业", "en": "Wood processing"},
    "C21": {"zh": "家具制造业", "en": "Furniture"},
    "C22": {"zh": "造纸和纸制品业", "en": "Paper and paper products"},
    "C23": {"zh": "印刷和记录媒介复制业", "en": "Printing and recording media"},
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
    "C36": {"zh": "汽车制造业", "en": "Motor vehicles"},
    "C37": {
        "zh": "铁路、船舶、航空航天和其他运输设备制造业",
        "en": "Railway, ship, aerospace and other transport equipment",
    },
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
    "firm_action": FIRM_ACTION_LABELS,
    "path": PATH_LABELS,
    "closed_status": CLOSED_STATUS_LABELS,
    "item_source": ITEM_SOURCE_LABELS,
    "item_status": ITEM_STATUS_LABELS,
    "scope": SCOPE_LABELS,
    "layers": {},  # filled below: LAYER_LABELS
    "land_use": {},  # filled below: LAND_USE_LABELS, looked up by prefix (land_use_label)
    "decision": DECISION_LABELS,
    "progress": PROGRESS_LABELS,
    "decision_source": DECISION_SOURCE_LABELS,
    "review_status": REVIEW_STATUS_LABELS,
    "incentive_kind": INCENTIVE_KIND_LABELS,
    "incentive_basis": INCENTIVE_BASIS_LABELS,
    "list_status": LIST_STATUS_LABELS,
    "match": MATCH_LABELS,
    "monitor_level": MONITOR_LEVEL_LABELS,
    "target": TARGET_LABELS,
    "comparison": COMPARISON_LABELS,
    "progress_source": PROGRESS_SOURCE_LABELS,
}
"""The label table of each kind of code (the ``labels`` of a :class:`ColumnLabel`)."""

LAYER_LABELS: LabelTable = {
    "parcel_eval": {"zh": "宗地评价", "en": "Evaluated parcels"},
    "platforms": {"zh": "产业平台", "en": "Platforms"},
    "control_line": {"zh": "工业用地控制线", "en": "Industrial control line"},
    "land_changes": {"zh": "用地调整", "en": "Land changes"},
    "balance_items": {"zh": "改一补一项目", "en": "Conversion-compensation items"},
    "boundaries": {"zh": "县（市、区）界", "en": "County boundaries"},
    "parcels": {"zh": "宗地图层", "en": "Parcels"},
    "firms": {"zh": "企业名录", "en": "Firm register"},
    "firm_tax": {"zh": "税务数据", "en": "Tax table"},
    "firm_output": {"zh": "统计产出数据", "en": "Output table"},
    "occupancy": {"zh": "用地关系", "en": "Occupancy table"},
    "veto": {"zh": "负面清单", "en": "Negative list"},
    "config": {"zh": "项目配置", "en": "Project configuration"},
    "previous": {"zh": "上年评价结果", "en": "Last year's output"},
}
"""The map and GeoPackage layers and the input tables, by table name (findings name them)."""
CODE_LABELS["layers"] = LAYER_LABELS

# --- words every output shares ---------------------------------------------------------------

YES_NO: dict[str, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}
"""How a true and a false value read."""

YES_NO_CODES: tuple[str, str] = ("yes", "no")
"""The codes of a yes/no cell a person fills (认定, 企业确认) once read, before booleans."""

TOTAL: dict[str, str] = {"zh": "合计", "en": "Total"}
"""The heading of a total column."""

CITY_TOTAL: dict[str, str] = {"zh": "全市合计", "en": "City total"}
"""The name of a city-wide total row."""

CITY_NAME: dict[str, str] = {"zh": "全市", "en": "City"}
"""How a city-wide row (region code :data:`CITY`) is named beside the counties."""

NO_OCCUPANT: dict[str, str] = {"zh": "（无在册用地企业）", "en": "(no occupant on record)"}
"""What the firm column of a parcel with no occupant on record shows."""

CHECK_RESULTS: dict[str, tuple[str, ...]] = {
    "zh": ("属实", "不属实", "待核实"),
    "en": ("confirmed", "not confirmed", "to check"),
}
"""The drop-down list of the 核实结论 column of the action sheets."""

FIX_STATES: dict[str, tuple[str, ...]] = {
    "zh": ("待处理", "已修正", "无需处理"),
    "en": ("open", "fixed", "no action"),
}
"""The drop-down list of the 处理情况 column of the 数据问题 sheet."""

DATA_ATTRIBUTION: dict[str, str] = {
    "zh": "县界 © OpenStreetMap contributors (ODbL), via geoBoundaries",
    "en": "County boundaries © OpenStreetMap contributors (ODbL), via geoBoundaries",
}
"""The attribution the maps show when they draw the county boundaries landeval ships."""

SYNTHETIC_NOTE: dict[str, str] = {
    "zh": "示例数据：本报告的企业、宗地和数字均为合成数据，不代表绍兴市实际情况",
    "en": "Demo data: firms, parcels and figures are synthetic and describe no real city",
}
"""The mark on outputs made from the embedded demo."""

NO_CLASS: dict[str, str] = {"zh": "无", "en": "none"}
"""A firm or parcel without a class that year (not evaluated or not there), in a
transition matrix (DESIGN §11)."""

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
    "kwh": Unit("千瓦时", "kWh"),
    "tce": Unit("吨标煤", "tce"),
    "eq": Unit("当量", "eq."),
    # 差别化施策: the units of the measures' bases and amounts
    "yuan": Unit("元", "yuan"),
    "m3": Unit("立方米", "m³"),
    "tonne": Unit("吨", "t"),
    "firm": Unit("家", "firm"),
    "park": Unit("家", "parks"),
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
    "land_use": _c("现状用途", "Current use", "code", labels="land_use"),
    "planned_use": _c("规划用途", "Planned use", "code", labels="land_use"),
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
    "matched_flags": _c("决定处置的标识", "Deciding flags", "code", labels="flags"),
    "treatment": _c("处置代码", "Treatment code", "code"),
    "treatment_name": _c("处置方式", "Treatment", "code", labels="treatment"),
    "treatment_zh": _c("处置方式", "Treatment (Chinese)", same_as="treatment_name"),
    "rule": _c("处置规则", "Rule", "code"),
    "reason_zh": _c("处置理由", "Reason"),
    "notes_zh": _c("备注", "Notes (Chinese)"),
    "must_stay_industrial": _c("须保持工业用途", "Must stay industrial", "bool"),
    "tax": _c("税收", "Tax", "money", "wan_yuan"),
    "value_added": _c("工业增加值", "Value added", "money", "wan_yuan"),
    # firm-year amounts of the input tables (the findings name them)
    "electricity_kwh": _c("用电量", "Electricity", "intensity", "kwh"),
    "revenue": _c("营业收入", "Revenue", "money", "wan_yuan"),
    "rd_expense": _c("研发费用", "R&D expense", "money", "wan_yuan"),
    "energy_tce": _c("综合能耗", "Energy use", "intensity", "tce"),
    "emissions_eq": _c("排放当量", "Emissions", "intensity", "eq"),
    "employees": _c("年平均职工人数", "Employees", "count"),
    # parcels: registry fields carried, data completeness, paths, firm actions (DESIGN §5–6)
    "location": _c("坐落", "Location"),
    "township": _c("乡镇（街道）", "Township"),
    "title_no": _c("不动产权证号", "Title number", "code"),
    "owner_names": _c("权利人", "Holders (own)"),
    "user_names": _c("使用人", "Users (lease)"),
    "status": _c("企业状态", "Firm status", "code"),
    "known_share": _c("数据完整面积比例", "Share with known figures", "share"),
    "needs_check": _c("需核实", "Needs checking", "bool"),
    "check_reason_zh": _c("核实原因", "Why to check"),
    "path_code": _c("处置路径代码", "Path code", "code"),
    "path_name": _c("建议处置路径", "Suggested path", "code", labels="path"),
    "path_zh": _c("建议处置路径", "Suggested path (Chinese)", same_as="path_name"),
    "capacity_potential": _c("增容潜力", "Room to add floors", "bool"),
    "firm_actions_zh": _c("企业处置情况", "Firm actions on the parcel"),
    "contract_start_date": _c("约定动工日期", "Contracted start", "date"),
    "actual_start_date": _c("实际动工日期", "Actual start", "date"),
    "contract_completion_date": _c("约定竣工日期", "Contracted completion", "date"),
    "developed_share": _c("开发比例", "Developed share", "share"),
    "contract_tax_per_mu": _c("约定亩均税收", "Contracted tax per mu", "per_mu", "wan_yuan_per_mu"),
    "contract_investment_per_mu": _c(
        "约定亩均投资强度", "Contracted investment per mu", "per_mu", "wan_yuan_per_mu"
    ),
    "gov_delay": _c("政府原因延期", "Delay caused by government", "text"),
    "idle_years": _c("闲置年限", "Years idle", "ratio"),
    # firm actions (企业处置)
    "action": _c("企业处置代码", "Firm action code", "code"),
    "action_name": _c("企业处置", "Firm action", "code", labels="firm_action"),
    "action_zh": _c("企业处置", "Firm action (Chinese)", same_as="action_name"),
    "parcel_share": _c("占宗地面积比例", "Share of the parcel", "share"),
    "flag": _c("决定标识", "Deciding flag", "code", labels="flags"),
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
    "source": _c("来源", "Source", "code", labels="item_source"),
    "change_kind": _c("类型", "Kind", "code", labels="change_kind", same_as="kind"),
    "counted_mu": _c("计入面积", "Counted", "area", "mu"),
    "counted": _c("是否计入", "Counted", "bool"),
    "why_not_counted": _c("未计入原因", "Why not counted"),
    "converted_mu": _c("转出面积", "Converted", "area", "mu"),
    "compensated_mu": _c("补充面积", "Compensated", "area", "mu"),
    "balance_mu": _c("差额", "Balance", "area", "mu"),
    "balanced": _c("是否平衡", "Balanced", "bool"),
    "decisive": _c("考核口径", "Decisive", "bool"),
    "proposed_mu": _c("拟改面积", "Proposed conversion", "area", "mu"),
    "proposed_supplement_mu": _c("拟补面积", "Proposed supplement", "area", "mu"),
    "balance_if_approved_mu": _c("全部批准后差额", "Balance if approved", "area", "mu"),
    "item_status": _c("审批状态", "Approval status", "code", labels="item_status"),
    "approval_no": _c("批准文号", "Approval number", "code"),
    "why_zh": _c("计入说明", "Why it counts or not"),
    "offsets": _c("对应改补项目", "Offsets"),
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
    "known_weight_share": _c("已知指标权重占比", "Known indicator weight", "share"),
    "benchmark": _c("基准值", "Benchmark", "ratio"),
    "share": _c("占比", "Share", "share"),
    # the bureau's review (review.xlsx) and its decisions (DESIGN §10)
    "proposed": _c("系统建议", "Proposal", "code", labels="treatment"),
    "proposed_path": _c("建议处置路径", "Suggested path", same_as="path_name"),
    "review_status": _c("清单状态", "List status", "code", labels="review_status"),
    "decision": _c("复核结论", "Review decision", "code", labels="decision"),
    "review_reason": _c("复核理由", "Reason for the decision"),
    "reviewer": _c("复核人", "Reviewer"),
    "reviewed_on": _c("复核日期", "Reviewed on", "date"),
    "field_check": _c("现场核查", "Field check"),
    "path": _c("处置路径", "Path of treatment"),
    "responsible": _c("责任单位", "Responsible office"),
    "deadline": _c("完成时限", "Deadline", "date"),
    "progress": _c("进展", "Progress", "code", labels="progress"),
    "difficulty": _c("困难原因", "Difficulty"),
    "confirmed": _c("认定", "Confirmed (认定)", "bool"),
    "confirm_basis": _c("认定依据", "Basis of confirmation"),
    "confirmed_on": _c("认定日期", "Confirmed on", "date"),
    "notice_start": _c("公示开始", "Public notice from", "date"),
    "notice_end": _c("公示结束", "Public notice to", "date"),
    "plan_no": _c("处置方案文号", "Treatment plan document no."),
    "accepted_on": _c("验收日期", "Accepted on", "date"),
    "closed_on": _c("销号日期", "Closed on", "date"),
    "final": _c("最终处置", "Final treatment", "code", labels="decision"),
    "final_treatment": _c("最终处置代码", "Final treatment code", "code"),
    "final_treatment_zh": _c("最终处置", "Final treatment (Chinese)", same_as="final"),
    "decision_source": _c("决定来源", "Decided by", "code", labels="decision_source"),
    "recorded_proposal": _c("复核时系统建议", "Proposal when reviewed", "code", labels="treatment"),
    "reviewed": _c("已复核", "Reviewed", "bool"),
    "stale": _c("复核后数据已变化", "Data changed since the review", "bool"),
    "on_list": _c("在本年清单", "On this year's list", "bool"),
    "input_file": _c("复核文件", "Review file"),
    "input_row": _c("复核表行号", "Row in the review file", "count"),
    "class_machine": _c("系统评价类别", "Class by the evaluation", "code", labels="class"),
    "class_final": _c("最终类别", "Final class", "code", labels="class"),
    "class_source": _c("类别来源", "Class decided by", "code", labels="decision_source"),
    "recorded_class": _c("复核时系统类别", "Class when reviewed", "code", labels="class"),
    "firm_confirmed": _c("企业确认", "Firm confirms", "bool"),
    "objection": _c("异议", "Objection"),
    "class_adjusted": _c("调档", "Adjusted class", "code", labels="class"),
    "adjust_reason": _c("调档理由", "Reason for the adjustment"),
    "class_approval_no": _c("审定文号", "Approval document no."),
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
    # year over year (DESIGN §11): class_transitions, class_matrix, list_progress,
    # revitalisation, per_mu_change, target_tracking
    "level": _c("层级", "Level", "code", labels="monitor_level"),
    "object_id": _c("代码", "Code", "code"),
    "prev_id": _c("上年代码", "Code last year", "code"),
    "prev_parcel_id": _c("上年宗地代码", "Parcel code last year", "code"),
    "now_parcel_ids": _c("本年宗地代码", "Parcel codes this year", "code"),
    "match": _c("匹配方式", "Matched by", "code", labels="match"),
    "overlap_share": _c("面积重合比例", "Overlap share", "share"),
    "prev_treatment": _c("上年处置", "Treatment last year", "code", labels="decision"),
    "now_class": _c("本年评价类别", "Class this year", "code", labels="class"),
    "now_treatment": _c("本年处置", "Treatment this year", "code", labels="decision"),
    "list_status": _c("进展状态", "Status", "code", labels="list_status"),
    "progress_source": _c("进展来源", "Progress from", "code", labels="progress_source"),
    "evidence_zh": _c("判断依据", "Evidence"),
    "n": _c("数量", "Count", "count"),
    "region_id": _c("区域代码", "Region code", "code"),
    "region_name": _c("区域", "Region"),
    "listed_parcels": _c("上年清单宗数", "Parcels listed last year", "count"),
    "listed_mu": _c("上年清单面积", "Area listed last year", "area", "mu"),
    "closed_parcels": _c("已盘活宗数", "Parcels closed", "count"),
    "closed_mu": _c("已盘活面积", "Area closed (put to use)", "area", "mu"),
    "closed_share": _c("盘活比例", "Share closed", "share"),
    "suspected_mu": _c("疑似完成面积", "Area that looks done", "area", "mu"),
    "target_mu": _c("盘活目标", "Target", "area", "mu"),
    "target_share": _c("目标完成比例", "Share of the target", "share"),
    "comparison": _c("口径", "Basis", "code", labels="comparison"),
    "prev_year": _c("上年", "Last year", "year"),
    "prev_n_firms": _c("上年企业数", "Firms last year", "count"),
    "prev_tax_per_mu": _c("上年亩均税收", "Tax per mu last year", "per_mu", "wan_yuan_per_mu"),
    "tax_change": _c("亩均税收增长", "Tax per mu growth", "share"),
    "prev_va_per_mu": _c(
        "上年亩均增加值", "Value added per mu last year", "per_mu", "wan_yuan_per_mu"
    ),
    "va_change": _c("亩均增加值增长", "Value added per mu growth", "share"),
    "target": _c("目标", "Target", "code", labels="target"),
    "value": _c("实际值", "Value", "ratio"),
    "target_value": _c("路径值", "Path value", "ratio"),
    "final_target": _c("目标值", "Target value", "ratio"),
    "on_track": _c("达到路径", "On track", "bool"),
    "base_year": _c("基年", "Base year", "year"),
    "base_value": _c("基年值", "Base-year value", "ratio"),
    "target_unit": _c("单位", "Unit"),
    "note_zh": _c("说明", "Note"),
    # data-quality findings
    "severity": _c("严重程度", "Severity", "code", labels="severity"),
    "finding_code": _c("问题代码", "Code", "code"),
    "layer": _c("图层/表", "Layer or table", "code", labels="layers"),
    "row_id": _c("行标识", "Row"),
    "field": _c("字段", "Field", "code"),
    "message": _c("问题说明", "Message"),
    "suggestion": _c("处理建议", "Suggestion"),
    # --- what a bureau needs to act on a parcel (parcel_eval, when the inputs give it) ---
    # --- summaries ---
    "industrial_area_mu": _c("工业用地面积", "Industrial land", "area", "mu"),
    "low_eff_share": _c("低效用地占比", "Low-efficiency share", "share"),
    "above_tax_per_mu": _c("规上亩均税收", "Tax per mu, above scale", "per_mu", "wan_yuan_per_mu"),
    "above_va_per_mu": _c(
        "规上亩均增加值", "Value added per mu, above scale", "per_mu", "wan_yuan_per_mu"
    ),
    "target_growth": _c("增速目标", "Growth target", "share"),
    "ranking": _c("名次", "Place", "count"),
    # --- 改一补一 ledger and items ---
    "scope": _c("平衡范围", "Balance scope", "code", labels="scope"),
    "convert_reason_zh": _c("转型原因", "Why converted"),
    # --- firms ---
    "year": _c("年度", "Year", "year"),
    "parcel_ids": _c("用地宗地代码", "Parcels used", "code"),
    "bench_tax_per_mu": _c("亩均税收基准值", "Benchmark tax per mu", "per_mu", "wan_yuan_per_mu"),
    "bench_va_per_mu": _c(
        "亩均增加值基准值", "Benchmark value added per mu", "per_mu", "wan_yuan_per_mu"
    ),
    "prev_class": _c("上年评价类别", "Class last year", "code", labels="class"),
    "action_flag": _c("依据", "Because of", "code", labels="flags"),
    # --- columns the bureau fills in (data validation lists in the workbook) ---
    "check_result": _c("核实结论", "Verified"),
    "check_note": _c("核实备注", "Verification notes"),
    "fix_state": _c("处理情况", "Handled"),
    "fix_note": _c("处理备注", "Handling notes"),
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


# --- the review workbook (review.xlsx, DESIGN §10) --------------------------------------------

REVIEW_SHEETS: LabelTable = {
    "parcels": {"zh": "宗地复核", "en": "Parcel review"},
    "firms": {"zh": "企业复核", "en": "Firm review"},
    "help": {"zh": "说明", "en": "Notes"},
}
"""The sheets of review.xlsx: parcels (the action list), firms (一企一单), the notes."""

REVIEW_HELP_HEADERS: LabelTable = {
    "sheet": {"zh": "工作表", "en": "Sheet"},
    "column": {"zh": "列", "en": "Column"},
    "filled_by": {"zh": "填写", "en": "Filled by"},
    "values": {"zh": "可选值", "en": "Allowed values"},
    "meaning": {"zh": "说明", "en": "Meaning"},
}
"""The headers of the notes sheet."""

REVIEW_FILLED_BY: LabelTable = {
    "landeval": {"zh": "系统（锁定）", "en": "landeval (locked)"},
    "bureau": {"zh": "复核单位", "en": "the bureau"},
    "firm": {"zh": "企业/复核单位", "en": "the firm / the bureau"},
}
"""Who fills a column of the review workbook."""

REVIEW_DATE_HINT: dict[str, str] = {
    "zh": "日期，格式 YYYY-MM-DD",
    "en": "a date, YYYY-MM-DD",
}
"""The allowed values of a date column, and the message of its date check."""

REVIEW_INTRO: dict[str, str] = {
    "zh": (
        "本工作簿由 landeval review 生成：系统建议与宗地、企业数据锁定（可筛选），"
        "复核单位填写白色表头之后的各列。填好后放入项目文件夹，在 landeval.toml 的 [inputs] "
        '中写 reviews = "review.xlsx"，再运行 landeval run：最终处置以复核结论为准，'
        "未填写的沿用系统建议；再次运行 landeval review 会带入已填写的内容。"
    ),
    "en": (
        "Written by landeval review: the proposal and the figures are locked (filters work); "
        "the bureau fills the columns after them. Put the filled file into the project "
        'folder, name it in landeval.toml ([inputs] reviews = "review.xlsx") and run '
        "landeval run: the final treatment is the review decision where given, else the "
        "proposal; landeval review carries the answers into next year's workbook."
    ),
}
"""The first lines of the notes sheet."""

REVIEW_HELP: LabelTable = {
    "parcel_id": {"zh": "宗地代码，复核表的键，勿修改", "en": "parcel code, the key: do not edit"},
    "proposed": {
        "zh": "系统按规则给出的处置建议（本次运行）",
        "en": "the treatment the rules propose (this run)",
    },
    "review_status": {
        "zh": "在本年清单；已不在清单或代码不在本年数据的复核记录保留；数据变化的须重新核查",
        "en": "on the list; reviews of parcels no longer listed are kept; look again where "
        "the data changed",
    },
    "decision": {
        "zh": "复核后的处置方式；留空则沿用系统建议；暂缓：留在清单，暂不处置",
        "en": "the decided treatment; empty keeps the proposal; deferred stays on the list",
    },
    "review_reason": {"zh": "改变或暂缓系统建议的理由", "en": "why the proposal was changed"},
    "reviewer": {"zh": "复核人姓名", "en": "who reviewed"},
    "reviewed_on": {"zh": "复核日期", "en": "date of the review"},
    "field_check": {"zh": "现场核查情况", "en": "notes of the site visit"},
    "path": {
        "zh": "确定的处置路径（如协议收回、二次开发、限期整改）",
        "en": "the path decided (buy-back, redevelopment, rectification…)",
    },
    "responsible": {"zh": "负责落实的单位", "en": "the office in charge"},
    "deadline": {"zh": "完成时限", "en": "due date"},
    "progress": {"zh": "处置进展；受阻须填写困难原因", "en": "progress; blocked needs a reason"},
    "difficulty": {"zh": "进展受阻的原因", "en": "why it is blocked"},
    "confirmed": {"zh": "是否认定为低效用地", "en": "confirmed as low-efficiency land"},
    "confirm_basis": {"zh": "认定依据（文件、会议纪要）", "en": "basis of the confirmation"},
    "confirmed_on": {"zh": "认定日期", "en": "date of the confirmation"},
    "notice_start": {"zh": "公示开始日期", "en": "first day of the public notice"},
    "notice_end": {"zh": "公示结束日期", "en": "last day of the public notice"},
    "plan_no": {"zh": "处置方案批复文号", "en": "document number of the treatment plan"},
    "accepted_on": {"zh": "验收日期", "en": "date of acceptance"},
    "closed_on": {"zh": "销号日期（处置完成、移出清单）", "en": "date the item was closed"},
    "uscc": {"zh": "统一社会信用代码，企业复核表的键，勿修改", "en": "USCC, the key: do not edit"},
    "year": {"zh": "评价年度；调档只对该年度有效", "en": "evaluation year the row applies to"},
    "class_machine": {
        "zh": "系统按亩均评价给出的类别（本次运行）",
        "en": "the class the evaluation gives (this run)",
    },
    "firm_confirmed": {"zh": "企业是否确认评价结果", "en": "whether the firm accepts its class"},
    "objection": {"zh": "企业提出的异议", "en": "the firm's objection"},
    "class_adjusted": {
        "zh": "审定后的类别；留空则沿用系统类别；宗地类别与处置随之变化",
        "en": "the class after adjustment; empty keeps the evaluation's; parcels follow it",
    },
    "adjust_reason": {"zh": "调档理由", "en": "why the class was adjusted"},
    "class_approval_no": {"zh": "审定文号", "en": "document number of the approval"},
}
"""What each column of the review workbook means (the notes sheet)."""

REVIEW_SUMMARY: dict[str, str] = {
    "zh": (
        "复核：确认 {confirmed} 宗，改变 {overridden} 宗，暂缓 {deferred} 宗，"
        "未复核 {pending} 宗；数据已变化待重核 {stale} 宗；企业调档 {adjusted} 家"
    ),
    "en": (
        "Review: {confirmed} proposals confirmed, {overridden} overridden, {deferred} deferred, "
        "{pending} not reviewed; {stale} to look at again (data changed); "
        "{adjusted} firm classes adjusted"
    ),
}
"""The console's line about the review (counts of parcels, then firms)."""

REVIEW_NONE: dict[str, str] = {
    "zh": "复核：未提供复核表（landeval review 生成 review.xlsx，填写后在 [inputs] reviews 指定）",
    "en": "Review: none given (landeval review writes review.xlsx; name it in [inputs] reviews)",
}
"""The console's line when the project names no review."""


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
CODE_LABELS["land_use"] = LAND_USE_LABELS


def target_unit(target: str, lang: Language = "zh") -> str:
    """The unit of a target's values in ``lang`` (:data:`TARGET_UNITS`; a share is "%")."""
    key = TARGET_UNITS.get(target)
    if key is None:
        return "%"
    unit = UNITS[key]
    return unit.zh if lang == "zh" else unit.en


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


# --- review outputs (DESIGN §10: the outputs show the final decision) -----------------------

DECISION_COLORS: dict[str, str] = {**TREATMENT_COLORS, DEFER: "#878787"}
"""Map colours of the final treatments: the treatments' own, 暂缓 a neutral grey."""

REVIEW_REPORT: LabelTable = {
    "title": {"zh": "复核情况", "en": "The bureau's review"},
    "none": {
        "zh": "尚无复核结论：清单为系统建议。",
        "en": "No review yet: the lists are proposals.",
    },
    "deferred": {"zh": "暂缓宗地", "en": "Deferred parcels"},
}
"""The report's words on the review: its heading, a run without one, the deferred list."""

# --- measures outputs (DESIGN §12: 差别化施策 in the workbook, report and maps) --------------

MEASURE_SHEET: LabelTable = {"measures": {"zh": "差别化施策", "en": "Differentiated measures"}}
"""The workbook sheet of the measures: one row per firm and measure, the totals beside."""

MEASURE_TOTALS_HEADING: LabelTable = {
    "title": {"zh": "按县（市、区）和措施合计", "en": "Totals by county and measure"},
}
"""The heading of the totals block beside the firms' rows."""

MEASURE_NOTES: dict[str, tuple[str, ...]] = {
    "zh": (
        "金额：正数为企业多缴（差别化电价、水价等），负数为减免或奖补；指标类措施以其单位计，不计金额。",
        "措施在评价年度的次年执行（执行年度）；缺少计费依据的企业不计金额，见“数据问题”。",
        "停业、注销、吊销的企业不适用差别化施策。",
    ),
    "en": (
        "Amount: positive, the firm pays more; negative, relief or subsidy; quotas are in "
        "their own unit, with no amount.",
        "The measures apply in the year after the evaluation; a firm without the basis has "
        "no amount (see Data problems).",
        "Closed firms (suspended, deregistered, licence revoked) get no measure.",
    ),
}
"""What the 差别化施策 sheet's figures mean, beside it."""

MEASURE_REPORT: LabelTable = {
    "title": {"zh": "差别化施策（次年执行）", "en": "Differentiated measures (next year)"},
    "line": {
        "zh": "{label}：{firms} 家企业，合计 {amount} {unit}",
        "en": "{label}: {firms} firms, {amount} {unit}",
    },
    "missing": {"zh": "（{n} 家缺计费依据，未计）", "en": " ({n} without the basis, not counted)"},
    "example": {"zh": "示例费率", "en": "example rates"},
}
"""The report's lines on the measures: one per measure, the firms and the total."""

MEASURE_POPUP: LabelTable = {
    "missing": {"zh": "缺计费依据", "en": "basis missing"},
}
"""A measure without an amount in the efficiency map's popup (the basis is missing)."""

COLUMNS["measures_zh"] = _c("差别化施策（主要用地企业）", "Measures (main occupant)")
"""The efficiency map's popup row: each measure of the parcel's main occupant, its amount."""

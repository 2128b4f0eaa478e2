"""What users read: Chinese (default) and English labels for codes, classes and columns.

Codes stay English in every table (EXIT, CLASS_D, A); these dictionaries give the words
shown beside them in sheets, maps and reports.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]

KEEP = "KEEP"
"""The treatment code of a parcel no rule sends to the action list (保留)."""

TREATMENT_ORDER: tuple[str, ...] = ("REBUILD", "UPGRADE", "CONVERT", "EXIT", KEEP)
"""Treatment codes in the policy's order (拆除重建, 整治提升, 功能转型, 关停退出), then 保留.

Every output lists treatments in this order; the rules are *evaluated* in the order of the
configured ``[[treatments]]`` (exit first), which is a different thing."""

CITY = "city"
"""The region code of a city-wide row (ledger, trends, summaries)."""

CLASS_LABELS: dict[str, dict[str, str]] = {
    "A": {"zh": "A类 优先支持类", "en": "A priority support"},
    "B": {"zh": "B类 提升发展类", "en": "B develop and improve"},
    "C": {"zh": "C类 整治提升类", "en": "C rectify and upgrade"},
    "D": {"zh": "D类 倒逼淘汰类", "en": "D forced phase-out"},
    "T": {"zh": "不参评", "en": "not evaluated"},
}

FLAG_LABELS: dict[str, dict[str, str]] = {
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

TREATMENT_LABELS: dict[str, dict[str, str]] = {
    "EXIT": {"zh": "关停退出", "en": "Shut down and exit"},
    "CONVERT": {"zh": "功能转型", "en": "Change of use"},
    "REBUILD": {"zh": "拆除重建", "en": "Demolish and rebuild"},
    "UPGRADE": {"zh": "整治提升", "en": "Renovate and upgrade"},
    "KEEP": {"zh": "保留", "en": "Keep"},
}

TIER_LABELS: dict[str, dict[str, str]] = {
    "2": {"zh": "战略平台", "en": "strategic platform"},
    "6": {"zh": "骨干平台", "en": "backbone platform"},
    "N": {"zh": "小微/特色平台", "en": "small platform"},
}

SCALE_LABELS: dict[str, dict[str, str]] = {
    "above": {"zh": "规上", "en": "above scale"},
    "below": {"zh": "规下", "en": "below scale"},
}

INDUSTRY_NAMES: dict[str, str] = {
    "C13": "农副食品加工业",
    "C14": "食品制造业",
    "C15": "酒、饮料和精制茶制造业",
    "C17": "纺织业",
    "C18": "纺织服装、服饰业",
    "C25": "石油加工业",
    "C26": "化学原料和化学制品制造业",
    "C27": "医药制造业",
    "C28": "化学纤维制造业",
    "C29": "橡胶和塑料制品业",
    "C30": "非金属矿物制品业",
    "C31": "黑色金属冶炼和压延加工业",
    "C32": "有色金属冶炼和压延加工业",
    "C33": "金属制品业",
    "C34": "通用设备制造业",
    "C35": "专用设备制造业",
    "C38": "电气机械和器材制造业",
    "C39": "计算机、通信和其他电子设备制造业",
    "D44": "电力、热力生产和供应业",
    "D45": "燃气生产和供应业",
    "D46": "水的生产和供应业",
}
"""GB/T 4754 divisions that appear in the demo and the flag tables (Chinese names)."""


def label(table: dict[str, dict[str, str]], code: str, lang: Language = "zh") -> str:
    """The label of ``code`` in ``lang``; the code itself when it has none."""
    entry = table.get(code)
    return entry[lang] if entry else code

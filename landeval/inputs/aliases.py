"""Field aliases: the Chinese and English column names bureaus use, mapped to canonical ones.

A header is matched after :func:`normalize_header`: surrounding space removed, full-width
characters folded to half-width (NFKC), lower case, inner spaces and ``_``/``-`` removed, and
any bracketed part (``(元)``, ``（万元）``, ``[kWh]``, ``【吨标煤】``) split off as the column's
unit.
So ``"实缴税额（万元）"``, ``"实缴税额(元)"`` and ``" 实缴税额 "`` all match the alias
``实缴税额``, and the first two carry a money unit that the units check uses as evidence.

A project's ``[fields]`` mapping (canonical column = file column) is applied first and wins.
Enumerated values have aliases too (``规上`` → ``above``, ``租赁`` → ``lease``), see
:data:`VALUE_ALIASES`.

Examples
--------
>>> normalize_header("实缴税额（万元）")
('实缴税额', '万元')
>>> match_columns(["统一社会信用代码", "年度", "税收合计(元)"], "firm_tax").renames
{'统一社会信用代码': 'uscc', '年度': 'year', '税收合计(元)': 'tax'}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from landeval.vocabulary import (
    CLASS_LABELS,
    COLUMNS,
    DECISION_LABELS,
    PROGRESS_LABELS,
    REVIEW_CLASSES,
    TREATMENT_LABELS,
    YES_NO,
    LabelTable,
)

# Aliases shared by several layers.
_COUNTY = [
    "行政区划代码",
    "行政区代码",
    "行政区划",
    "区县代码",
    "县区代码",
    "XZQDM",
    "XZQHDM",
    "county",
]
_USCC = [
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "统一代码",
    "纳税人识别号",
    "USCC",
    "credit_code",
    "TYSHXYDM",
]
_PARCEL_ID = [
    "宗地代码",
    "宗地编号",
    "地块编号",
    "地块代码",
    "不动产单元号",
    "不动产单元代码",
    "ZDDM",
    "BDCDYH",
    "DKBH",
]
_YEAR = ["年度", "年份", "统计年度", "纳税年度", "year"]
_PLANNED_USE = ["规划用途", "规划用地用途", "规划地类", "GHYT", "planned_use"]

ALIASES: dict[str, dict[str, list[str]]] = {
    "parcels": {
        "parcel_id": _PARCEL_ID,
        "county_code": _COUNTY,
        "land_use": [
            "现状用途",
            "用地用途",
            "土地用途",
            "现状地类",
            "地类编码",
            "DLBM",
            "TDYT",
            "land_use",
        ],
        "planned_use": _PLANNED_USE,
        "registered_area_m2": ["登记面积", "宗地面积", "土地面积", "证载面积", "DJMJ", "ZDMJ"],
        "floor_area_m2": ["建筑面积", "总建筑面积", "JZMJ", "floor_area"],
        "built_year": ["建成年份", "建成年代", "竣工年份", "建造年份", "JCNF", "built_year"],
        "location": ["坐落", "土地坐落", "宗地坐落", "坐落位置", "ZL", "location"],
        # "乡镇(街道)" matches "乡镇": the bracketed part of a header is read as its unit.
        "township": ["乡镇街道", "乡镇", "所属乡镇", "镇街", "街道", "township"],
        "title_no": [
            "不动产权证号",
            "不动产权证书号",
            "不动产证号",
            "权证号",
            "土地证号",
            "国有土地使用证号",
            "BDCQZH",
            "title_no",
        ],
        "contract_start_date": [
            "约定动工日期",
            "约定开工日期",
            "合同约定动工日期",
            "合同动工日期",
            "contract_start_date",
        ],
        "actual_start_date": ["实际动工日期", "实际开工日期", "动工日期", "actual_start_date"],
        "contract_completion_date": [
            "约定竣工日期",
            "合同约定竣工日期",
            "合同竣工日期",
            "contract_completion_date",
        ],
        "developed_share": ["开发比例", "已开发比例", "开发建设比例", "developed_share"],
        "contract_tax_per_mu": [
            "约定亩均税收",
            "出让合同亩均税收",
            "标准地亩均税收",
            "亩均税收承诺",
            "contract_tax_per_mu",
        ],
        "contract_investment_per_mu": [
            "亩均投资强度",
            "约定亩均投资强度",
            "投资强度",
            "约定投资强度",
            "contract_investment_per_mu",
        ],
        "gov_delay": ["政府原因延期", "是否政府原因", "政府原因", "gov_delay"],
        "land_tax_rate": [
            "城镇土地使用税税额标准",
            "土地使用税税额标准",
            "土地使用税单位税额",
            "城镇土地使用税单位税额",
            "land_tax_rate",
        ],
    },
    "platforms": {
        "platform_id": ["平台编号", "平台代码", "平台ID", "PTBH", "platform_id"],
        "name": ["平台名称", "名称", "PTMC", "name"],
        "tier": ["平台层级", "层级", "平台等级", "平台类别", "tier"],
        "kind": ["平台类型", "类型", "kind"],
        "county_code": _COUNTY,
        "accredited": ["省级认定", "是否省级认定", "省级认定小微园", "认定", "accredited"],
    },
    "control_line": {
        "line_id": ["控制线编号", "编号", "图斑编号", "line_id"],
        "county_code": _COUNTY,
    },
    "boundaries": {
        "county_code": _COUNTY,
        "name": ["行政区名称", "县（市、区）", "县市区", "名称", "XZQMC", "name"],
    },
    "land_changes": {
        "change_id": ["调整编号", "项目编号", "编号", "change_id"],
        "kind": ["调整类型", "类型", "改补类型", "kind"],
        "county_code": _COUNTY,
        "planned_use": _PLANNED_USE,
        "approved_on": ["批准日期", "批复日期", "审批日期", "approved_on"],
        "approval_no": ["批准文号", "批复文号", "文号", "approval_no"],
    },
    "firms": {
        "uscc": _USCC,
        "name": ["企业名称", "纳税人名称", "单位名称", "名称", "name"],
        "industry_code": [
            "行业代码",
            "国民经济行业代码",
            "行业门类代码",
            "所属行业代码",
            "HYDM",
            "industry",
        ],
        "county_code": _COUNTY,
        "scale": ["规模", "企业规模", "是否规上", "规上规下", "规模类型", "scale"],
        "start_year": ["投产年份", "开业年份", "成立年份", "投产年度", "start_year"],
        "status": ["状态", "经营状态", "企业状态", "status"],
        "address": ["地址", "企业地址", "注册地址", "生产经营地址", "address"],
    },
    "firm_tax": {
        "uscc": _USCC,
        "year": _YEAR,
        "tax": ["实缴税额", "实缴税收", "税收合计", "实缴税金", "税收", "入库税收", "tax"],
        "electricity_kwh": ["用电量", "工业用电量", "年用电量", "电量", "electricity", "kwh"],
        "water_m3": ["用水量", "年用水量", "工业用水量", "取水量", "water", "water_m3"],
        "wastewater_t": [
            "污水排放量",
            "废水排放量",
            "年污水排放量",
            "污水量",
            "wastewater",
            "wastewater_t",
        ],
    },
    "firm_output": {
        "uscc": _USCC,
        "year": _YEAR,
        "value_added": ["工业增加值", "增加值", "value_added", "va"],
        "revenue": ["营业收入", "主营业务收入", "销售收入", "revenue"],
        "rd_expense": ["研发费用", "研发经费", "研发投入", "R&D经费支出", "rd", "rd_expense"],
        "energy_tce": ["综合能耗", "能耗", "综合能源消费量", "energy", "energy_tce"],
        "emissions_eq": [
            "排放当量",
            "主要污染物排放当量",
            "污染物排放当量",
            "emissions",
            "emissions_eq",
        ],
        "employees": ["年平均职工人数", "从业人员平均人数", "职工人数", "从业人数", "employees"],
    },
    "occupancy": {
        "uscc": _USCC,
        "parcel_id": _PARCEL_ID,
        "relation": ["用地关系", "使用方式", "关系", "权属类型", "relation"],
        "area_m2": ["使用面积", "租赁面积", "占用面积", "面积", "area", "area_m2"],
        "from_year": ["起始年份", "开始年份", "起始年度", "from_year"],
        "to_year": ["终止年份", "结束年份", "终止年度", "to_year"],
    },
    "veto": {
        "uscc": _USCC,
        "year": _YEAR,
        "reason": ["否决原因", "原因", "负面清单原因", "事由", "reason"],
    },
}
"""Built-in aliases per layer: canonical column → names bureaus use (the canonical name
itself always matches too)."""


def _headers(*keys: str) -> dict[str, list[str]]:
    """Each column's header in both languages, as the review workbook writes it."""
    return {key: [COLUMNS[key].zh, COLUMNS[key].en] for key in keys}


# The review workbook's own headers (landeval.review writes them from the vocabulary), so
# that a filled workbook reads back in either language.
ALIASES["parcel_review"] = {
    "parcel_id": [*_PARCEL_ID, COLUMNS["parcel_id"].en],
    **_headers("proposed"),
    "decision": [COLUMNS["decision"].zh, "复核意见", "审核结论", COLUMNS["decision"].en],
    **_headers(
        "review_reason",
        "reviewer",
        "reviewed_on",
        "field_check",
        "path",
        "responsible",
        "deadline",
        "progress",
        "difficulty",
        "confirmed",
        "confirm_basis",
        "confirmed_on",
        "notice_start",
        "notice_end",
        "plan_no",
        "accepted_on",
        "closed_on",
        "review_status",
        "county_name",
        "platform_name",
        "area_mu",
        "class",
        "tax_per_mu",
        "va_per_mu",
        "far",
        "main_name",
        "reason_zh",
        "proposed_path",
    ),
    "flags_zh": [COLUMNS["flag_names"].zh, COLUMNS["flag_names"].en],
}
ALIASES["firm_review"] = {
    "uscc": [*_USCC, COLUMNS["uscc"].en],
    # 评价年度: the header review workbooks were written with before the vocabulary
    # called the column 年度; a filled file of that round must still be read
    "year": [COLUMNS["year"].zh, "评价年度", *_YEAR, COLUMNS["year"].en],
    **_headers(
        "class_machine",
        "firm_confirmed",
        "objection",
        "class_adjusted",
        "adjust_reason",
        "class_approval_no",
        "review_status",
        "firm_name",
        "county_name",
        "scale",
        "land_mu",
        "tax_per_mu",
        "va_per_mu",
        "score",
        "rank",
        "class_reason",
    ),
}


def _label_aliases(table: LabelTable, codes: Iterable[str]) -> dict[str, str]:
    """Each code, and its label in either language, → the code."""
    out: dict[str, str] = {}
    for code in codes:
        out[code] = code
        for word in table.get(code, {}).values():
            out[word] = code
    return out


_YES_NO_ALIASES: dict[str, str] = {
    **{YES_NO[lang][0]: "yes" for lang in YES_NO},
    **{YES_NO[lang][1]: "no" for lang in YES_NO},
    **dict.fromkeys(("y", "true", "1", "√", "确认", "认定"), "yes"),
    **dict.fromkeys(("n", "false", "0", "×", "不确认", "不认定"), "no"),
}
_CLASS_ALIASES: dict[str, str] = {
    **_label_aliases(CLASS_LABELS, REVIEW_CLASSES),
    **{f"{c}类": c for c in REVIEW_CLASSES},
}

VALUE_ALIASES: dict[tuple[str, str], dict[str, str]] = {
    ("firms", "scale"): {
        "above": "above",
        "规上": "above",
        "规模以上": "above",
        "规上企业": "above",
        "规上工业": "above",
        "是": "above",
        "below": "below",
        "规下": "below",
        "规模以下": "below",
        "规下企业": "below",
        "规下工业": "below",
        "否": "below",
    },
    ("occupancy", "relation"): {
        "own": "own",
        "自有": "own",
        "自用": "own",
        "拥有": "own",
        "出让": "own",
        "划拨": "own",
        "lease": "lease",
        "租赁": "lease",
        "租用": "lease",
        "承租": "lease",
        "租入": "lease",
    },
    ("land_changes", "kind"): {
        "convert": "convert",
        "改": "convert",
        "转出": "convert",
        "调出": "convert",
        "supplement": "supplement",
        "补": "supplement",
        "补充": "supplement",
        "调入": "supplement",
    },
    ("platforms", "tier"): {
        "2": "2",
        "6": "6",
        "n": "N",
        "战略平台": "2",
        "骨干平台": "6",
        "小微平台": "N",
        "特色平台": "N",
    },
    # The review's coded cells: what the workbook's drop-downs offer, in either language,
    # and the codes. A value with no alias stays as written and landeval.review reports it.
    ("parcel_review", "proposed"): _label_aliases(TREATMENT_LABELS, TREATMENT_LABELS),
    ("parcel_review", "decision"): _label_aliases(DECISION_LABELS, DECISION_LABELS),
    ("parcel_review", "progress"): _label_aliases(PROGRESS_LABELS, PROGRESS_LABELS),
    ("parcel_review", "confirmed"): _YES_NO_ALIASES,
    ("firm_review", "firm_confirmed"): _YES_NO_ALIASES,
    ("firm_review", "class_machine"): {
        **_CLASS_ALIASES,
        **_label_aliases(CLASS_LABELS, CLASS_LABELS),
    },
    ("firm_review", "class_adjusted"): _CLASS_ALIASES,
    ("platforms", "accredited"): {
        **_YES_NO_ALIASES,
        **dict.fromkeys(("省级", "省级认定", "已认定"), "yes"),
        **dict.fromkeys(("未认定", "非省级"), "no"),
    },
}
"""Aliases of enumerated values, keyed by (layer, column); matched after
:func:`normalize_value`."""

MONEY_UNITS: dict[str, str] = {
    "元": "yuan",
    "人民币元": "yuan",
    "千元": "thousand_yuan",
    "万元": "wan_yuan",
    "人民币万元": "wan_yuan",
}
"""Bracketed header units that name a money unit landeval converts."""

_BRACKETS = re.compile(r"[\(\[【〔{]([^\)\]】〕}]*)[\)\]】〕}]")
_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize_header(name: object) -> tuple[str, str]:
    """Normalise a column header for matching; return ``(key, unit)``.

    ``unit`` is the text of the last bracketed part (``""`` when there is none), also
    normalised; a trailing ``单位:`` is removed from it.

    Examples
    --------
    >>> normalize_header(" ＺＤＤＭ ")
    ('zddm', '')
    >>> normalize_header("综合能耗【吨标煤】")
    ('综合能耗', '吨标煤')
    """
    text = unicodedata.normalize("NFKC", str(name)).strip()
    units = _BRACKETS.findall(text)
    text = _BRACKETS.sub("", text)
    unit = units[-1].strip() if units else ""
    unit = re.sub(r"^单位[:：]?", "", unit).strip()
    return _SEPARATORS.sub("", text).lower(), _SEPARATORS.sub("", unit).lower()


def normalize_value(value: object) -> str:
    """Normalise an enumerated value for matching (NFKC, stripped, lower case)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value))).lower()


@dataclass(frozen=True)
class ColumnMatch:
    """How the columns of one file map to canonical columns.

    Attributes
    ----------
    renames : dict
        File column → canonical column.
    units : dict
        Canonical column → bracketed unit of its header (only for headers that had one).
    ignored : list
        File columns that match no canonical column.
    """

    renames: dict[str, str]
    units: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def alias_keys(layer: str) -> dict[str, str]:
    """Normalised alias → canonical column for a layer (built-in aliases only)."""
    out: dict[str, str] = {}
    for canonical, names in ALIASES[layer].items():
        for name in (canonical, *names):
            out.setdefault(normalize_header(name)[0], canonical)
    return out


def match_columns(
    columns: Iterable[object],
    layer: str,
    mapping: Mapping[str, str] | None = None,
) -> ColumnMatch:
    """Match a file's column headers to the canonical columns of ``layer``.

    Parameters
    ----------
    columns : iterable
        The headers as found in the file.
    layer : str
        Canonical layer or table name (a key of :data:`ALIASES`).
    mapping : mapping, optional
        The project's ``[fields.<layer>]`` table: canonical column → file column. It wins
        over the built-in aliases; the file column is matched exactly or after
        normalisation.

    Returns
    -------
    ColumnMatch
        The renames, the bracketed units and the ignored columns. The first file column
        matching a canonical column takes it; later ones are ignored.
    """
    cols = [c for c in columns if str(c) != "geometry"]
    keys = alias_keys(layer)
    renames: dict[str, str] = {}
    units: dict[str, str] = {}
    taken: set[str] = set()
    normalized = {c: normalize_header(c) for c in cols}
    # Project mapping first: it is the user's explicit word.
    for canonical, file_col in (mapping or {}).items():
        wanted = normalize_header(file_col)[0]
        for col in cols:
            if col in renames:
                continue
            if str(col) == file_col or normalized[col][0] == wanted:
                renames[col] = canonical
                taken.add(canonical)
                break
    for col in cols:
        if col in renames:
            continue
        key, _unit = normalized[col]
        canonical = keys.get(key) or _truncated_match(key, keys)
        if canonical is not None and canonical not in taken:
            renames[col] = canonical
            taken.add(canonical)
    for col, canonical in renames.items():
        unit = normalized[col][1]
        if unit:
            units[canonical] = unit
    ignored = [str(c) for c in cols if c not in renames]
    return ColumnMatch(renames=renames, units=units, ignored=ignored)


def _truncated_match(key: str, keys: Mapping[str, str]) -> str | None:
    """Match a header cut short by the 10-byte DBF field-name limit (``行政区划代``).

    Only Chinese headers of at least 4 characters qualify, and only when every alias they
    start is the same canonical column.
    """
    if len(key) < 4 or key.isascii():
        return None
    found = {canonical for alias, canonical in keys.items() if alias.startswith(key)}
    return found.pop() if len(found) == 1 else None


def count_matches(values: Iterable[object], layer: str) -> int:
    """How many of ``values`` (e.g. the cells of a candidate header row) are known headers."""
    keys = alias_keys(layer)
    found = set()
    for value in values:
        if value is None or pd.isna(value):
            continue
        key = normalize_header(value)[0]
        canonical = keys.get(key) or _truncated_match(key, keys)
        if canonical is not None:
            found.add(canonical)
    return len(found)


def closest_headers(canonical: str, layer: str, found: Iterable[object], n: int = 3) -> list[str]:
    """The found headers closest to a canonical column or any of its aliases (difflib)."""
    import difflib  # noqa: PLC0415 - only needed on the error path

    names = {normalize_header(a)[0] for a in (canonical, *ALIASES[layer][canonical])}
    found_list = [str(f) for f in found]
    scored: list[tuple[float, str]] = []
    for col in found_list:
        key = normalize_header(col)[0]
        best = max(difflib.SequenceMatcher(None, key, name).ratio() for name in names)
        if best >= 0.4:
            scored.append((best, col))
    scored.sort(key=lambda t: -t[0])
    return [c for _, c in scored[:n]]

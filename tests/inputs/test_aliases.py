"""Field aliases: normalisation, matching, the project mapping, value aliases."""

from __future__ import annotations

import pytest

from landeval.inputs.aliases import (
    ALIASES,
    VALUE_ALIASES,
    closest_headers,
    count_matches,
    match_columns,
    normalize_header,
    normalize_value,
)
from landeval.inputs.model import ALLOWED_VALUES, SCHEMAS, columns


def test_every_canonical_column_has_aliases():
    assert set(ALIASES) == set(SCHEMAS)
    for layer in SCHEMAS:
        assert set(ALIASES[layer]) == set(columns(layer)), layer
        for col, names in ALIASES[layer].items():
            assert names, (layer, col)


def test_alias_keys_do_not_clash_within_a_layer():
    for layer, table in ALIASES.items():
        seen: dict[str, str] = {}
        for col, names in table.items():
            for name in (col, *names):
                key = normalize_header(name)[0]
                assert seen.setdefault(key, col) == col, (layer, name)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("实缴税额（万元）", ("实缴税额", "万元")),
        ("实缴税额(元)", ("实缴税额", "元")),
        (" 实缴税额 ", ("实缴税额", "")),
        ("综合能耗【吨标煤】", ("综合能耗", "吨标煤")),
        ("用电量[单位:千瓦时]", ("用电量", "千瓦时")),
        ("ＺＤＤＭ", ("zddm", "")),
        ("Parcel_ID", ("parcelid", "")),
        ("行政 区划 代码", ("行政区划代码", "")),
    ],
)
def test_normalize_header(header, expected):
    assert normalize_header(header) == expected


def test_match_columns_examples_from_the_issue():
    m = match_columns(
        ["宗地代码", "XZQDM", "DLBM", "规划用途", "登记面积", "建筑面积", "建成年份"], "parcels"
    )
    assert m.renames == {
        "宗地代码": "parcel_id",
        "XZQDM": "county_code",
        "DLBM": "land_use",
        "规划用途": "planned_use",
        "登记面积": "registered_area_m2",
        "建筑面积": "floor_area_m2",
        "建成年份": "built_year",
    }
    m = match_columns(["纳税人识别号", "年份", "实缴税额(万元)", "用电量(千瓦时)"], "firm_tax")
    assert m.renames == {
        "纳税人识别号": "uscc",
        "年份": "year",
        "实缴税额(万元)": "tax",
        "用电量(千瓦时)": "electricity_kwh",
    }
    assert m.units == {"tax": "万元", "electricity_kwh": "千瓦时"}
    m = match_columns(
        [
            "社会信用代码",
            "年度",
            "工业增加值",
            "营业收入",
            "研发费用",
            "综合能耗(吨标煤)",
            "排放当量",
            "年平均职工人数",
        ],
        "firm_output",
    )
    assert set(m.renames.values()) == set(columns("firm_output"))
    assert m.units == {"energy_tce": "吨标煤"}
    m = match_columns(["平台名称", "平台层级", "平台编号"], "platforms")
    assert m.renames == {"平台名称": "name", "平台层级": "tier", "平台编号": "platform_id"}


def test_project_mapping_wins_and_first_match_takes_a_column():
    m = match_columns(["企业代码", "信用代码", "年度", "税收"], "firm_tax", {"uscc": "企业代码"})
    assert m.renames["企业代码"] == "uscc"
    assert "信用代码" in m.ignored  # uscc is taken
    m = match_columns(["实缴税额", "税收合计"], "firm_tax")
    assert m.renames == {"实缴税额": "tax"}
    assert m.ignored == ["税收合计"]


def test_truncated_dbf_names_match():
    assert match_columns(["行政区划代"], "parcels").renames == {"行政区划代": "county_code"}
    # Too short or ambiguous prefixes do not match.
    assert match_columns(["行政"], "parcels").renames == {}


def test_count_matches_and_closest():
    assert count_matches(["统一社会信用代码", "年度", None, "x"], "firm_tax") == 2
    assert closest_headers("tax", "firm_tax", ["税款合计金额", "年度"])[0] == "税款合计金额"


def test_value_aliases_cover_allowed_values():
    for key, aliases in VALUE_ALIASES.items():
        assert set(aliases.values()) == set(ALLOWED_VALUES[key]), key
    assert normalize_value(" 规 上 ") == "规上"


def test_parcel_registry_and_contract_fields_are_recognised():
    headers = [
        "宗地代码",
        "坐落",
        "乡镇（街道）",
        "不动产权证号",
        "约定动工日期",
        "实际动工日期",
        "约定竣工日期",
        "开发比例(%)",
        "出让合同亩均税收（万元/亩）",
        "亩均投资强度(万元/亩)",
        "政府原因延期",
    ]
    got = match_columns(headers, "parcels")
    assert got.renames == {
        "宗地代码": "parcel_id",
        "坐落": "location",
        "乡镇（街道）": "township",
        "不动产权证号": "title_no",
        "约定动工日期": "contract_start_date",
        "实际动工日期": "actual_start_date",
        "约定竣工日期": "contract_completion_date",
        "开发比例(%)": "developed_share",
        "出让合同亩均税收（万元/亩）": "contract_tax_per_mu",
        "亩均投资强度(万元/亩)": "contract_investment_per_mu",
        "政府原因延期": "gov_delay",
    }
    assert got.units["developed_share"] == "%"
    assert match_columns(["权证号", "乡镇街道"], "parcels").renames == {
        "权证号": "title_no",
        "乡镇街道": "township",
    }
    assert match_columns(["批准文号"], "land_changes").renames == {"批准文号": "approval_no"}

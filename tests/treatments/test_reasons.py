"""The reason sentence: numbers, industry names, the "，且" before the last phrase."""

import numpy as np
import pandas as pd
import pytest

from landeval.config import FIRM_FLAG_CODES, default_config, load_config
from landeval.treatments.reasons import build_reasons


def _details(**cols) -> pd.DataFrame:
    base = {
        "far": np.nan,
        "far_min": 1.0,
        "industry_code": None,
        "standard_industry": None,
        "rule_class": None,
        "scale": None,
        "status": None,
        "main_name": None,
        "coverage": np.nan,
        "tax_per_mu": np.nan,
        "county_tax_per_mu": np.nan,
        "tax_per_mu_prev": np.nan,
        "county_tax_per_mu_prev": np.nan,
        "stopped_no_occupant": False,
        "stopped_no_activity": False,
        "closed_share": 0.0,
        "idle_years": np.nan,
        "idle_stalled": False,
        "developed_share": np.nan,
        "contract_start_date": pd.NaT,
        "vacant_share": np.nan,
        "planned_use": None,
        "built_year": pd.NA,
        "flags_zh": "",
        "firm_actions_zh": None,
        "FAR_LOW": False,
        "COVERAGE_LOW": False,
        **{f"firms_{c}": None for c in FIRM_FLAG_CODES},
    }
    base.update(cols)
    return pd.DataFrame([base])


def _reason(matched: str, config=None, capacity=None, **cols) -> str:
    d = _details(**cols)
    config = config or default_config()
    cap = None if capacity is None else np.array([capacity])
    return build_reasons(d, pd.Series([matched]), config=config, year=2024, capacity=cap).iloc[0]


def test_issue_example():
    got = _reason(
        "FAR_LOW;CLASS_D;CLASS_D_TWICE",
        far=0.42,
        far_min=0.8,
        standard_industry="C1711",
        firms_CLASS_D_TWICE="绍兴某某印染有限公司",
        firms_CLASS_D="绍兴某某印染有限公司",
    )
    assert got == "容积率0.42低于纺织业最低标准0.8，且绍兴某某印染有限公司连续两年亩均评价为D类"


@pytest.mark.parametrize(
    ("matched", "cols", "expected"),
    [
        ("FAR_LOW", {"far": 0.5, "far_min": 1.0}, "容积率0.5低于工业用地最低标准1.0"),
        ("COVERAGE_LOW", {"coverage": 0.2}, "建筑系数20%低于30%"),
        (
            "TAX_LOW",
            {
                "tax_per_mu": 2.0,
                "county_tax_per_mu": 5.0,
                "tax_per_mu_prev": 1.5,
                "county_tax_per_mu_prev": 4.0,
            },
            "亩均税收2.0万元低于本县平均5.0万元的50%（上年1.5万元，本县4.0万元）",
        ),
        ("CLASS_C", {"firms_CLASS_C": "甲公司"}, "甲公司亩均评价为C类"),
        (
            "CLASS_D;CLASS_D_TWICE;CLASS_D_3Y",
            {"firms_CLASS_D_3Y": "乙公司"},
            "乙公司连续三年亩均评价为D类",
        ),
        ("STOPPED", {"stopped_no_occupant": True}, "已满一年无企业使用"),
        ("STOPPED", {"stopped_no_activity": True}, "已满一年无税收和增加值，已停产"),
        (
            "STOPPED",
            {"closed_share": 1.0, "status": "停业", "main_name": "丙公司"},
            "主要用地企业丙公司已停业",
        ),
        (
            "IDLE_LAND",
            {"idle_years": 2.58, "contract_start_date": pd.Timestamp("2022-06-01")},
            "约定2022年6月1日动工，至2024年12月31日未动工，闲置2.6年",
        ),
        (
            "IDLE_LAND",
            {"idle_years": 1.5, "idle_stalled": True, "developed_share": 0.2},
            "开发比例20%，已中止开发约1.5年，属闲置土地",
        ),
        ("VACANT", {"vacant_share": 0.625}, "空置率62.5%"),
        (
            "PHASE_OUT",
            {"firms_PHASE_OUT": "丁公司（C2611）"},
            "丁公司（C2611）属淘汰类产业",
        ),
        ("VETO", {"firms_VETO": "戊公司（安全事故）"}, "戊公司（安全事故）列入负面清单"),
        ("PLAN_CONFLICT", {"planned_use": "0701"}, "规划用途0701非工业"),
        ("OLD_BUILDINGS", {"built_year": 2000}, "建成已24年（2000年建成）"),
        (
            "FAR_LOW;COVERAGE_LOW;OLD_BUILDINGS",
            {
                "far": 0.3,
                "far_min": 0.7,
                "standard_industry": "C30",
                "coverage": 0.25,
                "built_year": 1999,
            },
            "容积率0.3低于非金属矿物制品业最低标准0.7，建筑系数25%低于30%，且建成已25年（1999年建成）",
        ),
        ("", {"flags_zh": "建成超过20年"}, "有低效标志（建成超过20年），但未达到处置条件，保留"),
        ("", {}, "未发现低效情形，保留"),
        (
            "",
            {"firm_actions_zh": "己公司 腾退（负面清单：环保处罚）"},
            "未发现低效情形，保留；企业处置：己公司 腾退（负面清单：环保处罚）",
        ),
    ],
)
def test_phrases(matched, cols, expected):
    assert _reason(matched, **cols) == expected


def test_tax_floor_quotes_the_floor_of_the_scale():
    cfg = load_config(None, flags={"tax_floor": {"above": 6.0, "below": 3.0}})
    got = _reason("TAX_FLOOR", config=cfg, tax_per_mu=4.2, scale="above")
    assert got == "亩均税收4.2万元低于规上企业底线6.0万元"


def test_capacity_sentence_names_the_class_and_the_figure():
    got = _reason(
        "",
        capacity=True,
        rule_class="A",
        FAR_LOW=True,
        far=0.74,
        far_min=1.0,
        standard_industry="C3911",
        flags_zh="容积率低于行业标准",
    )
    assert got == (
        "亩均评价为A类，容积率0.74低于计算机、通信和其他电子设备制造业最低标准1.0，"
        "保留，列入增容潜力清单（可加层增容）"
    )

"""The reason sentence: numbers, industry names, the "，且" before the last phrase."""

import numpy as np
import pandas as pd
import pytest

from landeval.config import default_config
from landeval.treatments.reasons import build_reasons


def _details(**cols) -> pd.DataFrame:
    base = {
        "far": np.nan,
        "far_min": 1.0,
        "industry_code": None,
        "coverage": np.nan,
        "tax_per_mu": np.nan,
        "county_tax_per_mu": np.nan,
        "idle_no_occupant": False,
        "idle_no_activity": False,
        "idle_vacant": False,
        "vacant_share": np.nan,
        "phase_out_industries": None,
        "veto_reasons": None,
        "planned_use": None,
        "built_year": pd.NA,
        "flags_zh": "",
    }
    base.update(cols)
    return pd.DataFrame([base])


def _reason(matched: str, **cols) -> str:
    d = _details(**cols)
    return build_reasons(d, pd.Series([matched]), config=default_config(), year=2024).iloc[0]


def test_issue_example():
    got = _reason("FAR_LOW;CLASS_D;CLASS_D_TWICE", far=0.42, far_min=0.8, industry_code="C1711")
    assert got == "容积率0.42低于纺织业最低标准0.8，且连续两年D类"


@pytest.mark.parametrize(
    ("matched", "cols", "expected"),
    [
        ("FAR_LOW", {"far": 0.5, "far_min": 1.0}, "容积率0.5低于工业用地最低标准1.0"),
        ("COVERAGE_LOW", {"coverage": 0.2}, "建筑系数20%低于30%"),
        (
            "TAX_LOW",
            {"tax_per_mu": 2.0, "county_tax_per_mu": 5.0},
            "亩均税收2.0万元低于本县平均5.0万元的50%",
        ),
        ("CLASS_C", {}, "亩均评价为C类"),
        ("IDLE", {"idle_no_occupant": True}, "连续两年无企业使用"),
        (
            "IDLE",
            {"idle_no_activity": True, "idle_vacant": True, "vacant_share": 0.625},
            "连续两年无税收和增加值、空置率62.5%",
        ),
        (
            "PHASE_OUT",
            {"phase_out_industries": "C2611"},
            "属淘汰类产业（化学原料和化学制品制造业C2611）",
        ),
        ("VETO", {"veto_reasons": "安全事故"}, "列入负面清单（安全事故）"),
        ("PLAN_CONFLICT", {"planned_use": "0701"}, "规划用途0701非工业"),
        ("OLD_BUILDINGS", {"built_year": 2000}, "建成已24年（2000年建成）"),
        (
            "FAR_LOW;COVERAGE_LOW;OLD_BUILDINGS",
            {
                "far": 0.3,
                "far_min": 0.7,
                "industry_code": "C30",
                "coverage": 0.25,
                "built_year": 1999,
            },
            "容积率0.3低于非金属矿物制品业最低标准0.7，建筑系数25%低于30%，且建成已25年（1999年建成）",
        ),
        ("", {"flags_zh": "建成超过20年"}, "有低效标志（建成超过20年），但未达到处置条件，保留"),
        ("", {}, "未发现低效情形，保留"),
    ],
)
def test_phrases(matched, cols, expected):
    assert _reason(matched, **cols) == expected

"""Decisions a bureau would sign (issue 20), each worked by hand on a small world.

Year 2024. Every firm pays 30 万元 of tax on its land unless a case says otherwise, so that
no TAX_LOW is raised by accident: a firm of 6 mu pays 5 万元/亩, the county benchmark is
about the same.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.config import load_config
from tests.treatments._scenarios import Firm, Parcel, world

PARK = "小微企业园"


def _park(vetoed: int, *, kind: str = PARK) -> tuple[list[Parcel], list[Firm], dict]:
    """A 60 mu building: the operator keeps 6 mu, ten tenants lease 5.4 mu each; the first
    ``vetoed`` tenants are on the negative list (class D)."""
    tenants = [f"T{i}" for i in range(1, 11)]
    park = Parcel(
        "park",
        60.0,
        [("OP", "own", 6.0)] + [(t, "lease", 5.4) for t in tenants],
        platform="SW1",
    )
    firms = [Firm("OP", industry="L72", tax=20.0, scale="below")]
    firms += [
        Firm(t, tax=16.0, veto="安全生产事故" if i < vetoed else None,
             classes=("D", "B", "B") if i < vetoed else ("B", "B", "B"))
        for i, t in enumerate(tenants)
    ]  # fmt: skip
    return [park], firms, {"SW1": kind}


def test_a_ten_tenant_park_with_one_vetoed_tenant_is_not_exited():
    parcels, firms, platforms = _park(1)
    res = world(parcels, firms, platforms=platforms)
    pe = res.parcel_eval.set_index("parcel_id")
    park = pe.loc["park"]
    # T1 uses 5.4 of 60 mu (9 %): its veto is a firm action, the park is judged on the rest.
    assert not park["VETO"] and not park["CLASS_D"]
    assert park["treatment"] == "KEEP"
    assert park["firm_actions_zh"] == "企业T1 腾退（负面清单：安全生产事故）"
    assert (
        park["reason_zh"] == "未发现低效情形，保留；企业处置：企业T1 腾退（负面清单：安全生产事故）"
    )
    fa = res.firm_actions
    assert fa[["parcel_id", "uscc", "action", "action_zh", "flag"]].to_numpy().tolist() == [
        ["park", "T1", "VACATE", "腾退", "VETO"]
    ]
    assert fa.loc[0, "land_mu"] == pytest.approx(5.4)
    assert fa.loc[0, "parcel_share"] == pytest.approx(0.09)
    assert "小微企业园租户" in fa.loc[0, "reason_zh"]
    assert park["owner_names"] == "企业OP"
    assert park["user_names"].startswith("企业T1、企业T10、企业T2")  # most land first, then id


def test_a_park_is_never_exited_whole_for_its_tenants():
    # Six of ten tenants (54 %) on the negative list: still firm actions in a 小微企业园 ...
    parcels, firms, platforms = _park(6)
    res = world(parcels, firms, platforms=platforms)
    park = res.parcel_eval.set_index("parcel_id").loc["park"]
    assert park["treatment"] == "KEEP" and not park["VETO"]
    assert len(res.firm_actions) == 6
    assert "小微企业园" in park["notes_zh"]
    # ... but the same building outside a 小微企业园 platform is judged by its firms: the
    # vetoed ones use more than half of it.
    res = world(parcels, firms, platforms={"SW1": "经济技术开发区"})
    other = res.parcel_eval.set_index("parcel_id").loc["park"]
    assert other["treatment"] == "EXIT" and other["VETO"]
    assert other["reason_zh"].startswith("企业T1（安全生产事故）、企业T2（安全生产事故）")
    assert other["reason_zh"].endswith("等6家列入负面清单")
    assert other["path_zh"] == "关停腾退"
    assert len(res.firm_actions) == 0


def test_a_class_a_parcel_with_old_low_buildings_is_kept_for_more_floors():
    parcels = [
        Parcel("good", 30.0, [("A1", "own", 30.0)], far=0.5, built_year=1995),
        Parcel("weak", 30.0, [("C1", "own", 30.0)], far=0.5, built_year=1995),
    ]
    firms = [
        Firm("A1", industry="C3411", classes=("A", "A", "B"), tax=900.0),
        Firm("C1", industry="C3411", classes=("C", "B", "B"), tax=600.0),
    ]
    res = world(parcels, firms)
    pe = res.parcel_eval.set_index("parcel_id")
    # FAR 0.5 < 0.7 (C34), built 29 years ago: the class-A firm is not sent to demolition.
    assert pe.loc["good", "flags"] == "FAR_LOW;OLD_BUILDINGS"
    assert pe.loc["good", "treatment"] == "KEEP"
    assert bool(pe.loc["good", "capacity_potential"])
    assert pe.loc["good", "reason_zh"] == (
        "亩均评价为A类，容积率0.5低于通用设备制造业最低标准0.7，保留，列入增容潜力清单（可加层增容）"
    )
    cap = res.capacity_parcels
    assert cap["parcel_id"].tolist() == ["good"]
    assert cap.loc[0, ["class", "far", "far_min"]].tolist() == ["A", 0.5, 0.7]
    # The same buildings under a class-C firm: low intensity and a weak firm → 拆除重建.
    assert pe.loc["weak", "treatment"] == "REBUILD"
    assert pe.loc["weak", "reason_zh"] == (
        "容积率0.5低于通用设备制造业最低标准0.7，且企业C1亩均评价为C类"
    )
    assert pe.loc["weak", "path_zh"] == "二次开发（权利人自主）或收储后再出让"


def test_a_stopped_factory_is_not_idle_land():
    parcels = [
        # Built, its owner paid no tax and reported no value added in 2024: 停产.
        Parcel("factory", 20.0, [("S1", "own", 20.0)], far=0.9, built_year=2008),
        # Sold for a factory to start by 2021-03-01, never started: idle 3.8 years.
        Parcel(
            "never",
            20.0,
            [],
            far=0.0,
            coverage=0.0,
            vacant=0.9,
            built_year=None,
            contract_start="2021-03-01",
        ),
        # To start by 2023-09-01: idle 1.3 years → the idle-land fee.
        Parcel(
            "late",
            20.0,
            [],
            far=0.0,
            coverage=0.0,
            vacant=0.9,
            built_year=None,
            contract_start="2023-09-01",
        ),
        # Half developed, with buildings and nobody in them: started, so not idle land, but
        # stopped; a government delay excuses the next one.
        Parcel(
            "half",
            20.0,
            [],
            far=0.3,
            coverage=0.2,
            vacant=0.6,
            built_year=None,
            contract_start="2021-03-01",
            actual_start="2021-05-01",
            developed_share=0.5,
        ),
        Parcel(
            "excused",
            20.0,
            [],
            far=0.0,
            coverage=0.0,
            vacant=0.9,
            built_year=None,
            contract_start="2021-03-01",
            gov_delay="是",
        ),
        # Started in 2021 but a fifth developed and nobody there: stalled, counted from the
        # start (2021-05-01 → 3.7 years), to be checked.
        Parcel(
            "stalled",
            20.0,
            [],
            far=0.0,
            coverage=0.0,
            vacant=0.8,
            built_year=None,
            contract_start="2021-03-01",
            actual_start="2021-05-01",
            developed_share=20.0,
        ),
        Parcel("busy", 20.0, [("B1", "own", 20.0)]),
    ]
    firms = [
        Firm("S1", tax=0.0, value_added=0.0, classes=("D", "C", "B")),
        Firm("B1", tax=100.0),
    ]
    res = world(parcels, firms)
    pe = res.parcel_eval.set_index("parcel_id")
    # (it paid nothing in 2023 either: its tax per mu is low two years running too)
    assert pe.loc["factory", "flags"] == "TAX_LOW;CLASS_D;STOPPED"
    assert pe.loc["factory", "treatment"] == "EXIT"
    assert pe.loc["factory", "path_zh"] == "协议收回、收储、兼并重组、司法处置或改建小微园"
    assert pe.loc["factory", "reason_zh"] == "已满一年无税收和增加值，已停产"
    assert not pe.loc["factory", "IDLE_LAND"]
    assert pe.loc["never", "flags"] == "FAR_LOW;COVERAGE_LOW;IDLE_LAND;VACANT"
    assert not pe.loc["never", "STOPPED"]  # never built: not a stopped factory
    assert pe.loc["never", "reason_zh"] == "约定2021年3月1日动工，至2024年12月31日未动工，闲置3.8年"
    assert pe.loc["never", "path_zh"] == "无偿收回"
    assert pe.loc["late", "path_zh"] == "征收闲置费"
    assert pe.loc["late", "idle_years"] == pytest.approx(487 / 365.25)
    assert pe.loc["half", "flags"] == "FAR_LOW;COVERAGE_LOW;STOPPED;VACANT"
    assert pe.loc["half", "reason_zh"] == "已满一年无企业使用"
    assert pe.loc["excused", "flags"] == "FAR_LOW;COVERAGE_LOW;VACANT"
    assert "政府原因" in pe.loc["excused", "notes_zh"]
    assert pe.loc["stalled", "IDLE_LAND"]
    assert pe.loc["stalled", "idle_years"] == pytest.approx(1340 / 365.25)
    assert pe.loc["stalled", "reason_zh"] == "开发比例20%，已中止开发约3.7年，属闲置土地"
    assert bool(pe.loc["stalled", "needs_check"])
    assert "中止开发日期未知" in pe.loc["stalled", "check_reason_zh"]
    assert pe.loc["busy", "treatment"] == "KEEP"


def test_a_closed_main_occupant_shows_its_status():
    parcels = [
        Parcel("shut", 20.0, [("X1", "own", 20.0)], built_year=2005),
        Parcel("open", 20.0, [("Y1", "own", 20.0)]),
    ]
    # X1 closed (停业) and filed nothing in 2024: no scores, no class.
    firms = [Firm("X1", status="停业", scored=False), Firm("Y1", tax=100.0)]
    res = world(parcels, firms)
    pe = res.parcel_eval.set_index("parcel_id")
    shut = pe.loc["shut"]
    assert shut["status"] == "停业"
    assert pd.isna(shut["class"])
    assert shut["flags"] == "STOPPED"
    assert shut["treatment"] == "EXIT"
    assert shut["reason_zh"] == "主要用地企业企业X1已停业"
    # Its figures are missing, not zero: the decision is to be checked.
    assert np.isnan(shut["tax_per_mu"]) and shut["known_share"] == 0.0
    assert bool(shut["needs_check"])
    assert pd.isna(pe.loc["open", "status"])


def test_d_twice_is_rectified_d_three_years_exits():
    parcels = [
        Parcel("twice", 20.0, [("D2", "own", 20.0)]),
        Parcel("thrice", 20.0, [("D3", "own", 20.0)]),
    ]
    firms = [
        Firm("D2", classes=("D", "D", "B"), tax=100.0),
        Firm("D3", classes=("D", "D", "D"), tax=100.0),
    ]
    pe = world(parcels, firms).parcel_eval.set_index("parcel_id")
    assert pe.loc["twice", "treatment"] == "UPGRADE"
    assert pe.loc["twice", "path_zh"] == "限期整改"
    assert pe.loc["twice", "reason_zh"] == "企业D2连续两年亩均评价为D类"
    assert pe.loc["thrice", "treatment"] == "EXIT"
    assert pe.loc["thrice", "path_zh"] == "关停腾退"


def test_suspect_values_mark_the_decision():
    parcels = [Parcel("p", 20.0, [("F1", "own", 20.0)]), Parcel("q", 20.0, [("F2", "own", 20.0)])]
    firms = [Firm("F1", classes=("C", "B", "B")), Firm("F2")]
    suspect = pd.DataFrame(
        {"uscc": ["F1"], "year": [2024], "field": ["tax"], "code": ["TAX_JUMP"],
         "severity": ["warning"], "message_zh": ["税收较上年增长超过100倍"]}
    )  # fmt: skip
    pe = world(parcels, firms, suspect_values=suspect).parcel_eval.set_index("parcel_id")
    assert bool(pe.loc["p", "needs_check"]) and not pe.loc["q", "needs_check"]
    assert pe.loc["p", "check_reason_zh"] == "用地企业数据超出合理范围，待核实（F1 2024年tax）"


def test_class_flags_count_when_the_firms_use_half():
    # Two class-C lessees of 25 % each: together half the parcel → CLASS_C; each alone is
    # under half, so one of them with a class-B partner leaves the parcel unflagged.
    both = Parcel("both", 40.0, [("O", "own", 20.0), ("L1", "lease", 10.0), ("L2", "lease", 10.0)])
    firms = [
        Firm("O", classes=("B", "B", "B"), tax=80.0),
        Firm("L1", classes=("C", "B", "B")),
        Firm("L2", classes=("C", "B", "B")),
    ]
    pe = world([both], firms).parcel_eval.set_index("parcel_id")
    assert pe.loc["both", "CLASS_C"] and pe.loc["both", "treatment"] == "UPGRADE"
    assert pe.loc["both", "reason_zh"] == "企业L1、企业L2亩均评价为C类"
    firms[2] = Firm("L2", classes=("B", "B", "B"))
    res = world([both], firms)
    pe = res.parcel_eval.set_index("parcel_id")
    assert not pe.loc["both", "CLASS_C"] and pe.loc["both", "treatment"] == "KEEP"
    assert res.firm_actions["action"].tolist() == ["RECTIFY"]


def test_coverage_from_the_raster_decides_nothing_but_is_checked_where_it_would():
    parcels = [
        Parcel("roofs", 20.0, [("T1", "own", 20.0)], coverage=0.2),
        Parcel("roofs_a", 20.0, [("A1", "own", 20.0)], coverage=0.2),
    ]
    firms = [Firm("T1", classes=("C", "C", "B")), Firm("A1", classes=("A", "A", "A"))]
    pe = world(parcels, firms).parcel_eval.set_index("parcel_id")
    # C firm: UPGRADE by its class; counted, the coverage would make it REBUILD.
    assert pe.loc["roofs", "treatment"] == "UPGRADE"
    assert "COVERAGE_LOW" in pe.loc["roofs", "flags"]
    assert bool(pe.loc["roofs", "needs_check"])
    assert pe.loc["roofs", "check_reason_zh"].startswith("建筑系数仅据遥感估算")
    # A firm: kept, not on the 增容潜力 list for a raster-only coverage; checked on site.
    assert pe.loc["roofs_a", "treatment"] == "KEEP"
    assert not pe.loc["roofs_a", "capacity_potential"]
    assert bool(pe.loc["roofs_a", "needs_check"])
    # With coverage from a survey that counts structures and yards, it decides.
    cfg = load_config(None, flags={"coverage_decides": True})
    pe = world(parcels, firms, config=cfg).parcel_eval.set_index("parcel_id")
    assert pe.loc["roofs", "treatment"] == "REBUILD"
    assert bool(pe.loc["roofs_a", "capacity_potential"])
    assert not pe["needs_check"].any()

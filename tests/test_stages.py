"""The zoning and treatments stage (landeval.stages.zone_and_treat) on six hand-made parcels.

Every treatment, the ledger, the summaries and the trends of every level.

Each parcel is 100 m × 100 m = 10000 m² = 15 mu, at x = 0, 100, 200, 300, 400 and 700.
Platforms: P1 (tier 2) x 0–300, P2 (tier N) x 300–600. Line: x 0–250. Year 2024.
County benchmark of tax per mu: occupied e2..e6 pay 30 + 45 + 15 + 90 + 60 = 240 万元 on
75 mu = 3.2 (TAX_LOW below 1.6); in 2023 28 + 40 + 15 + 90 + 60 = 233 on 75 mu = 3.107
(below 1.553). e4 pays 1.0 per mu both years: TAX_LOW.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from landeval.config import default_config
from landeval.inputs.model import RESULT_COLUMNS
from landeval.review import PARCEL_EVAL_REVIEW_COLUMNS
from landeval.stages import zone_and_treat
from landeval.treatments import PARCEL_EVAL_EXTRA_COLUMNS

CRS = "EPSG:4549"
YEAR = 2024
A = "330602"
X = {"e1": 0, "e2": 100, "e3": 200, "e4": 300, "e5": 400, "e6": 700}


def _inputs() -> dict:
    ids = list(X)
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": ids,
            "county_code": [A] * 6,
            "land_use": ["100101"] * 6,
            "planned_use": ["100101", "100101", "0701", "100101", "100101", "100101"],
            "registered_area_m2": [10000.0] * 6,
            "floor_area_m2": [np.nan] * 6,
            "built_year": pd.array([2010, 2000, 2010, 2010, 2015, 2015], dtype="Int64"),
            "area_m2": [10000.0] * 6,
            "area_mu": [15.0] * 6,
        },
        geometry=[box(x, 0, x + 100, 100) for x in X.values()],
        crs=CRS,
    )
    platforms = gpd.GeoDataFrame(
        {
            "platform_id": ["P1", "P2"],
            "name": ["袍江经开区", "孙端小微园"],
            "tier": ["2", "N"],
            "kind": ["经济技术开发区", "小微企业园"],
            "county_code": [A, A],
        },
        geometry=[box(0, 0, 300, 100), box(300, 0, 600, 100)],
        crs=CRS,
    )
    line = gpd.GeoDataFrame({"county_code": [A]}, geometry=[box(0, 0, 250, 100)], crs=CRS)
    changes = gpd.GeoDataFrame(
        {
            "change_id": ["s1"],
            "kind": ["supplement"],
            "county_code": [A],
            "planned_use": ["100101"],
            "approved_on": pd.to_datetime(["2024-03-01"]),
        },
        geometry=[box(1000, 0, 1100, 40)],  # 4000 m² = 6 mu outside the line
        crs=CRS,
    )
    # parcel → (uscc, industry, class, {year: (tax, value added)})
    occ = {
        "e2": ("F2", "C1711", "B", {2023: (28.0, 50.0), 2024: (30.0, 60.0)}),
        "e3": ("F3", "C3911", "A", {2023: (40.0, 80.0), 2024: (45.0, 90.0)}),
        "e4": ("F4", "C3411", "C", {2023: (15.0, 30.0), 2024: (15.0, 30.0)}),
        "e5": ("F5", "C3511", "A", {2023: (90.0, 150.0), 2024: (90.0, 150.0)}),
        "e6": ("F6", "C3811", "B", {2023: (60.0, 100.0), 2024: (60.0, 100.0)}),
    }
    ps_rows, alloc_rows = [], []
    for year in (2023, 2024):
        for pid in ids:
            if pid in occ:
                uscc, ind, cls, money = occ[pid]
                tax, va = money[year]
                ps_rows.append((pid, year, 1, uscc, ind, tax, va, cls))
                alloc_rows.append((uscc, year, pid, "own", 10000.0, 1.0, "above", tax, va))
            else:
                ps_rows.append((pid, year, 0, None, None, np.nan, np.nan, None))
    ps = pd.DataFrame(
        ps_rows,
        columns=[
            "parcel_id",
            "year",
            "n_occupants",
            "main_uscc",
            "main_industry",
            "tax",
            "value_added",
            "class",
        ],
    )
    ps["area_m2"], ps["area_mu"] = 10000.0, 15.0
    ps["main_name"] = ps["main_uscc"].map(lambda u: None if u is None else f"企业{u}")
    ps["occupant_names"] = ps["main_name"]
    ps["tax_per_mu"] = ps["tax"] / 15.0
    ps["va_per_mu"] = ps["value_added"] / 15.0
    allocation = pd.DataFrame(alloc_rows, columns=RESULT_COLUMNS["allocation"])
    raster = pd.DataFrame(
        {
            "parcel_id": ids,
            "coverage": [0.0, 0.5, 0.5, 0.5, 0.5, 0.5],
            "far": [0.0, 0.5, 1.2, 1.2, 1.2, 1.2],
            "far_source": ["raster"] * 6,
            "vacant_share": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        }
    )
    firms = pd.DataFrame(
        {
            "uscc": [v[0] for v in occ.values()],
            "name": [f"企业{v[0]}" for v in occ.values()],
            "industry_code": [v[1] for v in occ.values()],
        }
    )
    firm_scores = pd.DataFrame(
        [
            (uscc, year, f"企业{uscc}", ind, cls, 1.0)
            for uscc, ind, cls, _ in occ.values()
            for year in (2023, 2024)
        ],
        columns=["uscc", "year", "name", "industry_code", "class", "known_weight_share"],
    )
    return {
        "parcels": parcels,
        "platforms": platforms,
        "control_line": line,
        "land_changes": changes,
        "parcel_scores": ps,
        "firm_scores": firm_scores,
        "parcel_raster": raster,
        "firms": firms,
        "veto": None,
        "allocation": allocation,
    }


def _run(**over):
    kwargs = _inputs() | over
    return zone_and_treat(**kwargs, config=default_config(), year=YEAR)


def test_parcel_eval_columns_and_treatments():
    inputs = _inputs()
    copies = {k: (v.copy() if v is not None else None) for k, v in inputs.items()}
    res = zone_and_treat(**inputs, config=default_config(), year=YEAR)
    pe = res.parcel_eval
    assert list(pe.columns) == (
        RESULT_COLUMNS["parcel_eval"] + PARCEL_EVAL_EXTRA_COLUMNS + PARCEL_EVAL_REVIEW_COLUMNS
    )
    assert isinstance(pe, gpd.GeoDataFrame) and pe.crs == inputs["parcels"].crs
    t = pe.set_index("parcel_id")
    assert t["treatment"].to_dict() == {
        "e1": "EXIT", "e2": "KEEP", "e3": "CONVERT", "e4": "UPGRADE", "e5": "KEEP",
        "e6": "KEEP",
    }  # fmt: skip
    assert t["flags"].to_dict() == {
        # built (2010), no occupant: 停产; a vacant share of 100 %: VACANT.
        "e1": "FAR_LOW;COVERAGE_LOW;STOPPED;VACANT",
        "e2": "FAR_LOW;OLD_BUILDINGS",  # 0.5 < 0.8 (C17); built 2000 ≤ 2004
        "e3": "PLAN_CONFLICT",
        "e4": "TAX_LOW;CLASS_C",  # 15/15 = 1.0 < 1.6 in 2024 and < 1.553 in 2023
        "e5": "",
        "e6": "",
    }
    assert t.loc["e1", "reason_zh"] == "已满一年无企业使用"
    # A class-B firm with old, low buildings is kept, on the 增容潜力 list.
    assert t.loc["e2", "reason_zh"] == (
        "亩均评价为B类，容积率0.5低于纺织业最低标准0.8，保留，列入增容潜力清单（可加层增容）"
    )
    assert t["capacity_potential"].tolist() == [False, True, False, False, False, False]
    assert res.capacity_parcels["parcel_id"].tolist() == ["e2"]
    assert t.loc["e3", "reason_zh"] == "规划用途0701非工业"
    assert t.loc["e4", "reason_zh"] == (
        "亩均税收1.0万元低于本县平均3.2万元的50%（上年1.0万元，本县3.11万元），"
        "且企业F4亩均评价为C类"
    )
    assert t.loc["e5", "reason_zh"] == "未发现低效情形，保留"
    assert t["path_zh"].fillna("-").to_dict() == {
        "e1": "协议收回、收储、兼并重组、司法处置或改建小微园",
        "e2": "-",
        "e3": "用途调整（按改一补一办理）",
        "e4": "企业自主改造",
        "e5": "-",
        "e6": "-",
    }
    assert t["owner_names"].fillna("-").tolist() == [
        "-",
        "企业F2",
        "企业F3",
        "企业F4",
        "企业F5",
        "企业F6",
    ]
    assert not t["needs_check"].any()
    assert len(res.firm_actions) == 0
    assert t["control_share"].tolist() == pytest.approx([1.0, 1.0, 0.5, 0, 0, 0])
    assert t["inside_line"].tolist() == [True, True, True, False, False, False]
    assert t["straddling"].tolist() == [False, False, True, False, False, False]
    assert t["must_stay_industrial"].tolist() == [True, False, False, False, False, False]
    assert t["platform_id"].fillna("-").tolist() == ["P1", "P1", "P1", "P2", "P2", "-"]
    assert t.loc["e6", "platform_name"] == "平台外"
    assert t["county_name"].unique().tolist() == ["越城区"]
    assert t["county_tax_per_mu"].tolist() == pytest.approx([3.2] * 6)
    for k, v in inputs.items():
        if v is not None:
            pd.testing.assert_frame_equal(v, copies[k])


def test_ledger_and_items():
    res = _run()
    ledger = res.balance_ledger.set_index("county_code")
    # Nothing converted is approved; s1 gives 6 mu. e3, half inside the line, is proposed
    # for conversion: 7.5 mu 拟改, so the balance would be 6 − 7.5 = −1.5 if approved.
    assert ledger.loc[A, "converted_mu"] == 0.0
    assert ledger.loc[A, "compensated_mu"] == pytest.approx(6.0)
    assert ledger.loc[A, "balance_mu"] == pytest.approx(6.0)
    assert bool(ledger.loc[A, "balanced"])
    assert ledger.loc[A, "proposed_mu"] == pytest.approx(7.5)
    assert ledger.loc[A, "balance_if_approved_mu"] == pytest.approx(-1.5)
    assert ledger.loc["city", "balance_if_approved_mu"] == pytest.approx(-1.5)
    items = res.balance_items.set_index("item_id")
    assert items.loc["e3", "status"] == "proposed" and not items.loc["e3", "counted"]
    assert items.loc["e3", "why_zh"] == (
        "尚未批准（拟改），控制线内7.5亩计入拟改面积：部分位于现状控制线外（7.5亩不计）"
    )
    assert items.loc["e3", "main_name"] == "企业F3"
    assert items.loc["e3", "reason_zh"] == "规划用途0701非工业"
    assert items.loc["s1", "counted_mu"] == pytest.approx(6.0)
    assert bool(items.loc["s1", "counted"])


def test_platform_summary_and_trends():
    res = _run()
    s = res.platform_summary
    assert list(s.columns) == RESULT_COLUMNS["platform_summary"]
    s = s.set_index(["level", "platform_id"])
    p1, p2 = s.loc[("platform", "P1")], s.loc[("platform", "P2")]
    assert (p1["parcels"], p1["area_mu"]) == (3, pytest.approx(45.0))
    # P1: tax 0 + 30 + 45 = 75, value added 60 + 90 = 150 over 45 mu.
    assert p1["tax"] == pytest.approx(75.0)
    assert p1["tax_per_mu"] == pytest.approx(75 / 45)
    assert p1["va_per_mu"] == pytest.approx(150 / 45)
    assert (p1["area_mu_A"], p1["area_mu_B"], p1["area_mu_unclassed"]) == (15.0, 15.0, 15.0)
    assert p1["low_eff_area_mu"] == pytest.approx(30.0)  # e1 and e3: e2 is kept
    assert (p1["area_mu_EXIT"], p1["area_mu_KEEP"], p1["area_mu_CONVERT"]) == (15, 15, 15)
    # P2: tax 15 + 90 = 105 on 30 mu, value added 180; only e4 (UPGRADE) is low efficiency.
    assert p2["tax_per_mu"] == pytest.approx(3.5)
    assert p2["va_per_mu"] == pytest.approx(6.0)
    assert p2["low_eff_area_mu"] == pytest.approx(15.0)
    assert p2["area_mu_KEEP"] == pytest.approx(15.0)
    # Trend of above-scale VA per mu: P1 130 → 150 on 30 mu of firms: +15.38 %; P2 flat.
    assert p1["va_cagr"] == pytest.approx(150 / 130 - 1)
    assert bool(p1["meets_target"]) is True
    assert p2["va_cagr"] == pytest.approx(0.0)
    assert bool(p2["meets_target"]) is False
    tier2 = s.loc[("tier", "2")]
    assert tier2["name"] == "战略平台"
    assert tier2["area_mu"] == pytest.approx(45.0)
    assert tier2["va_cagr"] == pytest.approx(150 / 130 - 1)
    # Every level in one table, sorted by level, region and year.
    assert list(res.trends.columns) == RESULT_COLUMNS["trends"]
    levels = res.trends.drop_duplicates(["level", "region_id"])
    assert levels[["level", "region_id"]].to_numpy().tolist() == [
        ["city", default_config().project.city], ["county", A], ["platform", "P1"],
        ["platform", "P2"], ["tier", "2"], ["tier", "N"],
    ]  # fmt: skip
    city = res.trends.set_index(["level", "year"]).loc[("city", YEAR)]
    # Above-scale firms on e2..e6: value added 60 + 90 + 30 + 150 + 100 = 430 on 75 mu.
    assert city["va_per_mu"] == pytest.approx(430 / 75)


def test_optional_layers_missing():
    res = _run(
        platforms=None, control_line=None, land_changes=None, parcel_raster=None, allocation=None
    )
    pe = res.parcel_eval
    assert pe["platform_id"].isna().all()
    assert (pe["platform_name"] == "平台外").all()
    assert not pe["inside_line"].any()
    assert not pe["must_stay_industrial"].any()
    assert len(res.platform_summary) == 0
    assert list(res.platform_summary.columns) == RESULT_COLUMNS["platform_summary"]
    # Without a line the CONVERT parcel converts nothing that needs compensation.
    ledger = res.balance_ledger.set_index("county_code")
    assert ledger.loc[A, "converted_mu"] == 0.0
    assert ledger.loc[A, "proposed_mu"] == 0.0
    assert bool(ledger.loc[A, "balanced"])
    # Without an allocation there is nothing to trend.
    assert len(res.trends) == 0
    assert list(res.trends.columns) == RESULT_COLUMNS["trends"]
    # Without raster: FAR from floor area, which is missing here, so e2 is only OLD.
    assert pe.set_index("parcel_id").loc["e2", "treatment"] == "KEEP"


def test_trends_without_platforms_are_the_city_and_county_levels():
    res = _run(platforms=None)
    assert res.trends[["level", "region_id"]].drop_duplicates().to_numpy().tolist() == [
        ["city", default_config().project.city],
        ["county", A],
    ]
    assert len(res.platform_summary) == 0

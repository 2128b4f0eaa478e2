"""Small but realistic result tables per the contract of landeval.inputs.model.RESULT_COLUMNS.

Ten parcels in three Shaoxing counties with every treatment, two hostile firm names
(a spreadsheet formula and an HTML script) and parcel codes starting with "-" and "+".
Hand-computed facts the tests check:

- action parcels / area (mu): REBUILD 2 / 35, UPGRADE 3 / 67, CONVERT 1 / 20, EXIT 2 / 33;
  KEEP 2 / 75; all parcels 10 / 230; on the action lists 8 / 155.
- by county (actions): 330602 4 / 72, 330603 2 / 53, 330604 2 / 30.
- firms evaluated in 2024: 5 of 6 (one class T); classes A 1, B 2, C 1, D 1, T 1.
- city va_per_mu 100 → 128 over 2021–2024: CAGR 8.57 %, meets 8.5 %.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.findings import FINDING_COLUMNS
from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import M2_PER_MU

CRS = "EPSG:4549"
YEAR = 2024
XSS_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://x","y")'
COUNTY_NAMES = {"330602": "越城区", "330603": "柯桥区", "330604": "上虞区"}

# parcel_id, county, area mu, treatment, tier, platform, class, main name, flags
_PARCELS = [
    (
        "330602001001GB00001",
        "330602",
        30.0,
        "REBUILD",
        "2",
        "袍江经开区",
        "C",
        FORMULA_NAME,
        ["FAR_LOW", "CLASS_C", "OLD_BUILDINGS"],
    ),
    (
        "330602001001GB00002",
        "330602",
        12.0,
        "UPGRADE",
        "6",
        "镜湖高新区",
        "C",
        XSS_NAME,
        ["CLASS_C"],
    ),
    (
        "330603001001GB00003",
        "330603",
        45.0,
        "UPGRADE",
        "2",
        "柯桥经开区",
        "D",
        "绍兴纺织印染有限公司",
        ["CLASS_D", "TAX_LOW"],
    ),
    ("330603001001GB00004", "330603", 8.0, "EXIT", "N", "马鞍小微园", None, None, ["STOPPED"]),
    (
        "-330602001001GB00005",
        "330602",
        20.0,
        "CONVERT",
        None,
        None,
        "B",
        "越城五金厂",
        ["PLAN_CONFLICT"],
    ),
    (
        "330603001001GB00006",
        "330603",
        15.0,
        "KEEP",
        "2",
        "柯桥经开区",
        "A",
        "柯桥新材料股份公司",
        [],
    ),
    (
        "330604001001GB00007",
        "330604",
        60.0,
        "KEEP",
        "2",
        "杭州湾上虞经开区",
        "A",
        "上虞医药股份公司",
        [],
    ),
    (
        "+330604001001GB00008",
        "330604",
        5.0,
        "REBUILD",
        "6",
        "上虞城区工业园",
        "D",
        "上虞化纤厂",
        ["COVERAGE_LOW", "CLASS_D"],
    ),
    (
        "330604001001GB00009",
        "330604",
        25.0,
        "EXIT",
        "N",
        "上虞小微园",
        "D",
        "上虞橡胶制品厂",
        ["CLASS_D_3Y", "CLASS_D_TWICE", "CLASS_D"],
    ),
    ("330602001001GB00010", "330602", 10.0, "UPGRADE", None, None, "C", "越城服装厂", ["TAX_LOW"]),
]

_FLAG_ZH = {
    "FAR_LOW": "容积率低于行业标准",
    "COVERAGE_LOW": "建筑系数低于30%",
    "TAX_LOW": "亩均税收低于县均一半",
    "CLASS_C": "C类企业用地",
    "CLASS_D": "D类企业用地",
    "CLASS_D_TWICE": "连续两年D类",
    "CLASS_D_3Y": "连续三年D类",
    "STOPPED": "停产",
    "PLAN_CONFLICT": "规划用途非工业",
    "OLD_BUILDINGS": "建成超过20年",
}
_TREATMENT_ZH = {
    "EXIT": "关停退出",
    "CONVERT": "功能转型",
    "REBUILD": "拆除重建",
    "UPGRADE": "整治提升",
    "KEEP": "保留",
}
_RULE = {"EXIT": "EXIT", "CONVERT": "CONVERT", "REBUILD": "REBUILD", "UPGRADE": "UPGRADE"}
_PATH = {
    "EXIT": ("CLOSE_VACATE", "关停腾退"),
    "CONVERT": ("USE_CHANGE", "用途调整（按改一补一办理）"),
    "REBUILD": ("REDEVELOP", "二次开发（权利人自主）或收储后再出让"),
    "UPGRADE": ("SELF_RENOVATION", "企业自主改造"),
}


def _square(x0: float, y0: float, area_mu: float) -> shapely.Polygon:
    side = math.sqrt(area_mu * M2_PER_MU)
    return shapely.box(x0, y0, x0 + side, y0 + side)


def parcel_eval() -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for i, (pid, county, mu, treat, tier, platform, cls, main, flags) in enumerate(_PARCELS):
        geom = _square(500_000 + i * 1_000, 3_320_000, mu)
        geoms.append(geom)
        inside = treat in {"REBUILD", "EXIT", "CONVERT", "KEEP"} and i != 8
        rows.append(
            {
                "parcel_id": pid,
                "county_code": county,
                "county_name": COUNTY_NAMES[county],
                "area_m2": geom.area,
                "area_mu": geom.area / M2_PER_MU,
                "land_use": "100101",
                "planned_use": "0701" if treat == "CONVERT" else "100101",
                "built_year": 1998 + i,
                "platform_id": None if tier is None else f"P{i}",
                "platform_name": platform,
                "tier": tier,
                "platform_share": 0.0 if tier is None else 1.0,
                "control_share": 0.9 if inside else 0.1,
                "inside_line": inside,
                "straddling": not inside,
                "main_uscc": None if main is None else f"91330600MA2{i:07d}",
                "main_name": main,
                "occupant_names": None if main is None else f"{main}、绍兴配套加工厂",
                "n_occupants": 0 if main is None else 2,
                "industry_code": "C17",
                "class": cls,
                "tax_per_mu": np.nan if main is None else 5.0 + i,
                "va_per_mu": np.nan if main is None else 40.0 + 2 * i,
                "far": 0.55 + 0.1 * i,
                "far_source": "registered",
                "far_min": 0.8,
                "coverage": 0.25 + 0.03 * i,
                "vacant_share": 0.6 if treat == "EXIT" else 0.05,
                "flags": flags,
                "flags_zh": "、".join(_FLAG_ZH[f] for f in flags),
                "treatment": treat,
                "treatment_zh": _TREATMENT_ZH[treat],
                "rule": _RULE.get(treat),
                "reason_zh": "；".join(_FLAG_ZH[f] for f in flags) or None,
                "must_stay_industrial": inside and treat in {"EXIT", "REBUILD"},
                "township": None,
                "location": None,
                "title_no": None,
                "owner_names": main,
                "user_names": None if main is None else "绍兴配套加工厂",
                "status": "停业" if main is None else None,
                "known_share": 1.0,
                "path_code": _PATH.get(treat, (None, None))[0],
                "path_zh": _PATH.get(treat, (None, None))[1],
                "firm_actions_zh": None,
                "capacity_potential": False,
                "needs_check": False,
                "check_reason_zh": None,
            }
        )
    frame = pd.DataFrame(rows)
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs=CRS)
    return gdf[RESULT_COLUMNS["parcel_eval"]]


# uscc suffix, name, county, scale, class, evaluated, score, rank, n, land_mu
_FIRMS = [
    ("01", FORMULA_NAME, "330602", "above", "A", True, 130.0, 1, 3, 30.0),
    ("02", XSS_NAME, "330602", "above", "C", True, 60.0, 3, 3, 12.0),
    ("03", "绍兴纺织印染有限公司", "330603", "above", "D", True, 40.0, 2, 2, 45.0),
    ("04", "上虞化纤厂", "330604", "below", "B", True, 90.0, 1, 1, 5.0),
    ("05", "柯桥新创科技公司", "330603", "above", "T", False, np.nan, np.nan, np.nan, 3.0),
    ("06", "越城五金厂", "330602", "above", "B", True, 95.0, 2, 3, 20.0),
]


def firm_scores() -> pd.DataFrame:
    rows = []
    for year in (YEAR - 1, YEAR):
        for suffix, name, county, scale, cls, evaluated, score, rank, n, mu in _FIRMS:
            tax = mu * 6.0
            va = mu * 45.0
            row = dict.fromkeys(RESULT_COLUMNS["firm_scores"], np.nan)
            row.update(
                {
                    "uscc": f"9133060{suffix}MA2C0000X",
                    "year": year,
                    "name": name,
                    "county_code": county,
                    "scale": scale,
                    "industry_code": "C17",
                    "group": f"{county}|{scale}",
                    "land_m2": mu * M2_PER_MU,
                    "land_mu": mu,
                    "tax": tax,
                    "value_added": va,
                    "electricity_kwh": 1.0e6,
                    "tax_per_mu": tax / mu,
                    "va_per_mu": va / mu,
                    "rd_intensity": 0.031,
                    "tax_per_kwh": tax / 1.0e6,
                    "evaluated": evaluated,
                    "score": score,
                    "rank": rank,
                    "n_in_group": n,
                    "class": cls,
                    "class_reason": "新投产企业" if cls == "T" else None,
                    "veto_reason": None,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows)[RESULT_COLUMNS["firm_scores"]]


def trends() -> pd.DataFrame:
    rows = []
    series = {
        ("city", "330600"): [100.0, 108.0, 118.0, 128.0],
        ("county", "330602"): [120.0, 125.0, 130.0, 135.0],
        ("county", "330603"): [80.0, 88.0, 96.0, 104.0],
        ("county", "330604"): [90.0, 95.0, 99.0, 104.0],
    }
    for (level, region), values in series.items():
        cagr = (values[-1] / values[0]) ** (1 / 3) - 1
        for k, value in enumerate(values):
            rows.append(
                {
                    "level": level,
                    "region_id": region,
                    "year": 2021 + k,
                    "land_mu": 100.0,
                    "value_added": value * 100,
                    "tax": value * 10,
                    "va_per_mu": value,
                    "tax_per_mu": value / 10,
                    "va_growth": np.nan if k == 0 else value / values[k - 1] - 1,
                    "va_cagr": cagr,
                    "tax_cagr": cagr,
                    "target_growth": 0.085,
                    "meets_target": cagr >= 0.085,
                }
            )
    return pd.DataFrame(rows)[RESULT_COLUMNS["trends"]]


def balance_ledger() -> pd.DataFrame:
    # county, converted, compensated, proposed (拟改)
    rows = [
        ("330602", 26.5, 30.0, 20.0),
        ("330603", 10.0, 4.0, 0.0),
        ("330604", 0.0, 0.0, 0.0),
        ("city", 36.5, 34.0, 20.0),  # the zoning stage's city row
    ]
    frame = pd.DataFrame(
        [
            {
                "county_code": c,
                "county_name": COUNTY_NAMES.get(c, "全市"),
                "converted_mu": conv,
                "compensated_mu": comp,
                "balance_mu": comp - conv,
                "balanced": comp - conv >= -0.01,
                "proposed_mu": prop,
                "proposed_supplement_mu": 0.0,
                "balance_if_approved_mu": comp - conv - prop,
            }
            for c, conv, comp, prop in rows
        ]
    )
    frame["scope"] = "county"
    frame["decisive"] = frame["county_code"] != "city"
    return frame[[*RESULT_COLUMNS["balance_ledger"], "scope", "decisive"]]


def balance_items() -> gpd.GeoDataFrame:
    items = [
        ("-330602001001GB00005", "parcel", "330602", "convert", "0701", 20.0, 20.0, False,
         "尚未批准（拟改），控制线内20亩计入拟改面积"),
        ("C1", "land_change", "330602", "convert", "0701", 6.5, 6.5, True,
         "2023年5月1日批准，控制线内6.5亩计入转出面积"),
        ("C2", "land_change", "330603", "convert", "0801", 10.0, 10.0, True,
         "2023年6月1日批准，控制线内10亩计入转出面积"),
        ("S1", "land_change", "330602", "supplement", "100101", 30.0, 30.0, True,
         "2023年1月1日批准，工业规划用途、控制线外30亩计入补充面积"),
        ("S2", "land_change", "330603", "supplement", "100101", 4.0, 4.0, True,
         "2023年2月1日批准，工业规划用途、控制线外4亩计入补充面积"),
        ("S3", "land_change", "330603", "supplement", "100101", 5.0, 0.0, True,
         "2023年3月1日批准，不计入：位于现有控制线内"),
    ]  # fmt: skip
    rows, geoms = [], []
    for k, (iid, src, county, kind, use, mu, counted_mu, approved, why) in enumerate(items):
        geoms.append(_square(600_000 + k * 1_000, 3_320_000, mu))
        rows.append(
            {
                "item_id": iid,
                "source": src,
                "kind": kind,
                "county_code": county,
                "status": "approved" if approved else "proposed",
                "approved_on": pd.Timestamp("2023-05-01") if approved else pd.NaT,
                "approval_no": None,
                "counted": approved and counted_mu > 0,
                "why_zh": why,
                "area_mu": mu,
                "inside_line_mu": mu if kind == "convert" else 0.0,
                "outside_line_mu": 0.0 if kind == "convert" else mu,
                "main_name": "越城五金厂" if src == "parcel" else None,
                "reason_zh": "规划用途0701非工业" if src == "parcel" else None,
                "offsets": None,
                "planned_use": use,
                "counted_mu": counted_mu,
                "why_not_counted": None if counted_mu > 0 else "位于现有控制线内",
            }
        )
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)[
        [*RESULT_COLUMNS["balance_items"], "planned_use", "counted_mu", "why_not_counted"]
    ]


def platform_summary() -> pd.DataFrame:
    rows = []
    for pid, name, tier, county, mu in [
        ("P0", "袍江经开区", "2", "330602", 30.0),
        ("P2", "柯桥经开区", "2", "330603", 60.0),
    ]:
        row = dict.fromkeys(RESULT_COLUMNS["platform_summary"], np.nan)
        row.update(
            {
                "level": "platform",
                "platform_id": pid,
                "name": name,
                "tier": tier,
                "kind": "经济技术开发区",
                "county_code": county,
                "parcels": 1,
                "area_mu": mu,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)[RESULT_COLUMNS["platform_summary"]]


def findings() -> pd.DataFrame:
    rows = [
        (
            "warning",
            "USCC_CHECK",
            "firms",
            "=cmd|' /C calc'!A0",
            "uscc",
            "统一社会信用代码校验位错误",
            "核对企业名录",
        ),
        (
            "info",
            "GEOMETRY_REPAIRED",
            "parcels",
            "330602001001GB00002",
            "geometry",
            "几何无效，已用 make_valid 修复",
            "",
        ),
    ]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype("object")


def platforms() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "platform_id": ["P0", "P2"],
            "name": ["袍江经开区", "柯桥经开区"],
            "tier": ["2", "2"],
            "kind": ["经济技术开发区", "经济技术开发区"],
            "county_code": ["330602", "330603"],
        },
        geometry=[
            shapely.box(499_000, 3_319_000, 502_000, 3_322_000),
            shapely.box(501_500, 3_319_000, 504_000, 3_322_000),
        ],
        crs=CRS,
    )


def control_line() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"line_id": ["L1"], "county_code": ["330602"]},
        geometry=[shapely.box(499_000, 3_319_000, 510_000, 3_322_000)],
        crs=CRS,
    )


def land_changes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "change_id": ["C1", "S1"],
            "kind": ["convert", "supplement"],
            "county_code": ["330602", "330602"],
            "planned_use": ["0701", "100101"],
            "approved_on": pd.to_datetime(["2024-03-01", "2024-06-30"]),
        },
        geometry=[_square(600_000, 3_320_000, 6.5), _square(603_000, 3_320_000, 30.0)],
        crs=CRS,
    )


def results() -> dict[str, pd.DataFrame]:
    """Every table the writers read, freshly built (tests may compare against a copy)."""
    return {
        "parcel_eval": parcel_eval(),
        "firm_scores": firm_scores(),
        "trends": trends(),
        "balance_ledger": balance_ledger(),
        "balance_items": balance_items(),
        "platform_summary": platform_summary(),
        "findings": findings(),
        "platforms": platforms(),
        "control_line": control_line(),
        "land_changes": land_changes(),
    }


# --- the columns and tables of the round's contract (CONTRACT.md), as the treatments will
# write them: the outputs show them when present ---------------------------------------

CONTRACT_PARCEL = {
    # parcel_id: location, township, title_no, owners, users, status, path, needs_check, why
    "330602001001GB00001": (
        "越城区袍江工业区三江路18号",
        "斗门街道",
        "浙(2019)绍兴市不动产权第0012345号",
        FORMULA_NAME,
        "绍兴配套加工厂",
        None,
        "二次开发（权利人自主改造）",
        False,
        None,
    ),
    "330603001001GB00004": (
        "柯桥区马鞍街道滨海工业区",
        "马鞍街道",
        "浙(2015)绍兴市柯桥区不动产权第0000777号",
        "绍兴马鞍置业有限公司",
        None,
        "注销",
        "协议收回",
        True,
        "空置比例由栅格估算",
    ),
}
"""Per parcel of the fixture: what the parcel layer and the treatments add (others null)."""


def contract_results() -> dict[str, pd.DataFrame]:
    """:func:`results` with the contract's new columns and tables (firm actions, capacity).

    Facts the tests check: parcel 330602001001GB00001 has its 坐落, 乡镇街道, 不动产权证号,
    权利人 (the formula name) and 使用人; parcel 330603001001GB00004 (EXIT) is held by a
    closed firm (注销) and needs checking; firm 01 is vacated from parcel
    330602001001GB00002; parcel 330603001001GB00006 (KEEP, class A) has room to add floors;
    the findings hold one firm-year problem twice (two stages' wording).
    """
    data = results()
    parcels = data["parcel_eval"].copy()
    columns = (
        "location",
        "township",
        "title_no",
        "owner_names",
        "user_names",
        "status",
        "path_zh",
        "needs_check",
        "check_reason_zh",
    )
    for k, column in enumerate(columns):
        parcels[column] = [
            CONTRACT_PARCEL[p][k] if p in CONTRACT_PARCEL else None for p in parcels["parcel_id"]
        ]
    parcels["needs_check"] = parcels["needs_check"].fillna(False).astype(bool)
    parcels["known_share"] = 1.0
    parcels["matched_flags"] = [f[-1:] for f in parcels["flags"]]  # the deciding flag
    parcels["capacity_potential"] = parcels["parcel_id"] == "330603001001GB00006"
    parcels["firm_actions_zh"] = [
        f"{FORMULA_NAME} 腾退（负面清单）" if p == "330602001001GB00002" else None
        for p in parcels["parcel_id"]
    ]
    data["parcel_eval"] = parcels
    data["firm_actions"] = pd.DataFrame(
        {
            "year": [YEAR],
            "parcel_id": ["330602001001GB00002"],
            "uscc": ["913306001MA2C0000X"],
            "name": [FORMULA_NAME],
            "county_code": ["330602"],
            "land_mu": [4.0],
            "parcel_share": [1 / 3],
            "action": ["VACATE"],
            "action_zh": ["腾退"],
            "flag": ["VETO"],
            "reason_zh": ["列入负面清单：环境违法行为受到行政处罚"],
        }
    )
    data["capacity_parcels"] = pd.DataFrame(
        {
            "year": [YEAR],
            "parcel_id": ["330603001001GB00006"],
            "county_code": ["330603"],
            "platform_id": ["P5"],
            "class": ["A"],
            "main_uscc": ["91330600MA20000005"],
            "main_name": ["柯桥新材料股份公司"],
            "area_mu": [15.0],
            "far": [1.05],
            "far_min": [0.8],
            "coverage": [0.28],
            "flags": ["COVERAGE_LOW"],
            "reason_zh": ["A类企业，建筑系数28%低于30%，可增容"],
        }
    )
    firms = data["firm_scores"].copy()
    firms["bench_tax_per_mu"] = 6.0
    firms["bench_va_per_mu"] = 45.0
    firms.loc[
        (firms["year"] == YEAR - 1) & firms["uscc"].str.startswith("9133060" + "03"), "class"
    ] = "C"
    data["firm_scores"] = firms
    data["allocation"] = pd.DataFrame(
        {
            "uscc": ["913306003MA2C0000X", "913306003MA2C0000X", "913306001MA2C0000X"],
            "year": [YEAR, YEAR, YEAR - 1],
            "parcel_id": ["330603001001GB00003", "330603001001GB00004", "330602001001GB00001"],
            "relation": ["own", "lease", "own"],
            "land_m2": [45 * M2_PER_MU, 2 * M2_PER_MU, 30 * M2_PER_MU],
            "share": [1.0, 0.25, 1.0],
        }
    )
    ledger = data["balance_ledger"].copy()
    ledger["proposed_mu"] = [20.0, 0.0, 0.0, 20.0]
    ledger["proposed_supplement_mu"] = [0.0, 5.0, 0.0, 5.0]
    ledger["balance_if_approved_mu"] = ledger["balance_mu"] - ledger["proposed_mu"]
    data["balance_ledger"] = ledger
    items = data["balance_items"].copy()
    items["status"] = ["proposed", "approved", "approved", "approved", "approved", "proposed"]
    items["approved_on"] = pd.to_datetime(
        [None, "2024-03-01", "2023-05-10", "2024-06-30", "2024-01-15", None]
    )
    items["approval_no"] = [None, "绍市自然资〔2024〕12号", "柯自然资〔2023〕5号", None, None, None]
    items["why_zh"] = [
        "拟功能转型，批准后计入",
        "已批准",
        "已批准",
        "已批准",
        "已批准",
        "位于现有控制线内",
    ]
    items["offsets"] = [None, "S1", "S2", "C1", "C2", None]
    data["balance_items"] = items
    twice = pd.DataFrame(
        [
            (
                "warning",
                "TAX_WITHOUT_OUTPUT",
                "firm_tax",
                "913306003MA2C0000X/2024",
                "uscc",
                "该企业该年度有税收数据但没有统计产出数据",
                "请核对两部门数据的企业名单",
            ),
            (
                "warning",
                "TAX_WITHOUT_OUTPUT",
                "firm_output",
                "913306003MA2C0000X",
                "value_added",
                "2024年有税务数据但无统计数据，增加值等指标按缺失处理",
                "向统计（经信）部门补充该企业该年度的数据",
            ),
        ],
        columns=FINDING_COLUMNS,
    ).astype("object")
    data["findings"] = pd.concat([data["findings"], twice], ignore_index=True)
    return data

"""Synthetic map inputs near Shaoxing (EPSG:4549), shared by the map tests and the benchmark.

``make_map_inputs(n)`` builds frames shaped like the pipeline's results (RESULT_COLUMNS):
parcels on a grid of adjacent cells around each demo platform anchor (DESIGN §3), so that
neighbouring parcels share edges (a coverage), platforms around the grids, a control line,
改一补一 items off to the side, and a platform summary. Two firm names carry markup to test
escaping. The tests at the bottom check the fixture itself.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

CRS = "EPSG:4549"
CELL_W, CELL_H = 120.0, 90.0
XSS_NAME = "<script>alert(1)</script>"
QUOTE_NAME = "\"引号' & <b>粗体</b>有限公司"

# county_code, county_name, lon, lat, platform name, tier, kind
ANCHORS = [
    ("330602", "越城区", 120.63, 30.06, "袍江经济技术开发区", "6", "经济技术开发区"),
    ("330602", "越城区", 120.53, 30.03, "绍兴高新技术产业开发区", "2", "高新区"),
    ("330602", "越城区", 120.76, 30.15, "滨海新城", "2", "新区"),
    ("330603", "柯桥区", 120.47, 30.07, "柯桥经济技术开发区", "6", "经济技术开发区"),
    ("330603", "柯桥区", 120.62, 30.16, "柯桥滨海工业区", "6", "工业区"),
    ("330604", "上虞区", 120.86, 30.17, "杭州湾上虞经济技术开发区", "6", "经济技术开发区"),
    ("330604", "上虞区", 120.87, 30.03, "上虞城区小微企业园", "N", "小微企业园"),
    ("330681", "诸暨市", 120.24, 29.73, "诸暨经济开发区", "6", "经济开发区"),
    ("330681", "诸暨市", 120.17, 29.63, "大唐袜业特色小镇", "N", "特色小镇"),
    ("330683", "嵊州市", 120.82, 29.60, "嵊州经济开发区", "N", "经济开发区"),
    ("330624", "新昌县", 120.91, 29.50, "新昌高新园区", "N", "高新园区"),
]
CLASSES = np.array(["A", "B", "B", "B", "C", "D", "T", None], dtype=object)
FLAG_SETS = [
    [],
    ["FAR_LOW"],
    ["TAX_LOW", "CLASS_C"],
    ["STOPPED"],
    ["PLAN_CONFLICT"],
    ["FAR_LOW", "OLD_BUILDINGS", "CLASS_D"],
    ["COVERAGE_LOW"],
]
TREATMENT_OF = ["KEEP", "UPGRADE", "UPGRADE", "EXIT", "CONVERT", "REBUILD", "UPGRADE"]
TREATMENT_ZH = {
    "EXIT": "关停退出",
    "CONVERT": "功能转型",
    "REBUILD": "拆除重建",
    "UPGRADE": "整治提升",
    "KEEP": "保留",
}
FLAG_ZH = {
    "FAR_LOW": "容积率低于行业标准",
    "COVERAGE_LOW": "建筑系数低于30%",
    "TAX_LOW": "亩均税收低于县均一半",
    "CLASS_C": "C类企业用地",
    "CLASS_D": "D类企业用地",
    "STOPPED": "停产",
    "PLAN_CONFLICT": "规划用途非工业",
    "OLD_BUILDINGS": "建成超过20年",
}


def make_map_inputs(n_parcels: int = 330, *, seed: int = 0) -> dict[str, object]:
    """Frames for ``write_maps``: parcel_eval, platforms, platform_summary, control_line,
    balance_items (all GeoDataFrames in EPSG:4549 except the summary)."""
    rng = np.random.default_rng(seed)
    to_gk = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    per = math.ceil(n_parcels / len(ANCHORS))
    cols = math.ceil(math.sqrt(per * CELL_H / CELL_W))
    rows_ = []
    geoms = []
    plat_geoms = []
    n_done = 0
    for a, (code, cname, lon, lat, pname, tier, _kind) in enumerate(ANCHORS):
        x0, y0 = to_gk.transform(lon, lat)
        take = min(per, n_parcels - n_done)
        if take <= 0:
            plat_geoms.append(shapely.box(x0, y0, x0 + 500, y0 + 500))
            continue
        i = np.arange(take)
        cx, cy = x0 + (i % cols) * CELL_W, y0 + (i // cols) * CELL_H
        cells = shapely.box(cx, cy, cx + CELL_W, cy + CELL_H)
        geoms.extend(cells)
        plat_geoms.append(
            shapely.box(x0 - 60, y0 - 60, cx.max() + CELL_W + 60, cy.max() + CELL_H + 60)
        )
        for k in range(take):
            num = n_done + k
            pattern = int(rng.integers(len(FLAG_SETS)))
            flags = FLAG_SETS[pattern]
            cls = CLASSES[int(rng.integers(len(CLASSES)))] if "STOPPED" not in flags else None
            treatment = TREATMENT_OF[pattern]
            name = f"绍兴{cname[:2]}第{num:05d}号纺织有限公司"
            rows_.append(
                {
                    "parcel_id": f"{code}{a + 1:03d}001GB{num:05d}",
                    "county_code": code,
                    "county_name": cname,
                    "area_m2": CELL_W * CELL_H,
                    "area_mu": CELL_W * CELL_H * 15 / 10000,
                    "platform_id": f"P{a + 1:02d}",
                    "platform_name": pname,
                    "tier": tier,
                    "inside_line": bool(a % 2 == 0),
                    "main_name": None if cls is None else name,
                    "main_uscc": None if cls is None else f"913306{num:012d}",
                    "occupant_names": None if cls is None else name,
                    "land_use": "100102",
                    "planned_use": "0901" if treatment == "CONVERT" else "100102",
                    "n_occupants": 0 if cls is None else 1,
                    "class": cls,
                    "tax_per_mu": None if cls is None else round(float(rng.gamma(2.0, 15.0)), 2),
                    "va_per_mu": None if cls is None else round(float(rng.gamma(2.0, 60.0)), 2),
                    "far": round(float(rng.uniform(0.3, 2.5)), 2),
                    "coverage": round(float(rng.uniform(0.15, 0.7)), 3),
                    "flags": ",".join(flags),
                    "flags_zh": "；".join(FLAG_ZH[f] for f in flags),
                    "treatment": treatment,
                    "treatment_zh": TREATMENT_ZH[treatment],
                    "reason_zh": (
                        f"{TREATMENT_ZH[treatment]}：" + "；".join(FLAG_ZH[f] for f in flags)
                        if flags
                        else ""
                    ),
                    "must_stay_industrial": bool(a % 2 == 0 and treatment in ("EXIT", "REBUILD")),
                }
            )
        n_done += take
    parcels = gpd.GeoDataFrame(pd.DataFrame(rows_), geometry=geoms, crs=CRS)
    # Markup in firm names must show as text and never run.
    occupied = parcels.index[parcels["main_name"].notna()]
    parcels.loc[occupied[0], ["main_name", "occupant_names"]] = XSS_NAME
    parcels.loc[occupied[1], ["main_name", "occupant_names"]] = QUOTE_NAME
    parcels.loc[occupied[2], "occupant_names"] = (
        f"{parcels.loc[occupied[2], 'main_name']}；另一家有限公司"
    )
    platforms = gpd.GeoDataFrame(
        {
            "platform_id": [f"P{a + 1:02d}" for a in range(len(ANCHORS))],
            "name": [a[4] for a in ANCHORS],
            "tier": [a[5] for a in ANCHORS],
            "kind": [a[6] for a in ANCHORS],
            "county_code": [a[0] for a in ANCHORS],
        },
        geometry=plat_geoms,
        crs=CRS,
    )
    control_line = gpd.GeoDataFrame(
        {
            "line_id": [f"L{a:02d}" for a in range(0, len(ANCHORS), 2)],
            "county_code": [ANCHORS[a][0] for a in range(0, len(ANCHORS), 2)],
        },
        geometry=[plat_geoms[a].buffer(30) for a in range(0, len(ANCHORS), 2)],
        crs=CRS,
    )
    items = []
    item_geoms = []
    for a, (code, *_rest) in enumerate(ANCHORS[:6]):
        b = plat_geoms[a].bounds
        for j, kind in enumerate(("convert", "supplement")):
            x = b[2] + 300 + j * 400
            item_geoms.append(shapely.box(x, b[1], x + 250, b[1] + 200))
            counted = not (a == 1 and kind == "supplement")
            items.append(
                {
                    "item_id": f"{kind[:3].upper()}-{code}-{a}",
                    "source": "land_change",
                    "county_code": code,
                    "kind": kind,
                    "planned_use": "100101" if kind == "supplement" else "0701",
                    "area_mu": 75.0,
                    "counted_mu": 75.0 if counted else 0.0,
                    "counted": counted,
                    "why_not_counted": None if counted else "与控制线重叠",
                }
            )
    balance_items = gpd.GeoDataFrame(pd.DataFrame(items), geometry=item_geoms, crs=CRS)
    summary = _platform_summary(parcels, platforms)
    return {
        "parcel_eval": parcels,
        "platforms": platforms,
        "platform_summary": summary,
        "control_line": control_line,
        "balance_items": balance_items,
    }


def _platform_summary(parcels: gpd.GeoDataFrame, platforms: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = []
    for _, p in platforms.iterrows():
        sub = parcels[parcels["platform_id"] == p["platform_id"]]
        area = float(sub["area_mu"].sum())
        row = {
            "level": "platform",
            "platform_id": p["platform_id"],
            "name": p["name"],
            "tier": p["tier"],
            "kind": p["kind"],
            "county_code": p["county_code"],
            "parcels": len(sub),
            "area_mu": area,
            "tax_per_mu": float(sub["tax_per_mu"].mean()) if len(sub) else None,
            "va_per_mu": float(sub["va_per_mu"].mean()) if len(sub) else None,
            "low_eff_area_mu": float(sub.loc[sub["treatment"] != "KEEP", "area_mu"].sum()),
            "va_cagr": 0.072 if p["tier"] == "N" else 0.091,
            "meets_target": p["tier"] != "N",
        }
        for c in "ABCD":
            row[f"area_mu_{c}"] = float(sub.loc[sub["class"] == c, "area_mu"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def test_fixture_shapes():
    data = make_map_inputs(330)
    parcels = data["parcel_eval"]
    assert len(parcels) == 330
    assert parcels.crs.to_epsg() == 4549
    assert parcels["parcel_id"].is_unique
    assert parcels["parcel_id"].str.len().eq(19).all()
    # Adjacent cells share edges: the parcels form a valid coverage.
    assert shapely.coverage_is_valid(np.asarray(parcels.geometry.array))
    assert (parcels["main_name"] == XSS_NAME).sum() == 1
    assert len(data["platforms"]) == len(ANCHORS)
    assert set(data["balance_items"]["kind"]) == {"convert", "supplement"}

"""Low-efficiency flags on hand-made parcels, every number worked out by hand.

Year 2024, every parcel 1000 m². County 330602 has the occupied parcels p1, p2, p4, p5 (10
mu each as the scores say) with tax 100 + 20 + 20 + 50 = 190 万元: benchmark 4.75 万元/亩,
TAX_LOW below 2.375; in 2023 the same parcels paid 90 + 20 + 30 + 50 = 190 (benchmark 4.75
again). p2 is low both years (2.0, 2.0): TAX_LOW; p4 only in 2024 (2.0, then 3.0): not.
County 330603 has p6 (tax 50, 5 mu) and p7 (tax 0, 5 mu): benchmark 50 / 10 = 5.0; p8 and
p9 are unbuilt and empty, with land-sale contract dates.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from landeval.config import default_config, load_config
from landeval.treatments import compute_flags

CRS = "EPSG:4549"
YEAR = 2024
IDS = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"]


def parcels() -> gpd.GeoDataFrame:
    n = len(IDS)
    return gpd.GeoDataFrame(
        {
            "parcel_id": IDS,
            "county_code": ["330602"] * 5 + ["330603"] * 4,
            "land_use": ["100101"] * n,
            "planned_use": ["100101", "100102", None, "100101", "0701", "", "100101"]
            + ["100101"] * 2,
            "registered_area_m2": [np.nan] * n,
            "floor_area_m2": [np.nan, np.nan, 500.0] + [np.nan] * 6,
            "built_year": pd.array(
                [2010, 2005, 2000, 2004, 2015, 2020, 2005, None, None], dtype="Int64"
            ),
            "contract_start_date": pd.to_datetime([None] * 7 + ["2022-06-01", "2022-01-01"]),
            "actual_start_date": pd.to_datetime([None] * n),
            "gov_delay": [None] * 8 + ["是"],
            "area_m2": [1000.0] * n,
            "area_mu": [10.0] * 5 + [5.0] * 4,
        },
        geometry=[box(i * 100, 0, i * 100 + 50, 20) for i in range(n)],
        crs=CRS,
    )


def parcel_scores() -> pd.DataFrame:
    # parcel, main uscc, industry, n_occupants, tax, value added, class — per year
    y2024 = [
        ("p1", "F1", "C1711", 1, 100.0, 300.0, "D"),
        ("p2", "F2", "C3411", 1, 20.0, 50.0, "C"),
        ("p3", None, None, 0, 0.0, 0.0, None),
        ("p4", "F4", "C2611", 1, 20.0, 80.0, "B"),
        ("p5", "F5", "C3311", 1, 50.0, 90.0, "D"),
        ("p6", "F6", "C3911", 2, 50.0, 120.0, "A"),
        ("p7", "F7", "C2911", 1, 0.0, 0.0, "T"),
        ("p8", None, None, 0, 0.0, 0.0, None),
        ("p9", None, None, 0, 0.0, 0.0, None),
    ]
    y2023 = [
        ("p1", "F1", "C1711", 1, 90.0, 280.0, "D"),
        ("p2", "F2", "C3411", 1, 20.0, 50.0, "D"),
        ("p3", None, None, 0, 0.0, 0.0, None),
        ("p4", "F4", "C2611", 1, 30.0, 80.0, "B"),
        ("p5", "F5", "C3311", 1, 50.0, 90.0, "B"),
        ("p6", "F6", "C3911", 1, 40.0, 100.0, "A"),
        ("p7", "F7", "C2911", 1, 0.0, 0.0, "T"),
        ("p8", None, None, 0, 0.0, 0.0, None),
        ("p9", None, None, 0, 0.0, 0.0, None),
    ]
    rows = []
    for year, table in ((2024, y2024), (2023, y2023)):
        for pid, uscc, ind, n, tax, va, cls in table:
            area_mu = 5.0 if pid in ("p6", "p7", "p8", "p9") else 10.0
            rows.append(
                {
                    "parcel_id": pid,
                    "year": year,
                    "area_mu": area_mu,
                    "n_occupants": n,
                    "main_uscc": uscc,
                    "main_name": None if uscc is None else f"企业{uscc}",
                    "occupant_names": None if uscc is None else f"企业{uscc}",
                    "main_industry": ind,
                    "tax": tax,
                    "value_added": va,
                    "tax_per_mu": tax / area_mu,
                    "va_per_mu": va / area_mu,
                    "known_share": 1.0,
                    "class": cls,
                }
            )
    return pd.DataFrame(rows)


def firm_scores() -> pd.DataFrame:
    # uscc: class in 2024, 2023, 2022; industry
    classes = {
        "F1": ("D", "D", "B", "C1711"),
        "F2": ("C", "D", "D", "C3411"),
        "F4": ("B", "B", "B", "C2611"),
        "F5": ("D", "B", "B", "C3311"),  # vetoed in 2024: D
        "F6": ("A", "A", "A", "C3911"),
        "F7": ("T", "T", "T", "C2911"),
        "F8": ("B", "B", "B", "C2611"),
    }
    rows = [
        {
            "uscc": u,
            "year": y,
            "name": f"企业{u}",
            "industry_code": ind,
            "class": c,
            "known_weight_share": 1.0,
        }
        for u, (*cls, ind) in classes.items()
        for y, c in zip((2024, 2023, 2022), cls, strict=True)
    ]
    return pd.DataFrame(rows)


def parcel_raster() -> pd.DataFrame:
    # p3 has no raster row; p1 FAR 0.42 (C17 min 0.8); p2 coverage 0.2; p4 vacant 0.6.
    return pd.DataFrame(
        {
            "parcel_id": ["p1", "p2", "p4", "p5", "p6", "p7"],
            "coverage": [0.5, 0.2, 0.4, 0.4, 0.45, 0.35],
            "far": [0.42, 1.2, 0.7, 1.1, 1.5, 1.0],
            "far_source": ["raster"] * 6,
            "vacant_share": [0.0, 0.1, 0.6, 0.0, 0.0, 0.0],
        }
    )


def allocation() -> pd.DataFrame:
    # F8 leases 400 m² of p6 (40 %), F6 uses the other 600 m².
    return pd.DataFrame(
        {
            "uscc": ["F1", "F2", "F4", "F5", "F6", "F7", "F8"],
            "year": [YEAR] * 7,
            "parcel_id": ["p1", "p2", "p4", "p5", "p6", "p7", "p6"],
            "relation": ["own"] * 6 + ["lease"],
            "land_m2": [1000.0] * 4 + [600.0, 1000.0, 400.0],
        }
    )


def veto() -> pd.DataFrame:
    return pd.DataFrame(
        {"uscc": ["F5", "F6"], "year": [YEAR, YEAR - 1], "reason": ["安全事故", "环保处罚"]}
    )


def firms() -> pd.DataFrame:
    return pd.DataFrame({"uscc": ["F8"], "industry_code": ["C2611"]})


def config(tmp_path):
    (tmp_path / "landeval.toml").write_text(
        '[flags]\nphase_out_industries = ["C2611"]\n', encoding="utf-8"
    )
    return load_config(tmp_path)


def run(cfg, **over):
    kwargs = {
        "parcels": parcels(),
        "parcel_scores": parcel_scores(),
        "parcel_raster": parcel_raster(),
        "firms": firms(),
        "firm_scores": firm_scores(),
        "veto": veto(),
        "allocation": allocation(),
        "config": cfg,
        "year": YEAR,
    }
    kwargs.update(over)
    result = compute_flags(**kwargs)
    return result.details, result.findings


def test_flags_by_hand(tmp_path):
    flags, findings = run(config(tmp_path))
    got = dict(zip(flags["parcel_id"], flags["flags"], strict=True))
    assert got == {
        # FAR 0.42 < 0.8 (C17); D in 2024 and 2023 (B in 2022: not three years).
        "p1": "FAR_LOW;CLASS_D;CLASS_D_TWICE",
        # coverage 0.2 < 0.3; tax 2.0 < 2.375 in 2024 and in 2023; class C; FAR 1.2 ≥ 0.7.
        "p2": "COVERAGE_LOW;TAX_LOW;CLASS_C",
        # registered FAR 500/1000 = 0.5 < default 1.0; built, no occupant in 2024: 停产;
        # built 2000 ≤ 2004.
        "p3": "FAR_LOW;STOPPED;OLD_BUILDINGS",
        # vacant 0.6 ≥ 0.5; C2611 on the phase-out list; built 2004 ≤ 2004; tax 2.0 is low in
        # 2024 only (3.0 in 2023): no TAX_LOW.
        "p4": "VACANT;PHASE_OUT;OLD_BUILDINGS",
        # F5 on the 2024 negative list (class D for it); planned use 0701.
        "p5": "CLASS_D;VETO;PLAN_CONFLICT",
        # F8 (C2611, from the firms table) leases 40 % of p6: a firm action, not a parcel
        # flag; F6's veto is 2023 only; "" planned use.
        "p6": "",
        # no tax and no value added in 2024, built: 停产 (class T: its tax is not judged).
        "p7": "STOPPED",
        # contracted to start on 2022-06-01, not started by 2024-12-31: idle 2.58 years.
        "p8": "IDLE_LAND",
        # the same, from 2022-01-01, but the government caused the delay.
        "p9": "",
    }
    f = flags.set_index("parcel_id")
    assert f["county_tax_per_mu"].tolist()[:5] == pytest.approx([4.75] * 5)
    assert f["county_tax_per_mu"].tolist()[5:] == pytest.approx([5.0] * 4)
    assert f.loc["p2", "tax_per_mu_prev"] == pytest.approx(2.0)
    assert f.loc["p2", "county_tax_per_mu_prev"] == pytest.approx(4.75)
    assert f.loc["p3", "far"] == pytest.approx(0.5)
    assert f.loc["p3", "far_source"] == "registered"
    assert f.loc["p1", "far_min"] == 0.8
    assert f.loc["p4", "far_min"] == 0.6  # C26
    assert f.loc["p2", "far_min"] == 0.7  # C34: general equipment, 0.7
    assert f.loc["p3", "far_min"] == 1.0  # no occupant: default
    assert bool(f.loc["p3", "stopped_no_occupant"]) and not f.loc["p3", "stopped_no_activity"]
    assert bool(f.loc["p7", "stopped_no_activity"])
    assert f.loc["p8", "idle_years"] == pytest.approx(
        (pd.Timestamp("2024-12-31") - pd.Timestamp("2022-06-01")).days / 365.25
    )
    assert not f.loc["p8", "built"] and not f.loc["p8", "STOPPED"]
    assert "政府原因" in f.loc["p9", "notes_zh"]
    assert f.loc["p5", "firms_VETO"] == "企业F5（安全事故）"
    assert f.loc["p1", "firms_CLASS_D_TWICE"] == "企业F1"
    assert (
        f.loc["p6", "firm_actions_zh"] == "企业F8 腾退（淘汰类产业C2611化学原料和化学制品制造业）"
    )
    assert f.loc["p6", "owner_names"] == "企业F6" and f.loc["p6", "user_names"] == "企业F8"
    assert f.loc["p1", "flags_zh"] == "容积率低于行业标准；D类企业用地；连续两年D类"
    assert "无遥感数据" in f.loc["p3", "notes_zh"]
    assert "建筑系数仅据遥感估算" in f.loc["p2", "notes_zh"]
    assert pd.isna(f.loc["p1", "notes_zh"])
    assert set(findings["code"]) == {"PARCEL_NO_RASTER"}
    assert f.loc["p1", "industry_code"] == "C1711"


def test_inputs_not_mutated(tmp_path):
    cfg = config(tmp_path)
    inputs = {
        "parcels": parcels(),
        "parcel_scores": parcel_scores(),
        "parcel_raster": parcel_raster(),
        "firms": firms(),
        "firm_scores": firm_scores(),
        "veto": veto(),
        "allocation": allocation(),
    }
    copies = {k: v.copy() for k, v in inputs.items()}
    run(cfg, **inputs)
    for k, v in inputs.items():
        pd.testing.assert_frame_equal(v, copies[k])


def test_without_raster_far_comes_from_floor_area(tmp_path):
    p = parcels()
    p["floor_area_m2"] = [300.0, 1500.0, 500.0, np.nan, 1000.0, 1000.0, 1000.0, np.nan, np.nan]
    flags, findings = run(config(tmp_path), parcels=p, parcel_raster=None)
    f = flags.set_index("parcel_id")
    # 300/1000 = 0.3 < 0.8; 1500/1000 = 1.5 ≥ 0.7; p4 unknown.
    assert f["far"].tolist()[:3] == pytest.approx([0.3, 1.5, 0.5])
    assert np.isnan(f.loc["p4", "far"])
    assert f.loc["p1", "far_source"] == "registered"
    assert f.loc["p4", "far_source"] == "none"
    assert "FAR_LOW" in f.loc["p1", "flags"]
    # Coverage and vacancy cannot be judged: p2 loses COVERAGE_LOW, p4 loses VACANT.
    assert f.loc["p2", "flags"] == "TAX_LOW;CLASS_C"
    assert f.loc["p4", "flags"] == "PHASE_OUT;OLD_BUILDINGS"
    assert f["has_raster"].sum() == 0
    assert "PARCEL_NO_RASTER" in set(findings["code"])


def test_stopped_and_tax_low_need_their_years_in_the_data():
    # Only 2024 is in the data: TAX_LOW over two years cannot be shown, nor CLASS_D_TWICE
    # from the parcel scores (the firms' classes still say it); STOPPED needs one year.
    ps = parcel_scores()
    flags, _ = run(default_config(), parcel_scores=ps[ps["year"] == YEAR])
    f = flags.set_index("parcel_id")
    assert not f.loc["p2", "TAX_LOW"]
    assert "缺少2023年评价数据" in f.loc["p2", "notes_zh"]
    assert bool(f.loc["p3", "STOPPED"]) and bool(f.loc["p7", "STOPPED"])
    cfg = load_config(None, flags={"stopped_years": 2})
    two, _ = run(cfg, parcel_scores=ps[ps["year"] == YEAR])
    t = two.set_index("parcel_id")
    assert not t.loc["p3", "STOPPED"] and not t.loc["p7", "STOPPED"]
    assert "缺少2023年评价数据，未判断停产" in t.loc["p3", "notes_zh"]
    # With both years, two years of no occupant / no activity hold for p3 and p7.
    both, _ = run(cfg)
    assert both.set_index("parcel_id")["STOPPED"].loc[["p3", "p7"]].all()


def test_a_missing_tax_raises_no_tax_flag():
    ps = parcel_scores()
    at = (ps["parcel_id"] == "p2") & (ps["year"] == YEAR)
    ps.loc[at, ["tax", "tax_per_mu"]] = np.nan
    ps.loc[at, "known_share"] = 0.0
    flags, _ = run(default_config(), parcel_scores=ps)
    f = flags.set_index("parcel_id")
    assert not f.loc["p2", "TAX_LOW"]
    # The county benchmark leaves p2 out: (100 + 20 + 50) / 30 mu.
    assert f.loc["p1", "county_tax_per_mu"] == pytest.approx(170 / 30)
    # No activity cannot be read from a missing tax either.
    ps.loc[at, ["value_added", "va_per_mu"]] = np.nan
    flags, _ = run(default_config(), parcel_scores=ps)
    assert not flags.set_index("parcel_id").loc["p2", "STOPPED"]


def test_tax_floor_per_scale():
    scores = firm_scores()
    firms_ = pd.DataFrame(
        {"uscc": ["F2", "F4", "F8"], "scale": ["above", "below", "below"],
         "industry_code": ["C3411", "C2611", "C2611"]}
    )  # fmt: skip
    cfg = load_config(None, flags={"tax_floor": {"above": 2.5, "below": 1.5}})
    flags, _ = run(cfg, firms=firms_, firm_scores=scores)
    f = flags.set_index("parcel_id")
    # p2 (F2, above): 2.0 < 2.5; p4 (F4, below): 2.0 ≥ 1.5; p1's F1 has no scale known.
    assert bool(f.loc["p2", "TAX_FLOOR"]) and not f.loc["p4", "TAX_FLOOR"]
    assert not default_config().flags.tax_floor["above"]  # off by default
    assert not run(default_config())[0]["TAX_FLOOR"].any()


def test_far_min_longest_prefix(tmp_path):
    (tmp_path / "landeval.toml").write_text(
        "[flags.far_min]\nC17 = 0.8\nC171 = 0.9\nC1711 = 1.2\n", encoding="utf-8"
    )
    flags, _ = run(load_config(tmp_path))
    # C1711 matches C1711 (1.2) before C171 and C17.
    assert flags.set_index("parcel_id").loc["p1", "far_min"] == 1.2


def test_utilities_and_class_t_are_not_judged_for_intensity_or_tax():
    """A power plant (D44, class T) on low-FAR, low-tax land raises none of those flags."""
    import geopandas as gpd
    import shapely

    from landeval.config import default_config
    from landeval.treatments import compute_flags

    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": ["plant", "mill"],
            "county_code": ["330602", "330602"],
            "land_use": ["100101", "100101"],
            "planned_use": ["100101", "100101"],
            "floor_area_m2": [1000.0, 1000.0],  # FAR 0.1 on both
            "built_year": [2010, 2010],
            "area_m2": [10000.0, 10000.0],
            "area_mu": [15.0, 15.0],
        },
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)],
        crs="EPSG:4549",
    )
    scores = pd.DataFrame(
        {
            "parcel_id": ["plant", "mill"],
            "year": [2024, 2024],
            "n_occupants": [1, 1],
            "main_uscc": ["U1", "U2"],
            "main_name": ["热电厂", "织造厂"],
            "occupant_names": ["热电厂", "织造厂"],
            "main_industry": ["D4411", "C1711"],
            "class": ["T", "B"],
            "tax": [1.0, 600.0],
            "value_added": [10.0, 900.0],
            "tax_per_mu": [1.0 / 15, 40.0],
            "va_per_mu": [10.0 / 15, 60.0],
        }
    )
    allocation = pd.DataFrame(
        {"uscc": ["U1", "U2"], "year": [2024, 2024], "parcel_id": ["plant", "mill"],
         "relation": ["own", "own"], "land_m2": [10000.0, 10000.0]}
    )  # fmt: skip
    details = compute_flags(
        parcels=parcels, parcel_scores=scores, parcel_raster=None, firms=None,
        firm_scores=None, veto=None, allocation=allocation, config=default_config(),
        year=2024,
    ).details  # fmt: skip
    flags = dict(zip(details["parcel_id"], details["flags"], strict=True))
    # benchmark (1 + 600) / 30 = 20.03; the plant's 0.067 is far below half of it, but T
    assert flags["plant"] == ""
    assert flags["mill"] == "FAR_LOW"  # 0.1 < textiles' 0.8
    notes = dict(zip(details["parcel_id"], details["notes_zh"], strict=True))
    assert "公用事业用地" in notes["plant"]
    assert "不参评" in notes["plant"]

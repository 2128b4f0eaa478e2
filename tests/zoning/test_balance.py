"""改一补一: every item's counted area and reason, and the ledger, worked out by hand.

Geometry (metres, EPSG:4549). County A = 330602 around x 0–300, county B = 330603 around
x 1000–1300. The existing line: A box(0,0,100,100), B box(1000,0,1100,100).
1 mu = 10000/15 m², so 600 m² = 0.9 mu, 100 m² = 0.15 mu.

The ledger counts approvals: the land changes all carry an approval date, so c1 and c2 are
converted (改) and the industrial supplements in their county compensated (补); the CONVERT
parcels cp1..cp3 are proposed (拟改), less what the approved c1 already covers.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from landeval.config import default_config, load_config
from landeval.zoning import balance_items, balance_ledger
from landeval.zoning._overlay import Geoms
from landeval.zoning.balance import _in_county

CRS = "EPSG:4549"
A, B = "330602", "330603"
MU = 10000 / 15


def _parcel_eval() -> gpd.GeoDataFrame:
    geoms = [
        box(0, 0, 20, 30),  # cp1 CONVERT, 600 m² all inside
        box(90, 0, 110, 10),  # cp2 CONVERT, 200 m², 100 inside
        box(200, 0, 210, 10),  # cp3 CONVERT, 100 m², outside
        box(250, 0, 300, 50),  # k1 KEEP (county A reference)
        box(1000, 400, 1100, 450),  # k2 KEEP (county B reference)
    ]
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["cp1", "cp2", "cp3", "k1", "k2"],
            "county_code": [A, A, A, A, B],
            "planned_use": ["0701", "0701", "0701", "100101", "100101"],
            "area_mu": [g.area / MU for g in geoms],
            "treatment": ["CONVERT", "CONVERT", "CONVERT", "KEEP", "KEEP"],
        },
        geometry=geoms,
        crs=CRS,
    )


def _line() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"county_code": [A, B]},
        geometry=[box(0, 0, 100, 100), box(1000, 0, 1100, 100)],
        crs=CRS,
    )


def _changes() -> gpd.GeoDataFrame:
    rows = [
        # id, kind, county, planned use, approved, geometry
        ("c1", "convert", A, "0701", "2023-05-01", box(10, 0, 30, 30)),  # overlaps cp1 by 300
        ("c2", "convert", B, "0701", "2023-05-01", box(1000, 0, 1060, 50)),  # 3000 m² inside
        ("s1", "supplement", A, "100101", "2023-01-01", box(80, 50, 130, 70)),  # 400 in line
        ("s2", "supplement", A, "100101", "2023-03-01", box(120, 50, 170, 70)),  # s1 has 200
        ("s3", "supplement", A, "100101", "2022-06-01", box(1000, 500, 1030, 520)),  # in B
        ("s4", "supplement", A, "0701", "2023-01-01", box(150, 200, 180, 220)),  # not industrial
        ("s5", "supplement", B, "100101", "2023-02-01", box(1100, 500, 1130, 540)),
        # An earlier non-industrial supplement over s2 takes nothing from it.
        ("s6", "supplement", A, "0702", "2020-01-01", box(160, 60, 175, 65)),
    ]
    return gpd.GeoDataFrame(
        {
            "change_id": [r[0] for r in rows],
            "kind": [r[1] for r in rows],
            "county_code": [r[2] for r in rows],
            "planned_use": [r[3] for r in rows],
            "approved_on": pd.to_datetime([r[4] for r in rows]),
        },
        geometry=[r[5] for r in rows],
        crs=CRS,
    )


def test_items_counted_and_why():
    pe, lc, line = _parcel_eval(), _changes(), _line()
    copies = pe.copy(), lc.copy(), line.copy()
    items, findings = balance_items(
        parcel_eval=pe, land_changes=lc, control_line=line, config=default_config()
    )
    got = items.set_index("item_id")
    # Parcels first (by id), then changes by approved_on then change_id.
    assert list(items["item_id"]) == [
        "cp1", "cp2", "cp3", "s6", "s3", "s1", "s4", "s5", "s2", "c1", "c2",
    ]  # fmt: skip
    expected_m2 = {
        # approved converts: the part inside the line
        "c1": 600.0,  # 20×30 inside A's line
        "c2": 3000.0,  # 60×50 inside B's line
        # proposed converts: inside the line, less the approved c1
        "cp1": 300.0,  # 20×30 inside, of which 10×30 is c1's
        "cp2": 100.0,  # 10×10 of 20×10 inside
        "cp3": 0.0,  # outside the line
        # approved supplements: industrial, in their county, outside the line, once
        "s1": 600.0,  # 50×20 = 1000, 20×20 = 400 inside the line
        "s2": 800.0,  # 1000, x 120–130 (10×20 = 200) kept by the earlier s1
        "s3": 0.0,  # lies in B, says A
        "s4": 0.0,  # planned use 0701
        "s5": 1200.0,  # 30×40 in B
        "s6": 0.0,  # planned use 0702
    }
    for item, m2 in expected_m2.items():
        assert got.loc[item, "counted_mu"] == pytest.approx(m2 / MU, abs=1e-9), item
        counted = m2 > 0 and got.loc[item, "status"] == "approved"
        assert bool(got.loc[item, "counted"]) == counted, item
    assert (got["status"] == "proposed").tolist() == [True] * 3 + [False] * 8
    assert got.loc["s1", "area_mu"] == pytest.approx(1000 / MU)
    assert got.loc["s1", "inside_line_mu"] == pytest.approx(400 / MU)
    why = got["why_zh"]
    assert why["c1"] == "2023年5月1日批准，控制线内0.9亩计入转出面积"
    assert why["cp1"] == (
        "尚未批准（拟改），控制线内0.45亩计入拟改面积：其中0.45亩已由批准的改出项目计入"
    )
    assert why["cp2"] == (
        "尚未批准（拟改），控制线内0.15亩计入拟改面积：部分位于现状控制线外（0.15亩不计）"
    )
    assert why["cp3"] == "尚未批准（拟改），不计入：位于现状控制线外，无需补充"
    assert why["s1"] == (
        "2023年1月1日批准，工业规划用途、控制线外0.9亩计入补充面积："
        "部分位于现状控制线内（0.6亩不计）"
    )
    assert why["s2"].endswith("与其他补充地块重叠（重叠0.3亩只计一次）")
    assert why["s3"] == "2022年6月1日批准，不计入：不在所属县（市、区）范围"
    assert why["s4"].endswith("规划用途非工业") and why["s6"].endswith("规划用途非工业")
    # 先补后调: B's c2 (4.5 mu) was approved with only s5 (1.8 mu) before it.
    assert why["c2"].endswith("批准时本县（市、区）已批准补充面积不足（差2.7亩），不符合先补后调")
    assert got.loc["c1", "offsets"] == "s1（0.9亩）"
    assert got.loc["s1", "offsets"] == "c1（0.9亩）"
    assert got.loc["c2", "offsets"] == "s5（1.8亩）"
    assert pd.isna(got.loc["s2", "offsets"])
    assert list(items.columns) == [
        "item_id", "source", "kind", "county_code", "status", "approved_on", "approval_no",
        "counted", "why_zh", "area_mu", "inside_line_mu", "outside_line_mu", "main_name",
        "reason_zh", "offsets", "geometry", "planned_use", "counted_mu", "why_not_counted",
    ]  # fmt: skip
    assert items.crs == pe.crs
    assert findings["code"].tolist() == ["CONVERT_BEFORE_SUPPLEMENT"]
    assert findings["row_id"].tolist() == ["c2"]
    for original, copy in zip((pe, lc, line), copies, strict=True):
        pd.testing.assert_frame_equal(original, copy)


def test_ledger_per_county_and_city():
    items, _ = balance_items(
        parcel_eval=_parcel_eval(),
        land_changes=_changes(),
        control_line=_line(),
        config=default_config(),
    )
    ledger = balance_ledger(items, config=default_config(), counties=[A, B]).set_index(
        "county_code"
    )
    assert list(ledger.index) == [A, B, "city"]
    assert list(ledger["county_name"]) == ["越城区", "柯桥区", "全市"]
    # A: c1 600 m² = 0.9 mu converted; s1 + s2 = 1400 m² = 2.1 mu; cp1 + cp2 = 400 m² 拟改.
    # B: c2 3000 m² = 4.5 mu; s5 1200 m² = 1.8 mu.
    assert ledger["converted_mu"].tolist() == pytest.approx([0.9, 4.5, 5.4])
    assert ledger["compensated_mu"].tolist() == pytest.approx([2.1, 1.8, 3.9])
    assert ledger["balance_mu"].tolist() == pytest.approx([1.2, -2.7, -1.5])
    assert ledger["balanced"].tolist() == [True, False, False]
    assert ledger["proposed_mu"].tolist() == pytest.approx([0.6, 0.0, 0.6])
    assert ledger["proposed_supplement_mu"].tolist() == pytest.approx([0.0, 0.0, 0.0])
    assert ledger["balance_if_approved_mu"].tolist() == pytest.approx([0.6, -2.7, -2.1])
    assert ledger["decisive"].tolist() == [True, True, False]


def test_an_approved_convert_over_a_convert_parcel_is_counted_once():
    """A parcel the list proposes for 功能转型, half under an approved convert item."""
    pe = _parcel_eval().iloc[[0, 3]]  # cp1 (600 m² inside) and k1
    lc = _changes().iloc[[0, 2]]  # c1 over half of cp1, and s1
    items, _ = balance_items(
        parcel_eval=pe, land_changes=lc, control_line=_line(), config=default_config()
    )
    got = items.set_index("item_id")
    # c1 is converted (600 m²); cp1 proposes only its other 300 m².
    assert got.loc["c1", "counted_mu"] == pytest.approx(0.9)
    assert got.loc["cp1", "counted_mu"] == pytest.approx(0.45)
    ledger = balance_ledger(items, config=default_config()).set_index("county_code")
    assert ledger.loc[A, "converted_mu"] == pytest.approx(0.9)
    assert ledger.loc[A, "proposed_mu"] == pytest.approx(0.45)
    assert ledger.loc[A, "compensated_mu"] == pytest.approx(0.9)
    assert ledger.loc[A, "balance_if_approved_mu"] == pytest.approx(-0.45)
    # Once the convert item is no longer approved, cp1 and c1 are both proposed, once.
    lc = lc.assign(approved_on=pd.to_datetime([None, "2023-01-01"]))
    items, findings = balance_items(
        parcel_eval=pe, land_changes=lc, control_line=_line(), config=default_config()
    )
    got = items.set_index("item_id")
    assert got.loc["cp1", "counted_mu"] == pytest.approx(0.9)
    assert got.loc["c1", "counted_mu"] == pytest.approx(0.45)  # cp1 keeps the overlap
    assert got.loc["c1", "why_zh"].startswith("尚未批准（拟改）")
    assert "CHANGE_NO_DATE" in set(findings["code"])


def test_proposed_supplements_and_the_balance_if_approved():
    lc = _changes()
    lc.loc[lc["change_id"] == "s2", "approved_on"] = pd.NaT
    items, _ = balance_items(
        parcel_eval=_parcel_eval(), land_changes=lc, control_line=_line(), config=default_config()
    )
    got = items.set_index("item_id")
    assert got.loc["s2", "status"] == "proposed" and not got.loc["s2", "counted"]
    assert got.loc["s2", "counted_mu"] == pytest.approx(1.2)  # 800 m² left by s1
    assert got.loc["s2", "why_zh"].startswith("尚未批准（拟补），1.2亩计入拟补面积")
    ledger = balance_ledger(items, config=default_config()).set_index("county_code")
    assert ledger.loc[A, "compensated_mu"] == pytest.approx(0.9)
    assert ledger.loc[A, "proposed_supplement_mu"] == pytest.approx(1.2)
    # 0.9 − 0.9 − 0.6 + 1.2
    assert ledger.loc[A, "balance_if_approved_mu"] == pytest.approx(0.6)


def test_line_includes_supplements(tmp_path):
    cfg = load_config(None, balance={"line_includes_supplements": True})
    items, _ = balance_items(
        parcel_eval=_parcel_eval(), land_changes=_changes(), control_line=_line(), config=cfg
    )
    got = items.set_index("item_id")
    # The line layer holds the supplements already: s1 counts whole (1000 m²), and s2
    # the 1000 m² less its 200 m² overlap with s1.
    assert got.loc["s1", "counted_mu"] == pytest.approx(1000 / MU)
    assert got.loc["s2", "counted_mu"] == pytest.approx(800 / MU)


def test_city_scope_skips_the_county_test(tmp_path):
    (tmp_path / "landeval.toml").write_text('[balance]\nscope = "city"\n', encoding="utf-8")
    cfg = load_config(tmp_path)
    items, findings = balance_items(
        parcel_eval=_parcel_eval(), land_changes=_changes(), control_line=_line(), config=cfg
    )
    got = items.set_index("item_id")
    # s3 (600 m², approved before s1) now counts for A.
    assert got.loc["s3", "counted_mu"] == pytest.approx(0.9)
    ledger = balance_ledger(items, config=cfg).set_index("county_code")
    assert ledger.loc["city", "compensated_mu"] == pytest.approx(4.8)
    assert ledger.loc["city", "balance_mu"] == pytest.approx(-0.6)
    assert ledger["decisive"].tolist() == [False, False, True]
    # Replayed for the city: 4.8 mu before the converts of 2023-05-01 cover c1 (0.9) and
    # 3.9 of c2's 4.5.
    assert findings["row_id"].tolist() == ["c2"]
    assert "差0.6亩" in got.loc["c2", "why_zh"]


def test_tolerance():
    cfg = default_config()
    items = pd.DataFrame(
        {
            "item_id": ["x", "y"],
            "source": ["land_change", "land_change"],
            "county_code": [A, A],
            "kind": ["convert", "supplement"],
            "status": ["approved", "approved"],
            "counted_mu": [1.0, 0.995],
        }
    )
    ledger = balance_ledger(items, config=cfg)
    # −0.005 ≥ −0.01: balanced.
    assert ledger["balance_mu"].tolist() == pytest.approx([-0.005, -0.005])
    assert ledger["balanced"].tolist() == [True, True]


def test_no_changes_no_line_and_bad_rows():
    pe = _parcel_eval()
    items, _ = balance_items(
        parcel_eval=pe, land_changes=None, control_line=None, config=default_config()
    )
    # Without a line nothing converted counts.
    assert list(items["item_id"]) == ["cp1", "cp2", "cp3"]
    assert np.allclose(items["counted_mu"], 0.0)
    assert set(items["why_not_counted"]) == {"位于现状控制线外，无需补充"}

    bad = gpd.GeoDataFrame(
        {
            "change_id": ["u1", "u2"],
            "kind": ["swap", "supplement"],
            "county_code": [A, A],
            "planned_use": ["100101", None],
            "approved_on": [pd.NaT, pd.NaT],
        },
        geometry=[box(150, 0, 160, 10), None],
        crs=CRS,
    )
    items, findings = balance_items(
        parcel_eval=pe, land_changes=bad, control_line=_line(), config=default_config()
    )
    got = items.set_index("item_id")
    assert got.loc["u1", "why_not_counted"] == "调整类型未知（应为convert或supplement）"
    assert got.loc["u2", "why_not_counted"] == "缺少图形"
    assert got["counted_mu"].loc[["u1", "u2"]].tolist() == [0.0, 0.0]
    assert set(findings["code"]) == {"CHANGE_KIND_UNKNOWN", "CHANGE_NO_GEOMETRY", "CHANGE_NO_DATE"}


def test_in_county_with_shared_tree_matches_plain():
    rng = np.random.default_rng(2)
    cells = _lattice(20.0, 20.0)
    parcels = gpd.GeoDataFrame(
        {"county_code": pd.array(np.where(shapely.bounds(cells)[:, 0] < 250, "A", "B"), "str")},
        geometry=cells,
        crs="EPSG:4549",
    )
    line = gpd.GeoDataFrame(
        {"county_code": ["B", None]},
        geometry=[box(600, 0, 700, 100), box(-300, 0, -200, 100)],
        crs="EPSG:4549",
    )
    xs, ys = rng.uniform(-400, 800, 300), rng.uniform(-100, 400, 300)
    items = gpd.GeoDataFrame(
        {"county_code": pd.array(rng.choice(["A", "B", "C"], 300), "str")},
        geometry=shapely.box(xs, ys, xs + 10, ys + 10),
        crs="EPSG:4549",
    )
    # Points on shared edges: equally near to parcels of both counties.
    items.loc[:9, "geometry"] = [shapely.box(245, 100, 255, 110) for _ in range(10)]
    geoms = Geoms(np.asarray(parcels.geometry.values, dtype=object))
    for cl in (line, None):
        plain = _in_county(items, parcels, cl)
        shared = _in_county(items, parcels, cl, geoms)
        assert np.array_equal(plain, shared)


def _lattice(step: float, size: float) -> np.ndarray:
    xs, ys = np.meshgrid(np.arange(-20, 520, step), np.arange(-20, 320, step))
    return shapely.box(xs, ys, xs + size, ys + size).ravel()

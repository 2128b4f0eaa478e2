"""Data-quality checks: each check on small frames with hand-computed evidence."""

from __future__ import annotations

import shutil
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import tomli_w
from shapely.geometry import box

from landeval.config import default_config
from landeval.errors import DataError
from landeval.findings import has_errors
from landeval.inputs.project import load_project
from landeval.inputs.read import add_area
from landeval.inputs.tables import SOURCE_ROW
from landeval.validate import (
    _lookup,
    _positions,
    _where,
    check_allowed,
    check_county_codes,
    check_firm_years,
    check_keys,
    check_occupancy,
    check_overlaps,
    check_parcels,
    check_uscc,
    check_values,
    row_ids,
    start_overlap_checks,
    validate_inputs,
)

MESSY = Path(__file__).parents[1] / "data" / "messy"
DEMO = Path(__file__).parents[2] / "data" / "shaoxing_demo"
USCC = ["913306021234500003", "91330603MA2D00001J", "91330603MA2D00002M"]
CFG = default_config()


def _project(tmp_path: Path, *, inputs=None, units=None, project=None, files=()) -> Path:
    """Copy the valid base project, swap messy files in and change its landeval.toml."""
    folder = tmp_path / "project"
    shutil.copytree(MESSY / "base", folder)
    for name in files:
        src = MESSY / name
        if src.is_dir():
            shutil.copytree(src, folder / src.name)
        else:
            shutil.copy(src, folder / src.name)
    toml = tomllib.loads((folder / "landeval.toml").read_text(encoding="utf-8"))
    for section, values in (("inputs", inputs), ("units", units), ("project", project)):
        toml[section].update(values or {})
    (folder / "landeval.toml").write_text(tomli_w.dumps(toml), encoding="utf-8")
    return folder


def _parcels(boxes, ids=None, **cols) -> gpd.GeoDataFrame:
    n = len(boxes)
    data = {
        "parcel_id": ids or [f"P{i}" for i in range(n)],
        "county_code": ["330603"] * n,
        "land_use": ["100101"] * n,
        "planned_use": ["100101"] * n,
        "registered_area_m2": [float("nan")] * n,
        "floor_area_m2": [float("nan")] * n,
        "built_year": pd.array([None] * n, dtype="Int64"),
    }
    data.update(cols)
    return add_area(gpd.GeoDataFrame(data, geometry=boxes, crs=4549))


def _codes(findings: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(findings["severity"], findings["code"], findings["row_id"], strict=True))


# --- whole projects ------------------------------------------------------------------------


def test_base_project_has_no_errors():
    _cfg, inputs = load_project(MESSY / "base")
    assert not has_errors(inputs.findings)
    assert set(inputs.findings["severity"]) <= {"info"}
    assert inputs.parcels.crs.to_epsg() == 4549
    assert inputs.parcels["area_m2"].tolist() == pytest.approx([10_000.0] * 3, rel=1e-6)
    assert inputs.parcels["area_mu"].tolist() == pytest.approx([15.0] * 3, rel=1e-6)
    assert inputs.firm_tax["tax"].tolist() == [350.0, 120.0, 30.0, 380.0, 110.0, 32.0]
    assert "source_row" not in inputs.firms.columns
    assert inputs.sources["parcels"].name == "parcels.gpkg"
    assert inputs.rasters == {"footprint": [], "height": [], "landcover": []}


def test_duplicate_parcel_codes_stop_the_run(tmp_path):
    folder = _project(tmp_path, inputs={"parcels": "parcels_dup.gpkg"}, files=["parcels_dup.gpkg"])
    _cfg, inputs = load_project(folder)
    dup = inputs.findings[inputs.findings["code"] == "DUPLICATE_KEY"]
    assert _codes(dup) == [
        ("error", "DUPLICATE_KEY", "330603001002GB00002"),
        ("error", "DUPLICATE_KEY", "330603001002GB00002"),
    ]
    assert "出现 2 次" in dup["message"].iloc[0]
    assert has_errors(inputs.findings)


def test_bowtie_repaired_in_project(tmp_path):
    folder = _project(
        tmp_path, inputs={"parcels": "parcels_bowtie.gpkg"}, files=["parcels_bowtie.gpkg"]
    )
    _cfg, inputs = load_project(folder)
    rep = inputs.findings[inputs.findings["code"] == "GEOMETRY_REPAIRED"]
    assert _codes(rep) == [("warning", "GEOMETRY_REPAIRED", "330603001002GB00003")]
    assert inputs.parcels["area_m2"].iloc[2] == pytest.approx(5_000.0)


def test_bad_uscc_is_a_warning_and_firm_kept(tmp_path):
    folder = _project(
        tmp_path, inputs={"firms": "firms_bad_uscc.csv"}, files=["firms_bad_uscc.csv"]
    )
    _cfg, inputs = load_project(folder)
    bad = inputs.findings[inputs.findings["code"] == "USCC_INVALID"]
    assert bad["severity"].tolist() == ["warning", "warning"]
    assert bad["row_id"].tolist() == ["913306021234500004", "91330603MA2D00001X"]
    assert "校验码错误: 应为 3, 实为 4" in bad["message"].iloc[0]
    assert len(inputs.firms) == 3


def test_no_crs_layer_raises_data_error_with_findings(tmp_path):
    folder = _project(
        tmp_path,
        inputs={"parcels": "parcels_nocrs/parcels_nocrs.shp"},
        files=["parcels_nocrs"],
    )
    with pytest.raises(DataError) as info:
        load_project(folder)
    findings = info.value.findings
    assert findings.iloc[0]["code"] == "INPUT_UNUSABLE"
    assert findings.iloc[0]["layer"] == "parcels"
    assert "assume_crs" in findings.iloc[0]["message"]
    folder2 = _project(
        tmp_path / "b",
        inputs={"parcels": "parcels_nocrs/parcels_nocrs.shp"},
        project={"assume_crs": "EPSG:4549"},
        files=["parcels_nocrs"],
    )
    _cfg, inputs = load_project(folder2)
    assert "CRS_ASSUMED" in set(inputs.findings["code"])
    assert not has_errors(inputs.findings)


def test_missing_required_input_and_raster(tmp_path):
    folder = _project(tmp_path, inputs={"firms": "", "rasters": {"height": ["h.tif"]}})
    with pytest.raises(DataError) as info:
        load_project(folder)
    codes = set(info.value.findings["code"])
    assert {"INPUT_NOT_CONFIGURED", "RASTER_MISSING"} <= codes


def test_validate_inputs_does_not_mutate():
    _cfg, inputs = load_project(MESSY / "base")
    tables = {k: v.copy() for k, v in inputs.tables().items()}
    validate_inputs(inputs.tables(), config=CFG)
    for name, frame in inputs.tables().items():
        pd.testing.assert_frame_equal(frame, tables[name])


@pytest.mark.skipif(not (DEMO / "landeval.toml").exists(), reason="demo not generated yet")
def test_demo_validates_without_errors():
    _cfg, inputs = load_project(DEMO)
    errors = inputs.findings[inputs.findings["severity"] == "error"]
    assert errors.empty, errors.head(10).to_string()


# --- single checks -------------------------------------------------------------------------


def test_overlap_above_thresholds():
    # P0 and P1 overlap by 10 m x 100 m = 1,000 m² = 10 % of 10,000 m²: flagged.
    # P2 touches P1 only along an edge: not flagged. P3 overlaps P2 by 0.5 m²: below 1 m².
    parcels = _parcels(
        [
            box(0, 0, 100, 100),
            box(90, 0, 190, 100),
            box(190, 0, 290, 100),
            box(289.995, 0, 389.995, 100),
        ]
    )
    found = check_overlaps(parcels)
    assert _codes(found) == [("warning", "PARCEL_OVERLAP", "P0")]
    assert "与 P1 重叠 1,000.0 m² (占较小者 10.0%)" in found["message"].iloc[0]


def test_overlap_share_threshold_and_containment():
    # A 2 m² sliver of a 1 ha parcel (0.02 %) is below 1 %; a parcel inside another is found.
    parcels = _parcels([box(0, 0, 100, 100), box(99, 0, 199, 2), box(10, 10, 20, 20)])
    found = check_overlaps(parcels)
    assert _codes(found) == [("warning", "PARCEL_OVERLAP", "P0")]
    assert "与 P2 重叠 100.0 m² (占较小者 100.0%)" in found["message"].iloc[0]


def test_registered_area_and_zero_area():
    parcels = _parcels(
        [box(0, 0, 100, 100), box(200, 0, 300, 100), box(400, 0, 400.5, 1)],
        registered_area_m2=[10_400.0, 10_600.0, float("nan")],
    )
    found = check_parcels(parcels, config=CFG)
    mismatch = found[found["code"] == "AREA_MISMATCH"]
    # 10,400 vs 10,000 is 4 % (fine); 10,600 vs 10,000 is 6 %.
    assert _codes(mismatch) == [("warning", "AREA_MISMATCH", "P1")]
    assert "相差 6.0%" in mismatch["message"].iloc[0]
    zero = found[found["code"] == "PARCEL_ZERO_AREA"]
    assert _codes(zero) == [("error", "PARCEL_ZERO_AREA", "P2")]
    # P0..P2 are not GB/T 37346 codes: info notes.
    assert (found["code"] == "PARCEL_CODE_FORMAT").sum() == 3


def test_parcel_code_parsing_is_info_only_when_bad():
    parcels = _parcels([box(0, 0, 10, 10), box(20, 0, 30, 10)], ids=["330603001002GB00001", "X1"])
    found = check_parcels(parcels, config=CFG)
    notes = found[found["code"] == "PARCEL_CODE_FORMAT"]
    assert _codes(notes) == [("info", "PARCEL_CODE_FORMAT", "X1")]


def test_county_codes():
    frame = pd.DataFrame(
        {"uscc": ["A", "B", "C", "D"], "county_code": ["330603", "330621", "013306", None]}
    )
    found = check_county_codes(frame, layer="firms", config=CFG)
    assert sorted(_codes(found)) == [
        ("info", "COUNTY_LEGACY", "B"),
        ("warning", "COUNTY_MISSING", "D"),
        ("warning", "COUNTY_UNKNOWN", "C"),
    ]


def test_keys_missing_and_duplicate_firm_years():
    tax = pd.DataFrame(
        {"uscc": ["A", "A", "B", None], "year": [2023, 2023, 2023, 2023], "tax": [1.0] * 4}
    )
    found = check_keys(tax, layer="firm_tax")
    assert sorted(_codes(found)) == [
        ("error", "DUPLICATE_KEY", "A/2023"),
        ("error", "DUPLICATE_KEY", "A/2023"),
        ("error", "KEY_MISSING", "row 4"),
    ]


def test_duplicate_firm_years_with_a_blank_year_are_reported_not_a_crash():
    tax = pd.DataFrame({"uscc": ["A", "A", "B"], "year": [None, None, 2023.0], "tax": [1.0] * 3})
    found = check_keys(tax, layer="firm_tax")
    assert found["code"].tolist() == ["DUPLICATE_KEY", "DUPLICATE_KEY"]
    assert found["message"].str.contains("A/空 出现 2 次").all()


def test_allowed_values():
    platforms = pd.DataFrame({"platform_id": ["P1", "P2"], "tier": ["2", "7"]})
    found = check_allowed(platforms, layer="platforms")
    assert _codes(found) == [("error", "VALUE_NOT_ALLOWED", "P2")]
    assert "'7'" in found["message"].iloc[0]


def test_negative_and_impossible_values():
    output = pd.DataFrame(
        {
            "uscc": ["A", "B", "C"],
            "year": pd.array([2023, 2023, 20233], dtype="Int64"),
            "value_added": [-5.0, 10.0, 1.0],
            "energy_tce": [1.0, -2.0, 1.0],
        }
    )
    found = check_values(output, layer="firm_output")
    assert sorted(_codes(found)) == [
        ("error", "VALUE_NEGATIVE", "B/2023"),
        ("error", "YEAR_IMPOSSIBLE", "C/20233"),
        ("warning", "VALUE_NEGATIVE", "A/2023"),
    ]


def test_uscc_check():
    firms = pd.DataFrame({"uscc": [USCC[0], USCC[0][:-1] + "4", "123"]})
    found = check_uscc(firms)
    assert found["row_id"].tolist() == ["913306021234500004", "123"]
    assert found["severity"].tolist() == ["warning", "warning"]
    assert "长度应为18位, 实为3位" in found["message"].iloc[1]


def test_tax_output_presence_and_year_gaps():
    firms = pd.DataFrame(
        {"uscc": ["A", "B", "C", "D"], "scale": ["above", "above", "below", "above"]}
    )
    tax = pd.DataFrame(
        {
            "uscc": ["A", "A", "A", "B", "C", "X"],
            "year": pd.array([2021, 2023, 2022, 2023, 2023, 2023], dtype="Int64"),
        }
    )
    output = pd.DataFrame(
        {"uscc": ["A", "A", "B", "B"], "year": pd.array([2021, 2023, 2023, 2021], dtype="Int64")}
    )
    found = check_firm_years(tax, output, firms)
    got = sorted(_codes(found))
    assert got == [
        ("info", "BELOW_SCALE_NO_OUTPUT", None),
        ("info", "FIRM_NO_DATA", "D"),
        ("warning", "OUTPUT_WITHOUT_TAX", "B/2021"),
        ("warning", "TAX_WITHOUT_OUTPUT", "A/2022"),
        ("warning", "TAX_WITHOUT_OUTPUT", "X/2023"),
        ("warning", "UNKNOWN_FIRM", "X"),
        ("warning", "YEAR_MISSING", "B"),
    ]
    gap = found[found["code"] == "YEAR_MISSING"]
    assert gap["message"].iloc[0] == "缺少年度: 2022"


def _firm_years_reference(tax: pd.DataFrame, output: pd.DataFrame) -> dict[str, list[str]]:
    """Row ids of the firm-year findings the straightforward pandas way (merge, group-by)."""
    tax_keys = tax[["uscc", "year"]].dropna().drop_duplicates()
    out_keys = output[["uscc", "year"]].dropna().drop_duplicates()
    both = tax_keys.merge(out_keys, how="outer", on=["uscc", "year"], indicator=True)
    ids = {}
    for side, code in (("left_only", "TAX_WITHOUT_OUTPUT"), ("right_only", "OUTPUT_WITHOUT_TAX")):
        rows = both[both["_merge"] == side]
        ids[code] = (rows["uscc"] + "/" + rows["year"].astype("str")).tolist()
    years = pd.concat([tax_keys, out_keys]).drop_duplicates()
    years = years[years["year"].between(1949, 2100)]
    span = years.groupby("uscc")["year"].agg(["min", "max", "count"])
    ids["YEAR_MISSING"] = span[(span["max"] - span["min"] + 1) > span["count"]].index.tolist()
    return ids


@pytest.mark.slow
def test_firm_years_on_integer_codes_equals_the_pandas_way():
    rng = np.random.default_rng(3)
    codes = ["A1", "B2", "b2", "中", "Z", "a1", "A10", "A1 ", "9133"]
    for trial in range(200):

        def table(n):
            year = rng.choice([2020, 2021, 2022, 2024, 20233, 1900, None], n)
            return pd.DataFrame(
                {
                    "uscc": pd.array(rng.choice([*codes, None], n), dtype="str"),
                    "year": pd.array(year, dtype="Int64"),
                },
                index=rng.permutation(n) * 2,
            )

        tax, output = table(rng.integers(0, 14)), table(rng.integers(0, 14))
        firms = pd.DataFrame({"uscc": pd.array(codes[: rng.integers(0, 9)], dtype="str")})
        found = check_firm_years(tax, output, firms if trial % 2 else None)
        for code, ids in _firm_years_reference(tax, output).items():
            assert found.loc[found["code"] == code, "row_id"].tolist() == ids, (trial, code)


def test_lookup_maps_text_keys_to_values():
    ids = pd.Series(["a", "b", "中"], dtype="str")
    values = pd.Series([1.0, np.nan, 3.5])
    keys = pd.Series(["中", "x", "a", None, "b"], dtype="str", index=[4, 3, 2, 1, 0])
    got = _lookup(keys, ids, values)
    assert np.array_equal(got, [3.5, np.nan, 1.0, np.nan, np.nan], equal_nan=True)
    assert _lookup(keys.iloc[:0], ids, values).shape == (0,)
    assert np.isnan(_lookup(keys, ids.iloc[:0], values.iloc[:0])).all()


def test_positions_give_the_first_row_of_each_key():
    ids = pd.Series(["b", None, "a", "b", "中"], dtype="str")
    keys = pd.Series(["b", "中", None, "x", "a", "b"], dtype="str", index=[9, 8, 7, 6, 5, 4])
    assert _positions(keys, ids).tolist() == [0, 4, -1, -1, 2, 0]
    assert _positions(keys.iloc[:0], ids).shape == (0,)
    assert _positions(keys, ids.iloc[:0]).tolist() == [-1] * 6


def test_leases_over_area_in_id_then_year_order_with_first_row_area():
    # Ids out of order, a duplicated id (its first row's area counts), a parcel with no
    # area (skipped), a lease on an unknown parcel, and a missing id.
    parcels = pd.DataFrame(
        {
            "parcel_id": pd.array(["Z9", "P2", "宗地1", "P10", "P2", "P0"], dtype="str"),
            "area_m2": [100.0, 100.0, 100.0, 100.0, 1e9, np.nan],
        },
        index=[50, 40, 30, 20, 10, 0],
    )
    occupancy = pd.DataFrame(
        {
            "uscc": ["A"] * 8,
            "parcel_id": pd.array(["宗地1", "Z9", "P2", "P10", "P0", "Q", None, "P2"], dtype="str"),
            "relation": ["lease"] * 8,
            "area_m2": [200.0, 200.0, 200.0, 200.0, 200.0, 200.0, 200.0, None],
            "from_year": pd.array([2022, 2021, 2022, 2021, 2021, 2021, 2021, 2022], dtype="Int64"),
            "to_year": pd.array([2022, 2022, 2022, 2021, 2022, 2022, 2022, 2022], dtype="Int64"),
        },
        index=[7, 6, 5, 4, 3, 2, 1, 0],
    )
    found = check_occupancy(occupancy, parcels, years=[2021, 2022])
    lease = found[found["code"] == "LEASE_EXCEEDS_AREA"]
    assert lease["row_id"].tolist() == ["P10", "P2", "Z9", "Z9", "宗地1"]
    assert [m[:4] for m in lease["message"]] == ["2021", "2022", "2021", "2022", "2022"]
    # P2 in 2022: 200 m² plus a lease without area (the whole parcel, its first row).
    assert "300.0 m² 超过宗地面积 100.0 m²" in lease["message"].iloc[1]


def test_overlap_checks_started_early_give_the_same_findings():
    parcels = _parcels([box(0, 0, 100, 100), box(50, 0, 150, 100), box(300, 0, 400, 100)])
    tables = {"parcels": parcels}
    alone = validate_inputs(tables, config=CFG)
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = start_overlap_checks(tables, pool)
        assert set(started) == {"parcels"}
        early = validate_inputs(tables, config=CFG, overlaps=started)
    pd.testing.assert_frame_equal(early, alone)
    assert "PARCEL_OVERLAP" in set(alone["code"])


def test_occupancy_unknowns_and_leases():
    parcels = _parcels([box(0, 0, 100, 100), box(200, 0, 300, 100)])  # 10,000 m² each
    firms = pd.DataFrame({"uscc": ["A", "B", "C"]})
    occupancy = pd.DataFrame(
        {
            "uscc": ["A", "B", "C", "Z", "A"],
            "parcel_id": ["P0", "P0", "P0", "P1", "P9"],
            "relation": ["own", "lease", "lease", "own", "own"],
            "area_m2": [None, 6_000.0, 5_000.0, None, None],
            "from_year": pd.array([None, 2020, 2023, None, None], dtype="Int64"),
            "to_year": pd.array([None, 2023, None, None, None], dtype="Int64"),
        }
    )
    before = occupancy.copy()
    found = check_occupancy(occupancy, parcels, firms, years=[2022, 2023, 2024])
    got = sorted(_codes(found))
    assert got == [
        ("error", "LEASE_EXCEEDS_AREA", "P0"),
        ("error", "UNKNOWN_PARCEL", "A"),
        ("warning", "UNKNOWN_FIRM", "Z"),
    ]
    lease = found[found["code"] == "LEASE_EXCEEDS_AREA"]
    # Only 2023 has both leases: 6,000 + 5,000 = 11,000 m² > 10,000 m².
    assert lease["message"].iloc[0] == "2023 年出租面积合计 11,000.0 m² 超过宗地面积 10,000.0 m²"
    pd.testing.assert_frame_equal(occupancy, before)


def test_lease_without_area_counts_as_whole_parcel():
    parcels = _parcels([box(0, 0, 100, 100)])
    occupancy = pd.DataFrame(
        {
            "uscc": ["A", "B"],
            "parcel_id": ["P0", "P0"],
            "relation": ["lease", "lease"],
            "area_m2": [None, 100.0],
            "from_year": pd.array([None, None], dtype="Int64"),
            "to_year": pd.array([None, None], dtype="Int64"),
        }
    )
    found = check_occupancy(occupancy, parcels, years=[2023])
    assert "10,100.0 m²" in found["message"].iloc[0]


def test_vectorised_uscc_check_agrees_with_identifiers():
    import random

    from landeval.inputs.identifiers import USCC_ALPHABET, uscc_check_char, uscc_problem
    from landeval.validate import _uscc_ok

    rng = random.Random(7)
    codes = []
    for _ in range(300):
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        good = body + uscc_check_char(body)
        codes += [good, body + rng.choice(USCC_ALPHABET), good[:-1], good.replace(good[3], "I")]
    series = pd.Series(codes, dtype="str")
    expected = [uscc_problem(c) is None for c in codes]
    assert _uscc_ok(series).tolist() == expected


def test_vectorised_parcel_code_check_agrees_with_identifiers():
    from landeval.inputs.identifiers import parse_parcel_code
    from landeval.validate import _parcel_codes_parse

    codes = [
        "330603001002GB00042",
        "330603001002GB00042F00010001",
        "330603001002GB0004",
        "330603001002XB00042",
        "330603001002Gb00042",
        "33060300100GB000421",
        "330603001002GB00042F0001000",
        "330603001002GB00042f0001000x",
        "P1",
    ]
    expected = [parse_parcel_code(c) is not None for c in codes]
    assert _parcel_codes_parse(pd.Series(codes, dtype="str")).tolist() == expected


def _register_reference(tax, output, firms) -> dict[str, list[str]]:
    """UNKNOWN_FIRM and FIRM_NO_DATA row ids the straightforward pandas way."""
    register = set(firms["uscc"].dropna())
    ids = {"UNKNOWN_FIRM": []}
    for frame in (output, tax):  # findings are sorted by layer: firm_output first
        keys = frame[["uscc", "year"]].dropna().drop_duplicates()
        ids["UNKNOWN_FIRM"] += keys.loc[~keys["uscc"].isin(register), "uscc"].unique().tolist()
    years = pd.concat([tax, output])[["uscc", "year"]].dropna()
    with_data = set(years.loc[years["year"].between(1949, 2100), "uscc"])
    known = firms["uscc"].notna() & ~firms["uscc"].isin(with_data)
    ids["FIRM_NO_DATA"] = firms.loc[known, "uscc"].tolist()
    return ids


@pytest.mark.slow
def test_firm_register_checks_equal_the_pandas_way():
    rng = np.random.default_rng(8)
    codes = ["A1", "B2", "b2", "中", "Z", "a1", "A10", "A1 ", "9133", ""]
    for trial in range(150):
        # A year a billion away keys the firm-years by rank instead of by offset.
        far = [1_000_000_000] if trial % 3 == 0 else []

        def table(n, far=far):
            year = rng.choice([2020, 2021, 2022, 20233, *far, None], n)
            return pd.DataFrame(
                {
                    "uscc": pd.array(rng.choice([*codes, None], n), dtype="str"),
                    "year": pd.array(year, dtype="Int64"),
                }
            )

        tax, output = table(rng.integers(0, 12)), table(rng.integers(0, 12))
        register = rng.choice([*codes, None, "NEW"], rng.integers(0, 12))
        firms = pd.DataFrame({"uscc": pd.array(register, dtype="str")})
        found = check_firm_years(tax, output, firms)
        for code, ids in _register_reference(tax, output, firms).items():
            assert found.loc[found["code"] == code, "row_id"].tolist() == ids, (trial, code)


def test_row_ids_of_selected_rows_equal_the_full_row_ids():
    rng = np.random.default_rng(2)
    for trial in range(60):
        n = int(rng.integers(0, 12))
        frame = pd.DataFrame(
            {
                "uscc": pd.array(rng.choice(["A", "中", None], n), dtype="str"),
                "year": pd.array(rng.choice([2022, None], n), dtype="Int64"),
            },
            index=rng.integers(0, 3, n),  # duplicate labels
        )
        if trial % 2:
            frame[SOURCE_ROW] = rng.permutation(n) + 2
        mask = pd.Series(rng.random(n) < 0.5, index=frame.index)
        for layer in ("firm_tax", "occupancy", "firms"):
            want = row_ids(frame, layer)[mask.to_numpy()].tolist()
            assert _where(frame, layer, mask) == want, (trial, layer)

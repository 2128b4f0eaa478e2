"""Integer-coded paths of the scoring stage agree with the text joins they replace.

Covers :func:`landeval.mu_scoring.land._parcel_codes`,
:func:`landeval.mu_scoring.evaluate._lost_land` and
:func:`landeval.mu_scoring.rollup._coded_occupant_lists` (against ``_OCCUPANTS_SQL``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal

from landeval.mu_scoring import firm_years, rollup
from landeval.mu_scoring.evaluate import _lost_land, _no_data_findings
from landeval.mu_scoring.firm_years import assemble_firm_years
from landeval.mu_scoring.land import _parcel_codes, firm_land
from landeval.mu_scoring.rollup import allocate, parcel_scores

NAN = float("nan")


def test_parcel_codes_sort_like_ids_unknown_and_missing():
    parcels = pa.array(["b", "a", None, "b", "c"], type=pa.large_string())
    occ = pa.array(["c", "zz", None, "a", "b"], type=pa.large_string())
    codes, occ_codes, known, ids = _parcel_codes(parcels, occ)
    # Codes number the distinct ids in text order, a missing id last; repeats share one.
    assert ids.to_pylist() == ["a", "b", "c", None]
    assert codes.tolist() == [1, 0, 3, 1, 2]
    # Unknown ids and missing ids join nothing; a missing id is known when a parcel has one.
    assert occ_codes.tolist() == [2, -1, -1, 0, 1]
    assert known.tolist() == [True, False, True, True, True]
    _, _, known, _ = _parcel_codes(pa.array(["a"], type=pa.large_string()), occ)
    assert known.tolist() == [False, False, False, True, False]


def test_parcel_codes_empty():
    empty = pa.array([], type=pa.large_string())
    codes, occ_codes, known, ids = _parcel_codes(empty, empty)
    assert len(codes) == len(occ_codes) == len(known) == len(ids) == 0


def test_firm_land_ignores_missing_and_unknown_parcel_ids():
    parcels = pd.DataFrame({"parcel_id": ["P", None, "Q"], "area_m2": [100.0, 50.0, 80.0]})
    occupancy = pd.DataFrame(
        {
            "uscc": ["a", "b", "c", "d", "e"],
            "parcel_id": ["Q", None, "X", "P", "P"],
            "relation": ["own", "own", "own", "lease", "own"],
            "area_m2": [NAN, NAN, NAN, 30.0, NAN],
            "from_year": pd.array([None] * 5, dtype="Int64"),
            "to_year": pd.array([None] * 5, dtype="Int64"),
        }
    )
    land, found = firm_land(parcels=parcels, occupancy=occupancy, years=[2023])
    assert land[["uscc", "parcel_id", "relation"]].to_numpy().tolist() == [
        ["d", "P", "lease"],
        ["e", "P", "own"],
        ["a", "Q", "own"],
    ]
    assert land["land_m2"].tolist() == [30.0, 70.0, 80.0]
    # A missing id matches the parcel without an id (not unknown) but joins no parcel.
    assert found["code"].tolist() == ["OCCUPANCY_UNKNOWN_PARCEL"]


def _lost_reference(land: pd.DataFrame, fs: pd.DataFrame) -> np.ndarray:
    keys = {(u, y) for u, y in zip(fs["uscc"], fs["year"], strict=True) if pd.notna(u)}
    return np.array(
        [
            pd.notna(u) and (u, y) not in keys
            for u, y in zip(land["uscc"], land["year"], strict=True)
        ]
    )


@pytest.mark.parametrize("seed", range(4))
def test_lost_land_matches_an_anti_join(seed):
    rng = np.random.default_rng(seed)
    n = 60
    usccs = np.array(["a", "b", "c", "中", "", None], dtype=object)
    land = pd.DataFrame(
        {
            "uscc": pd.Series(rng.choice(usccs, n), dtype="str"),
            "year": rng.integers(2021, 2025, n),
            "parcel_id": pd.Series(rng.choice(["P", "Q", "R"], n), dtype="str"),
        }
    )
    fs = pd.DataFrame(
        {
            "uscc": pd.Series(rng.choice(usccs, 12), dtype="str"),
            "year": rng.integers(2020, 2026, 12),
        }
    )
    assert _lost_land(land, fs).tolist() == _lost_reference(land, fs).tolist()


def test_lost_land_empty_and_missing_years():
    land = pd.DataFrame(
        {
            "uscc": pd.Series(["a", "a", "b"], dtype="str"),
            "year": pd.array([2023, None, 2023], dtype="Int64"),
            "parcel_id": pd.Series(["P", "P", "Q"], dtype="str"),
        }
    )
    fs = pd.DataFrame({"uscc": pd.Series(["a"], dtype="str"), "year": [2023]})
    # A missing year matches no firm-year.
    assert _lost_land(land, fs).tolist() == [False, True, True]
    assert _lost_land(land.iloc[:0], fs).tolist() == []
    assert _lost_land(land, fs.iloc[:0]).tolist() == [True, True, True]


def test_no_data_findings_lists_distinct_parcels_in_text_order():
    land = pd.DataFrame(
        {
            "uscc": pd.Series(["b", "b", "b", "a", "c"], dtype="str"),
            "year": [2023, 2023, 2023, 2024, 2023],
            "parcel_id": pd.Series(["Q", "P", "Q", "R", "S"], dtype="str"),
        }
    )
    fs = pd.DataFrame({"uscc": pd.Series(["c"], dtype="str"), "year": [2023]})
    found = _no_data_findings(land, fs)
    assert found["row_id"].tolist() == ["a", "b"]
    assert found["message"].str.startswith(("2024年占用宗地R，", "2023年占用宗地P、Q，")).all()


def _random_roll_up(seed: int):
    rng = np.random.default_rng(seed)
    parcel_ids = ["P1", "P2", "P3", "P4", "Q", "甲"]
    parcels = pd.DataFrame(
        {
            "parcel_id": [*parcel_ids, "P2"],
            "county_code": ["330602"] * 7,
            "area_m2": rng.choice([500.0, 1000.0, 1500.0], 7),
        }
    )
    usccs = ["a", "b", "c", "d", "e", "f"]
    n = 40
    land = pd.DataFrame(
        {
            "uscc": rng.choice(usccs, n),
            "year": rng.integers(2022, 2025, n),
            # "X" is not a parcel.
            "parcel_id": rng.choice([*parcel_ids, "X"], n),
            "relation": rng.choice(["own", "lease"], n),
            # Few distinct areas: ties in land.
            "land_m2": rng.choice([100.0, 200.0], n),
        }
    ).drop_duplicates(["uscc", "year", "parcel_id", "relation"])
    years = [2022, 2023, 2024]
    fs = pd.DataFrame(
        [(u, y) for u in usccs[:4] for y in years if rng.random() < 0.8], columns=["uscc", "year"]
    )
    m = len(fs)
    fs["scale"] = "above"
    fs["name"] = pd.Series(rng.choice(["甲厂", "乙厂", None], m), dtype="str")
    fs["industry_code"] = pd.Series(rng.choice(["C17", None], m), dtype="str")
    fs["class"] = pd.Series(rng.choice(["A", "B", None], m), dtype="str")
    # Ties and missing scores.
    fs["score"] = rng.choice([50.0, 70.0, NAN], m)
    for c in ("tax", "value_added", "revenue", "rd_expense"):
        fs[c] = rng.choice([10.0, NAN], m)
    firms = pd.DataFrame(
        {
            "uscc": ["a", "c", "e", "e"],
            "name": ["A厂", None, "E厂", "E2"],
            "industry_code": ["C26", "C30", None, "C40"],
            "scale": ["above", "below", "below", "above"],
        }
    )
    return parcels, land, fs, firms, years


@pytest.mark.parametrize("seed", range(6))
def test_coded_occupants_equal_the_query(seed, monkeypatch):
    parcels, land, fs, firms, years = _random_roll_up(seed)
    alloc = allocate(land, firm_scores=fs, firms=firms)
    args = {"parcels": parcels, "allocation": alloc, "firm_scores": fs, "firms": firms}
    coded = parcel_scores(**args, years=years)
    monkeypatch.setattr(rollup, "_coded_occupant_lists", lambda *a, **k: None)
    queried = parcel_scores(**args, years=years)
    assert_frame_equal(coded, queried, check_exact=True)
    assert (coded["n_occupants"] > 1).any()


def test_coded_occupants_fall_back_to_the_query():
    parcels, land, fs, firms, years = _random_roll_up(0)
    alloc = allocate(land, firm_scores=fs, firms=firms)
    occ = rollup._occupant_sums(alloc)
    frame = rollup._firm_frame(fs, ["name", "industry_code", "class", "score"])
    reg = rollup._registry(firms)
    ids = pa.array(sorted(parcels["parcel_id"].unique()), type=pa.large_string())
    years = pd.Series(years)
    assert rollup._coded_occupant_lists(occ, fs=frame, reg=reg, ids=ids, years=years)
    # A repeated firm-year, unsorted occupants: the query's rows are needed.
    repeated = pd.concat([frame, frame.iloc[:1]], ignore_index=True)
    assert rollup._coded_occupant_lists(occ, fs=repeated, reg=reg, ids=ids, years=years) is None
    shuffled = occ.take(pa.array(np.arange(occ.num_rows)[::-1]))
    assert rollup._coded_occupant_lists(shuffled, fs=frame, reg=reg, ids=ids, years=years) is None


@pytest.mark.parametrize("seed", range(6))
def test_coded_allocation_equals_the_query(seed, monkeypatch):
    _, land, fs, firms, _ = _random_roll_up(seed)
    # Land without a uscc, and firms in neither the firm-years nor the registry.
    land = land.astype({"uscc": "str"})
    land.loc[land.index[:2], "uscc"] = None
    land.loc[land.index[2:4], "uscc"] = "zz"
    fs.loc[fs.index[:3], "scale"] = None
    coded = allocate(land, firm_scores=fs, firms=firms)
    monkeypatch.setattr(rollup, "_coded_allocation", lambda *a, **k: None)
    queried = allocate(land, firm_scores=fs, firms=firms)
    assert_frame_equal(coded, queried, check_exact=True)


def test_coded_allocation_falls_back_to_the_query():
    _, land, fs, firms, _ = _random_roll_up(1)
    alloc = allocate(land, firm_scores=fs, firms=firms)
    repeated = pd.concat([fs, fs.iloc[:1]], ignore_index=True)
    frame = rollup._firm_frame(repeated, ["scale", *rollup.ALLOCATED_VALUES])
    table = pa.Table.from_pandas(
        alloc[["uscc", "year", "parcel_id", "relation", "land_m2"]].assign(_row=range(len(alloc))),
        preserve_index=False,
    )
    reg = rollup._registry(firms)
    assert rollup._coded_allocation(table, fs=frame, reg=reg) is None
    ok = rollup._firm_frame(fs, ["scale", *rollup.ALLOCATED_VALUES])
    assert rollup._coded_allocation(table, fs=ok, reg=reg) is not None
    empty = rollup._firm_frame(fs.iloc[:0], ["scale", *rollup.ALLOCATED_VALUES])
    assert rollup._coded_allocation(table, fs=empty, reg=reg) is not None


def _random_firm_years(seed: int):
    rng = np.random.default_rng(seed)
    usccs = np.array(["a", "b", "c", "d", "中", "x"], dtype=object)
    firms = pd.DataFrame(
        {
            "uscc": ["a", "b", "c", "a", None],
            "name": ["甲", "乙", None, "甲2", "无"],
            "industry_code": ["C17", "C26", "C30", "C31", "C32"],
            "county_code": "330602",
            "scale": ["above", "below", "above", "below", "above"],
            "start_year": [2010, None, 2015, 2011, 2012],
        }
    )

    def side(n: int, values: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame({"uscc": rng.choice(usccs, n), "year": rng.integers(2020, 2026, n)})
        for c in values:
            frame[c] = rng.choice([1.5, 2.25, NAN], n)
        return frame

    tax = side(25, ["tax", "electricity_kwh"])
    out = side(25, ["value_added", "revenue", "employees"])
    land = pd.DataFrame(
        {
            "uscc": rng.choice(usccs, 20),
            "year": rng.integers(2021, 2025, 20),
            "parcel_id": "P",
            "relation": "own",
            "land_m2": rng.choice([100.0, 250.0], 20),
        }
    )
    return firms, tax, out, land


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("years", [None, [2022, 2023, 2024]])
def test_joined_firm_years_equal_the_query(seed, years, monkeypatch):
    firms, tax, out, land = _random_firm_years(seed)
    args = {"firms": firms, "firm_tax": tax, "firm_output": out, "land": land, "years": years}
    coded, coded_found = assemble_firm_years(**args)
    monkeypatch.setattr(firm_years, "_joined", lambda *a, **k: None)
    queried, queried_found = assemble_firm_years(**args)
    assert_frame_equal(coded, queried, check_exact=True)
    assert_frame_equal(coded_found, queried_found, check_exact=True)


def test_joined_firm_years_empty_side(monkeypatch):
    firms, tax, out, land = _random_firm_years(0)
    args = {"firms": firms, "firm_tax": tax.iloc[:0], "firm_output": out, "land": land}
    coded = assemble_firm_years(**args)[0]
    monkeypatch.setattr(firm_years, "_joined", lambda *a, **k: None)
    assert_frame_equal(coded, assemble_firm_years(**args)[0], check_exact=True)


def test_firm_land_with_chunked_text_columns():
    def chunked(values: list) -> pd.Series:
        half = len(values) // 2
        return pd.Series(
            pd.array(pa.chunked_array([values[:half], values[half:]], pa.string()), dtype="str")
        )

    parcels = pd.DataFrame({"parcel_id": chunked(["P", "Q"]), "area_m2": [100.0, 80.0]})
    occupancy = pd.DataFrame(
        {
            "uscc": chunked(["a", "b", "c", "d"]),
            "parcel_id": chunked(["Q", "P", "X", "P"]),
            "relation": chunked(["own", "own", "own", "lease"]),
            "area_m2": [NAN, NAN, NAN, 30.0],
        }
    )
    land, found = firm_land(parcels=parcels, occupancy=occupancy, years=[2023])
    assert land[["uscc", "parcel_id", "land_m2"]].to_numpy().tolist() == [
        ["b", "P", 70.0],
        ["d", "P", 30.0],
        ["a", "Q", 80.0],
    ]
    assert found["code"].tolist() == ["OCCUPANCY_UNKNOWN_PARCEL"]

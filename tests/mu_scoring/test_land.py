"""Land per firm-year from occupancy (landeval.mu_scoring.land)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.mu_scoring.land import LAND_COLUMNS, _parcel_codes, firm_land

NAN = float("nan")


def _parcels(**areas: float) -> pd.DataFrame:
    return pd.DataFrame({"parcel_id": list(areas), "area_m2": list(areas.values())})


def _occ(rows: list[tuple]) -> pd.DataFrame:
    cols = ["uscc", "parcel_id", "relation", "area_m2", "from_year", "to_year"]
    return pd.DataFrame(rows, columns=cols)


def _land(land: pd.DataFrame) -> dict[tuple, float]:
    return {
        (r.uscc, r.year, r.parcel_id, r.relation): r.land_m2 for r in land.itertuples(index=False)
    }


def test_partial_lease_is_taken_from_the_owner():
    land, found = firm_land(
        parcels=_parcels(P=1000.0),
        occupancy=_occ(
            [("a", "P", "own", NAN, None, None), ("b", "P", "lease", 300.0, None, None)]
        ),
        years=[2023],
    )
    assert list(land.columns) == LAND_COLUMNS
    assert _land(land) == {
        ("a", 2023, "P", "own"): pytest.approx(700.0),
        ("b", 2023, "P", "lease"): pytest.approx(300.0),
    }
    assert len(found) == 0


def test_validity_years_are_inclusive_and_open_when_missing():
    occ = _occ(
        [
            ("a", "P", "own", NAN, 2021, 2022),
            ("b", "P", "lease", 250.0, 2022, None),
            ("c", "Q", "own", NAN, None, 2021),
        ]
    )
    land, _ = firm_land(
        parcels=_parcels(P=1000.0, Q=500.0), occupancy=occ, years=[2020, 2021, 2022, 2023]
    )
    assert _land(land) == {
        ("c", 2020, "Q", "own"): 500.0,
        ("a", 2021, "P", "own"): 1000.0,
        ("c", 2021, "Q", "own"): 500.0,
        ("a", 2022, "P", "own"): 750.0,
        ("b", 2022, "P", "lease"): 250.0,
        ("b", 2023, "P", "lease"): 250.0,  # no owner left in 2023: the rest is unused
    }


def test_lease_without_area_is_the_whole_parcel():
    occ = _occ([("a", "P", "own", NAN, None, None), ("b", "P", "lease", NAN, None, None)])
    land, _ = firm_land(parcels=_parcels(P=800.0), occupancy=occ, years=[2023])
    assert _land(land) == {("b", 2023, "P", "lease"): 800.0}  # a keeps nothing


def test_leases_beyond_the_parcel_are_scaled_and_an_error():
    occ = _occ(
        [
            ("a", "P", "own", NAN, None, None),
            ("b", "P", "lease", 600.0, None, None),
            ("c", "P", "lease", 900.0, None, None),
        ]
    )
    land, found = firm_land(parcels=_parcels(P=1000.0), occupancy=occ, years=[2022, 2023])
    got = _land(land)
    # 1500 m² leased out of 1000: each lease × 1000/1500; the owner keeps nothing.
    assert got[("b", 2023, "P", "lease")] == pytest.approx(400.0)
    assert got[("c", 2023, "P", "lease")] == pytest.approx(600.0)
    assert ("a", 2023, "P", "own") not in got
    assert found["code"].tolist() == ["LEASE_EXCEEDS_PARCEL"]
    row = found.iloc[0]
    assert (row["severity"], row["row_id"], row["layer"]) == ("error", "P", "occupancy")
    assert "2022、2023" in row["message"]
    assert "1500.0" in row["message"]


def test_several_owners_without_area_split_equally():
    occ = _occ(
        [
            ("a", "P", "own", NAN, None, None),
            ("b", "P", "own", NAN, None, None),
            ("c", "P", "lease", 200.0, None, None),
        ]
    )
    land, found = firm_land(parcels=_parcels(P=1000.0), occupancy=occ, years=[2023])
    # Each owner 500, less half of the 200 leased out.
    assert _land(land) == {
        ("a", 2023, "P", "own"): pytest.approx(400.0),
        ("b", 2023, "P", "own"): pytest.approx(400.0),
        ("c", 2023, "P", "lease"): pytest.approx(200.0),
    }
    assert found["code"].tolist() == ["OWNERS_SPLIT_EQUALLY"]
    assert found.iloc[0]["severity"] == "info"


def test_owner_with_area_and_owner_without():
    occ = _occ([("a", "P", "own", 300.0, None, None), ("b", "P", "own", NAN, None, None)])
    land, found = firm_land(parcels=_parcels(P=1000.0), occupancy=occ, years=[2023])
    assert _land(land) == {("a", 2023, "P", "own"): 300.0, ("b", 2023, "P", "own"): 700.0}
    assert len(found) == 0


def test_bad_rows_are_findings_not_drops():
    occ = _occ(
        [
            ("a", "NOPE", "own", NAN, None, None),
            ("b", "P", "rent", NAN, None, None),
            ("c", "P", "lease", -5.0, None, None),
            ("d", "P", "own", NAN, None, None),
        ]
    )
    land, found = firm_land(parcels=_parcels(P=100.0), occupancy=occ, years=[2023])
    assert _land(land) == {("d", 2023, "P", "own"): 100.0}
    assert sorted(found["code"]) == [
        "OCCUPANCY_BAD_AREA",
        "OCCUPANCY_BAD_RELATION",
        "OCCUPANCY_UNKNOWN_PARCEL",
    ]
    assert set(found["severity"]) == {"warning"}
    unknown = found[found["code"] == "OCCUPANCY_UNKNOWN_PARCEL"].iloc[0]
    assert unknown["row_id"] == "NOPE"
    assert "第1行" in unknown["message"]


def test_inputs_are_not_mutated():
    parcels = _parcels(P=1000.0)
    occ = _occ([("a", "P", "own", NAN, None, None), ("b", "P", "lease", 300.0, 2020, None)])
    before = (parcels.copy(deep=True), occ.copy(deep=True))
    firm_land(parcels=parcels, occupancy=occ, years=[2023])
    pd.testing.assert_frame_equal(parcels, before[0])
    pd.testing.assert_frame_equal(occ, before[1])


_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["P", "Q", "R"]),
        st.sampled_from(["own", "lease"]),
        st.one_of(st.none(), st.floats(1.0, 3000.0)),
        st.one_of(st.none(), st.integers(2020, 2023)),
        st.one_of(st.none(), st.integers(2020, 2023)),
    ),
    max_size=12,
)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_rows)
def test_land_is_conserved(rows):
    """Σ assigned per parcel-year ≤ parcel area, whatever the occupancy says."""
    parcels = _parcels(P=1000.0, Q=2000.0, R=500.0)
    occ = _occ([(u, p, r, NAN if a is None else a, f, t) for u, p, r, a, f, t in rows])
    land, _ = firm_land(parcels=parcels, occupancy=occ, years=[2021, 2022, 2023])
    assert (land["land_m2"] > 0).all()
    used = land.groupby(["parcel_id", "year"])["land_m2"].sum()
    area = parcels.set_index("parcel_id")["area_m2"]
    for (pid, _year), total in used.items():
        assert total <= area[pid] * (1 + 1e-9)


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

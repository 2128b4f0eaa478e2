"""Checks of the occupancy table: unknown parcels and firms, leases beyond a parcel's area."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import box

from landeval.validate import check_occupancy
from tests.validate._helpers import codes_of, parcels_of


def test_occupancy_unknowns_and_leases():
    parcels = parcels_of([box(0, 0, 100, 100), box(200, 0, 300, 100)])  # 10,000 m² each
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
    got = sorted(codes_of(found))
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
    parcels = parcels_of([box(0, 0, 100, 100)])
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

"""The bases by hand: land held as owner (not leased in), the land-use tax due, water sums."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.config import INCENTIVE_BASES
from landeval.incentives import firm_bases
from landeval.incentives.bases import WHY_LAND_TAX

YEAR = 2024
COUNTY_RATES = {"330602": 6.0}  # 330603 and 330604 have none


@pytest.fixture
def parcels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
            "county_code": ["330602", "330603", "330604", "330602", "330602", "330602"],
            "area_m2": [10_000.0, 5_000.0, 8_000.0, 2_000.0, 1_000.0, 3_000.0],
            # P2 and P5 carry their own grade's rate; P4's is 元/亩 by mistake
            "land_tax_rate": [np.nan, 3.0, np.nan, 4000.0, 2.0, np.nan],
        }
    )


@pytest.fixture
def occupancy() -> pd.DataFrame:
    rows = [
        ("F1", "P1", "own", None, None, None),
        ("F1", "P5", "own", None, None, None),
        ("F2", "P1", "lease", 4_000.0, None, None),  # F1 leases 4 000 m² of P1 to F2
        ("F3", "P2", "own", None, None, None),
        ("F3", "P6", "own", None, 2020, 2023),  # sold before the evaluation year
        ("F4", "P3", "own", None, None, None),
        ("F5", "P4", "own", None, None, None),
    ]
    return pd.DataFrame(
        rows, columns=["uscc", "parcel_id", "relation", "area_m2", "from_year", "to_year"]
    ).astype({"from_year": "Int64", "to_year": "Int64"})


@pytest.fixture
def firm_scores() -> pd.DataFrame:
    usccs = ["F1", "F2", "F3", "F4", "F5"]
    frame = pd.DataFrame(
        {
            "uscc": usccs,
            "year": YEAR,
            "name": [f"企业{u}" for u in usccs],
            "county_code": "330602",
            "tax": [12.5, 3.0, np.nan, 1.0, 0.0],  # 万元
            "electricity_kwh": [1e6, np.nan, 2e5, 3e5, 0.0],
            "energy_tce": [100.0, 5.0, 20.0, 30.0, 0.0],
            "emissions_eq": [10.0, 1.0, 2.0, 3.0, 0.0],
            "land_m2": [7_000.0, 4_000.0, 5_000.0, 8_000.0, 2_000.0],
        }
    )
    earlier = frame.assign(year=YEAR - 1, electricity_kwh=9.0)
    return pd.concat([earlier, frame], ignore_index=True)


@pytest.fixture
def firm_tax() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": ["F1", "F1", "F2", "F3", "F1"],
            "year": [YEAR, YEAR, YEAR, YEAR - 1, YEAR - 1],
            "tax": [1.0, 1.0, 1.0, 1.0, 1.0],
            "water_m3": [100.0, 50.0, np.nan, 70.0, 999.0],
            "wastewater_t": [80.0, np.nan, np.nan, 60.0, 999.0],
        }
    )


def _every_basis(firm_scores, firm_tax, parcels, occupancy):
    return firm_bases(
        firm_scores=firm_scores,
        firm_tax=firm_tax,
        parcels=parcels,
        occupancy=occupancy,
        year=YEAR,
        land_tax_rates=COUNTY_RATES,
        needed=INCENTIVE_BASES,
    )


@pytest.fixture
def result(firm_scores, firm_tax, parcels, occupancy):
    return _every_basis(firm_scores, firm_tax, parcels, occupancy)


def _by_firm(result) -> pd.DataFrame:
    bases, _ = result
    return bases.set_index("uscc")


def test_one_row_per_firm_of_the_year(result):
    bases = _by_firm(result)
    assert list(bases.index) == ["F1", "F2", "F3", "F4", "F5"]
    assert bases.loc["F1", "electricity_kwh"] == 1e6  # 2024's, not 2023's 9
    assert bases.loc["F1", "name"] == "企业F1"


def test_land_held_as_owner_counts_land_leased_out_and_not_land_leased_in(result):
    owned = _by_firm(result)["land_owned_m2"]
    assert owned["F1"] == pytest.approx(11_000.0)  # P1 whole (4 000 leased out) + P5
    assert owned["F2"] == 0.0  # a lessee holds no land as owner
    assert owned["F3"] == pytest.approx(5_000.0)  # P6 was sold in 2023
    assert owned["F4"] == pytest.approx(8_000.0)


def test_land_used_is_the_scored_land(result):
    assert _by_firm(result)["land_m2"]["F1"] == 7_000.0


def test_land_use_tax_is_owned_area_times_the_parcel_or_county_rate(result):
    bases = _by_firm(result)
    tax = bases["land_use_tax"]
    assert tax["F1"] == pytest.approx(10_000 * 6.0 + 1_000 * 2.0)  # county rate, own rate
    assert tax["F2"] == 0.0  # the owner pays on leased land, not the lessee
    assert tax["F3"] == pytest.approx(5_000 * 3.0)  # its parcel's own rate
    assert pd.isna(bases.loc["F1", WHY_LAND_TAX])


def test_an_owned_parcel_without_a_rate_leaves_the_tax_unknown(result):
    bases = _by_firm(result)
    assert np.isnan(bases.loc["F4", "land_use_tax"])  # never a partial sum, never 0
    assert "P3" in bases.loc["F4", WHY_LAND_TAX]


def test_an_illegal_parcel_rate_is_a_finding_and_not_used(result):
    bases, findings = result
    f5 = bases.set_index("uscc").loc["F5"]
    assert np.isnan(f5["land_use_tax"])  # not replaced by the county's 6.0
    assert "P4" in f5[WHY_LAND_TAX]
    (row,) = findings.itertuples()
    assert (row.code, row.layer, row.row_id, row.field) == (
        "LAND_TAX_RATE_INVALID",
        "parcels",
        "P4",
        "land_tax_rate",
    )
    assert "4000" in row.message


def test_water_and_wastewater_sum_a_firm_years_rows_and_stay_unknown_when_empty(result):
    bases = _by_firm(result)
    assert bases.loc["F1", "water_m3"] == 150.0
    assert bases.loc["F1", "wastewater_t"] == 80.0  # empty cells skipped, as the scoring does
    assert np.isnan(bases.loc["F2", "water_m3"])  # reported empty
    assert np.isnan(bases.loc["F3", "water_m3"])  # no row in the year


def test_tax_is_in_yuan_and_the_firm_basis_is_one(result):
    bases = _by_firm(result)
    assert bases.loc["F1", "tax"] == 125_000.0
    assert np.isnan(bases.loc["F3", "tax"])
    assert (bases["firm"] == 1.0).all()


def test_only_the_needed_bases(firm_scores, firm_tax, parcels, occupancy):
    bases, _ = firm_bases(
        firm_scores=firm_scores,
        firm_tax=firm_tax.drop(columns=["water_m3", "wastewater_t"]),
        parcels=parcels,
        occupancy=occupancy,
        year=YEAR,
        land_tax_rates={},
        needed={"water_m3", "electricity_kwh"},
    )
    assert set(bases.columns) == {"uscc", "name", "county_code", "water_m3", "electricity_kwh"}
    assert bases["water_m3"].isna().all()  # a tax table without the column: unknown


def test_inputs_are_not_changed(firm_scores, firm_tax, parcels, occupancy):
    frames = (firm_scores, firm_tax, parcels, occupancy)
    before = [f.copy() for f in frames]
    _every_basis(*frames)
    for frame, copy in zip(frames, before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)

"""The allocation (landeval.mu_scoring.allocation) against the rule written plainly.

:func:`reference_allocation` is the reference: a loop over the land rows that a reader can
check against DESIGN §5. The package computes the same on uscc codes in numpy; both must
give the same table bit for bit, on random inputs with ties, missing values, usccs found in
neither the firm-years nor the registry, and on inputs large or sparse enough to take the
sorted-search lookups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from landeval.inputs.model import RESULT_COLUMNS
from landeval.mu_scoring.allocation import ALLOCATED_VALUES, allocate

NAN = float("nan")
KEYS = ["year", "parcel_id", "uscc", "relation"]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def reference_allocation(
    land: pd.DataFrame, firm_scores: pd.DataFrame, firms: pd.DataFrame
) -> pd.DataFrame:
    """Each firm-year's money split over its land rows by share of its land.

    Land rows in (year, parcel_id, uscc, relation) order; rows without a uscc or year have
    no firm-year and are left out. A firm-year's land is added row by row in that order from
    0.0, missing land skipped. share = land / the firm-year's land (float division, so 0/0
    is NaN); money = the firm-year's figure × share; scale = the firm-year's, else the
    registry's first row's.
    """
    rows = land.sort_values(KEYS, kind="stable", na_position="last")
    rows = rows[rows["uscc"].notna() & rows["year"].notna()].reset_index(drop=True)
    total: dict[tuple, float] = {}
    for uscc, year, m2 in zip(rows["uscc"], rows["year"], rows["land_m2"], strict=True):
        key = (uscc, int(year))
        if not _missing(m2):
            total[key] = total.get(key, 0.0) + float(m2)
    firm_year = {}
    for i, (uscc, year) in enumerate(zip(firm_scores["uscc"], firm_scores["year"], strict=True)):
        firm_year.setdefault((uscc, int(year)), i)
    registry = {}
    for i, uscc in enumerate(firms["uscc"]):
        registry.setdefault(uscc, i)
    out = []
    for row in rows.itertuples(index=False):
        key = (row.uscc, int(row.year))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.float64(row.land_m2) / np.float64(total.get(key, NAN))
        fs = firm_year.get(key)
        scale = None if fs is None else firm_scores["scale"].iloc[fs]
        if _missing(scale) and row.uscc in registry:
            scale = firms["scale"].iloc[registry[row.uscc]]
        money = {}
        for c in ALLOCATED_VALUES:
            value = NAN if fs is None else firm_scores[c].iloc[fs]
            money[c] = NAN if _missing(value) else float(value) * share
        out.append(
            {
                "uscc": row.uscc,
                "year": int(row.year),
                "parcel_id": row.parcel_id,
                "relation": row.relation,
                "land_m2": float(row.land_m2),
                "share": float(share),
                "scale": None if _missing(scale) else scale,
                **money,
            }
        )
    cols = [*RESULT_COLUMNS["allocation"], *ALLOCATED_VALUES[2:]]
    frame = pd.DataFrame(out, columns=cols)
    for c in ("uscc", "parcel_id", "relation", "scale"):
        frame[c] = frame[c].astype("str")
    frame["year"] = frame["year"].astype("int64")
    for c in ("land_m2", "share", *ALLOCATED_VALUES):
        frame[c] = frame[c].astype("float64")
    return frame


def random_roll_up(seed: int, *, n_land: int = 40, extra_firms: int = 0):
    """Parcels, land, firm-years and a registry with ties, gaps and missing values."""
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
    land = pd.DataFrame(
        {
            "uscc": rng.choice(usccs, n_land),
            "year": rng.integers(2022, 2025, n_land),
            # "X" is not a parcel.
            "parcel_id": rng.choice([*parcel_ids, "X"], n_land),
            "relation": rng.choice(["own", "lease"], n_land),
            # Few distinct areas: ties in land.
            "land_m2": rng.choice([100.0, 200.0], n_land),
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
    for c in ALLOCATED_VALUES:
        fs[c] = rng.choice([10.0, NAN], m)
    firms = pd.DataFrame(
        {
            "uscc": ["a", "c", "e", "e", *[f"z{i}" for i in range(extra_firms)]],
            "name": ["A厂", None, "E厂", "E2", *["Z"] * extra_firms],
            "industry_code": ["C26", "C30", None, "C40", *["C17"] * extra_firms],
            "scale": ["above", "below", "below", "above", *["below"] * extra_firms],
        }
    )
    return parcels, land, fs, firms, years


def _awkward(land: pd.DataFrame, fs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Land without a uscc or year, usccs nobody knows, missing land, missing scales."""
    land = land.astype({"uscc": "str"}).reset_index(drop=True)
    land["year"] = land["year"].astype("Int64")
    land.loc[land.index[:2], "uscc"] = None
    land.loc[land.index[2:4], "uscc"] = "zz"
    land.loc[land.index[4], "year"] = pd.NA
    land.loc[land.index[5:7], "land_m2"] = NAN
    fs = fs.copy()
    fs.loc[fs.index[:3], "scale"] = None
    return land, fs


@pytest.mark.parametrize("seed", range(6))
def test_allocation_equals_the_reference(seed):
    _, land, fs, firms, _ = random_roll_up(seed)
    for frame, scores in ((land, fs), _awkward(land, fs)):
        got = allocate(frame, firm_scores=scores, firms=firms)
        assert_frame_equal(got, reference_allocation(frame, scores, firms), check_exact=True)
        # Shuffled land gives the same table (it is sorted first).
        shuffled = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        assert_frame_equal(allocate(shuffled, firm_scores=scores, firms=firms), got)


def test_allocation_with_a_large_registry_and_sparse_years():
    # Many registered firms and a wide span of years: the firm-year lookup cannot use a
    # table over every (uscc, year) and searches the sorted firm-years instead.
    _, land, fs, firms, _ = random_roll_up(3, extra_firms=400)
    fs = fs.assign(year=fs["year"].replace({2022: 1990}))
    land = land.assign(year=land["year"].replace({2022: 1990}))
    got = allocate(land, firm_scores=fs, firms=firms)
    assert_frame_equal(got, reference_allocation(land, fs, firms), check_exact=True)
    assert (got["year"] == 1990).any()


def test_firm_year_without_land_gives_nan_shares():
    land = pd.DataFrame(
        {
            "uscc": ["a", "a", "b"],
            "year": [2023, 2023, 2023],
            "parcel_id": ["P", "Q", "P"],
            "relation": ["own", "lease", "own"],
            "land_m2": [0.0, 0.0, 50.0],
        }
    )
    fs = pd.DataFrame({"uscc": ["a", "b"], "year": [2023, 2023], "scale": ["above", "below"]})
    for c in ALLOCATED_VALUES:
        fs[c] = [10.0, 4.0]
    firms = pd.DataFrame(columns=["uscc", "name", "industry_code", "scale"])
    got = allocate(land, firm_scores=fs, firms=firms)
    assert_frame_equal(got, reference_allocation(land, fs, firms), check_exact=True)
    # Sorted by year, parcel_id, uscc: (P, a), (P, b), (Q, a); a's land adds up to 0.
    assert got["share"].isna().tolist() == [True, False, True]
    assert got.loc[1, "tax"] == 4.0


def test_repeated_firm_year_is_refused():
    _, land, fs, firms, _ = random_roll_up(1)
    repeated = pd.concat([fs, fs.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="more than one row for a firm-year"):
        allocate(land, firm_scores=repeated, firms=firms)


def test_empty_land():
    _, land, fs, firms, _ = random_roll_up(0)
    got = allocate(land.iloc[:0], firm_scores=fs, firms=firms)
    assert len(got) == 0
    assert list(got.columns) == [*RESULT_COLUMNS["allocation"], *ALLOCATED_VALUES[2:]]

"""Trends by region and year (landeval.mu_scoring.trends)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.inputs.model import RESULT_COLUMNS
from landeval.mu_scoring.trends import TREND_LEVELS, compute_trends, trend_regions

MU = 10000 / 15  # m² per mu


def _alloc(rows):
    cols = ["uscc", "year", "parcel_id", "land_m2", "scale", "tax", "value_added"]
    return pd.DataFrame(rows, columns=cols)


REGIONS = pd.DataFrame(
    {
        "parcel_id": ["P", "Q", "P", "Q"],
        "level": ["county", "county", "platform", "platform"],
        "region_id": ["c1", "c2", "k", "k"],
    }
)


def test_per_mu_growth_and_cagr_by_hand():
    rows = [
        # P: 10 mu, value added 100 → 121 → 146.41 (+10 % a year), tax 20 → 20 → 20.
        ("a", 2021, "P", 10 * MU, "above", 20.0, 100.0),
        ("a", 2022, "P", 10 * MU, "above", 20.0, 110.0),
        ("a", 2023, "P", 10 * MU, "above", 20.0, 121.0),
        # Q: 5 mu, value added 50 each year; a below-scale firm that trends ignore.
        ("b", 2021, "Q", 5 * MU, "above", 5.0, 50.0),
        ("b", 2022, "Q", 5 * MU, "above", 5.0, 50.0),
        ("b", 2023, "Q", 5 * MU, "above", 5.0, 50.0),
        ("c", 2023, "Q", 5 * MU, "below", 99.0, 999.0),
    ]
    out = compute_trends(_alloc(rows), regions=REGIONS, target_growth=0.085)
    assert list(out.columns) == RESULT_COLUMNS["trends"]
    c1 = out[out["region_id"] == "c1"].reset_index(drop=True)
    assert c1["va_per_mu"].tolist() == pytest.approx([10.0, 11.0, 12.1])
    assert c1["va_growth"].tolist()[1:] == pytest.approx([0.1, 0.1])
    assert np.isnan(c1["va_growth"].iloc[0])
    # CAGR from the first year to each row's year: 10 % a year.
    assert c1["va_cagr"].tolist()[1:] == pytest.approx([0.1, 0.1])
    assert c1["tax_cagr"].tolist()[1:] == pytest.approx([0.0, 0.0])
    assert c1["meets_target"].tolist()[1:] == [True, True]
    assert pd.isna(c1["meets_target"].iloc[0])
    # Platform k = P + Q: 15 mu; value added 150, 160, 171 → 10, 10.667, 11.4 per mu.
    k = out[out["region_id"] == "k"].reset_index(drop=True)
    assert k["land_mu"].tolist() == pytest.approx([15.0, 15.0, 15.0])
    assert k["va_per_mu"].tolist() == pytest.approx([10.0, 160 / 15, 11.4])
    assert k["va_cagr"].iloc[2] == pytest.approx((11.4 / 10) ** 0.5 - 1)  # 6.77 % a year
    assert k["meets_target"].tolist()[2] is False
    assert k["tax_per_mu"].tolist() == pytest.approx([25 / 15] * 3)
    assert (out["target_growth"] == 0.085).all()
    c2 = out[out["region_id"] == "c2"]
    assert c2["value_added"].tolist() == [50.0, 50.0, 50.0]  # the below-scale row is left out


def test_missing_value_added_does_not_dilute():
    rows = [
        ("a", 2023, "P", 10 * MU, "above", 10.0, 100.0),
        ("b", 2023, "P", 10 * MU, "above", 10.0, np.nan),  # no output figures
    ]
    out = compute_trends(_alloc(rows), regions=REGIONS.iloc[:1], target_growth=0.085)
    row = out.iloc[0]
    assert row["land_mu"] == pytest.approx(20.0)
    assert row["va_per_mu"] == pytest.approx(10.0)  # 100 over the 10 mu that reported it
    assert row["tax_per_mu"] == pytest.approx(1.0)  # 20 over 20 mu


def test_gap_year_has_no_growth_but_cagr_spans_it():
    rows = [
        ("a", 2020, "P", 10 * MU, "above", 1.0, 100.0),
        ("a", 2022, "P", 10 * MU, "above", 1.0, 121.0),
    ]
    out = compute_trends(_alloc(rows), regions=REGIONS.iloc[:1], target_growth=0.085)
    assert np.isnan(out["va_growth"].iloc[1])
    assert out["va_cagr"].iloc[1] == pytest.approx(0.1)


def test_input_not_mutated():
    alloc = _alloc([("a", 2023, "P", MU, "above", 1.0, 2.0)])
    before = alloc.copy()
    compute_trends(alloc, regions=REGIONS, target_growth=0.085)
    pd.testing.assert_frame_equal(alloc, before)


# --- The sums' bits: the implementation against the former pandas one --------------------


def _reference_sums(allocation, regions):
    """Σ per (level, region_id, year) as the former implementation added them: pandas' merge
    on the text, a stable sort by level, region_id, year, parcel_id (missing last), land_m2,
    and pandas' group-by sum."""
    above = allocation[allocation["scale"].eq("above").fillna(False).to_numpy(dtype=bool)]
    left = above[["parcel_id", "year", "land_m2", "tax", "value_added"]].astype(
        {"parcel_id": "str"}
    )
    reg = regions.astype("str").drop_duplicates()
    joined = left.merge(reg, on="parcel_id", how="inner")
    joined = joined[joined["level"].notna() & joined["region_id"].notna()]
    joined = joined.assign(_pid=joined["parcel_id"].fillna("\U0010ffff" * 8))
    joined = joined.sort_values(["level", "region_id", "year", "_pid", "land_m2"], kind="stable")
    va, tax, land = joined["value_added"], joined["tax"], joined["land_m2"]
    parts = pd.DataFrame(
        {
            "level": joined["level"],
            "region_id": joined["region_id"],
            "year": joined["year"].astype("int64"),
            "land_m2": land,
            "value_added": va,
            "tax": tax,
            "va_land_m2": land.where(va.notna(), 0.0),
            "tax_land_m2": land.where(tax.notna(), 0.0),
        }
    )
    g = parts.groupby(["level", "region_id", "year"], sort=True).sum(min_count=1)
    return g.reset_index()


def _random_case(rng, n, *, width_fixed):
    # Ids of one length in bytes (numpy path) or of several (Arrow path); non-ASCII ones sort
    # by code point.
    ids = [f"P{i:04d}" for i in range(40)] + ["地1a", "Z~~~~"]
    if not width_fixed:
        ids = [f"P{i}" for i in range(40)] + ["地块7", "Z", "P1\x00"]
    parcel = rng.choice(ids, size=n).astype(object)
    parcel[rng.random(n) < 0.05] = None
    # Few distinct areas and amounts, so that ties and cancellation show in the last bits.
    land = rng.choice([1000.0, 2000.5, 1e-3, 3.3e7, np.nan], size=n)
    va = rng.choice([1.1, 1e16, -1e16, 3.7, 0.1, np.nan], size=n)
    tax = rng.normal(size=n) * 10.0 ** rng.integers(-3, 12, size=n)
    tax[rng.random(n) < 0.1] = np.nan
    alloc = pd.DataFrame(
        {
            "uscc": "u",
            "year": rng.integers(2019, 2024, size=n),
            "parcel_id": pd.array(parcel, dtype="str"),
            "land_m2": land,
            "scale": rng.choice(np.array(["above", "below", None], dtype=object), size=n),
            "tax": tax,
            "value_added": va,
        }
    )
    m = 60
    regions = pd.DataFrame(
        {
            "parcel_id": pd.array(rng.choice([*ids, None], size=m), dtype="str"),
            "level": pd.array(rng.choice(["county", "platform", None], size=m), dtype="str"),
            "region_id": pd.array(rng.choice(["b", "a", "c", None], size=m), dtype="str"),
        }
    )
    return alloc, regions


def _assert_sums_equal(out, allocation, regions):
    ref = _reference_sums(allocation, regions)
    assert (
        out[["level", "region_id", "year"]].astype(object).to_numpy().tolist()
        == ref[["level", "region_id", "year"]].astype(object).to_numpy().tolist()
    )
    for col in ["value_added", "tax"]:
        np.testing.assert_array_equal(out[col].to_numpy(), ref[col].to_numpy())
    np.testing.assert_array_equal(out["land_mu"].to_numpy(), ref["land_m2"].to_numpy() / MU)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("width_fixed", [True, False])
def test_sums_bit_for_bit_as_sorted_text_order(seed, width_fixed):
    rng = np.random.default_rng(seed)
    alloc, regions = _random_case(rng, 3000, width_fixed=width_fixed)
    out = compute_trends(alloc, regions=regions, target_growth=0.085)
    _assert_sums_equal(out, alloc, regions)
    # Shuffled allocation rows (ties in parcel and land kept in their order) and shuffled
    # region rows give the same bits.
    shuffled = alloc.sample(frac=1.0, random_state=seed)
    ties = shuffled.duplicated(["parcel_id", "year", "land_m2"], keep=False)
    shuffled = pd.concat([shuffled[~ties], alloc[alloc.index.isin(shuffled.index[ties])]])
    out2 = compute_trends(
        shuffled, regions=regions.sample(frac=1.0, random_state=seed), target_growth=0.085
    )
    pd.testing.assert_frame_equal(out2, out, check_exact=True)


def test_missing_ids_duplicate_regions_and_two_regions_of_one_level():
    rows = [
        ("a", 2023, "P", 2 * MU, "above", 1.0, 10.0),
        ("b", 2023, None, 3 * MU, "above", 2.0, 20.0),  # counts for the missing-id region
        ("c", 2023, "Q", 4 * MU, None, 4.0, 40.0),  # scale missing: not above
    ]
    regions = pd.DataFrame(
        {
            "parcel_id": ["P", "P", "P", None, "P", "P"],
            "level": ["county", "county", "county", "county", None, "platform"],
            "region_id": ["c1", "c1", "c2", "c1", "c3", None],
        },
        dtype="str",
    )
    out = compute_trends(_alloc(rows), regions=regions, target_growth=0.085)
    assert out[["level", "region_id"]].to_numpy().tolist() == [["county", "c1"], ["county", "c2"]]
    assert out["value_added"].tolist() == [30.0, 10.0]  # the duplicate region row counts once
    assert out["land_mu"].tolist() == pytest.approx([5.0, 2.0])


@pytest.mark.parametrize("case", ["empty", "none_above", "no_regions", "no_match"])
def test_empty_results_keep_columns_and_dtypes(case):
    full = compute_trends(
        _alloc([("a", 2023, "P", MU, "above", 1.0, 2.0)]), regions=REGIONS, target_growth=0.1
    )
    rows = {
        "empty": [],
        "none_above": [("a", 2023, "P", MU, "below", 1.0, 2.0)],
        "no_regions": [("a", 2023, "P", MU, "above", 1.0, 2.0)],
        "no_match": [("a", 2023, "X", MU, "above", 1.0, 2.0)],
    }[case]
    alloc = _alloc(rows).astype({"year": "int64", "land_m2": "float64", "tax": "float64"})
    alloc = alloc.astype({"value_added": "float64", "parcel_id": "str", "scale": "str"})
    regions = REGIONS.iloc[:0] if case == "no_regions" else REGIONS
    out = compute_trends(alloc, regions=regions, target_growth=0.1)
    assert out.empty
    pd.testing.assert_series_equal(out.dtypes, full.dtypes)


def test_trend_regions_every_level_missing_left_out():
    parcels = pd.DataFrame(
        {"parcel_id": ["P", "Q", "R"], "county_code": pd.array(["c1", None, "c2"], dtype="str")}
    )
    platforms = pd.DataFrame(
        {
            "parcel_id": ["P", "Q", "R"],
            "platform_id": pd.array(["k", None, "k"], dtype="str"),
            "tier": pd.array(["2", None, "2"], dtype="str"),
        }
    )
    got = trend_regions(parcels, city="绍兴市", platforms=platforms)
    assert got.to_numpy().tolist() == [
        ["P", "city", "绍兴市"], ["Q", "city", "绍兴市"], ["R", "city", "绍兴市"],
        ["P", "county", "c1"], ["R", "county", "c2"],
        ["P", "platform", "k"], ["R", "platform", "k"],
        ["P", "tier", "2"], ["R", "tier", "2"],
    ]  # fmt: skip
    assert set(got["level"]) == set(TREND_LEVELS)
    without = trend_regions(parcels, city="绍兴市")
    assert set(without["level"]) == {"city", "county"}


@pytest.mark.parametrize("seed", range(3))
def test_all_levels_in_one_call_equal_each_level_alone(seed):
    # The pipeline computes every level in one call: the same rows, bit for bit, as a call
    # per level (each region's sums add its own rows in the same order).
    rng = np.random.default_rng(seed)
    alloc, _ = _random_case(rng, 2000, width_fixed=False)
    ids = pd.Series(alloc["parcel_id"].dropna().unique(), dtype="str")
    parcels = pd.DataFrame(
        {
            "parcel_id": ids,
            "county_code": pd.Series(rng.choice(["c1", "c2"], len(ids)), dtype="str"),
        }
    )
    platforms = pd.DataFrame(
        {
            "parcel_id": ids,
            "platform_id": pd.Series(rng.choice(["k1", "k2", None], len(ids)), dtype="str"),
            "tier": pd.Series(rng.choice(["2", "N"], len(ids)), dtype="str"),
        }
    )
    regions = trend_regions(parcels, city="绍兴市", platforms=platforms)
    together = compute_trends(alloc, regions=regions, target_growth=0.085)
    apart = pd.concat(
        [
            compute_trends(alloc, regions=regions[regions["level"] == level], target_growth=0.085)
            for level in TREND_LEVELS
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(together, apart, check_exact=True)

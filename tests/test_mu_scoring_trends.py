"""Trends by region and year (landeval.mu_scoring.trends)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.model import RESULT_COLUMNS
from landeval.mu_scoring.trends import compute_trends

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

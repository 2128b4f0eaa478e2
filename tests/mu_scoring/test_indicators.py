"""Indicators (landeval.mu_scoring.indicators)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.mu_scoring.indicators import INDICATOR_FORMULAS, compute_indicators

NAN = float("nan")


def test_each_indicator_by_hand():
    fy = pd.DataFrame(
        {
            "tax": [30.0],
            "land_mu": [6.0],
            "value_added": [120.0],
            "energy_tce": [40.0],
            "emissions_eq": [8.0],
            "employees": [24.0],
            "rd_expense": [9.0],
            "revenue": [300.0],
            "electricity_kwh": [150000.0],
        }
    )
    row = compute_indicators(fy).iloc[0]
    assert row["tax_per_mu"] == 5.0
    assert row["va_per_mu"] == 20.0
    assert row["va_per_energy"] == 3.0
    assert row["va_per_emission"] == 15.0
    assert row["va_per_employee"] == 5.0
    assert row["rd_intensity"] == pytest.approx(0.03)
    assert row["tax_per_kwh"] == pytest.approx(2e-4)


def test_zero_negative_or_missing_denominator_is_missing():
    fy = pd.DataFrame(
        {
            "tax": [1.0, 1.0, 1.0, NAN],
            "land_mu": [0.0, -2.0, NAN, 5.0],
            "value_added": [1.0, 1.0, 1.0, 1.0],
        }
    )
    out = compute_indicators(fy)
    assert out["tax_per_mu"].isna().tolist() == [True, True, True, True]
    assert out["va_per_mu"].isna().tolist() == [True, True, True, False]
    # Columns absent from the input give missing indicators, not errors.
    assert out["va_per_energy"].isna().all()


def test_negative_numerator_gives_negative_value():
    fy = pd.DataFrame({"tax": [-10.0], "land_mu": [5.0]})
    assert compute_indicators(fy)["tax_per_mu"].tolist() == [-2.0]


def test_input_not_mutated_and_all_indicators_added():
    fy = pd.DataFrame({"tax": [1.0], "land_mu": [2.0]})
    before = fy.copy()
    out = compute_indicators(fy)
    pd.testing.assert_frame_equal(fy, before)
    assert list(out.columns) == ["tax", "land_mu", *INDICATOR_FORMULAS]
    assert out["tax_per_mu"].dtype == np.float64

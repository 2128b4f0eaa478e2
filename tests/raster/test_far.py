"""The floor-area ratio rule (landeval.raster.far): registered where known, else estimated."""

from __future__ import annotations

import numpy as np
import pytest

from landeval.raster.far import FAR_SOURCES, far, registered_far

NAN = float("nan")


def test_registered_far_needs_a_floor_area_and_a_positive_area():
    got = registered_far([500.0, NAN, 500.0, 500.0, 0.0], [1000.0, 1000.0, 0.0, -5.0, 1000.0])
    assert got[0] == 0.5 and got[4] == 0.0
    assert np.isnan(got[1:4]).all()


@pytest.mark.parametrize(
    ("floor", "area", "estimate", "value", "source"),
    [
        (500.0, 1000.0, 0.9, 0.5, "registered"),  # registered wins over the estimate
        (NAN, 1000.0, 0.9, 0.9, "raster"),  # no floor area: the estimate
        (500.0, 0.0, 0.9, 0.9, "raster"),  # no usable area: the estimate
        (NAN, 1000.0, NAN, NAN, "none"),  # neither: unknown, never zero
        (0.0, 1000.0, 0.9, 0.0, "registered"),  # a registered zero is known
    ],
)
def test_far_rule(floor, area, estimate, value, source):
    got, where = far([floor], [area], estimate=[estimate])
    assert where.tolist() == [source]
    assert (np.isnan(got[0]) and np.isnan(value)) or got[0] == value
    assert set(where) <= set(FAR_SOURCES)


def test_without_an_estimate_only_the_registered_far():
    got, where = far([500.0, NAN], [1000.0, 1000.0])
    assert got[0] == 0.5 and np.isnan(got[1])
    assert where.tolist() == ["registered", "none"]

"""The efficiency map's quantile classes match mapclassify's exactly (without importing it)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from landeval.maps.efficiency_map import _quantile_bins, quantile_classes

mapclassify = pytest.importorskip("mapclassify")


@pytest.mark.parametrize("n", [1, 2, 3, 7, 100, 1001])
@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_bins_identical_to_mapclassify(n, k):
    rng = np.random.default_rng(n * 10 + k)
    for y in (rng.lognormal(size=n), np.round(rng.lognormal(size=n), 1), np.zeros(n)):
        kk = min(k, n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = np.unique(mapclassify.Quantiles(y, k=kk).bins)
        got = _quantile_bins(y, k=kk)
        assert got.tolist() == expected.tolist()


def test_hand_computed_bins():
    # 1..10 in quintiles: positions 0.2·9 = 1.8 → 2.8, 3.6 → 4.6, 5.4 → 6.4, 7.2 → 8.2, 10
    bins = _quantile_bins(np.arange(1.0, 11.0), k=5)
    assert bins.tolist() == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])


def test_quantile_classes_skip_missing_values():
    classes, bins = quantile_classes(pd.Series([1.0, None, 3.0, 2.0, float("inf")]), 3)
    assert bins == pytest.approx([1 + 2 / 3, 2 + 1 / 3, 3.0])
    assert classes[[0, 2, 3]].tolist() == [0.0, 2.0, 1.0]
    assert np.isnan(classes[[1, 4]]).all()

"""Tests of landeval.maps.efficiency_map: quantile classes (as mapclassify) and legends."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from landeval.config import default_config
from landeval.maps import write_maps
from landeval.maps.efficiency_map import _quantile_bins, quantile_classes


def test_quantile_classes_hand_computed():
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, None], dtype="float64")
    classes, bins = quantile_classes(values, 5)
    assert bins == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])  # linear-interpolated quantiles
    assert classes[:10].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert np.isnan(classes[10])
    # Many ties give fewer classes, never an error.
    classes, bins = quantile_classes(pd.Series([0.0] * 8 + [5.0, 9.0]), 5)
    assert bins[0] == 0.0 and bins[-1] == 9.0 and len(bins) < 5
    assert quantile_classes(pd.Series([None, None], dtype="float64"), 5)[1] == []


def test_hand_computed_bins():
    # 1..10 in quintiles: positions 0.2·9 = 1.8 → 2.8, 3.6 → 4.6, 5.4 → 6.4, 7.2 → 8.2, 10
    bins = _quantile_bins(np.arange(1.0, 11.0), k=5)
    assert bins.tolist() == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])


def test_quantile_classes_skip_missing_values():
    classes, bins = quantile_classes(pd.Series([1.0, None, 3.0, 2.0, float("inf")]), 3)
    assert bins == pytest.approx([1 + 2 / 3, 2 + 1 / 3, 3.0])
    assert classes[[0, 2, 3]].tolist() == [0.0, 2.0, 1.0]
    assert np.isnan(classes[[1, 4]]).all()


def test_choropleth_legends_name_the_column_and_its_unit(written, inputs, tmp_path):
    assert "亩均税收（万元/亩，分位数分级）" in written["efficiency_map.html"]
    paths = write_maps(**inputs, config=default_config(), year=2024, out_dir=tmp_path, lang="en")
    html = next(p for p in paths if p.name == "efficiency_map.html").read_text(encoding="utf-8")
    assert "Tax per mu (10k yuan/mu, quantiles)" in html
    assert "Value added per mu (10k yuan/mu, quantiles)" in html


@pytest.mark.parametrize("n", [1, 2, 3, 7, 100, 1001])
@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_bins_identical_to_mapclassify(n, k):
    mapclassify = pytest.importorskip("mapclassify")
    rng = np.random.default_rng(n * 10 + k)
    for y in (rng.lognormal(size=n), np.round(rng.lognormal(size=n), 1), np.zeros(n)):
        kk = min(k, n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = np.unique(mapclassify.Quantiles(y, k=kk).bins)
        got = _quantile_bins(y, k=kk)
        assert got.tolist() == expected.tolist()


def test_stopped_and_idle_land_are_categories_of_their_own(written, inputs):
    from landeval.maps.fields import parcel_attributes

    html = written["efficiency_map.html"]
    cats = parcel_attributes(inputs["parcel_eval"])["cat"]
    stopped = int((cats == "STOPPED").sum())
    assert stopped > 0
    # the legend names the flag as the vocabulary does, with its count; no old 闲置或停产
    assert f"停产 ({stopped:,})" in html
    assert "闲置或停产" not in html
    assert "闲置土地 (" not in html  # no parcel is idle land: not in the legend

"""Benchmarks, sub-scores and scores (landeval.mu_scoring.benchmarks, scores)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.config import INDICATORS, load_config
from landeval.errors import ConfigError
from landeval.mu_scoring.benchmarks import group_benchmarks
from landeval.mu_scoring.scores import score_firm_years

NAN = float("nan")


def _frame(rows: list[dict]) -> pd.DataFrame:
    base = {"group": "g|below", "year": 2023, "scale": "below", "evaluated": True}
    base.update(dict.fromkeys(INDICATORS, NAN))
    return pd.DataFrame([{**base, **r} for r in rows])


def _score(frame: pd.DataFrame, config=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    # These frames hold indicator values only: the "mean" benchmark, which needs no
    # numerators and denominators (the default "aggregate" is tested in test_benchmarks.py).
    config = config or load_config(None, scoring={"benchmark": "mean"})
    bench, found = group_benchmarks(frame, config=config)
    return score_firm_years(frame, bench, config=config), found


def test_cap_floor_and_missing_indicator():
    # Below-scale weights 50 tax_per_mu, 50 tax_per_kwh; cap 2.
    fy = _frame(
        [
            {"tax_per_mu": 10.0, "tax_per_kwh": 1.0},
            {"tax_per_mu": -4.0, "tax_per_kwh": 3.0},  # negative → 0
            {"tax_per_mu": 6.0, "tax_per_kwh": NAN},  # missing kWh → group mean sub
            {"tax_per_mu": 0.0, "tax_per_kwh": 2.0, "evaluated": False},  # T: not in means
        ]
    )
    out, found = _score(fy)
    # tax_per_mu mean (10 − 4 + 6)/3 = 4: ratios 2.5 → 2 (cap), −1 → 0, 1.5.
    assert out["bench_tax_per_mu"].tolist()[:3] == [4.0, 4.0, 4.0]
    assert out["sub_tax_per_mu"].tolist()[:3] == [100.0, 0.0, 75.0]
    # tax_per_kwh mean (1 + 3)/2 = 2: 25, 75; the missing one scores (25 + 75)/2 = 50.
    assert out["sub_tax_per_kwh"].tolist()[:3] == [25.0, 75.0, 50.0]
    assert out["score"].tolist()[:3] == [125.0, 75.0, 125.0]
    t = out.iloc[3]
    assert (
        np.isnan(t["score"]) and np.isnan(t["sub_tax_per_mu"]) and np.isnan(t["bench_tax_per_mu"])
    )
    assert len(found) == 0


def test_non_positive_benchmark_scores_zero_for_the_group():
    fy = _frame(
        [
            {"tax_per_mu": 0.0, "tax_per_kwh": 1.0},
            {"tax_per_mu": 0.0, "tax_per_kwh": 1.0},
        ]
    )
    out, found = _score(fy)
    assert out["sub_tax_per_mu"].tolist() == [0.0, 0.0]
    assert out["sub_tax_per_kwh"].tolist() == [50.0, 50.0]
    assert out["score"].tolist() == [50.0, 50.0]
    assert found["code"].tolist() == ["BENCHMARK_NOT_POSITIVE"]
    assert found.iloc[0]["field"] == "tax_per_mu"
    assert found.iloc[0]["severity"] == "info"
    assert found.iloc[0]["row_id"] == "g|below/2023"


def test_indicator_missing_for_the_whole_group():
    fy = _frame([{"tax_per_mu": 2.0}, {"tax_per_mu": 4.0}])
    out, found = _score(fy)
    assert out["sub_tax_per_kwh"].tolist() == [0.0, 0.0]
    assert out["sub_tax_per_mu"].tolist() == pytest.approx([100 / 3, 200 / 3])
    assert found["field"].tolist() == ["tax_per_kwh"]


def test_groups_and_years_are_separate():
    fy = _frame(
        [
            {"tax_per_mu": 2.0, "tax_per_kwh": 1.0},
            {"tax_per_mu": 4.0, "tax_per_kwh": 1.0, "year": 2022},
            {"tax_per_mu": 8.0, "tax_per_kwh": 1.0, "group": "h|below"},
        ]
    )
    out, _ = _score(fy)
    assert out["bench_tax_per_mu"].tolist() == [2.0, 4.0, 8.0]
    assert out["score"].tolist() == [100.0, 100.0, 100.0]


def test_fixed_benchmarks(tmp_path):
    (tmp_path / "landeval.toml").write_text(
        """
[scoring]
benchmark = "fixed"
group_by = ["county_code", "scale"]

[[scoring.fixed_benchmarks]]
county_code = "330602"
scale = "below"
tax_per_mu = 5.0
tax_per_kwh = 2.0

[[scoring.fixed_benchmarks]]
county_code = "330602"
scale = "below"
year = 2023
tax_per_mu = 10.0
""",
        encoding="utf-8",
    )
    cfg = load_config(tmp_path)
    fy = _frame(
        [
            {"group": "330602|below", "tax_per_mu": 5.0, "tax_per_kwh": 1.0},
            {"group": "330602|below", "year": 2022, "tax_per_mu": 5.0, "tax_per_kwh": 1.0},
            {"group": "330603|below", "tax_per_mu": 5.0, "tax_per_kwh": 1.0},
        ]
    )
    out, found = _score(fy, cfg)
    # 2023: the year entry (10) wins for tax_per_mu; kWh from the general entry (2).
    assert out["bench_tax_per_mu"].tolist()[:2] == [10.0, 5.0]
    assert out["bench_tax_per_kwh"].tolist()[:2] == [2.0, 2.0]
    assert out["score"].tolist()[:2] == [50.0, 75.0]
    # 330603 has no fixed benchmark: both sub-scores 0, and findings say so.
    assert out["score"].tolist()[2] == 0.0
    assert sorted(found["field"]) == ["tax_per_kwh", "tax_per_mu"]
    assert set(found["row_id"]) == {"330603|below/2023"}


def test_fixed_benchmarks_need_group_columns(tmp_path):
    (tmp_path / "landeval.toml").write_text(
        '[scoring]\nbenchmark = "fixed"\n[[scoring.fixed_benchmarks]]\n'
        'scale = "below"\ntax_per_mu = 1.0\n',
        encoding="utf-8",
    )
    cfg = load_config(tmp_path)
    with pytest.raises(ConfigError, match="county_code"):
        group_benchmarks(_frame([{"tax_per_mu": 1.0}]), config=cfg)


def test_inputs_not_mutated():
    fy = _frame([{"tax_per_mu": 2.0, "tax_per_kwh": 1.0}, {"tax_per_mu": 4.0}])
    before = fy.copy()
    _score(fy)
    pd.testing.assert_frame_equal(fy, before)


def test_group_means_match_pandas_transform():
    import numpy as np

    from landeval.mu_scoring.scores import _group_means

    rng = np.random.default_rng(5)
    raw = rng.random((3, 300))
    raw[rng.random((3, 300)) < 0.3] = np.nan
    raw[2] = np.nan  # a row with no value at all
    ids = rng.integers(0, 7, size=300).astype("float64")
    ids[rng.random(300) < 0.1] = np.nan  # rows without a group (unsorted, repeated ids)
    expected = pd.DataFrame(raw.T).groupby(ids).transform("mean").to_numpy().T
    np.testing.assert_array_equal(_group_means(raw, ids), expected)
    assert _group_means(np.empty((2, 0)), np.empty(0)).shape == (2, 0)
    all_missing = _group_means(np.ones((1, 2)), np.array([np.nan, np.nan]))
    assert np.isnan(all_missing).all()

"""Ranks, classes, vetoes and reasons (landeval.mu_scoring.classes)."""

from __future__ import annotations

import pandas as pd

from landeval.config import default_config
from landeval.mu_scoring.classes import assign_classes


def _frame(scores: list[float | None], scale: str = "above") -> pd.DataFrame:
    n = len(scores)
    return pd.DataFrame(
        {
            "uscc": [f"f{i:02d}" for i in range(n)],
            "year": 2023,
            "group": f"g|{scale}",
            "scale": scale,
            "evaluated": [s is not None for s in scores],
            "score": [float("nan") if s is None else s for s in scores],
        }
    )


def _classes(frame, veto=None, reasons=None):
    if reasons is None:
        reasons = pd.Series([None if e else "当年无用地，不参评" for e in frame["evaluated"]])
    out, found = assign_classes(frame, reasons=reasons, veto=veto, config=default_config())
    return out, found


def test_above_scale_twenty_firms():
    # 20 distinct scores: A top 4 (p ≤ .2), B to 16 (p ≤ .8), C to 19 (p ≤ .95), D the last.
    out, _ = _classes(_frame([100.0 - i for i in range(20)]))
    assert out["class"].tolist() == ["A"] * 4 + ["B"] * 12 + ["C"] * 3 + ["D"]
    assert out["rank"].tolist() == list(range(1, 21))
    assert set(out["n_in_group"]) == {20}


def test_below_scale_twenty_firms():
    # A top 5 % (1 of 20), B to 75 % (15), C to 95 % (19), D the last.
    out, _ = _classes(_frame([100.0 - i for i in range(20)], scale="below"))
    assert out["class"].tolist() == ["A"] + ["B"] * 14 + ["C"] * 4 + ["D"]


def test_ties_share_the_better_class():
    # Ranks 1, 2, 2, 4, 5: p = .2, .4, .4, .8, 1 → A, B, B, B, D.
    out, _ = _classes(_frame([9.0, 5.0, 5.0, 3.0, 1.0]))
    assert out["rank"].tolist() == [1, 2, 2, 4, 5]
    assert out["class"].tolist() == ["A", "B", "B", "B", "D"]
    # Ranks 1, 1: p = .5 for both → B, no D.
    out, _ = _classes(_frame([7.0, 7.0]))
    assert out["class"].tolist() == ["B", "B"]


def test_not_evaluated_are_t_and_not_counted():
    out, _ = _classes(_frame([9.0, None, 5.0, 3.0, 1.0, 0.5]))
    assert out["class"].tolist() == ["A", "T", "B", "B", "B", "D"]
    assert out["n_in_group"].tolist()[0] == 5
    assert pd.isna(out["rank"].iloc[1])
    assert out["class_reason"].iloc[1] == "当年无用地，不参评"


def test_veto_after_ranking():
    veto = pd.DataFrame(
        {
            "uscc": ["f00", "f00", "f01", "zz"],
            "year": [2023, 2023, 2023, 2023],
            "reason": ["安全事故", "环保处罚", "", "x"],
        }
    )
    frame = _frame([9.0, None, 5.0, 3.0, 1.0])
    out, found = _classes(frame, veto=veto)
    # f00 keeps its rank 1 (p .25) and is set to D; the others keep their classes.
    assert out["class"].tolist() == ["D", "D", "B", "B", "D"]
    assert out["rank"].tolist()[0] == 1
    assert out["veto_reason"].iloc[0] == "安全事故；环保处罚"
    assert out["class_reason"].iloc[0] == (
        "得分9.0，组内排名1/4（前25.0%），列入负面清单（安全事故；环保处罚），定为D类"
    )
    # The negative list forces D also for a firm that is not evaluated (no rank), with both
    # reasons and a finding.
    assert out["class_reason"].iloc[1] == "当年无用地，不参评；列入负面清单（未注明原因），定为D类"
    assert pd.isna(out["rank"].iloc[1])
    assert sorted(found["code"]) == ["VETO_NOT_EVALUATED", "VETO_UNMATCHED"]
    assert found.set_index("code").loc["VETO_UNMATCHED", "row_id"] == "zz"


def test_class_reason_text():
    out, _ = _classes(_frame([78.24, 50.0, 40.0, 30.0, 20.0]))
    assert out["class_reason"].iloc[0] == "得分78.2，组内排名1/5（前20.0%），A类"
    assert out["class_reason"].iloc[4] == "得分20.0，组内排名5/5（前100.0%），D类"


def test_input_not_mutated():
    frame = _frame([3.0, 2.0, None])
    before = frame.copy()
    _classes(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_min_ranks_descending_matches_pandas_grouped_rank():
    import numpy as np

    from landeval.mu_scoring.classes import min_ranks_descending

    rng = np.random.default_rng(11)
    values = rng.integers(0, 6, size=400).astype("float64") / 2
    values[rng.random(400) < 0.1] = np.nan
    values[:3] = [-0.0, 0.0, 0.0]
    groups = rng.integers(0, 5, size=400).astype("float64")
    groups[:3] = 0.0
    groups[rng.random(400) < 0.05] = np.nan
    expected = pd.Series(values).groupby(groups).rank(method="min", ascending=False)
    np.testing.assert_array_equal(min_ranks_descending(values, groups), expected.to_numpy())
    # Group numbers outside 16 bits, negative or fractional take the lexsort path.
    for shift in (70000.0, -3.0, 0.5):
        got = min_ranks_descending(values, groups + shift)
        np.testing.assert_array_equal(got, expected.to_numpy())
    # Many ties in few large groups, unsorted: the radix path against pandas.
    big_values = rng.integers(0, 50, size=20000).astype("float64")
    big_groups = rng.integers(0, 3, size=20000).astype("float64")
    expected_big = pd.Series(big_values).groupby(big_groups).rank(method="min", ascending=False)
    got_big = min_ranks_descending(big_values, big_groups)
    np.testing.assert_array_equal(got_big, expected_big.to_numpy())
    assert min_ranks_descending(np.array([]), np.array([])).tolist() == []
    assert np.isnan(min_ranks_descending(np.array([np.nan]), np.array([0.0]))).all()


def test_group_year_ids_leave_out_missing_groups_like_pandas():
    import numpy as np

    from landeval.mu_scoring.groups import group_year_ids

    fy = pd.DataFrame(
        {
            "group": pd.Series(["a|x", "b|x", None, "a|x", "b|x"], dtype="str"),
            "year": [2023, 2023, 2023, 2024, 2023],
        }
    )
    ids = group_year_ids(fy)
    assert ids[0] == ids[0] and ids[1] == ids[4]
    assert len({ids[0], ids[1], ids[3]}) == 3
    assert np.isnan(ids[2])
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    expected = values.groupby([fy["group"], fy["year"]]).transform("sum")
    np.testing.assert_array_equal(values.groupby(ids).transform("sum"), expected)


def test_join_reasons_matches_grouped_join():
    import numpy as np

    from landeval.mu_scoring.classes import _join_reasons

    def frame(rows):
        v = pd.DataFrame(
            {
                "uscc": np.array([r[0] for r in rows], dtype=object),
                "year": np.array([r[1] for r in rows], dtype="int64"),
                "reason": np.array([r[2] for r in rows], dtype=object),
            }
        )
        return v.drop_duplicates().sort_values(["uscc", "year", "reason"])

    cases = [
        [("b", 2023, "x"), ("a", 2023, "y")],  # every firm-year once
        [("a", 2023, "x"), ("a", 2023, "y")],  # every firm-year several times
        # mixed, unsorted input, a firm in two years, duplicate keys
        [
            ("c", 2024, "w"),
            ("a", 2023, "z"),
            ("b", 2023, "x"),
            ("a", 2023, "y"),
            ("a", 2022, "q"),
            ("c", 2024, "v"),
        ],
        [],
    ]
    for rows in cases:
        v = frame(rows)
        expected = v.groupby(["uscc", "year"], sort=True)["reason"].agg("；".join).reset_index()
        pd.testing.assert_frame_equal(_join_reasons(v), expected, check_exact=True)

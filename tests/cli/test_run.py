"""Tests of landeval.cli.run: the console summaries of ``landeval run``."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.cli.run import print_balance, print_treatment_summary
from landeval.vocabulary import TREATMENT_ORDER

PARCELS = pd.DataFrame(
    {
        "treatment": ["KEEP", "EXIT", "REBUILD", "MOTHBALL", "EXIT", "CONVERT", "UPGRADE"],
        "treatment_zh": [
            "保留",
            "关停退出",
            "拆除重建",
            "封存",
            "关停退出",
            "功能转型",
            "整治提升",
        ],
        "area_mu": [10.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
    }
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_treatments_listed_in_the_policy_order(capsys, lang):
    print_treatment_summary(PARCELS, year=2024, lang=lang)
    out = capsys.readouterr().out
    rows = [
        line for line in out.splitlines() if any(c in line for c in (*TREATMENT_ORDER, "MOTHBALL"))
    ]
    codes = [next(c for c in (*TREATMENT_ORDER, "MOTHBALL") if f" {c} " in row) for row in rows]
    assert codes == ["REBUILD", "UPGRADE", "CONVERT", "EXIT", "KEEP", "MOTHBALL"]
    assert "封存" in out  # a project's own code keeps its own name, in either language
    assert ("关停退出" if lang == "zh" else "Shut down and exit") in out
    assert ("宗数" if lang == "zh" else "Parcels") in out


def test_balance_in_english_and_the_city_row_without_a_code(capsys):
    ledger = pd.DataFrame(
        {
            "county_code": ["330602", "city"],
            "county_name": ["越城区", "全市"],
            "converted_mu": [10.0, 10.0],
            "compensated_mu": [4.0, 4.0],
            "balance_mu": [-6.0, -6.0],
            "balanced": [False, False],
        }
    )
    print_balance(ledger, lang="en")
    out = capsys.readouterr().out
    assert "Compensated (mu)" in out and "Balanced" in out and "no" in out
    assert " city " not in out

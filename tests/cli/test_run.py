"""Tests of landeval.cli.run: the console summaries of ``landeval run``."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.cli.run import print_balance, print_treatment_summary
from landeval.vocabulary import TOTAL, TREATMENT_LABELS, TREATMENT_ORDER, label

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
def test_treatments_listed_in_the_policy_order_with_totals(capsys, lang):
    print_treatment_summary(PARCELS, year=2024, lang=lang)
    out = capsys.readouterr().out
    names = {c: label(TREATMENT_LABELS, c, lang) for c in TREATMENT_ORDER}
    listed = "四个一批合计" if lang == "zh" else "Four lists in all"
    total = TOTAL[lang]
    expected = [*(names[c] for c in TREATMENT_ORDER[:4]), "封存", listed, names["KEEP"], total]
    lines = out.splitlines()
    rows = [next(i for i, line in enumerate(lines) if f"│ {name} " in line) for name in expected]
    assert rows == sorted(rows)  # the policy's order, a project's own, subtotal, 保留, total
    assert ("宗数" if lang == "zh" else "Parcels") in out
    assert not any(f" {c} " in out for c in TREATMENT_ORDER)  # names, not codes
    total_row = lines[rows[-1]]
    assert "7" in total_row and "37.0" in total_row and "100.0%" in total_row
    listed_row = lines[rows[-3]]  # 2 + 3 + 4 + 5 + 6 + 7 mu on the lists, of 37
    assert "27.0" in listed_row and "73.0%" in listed_row


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
    assert " city " not in out and "全市" not in out
    assert "│ City " in out  # the city row by its name, in the console's language
    assert "330602" not in out and "越城区" in out  # counties by name, not code

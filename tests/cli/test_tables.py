"""Tests of landeval.cli._tables: console tables headed and formatted by the vocabulary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landeval.cli._tables import print_table
from landeval.vocabulary import MISSING_TEXT, column_header

FRAME = pd.DataFrame(
    {
        "county_code": ["330602", None],
        "area_mu": [1234.56, np.nan],
        "coverage": [0.4567, 0.1],
        "balanced": [True, False],
        "parcels": [1413, 2],
        "other": [2.345, 7.0],
        "when": [pd.NaT, pd.Timestamp("2024-03-01")],
    }
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headers_come_from_the_vocabulary(capsys, lang):
    print_table(FRAME, title="t", lang=lang)
    out = capsys.readouterr().out
    for key in ("county_code", "area_mu", "coverage", "balanced", "parcels"):
        assert column_header(key, lang) in out, key
    assert "other" in out  # a column the vocabulary does not know keeps its name


def test_cells_formatted_by_kind_and_missing_is_not_zero(capsys):
    print_table(FRAME, title="t", lang="zh", decimals=2)
    out = capsys.readouterr().out
    assert "1,234.6" in out  # an area: one decimal, thousands grouped
    assert "45.7%" in out  # a share, as a percentage
    assert "1,413" in out  # a count: whole
    assert "2.35" in out  # an unknown column: the decimals asked for (2.345 → 2.35)
    assert "是" in out and "否" in out
    assert out.count(MISSING_TEXT) == 3  # a missing code, area and date; never "0" or "nan"
    assert "nan" not in out.lower() and "NaT" not in out

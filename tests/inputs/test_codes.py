"""Codes stay text: digits kept, float damage reported, loose writing normalised."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from landeval.config import default_config
from landeval.inputs import read_table
from landeval.inputs.codes import normalise_code
from landeval.inputs.text import clean_text
from tests._messy import MESSY
from tests.inputs._cells import TEXT_CELL


def test_uscc_from_xlsx_numbers_never_becomes_scientific():
    frame, findings = read_table("firms_numeric.xlsx", "firms", config=default_config(), base=MESSY)
    # An exact integer cell keeps all 18 digits.
    assert frame.loc[0, "uscc"] == "913306021234500003"
    assert "E+" not in "".join(frame["uscc"])
    # A float cell lost digits beyond 15: reported as an error, never passed off as a code.
    lost = [f for f in findings if f.code == "CODE_STORED_AS_NUMBER"]
    assert [(f.severity, f.row_id, f.field) for f in lost] == [("error", "row 3", "uscc")]
    # County codes: a number cell becomes its digits, a text cell keeps its leading zero.
    assert frame["county_code"].tolist() == ["330603", "0330603", "330603"]


def test_csv_codes_keep_leading_zeros(tmp_path):
    (tmp_path / "f.csv").write_text(
        "统一社会信用代码,企业名称,行业代码,行政区划代码,规模\n"
        "013306021234500003,甲,C17,033060,规上\n",
        encoding="utf-8",
    )
    frame, _ = read_table("f.csv", "firms", config=default_config(), base=tmp_path)
    assert frame.loc[0, "uscc"] == "013306021234500003"
    assert frame.loc[0, "county_code"] == "033060"


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT_CELL, max_size=12))
def test_codes_upper_case_without_spaces_and_the_change_recorded(cells):
    series = pd.Series(cells, dtype="str", index=range(3, 3 + len(cells)))
    text = clean_text(series)
    codes, notes = normalise_code(text, series, col="uscc", layer="firms", rows=None, source="x")
    ref = text.str.replace(r"\s+", "", regex=True).str.upper()
    pd.testing.assert_series_equal(codes, ref, check_exact=True)
    written = series.str.strip()
    changed = ((written != ref).fillna(False).astype(bool) & ref.notna()).any()
    assert bool(notes) == bool(changed)
    assert all(n.code == "CODE_NORMALISED" and n.severity == "warning" for n in notes)

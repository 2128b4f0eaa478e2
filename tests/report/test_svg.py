"""Tests of landeval.report._svg: inline charts, their numbers and escaped labels."""

from __future__ import annotations

from landeval.report._svg import diverging_bars, line_chart, stacked_bars


def test_stacked_bars_escape_labels_and_group_thousands():
    svg = str(stacked_bars([("<b>越城</b>", [1234.56, 10.0])], [("A", "#000"), ("B", "#111")]))
    assert "&lt;b&gt;越城&lt;/b&gt;" in svg and "<b>" not in svg
    assert "1,244.6" in svg  # the bar's total, one decimal, thousands grouped


def test_diverging_bars_sign_every_value():
    svg = str(diverging_bars([("甲", 3.5), ("乙", -1234.5)], unit="亩"))
    assert "+3.50亩" in svg and "-1,234.50亩" in svg


def test_line_chart_leaves_gaps_for_missing_values():
    svg = str(line_chart([2021, 2022, 2023], [("全市", [1.0, None, 3.0], "#000", False)]))
    assert svg.count("<circle") == 2

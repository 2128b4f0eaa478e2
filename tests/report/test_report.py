"""Tests of landeval.report: report.html, self-contained, escaped, with the right numbers."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from landeval.report import COLUMN_KEYS, render_report, write_report
from landeval.vocabulary import column_header
from tests._fixtures_results import XSS_NAME, YEAR, results


@pytest.fixture(scope="module")
def html(config, tmp_path_factory):
    path = write_report(
        results(), tmp_path_factory.mktemp("report") / "report.html", year=YEAR, config=config
    )
    return path.read_text(encoding="utf-8")


def test_input_text_is_escaped(html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS_NAME not in html
    assert "<script" not in html.lower()  # neither from input nor from the page itself


def test_self_contained_and_printable(html):
    # nothing fetched: no scripts, links, images, imports or url() references
    for pattern in (r"<link\b", r"<img\b", r"\bsrc=", r"@import", r"url\("):
        assert not re.search(pattern, html, flags=re.IGNORECASE), pattern
    assert "@page { size: A4" in html
    assert "@media print" in html
    assert html.count("<svg") == 5
    assert '<html lang="zh-CN">' in html


def test_report_contains_the_numbers(html):
    assert "绍兴市工业用地亩均效益评价报告（2024年度）" in html
    # totals: 10 parcels, 230 mu, 5 of 6 firms evaluated, 8 parcels / 155 mu on the list
    assert '<div class="v">10</div>' in html
    assert '<div class="v">230.0</div>' in html
    assert '<div class="v">5</div>' in html
    assert "企业总数 6" in html
    assert '<div class="v">155.0</div>' in html
    assert "8 宗，67.4%" in html  # 155 / 230
    assert '<div class="v">2 / 3</div>' in html  # counties balanced
    # treatments, city row: REBUILD 2/35, UPGRADE 3/67, CONVERT 1/20, EXIT 2/33, total 8/155
    for cell in ("2 / 35.0", "3 / 67.0", "1 / 20.0", "2 / 33.0", "8 / 155.0"):
        assert cell in html
    # balance: 越城 +3.50, 柯桥 -6.00 short
    assert "+3.50" in html
    assert "-6.00" in html
    assert "-2.50" in html  # the city row
    assert "缺口" in html
    # trend: city 100 → 128, CAGR 8.6 % meets the 8.5 % target; 越城 4.0 % does not
    assert "8.5%" in html
    assert "8.6%" in html
    assert "4.0%" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_table_headers_are_the_vocabulary_headers(config, lang):
    page = render_report(results(), lang=lang, year=YEAR, config=config)
    headers = set(re.findall(r"<th>([^<]*)</th>", page))
    for key in COLUMN_KEYS:
        assert column_header(key, lang).replace("&", "&amp;") in headers, key


def test_english_report(config):
    page = render_report(results(), lang="en", year=YEAR, config=config)
    assert '<html lang="en">' in page
    assert "Shut down and exit" in page
    assert "&lt;script&gt;" in page


def test_report_with_missing_tables(config, tmp_path):
    path = write_report({}, tmp_path / "r.html", year=YEAR, config=config)
    page = path.read_text(encoding="utf-8")
    assert page.count("无数据") == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_report_does_not_mutate_inputs(config):
    tables = results()
    before = {k: v.copy(deep=True) for k, v in tables.items()}
    render_report(tables, year=YEAR, config=config)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])

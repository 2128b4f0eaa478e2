"""Tests of landeval.report: report.html, self-contained, escaped, one A4 page, right numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from landeval.report import COLUMN_KEYS, render_report, write_report
from landeval.vocabulary import column_header
from tests._fixtures_results import XSS_NAME, YEAR, results
from tests.maps.test_browser import CHROMIUM, CHROMIUM_ARGS


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
    # one chart: the path over the years, which no table repeats
    assert html.count("<svg") == 1
    assert '<html lang="zh-CN">' in html


def test_report_contains_the_numbers(html):
    assert "绍兴市工业用地亩均效益评价报告（2024年度）" in html
    assert "评价年度 2024 · 数据日期 2024" in html
    assert "示例数据" not in html  # not the demo
    # totals: 10 parcels, 230 mu, 5 of 6 firms evaluated, 8 parcels / 155 mu on the lists
    assert '<div class="v">10</div>' in html
    assert '<div class="v">230.0</div>' in html
    assert '<div class="v">5</div>' in html
    assert "企业总数 6" in html
    assert '<div class="v">155.0</div>' in html
    assert "8 宗，67.4%" in html  # 155 / 230
    # 规上亩均税收 and 亩均增加值 of the city, stated with their units
    assert '<div class="v">12.80</div><div class="l">规上亩均税收（万元/亩）' in html
    assert '<div class="v">128.00</div><div class="l">规上亩均增加值（万元/亩）' in html
    # the four lists in the policy's order
    lists = re.search(r'<div class="lists">(.*?)</div>', html, flags=re.S).group(1)
    order = [
        lists.index(n) for n in ("拆除重建 2 宗", "整治提升 3 宗", "功能转型 1 宗", "关停退出 2 宗")
    ]
    assert order == sorted(order)
    # balance per county: 越城 +3.5, 柯桥 -6.0 short, the city -2.5
    for cell in ("+3.5", "-6.0", "-2.5", "缺口"):
        assert cell in html
    # growth: city 8.6 % meets the 8.5 % target; 越城 4.0 % does not
    assert "8.5%" in html and "8.6%" in html and "4.0%" in html
    assert "结论：</b>2024年" in html


def test_decimals_are_consistent(html):
    cells = re.findall(r'<td class="n">([^<]*)</td>', html)
    per_mu = [c for c in cells if re.fullmatch(r"[\d,]+\.\d+", c)]
    assert per_mu
    for cell in per_mu:  # 亩 with one decimal, 万元/亩 with two: never more
        assert len(cell.split(".")[1]) in (1, 2), cell
    assert all(len(p.split(".")[1]) == 1 for p in re.findall(r"(\d+\.\d+)%", html))


def test_counties_and_platforms_ranked(html):
    counties = html[html.index('id="counties"') : html.index('id="platforms"')]
    assert counties.index("越城区") < counties.index("上虞区") < counties.index("全市合计")
    platforms = html[html.index('id="platforms"') : html.index('class="two"')]
    assert "柯桥经开区" in platforms and "袍江经开区" in platforms


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
    assert "Conclusion" in page and "In 2024," in page


def test_report_with_missing_tables(config, tmp_path):
    path = write_report({}, tmp_path / "r.html", year=YEAR, config=config)
    page = path.read_text(encoding="utf-8")
    assert page.count("无数据") == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_report_does_not_mutate_inputs(config):
    tables = results()
    before = {k: v.copy(deep=True) for k, v in tables.items()}
    render_report(tables, year=YEAR, config=config)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])


def _pdf_pages(path: Path) -> int:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(path.as_uri())
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        browser.close()
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_report_prints_on_one_a4_page(demo_run, tmp_path, lang):
    from landeval.pipeline import stored_run

    config, year, tables = stored_run(demo_run["out"])
    path = write_report(tables, tmp_path / "report.html", year=year, config=config, lang=lang)
    page = path.read_text(encoding="utf-8")
    mark = "示例数据" if lang == "zh" else "Demo data"
    assert mark in page  # the demo's figures are synthetic, and the page says so
    assert _pdf_pages(path) == 1


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_the_report_prints_on_one_a4_page(html, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    assert _pdf_pages(path) == 1

"""The report states the review's counts and one line per measure (DESIGN §10, §12)."""

from __future__ import annotations

import re

from landeval.report import render_report
from landeval.vocabulary import MEASURE_REPORT, REVIEW_REPORT
from tests._fixtures_results import YEAR, results
from tests.export.test_measures_sheet import _measures
from tests.export.test_review_outputs import _reviewed


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)


def test_the_review_line_and_the_final_lists(config):
    text = _text(render_report(_reviewed(), year=YEAR, config=config))
    assert f"{REVIEW_REPORT['title']['zh']}：复核：确认 0 宗，改变 2 宗，暂缓 1 宗" in text
    # the four lists as decided: 拆除重建 lost its deferred parcel, 暂缓 listed after them
    before = _text(render_report(results(), year=YEAR, config=config))
    assert "拆除重建 2 宗" in before and "拆除重建 1 宗" in text
    assert "暂缓 1 宗" in text.split("四个一批：")[1]
    assert "功能转型 2 宗" in text  # the parcel reviewed into 功能转型


def test_no_review_no_line(config):
    text = _text(render_report(results(), year=YEAR, config=config))
    assert REVIEW_REPORT["title"]["zh"] not in text
    assert MEASURE_REPORT["title"]["zh"] not in text


def test_one_line_per_measure(config):
    data = results()
    data["firm_incentives"], data["incentive_totals"] = rows, totals = _measures()
    text = _text(render_report(data, year=YEAR, config=config))
    assert MEASURE_REPORT["title"]["zh"] in text
    city = totals[totals["county_code"] == "city"]
    for row in city.itertuples():
        firms = rows[rows["code"] == row.code]
        assert f"{row.label_zh}：{len(firms)} 家企业，合计" in text
    # ELEC_D3: FD alone, 2,000,000 kWh × 0.4 元 = 80 万元
    assert "措施ELEC_D3：1 家企业，合计 80.00 万元" in text
    # a quota in its own unit; a missing basis said, not counted
    assert re.search(r"措施ENERGY_D：\d+ 家企业，合计 -[\d.,]+ 吨标煤", text)
    assert re.search(r"措施SEW_CD：\d+ 家企业，合计 [\d.,]+ 万元（1 家缺计费依据，未计）", text)
    assert "措施LAND_A：1 家企业，合计 -1.20 万元（示例费率）" in text  # its note says so


def test_all_example_rates_are_said_once_and_english_names_the_measures(config):
    from landeval.report._decisions import measure_lines, measure_title

    rows, totals = _measures()
    rows = rows.assign(note="示例费率：参照某县做法")  # every measure an example
    data = {"firm_incentives": rows, "incentive_totals": totals}
    lines = measure_lines(data, "zh")
    assert lines and not any("示例费率" in line for line in lines)
    assert measure_title(data, "zh") == f"{MEASURE_REPORT['title']['zh']}（示例费率）"
    code = str(totals["code"].iloc[0])
    named = totals.assign(
        label_en=totals["label_en"].mask(totals["code"] == code, "Land-use tax relief")
    )
    english = measure_lines({**data, "incentive_totals": named}, "en")
    assert any(line.startswith("Land-use tax relief: ") for line in english)
    # one measure with real rates: each example line says so, the heading does not
    some = rows.assign(note=rows["code"].map(lambda c: "示例费率" if c == code else ""))
    mixed = {"firm_incentives": some, "incentive_totals": totals}
    assert measure_title(mixed, "zh") == MEASURE_REPORT["title"]["zh"]
    assert sum("示例费率" in line for line in measure_lines(mixed, "zh")) == 1

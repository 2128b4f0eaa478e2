"""The 差别化施策 sheet: each firm's measures in 万元, the totals per county and measure."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from landeval.export import write_workbook
from landeval.incentives import apply_measures, incentive_totals
from landeval.vocabulary import MEASURE_NOTES, column_header
from tests._fixtures_results import YEAR, results
from tests.incentives.test_measures import HISTORY, MEASURES

COUNTIES = {"330602": "越城区", "330603": "柯桥区", "330604": "上虞区"}


def _measures() -> tuple[pd.DataFrame, pd.DataFrame]:
    classes = pd.DataFrame(
        [
            {"uscc": u, "year": y, "class": c, "veto_reason": None}
            for u, history in HISTORY.items()
            for y, c in zip((YEAR - 2, YEAR - 1, YEAR), history, strict=True)
        ]
    )
    bases = pd.DataFrame(
        {
            "uscc": ["FA", "FB", "FC", "FD", "FD2", "FT", "FV"],
            "name": ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司", "己公司", "庚公司"],
            "county_code": ["330602", "330602", "330603", "330603", "330604", "330604", "330602"],
            "land_use_tax": [12_000.0, 30_000.0, 5_000.0, 0.0, 8_000.0, 1_000.0, 20_000.0],
            "firm": 1.0,
            "electricity_kwh": [1e6, 2e6, 3e6, 2e6, 5e5, 1e5, 1e5],
            "wastewater_t": [10.0, 20.0, 1_000.0, 3_000.0, None, 5.0, 40.0],
            "energy_tce": [1.0, 2.0, 3.0, 1_500.0, 200.0, 4.0, 5.0],
        }
    )
    rows, _ = apply_measures(classes=classes, bases=bases, measures=MEASURES, year=YEAR)
    totals = incentive_totals(rows, measures=MEASURES, counties=COUNTIES, city="绍兴市", year=YEAR)
    return rows, totals


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    data = results()
    data["firm_incentives"], data["incentive_totals"] = _measures()
    path = tmp_path_factory.mktemp("measures") / "actions.xlsx"
    book = openpyxl.load_workbook(write_workbook(data, path, year=YEAR))
    assert book.sheetnames.index("差别化施策") == book.sheetnames.index("企业评价") + 1
    return book["差别化施策"]


def _blocks(ws):
    """The firms' block and the totals' block (side by side, an empty column between)."""
    header = [c.value for c in ws[1]]
    gap = header.index(None)
    firms = [
        dict(zip(header[:gap], r[:gap], strict=True)) for r in ws.iter_rows(2, values_only=True)
    ]
    start = gap + 1
    end = start + header[start:].index(None)
    totals = [
        dict(zip(header[start:end], r[start:end], strict=True))
        for r in ws.iter_rows(2, values_only=True)
    ]
    return (
        header[:gap],
        [r for r in firms if any(v is not None for v in r.values())],
        header[start:end],
        [r for r in totals if any(v is not None for v in r.values())],
        header[end + 1 :],
    )


def test_one_row_per_firm_and_measure_in_wan_yuan(sheet):
    _, firms, _, _, _ = _blocks(sheet)
    rows, _ = _measures()
    assert len(firms) == len(rows)
    wan = column_header("amount_wan_yuan")
    assert wan.endswith("（万元）")
    by_key = {(r[column_header("uscc")], r[column_header("incentive_label")]): r for r in firms}
    fd = by_key[("FD", "措施ELEC_D3")]
    assert fd[column_header("firm_class")] == "D"
    assert fd[column_header("county_name")] == "柯桥区"
    assert fd[wan] == pytest.approx(80.0)  # 2,000,000 kWh × 0.4 元 = 80 万元
    assert fd[column_header("basis_value")] == pytest.approx(2e6)
    assert by_key[("FA", "措施LAND_A")][wan] == pytest.approx(-1.2)  # relief, negative
    # a quota has its own unit, no money
    quota = by_key[("FD", "措施ENERGY_D")]
    assert quota[wan] is None and quota[column_header("unit")] == "吨标煤"
    # a missing basis: no amount, never 0
    missing = by_key[("FD2", "措施SEW_CD")]
    assert missing[column_header("basis_value")] is None and missing[wan] is None
    # sorted by county first
    counties = [r[column_header("county_name")] for r in firms]
    assert counties == sorted(counties, key=["越城区", "柯桥区", "上虞区"].index)


def test_totals_per_county_and_measure_then_the_city(sheet):
    _, firms, header, totals, notes = _blocks(sheet)
    wan = column_header("amount_wan_yuan")
    assert column_header("n_subject") in header
    city = [r for r in totals if r[column_header("county_name")] == "全市合计"]
    assert city and len(city) == len({r[column_header("incentive_label")] for r in city})
    elec = next(r for r in city if r[column_header("incentive_label")] == "措施ELEC_D")
    firms_elec = [r for r in firms if r[column_header("incentive_label")] == "措施ELEC_D"]
    assert elec[column_header("n_subject")] == len(firms_elec)
    assert elec[wan] == pytest.approx(sum(r[wan] for r in firms_elec))
    assert notes[0] == "说明"  # the notes stand to the right of both blocks


def test_the_notes_say_what_the_signs_mean(sheet):
    values = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert set(MEASURE_NOTES["zh"]) <= values


def test_no_measures_no_sheet(tmp_path):
    book = openpyxl.load_workbook(write_workbook(results(), tmp_path / "a.xlsx", year=YEAR))
    assert "差别化施策" not in book.sheetnames


def test_english_sheets_name_the_measures_in_english():
    from landeval.export._incentives import measure_tables

    rows, totals = _measures()
    english = {"LAND_A": "Land-use tax relief (A)"}
    rows = rows.assign(label_en=rows["code"].map(english).fillna(rows["label_zh"]))
    totals = totals.assign(label_en=totals["code"].map(english).fillna(totals["label_zh"]))
    for lang, name in (("en", "Land-use tax relief (A)"), ("zh", "措施LAND_A")):
        firms, sums = measure_tables(rows, totals, county_names=COUNTIES, lang=lang)
        header = column_header("incentive_label", lang)
        for table in (firms, sums):
            shown = set(table.frame[header])
            assert name in shown and "措施ELEC_D3" in shown  # no English name: the Chinese

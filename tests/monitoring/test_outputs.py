"""What the workbook, the report and the console show of the synthetic two years (DESIGN §11)."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.config import TargetSettings, load_config
from landeval.export._monitoring import SHEETS, monitoring_sheets
from landeval.monitoring import evaluate_monitoring
from landeval.monitoring.summary import progress_line, revitalisation_line
from landeval.monitoring.targets import target_tracking
from landeval.report._monitoring import monitoring_figures
from tests.monitoring._years import current_tables, previous_run


@pytest.fixture(scope="module")
def results():
    tables = current_tables()
    out = evaluate_monitoring(
        tables, previous=previous_run(), platforms=None, config=load_config(None), year=2024
    ).tables
    trends = pd.DataFrame(
        {"level": "city", "region_id": "city", "year": [2021, 2024], "va_per_mu": [100.0, 130.0]}
    )
    out["target_tracking"] = target_tracking(
        trends=trends,
        allocation=None,
        firm_scores=None,
        regions=tables["parcel_eval"][["parcel_id", "county_code", "platform_id"]],
        platforms=None,
        revitalisation=None,
        targets=TargetSettings(),
        growth=0.085,
        micro_park_kinds=[],
        year=2024,
    ).table
    return {**tables, **out}


def test_the_console_lines_count_each_status(results):
    assert progress_line(results["list_progress"]) == (
        "上年清单 8 宗 135.0 亩：已销号 1，已验收 1，疑似完成 3，推进中 1，受阻 1，未启动 1"
    )
    assert revitalisation_line(results["revitalisation"]) == "盘活 30.0 亩，占上年清单面积 22.2%"


def test_the_workbook_has_the_three_sheets_and_the_matrix(results):
    sheets = monitoring_sheets(results, county_names={"330602": "越城区"})
    assert [name for name, _, _ in sheets] == [SHEETS[k]["zh"] for k in SHEETS]
    matrix = sheets[0][1][0][0].frame
    firm_d = matrix[(matrix["层级"] == "企业") & (matrix["上年评价类别"] == "D类 倒逼整治类")]
    firm_d = firm_d[firm_d["县（市、区）"] == "越城区"]
    cells = firm_d[["B类 提升发展类", "C类 调控帮扶类", "合计"]]
    assert cells.to_numpy().tolist() == [[1.0, 1.0, 2.0]]
    progress = sheets[1][1][0][0].frame
    assert len(progress) == 8 and "进展状态" in progress.columns
    assert progress["进展状态"].tolist().count("疑似完成") == 3


def test_english_sheets_are_named_in_english(results):
    names = [name for name, _, _ in monitoring_sheets(results, lang="en")]
    assert names == ["Year over year", "Last year's list", "Targets"]


def test_the_report_shows_each_target_against_its_path_and_the_moves(results):
    figures = monitoring_figures(results, year=2024)
    assert figures is not None
    va = figures.targets[0]
    # 100 × 1.085³ = 127.73 on the path; 130 is on track
    assert (va["value"], va["path"], va["on_track"]) == ("130", "127.73", True)
    assert figures.lines[0].startswith("上年清单 8 宗 135.0 亩")
    assert figures.lines[1] == "企业类别变化：升档 2（D→B 1、D→C 1）"
    assert figures.counties == ["330602：升档 2（D→B 1、D→C 1）"]


def test_no_targets_no_report_section():
    assert monitoring_figures({"target_tracking": pd.DataFrame()}, year=2024) is None

"""`landeval run --previous` on the demo, as a user runs it (DESIGN §11; slow: whole runs)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from landeval.store import STORE_NAME, read_table, read_tables
from tests.conftest import run_cli
from tests.monitoring.test_previous import write_previous

pytestmark = pytest.mark.slow

SHEETS = ("年度变化", "上年清单进展", "目标跟踪")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """The embedded demo evaluated for 2023, then for 2024 against it."""
    base = tmp_path_factory.mktemp("two_years")
    last, now = base / "out_2023", base / "out_2024"
    first = run_cli("run", "--year", 2023, "--out", last, "--no-maps")
    assert first.returncode == 0, first.stderr[-3000:]
    second = run_cli("run", "--year", 2024, "--previous", last, "--out", now, "--no-maps")
    assert second.returncode == 0, second.stderr[-3000:]
    return {"last": last, "now": now, "result": second}


def test_the_run_writes_the_three_tables_and_keeps_every_listed_parcel(two_years):
    store = two_years["now"] / STORE_NAME
    tables = read_tables(store, ["class_transitions", "list_progress", "target_tracking"])
    assert all(len(t) for t in tables.values())
    last = read_table(two_years["last"] / STORE_NAME, "parcel_eval", ["parcel_id", "treatment"])
    listed = set(last.loc[last["treatment"] != "KEEP", "parcel_id"])
    progress = tables["list_progress"]
    assert set(progress["prev_parcel_id"]) == listed and len(progress) == len(listed)
    assert progress["status"].notna().all() and progress["evidence_zh"].notna().all()
    transitions = tables["class_transitions"]
    firms = transitions[transitions["level"] == "firm"]
    assert ((firms["prev_class"] == "D") & firms["class"].isin(["A", "B"])).any()
    info = read_table(store, "run_info").set_index("key")["value"]
    assert info["previous_year"] == "2023"


def test_workbook_report_and_console_show_the_year_over_year(two_years):
    now = two_years["now"]
    names = load_workbook(now / "actions.xlsx", read_only=True).sheetnames
    assert all(sheet in names for sheet in SHEETS)
    report = (now / "report.html").read_text(encoding="utf-8")
    assert "年度变化与“4151”目标" in report and "规上亩均增加值" in report
    assert "上年清单" in report and "企业类别变化" in report
    out = two_years["result"].stdout
    assert "年度变化（与上年评价比较） 2024" in out
    assert "上年清单" in out and "宗地类别变化" in out


def test_a_first_year_run_tracks_the_targets_without_last_year(demo_run):
    store = demo_run["out"] / STORE_NAME
    tracking = read_table(store, "target_tracking")
    city = tracking[(tracking["level"] == "city") & (tracking["year"] == 2024)]
    assert {"VA_PER_MU", "LABOUR_PRODUCTIVITY", "RD_INTENSITY"} <= set(city["target"])
    assert pd.notna(city.set_index("target").loc["VA_PER_MU", "value"])
    names = load_workbook(demo_run["out"] / "actions.xlsx", read_only=True).sheetnames
    assert "目标跟踪" in names and "上年清单进展" not in names


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("not_output", "不是 landeval 的输出文件夹"),
        ("same_year", "不早于本次评价年度 2024"),
        ("newer_landeval", "比当前的 landeval"),
    ],
)
def test_a_bad_previous_folder_stops_with_exit_2_and_a_sentence(tmp_path, case, said):
    folder = tmp_path / "previous"
    if case == "not_output":
        folder.mkdir()
        (folder / "notes.txt").write_text("not an output", encoding="utf-8")
    else:
        write_previous(
            folder,
            year=2024 if case == "same_year" else 2023,
            version="9.0.0" if case == "newer_landeval" else "0.1.0",
        )
    result = run_cli("run", "--previous", folder, "--out", tmp_path / "out", "--no-maps")
    assert result.returncode == 2
    text = result.stdout + result.stderr
    assert said in text
    assert "Traceback" not in text
    assert not (tmp_path / "out" / STORE_NAME).exists()


def test_the_demo_can_write_its_previous_year(tmp_path):
    project, previous, out = tmp_path / "demo", tmp_path / "demo_2023", tmp_path / "out"
    made = run_cli(
        "demo", "--out", project, "--scale", 0.05, "--no-rasters", "--with-previous", previous
    )
    assert made.returncode == 0, made.stderr[-3000:]
    assert 'previous = "../demo_2023"' in (project / "landeval.toml").read_text(encoding="utf-8")
    info = read_table(previous / STORE_NAME, "run_info").set_index("key")["value"]
    assert info["evaluation_year"] == "2023"
    result = run_cli("run", "--project", project, "--out", out, "--no-maps")
    assert result.returncode == 0, result.stderr[-3000:]
    progress = read_table(out / STORE_NAME, "list_progress")
    assert len(progress) > 0
    again = run_cli(
        "demo", "--out", tmp_path / "again", "--scale", 0.05, "--no-rasters",
        "--with-previous", tmp_path / "again_2023",
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    first = read_table(previous / STORE_NAME, "parcel_eval", ["parcel_id", "class", "treatment"])
    second = read_table(
        tmp_path / "again_2023" / STORE_NAME, "parcel_eval", ["parcel_id", "class", "treatment"]
    )
    pd.testing.assert_frame_equal(first, second)  # reproducible


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_two_year_report_still_prints_on_one_a4_page(two_years, tmp_path, lang):
    from landeval.pipeline import stored_run
    from landeval.report import write_report
    from tests.report.test_report import CHROMIUM, _pdf_pages

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    config, year, tables = stored_run(two_years["now"])
    path = write_report(tables, tmp_path / "report.html", year=year, config=config, lang=lang)
    page = path.read_text(encoding="utf-8")
    # last year's comparison takes the room of two of the largest parcels
    assert ("前 3 宗" in page or "first 3;" in page) and 'id="monitoring"' in page
    assert _pdf_pages(path) == 1

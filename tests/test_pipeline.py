"""`landeval run` as a user runs it: every output read back and cross-checked (issue 7)."""

from __future__ import annotations

import csv
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyogrio
import pytest

from landeval.store import read_tables
from tests.conftest import run_cli, tree_hashes

TREATMENT_SHEETS = {"REBUILD": "拆除重建", "UPGRADE": "整治提升", "CONVERT": "功能转型",
                    "EXIT": "关停退出"}  # fmt: skip
TABLES = [
    "parcels", "platforms", "control_line", "land_changes", "firms", "firm_tax",
    "firm_output", "occupancy", "veto", "parcel_raster", "firm_scores", "allocation",
    "parcel_scores", "trends", "parcel_eval", "platform_summary", "balance_ledger",
    "balance_items", "firm_incentives", "incentive_totals", "findings", "run_info",
    "input_files",
]  # fmt: skip

pytestmark = pytest.mark.slow


def _treatment_totals(frame: pd.DataFrame, code_col: str, area_col: str) -> dict:
    grouped = frame.groupby(code_col)[area_col].agg(["size", "sum"])
    # areas agree to 0.01 mu (the CSV keeps four decimals per parcel)
    return {k: (int(r["size"]), round(float(r["sum"]), 2)) for k, r in grouped.iterrows()}


def _sheet_frame(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_run_prints_summary_and_output_paths(demo_run):
    out, result = demo_run["out"], demo_run["result"]
    assert "Traceback" not in result.stderr
    for name in ("landeval.duckdb", "parcels.gpkg", "actions.xlsx", "actions.csv",
                 "report.html", "maps/index.html"):  # fmt: skip
        assert (out / name).is_file(), name
        assert str(out / name) in result.stdout
    assert "四个一批" in result.stdout
    assert "改一补一" in result.stdout
    for stage in ("load and validate", "raster metrics", "per-mu evaluation", "maps"):
        assert stage in result.stderr  # one quiet line per stage when not on a terminal


def test_store_holds_inputs_results_and_run_info(demo_run, demo_dir):
    store = demo_run["out"] / "landeval.duckdb"
    with duckdb.connect(str(store), read_only=True) as con:
        names = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        info = dict(con.execute("SELECT key, value FROM run_info").fetchall())
        files = con.execute("SELECT path, sha256 FROM input_files").fetchall()
    assert set(TABLES) <= names
    assert info["evaluation_year"] == "2024"
    assert info["landeval_version"]
    assert "[scoring.weights]" in info["config"]
    assert info["started"] <= info["finished"]
    hashes = tree_hashes(demo_dir)
    assert files, "input files are hashed"
    for path, digest in files:
        assert hashes[str(Path(path).relative_to(demo_dir))] == digest


def test_store_holds_the_measures_of_each_class(demo_run):
    """差别化施策: the amounts of the stored rows are basis × rate, applying next year."""
    tables = read_tables(demo_run["out"] / "landeval.duckdb")
    rows, totals = tables["firm_incentives"], tables["incentive_totals"]
    assert len(rows) and len(totals)
    assert (rows["applies_year"] == 2025).all()
    known = rows["basis_value"].notna()
    pd.testing.assert_series_equal(
        rows.loc[known, "amount"],
        rows.loc[known, "basis_value"] * rows.loc[known, "rate"],
        check_names=False,
    )
    assert rows.loc[~known, "amount"].isna().all()
    assert set(totals.loc[totals["county_code"] == "city", "code"]) == set(rows["code"])


def test_counts_and_areas_agree_across_store_workbook_csv_and_geopackage(demo_run):
    out = demo_run["out"]
    store = read_tables(out / "landeval.duckdb", ["parcel_eval"])["parcel_eval"]
    actions = store[store["treatment"] != "KEEP"]
    expected = _treatment_totals(actions, "treatment", "area_mu")
    assert set(expected) == set(TREATMENT_SHEETS)  # the demo shows every treatment

    wb = openpyxl.load_workbook(out / "actions.xlsx", read_only=True)
    from_sheets = {}
    for code, sheet in TREATMENT_SHEETS.items():
        frame = _sheet_frame(wb[sheet])
        from_sheets[code] = (len(frame), round(float(frame["面积（亩）"].sum()), 2))
    assert from_sheets == expected

    with (out / "actions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert (out / "actions.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    csv_frame = pd.DataFrame(rows).astype({"面积（亩）": float})
    assert _treatment_totals(csv_frame, "处置代码", "面积（亩）") == expected

    gpkg = pyogrio.read_dataframe(out / "parcels.gpkg", layer="parcel_eval")
    assert len(gpkg) == len(store)
    gpkg_actions = gpkg[gpkg["treatment"] != "KEEP"]
    assert _treatment_totals(gpkg_actions, "treatment", "area_mu") == expected
    layers = {name for name, _ in pyogrio.list_layers(out / "parcels.gpkg")}
    assert {"parcel_eval", "platforms", "control_line", "land_changes", "balance_items"} <= layers

    summary = _sheet_frame(wb["汇总"])
    assert "越城区" in set(summary.iloc[:, 0])


def test_workbook_is_usable_in_excel(demo_run):
    wb = openpyxl.load_workbook(demo_run["out"] / "actions.xlsx")
    core = ["汇总", "平台汇总", "拆除重建", "整治提升", "功能转型", "关停退出", "改一补一",
            "改一补一明细", "企业评价", "数据问题"]  # fmt: skip
    # in this order; 企业处置 and 增容潜力 come after the four lists when the run has them,
    # 差别化施策 after 企业评价 when the project lists measures (the demo's examples), then
    # 目标跟踪 (the 4151 targets) in every run, the year-over-year sheets with last year's
    assert [name for name in wb.sheetnames if name in core] == core
    assert set(wb.sheetnames) - set(core) <= {"企业处置", "增容潜力", "差别化施策", "目标跟踪"}
    assert wb.sheetnames.index("差别化施策") == wb.sheetnames.index("企业评价") + 1
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref
    ws = wb["拆除重建"]
    counties = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert counties == sorted(counties, key=["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市",
                                             "嵊州市"].index)  # fmt: skip


def test_two_runs_give_identical_tables(demo_run, tmp_path):
    again = tmp_path / "again"
    result = run_cli("run", "--out", again, "--no-maps")
    assert result.returncode == 0, result.stderr[-2000:]
    first = read_tables(demo_run["out"] / "landeval.duckdb")
    second = read_tables(again / "landeval.duckdb")
    assert set(first) == set(second)
    for name in set(first) - {"run_info"}:
        a, b = first[name], second[name]
        if "geometry" in a:
            assert a.geometry.equals(b.geometry), name
            a, b = (
                pd.DataFrame(a.drop(columns="geometry")),
                pd.DataFrame(b.drop(columns="geometry")),
            )
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)


def test_inputs_are_never_modified(demo_run, demo_dir):
    assert tree_hashes(demo_dir) == demo_run["inputs_before"]


def test_a_run_killed_midway_leaves_the_previous_outputs_whole(demo_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(demo_run["out"], out)
    before = tree_hashes(out)
    proc = subprocess.Popen(
        [sys.executable, "-m", "landeval", "run", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # Wait until the run is past loading and into writing, then kill it hard.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(tmp_path.glob(".out.*.part/*")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert tree_hashes(out) == before
    # The next run cleans up what the killed one left and succeeds.
    result = run_cli("run", "--out", out, "--no-maps")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_export_and_report_rebuild_from_the_store(demo_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(demo_run["out"], out)
    for name in ("actions.xlsx", "actions.csv", "parcels.gpkg", "report.html"):
        (out / name).unlink()
    assert run_cli("export", "--out", out).returncode == 0
    assert run_cli("report", "--out", out).returncode == 0
    assert run_cli("map", "--out", out).returncode == 0
    for name in ("actions.xlsx", "actions.csv", "parcels.gpkg", "report.html", "maps/index.html"):
        assert (out / name).is_file(), name
    original = openpyxl.load_workbook(demo_run["out"] / "actions.xlsx", read_only=True)
    rebuilt = openpyxl.load_workbook(out / "actions.xlsx", read_only=True)
    for sheet in TREATMENT_SHEETS.values():
        assert list(original[sheet].values) == list(rebuilt[sheet].values)


def test_hostile_firm_names_come_out_inert(tmp_path, demo_dir):
    project = tmp_path / "project"
    shutil.copytree(demo_dir, project)
    firms = pd.read_csv(project / "firms.csv", dtype=str, keep_default_na=False)
    # the two firms owning the most parcels appear in the lists, the maps and the report
    occupancy = pd.read_csv(project / "occupancy.csv", dtype=str)
    owners = occupancy[occupancy["relation"] == "own"]["uscc"].value_counts().index[:2]
    formula = '=HYPERLINK("http://x","y")'
    script = "<script>alert(1)</script>"
    firms.loc[firms["uscc"] == owners[0], "name"] = formula
    firms.loc[firms["uscc"] == owners[1], "name"] = script
    firms.to_csv(project / "firms.csv", index=False)
    out = tmp_path / "out"
    result = run_cli("run", "--project", project, "--out", out)
    assert result.returncode == 0, result.stderr[-2000:]

    wb = openpyxl.load_workbook(out / "actions.xlsx")
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")), cell.value
                    seen.append(cell.value)
    assert "'" + formula in seen  # shown as text, never evaluated
    text = (out / "actions.csv").read_text(encoding="utf-8-sig")
    assert formula not in text.replace("'" + formula, "")
    escaped = []
    for page in [out / "report.html", *sorted((out / "maps").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert script not in html, page.name
        # as HTML text, or inside the maps' JSON data where & itself is written \u0026
        escaped.append("&lt;script&gt;alert(1)" in html.replace("\\u0026", "&"))
    assert any(escaped)  # the name is shown, as text

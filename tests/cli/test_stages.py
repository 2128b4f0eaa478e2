"""The stage commands (raster, score, classify, balance) as a user runs them on the demo."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from landeval.store import list_tables, read_tables
from tests.conftest import run_cli, tree_hashes

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stage_out(tmp_path_factory):
    return tmp_path_factory.mktemp("stages") / "out"


@pytest.mark.parametrize(
    ("command", "tables", "shown"),
    [
        ("raster", ["parcel_raster"], ["容积率来源", "registered", "raster"]),
        ("score", ["firm_scores", "allocation", "parcel_scores", "trends"],
         ["企业分类", "县（市、区）", "柯桥区", "规上", "规下", "优先发展类", "合计"]),
        ("classify", ["parcel_eval", "platform_summary"],
         ["县（市、区）", "越城区", "战略平台", "关停退出", "拆除重建", "合计"]),
        ("balance", ["balance_ledger", "balance_items"],
         # 计入说明 wraps in its column at 100 characters (the items have their approval too)
         ["改一补一", "越城区", "全市", "否", "计入", "已批准", "改（转出）", "补（补充）"]),
    ],
)  # fmt: skip
def test_stage_command_prints_and_stores(stage_out, command, tables, shown):
    result = run_cli(command, "--out", stage_out, *(["--items"] if command == "balance" else []))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for text in shown:
        assert text in result.stdout, text
    stored = set(list_tables(stage_out / "landeval.duckdb"))
    assert set(tables) | {"parcels", "firms", "findings", "run_info"} <= stored
    for raw in ("NaT", "nan", "land_change", "why_not_counted", " city ", "330602 "):
        assert raw not in result.stdout, raw  # names and labels, never raw values
    tables_lines = [line for line in result.stdout.splitlines() if line[:1] in "┏┃┡│└"]
    assert max(len(line) for line in tables_lines) <= 100  # fits the console, wrapped


def test_classify_lists_counties_by_code_and_tiers_in_order(stage_out):
    result = run_cli("classify", "--out", stage_out)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()

    def first(name: str) -> int:
        return next(i for i, line in enumerate(lines) if f"│ {name} " in line)

    counties = ["越城区", "柯桥区", "上虞区", "新昌县", "诸暨市", "嵊州市"]  # by code
    assert [first(c) for c in counties] == sorted(first(c) for c in counties)
    tiers = ["战略平台", "骨干平台", "小微/特色平台", "平台外"]  # 2, 6, N, outside
    assert [first(t) for t in tiers] == sorted(first(t) for t in tiers)


def test_a_stage_of_another_year_is_refused_next_to_a_full_run(demo_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(demo_run["out"], out)
    before = tree_hashes(out)
    result = run_cli("balance", "--year", "2023", "--out", out)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "2024 年度的完整运行结果" in result.stderr and "2023" in result.stderr
    assert tree_hashes(out) == before  # nothing written: the folder holds one year
    same = run_cli("balance", "--year", "2024", "--out", out)
    assert same.returncode == 0, same.stderr[-2000:]


def test_stage_command_in_english(tmp_path):
    result = run_cli("classify", "--lang", "en", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    for text in ("County", "Platform tier", "Change of use", "strategic", "Total"):
        assert text in result.stdout, text
    assert "合计" not in result.stdout and "平台外" not in result.stdout
    # the treatments in the policy's order (a header may wrap onto two lines: columns tell)
    lines = result.stdout.splitlines()

    def column(text: str) -> int:
        return next(line.index(text) for line in lines if text in line)

    assert column("Demolish and") < column("Change of use") < column("Shut down and")


def test_stage_tables_equal_the_full_run(stage_out, demo_run):
    names = ["parcel_raster", "firm_scores", "parcel_eval", "balance_ledger"]
    if not (stage_out / "landeval.duckdb").exists():
        pytest.skip("runs after the stage commands")
    staged = read_tables(stage_out / "landeval.duckdb", names)
    full = read_tables(demo_run["out"] / "landeval.duckdb", names)
    for name in names:
        a, b = staged[name], full[name]
        if "geometry" in a:
            a, b = (
                pd.DataFrame(a.drop(columns="geometry")),
                pd.DataFrame(b.drop(columns="geometry")),
            )
        pd.testing.assert_frame_equal(a, b, obj=name)

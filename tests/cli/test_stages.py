"""The stage commands (raster, score, classify, balance) as a user runs them on the demo."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.store import list_tables, read_tables
from tests.conftest import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stage_out(tmp_path_factory):
    return tmp_path_factory.mktemp("stages") / "out"


@pytest.mark.parametrize(
    ("command", "tables", "shown"),
    [
        ("raster", ["parcel_raster"], ["容积率来源", "registered", "raster"]),
        ("score", ["firm_scores", "allocation", "parcel_scores", "trends"],
         ["企业分类", "行政区划代码", "330603", "规上", "规下"]),
        ("classify", ["parcel_eval", "platform_summary"],
         ["县（市、区）", "越城区", "战略平台", "关停退出", "拆除重建"]),
        ("balance", ["balance_ledger", "balance_items"], ["改一补一", "越城区", "全市", "否"]),
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


def test_stage_command_in_english(tmp_path):
    result = run_cli("classify", "--lang", "en", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    for text in ("County", "Platform tier", "Change of use", "strategic"):
        assert text in result.stdout, text
    # the treatments in the policy's order
    header = next(line for line in result.stdout.splitlines() if "Change of use" in line)
    assert header.index("Change of use") < header.index("Shut down and exit")


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

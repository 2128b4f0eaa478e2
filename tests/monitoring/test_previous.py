"""Reading last year's output, and refusing what is not one (DESIGN §11)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from landeval._outdir import write_marker
from landeval._version import __version__
from landeval.errors import ConfigError
from landeval.monitoring import check_previous_year, read_previous
from landeval.store import STORE_NAME, write_store
from tests.monitoring._years import previous_decisions, previous_parcels, previous_run


def write_previous(folder: Path, *, year: int = 2023, version: str = __version__) -> Path:
    """A minimal output folder of ``landeval run`` for ``year``: its store and marker."""
    folder.mkdir(parents=True, exist_ok=True)
    run = previous_run()
    firms = pd.concat([run.firm_scores, run.firm_scores.assign(year=year - 1, **{"class": "A"})])
    write_store(
        folder / STORE_NAME,
        {
            "run_info": pd.DataFrame(
                {
                    "key": ["landeval_version", "evaluation_year"],
                    "value": [version, str(year)],
                }
            ),
            "parcel_eval": previous_parcels(),
            "firm_scores": firms,
            "decisions": previous_decisions(),
        },
    )
    write_marker(folder, [STORE_NAME])
    return folder


def test_a_previous_output_is_read_with_its_year_and_only_its_years_firms(tmp_path):
    previous = read_previous(write_previous(tmp_path / "out_2023"))
    assert (previous.year, previous.version) == (2023, __version__)
    assert len(previous.parcel_eval) == 9
    assert previous.parcel_eval.crs.to_epsg() == 4549
    assert set(previous.firm_scores["year"]) == {2023}
    assert previous.firm_scores.set_index("uscc").loc["F1", "class"] == "D"
    assert previous.decisions is not None and len(previous.decisions) == 2
    assert previous.parcel_eval["final_treatment"].isna().all()  # optional, absent: missing


def test_a_folder_that_is_not_a_landeval_output_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="不是 landeval 的输出文件夹"):
        read_previous(tmp_path)
    with pytest.raises(ConfigError, match="不存在"):
        read_previous(tmp_path / "missing")


def test_a_store_that_is_not_a_database_is_refused(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / STORE_NAME).write_text("not a database", encoding="utf-8")
    write_marker(folder, [STORE_NAME])
    with pytest.raises(ConfigError, match="无法作为 landeval 数据库打开"):
        read_previous(folder)


def test_an_output_of_a_newer_landeval_is_refused(tmp_path):
    folder = write_previous(tmp_path / "out", version="9.0.0")
    with pytest.raises(ConfigError, match=r"比当前的 landeval .* 新"):
        read_previous(folder)


def test_an_output_of_an_incompatible_older_landeval_is_refused(tmp_path):
    folder = write_previous(tmp_path / "out", version="0.0.3")
    with pytest.raises(ConfigError, match="格式不兼容"):
        read_previous(folder)


def test_an_output_lacking_a_needed_table_is_refused(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    write_store(
        folder / STORE_NAME,
        {"run_info": pd.DataFrame({"key": ["landeval_version", "evaluation_year"],
                                   "value": [__version__, "2023"]})},
    )  # fmt: skip
    write_marker(folder, [STORE_NAME])
    with pytest.raises(ConfigError, match="缺少表 parcel_eval"):
        read_previous(folder)


def test_an_output_of_this_year_or_later_is_refused(tmp_path):
    previous = read_previous(write_previous(tmp_path / "out", year=2024))
    with pytest.raises(ConfigError, match="不早于本次评价年度 2024"):
        check_previous_year(previous, 2024)
    check_previous_year(previous, 2025)  # an earlier year is fine
    check_previous_year(None, 2024)

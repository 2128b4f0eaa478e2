"""Reading attribute tables: the reader chosen by the extension, Parquet, bad files."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.config import default_config
from landeval.errors import DataError
from landeval.inputs import read_table


def test_parquet_with_integer_codes(tmp_path):
    pd.DataFrame(
        {"uscc": [913306021234500003], "year": [2023.0], "tax": [12.5], "extra": ["x"]}
    ).to_parquet(tmp_path / "t.parquet")
    frame, findings = read_table("t.parquet", "firm_tax", config=default_config(), base=tmp_path)
    assert frame.loc[0, "uscc"] == "913306021234500003"
    assert frame.loc[0, "year"] == 2023
    assert "COLUMNS_IGNORED" in [f.code for f in findings]


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(DataError, match="xlsx"):
        read_table("a.xls", "firms", config=default_config(), base=tmp_path)
    with pytest.raises(DataError, match="文件不存在"):
        read_table("none.csv", "firms", config=default_config(), base=tmp_path)

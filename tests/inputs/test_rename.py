"""Renaming columns and values to the canonical ones."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from landeval.config import default_config
from landeval.errors import DataError
from landeval.inputs import read_table
from landeval.inputs.aliases import normalize_value
from landeval.inputs.rename import map_values, rename_columns
from tests._messy import MESSY


def test_missing_required_column_lists_found_and_closest(tmp_path):
    (tmp_path / "t.csv").write_text("信用代码,年度,税款合计金额\nX,2023,1\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table("t.csv", "firm_tax", config=default_config(), base=tmp_path)
    msg = str(info.value)
    assert "tax" in msg
    assert "信用代码, 年度, 税款合计金额" in msg  # the columns found
    assert "tax 的相近列名: 税款合计金额" in msg  # the closest match
    assert "[fields.firm_tax]" in msg


def test_project_field_mapping_wins(tmp_path):
    (tmp_path / "t.csv").write_text("代码,年度,税款合计金额\nX,2023,1\n", encoding="utf-8")
    cfg = default_config().model_copy(
        update={"fields": {"firm_tax": {"uscc": "代码", "tax": "税款合计金额"}}}
    )
    frame, _ = read_table("t.csv", "firm_tax", config=cfg, base=tmp_path)
    assert frame[["uscc", "year", "tax"]].to_dict("records") == [
        {"uscc": "X", "year": 2023, "tax": 1.0}
    ]


def test_second_column_for_a_taken_name_is_ignored(tmp_path):
    (tmp_path / "t.csv").write_text(
        "统一社会信用代码,uscc,年度,税收合计\nA1,B2,2023,1\n", encoding="utf-8"
    )
    frame, findings = read_table("t.csv", "firm_tax", config=default_config(), base=tmp_path)
    assert frame["uscc"].tolist() == ["A1"]
    assert list(frame.columns).count("uscc") == 1
    assert any(f.code == "COLUMNS_IGNORED" and "uscc" in f.message for f in findings)


def test_value_aliases(tmp_path):
    shutil.copy(MESSY / "base" / "occupancy.csv", tmp_path / "occ.csv")
    frame, _ = read_table("occ.csv", "occupancy", config=default_config(), base=tmp_path)
    assert frame["relation"].tolist() == ["own", "own", "own", "lease"]
    assert frame["area_m2"].tolist()[3] == 2000.0
    assert frame["from_year"].tolist()[3] == 2022


def test_value_aliases_map_as_the_plain_pandas_lookup():
    index = pd.RangeIndex(2, 5)
    series = pd.Series(
        ["规上", None, "below", "规下", "other", "规上"], dtype="str", index=index.append(index)
    )
    aliases = {"规上": "above", "规模以下": "below", "规下": "below"}
    keys = {normalize_value(k): v for k, v in aliases.items()}
    want = series.map(lambda v: keys.get(normalize_value(v), v) if isinstance(v, str) else v)
    pd.testing.assert_series_equal(map_values(series, aliases), want.astype("str"))
    objects = series.astype(object)  # XLSX cells
    pd.testing.assert_series_equal(map_values(objects, aliases), want.astype("str"))


def test_rename_keeps_only_matched_columns_and_reports_the_rest():
    raw = pd.DataFrame({"信用代码": ["A"], "年度": ["2023"], "税收合计(元)": ["1"], "备注": ["x"]})
    renamed, units, findings = rename_columns(raw, "firm_tax", source="t.csv")
    assert list(renamed.columns) == ["uscc", "year", "tax"]
    assert units == {"tax": "元"}
    assert [(f.code, f.severity) for f in findings] == [("COLUMNS_IGNORED", "info")]
    assert "备注" in findings[0].message
    assert list(raw.columns) == ["信用代码", "年度", "税收合计(元)", "备注"]  # not renamed

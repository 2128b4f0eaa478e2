"""Reading tables: encodings, XLSX layouts, codes as text, coercion, money units."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.config import default_config, load_config
from landeval.errors import DataError
from landeval.inputs.canonical import canonicalize
from landeval.inputs.encoding import decode_text
from landeval.inputs.read import SOURCE_ROW, read_table

MESSY = Path(__file__).parents[1] / "data" / "messy"
USCC = ["913306021234500003", "91330603MA2D00001J", "91330603MA2D00002M"]


def _codes(findings):
    return [f.code for f in findings]


def test_gb18030_csv_is_detected_and_decoded():
    frame, findings = read_table("firms_gb18030.csv", "firms", config=default_config(), base=MESSY)
    assert frame["name"].tolist()[0] == "绍兴㐀纺织有限公司"
    assert frame["scale"].tolist() == ["above", "above", "below"]
    enc = [f for f in findings if f.code == "ENCODING_DETECTED"]
    assert len(enc) == 1
    assert enc[0].severity == "info"
    assert "GB18030" in enc[0].message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("名称".encode("utf-8-sig"), "utf-8-sig"),
        ("名称".encode(), "utf-8"),
        ("名称".encode("gbk"), "gbk"),
        ("名称㐀".encode("gb18030"), "gb18030"),
    ],
)
def test_decode_text_picks_the_encoding(raw, expected):
    text, encoding = decode_text(raw, what="x")
    assert encoding == expected
    assert text.startswith("名称")


def test_xlsx_with_title_rows_units_row_and_totals():
    cfg = load_config(MESSY / "base")  # declares firm_tax in yuan, as the units row says
    frame, findings = read_table("firm_tax_titles.xlsx", "firm_tax", config=cfg, base=MESSY)
    assert frame["uscc"].tolist() == USCC
    assert frame["year"].tolist() == [2023, 2023, 2023]
    # 元 → 万元; "1,100,000" in a text cell is read with its thousands separator.
    assert frame["tax"].tolist() == [380.0, 110.0, 32.0]
    assert frame["electricity_kwh"].tolist() == [2_100_000.0, 1_400_000.0, 310_000.0]
    # Excel row numbers: header on row 3, units on row 4, data from row 5, totals on row 8.
    assert frame[SOURCE_ROW].tolist() == [5, 6, 7]
    totals = [f for f in findings if f.code == "TOTALS_ROW_DROPPED"]
    assert [(f.severity, f.row_id) for f in totals] == [("info", "row 8")]
    assert "UNIT_HEADER_MISMATCH" not in _codes(findings)


def test_units_row_contradicting_units_is_a_warning():
    cfg = default_config()  # declares 万元, but the units row says 元
    frame, findings = read_table("firm_tax_titles.xlsx", "firm_tax", config=cfg, base=MESSY)
    mismatch = [f for f in findings if f.code == "UNIT_HEADER_MISMATCH"]
    assert len(mismatch) == 1
    assert mismatch[0].severity == "warning"
    assert 'firm_tax = "yuan"' in mismatch[0].suggestion
    assert frame["tax"].tolist() == [3_800_000.0, 1_100_000.0, 320_000.0]  # [units] applied


def test_uscc_from_xlsx_numbers_never_becomes_scientific():
    frame, findings = read_table("firms_numeric.xlsx", "firms", config=default_config(), base=MESSY)
    # An exact integer cell keeps all 18 digits.
    assert frame.loc[0, "uscc"] == "913306021234500003"
    assert "E+" not in "".join(frame["uscc"])
    # A float cell lost digits beyond 15: reported as an error, never passed off as a code.
    lost = [f for f in findings if f.code == "CODE_STORED_AS_NUMBER"]
    assert [(f.severity, f.row_id, f.field) for f in lost] == [("error", "row 3", "uscc")]
    # County codes: a number cell becomes its digits, a text cell keeps its leading zero.
    assert frame["county_code"].tolist() == ["330603", "0330603", "330603"]


def test_csv_codes_keep_leading_zeros(tmp_path):
    (tmp_path / "f.csv").write_text(
        "统一社会信用代码,企业名称,行业代码,行政区划代码,规模\n"
        "013306021234500003,甲,C17,033060,规上\n",
        encoding="utf-8",
    )
    frame, _ = read_table("f.csv", "firms", config=default_config(), base=tmp_path)
    assert frame.loc[0, "uscc"] == "013306021234500003"
    assert frame.loc[0, "county_code"] == "033060"


def test_yuan_declared_as_wan_yuan_is_a_warning_with_evidence():
    frame, findings = read_table(
        "firm_tax_yuan.csv", "firm_tax", config=default_config(), base=MESSY
    )
    mag = [f for f in findings if f.code == "UNIT_MAGNITUDE"]
    assert len(mag) == 1
    assert mag[0].severity == "warning"
    assert mag[0].field == "tax"
    # Median of 3.5e6, 1.2e6, 3e5, 3.8e6, 1.1e6, 3.2e5 = (1.1e6 + 1.2e6) / 2 = 1,150,000.
    assert "1,150,000.00" in mag[0].message
    assert 'firm_tax = "yuan"' in mag[0].suggestion
    assert frame["tax"].max() == 3_800_000.0  # nothing converted behind the user's back


def test_wan_yuan_declared_as_yuan_is_a_warning(tmp_path):
    rows = "\n".join(f"{USCC[i % 3]},{2020 + i},{v}" for i, v in enumerate([350, 120, 30, 40]))
    (tmp_path / "t.csv").write_text("信用代码,年度,税收合计\n" + rows + "\n", encoding="utf-8")
    cfg = default_config().model_copy(
        update={"units": default_config().units.model_copy(update={"firm_tax": "yuan"})}
    )
    _frame, findings = read_table("t.csv", "firm_tax", config=cfg, base=tmp_path)
    mag = [f for f in findings if f.code == "UNIT_MAGNITUDE"]
    assert len(mag) == 1
    assert "万元" in mag[0].message


def test_coercion_of_messy_numbers(tmp_path):
    (tmp_path / "o.csv").write_text(
        "信用代码,年份,工业增加值,营业收入,年平均职工人数\n"
        f'{USCC[0]},2023.0,"1,234.5",１２３,—\n'
        f"{USCC[1]},2023年,/,abc,12\n"
        f'{USCC[2]},2022.5,," 7 ",3.0\n',
        encoding="utf-8",
    )
    frame, findings = read_table("o.csv", "firm_output", config=default_config(), base=tmp_path)
    assert frame["year"].tolist()[:2] == [2023, 2023]
    assert pd.isna(frame.loc[2, "year"])
    assert frame["value_added"].tolist()[0] == 1234.5
    assert frame["value_added"].isna().tolist() == [False, True, True]
    assert frame["revenue"].tolist()[0] == 123.0
    assert pd.isna(frame.loc[1, "revenue"])
    assert frame.loc[2, "revenue"] == 7.0
    assert frame["employees"].tolist()[1:] == [12.0, 3.0]
    problems = {(f.code, f.row_id, f.field) for f in findings if f.severity == "warning"}
    assert problems == {
        ("VALUE_NOT_INTEGER", "row 4", "year"),
        ("VALUE_NOT_NUMBER", "row 3", "revenue"),
    }


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


def test_parquet_with_integer_codes(tmp_path):
    pd.DataFrame(
        {"uscc": [913306021234500003], "year": [2023.0], "tax": [12.5], "extra": ["x"]}
    ).to_parquet(tmp_path / "t.parquet")
    frame, findings = read_table("t.parquet", "firm_tax", config=default_config(), base=tmp_path)
    assert frame.loc[0, "uscc"] == "913306021234500003"
    assert frame.loc[0, "year"] == 2023
    assert "COLUMNS_IGNORED" in _codes(findings)


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(DataError, match="xlsx"):
        read_table("a.xls", "firms", config=default_config(), base=tmp_path)
    with pytest.raises(DataError, match="文件不存在"):
        read_table("none.csv", "firms", config=default_config(), base=tmp_path)


def test_canonicalize_does_not_mutate_its_input():
    raw = pd.DataFrame(
        {"统一社会信用代码": [" 913306021234500003 "], "年度": ["2023"], "实缴税额(元)": ["10000"]}
    )
    before = raw.copy()
    out, _ = canonicalize(raw, "firm_tax", money_unit="yuan")
    pd.testing.assert_frame_equal(raw, before)
    assert out.loc[0, "uscc"] == "913306021234500003"
    assert out.loc[0, "tax"] == 1.0


def test_value_aliases(tmp_path):
    shutil.copy(MESSY / "base" / "occupancy.csv", tmp_path / "occ.csv")
    frame, _ = read_table("occ.csv", "occupancy", config=default_config(), base=tmp_path)
    assert frame["relation"].tolist() == ["own", "own", "own", "lease"]
    assert frame["area_m2"].tolist()[3] == 2000.0
    assert frame["from_year"].tolist()[3] == 2022


def test_header_only_and_empty_files(tmp_path):
    (tmp_path / "h.csv").write_text("信用代码,年度,税收合计\n", encoding="utf-8")
    frame, _ = read_table("h.csv", "firm_tax", config=default_config(), base=tmp_path)
    assert frame.empty
    assert list(frame.columns[:3]) == ["uscc", "year", "tax"]
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(DataError):
        read_table("e.csv", "firm_tax", config=default_config(), base=tmp_path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.text(max_size=20), st.text(max_size=8), st.text(max_size=12)),
        min_size=1,
        max_size=8,
    )
)
def test_canonicalize_never_raises_on_garbage_cells(rows):
    raw = pd.DataFrame(rows, columns=["信用代码", "年度", "实缴税额"], dtype="str")
    raw[SOURCE_ROW] = range(2, len(raw) + 2)
    frame, findings = canonicalize(raw, "firm_tax", money_unit="wan_yuan")
    assert len(frame) == len(raw)
    assert str(frame["year"].dtype) == "Int64"
    assert str(frame["tax"].dtype) == "float64"
    # Every non-missing cell that did not become a number is reported with its row.
    for f in findings:
        assert f.row_id is None or f.row_id.startswith("row ")


def test_second_column_for_a_taken_name_is_ignored(tmp_path):
    (tmp_path / "t.csv").write_text(
        "统一社会信用代码,uscc,年度,税收合计\nA1,B2,2023,1\n", encoding="utf-8"
    )
    frame, findings = read_table("t.csv", "firm_tax", config=default_config(), base=tmp_path)
    assert frame["uscc"].tolist() == ["A1"]
    assert list(frame.columns).count("uscc") == 1
    assert any(f.code == "COLUMNS_IGNORED" and "uscc" in f.message for f in findings)

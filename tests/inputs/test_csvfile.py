"""Reading CSV files: Arrow's parser gives what pandas' gives, or declines; encodings."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.config import default_config
from landeval.errors import DataError
from landeval.inputs import read_table
from landeval.inputs.csvfile import _read_csv_arrow, _read_csv_pandas
from landeval.inputs.tables import read_raw_table
from tests._messy import MESSY

_CELL = st.text(
    alphabet=st.sampled_from(list("ab1,;\t| -.\"'\r\n　中文合计ＡＢ１２﹣=+\x0b\u3000\x00")),
    max_size=6,
)


def _both(text: str, sep: str, header_idx: int):
    data = text.encode("utf-8")
    fast = _read_csv_arrow(data, 0, sep, header_idx)
    try:
        slow = _read_csv_pandas(text, sep, header_idx, "x.csv")
    except Exception as exc:  # the fast path must then decline
        slow = exc
    return fast, slow


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1, max_size=6),
    sep=st.sampled_from([",", "\t", ";", "|"]),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    header_idx=st.integers(0, 2),
    final_eol=st.booleans(),
)
def test_arrow_csv_equals_pandas_or_declines(rows, sep, eol, header_idx, final_eol):
    text = eol.join(sep.join(r) for r in rows) + (eol if final_eol else "")
    fast, slow = _both(text, sep, header_idx)
    if fast is None:
        return
    assert not isinstance(slow, Exception), (text, slow)
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n3,4\n",
        "a,b\r\n1,2\r\n3,\r\n",
        "title\n\na,b,a,\n1,2,3,4\n",  # title rows, duplicate and empty header names
        "a,b\n 1 , 2 \n中文,ＡＢ\n",
        "a,b\n1,2\n\n3,4\n",  # blank line: pandas reads a row of empty cells
        "a,b\n1,2\n3\n",  # short row
        "a,b\n1,2,3\n",  # long row
        'a,b\n"1,5",2\n',  # quotes
        "a,b\r1,2\r",  # old Mac line ends
        "a\n1\n2\n",  # one column
        "a,b\n",  # header only
        "a,b\n1,2",  # no final line end
        "a,b\n=1+2,-3\n",
    ],
)
def test_arrow_csv_edge_cases(text):
    fast, slow = _both(text, ",", 2 if text.startswith("title") else 0)
    if fast is not None:
        pd.testing.assert_frame_equal(fast, slow)


def test_arrow_csv_reads_plain_files():
    fast, slow = _both("a,b,c\n1,,中文\n2,x,\n", ",", 0)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["b"].tolist() == ["", "x"]


def test_csv_whose_body_is_not_utf8_is_decoded_as_before(tmp_path):
    body = "uscc,name,year\n" + "91330600000336380N,甲公司,2023\n" * 3
    path = tmp_path / "firms.csv"
    path.write_bytes(body.encode("gbk"))  # ASCII head line, GBK body
    table = read_raw_table(path, layer="firms")
    assert table.encoding == "gbk"
    assert table.frame["name"].tolist() == ["甲公司"] * 3
    path.write_bytes(body.encode("utf-8"))
    table = read_raw_table(path, layer="firms")
    assert table.encoding == "utf-8"
    assert table.frame["name"].tolist() == ["甲公司"] * 3


def test_gb18030_csv_is_detected_and_decoded():
    frame, findings = read_table("firms_gb18030.csv", "firms", config=default_config(), base=MESSY)
    assert frame["name"].tolist()[0] == "绍兴㐀纺织有限公司"
    assert frame["scale"].tolist() == ["above", "above", "below"]
    enc = [f for f in findings if f.code == "ENCODING_DETECTED"]
    assert len(enc) == 1
    assert enc[0].severity == "info"
    assert "GB18030" in enc[0].message


def test_header_only_and_empty_files(tmp_path):
    (tmp_path / "h.csv").write_text("信用代码,年度,税收合计\n", encoding="utf-8")
    frame, _ = read_table("h.csv", "firm_tax", config=default_config(), base=tmp_path)
    assert frame.empty
    assert list(frame.columns[:3]) == ["uscc", "year", "tax"]
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(DataError):
        read_table("e.csv", "firm_tax", config=default_config(), base=tmp_path)

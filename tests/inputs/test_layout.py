"""Spreadsheet layout: blank rows, totals rows, units rows, the header row."""

from __future__ import annotations

import pandas as pd

from landeval.inputs import SOURCE_ROW
from landeval.inputs.layout import (
    _TOTAL_LABEL,
    _blank,
    _is_total_label,
    _total_labels,
    drop_totals_and_blanks,
    header_index,
    take_units_row,
)


def test_blank_and_total_labels_match_the_reference():
    cells = pd.Series(
        [
            "",
            " ",
            None,
            "合计",
            "合　计",
            " 总计 ",
            "Total",
            "TOTAL:",
            "sum",
            "subtotal",
            "x",
            "合计金额很长的一段文字",
            "ｔｏｔａｌ",
            "小\u3000计",
            "1",
            "\u2003",
        ],
        dtype="str",
    )
    blank = (cells.str.strip().isna() | (cells.str.strip() == "")).to_numpy()
    assert (_blank(cells) == blank).all()
    assert (_blank(cells.astype(object)) == blank).all()
    xlsx_like = pd.DataFrame({"a": [None, None, "x"], "b": [None, 1, None]}, dtype=object)
    for col in xlsx_like:  # object columns (XLSX cells); the result must be writable
        assert _blank(xlsx_like[col]).flags.writeable
    frame = xlsx_like.assign(source_row=[2, 3, 4])
    kept, _ = drop_totals_and_blanks(frame, "firms", "x.xlsx")
    assert kept["source_row"].tolist() == [3, 4]
    want = _total_labels(cells).str.fullmatch(_TOTAL_LABEL).fillna(False).to_numpy(dtype=bool)
    assert (_is_total_label(cells) == want).all()
    assert want[[3, 4, 5, 6, 8, 9, 12, 13]].all()


def test_total_labels_found_after_the_first_byte_filter():
    cells = pd.Series(
        ["Grand\u3000Total", "grand total", "\ttotal", "Sum", "2023", "9133", "合计", None, ""],
        dtype="str",
    )
    want = _total_labels(cells).str.fullmatch(_TOTAL_LABEL).fillna(False).to_numpy(dtype=bool)
    assert (_is_total_label(cells) == want).all()
    assert want[[2, 3, 6]].all()


def test_subtotal_labels_with_a_code_or_a_place():
    cells = pd.Series(
        [
            "330602 小计",
            "330603小计：",
            "越城区小计",
            "全市合计",
            "合计科技有限公司",  # a name holding the word: no label
            "绍兴市某某纺织有限公司",
            "91330600022601413B",
            "2024",
        ],
        dtype="str",
    )
    assert _is_total_label(cells).tolist() == [True] * 4 + [False] * 4
    frame = pd.DataFrame(
        {"uscc": cells, "tax": ["1"] * len(cells), SOURCE_ROW: range(2, len(cells) + 2)}
    )
    kept, findings = drop_totals_and_blanks(frame, "firm_tax", "t.csv")
    assert kept["uscc"].tolist() == cells.tolist()[4:]
    assert [f.row_id for f in findings] == ["row 2", "row 3", "row 4", "row 5"]
    assert "330602 小计" in findings[0].message


def test_header_row_is_the_row_matching_most_aliases():
    rows = [
        ["绍兴市 2023 年企业税收表", None, None],
        [None, None, None],
        ["统一社会信用代码", "年度", "实缴税额"],
        ["913306021234500003", 2023, 12.5],
    ]
    assert header_index(rows, "firm_tax") == 2
    assert header_index([["a", "b"], ["c", "d"]], "firm_tax") == 0  # no match: the first row


def test_units_row_under_the_header_gives_the_units():
    frame = pd.DataFrame(
        {"税收": ["(万元)", "12.5"], "用电量": ["千瓦时", "300"], SOURCE_ROW: [3, 4]}
    )
    kept, units = take_units_row(frame)
    assert units == {"税收": "万元", "用电量": "千瓦时"}
    assert kept[SOURCE_ROW].tolist() == [4]
    data = frame.iloc[1:].reset_index(drop=True)
    assert take_units_row(data) == (data, {})  # a row of numbers is data

"""Spreadsheet layout: blank rows, totals rows, units rows, the header row."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.inputs import SOURCE_ROW
from landeval.inputs.layout import (
    _LABEL_LETTERS,
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


def test_every_character_a_label_word_needs_passes_the_letter_filter():
    # A label holds 计, l or m once normalised and lower-cased: every character whose NFKC
    # form holds one of them must pass the filter, or such a label would be missed.
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    needed = [
        ch for ch in chars if any(x in unicodedata.normalize("NFKC", ch).lower() for x in "计lm")
    ]
    assert {"计", "l", "M", "ｌ", "ℓ", "㎡"} <= set(needed)
    passed = pc.match_substring_regex(pa.array(needed), _LABEL_LETTERS).to_numpy(
        zero_copy_only=False
    )
    assert passed.all(), [ch for ch, ok in zip(needed, passed, strict=True) if not ok]
    # a firm name and a code do not: they are never normalised
    names = pa.array(["嵊州盛南海越制衣有限公司", "913306000000145683", "设计院"])
    assert pc.match_substring_regex(names, _LABEL_LETTERS).to_pylist() == [False, False, True]


def test_short_names_are_no_labels_and_labels_among_names_are_found():
    names = [f"绍兴{i}号纺织有限公司" for i in range(50)]
    cells = pd.Series(
        [*names, "合计", "越城区 小计", "ＴＯＴＡＬ", "绍兴设计有限公司"], dtype="str"
    )
    found = _is_total_label(cells)
    assert np.flatnonzero(found).tolist() == [50, 51, 52]


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

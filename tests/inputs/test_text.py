"""Cleaning text cells: each fast helper equals the plain pandas or Python call."""

from __future__ import annotations

import re
import sys
import unicodedata

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landeval.inputs.text import (
    MISSING_TOKENS,
    PY_WHITESPACE,
    clean_text,
    has_space,
    missing_token_cells,
    nfkc,
    strip,
)
from tests.inputs._cells import TEXT_CELL, chunked


def test_python_whitespace_class_is_complete():
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))}
    assert spaces == set(PY_WHITESPACE)
    cells = pd.Series([f"a{c}b" for c in sorted(spaces)] + ["ab", None, "中文"], dtype="str")
    want = cells.str.contains(r"\s", regex=True).fillna(False).to_numpy(dtype=bool)
    assert (has_space(cells).to_numpy() == want).all()


def test_nfkc_skips_only_text_it_cannot_change():
    stable = [*range(0x80), *range(0x4E00, 0xA000)]
    assert all(unicodedata.normalize("NFKC", chr(c)) == chr(c) for c in stable)
    assert all(unicodedata.combining(chr(c)) == 0 for c in stable)
    cells = pd.Series(
        ["abc", "中文", "ＡＢ１", "e\u0301", "①", "合　计", "ﬁ", None, "㐀", "豈", "ｶ"], dtype="str"
    )
    want = cells.map(lambda v: unicodedata.normalize("NFKC", v), na_action="ignore")
    pd.testing.assert_series_equal(nfkc(cells), want.astype("str"))


@pytest.mark.slow
def test_missing_tokens_lower_to_as_many_characters():
    # The length bound of missing_token_cells: no character lowers into a token character
    # with another length (İ → i and K → k lower to letters no token has).
    token_chars = set("".join(MISSING_TOKENS))
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        low = pc.utf8_lower(pa.array([ch])).to_pylist()[0] if code > 0x7F else ch.lower()
        if low in token_chars:
            assert len(low) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT_CELL, max_size=12))
def test_clean_text_equals_the_pandas_reference(cells):
    series = pd.Series(cells, dtype="str", index=range(3, 3 + len(cells)))
    text = nfkc(series).str.strip()
    want = text.mask(text.str.lower().isin(MISSING_TOKENS))
    pd.testing.assert_series_equal(clean_text(series), want, check_exact=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT_CELL, max_size=12), st.booleans())
def test_strip_and_missing_tokens_equal_arrow_and_python(cells, sliced):
    arr = chunked(cells, sliced)
    assert strip(arr).to_pylist() == pc.utf8_trim_whitespace(arr).to_pylist()
    lowered = pc.utf8_lower(arr).to_pylist()
    want = [v is not None and v in MISSING_TOKENS for v in lowered]
    assert missing_token_cells(arr).tolist() == want

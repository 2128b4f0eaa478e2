"""The fast (Arrow, numpy) paths of loading give exactly what the reference paths give.

Each fast helper is compared, on generated and on hand-picked edge cases, with the slower
code it replaces: pandas' CSV parser, ``pd.to_numeric``, Python's ``\\s`` and NFKC, the exact
GEOS intersection area.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.readers.canonical import (
    PY_WHITESPACE,
    _clean_text,
    _on_subset,
    _strip_separators,
    _to_number,
    has_space,
    nfkc,
    parse_numbers,
    plain_cells,
)
from landeval.readers.encoding import decode_head, is_utf8
from landeval.readers.tables import (
    _TOTAL_WORDS,
    _blank,
    _drop_totals_and_blanks,
    _is_total_label,
    _read_csv_arrow,
    _read_csv_pandas,
    _total_labels,
)
from landeval.validate import _overlap_upper_bounds, _padded_rings

# --- CSV ------------------------------------------------------------------------------------

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
    kept, _ = _drop_totals_and_blanks(frame, "firms", "x.xlsx")
    assert kept["source_row"].tolist() == [3, 4]
    want = _total_labels(cells).isin(_TOTAL_WORDS).to_numpy()
    assert (_is_total_label(cells) == want).all()
    assert want[[3, 4, 5, 6, 8, 9, 12, 13]].all()


# --- numbers ----------------------------------------------------------------------------------

_EDGE_NUMBERS = [
    None,
    "",
    "0",
    "-0",
    "-0.0",
    "-00",
    "+5",
    ".5",
    "5.",
    "1e5",
    "1E-3",
    "inf",
    "-inf",
    "nan",
    "abc",
    "中文",
    "=1+2",
    "0x10",
    "1_000",
    "123456789012345",
    "1234567890123456",
    "12345678901234567",
    "-999999999999999",
    "99999999999999999999",
    "18446744073709551616",
    "-9223372036854775809",
    "0.000000000000001",
    "3.14159265358979",
    "007",
    "-12.50",
]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    both_nan = np.isnan(a) & np.isnan(b)
    return bool((both_nan | ((a == b) & (np.signbit(a) == np.signbit(b)))).all())


def _reference(cells: pd.Series) -> np.ndarray:
    return pd.to_numeric(cells, errors="coerce").astype("float64").to_numpy()


@pytest.mark.parametrize("n", range(len(_EDGE_NUMBERS)))
def test_parse_numbers_edge_cases_alone_and_mixed(n):
    cell = _EDGE_NUMBERS[n]
    for cells in ([cell], [cell, "12"], [cell, "-3"], [cell, "1.5"], [cell, None, "7"]):
        series = pd.Series(cells, dtype="str")
        assert _same(parse_numbers(series).to_numpy(), _reference(series)), cells


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_EDGE_NUMBERS),
            st.integers(-(10**17), 10**17).map(str),
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
            st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_parse_numbers_equals_to_numeric(cells):
    series = pd.Series(cells, dtype="str", index=range(10, 10 + len(cells)))
    got = parse_numbers(series)
    assert got.index.equals(series.index)
    assert got.dtype == "float64"
    assert _same(got.to_numpy(), _reference(series))


def _to_number_reference(series: pd.Series, *, integer: bool) -> tuple[pd.Series, pd.Series]:
    """What ``_to_number`` did before it skipped cleaning plain cells: clean every cell."""
    text = _clean_text(series)
    cleaned = _strip_separators(text)
    if integer:
        cleaned = _on_subset(cleaned, cleaned.str.endswith("年"), lambda s: s.str.slice(stop=-1))
    values = parse_numbers(cleaned)
    present = text.notna()
    limit = 2.0**53 if integer else np.inf
    values = values.where(values.abs() < limit)
    bad = present & values.isna()
    if integer:
        not_whole = values.notna() & (values - values.round()).abs().gt(1e-9)
        return values.mask(not_whole).round().astype("Int64"), bad | not_whole
    return values, bad


_MESSY_NUMBERS = [
    *_EDGE_NUMBERS,
    "１２３",
    " 12 ",
    "1,234",
    "1 234.5",
    "2023年",
    "—",
    "NULL",
    "n/a",
    "",
    "　7",
    "-0",
    "12.",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_MESSY_NUMBERS),
            st.integers(-(10**17), 10**17).map(str),
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
            st.none(),
        ),
        min_size=1,
        max_size=10,
    ),
    st.booleans(),
)
def test_to_number_cleans_only_what_is_not_plain_and_gives_the_same(cells, integer):
    series = pd.Series(cells, dtype="str", index=range(5, 5 + len(cells)))
    values, bad = _to_number(series, integer=integer)
    ref_values, ref_bad = _to_number_reference(series, integer=integer)
    pd.testing.assert_series_equal(values, ref_values, check_exact=True)
    pd.testing.assert_series_equal(bad, ref_bad, check_exact=True, check_names=False)
    plain = plain_cells(series)
    assert (_clean_text(series)[plain] == series[plain]).all()  # what the fast path assumes


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"abc",
        "名称,年度".encode(),
        "𝔘x".encode(),
        b"\xed\xa0\x80",  # a surrogate
        b"\xc0\xaf",  # overlong
        b"\xf4\x90\x80\x80",  # above U+10FFFF
        b"\xe4\xb8",  # cut character
        b"\xff\xfe\x41\x00",  # UTF-16 BOM
        "名称".encode("gbk"),
        b"\xef\xbb\xbfab",
    ],
)
def test_is_utf8_agrees_with_python_decoding(raw):
    for start in range(len(raw) + 1):
        try:
            raw[start:].decode("utf-8")
        except UnicodeDecodeError:
            expected = False
        else:
            expected = True
        assert is_utf8(raw, start) is expected, (raw, start)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40))
def test_is_utf8_agrees_with_python_decoding_on_any_bytes(raw):
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        expected = False
    else:
        expected = True
    assert is_utf8(raw) is expected


def test_decode_head_is_the_first_characters():
    raw = ("中a𝔘\n" * 60).encode()
    for start in (0, 3):
        for n in range(0, 250, 7):
            assert decode_head(raw, start, n) == raw[start:].decode("utf-8")[:n]


# --- text -------------------------------------------------------------------------------------


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


# --- overlap bound ----------------------------------------------------------------------------


def _random_polygons(rng: np.random.Generator, n: int) -> np.ndarray:
    out = []
    for _ in range(n):
        cx, cy = rng.uniform(0, 100, 2)
        k = int(rng.integers(3, 12))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        r = rng.uniform(5, 40, k)
        poly = shapely.Polygon(np.c_[cx + r * np.cos(ang), cy + r * np.sin(ang)])
        out.append(poly if poly.is_valid else shapely.make_valid(poly))
    out.append(shapely.box(0, 0, 50, 50).difference(shapely.box(10, 10, 20, 20)))  # a hole
    out.append(shapely.MultiPolygon([shapely.box(0, 0, 5, 5), shapely.box(30, 30, 40, 40)]))
    out.append(shapely.Polygon())
    return np.array(out, dtype=object)


def test_overlap_bound_is_never_below_the_exact_area():
    rng = np.random.default_rng(7)
    geoms = _random_polygons(rng, 400)
    left, right = shapely.STRtree(geoms).query(geoms)
    bound = _overlap_upper_bounds(geoms, left, right)
    exact = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    assert (bound >= exact * (1 - 1e-9) - 1e-9).all()
    assert np.isinf(bound[right == len(geoms) - 2]).all()  # multi-part: no cheap bound


def test_overlap_bound_of_neighbours_is_zero_and_of_overlaps_at_least_the_area():
    geoms = np.array(
        [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0.5, 0.5, 1.5, 1.5)]
    )
    bound = _overlap_upper_bounds(geoms, np.array([0, 0, 1]), np.array([1, 2, 2]))
    assert bound[0] == 0.0  # neighbours sharing an edge
    assert (bound[1:] >= 0.25).all()  # the overlaps are 0.25 each
    assert (bound[1:] <= 0.5).all()


def test_padded_rings_of_a_polygon_with_a_hole_are_its_exterior():
    holed = shapely.box(0, 0, 50, 50).difference(shapely.box(10, 10, 20, 20))
    geoms = np.array([holed, shapely.box(0, 0, 1, 2), None, shapely.Polygon()], dtype=object)
    rings, counts = _padded_rings(geoms, hull=False)
    assert counts.tolist() == [4, 4, 0, 0]
    exterior = shapely.get_coordinates(shapely.get_exterior_ring(holed))[:4]
    assert np.array_equal(rings[0, :4], exterior)

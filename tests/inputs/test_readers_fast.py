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
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.inputs.aliases import normalize_value
from landeval.inputs.arrowtext import (
    at_rows,
    cells_with_bytes,
    first_bytes,
    last_bytes,
    rows_of,
)
from landeval.inputs.canonical import (
    _MISSING_TOKENS,
    PY_WHITESPACE,
    _clean_text,
    _empty,
    _map_values,
    _normalise_code,
    _on_subset,
    _strip_separators,
    _to_number,
    has_space,
    missing_token_cells,
    nfkc,
    parse_numbers,
    plain_cells,
    strip,
)
from landeval.inputs.encoding import decode_head, is_utf8
from landeval.inputs.tables import (
    _TOTAL_WORDS,
    _blank,
    _drop_totals_and_blanks,
    _is_total_label,
    _read_csv_arrow,
    _read_csv_pandas,
    _total_labels,
    read_raw_table,
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


@pytest.mark.slow
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


@pytest.mark.slow
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


# --- byte-level text checks (round 4) ---------------------------------------------------------

_TEXT_CELL = st.one_of(
    st.none(),
    st.text(
        alphabet=st.sampled_from(
            list("aA9 .,-tTsSgG\t\r\n\x1c\x0b中合计总　\u2003\xa0\x85ＡｎｕＬ/#—无空İK")
        ),
        max_size=8,
    ),
)


def _chunked(cells: list[str | None], sliced: bool) -> pa.ChunkedArray:
    """Cells as a ChunkedArray of several chunks; ``sliced`` makes chunks that are slices."""
    arr = pa.array(["pad", *cells, "pad"] if sliced else cells, type=pa.large_string())
    if sliced:
        arr = arr.slice(1, len(cells))
    cut = len(cells) // 2
    return pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], type=pa.large_string())


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT_CELL, max_size=12), st.booleans())
def test_byte_checks_equal_arrow_kernels(cells, sliced):
    arr = _chunked(cells, sliced)
    for chars in (".", ", ", "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "):
        want = np.zeros(len(cells), dtype=bool)
        for c in chars:
            want |= np.asarray(pc.match_substring(arr, c).fill_null(False).to_numpy(), bool)
        assert (cells_with_bytes(arr, chars.encode()) == want).all()
    data = [c.encode() if c else b"" for c in cells]
    assert first_bytes(arr).tolist() == [d[0] if d else 0 for d in data]
    assert last_bytes(arr).tolist() == [d[-1] if d else 0 for d in data]
    assert strip(arr).to_pylist() == pc.utf8_trim_whitespace(arr).to_pylist()
    lowered = pc.utf8_lower(arr).to_pylist()
    want = [v is not None and v in _MISSING_TOKENS for v in lowered]
    assert missing_token_cells(arr).tolist() == want
    with pytest.raises(ValueError, match="ASCII"):
        cells_with_bytes(arr, "中".encode())


def test_rows_of_takes_few_rows_and_uses_all_for_many():
    arr = pa.chunked_array([pa.array([f"c{i}" for i in range(20)], type=pa.large_string())])
    for rows in (np.array([3, 7]), np.arange(1, 20)):
        cells = rows_of(arr, rows)
        found = pc.equal(cells, "c7")
        assert at_rows(found, rows, len(arr)).tolist() == [r == 7 for r in rows]
    assert rows_of(arr, np.arange(1, 20)) is arr


@pytest.mark.slow
def test_missing_tokens_lower_to_as_many_characters():
    # The length bound of missing_token_cells: no character lowers into a token character
    # with another length (İ → i and K → k lower to letters no token has).
    token_chars = set("".join(_MISSING_TOKENS))
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        low = pc.utf8_lower(pa.array([ch])).to_pylist()[0] if code > 0x7F else ch.lower()
        if low in token_chars:
            assert len(low) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT_CELL, max_size=12))
def test_clean_text_equals_the_pandas_reference(cells):
    series = pd.Series(cells, dtype="str", index=range(3, 3 + len(cells)))
    text = nfkc(series).str.strip()
    want = text.mask(text.str.lower().isin(_MISSING_TOKENS))
    pd.testing.assert_series_equal(_clean_text(series), want, check_exact=True)
    codes = _normalise_code(
        _clean_text(series), series, col="uscc", layer="firms", rows=None, source="x"
    )
    ref = _clean_text(series).str.replace(r"\s+", "", regex=True).str.upper()
    pd.testing.assert_series_equal(codes[0], ref, check_exact=True)
    written = series.str.strip()
    changed = ((written != ref).fillna(False).astype(bool) & ref.notna()).any()
    assert bool(codes[1]) == bool(changed)


def test_plain_cells_equal_the_regex_on_mixed_columns():
    for cells in (
        _EDGE_NUMBERS,
        ["2023"] * 10 + ["12.5"],  # few cells left for the regex
        ["1.5"] * 10 + ["7"],  # most cells left for the regex
        ["12", "-3", "1.5", "١٢", "１２", " 1", "1 ", "0.5.1", "--1", "1-"],
    ):
        series = pd.Series(cells, dtype="str")
        want = series.str.fullmatch(r"-?[0-9]+(\.[0-9]+)?").fillna(False).astype(bool)
        assert (plain_cells(series).to_numpy() == want.to_numpy()).all(), cells


def test_empty_columns_and_value_aliases_equal_the_plain_pandas_ones():
    index = pd.RangeIndex(2, 5)
    for kind, dtype in [("str", "str"), ("float", "float64"), ("int", "Int64")]:
        want = pd.Series([None] * 3, index=index, dtype=dtype)
        pd.testing.assert_series_equal(_empty(kind, 3, index), want)
    want = pd.Series([None] * 3, index=index, dtype="datetime64[ns]")
    pd.testing.assert_series_equal(_empty("date", 3, index), want)
    pd.testing.assert_series_equal(_empty("str", 0, pd.RangeIndex(0)), pd.Series([], dtype="str"))
    series = pd.Series(
        ["规上", None, "below", "规下", "other", "规上"], dtype="str", index=index.append(index)
    )
    aliases = {"规上": "above", "规模以下": "below", "规下": "below"}
    keys = {normalize_value(k): v for k, v in aliases.items()}
    want = series.map(lambda v: keys.get(normalize_value(v), v) if isinstance(v, str) else v)
    pd.testing.assert_series_equal(_map_values(series, aliases), want.astype("str"))


def test_total_labels_found_after_the_first_byte_filter():
    cells = pd.Series(
        ["Grand\u3000Total", "grand total", "\ttotal", "Sum", "2023", "9133", "合计", None, ""],
        dtype="str",
    )
    want = _total_labels(cells).isin(_TOTAL_WORDS).to_numpy()
    assert (_is_total_label(cells) == want).all()
    assert want[[2, 3, 6]].all()


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

"""Text encodings: UTF-8 checks, CSV decoding, shapefile code pages."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landeval.inputs.encoding import decode_head, decode_text, is_utf8, shapefile_encoding
from tests._messy import MESSY


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


def test_cpg_and_ldid_are_honoured(tmp_path):
    for name in ("parcels_gbk.shp", "parcels_gbk.shx", "parcels_gbk.dbf", "parcels_gbk.prj"):
        shutil.copy(MESSY / "parcels_gbk" / name, tmp_path / name)
    shp = tmp_path / "parcels_gbk.shp"
    dbf = bytearray(shp.with_suffix(".dbf").read_bytes())
    dbf[29] = 0x4D  # LDID 77 = GBK
    shp.with_suffix(".dbf").write_bytes(bytes(dbf))
    enc, how, _wrong = shapefile_encoding(shp)
    assert (enc, "LDID 77" in how) == ("gbk", True)
    shp.with_suffix(".cpg").write_text("936", encoding="ascii")
    enc, how, _wrong = shapefile_encoding(shp)
    assert (enc, ".cpg" in how) == ("gbk", True)

"""Text encodings of bureau files: UTF-8 (± BOM), GBK, GB18030, and shapefile code pages.

Chinese offices still produce GBK files (Excel "CSV" on a Chinese Windows, ArcGIS
shapefiles without a .cpg). A wrongly decoded name is a bug, so the decision is made on the
bytes: UTF-8 when they decode as UTF-8 (the encoding that almost never decodes by accident),
else GB18030 (a superset of GBK and GB2312), else what charset-normalizer finds.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import BinaryIO, NamedTuple

import charset_normalizer
import numpy as np
import pyarrow as pa

from landeval.errors import DataError

_LDID_CODEPAGES: dict[int, str] = {
    # DBF language driver ids (byte 29 of the header) that name an East Asian code page.
    0x4D: "gbk",  # 77: Chinese GBK (PRC), code page 936
    0x7A: "gbk",  # 122: code page 936 in ESRI's table
    0x4F: "big5",  # 79: Chinese Big5 (Taiwan), code page 950
    0x78: "big5",  # 120: code page 950 in ESRI's table
    0x57: "",  # 87: "current ANSI code page": says nothing, detect instead
}

_CPG_NAMES: dict[str, str] = {
    "936": "gbk",
    "cp936": "gbk",
    "gbk": "gbk",
    "gb2312": "gb18030",  # decode GB2312 as its superset, so rare characters survive
    "gb18030": "gb18030",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "65001": "utf-8",
    "950": "big5",
    "big5": "big5",
}


def label(encoding: str) -> str:
    """A user-facing name for an encoding (``gbk`` → ``GBK``, ``utf-8-sig`` → ``UTF-8 (BOM)``)."""
    names = {
        "utf-8-sig": "UTF-8 (BOM)",
        "utf-8": "UTF-8",
        "utf-16": "UTF-16",
        "gb18030": "GB18030",
        "gbk": "GBK",
    }
    return names.get(encoding, encoding.upper())


def is_utf8(raw: bytes, start: int = 0) -> bool:
    """Whether ``raw[start:]`` is valid UTF-8, without building a Python string.

    Gives what ``raw[start:].decode("utf-8", errors="strict")`` succeeding would say (Arrow's
    validator follows the same standard: no overlong forms, surrogates or code points above
    U+10FFFF), about four times faster and without the copy: a million-row CSV is hundreds
    of megabytes, and only its first lines are needed as text.
    """
    size = len(raw) - start
    if size <= 0:
        return True
    # One binary value over the file's bytes (no copy); the cast to text validates it.
    offsets = pa.py_buffer(np.array([start, len(raw)], dtype=np.int64).tobytes())
    value = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), 1, [None, offsets, pa.py_buffer(raw)]
    )
    try:
        value.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def decode_head(raw: bytes, start: int, n_chars: int) -> str:
    """The first ``n_chars`` characters of ``raw[start:]``, which must be valid UTF-8.

    Equal to ``raw[start:].decode("utf-8")[:n_chars]`` but decodes at most ``4 * n_chars``
    bytes (a character takes at most four), cut back to the start of a character.
    """
    end = start + 4 * n_chars
    if end >= len(raw):
        return raw[start:].decode("utf-8")[:n_chars]
    while raw[end] & 0xC0 == 0x80:  # a continuation byte: inside a character
        end -= 1
    return raw[start:end].decode("utf-8")[:n_chars]


def decode_text(raw: bytes, *, what: str) -> tuple[str, str]:
    """Decode the bytes of a text file; return ``(text, encoding)``.

    Parameters
    ----------
    raw : bytes
        The whole file.
    what : str
        The file, for the error message.

    Raises
    ------
    DataError
        No encoding decodes the bytes.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export; the BOM says which byte order.
        try:
            return raw.decode("utf-16", errors="strict"), "utf-16"
        except UnicodeDecodeError:
            msg = f"{what}: 文件以 UTF-16 标记开头, 但内容无法按 UTF-16 解码"
            raise DataError(msg) from None
    for enc in ("utf-8", "gbk", "gb18030"):
        try:
            return raw.decode(enc, errors="strict"), enc
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        msg = f"{what}: 无法识别文本编码 (不是 UTF-8、GBK 或 GB18030)"
        raise DataError(msg)
    return str(best), best.encoding


class ShapefileEncoding(NamedTuple):
    """How to decode a shapefile's attribute text, and how that was decided."""

    encoding: str | None
    """The encoding to pass to pyogrio (None: all text is ASCII, nothing to decide)."""
    how: str
    """How it was decided, for the finding."""
    declared_wrong: bool = False
    """The .cpg or the DBF language byte named an encoding the text is not in."""


def shapefile_encoding(path: Path) -> ShapefileEncoding:
    """Decide the text encoding of a shapefile's DBF.

    Order: the ``.cpg`` file; the DBF language driver id (LDID 77 = GBK…); detection on the
    raw DBF bytes (field names and up to ~2 MB of records: UTF-8 if they decode as UTF-8,
    else GBK, else GB18030). A declared encoding is checked against those bytes: when they
    do not decode in it (a .cpg saying UTF-8 over GBK text, common after copying between
    tools), or when a legacy code page is declared over text that is valid UTF-8, the
    bytes decide and ``declared_wrong`` is set.
    """
    cpg = _sidecar(path, ".cpg")
    dbf = _sidecar(path, ".dbf")
    cpg_text = cpg.read_text(encoding="ascii", errors="ignore") if cpg is not None else None
    if dbf is None:
        return decide_shapefile_encoding(cpg_text, None)
    with dbf.open("rb") as fh:
        return decide_shapefile_encoding(cpg_text, fh)


def zipped_shapefile_encoding(archive: Path, member: str) -> ShapefileEncoding:
    """:func:`shapefile_encoding` of the shapefile ``member`` (``x/parcels.shp``) of a zip."""
    with zipfile.ZipFile(archive) as zf:
        names = {n.lower(): n for n in zf.namelist()}
        stem = member[: -len(".shp")] if member.lower().endswith(".shp") else member
        cpg_name = names.get(f"{stem}.cpg".lower())
        dbf_name = names.get(f"{stem}.dbf".lower())
        cpg_text = (
            zf.read(cpg_name).decode("ascii", errors="ignore") if cpg_name is not None else None
        )
        if dbf_name is None:
            return decide_shapefile_encoding(cpg_text, None)
        with zf.open(dbf_name) as fh:
            return decide_shapefile_encoding(cpg_text, fh)


def decide_shapefile_encoding(cpg_text: str | None, dbf: BinaryIO | None) -> ShapefileEncoding:
    """The decision of :func:`shapefile_encoding` from a .cpg's text and the open DBF."""
    sample, ldid = _dbf_sample(dbf) if dbf is not None else (None, None)
    declared, said = None, ""
    if cpg_text is not None:
        name = cpg_text.strip().lower()
        declared = _CPG_NAMES.get(name, name) or None
        said = f".cpg 文件声明 {name}"
    if declared is None and ldid is not None and _LDID_CODEPAGES.get(ldid):
        declared = _LDID_CODEPAGES[ldid]
        said = f"DBF 语言驱动标识 LDID {ldid} = {label(declared)}"
    if declared is not None:
        if sample is None or sample.isascii():
            return ShapefileEncoding(declared, said)
        if _decodes(sample, declared) and not (declared != "utf-8" and _decodes(sample, "utf-8")):
            return ShapefileEncoding(declared, said)
        detected, how = _detect(sample)
        if _decodes(sample, declared):
            wrong = f"{said}, 但属性文本是有效的 UTF-8"
        else:
            wrong = f"{said}, 但属性文本无法按 {label(declared)} 解码"
        return ShapefileEncoding(detected, f"{wrong}; {how}", declared_wrong=True)
    if dbf is None or sample is None:
        return ShapefileEncoding(None, "无 .dbf" if dbf is None else "DBF 头不完整")
    if sample.isascii():
        return ShapefileEncoding(None, "DBF 中只有 ASCII 文本")
    detected, how = _detect(sample)
    return ShapefileEncoding(detected, f"无 .cpg/LDID, {how}")


def _dbf_sample(fh: BinaryIO) -> tuple[bytes | None, int | None]:
    """Field names and up to ~2 MB of records of a DBF, and its language driver id."""
    head = fh.read(32)
    if len(head) < 32:
        return None, None
    header_len, record_len = struct.unpack("<HH", head[8:12])
    ldid = head[29]
    descriptors = head + fh.read(max(header_len - 32, 0))
    sample_records = max(1, (2 << 20) // max(record_len, 1))
    records = fh.read(record_len * sample_records)
    names = b"".join(
        descriptors[i : i + 11].split(b"\x00", 1)[0]
        for i in range(32, len(descriptors) - 31, 32)
        if descriptors[i] != 0x0D
    )
    return names + b" " + records, ldid


def _detect(sample: bytes) -> tuple[str, str]:
    """UTF-8 when the bytes decode as UTF-8, else GBK, else GB18030; and how it was decided."""
    for enc in ("utf-8", "gbk"):
        if _decodes(sample, enc):
            return enc, f"按 DBF 字节检测为 {label(enc)}"
    return "gb18030", "按 DBF 字节检测为 GB18030"


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        _decode_fields(sample, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decode_fields(sample: bytes, encoding: str) -> None:
    # Fixed-width DBF fields may cut a multi-byte character at the end of a field; decode by
    # space-separated chunks and tolerate only a truncated tail of each chunk.
    for chunk in sample.split(b" "):
        if not chunk or chunk.isascii():
            continue
        try:
            chunk.decode(encoding, errors="strict")
        except UnicodeDecodeError as exc:
            if exc.start < len(chunk) - 3 or exc.reason != "unexpected end of data":
                raise


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None

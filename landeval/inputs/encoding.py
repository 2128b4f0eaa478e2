"""Text encodings of bureau files: UTF-8 (± BOM), GBK, GB18030, and shapefile code pages.

Chinese offices still produce GBK files (Excel "CSV" on a Chinese Windows, ArcGIS
shapefiles without a .cpg). A wrongly decoded name is a bug, so the decision is made on the
bytes: UTF-8 when they decode as UTF-8 (the encoding that almost never decodes by accident),
else GB18030 (a superset of GBK and GB2312), else what charset-normalizer finds.
"""

from __future__ import annotations

import struct
from pathlib import Path

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


def shapefile_encoding(path: Path) -> tuple[str | None, str]:
    """Decide the text encoding of a shapefile's DBF.

    Order: the ``.cpg`` file; the DBF language driver id (LDID 77 = GBK…); detection on the
    raw DBF bytes (field names and up to ~2 MB of records: UTF-8 if they decode as UTF-8,
    else GB18030).

    Returns
    -------
    (str or None, str)
        The encoding to pass to pyogrio (None: all text is ASCII, nothing to decide), and how
        it was decided (for the info finding).
    """
    cpg = _sidecar(path, ".cpg")
    if cpg is not None:
        name = cpg.read_text(encoding="ascii", errors="ignore").strip().lower()
        enc = _CPG_NAMES.get(name, name)
        if enc:
            return enc, f".cpg 文件声明 {name}"
    dbf = _sidecar(path, ".dbf")
    if dbf is None:
        return None, "无 .dbf"
    with dbf.open("rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return None, "DBF 头不完整"
        header_len, record_len = struct.unpack("<HH", head[8:12])
        ldid = head[29]
        enc = _LDID_CODEPAGES.get(ldid)
        if enc:
            return enc, f"DBF 语言驱动标识 LDID {ldid} = {label(enc)}"
        fh.seek(0)
        descriptors = fh.read(header_len)
        sample_records = max(1, (2 << 20) // max(record_len, 1))
        records = fh.read(record_len * sample_records)
    names = b"".join(
        descriptors[i : i + 11].split(b"\x00", 1)[0]
        for i in range(32, len(descriptors) - 31, 32)
        if descriptors[i] != 0x0D
    )
    sample = names + b" " + records
    if sample.isascii():
        return None, "DBF 中只有 ASCII 文本"
    try:
        _decode_fields(sample, "utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "无 .cpg/LDID, 按 DBF 字节检测为 UTF-8"
    try:
        _decode_fields(sample, "gbk")
    except UnicodeDecodeError:
        return "gb18030", "无 .cpg/LDID, 按 DBF 字节检测为 GB18030"
    return "gbk", "无 .cpg/LDID, 按 DBF 字节检测为 GBK"


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

"""Identifiers: 统一社会信用代码 (GB 32100-2015), 宗地代码 (GB/T 37346) and county codes."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# the Shaoxing county names are written once, in the vocabulary; re-exported here
from landeval.vocabulary import SHAOXING_COUNTIES, SHAOXING_LEGACY_COUNTIES  # noqa: F401

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a 统一社会信用代码 may use (no I, O, Z, S, V)."""

_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """Return the check character of a 统一社会信用代码 from its first 17 characters.

    Parameters
    ----------
    first17 : str
        The first 17 characters, over :data:`USCC_ALPHABET`.

    Returns
    -------
    str
        The 18th character.

    Examples
    --------
    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    if len(first17) != 17:
        msg = f"expected 17 characters, got {len(first17)}"
        raise ValueError(msg)
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    except KeyError as exc:
        msg = f"character {exc.args[0]!r} is not allowed in a 统一社会信用代码"
        raise ValueError(msg) from None
    check = 31 - total % 31
    return USCC_ALPHABET[0 if check == 31 else check]


def uscc_problem(code: str) -> str | None:
    """Say what is wrong with a 统一社会信用代码, or ``None`` when it is valid.

    Examples
    --------
    >>> uscc_problem("91350100M000100Y43") is None
    True
    >>> uscc_problem("91350100M000100Y44")
    '校验码错误: 应为 3, 实为 4'
    """
    if not isinstance(code, str) or len(code) != 18:
        n = len(code) if isinstance(code, str) else 0
        return f"长度应为18位, 实为{n}位"
    bad = sorted({c for c in code if c not in _USCC_VALUE})
    if bad:
        return f"含非法字符: {''.join(bad)}"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"校验码错误: 应为 {expected}, 实为 {code[17]}"
    return None


def is_valid_uscc(code: str) -> bool:
    """Return True when ``code`` is a well-formed 统一社会信用代码 with a correct check."""
    return uscc_problem(code) is None


# Each byte's value in USCC_ALPHABET (-1: not in it), for checking a column of codes at once.
_USCC_BYTE_VALUE = np.full(256, -1, dtype=np.int64)
_USCC_BYTE_VALUE[np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(
    len(USCC_ALPHABET)
)


def are_valid_uscc(codes: pd.Series) -> np.ndarray:
    """:func:`is_valid_uscc` of every code of a column, in numpy (missing: False).

    The codes of 18 ASCII characters are laid out as an ``(n, 18)`` byte matrix; the check
    character of all of them is one matrix product with the weights.

    Examples
    --------
    >>> are_valid_uscc(pd.Series(["91350100M000100Y43", "91350100M000100Y44", None]))
    array([ True, False, False])
    """
    ok = np.zeros(len(codes), dtype=bool)
    text = codes.astype("str")
    candidate = ((text.str.len() == 18) & text.str.isascii()).fillna(False).to_numpy(dtype=bool)
    if not candidate.any():
        return ok
    raw = "".join(text[candidate].tolist()).encode("ascii")
    values = _USCC_BYTE_VALUE[np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)]
    check = (31 - (values[:, :17] @ np.array(_USCC_WEIGHTS)) % 31) % 31
    good = (values >= 0).all(axis=1) & (values[:, 17] == check)
    ok[np.flatnonzero(candidate)[good]] = True
    return ok


@dataclass(frozen=True)
class ParcelCode:
    """The parts of a 19-character 宗地代码 (GB/T 37346)."""

    county_code: str
    cadastral_district: str
    cadastral_subdistrict: str
    ownership: str
    kind: str
    number: str


_PARCEL_CODE_PARTS = r"(\d{6})(\d{3})(\d{3})([GJZ])([A-Z])(\d{5})"
_PARCEL_CODE = re.compile(rf"^{_PARCEL_CODE_PARTS}$")
# The same for Arrow's RE2 matcher, on whole cells: 19 characters, or 28 whose first 19 are
# a 宗地代码. (RE2's \d is ASCII only; codes are NFKC-normalised when loaded.)
_PARCEL_CODE_CELL = rf"^{_PARCEL_CODE_PARTS}(?:.{{9}})?$"


def parse_parcel_code(code: str) -> ParcelCode | None:
    """Parse a 宗地代码 or the first 19 characters of a 28-character 不动产单元代码.

    Returns ``None`` when the code does not follow GB/T 37346; such codes are allowed in
    landeval and only noted.

    Examples
    --------
    >>> parse_parcel_code("330603001002GB00042").kind
    'B'
    """
    if not isinstance(code, str) or len(code) not in (19, 28):
        return None
    m = _PARCEL_CODE.match(code[:19])
    return ParcelCode(*m.groups()) if m else None


def are_parcel_codes(codes: pd.Series) -> np.ndarray:
    """``parse_parcel_code(c) is not None`` for every code of a column, through Arrow.

    Examples
    --------
    >>> are_parcel_codes(pd.Series(["330603001002GB00042", "P1"]))
    array([ True, False])
    """
    if codes.empty:
        return np.zeros(0, dtype=bool)
    arr = pa.array(codes.astype("str"))
    ok = pc.match_substring_regex(arr, _PARCEL_CODE_CELL).fill_null(False)
    return ok.to_numpy(zero_copy_only=False)

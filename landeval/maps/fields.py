"""Parcel attributes as the maps show them: normalised flags, categories and popup labels."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from landeval.maps.layers import PopupField
from landeval.vocabulary import Language, column_header

SHOWN_AS: dict[str, str] = {"flags": "flag_names", "treatment": "treatment_name"}
"""Columns the popups show by their labels: the vocabulary key of what is shown."""

PARCEL_SEARCH = ("parcel_id", "main_name", "occupant_names")
PARCEL_TOOLTIP = ("parcel_id", "main_name")
PARCEL_POPUP = [
    ("county_name", "text"),
    ("platform_name", "text"),
    ("area_mu", "num2"),
    ("occupant_names", "text"),
    ("class", "class"),
    ("tax_per_mu", "num2"),
    ("va_per_mu", "num2"),
    ("far", "num2"),
    ("coverage", "pct"),
    ("flags", "flags"),
]
"""Popup rows every parcel layer shows (field, format); a map may add its own after them."""
_FLAG_SPLIT = r"[,;，；、|\s]+"


def popup_fields(lang: Language, spec: list[tuple[str, str]]) -> list[PopupField]:
    """Popup rows for parcel columns: (column, format) pairs labelled by the vocabulary."""
    out = []
    for column, fmt in spec:
        fallback = "main_name" if column == "occupant_names" else None
        header = column_header(SHOWN_AS.get(column, column), lang)
        out.append(PopupField(header, column, fmt, fallback))
    return out


def parcel_attributes(attributes: pd.DataFrame) -> pd.DataFrame:
    """Parcel columns as the maps show them (a new frame).

    ``flags`` becomes comma-joined codes whatever its input form (list or delimited text);
    ``idle`` and the efficiency category ``cat`` (IDLE, A–D, T or NONE) are added;
    ``occupant_names`` is blanked where it only repeats ``main_name`` (the popup falls back
    to it), which keeps large maps small.
    """
    out = attributes.copy()
    flags = out["flags"] if "flags" in out.columns else pd.Series([None] * len(out))
    index, uniques = pd.factorize(flags.astype(object).map(_hashable))
    parsed = [_flag_codes(v) for v in uniques.tolist()]  # parse each distinct value once
    codes = [parsed[i] if i >= 0 else [] for i in index.tolist()]
    out["flags"] = [",".join(c) if c else None for c in codes]
    out["idle"] = ["IDLE" in c for c in codes]
    cls = out["class"].astype(object) if "class" in out.columns else pd.Series([None] * len(out))
    cats = []
    for idle, c in zip(out["idle"], cls.tolist(), strict=True):
        if idle:
            cats.append("IDLE")
        elif isinstance(c, str) and c in {"A", "B", "C", "D", "T"}:
            cats.append(c)
        else:
            cats.append("NONE")
    out["cat"] = cats
    if "occupant_names" in out.columns and "main_name" in out.columns:
        same = out["occupant_names"].astype(object).eq(out["main_name"].astype(object))
        out["occupant_names"] = out["occupant_names"].astype(object).where(~same.fillna(False))
    return out


def _hashable(value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return tuple(str(v) for v in value)
    return value


def _flag_codes(value: object) -> list[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [c for c in re.split(_FLAG_SPLIT, value) if c]
    return [str(c) for c in value]

"""Parcel attributes as the maps show them: normalised flags, categories and popup labels."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from landeval.maps.encode import ColumnKind
from landeval.maps.layers import PopupField
from landeval.vocabulary import Language, column_header, land_use_label

SHOWN_AS: dict[str, str] = {
    "flags": "flag_names",
    "treatment": "treatment_name",
    "land_use_text": "land_use",
    "planned_use_text": "planned_use",
    "status": "class",
    "proposed_treatment": "proposed",
}
"""Columns the popups show by their labels (or in place of another): the vocabulary key."""

PARCEL_SEARCH = (
    "parcel_id",
    "main_name",
    "occupant_names",
    "main_uscc",
    "owner_names",
    "user_names",
    "location",
)
"""What the search box matches in the parcels: code, firms, USCC, holders, location."""
PARCEL_TOOLTIP = ("parcel_id", "main_name")
PARCEL_POPUP = [
    ("county_name", "text"),
    ("township", "text"),
    ("location", "text"),
    ("platform_name", "text"),
    ("area_mu", "num2"),
    ("owner_names", "text"),
    ("user_names", "text"),
    ("occupant_names", "text"),
    ("main_uscc", "text"),
    ("status", "class"),  # a closed main occupant's status in place of the class
    ("tax_per_mu", "num2"),
    ("va_per_mu", "num2"),
    ("far", "num2"),
    ("coverage", "pct"),
    ("flags", "flags"),
    ("land_use_text", "text"),
    ("planned_use_text", "text"),
]
"""Popup rows every parcel layer shows (field, format); a map may add its own after them.
Rows whose column the parcels lack are left out; an empty cell shows no row."""

PARCEL_KINDS: dict[str, ColumnKind] = {
    "parcel_id": "text",
    "county_name": "text",
    "township": "text",
    "location": "text",
    "platform_name": "text",
    "tier": "text",
    "area_mu": "num2",
    "owner_names": "text",
    "user_names": "text",
    "main_name": "text",
    "main_uscc": "text",
    "occupant_names": "text",
    "class": "text",
    "status": "text",
    "treatment": "text",
    "land_use_text": "text",
    "planned_use_text": "text",
}
"""Columns every page's parcels carry when present: the popup, filters, search and export."""
_FLAG_SPLIT = r"[,;，；、|\s]+"
LAND_STATE_FLAGS: tuple[str, ...] = ("IDLE_LAND", "STOPPED")
"""Flags that say more about the land than its occupant's class: a parcel with one of them is
drawn in that category on the efficiency map (闲置土地 before 停产), whatever its class."""
UNCLASSED_FLAGS: tuple[str, ...] = ("VACANT",)
"""Flags that name the category of a parcel without a class (mostly vacant land)."""
CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "T")


def popup_fields(lang: Language, spec: list[tuple[str, str]]) -> list[PopupField]:
    """Popup rows for parcel columns: (column, format) pairs labelled by the vocabulary."""
    out = []
    for column, fmt in spec:
        fallback = {"occupant_names": "main_name", "status": "class"}.get(column)
        header = column_header(SHOWN_AS.get(column, column), lang)
        out.append(PopupField(header, column, fmt, fallback))
    return out


def parcel_columns(attributes: pd.DataFrame, own: dict[str, ColumnKind]) -> dict[str, ColumnKind]:
    """The parcel columns a page ships: its own, and those of :data:`PARCEL_KINDS` present."""
    shared = {c: k for c, k in PARCEL_KINDS.items() if c in attributes.columns}
    return {**shared, **own}


def parcel_attributes(attributes: pd.DataFrame, *, lang: Language = "zh") -> pd.DataFrame:
    """Parcel columns as the maps show them (a new frame).

    ``flags`` becomes comma-joined codes whatever its input form (list or delimited text);
    the efficiency category ``cat`` is added (IDLE_LAND or STOPPED when the parcel has that
    flag, else its class A–D or T, else VACANT when mostly vacant, else NONE), and the
    land uses with their names (``land_use_text``: 100103 三类工业用地); ``occupant_names``
    is blanked where it only repeats ``main_name`` (the popup falls back to it), which
    keeps large maps small; a status is kept only where it says the occupant is closed.
    """
    out = attributes.copy()
    flags = out["flags"] if "flags" in out.columns else pd.Series([None] * len(out))
    index, uniques = pd.factorize(flags.astype(object).map(_hashable))
    parsed = [_flag_codes(v) for v in uniques.tolist()]  # parse each distinct value once
    codes = [parsed[i] if i >= 0 else [] for i in index.tolist()]
    out["flags"] = [",".join(c) if c else None for c in codes]
    # the category of each distinct flag set, then of each parcel with its class
    state = np.array([_first_of(p, LAND_STATE_FLAGS) for p in parsed] + [None], dtype=object)
    unclassed = np.array([_first_of(p, UNCLASSED_FLAGS) for p in parsed] + [None], dtype=object)
    cls = out["class"].astype(object) if "class" in out.columns else pd.Series([None] * len(out))
    classed = cls.where(cls.isin(CLASSES), None).to_numpy(dtype=object)
    cat = np.where(pd.isna(state[index]), classed, state[index])
    cat = np.where(pd.isna(cat), unclassed[index], cat)
    out["cat"] = np.where(pd.isna(cat), "NONE", cat).astype(object)
    for column in ("land_use", "planned_use"):
        if column in out.columns:
            out[f"{column}_text"] = _with_names(out[column], lang)
    if "occupant_names" in out.columns and "main_name" in out.columns:
        same = out["occupant_names"].astype(object).eq(out["main_name"].astype(object))
        out["occupant_names"] = out["occupant_names"].astype(object).where(~same.fillna(False))
    return out


def _first_of(codes: list[str], wanted: tuple[str, ...]) -> str | None:
    """The first of ``wanted`` among ``codes`` (in the order of ``wanted``), else None."""
    return next((c for c in wanted if c in codes), None)


def _with_names(codes: pd.Series, lang: Language) -> list[str | None]:
    """Each land-use code with the name of its class (once per distinct code)."""
    index, uniques = pd.factorize(codes.astype(object))
    shown = []
    for code in uniques.tolist():
        name = land_use_label(code, lang) if isinstance(code, str) else None
        shown.append(f"{code} {name}" if name else str(code))
    return [shown[i] if i >= 0 else None for i in index.tolist()]


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

"""Class transitions of firms and parcels from last year to this (DESIGN §11).

- :func:`class_transitions`: one row per firm evaluated in either year (by 统一社会信用代码)
  and per parcel of either year (matched by :mod:`.match`), with last year's and this
  year's class, and for parcels the final treatments (the review's where it decided);
- :func:`transition_matrix`: how many moved from each class to each, per county and for
  the city ("D→C 12, C→B 30 …"), with their area;
- :func:`transition_summary`: the moves between classes A–D in words, most frequent first.

A parcel split in two passes last year's class and treatment to both parts; a parcel merged
from several takes those of the one that held most of its land (``prev_id`` lists them all).

Examples
--------
>>> matrix = pd.DataFrame({"level": "firm", "county_code": "city",
...     "prev_class": ["D", "C", "B", "B"], "class": ["B", "B", "B", "C"],
...     "n": [2, 30, 900, 12], "area_mu": float("nan")})
>>> transition_summary(matrix, level="firm")
'升档 32（C→B 30、D→B 2），降档 12（B→C 12）'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.monitoring.match import by_current
from landeval.vocabulary import CITY, Language

TRANSITION_COLUMNS: list[str] = [
    "level",
    "id",
    "prev_id",
    "county_code",
    "prev_class",
    "class",
    "prev_treatment",
    "treatment",
    "match",
    "overlap_share",
    "area_mu",
]
"""Columns of ``class_transitions``: level (firm or parcel), id (统一社会信用代码 or this
year's 宗地代码; missing for a parcel of last year no parcel of this year matches), prev_id
(last year's code; several joined by "、" for a merged parcel), county_code, prev_class,
class, prev_treatment and treatment (parcels: the final treatments), match and overlap_share
(parcels: see :mod:`landeval.monitoring.match`), area_mu (this year's, last year's where
this year has none: a parcel's area, the land a firm uses)."""

MATRIX_COLUMNS: list[str] = ["level", "county_code", "prev_class", "class", "n", "area_mu"]
"""Columns of ``class_matrix``: per level, county (and ``city``), last year's and this
year's class (missing: not in that year), the count and this year's area (亩; parcels: the
parcel, firms: the land they use; last year's where this year has none)."""

_RANK = {"A": 0, "B": 1, "C": 2, "D": 3}

_WORDS = {
    "zh": ("升档", "降档", "、", "（", "）", "，"),
    "en": ("up", "down", ", ", " (", ")", "; "),
}


def class_transitions(
    *,
    prev_firms: pd.DataFrame,
    firms: pd.DataFrame,
    prev_parcels: pd.DataFrame,
    parcels: pd.DataFrame,
    links: pd.DataFrame,
) -> pd.DataFrame:
    """Firms' and parcels' classes last year and this year.

    Parameters
    ----------
    prev_firms, firms : DataFrame
        Last year's and this year's firm rows of their evaluation year: uscc, county_code,
        class (the final class), optionally land_mu.
    prev_parcels, parcels : DataFrame
        Last year's and this year's parcel_eval: parcel_id, county_code, class, treatment,
        optionally final_treatment and area_mu.
    links : DataFrame
        :func:`landeval.monitoring.match.link_parcels` of the two.

    Returns
    -------
    DataFrame
        :data:`TRANSITION_COLUMNS`: firms (sorted by county, uscc), then parcels (this
        year's by county and code, then last year's that nothing matches).
    """
    return pd.concat(
        [_firm_rows(prev_firms, firms), _parcel_rows(prev_parcels, parcels, links)],
        ignore_index=True,
    )[TRANSITION_COLUMNS]


def transition_matrix(transitions: pd.DataFrame) -> pd.DataFrame:
    """Counts (and area) from each class to each, per level and county, then the city.

    Parameters
    ----------
    transitions : DataFrame
        :func:`class_transitions` (its ``area_mu``: a missing area counts as none).

    Returns
    -------
    DataFrame
        :data:`MATRIX_COLUMNS`, sorted by level, county (the city last), classes.
    """
    frame = pd.DataFrame(
        {
            "level": transitions["level"].astype("string"),
            "county_code": transitions["county_code"].astype("string"),
            "prev_class": transitions["prev_class"].astype("string"),
            "class": transitions["class"].astype("string"),
            "area_mu": pd.to_numeric(transitions["area_mu"], errors="coerce"),
        }
    )
    keys = ["level", "county_code", "prev_class", "class"]
    county = frame.groupby(keys, dropna=False, sort=False).agg(
        n=("level", "size"), area_mu=("area_mu", lambda s: s.sum(min_count=1))
    )
    city = (
        frame.assign(county_code=CITY)
        .groupby(keys, dropna=False, sort=False)
        .agg(n=("level", "size"), area_mu=("area_mu", lambda s: s.sum(min_count=1)))
    )
    out = pd.concat([county, city]).reset_index()
    out["n"] = out["n"].astype("int64")
    order = np.lexsort(
        (
            out["class"].fillna("~").to_numpy(dtype=str),
            out["prev_class"].fillna("~").to_numpy(dtype=str),
            out["county_code"].fillna("").to_numpy(dtype=str),
            (out["county_code"] == CITY).to_numpy(dtype=bool),
            out["level"].to_numpy(dtype=str),
        )
    )
    return out.iloc[order].reset_index(drop=True)[MATRIX_COLUMNS]


def transition_summary(
    matrix: pd.DataFrame,
    *,
    level: str,
    county: str = CITY,
    lang: Language = "zh",
    shown: int = 4,
) -> str:
    """The moves between classes A–D of one level and county in words, most frequent first.

    Empty when no firm or parcel of that level changed class.
    """
    rows = matrix[(matrix["level"] == level) & (matrix["county_code"] == county)]
    rows = rows[rows["prev_class"].isin(list(_RANK)) & rows["class"].isin(list(_RANK))]
    step = rows["prev_class"].map(_RANK) - rows["class"].map(_RANK)
    up, down, sep, lb, rb, between = _WORDS[lang]
    parts = []
    for word, found in ((up, rows[step > 0]), (down, rows[step < 0])):
        if found.empty:
            continue
        moved = found.sort_values(["n", "prev_class", "class"], ascending=[False, True, True])
        cells = moved[["prev_class", "class", "n"]].to_numpy(dtype=object)
        pairs = [f"{p}→{c} {int(n)}" for p, c, n in cells]
        more = "…" if len(pairs) > shown else ""
        parts.append(f"{word} {int(moved['n'].sum())}{lb}{sep.join(pairs[:shown])}{more}{rb}")
    return between.join(parts)


def _firm_rows(prev_firms: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    prev = _by_key(prev_firms, "uscc")
    now = _by_key(firms, "uscc")
    ids = now.index.union(prev.index)
    county = now["county_code"].reindex(ids).fillna(prev["county_code"].reindex(ids))
    out = pd.DataFrame(
        {
            "level": "firm",
            "id": ids.to_numpy(dtype=object),
            "prev_id": np.where(ids.isin(prev.index), ids.to_numpy(dtype=object), None),
            "county_code": county.to_numpy(dtype=object),
            "prev_class": prev["class"].reindex(ids).to_numpy(dtype=object),
            "class": now["class"].reindex(ids).to_numpy(dtype=object),
            "prev_treatment": None,
            "treatment": None,
            "match": None,
            "overlap_share": np.nan,
            "area_mu": _area(now, prev, ids, "land_mu"),
        }
    )
    return _sorted(out)


def _parcel_rows(
    prev_parcels: pd.DataFrame, parcels: pd.DataFrame, links: pd.DataFrame
) -> pd.DataFrame:
    prev = _by_key(prev_parcels, "parcel_id")
    now = _by_key(parcels, "parcel_id")
    matched = by_current(links, pd.Series(now.index)).set_index("parcel_id")
    main = matched["main_prev_id"].astype(object)
    current = pd.DataFrame(
        {
            "level": "parcel",
            "id": now.index.to_numpy(dtype=object),
            "prev_id": ["、".join(ids) if ids else None for ids in matched["prev_ids"]],
            "county_code": now["county_code"].to_numpy(dtype=object),
            "prev_class": prev["class"].reindex(main).to_numpy(dtype=object),
            "class": now["class"].to_numpy(dtype=object),
            "prev_treatment": final_treatment(prev).reindex(main).to_numpy(dtype=object),
            "treatment": final_treatment(now).to_numpy(dtype=object),
            "match": matched["match"].to_numpy(dtype=object),
            "overlap_share": matched["overlap_share"].to_numpy(dtype="float64"),
            "area_mu": _area(now, now, now.index, "area_mu"),
        }
    )
    gone = prev.index[~prev.index.isin(links["prev_parcel_id"])]
    lost = pd.DataFrame(
        {
            "level": "parcel",
            "id": None,
            "prev_id": gone.to_numpy(dtype=object),
            "county_code": prev.loc[gone, "county_code"].to_numpy(dtype=object),
            "prev_class": prev.loc[gone, "class"].to_numpy(dtype=object),
            "class": None,
            "prev_treatment": final_treatment(prev).loc[gone].to_numpy(dtype=object),
            "treatment": None,
            "match": "none",
            "overlap_share": np.nan,
            "area_mu": _area(prev, prev, gone, "area_mu"),
        }
    )
    return pd.concat([_sorted(current), _sorted(lost, key="prev_id")], ignore_index=True)


def final_treatment(parcels: pd.DataFrame) -> pd.Series:
    """The final treatment of each parcel: the review's where it decided, else the proposal."""
    proposal = parcels["treatment"].astype(object)
    if "final_treatment" not in parcels.columns:
        return proposal
    final = parcels["final_treatment"].astype(object)
    return final.where(final.notna(), proposal)


def _area(now: pd.DataFrame, prev: pd.DataFrame, ids: pd.Index, column: str) -> np.ndarray:
    """``column`` of ``ids`` this year, last year's where this year has none (亩)."""

    def get(frame: pd.DataFrame) -> pd.Series:
        if column not in frame.columns:
            return pd.Series(np.nan, index=ids)
        return pd.to_numeric(frame[column], errors="coerce").reindex(ids)

    return get(now).fillna(get(prev)).to_numpy(dtype="float64")


def _by_key(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """``frame`` indexed by its code (text), the first row of a repeated code kept."""
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    out = out.assign(**{key: out[key].astype("string")})
    out = out.loc[out[key].notna()].drop_duplicates(key)
    return out.set_index(pd.Index(out[key].to_numpy(dtype=object), name=None))


def _sorted(frame: pd.DataFrame, key: str = "id") -> pd.DataFrame:
    order = np.lexsort(
        (
            frame[key].fillna("").to_numpy(dtype=str),
            frame["county_code"].fillna("").to_numpy(dtype=str),
        )
    )
    return frame.iloc[order].reset_index(drop=True)

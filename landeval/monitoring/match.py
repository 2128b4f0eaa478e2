"""Which of this year's parcels is which of last year's (DESIGN §11): :func:`link_parcels`.

A parcel keeps its 宗地代码 from year to year, and then it is the same parcel ("code"). Where a
code changed — a parcel split in two, two merged into one, land re-registered under a new
code — the parcels are matched by geometry: a pair of last year's and this year's parcels
counts when their overlap is at least ``min_share`` of either of them. Only parcels whose
code is not found on the other side are looked up by geometry (and the parcels they
overlap), so the search stays small however many parcels keep their codes.

Each parcel then has its successors (last year's) or predecessors (this year's), and a
kind of match (:data:`landeval.vocabulary.MATCH_LABELS`):

- ``code``: one to one, same code; ``recode``: one to one, another code;
- ``split``: last year's parcel has several successors (each of them is a part of it);
- ``merge``: this year's parcel has several predecessors;
- ``none``: no parcel on the other side (last year's: a finding).

Examples
--------
>>> import geopandas as gpd, shapely
>>> prev = gpd.GeoDataFrame({"parcel_id": ["a", "b"]},
...                         geometry=[shapely.box(0, 0, 2, 1), shapely.box(5, 0, 6, 1)])
>>> now = gpd.GeoDataFrame({"parcel_id": ["a1", "a2", "b"]},
...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(5, 0, 6, 1)])
>>> links = link_parcels(prev, now, min_share=0.5)
>>> links[["prev_parcel_id", "parcel_id", "by", "prev_share"]].values.tolist()
[['a', 'a1', 'geometry', 0.5], ['a', 'a2', 'geometry', 0.5], ['b', 'b', 'code', 1.0]]
>>> by_previous(links, pd.Series(["a", "b"]))[["match", "now_parcel_ids"]].values.tolist()
[['split', ['a1', 'a2']], ['code', ['b']]]
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

LINK_COLUMNS: list[str] = [
    "prev_parcel_id",
    "parcel_id",
    "by",
    "overlap_m2",
    "prev_share",
    "now_share",
]
"""Columns of :func:`link_parcels`: the two codes, how the pair was found ("code" or
"geometry"), the overlap (m²) and its share of last year's and of this year's parcel."""


def link_parcels(
    previous: gpd.GeoDataFrame, current: gpd.GeoDataFrame, *, min_share: float
) -> pd.DataFrame:
    """Every pair of last year's and this year's parcels that hold the same land.

    Parameters
    ----------
    previous, current : GeoDataFrame
        ``parcel_id`` and geometry of last year's and this year's parcels (any CRS; last
        year's is brought to this year's).
    min_share : float
        A pair found by geometry counts when its overlap is at least this share of either
        parcel.

    Returns
    -------
    DataFrame
        :data:`LINK_COLUMNS`, sorted by last year's code, then this year's. Pairs by code
        come first for a code; their shares are missing where a geometry is.
    """
    prev_geom = _geometry(previous, like=current)
    now_geom = _geometry(current, like=current)
    prev_ids = previous["parcel_id"].astype("string").to_numpy(dtype=object)
    now_ids = current["parcel_id"].astype("string").to_numpy(dtype=object)
    prev_pos = pd.Index(prev_ids)
    now_pos = pd.Index(now_ids)
    same = now_pos.get_indexer(prev_ids)
    coded = np.flatnonzero(same >= 0)
    code_pairs = (coded, same[coded])
    prev_unmatched = np.flatnonzero(same < 0)
    now_unmatched = np.flatnonzero(prev_pos.get_indexer(now_ids) < 0)
    geo_pairs = _overlap_candidates(prev_geom, now_geom, prev_unmatched, now_unmatched)
    p = np.concatenate([code_pairs[0], geo_pairs[0]])
    n = np.concatenate([code_pairs[1], geo_pairs[1]])
    by = np.array(["code"] * len(coded) + ["geometry"] * len(geo_pairs[0]), dtype=object)
    overlap = _overlap_areas(prev_geom[p], now_geom[n])
    with np.errstate(divide="ignore", invalid="ignore"):
        prev_share = overlap / shapely.area(prev_geom[p])
        now_share = overlap / shapely.area(now_geom[n])
    links = pd.DataFrame(
        {
            "prev_parcel_id": pd.array(prev_ids[p], dtype="str"),
            "parcel_id": pd.array(now_ids[n], dtype="str"),
            "by": pd.array(by, dtype="str"),
            "overlap_m2": overlap,
            "prev_share": _finite(prev_share),
            "now_share": _finite(now_share),
        }
    )
    geometric = links["by"] == "geometry"
    counts = (links["prev_share"] >= min_share) | (links["now_share"] >= min_share)
    links = links.loc[~geometric | counts]
    return links.sort_values(["prev_parcel_id", "parcel_id"], ignore_index=True)[LINK_COLUMNS]


def by_previous(links: pd.DataFrame, prev_ids: pd.Series) -> pd.DataFrame:
    """Each of last year's parcels with its successors, the kind of match and the share covered.

    Returns
    -------
    DataFrame
        One row per ``prev_ids`` (in their order): prev_parcel_id, now_parcel_ids (a list,
        largest overlap first), main_parcel_id (the successor holding most of it, else
        missing), match, overlap_share (share of last year's parcel inside its successors;
        missing where a geometry is).
    """
    return _summary(
        links,
        prev_ids,
        key="prev_parcel_id",
        other="parcel_id",
        share="prev_share",
        many="split",
        names=("now_parcel_ids", "main_parcel_id"),
    )


def by_current(links: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Each of this year's parcels with its predecessors, the kind of match and the share.

    Returns
    -------
    DataFrame
        One row per ``ids`` (in their order): parcel_id, prev_ids (a list, largest overlap
        first), main_prev_id (the predecessor holding most of it), match, overlap_share
        (share of this year's parcel that lay in last year's parcels).
    """
    return _summary(
        links,
        ids,
        key="parcel_id",
        other="prev_parcel_id",
        share="now_share",
        many="merge",
        names=("prev_ids", "main_prev_id"),
    )


def _summary(
    links: pd.DataFrame,
    ids: pd.Series,
    *,
    key: str,
    other: str,
    share: str,
    many: str,
    names: tuple[str, str],
) -> pd.DataFrame:
    """The parcels of one side with their links to the other side (see by_previous)."""
    ordered = links.sort_values(
        [key, share, other], ascending=[True, False, True], na_position="last"
    )
    keys = ordered[key].astype("string").to_numpy(dtype=object)
    others = ordered[other].astype("string").to_numpy(dtype=object)
    shares = ordered[share].to_numpy(dtype="float64")
    # the rows are grouped by key: each group is one run of equal keys
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, int)
    group_keys = keys[starts]
    sizes = np.diff(np.r_[starts, len(keys)])
    lists = pd.Series(
        [list(chunk) for chunk in np.split(others, starts[1:])] if len(keys) else [],
        index=pd.Index(group_keys, dtype=object),
        dtype=object,
    )
    main = pd.Series(others[starts], index=lists.index, dtype=object)
    n_here = pd.Series(sizes, index=lists.index)
    n_there = pd.Series(others).value_counts()
    # a share sum is missing when any share is (an unknown geometry), never counted as 0
    unknown = np.add.reduceat(np.isnan(shares).astype(int), starts) if len(keys) else sizes
    summed = np.add.reduceat(np.nan_to_num(shares), starts) if len(keys) else sizes * 0.0
    total = pd.Series(np.where(unknown > 0, np.nan, np.minimum(summed, 1.0)), index=lists.index)
    key_ids = pd.Index(ids.astype("string").to_numpy(dtype=object))
    has = key_ids.isin(lists.index)
    main_now = main.reindex(key_ids)
    one = n_here.reindex(key_ids).fillna(0).to_numpy() == 1
    shared = n_there.reindex(main_now.to_numpy()).fillna(0).to_numpy() > 1
    kind = np.where(
        ~has,
        "none",
        np.where(
            ~one,
            many,
            np.where(
                shared,
                "merge" if many == "split" else "split",
                np.where(main_now.to_numpy(dtype=object) == key_ids.to_numpy(), "code", "recode"),
            ),
        ),
    )
    return pd.DataFrame(
        {
            key: pd.array(key_ids.to_numpy(dtype=object), dtype="str"),
            names[0]: [x if isinstance(x, list) else [] for x in lists.reindex(key_ids)],
            names[1]: pd.array(main_now.to_numpy(dtype=object), dtype="str"),
            "match": pd.array(kind, dtype="str"),
            "overlap_share": total.reindex(key_ids).to_numpy(dtype="float64"),
        }
    )


def _geometry(frame: gpd.GeoDataFrame, *, like: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries of ``frame`` in the CRS of ``like`` (as they are when either has none)."""
    if (
        isinstance(frame, gpd.GeoDataFrame)
        and frame.crs is not None
        and getattr(like, "crs", None) is not None
        and not frame.crs.equals(like.crs)
    ):
        frame = frame.to_crs(like.crs)
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    broken = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if broken.any():  # an overlap of an invalid polygon is undefined: repair before measuring
        geoms = geoms.copy()
        geoms[broken] = shapely.make_valid(geoms[broken])
    return geoms


def _overlap_candidates(
    prev: np.ndarray, now: np.ndarray, prev_unmatched: np.ndarray, now_unmatched: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(last year's, this year's) positions of intersecting pairs with an unmatched side."""
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    if len(now_unmatched) and len(prev):
        hit_now, hit_prev = shapely.STRtree(prev).query(now[now_unmatched], predicate="intersects")
        pairs.append((hit_prev, now_unmatched[hit_now]))
    if len(prev_unmatched) and len(now):
        hit_prev, hit_now = shapely.STRtree(now).query(prev[prev_unmatched], predicate="intersects")
        pairs.append((prev_unmatched[hit_prev], hit_now))
    if not pairs:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    both = np.unique(
        np.column_stack(
            [np.concatenate([a for a, _ in pairs]), np.concatenate([b for _, b in pairs])]
        ),
        axis=0,
    )
    return both[:, 0].astype(np.intp), both[:, 1].astype(np.intp)


def _overlap_areas(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Area of each pair's intersection; missing where either geometry is."""
    area = np.full(len(a), np.nan)
    ok = ~(shapely.is_missing(a) | shapely.is_missing(b))
    if ok.any():
        area[ok] = shapely.area(shapely.intersection(a[ok], b[ok]))
    return area


def _finite(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype="float64")
    return np.where(np.isfinite(out), np.minimum(out, 1.0), np.nan)

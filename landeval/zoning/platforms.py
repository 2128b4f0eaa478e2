"""Which 2+6+N platform each parcel belongs to (DESIGN §6).

A parcel belongs to the platform holding the largest share of its area when that share is at
least ``zoning.platform_min_share``; equal shares go to the smaller platform_id. Other parcels
are "平台外" (outside platforms) with a missing platform_id.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import STRING, as_stored, null_strings, text_array, to_str
from landeval.config import Config
from landeval.zoning._overlay import Geoms, geometry_array, pair_overlaps

OUTSIDE_NAME = "平台外"
"""platform_name of parcels outside every platform."""

PLATFORM_COLUMNS: list[str] = [
    "parcel_id",
    "platform_id",
    "platform_name",
    "tier",
    "kind",
    "platform_share",
]
"""Columns returned by :func:`assign_platforms`."""

# Shares that differ by less than this are equal: float noise must not decide a tie or
# push an exact half below the 0.5 threshold.
_EPS = 1e-9


def assign_platforms(
    parcels: gpd.GeoDataFrame,
    platforms: gpd.GeoDataFrame | None,
    *,
    config: Config,
    geoms: Geoms | None = None,
) -> pd.DataFrame:
    """Assign each parcel to the platform holding most of its area.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels in a projected CRS with ``parcel_id``.
    platforms : GeoDataFrame or None
        Platforms with ``platform_id``, ``name``, ``tier``, ``kind``; None means no platforms
        (every parcel is outside).
    config : Config
        ``zoning.platform_min_share`` is used.
    geoms : Geoms, optional
        The parcels' geometries with their tree and areas, when the caller has them
        (:class:`landeval.zoning.Placement` shares them between the overlays).

    Returns
    -------
    DataFrame
        One row per parcel, in the parcels' order and with their index:
        :data:`PLATFORM_COLUMNS`. ``platform_share`` is the share of the parcel's area in the
        chosen platform, or for a parcel outside platforms the largest share it has in any
        platform (0 when it touches none).
    """
    n = len(parcels)
    pos = np.full(n, -1, dtype=np.int64)  # row of the chosen platform in `info`
    share_out = np.zeros(n)
    info = None
    if platforms is not None and len(platforms) and n:
        info = platforms.drop_duplicates("platform_id")
        geoms = geoms if geoms is not None else Geoms(geometry_array(parcels))
        pos, share_out = _choose(geoms, parcels.crs, platforms, info, config=config)

    if info is None:
        info = pd.DataFrame({"platform_id": [], "name": [], "tier": []})
    member = pos >= 0
    outside = pa.scalar(OUTSIDE_NAME, STRING)
    idx = pa.array(np.where(member, pos, 0), mask=~member)  # missing outside platforms

    def take(col: str) -> pa.Array:
        return text_array(info[col]).take(idx) if len(info) else null_strings(n)

    kind = take("kind") if "kind" in info.columns else null_strings(n)
    return pd.DataFrame(
        {
            "parcel_id": as_stored(parcels["parcel_id"]),
            "platform_id": to_str(take("platform_id")),
            "platform_name": to_str(pc.if_else(pa.array(member), take("name"), outside)),
            "tier": to_str(take("tier")),
            "kind": to_str(kind),
            "platform_share": share_out,
        },
        index=parcels.index,
    )


def _choose(
    geoms: Geoms,
    crs,
    platforms: gpd.GeoDataFrame,
    info: pd.DataFrame,
    *,
    config: Config,
) -> tuple[np.ndarray, np.ndarray]:
    """Row in ``info`` of each parcel's platform (−1 outside) and the share reported."""
    n = len(geoms)
    pos = np.full(n, -1, dtype=np.int64)
    share_out = np.zeros(n)
    plat_geoms = geometry_array(platforms, crs)
    pairs = pair_overlaps(geoms, plat_geoms)
    if len(pairs) == 0:
        return pos, share_out
    parcel_area = geoms.area
    # Platforms as integer codes in platform_id order, so that sorting by code is sorting
    # by platform_id (the tie-break) and grouping needs no text.
    plat_ids = platforms["platform_id"].astype("str").to_numpy(dtype=object)
    code_of_row, uniq = pd.factorize(plat_ids, sort=True)
    info_ids = info["platform_id"].astype("str").to_numpy(dtype=object)
    info_row = pd.Index(info_ids).get_indexer(uniq)
    platform = code_of_row[pairs["right"].to_numpy()]
    # A platform drawn as several rows counts once per parcel: sum its pieces. One integer
    # key per (parcel, platform): the same groups, sums and first-seen order as grouping
    # on the two columns, at a fraction of the cost.
    n_plat = len(uniq)
    key = pairs["left"].to_numpy() * n_plat + platform
    per = pd.Series(pairs["area"].to_numpy()).groupby(key, sort=False).sum()
    left = per.index.to_numpy() // n_plat
    plat = per.index.to_numpy() % n_plat
    with np.errstate(divide="ignore", invalid="ignore"):
        share = per.to_numpy() / parcel_area[left]
    share = np.nan_to_num(share, nan=0.0, posinf=0.0)
    # Largest share first; shares equal up to float noise go to the smaller platform_id.
    # (left, platform) is unique, so this order is total and any sort gives it.
    rank = np.round(share / _EPS) * _EPS
    order = np.lexsort((plat, -rank, left))
    first = order[np.r_[True, left[order][1:] != left[order][:-1]]]
    best = pd.DataFrame({"left": left[first], "platform": plat[first], "share": share[first]})

    rows = best["left"].to_numpy()
    shares = best["share"].to_numpy()
    member = shares >= config.zoning.platform_min_share - _EPS
    share_out[rows] = np.clip(shares, 0.0, 1.0)
    pos[rows[member]] = info_row[best["platform"].to_numpy()[member]]
    return pos, share_out

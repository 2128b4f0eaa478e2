"""Which 2+6+N platform each parcel belongs to (DESIGN §6).

A parcel belongs to the platform holding the largest share of its area when that share is at
least ``zoning.platform_min_share``; equal shares go to the smaller platform_id. Other parcels
are "平台外" (outside platforms) with a missing platform_id.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.config import Config
from landeval.zoning._overlay import geometry_array, pair_overlaps

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

    Returns
    -------
    DataFrame
        One row per parcel, in the parcels' order and with their index:
        :data:`PLATFORM_COLUMNS`. ``platform_share`` is the share of the parcel's area in the
        chosen platform, or for a parcel outside platforms the largest share it has in any
        platform (0 when it touches none).
    """
    n = len(parcels)
    out = pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"].to_numpy(),
            "platform_id": pd.array([None] * n, dtype="str"),
            "platform_name": pd.array([OUTSIDE_NAME] * n, dtype="str"),
            "tier": pd.array([None] * n, dtype="str"),
            "kind": pd.array([None] * n, dtype="str"),
            "platform_share": np.zeros(n),
        },
        index=parcels.index,
    )
    if platforms is None or len(platforms) == 0 or n == 0:
        return out

    geoms = geometry_array(parcels)
    plat_geoms = geometry_array(platforms, parcels.crs)
    pairs = pair_overlaps(geoms, plat_geoms)
    if len(pairs) == 0:
        return out
    parcel_area = shapely.area(geoms)
    plat_ids = platforms["platform_id"].astype("str").to_numpy()
    pairs = pairs.assign(platform_id=plat_ids[pairs["right"].to_numpy()])
    # A platform drawn as several rows counts once per parcel: sum its pieces.
    per = pairs.groupby(["left", "platform_id"], as_index=False, sort=False)["area"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = per["area"].to_numpy() / parcel_area[per["left"].to_numpy()]
    per = per.assign(share=np.nan_to_num(share, nan=0.0, posinf=0.0))
    # Largest share first; shares equal up to float noise go to the smaller platform_id.
    per = per.assign(_key=np.round(per["share"].to_numpy() / _EPS) * _EPS)
    best = per.sort_values(
        ["left", "_key", "platform_id"], ascending=[True, False, True], kind="stable"
    ).drop_duplicates("left")

    rows = best["left"].to_numpy()
    shares = best["share"].to_numpy()
    member = shares >= config.zoning.platform_min_share - _EPS
    out_share = out["platform_share"].to_numpy().copy()
    out_share[rows] = np.clip(shares, 0.0, 1.0)
    out["platform_share"] = out_share

    info = (
        platforms.drop_duplicates("platform_id")
        .assign(platform_id=lambda f: f["platform_id"].astype("str"))
        .set_index("platform_id")
    )
    chosen = best["platform_id"].to_numpy()[member]
    pos = rows[member]
    for col, src in (("platform_id", None), ("platform_name", "name"), ("tier", "tier")):
        values = out[col].to_numpy(dtype=object).copy()
        values[pos] = chosen if src is None else info[src].reindex(chosen).to_numpy(dtype=object)
        out[col] = pd.array(values, dtype="str")
    if "kind" in info.columns:
        values = out["kind"].to_numpy(dtype=object).copy()
        values[pos] = info["kind"].reindex(chosen).to_numpy(dtype=object)
        out["kind"] = pd.array(values, dtype="str")
    return out

"""The industrial land control line (工业用地控制线): each parcel's share inside it (DESIGN §6).

The line is given as polygons of the protected area, possibly many rows (one per county or
per sheet) that may overlap; they are unioned first so that an area protected twice counts
once. control_share = area(parcel ∩ line) / area(parcel); a parcel is inside at
``zoning.inside_line_share`` and straddling strictly between ``straddle_low`` and
``straddle_high``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from landeval._arrow import as_stored
from landeval.config import Config
from landeval.zoning._overlay import Geoms, covered_area, geometry_array, union_parts

LINE_COLUMNS: list[str] = ["parcel_id", "control_share", "inside_line", "straddling"]
"""Columns returned by :func:`control_line_shares`."""

_EPS = 1e-9


def line_parts(control_line: gpd.GeoDataFrame | None, crs=None) -> np.ndarray:
    """The control line unioned and split into disjoint polygons, in ``crs``.

    Parameters
    ----------
    control_line : GeoDataFrame or None
        Polygons of the protected area; None or empty gives an empty array (no line).
    crs : CRS, optional
        Target CRS (the parcels'); the line is reprojected when it differs.

    Returns
    -------
    ndarray of shapely Polygons
    """
    return union_parts(geometry_array(control_line, crs))


def control_line_shares(
    parcels: gpd.GeoDataFrame,
    control_line: gpd.GeoDataFrame | None,
    *,
    config: Config,
    geoms: Geoms | None = None,
) -> pd.DataFrame:
    """Share of each parcel inside the control line, inside and straddling flags.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels in a projected CRS with ``parcel_id``.
    control_line : GeoDataFrame or None
        Polygons of the protected area; None means there is no line (every share is 0).
    config : Config
        ``zoning.inside_line_share``, ``straddle_low`` and ``straddle_high`` are used.
    geoms : Geoms, optional
        The parcels' geometries with their tree and areas, when the caller has them.

    Returns
    -------
    DataFrame
        One row per parcel, parcels' order and index: :data:`LINE_COLUMNS`.
    """
    geoms = geoms if geoms is not None else Geoms(geometry_array(parcels))
    parts = line_parts(control_line, parcels.crs)
    area = geoms.area if len(geoms) else np.empty(0)
    inside_area = covered_area(geoms, parts)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(area > 0, inside_area / area, 0.0)
    share = np.clip(np.nan_to_num(share, nan=0.0), 0.0, 1.0)
    z = config.zoning
    return pd.DataFrame(
        {
            "parcel_id": as_stored(parcels["parcel_id"]),
            "control_share": share,
            "inside_line": share >= z.inside_line_share - _EPS,
            "straddling": (share > z.straddle_low + _EPS) & (share < z.straddle_high - _EPS),
        },
        index=parcels.index,
    )

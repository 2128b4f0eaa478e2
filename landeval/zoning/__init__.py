"""Zoning: where each parcel is (DESIGN §6), and the land balance that follows from it.

Before the treatments: :func:`place_parcels` puts each parcel in a platform of the 2+6+N
system (:mod:`.platforms`) and measures its share inside the industrial control line
(:mod:`.control_line`). After the treatments (:mod:`landeval.treatments`): the 改一补一
balance of converted and compensated industrial land (:mod:`.balance`) and the platform
summaries (:mod:`.summary`). :func:`landeval.stages.zone_and_treat` runs them in that
order with the treatments in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from landeval.config import Config
from landeval.zoning._overlay import Geoms, geometry_array
from landeval.zoning.balance import balance_items, balance_ledger
from landeval.zoning.control_line import control_line_shares, line_parts
from landeval.zoning.platforms import assign_platforms
from landeval.zoning.summary import platform_summary

__all__ = [
    "Placement",
    "assign_platforms",
    "balance_items",
    "balance_ledger",
    "control_line_shares",
    "line_parts",
    "place_parcels",
    "platform_summary",
]


@dataclass(frozen=True)
class Placement:
    """Where each parcel is: its platform and its share inside the control line.

    Attributes
    ----------
    platforms : DataFrame
        :func:`assign_platforms`' columns, one row per parcel in the parcels' order.
    line : DataFrame
        :func:`control_line_shares`' columns, one row per parcel in the parcels' order.
    geoms : Geoms
        The parcels' geometries with their spatial tree and areas, built once for every
        overlay of the stage (:func:`balance_items` takes them too).
    """

    platforms: pd.DataFrame
    line: pd.DataFrame
    geoms: Geoms


def place_parcels(
    parcels: gpd.GeoDataFrame,
    *,
    platforms: gpd.GeoDataFrame | None,
    control_line: gpd.GeoDataFrame | None,
    config: Config,
) -> Placement:
    """Place every parcel in its platform and measure its share inside the control line.

    Parameters
    ----------
    parcels : GeoDataFrame
        Canonical parcels in a projected CRS.
    platforms, control_line : GeoDataFrame or None
        Optional vector layers; None puts every parcel outside platforms and the line.
    config : Config
        ``[zoning]`` shares.

    Returns
    -------
    Placement
    """
    # One STRtree and one area per parcel for all the overlays of the stage.
    geoms = Geoms(geometry_array(parcels))
    return Placement(
        platforms=assign_platforms(parcels, platforms, config=config, geoms=geoms),
        line=control_line_shares(parcels, control_line, config=config, geoms=geoms),
        geoms=geoms,
    )

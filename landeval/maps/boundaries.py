"""The county boundaries the maps draw: the bureau's own, the ones landeval ships, or outlines.

In order of preference:

1. the project's ``boundaries`` layer (``[inputs] boundaries``: the bureau's official lines);
2. the boundaries landeval ships for Shaoxing (``data/boundaries/shaoxing_counties.geojson``:
   OpenStreetMap via geoBoundaries, ODbL, 2017 — see the ``SOURCE.md`` beside it), when the
   parcels' county codes are among them; a map drawing them shows their attribution;
3. outlines drawn round each county's parcels, labelled as such (another city, no layer).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd

from landeval.config import Config
from landeval.maps.simplify import county_outlines
from landeval.vocabulary import DATA_ATTRIBUTION, Language

BOUNDARIES_FILE = "shaoxing_counties.geojson"
"""The file of the shipped boundaries (in ``data/boundaries``, ``landeval/_data/boundaries``)."""

_PACKAGED = Path(__file__).resolve().parents[1] / "_data" / "boundaries"
_REPO = Path(__file__).resolve().parents[2] / "data" / "boundaries"

Source = Literal["project", "shipped", "parcels"]


@dataclass(frozen=True)
class CountyBoundaries:
    """County polygons to draw (county_code, county_name, geometry) and where they come from.

    ``attribution`` is the credit the map must show (the shipped data's licence), or None.
    """

    frame: gpd.GeoDataFrame
    source: Source
    attribution: str | None = None


def shipped_boundaries_path() -> Path:
    """The shipped county boundaries: in the wheel, else at the top of the repository.

    Raises
    ------
    FileNotFoundError
        Neither copy exists (a broken install).
    """
    for folder in (_PACKAGED, _REPO):
        path = folder / BOUNDARIES_FILE
        if path.is_file():
            return path
    msg = f"the county boundaries shipped with landeval are missing ({_PACKAGED}, {_REPO})"
    raise FileNotFoundError(msg)


def shipped_boundaries() -> gpd.GeoDataFrame:
    """The shipped boundaries: county_code, county_name (Chinese), geometry in EPSG:4326."""
    return _read_shipped().copy()


@functools.cache
def _read_shipped() -> gpd.GeoDataFrame:
    frame = gpd.read_file(shipped_boundaries_path(), engine="pyogrio")
    out = gpd.GeoDataFrame(
        {
            "county_code": frame["county_code"].astype(str),
            "county_name": frame["name_zh"].astype(str),
        },
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs,
    )
    return out.to_crs("EPSG:4326")


def county_boundaries(
    parcels: gpd.GeoDataFrame,
    given: gpd.GeoDataFrame | None,
    *,
    config: Config,
    lang: Language = "zh",
) -> CountyBoundaries | None:
    """The county boundaries a map of ``parcels`` draws (see the module's order).

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
        The evaluated parcels (county_code, optionally county_name).
    given : geopandas.GeoDataFrame or None
        The project's ``boundaries`` layer (county_code, optionally name).
    config : Config
        County names (``[project.counties]``) and the CRS to assume for a layer with none.
    lang : {"zh", "en"}
        Language of the attribution.

    Returns
    -------
    CountyBoundaries or None
        None when there is nothing to draw (no parcel with a county code and geometry).
    """
    names = _names(parcels, config)
    if given is not None and len(given) and "county_code" in given:
        frame = gpd.GeoDataFrame(
            {
                "county_code": given["county_code"].astype("string").to_numpy(),
                "county_name": _given_names(given, names),
            },
            geometry=given.geometry.to_numpy(),
            crs=given.crs,
        )
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        if len(frame):
            return CountyBoundaries(frame.reset_index(drop=True), "project")
    if "county_code" not in parcels:
        return None
    codes = set(parcels["county_code"].dropna().astype(str))
    shipped = shipped_boundaries()
    if codes & set(shipped["county_code"]):
        # the whole city: the map opens on it, the parcels' counties and their neighbours
        shipped["county_name"] = [
            names.get(c, n)
            for c, n in zip(shipped["county_code"], shipped["county_name"], strict=True)
        ]
        return CountyBoundaries(shipped, "shipped", DATA_ATTRIBUTION[lang])
    outlines = county_outlines(parcels, assume_crs=config.project.assume_crs)
    if outlines.empty:
        return None
    outlines["county_name"] = [names.get(c, c) for c in outlines["county_code"]]
    return CountyBoundaries(outlines, "parcels")


def _names(parcels: gpd.GeoDataFrame, config: Config) -> dict[str, str]:
    names = dict(config.project.counties)
    if {"county_code", "county_name"} <= set(parcels.columns):
        known = parcels[["county_code", "county_name"]].dropna().drop_duplicates("county_code")
        names |= {
            str(c): str(n) for c, n in zip(known["county_code"], known["county_name"], strict=True)
        }
    return names


def _given_names(given: gpd.GeoDataFrame, names: dict[str, str]) -> list[str]:
    own = given["name"] if "name" in given else pd.Series([None] * len(given))
    return [
        str(n) if isinstance(n, str) and n.strip() else names.get(str(c), str(c))
        for c, n in zip(given["county_code"], own, strict=True)
    ]

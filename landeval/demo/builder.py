"""Build the whole synthetic Shaoxing dataset in memory: :func:`build_demo`."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.config import LAYERS
from landeval.demo.buildings import draw_buildings
from landeval.demo.clusters import (
    BASE_PARCELS,
    CLUSTERS,
    CRS,
    YEARS,
)
from landeval.demo.economy import draw_economy, with_park_tenant_veto
from landeval.demo.firms import draw_firms
from landeval.demo.layout import layout_city
from landeval.demo.rasters import RasterTile, draw_tiles
from landeval.demo.registry import (
    built_years,
    land_contracts,
    parcel_codes,
    registry_attributes,
    title_records,
)
from landeval.demo.zones import (
    control_line_layer,
    land_changes_layer,
    park_parcels,
    platforms_layer,
)
from landeval.inputs.model import columns
from landeval.inputs.units import M2_PER_MU
from landeval.vocabulary import SHAOXING_COUNTIES


@dataclass(frozen=True)
class DemoData:
    """The demo dataset in memory, in the canonical data model (DESIGN §3).

    Vector layers are GeoDataFrames in EPSG:4549; tables have the canonical columns (money
    in 万元: the files carry tax in 元, as the tax bureau delivers it) plus a few extra
    columns after them (``name`` in ``firm_tax``; ``illustrative`` and ``note`` in
    ``platforms``; ``area_name`` in ``parcels``; ``note`` in ``land_changes``).

    ``intent`` is the generator's truth per parcel (same order as ``parcels``):
    ``intended_coverage``, ``intended_far``, ``intended_floors``,
    ``intended_counted_floors``, ``intended_height_m``, ``intended_vacant_share``, ``hall``,
    ``n_buildings``, ``state`` (active, idle, empty, bare, multi). ``rasters`` holds one
    :class:`RasterTile` per cluster (empty when rasters were skipped).
    """

    parcels: gpd.GeoDataFrame
    platforms: gpd.GeoDataFrame
    control_line: gpd.GeoDataFrame
    land_changes: gpd.GeoDataFrame
    firms: pd.DataFrame
    firm_tax: pd.DataFrame
    firm_output: pd.DataFrame
    occupancy: pd.DataFrame
    veto: pd.DataFrame
    intent: pd.DataFrame
    rasters: list[RasterTile] = field(default_factory=list)
    scale: float = 1.0
    seed: int = 20221
    resolution: float | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Layers and tables by canonical name."""
        return {n: getattr(self, n) for n in LAYERS}


def raster_resolution(scale: float) -> float:
    """Cell size of the demo rasters: 5 m up to scale 1, coarser above (memory stays flat)."""
    return 5.0 * max(1, int(np.ceil(np.sqrt(max(scale, 1.0)))))


def build_demo(*, scale: float = 1.0, seed: int = 20221, rasters: bool | None = None) -> DemoData:
    """Build the synthetic Shaoxing dataset in memory.

    Parameters
    ----------
    scale : float
        Multiplies the number of parcels (3,000 at 1) and firms (about 2,500 at 1).
    seed : int
        Seed of every random draw: the same seed gives the same data.
    rasters : bool or None
        Draw the raster tiles; None draws them up to scale 1 only. Above scale 1 the tiles
        are coarsened (see :func:`raster_resolution`).

    Returns
    -------
    DemoData
    """
    if not scale > 0:
        msg = f"scale must be positive, got {scale}"
        raise ValueError(msg)
    if rasters is None:
        rasters = scale <= 1.0
    seqs = np.random.SeedSequence(seed).spawn(8)
    rng = [np.random.default_rng(s) for s in seqs]

    n_total = max(len(CLUSTERS) * 8, round(BASE_PARCELS * scale))
    layout = layout_city(rng[0], n_total, scale=scale)
    n = len(layout)
    area = shapely.area(layout.geometry)
    county = np.array([c.county_code for c in CLUSTERS], dtype=object)[layout.cluster]
    parcel_ids = parcel_codes(layout, county)

    park, multi = park_parcels(layout)
    draw = draw_firms(
        rng[1],
        parcel_ids=parcel_ids,
        cluster=layout.cluster,
        area_m2=area,
        multi=multi,
        park=park,
    )
    firms, occ = draw.firms, draw.occupancy
    econ = draw_economy(rng[2], firms=firms, occupancy=occ, area_m2=area)

    # The main occupant of a parcel: its owner (the park's standard factory for 小微园).
    own = occ[occ["relation"] == "own"]
    owner = np.full(n, -1, dtype=np.int64)
    owner[own["pidx"].to_numpy()] = own["fid"].to_numpy()
    has_owner = owner >= 0
    industry = np.full(n, "", dtype=object)
    industry[has_owner] = firms["industry_code"].to_numpy()[owner[has_owner]]
    start = np.full(n, 0, dtype=np.int64)
    start[has_owner] = firms["start_year"].to_numpy()[owner[has_owner]]
    r = rng[3]
    state = np.full(n, "active", dtype=object)
    state[has_owner & econ.idle[np.maximum(owner, 0)]] = "idle"
    empty = ~has_owner
    state[empty] = np.where(r.random(int(empty.sum())) < 0.3, "bare", "empty")
    state[multi] = "multi"

    built_year = built_years(r, start=start, state=state)
    old = np.nan_to_num(built_year, nan=2024) <= 2004

    bld = draw_buildings(rng[4], layout, industry=industry, state=state.astype(str), old=old)
    intent = bld.intent

    reg = registry_attributes(
        r,
        cluster=layout.cluster,
        area=area,
        industry=industry,
        multi=multi,
        intended_far=intent["intended_far"].to_numpy(),
    )
    conflict = reg["conflict"]
    titles = title_records(
        rng[6],
        cluster=layout.cluster,
        county=county,
        county_names=SHAOXING_COUNTIES,
        built_year=built_year,
    )
    contracts = land_contracts(rng[7], state=state, start=start, built_year=built_year)

    names = np.array([c.name for c in CLUSTERS], dtype=object)[layout.cluster]
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": parcel_ids,
            "county_code": county,
            "land_use": reg["land_use"],
            "planned_use": reg["planned_use"],
            "registered_area_m2": reg["registered_area_m2"],
            "floor_area_m2": reg["floor_area_m2"],
            "built_year": pd.array(built_year, dtype="Int64"),
            "location": titles["location"],
            "township": titles["township"],
            "title_no": titles["title_no"],
            "contract_start_date": pd.to_datetime(contracts["contract_start_date"]),
            "actual_start_date": pd.to_datetime(contracts["actual_start_date"]),
            "contract_completion_date": pd.to_datetime(contracts["contract_completion_date"]),
            "developed_share": contracts["developed_share"],
            "contract_tax_per_mu": contracts["contract_tax_per_mu"],
            "contract_investment_per_mu": contracts["contract_investment_per_mu"],
            "gov_delay": contracts["gov_delay"],
            "area_name": names,
        },
        geometry=layout.geometry,
        crs=CRS,
    )

    platforms = platforms_layer(layout, park)
    line = control_line_layer(layout)
    conflict_area = pd.Series(area[conflict]).groupby(county[conflict]).sum().to_dict()
    changes = land_changes_layer(layout, line, conflict_area, rng[5])

    tiles: list[RasterTile] = []
    resolution = None
    if rasters:
        resolution = raster_resolution(scale)
        tiles = draw_tiles(
            layout, buildings=bld.buildings, vacant=bld.vacant, resolution=resolution
        )

    # Canonical tables, parcels sorted by code.
    order = np.argsort(parcel_ids, kind="stable")
    parcels = parcels.iloc[order].reset_index(drop=True)
    intent = intent.iloc[order].reset_index(drop=True)
    intent.insert(0, "parcel_id", parcels["parcel_id"].to_numpy())
    intent = intent.drop(columns="pidx")

    firms = firms.assign(status=econ.status)
    veto = with_park_tenant_veto(econ.veto, firms=firms, occupancy=occ, park=park)
    firms_out = firms[columns("firms")[:-1]].sort_values("uscc", ignore_index=True)
    occupancy = occ.merge(firms[["fid", "uscc"]], on="fid")[columns("occupancy")]
    occupancy = occupancy.astype({"from_year": "Int64", "to_year": "Int64"})
    occupancy = occupancy.sort_values(
        ["parcel_id", "relation", "uscc", "from_year"], ignore_index=True
    )
    tax = econ.firm_tax.assign(tax=econ.firm_tax["tax"] / 1e4)
    tax = tax[[*columns("firm_tax"), "name"]].sort_values(["uscc", "year"], ignore_index=True)
    output = econ.firm_output[columns("firm_output")].sort_values(
        ["uscc", "year"], ignore_index=True
    )
    return DemoData(
        parcels=parcels,
        platforms=platforms,
        control_line=line,
        land_changes=changes,
        firms=_text(firms_out),
        firm_tax=_text(tax),
        firm_output=_text(output),
        occupancy=_text(occupancy),
        veto=_text(veto),
        intent=intent,
        rasters=tiles,
        scale=scale,
        seed=seed,
        resolution=resolution,
    )


def summary_counts(data: DemoData) -> dict[str, pd.DataFrame]:
    """Counts per county and per platform tier (what ``landeval demo`` prints)."""
    p = data.parcels
    area_mu = p.geometry.area / M2_PER_MU
    by_county = pd.DataFrame(
        {
            "parcels": p.groupby("county_code").size(),
            "area_mu": area_mu.groupby(p["county_code"]).sum().round(0),
            "firms": data.firms.groupby("county_code").size(),
            "above_scale": data.firms[data.firms["scale"] == "above"].groupby("county_code").size(),
        }
    ).fillna(0)
    by_tier = data.platforms.groupby("tier").size().rename("platforms").to_frame()
    return {"county": by_county, "tier": by_tier}


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes as pandas' string dtype (the default text dtype in pandas 3)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].astype("str")
    return out


__all__ = ["YEARS", "DemoData", "build_demo", "raster_resolution", "summary_counts"]

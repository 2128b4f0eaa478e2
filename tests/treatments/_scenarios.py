"""Small hand-made worlds for the treatment tests: parcels, their occupants, the firms' classes.

A world is described by parcels and occupants; this module writes the tables the zoning and
treatments stage reads (parcel scores and allocation as the scoring stage would make them,
firm scores with the classes given), so that a test states each firm's class, tax and land
and reads the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from landeval.config import Config, default_config
from landeval.inputs.units import M2_PER_MU
from landeval.stages import ZoningResult, zone_and_treat

CRS = "EPSG:4549"
YEAR = 2024
YEARS = (2022, 2023, 2024)
COUNTY = "330602"


@dataclass
class Firm:
    """A firm: its classes by year (2024, 2023, 2022), tax and value added a year (万元)."""

    uscc: str
    industry: str = "C3411"
    classes: tuple[str | None, str | None, str | None] = ("B", "B", "B")
    tax: float = 30.0
    value_added: float = 100.0
    scale: str = "above"
    status: str = "存续"
    veto: str | None = None  # the negative-list reason in 2024
    name: str = ""
    scored: bool = True  # has firm-score rows (tax or output data)

    def __post_init__(self) -> None:
        self.name = self.name or f"企业{self.uscc}"


@dataclass
class Parcel:
    """A parcel of ``mu`` mu and its occupants: (uscc, relation, land in mu)."""

    parcel_id: str
    mu: float
    occupants: list[tuple[str, str, float]] = field(default_factory=list)
    far: float = 1.5
    coverage: float = 0.5
    vacant: float = 0.0
    built_year: int | None = 2010
    planned_use: str = "100101"
    platform: str | None = None  # platform id
    contract_start: str | None = None
    actual_start: str | None = None
    developed_share: float | None = None
    gov_delay: str | None = None


def world(
    parcels: list[Parcel],
    firms: list[Firm],
    *,
    platforms: dict[str, str] | None = None,
    config: Config | None = None,
    suspect_values: pd.DataFrame | None = None,
) -> ZoningResult:
    """Run the zoning and treatments stage on the world; ``platforms`` maps id → kind."""
    return zone_and_treat(
        **tables(parcels, firms, platforms=platforms),
        config=config or default_config(),
        year=YEAR,
        suspect_values=suspect_values,
    )


def tables(
    parcels: list[Parcel], firms: list[Firm], *, platforms: dict[str, str] | None = None
) -> dict:
    """The inputs of :func:`landeval.stages.zone_and_treat` for the world."""
    by_uscc = {f.uscc: f for f in firms}
    geoms, xs = [], 0.0
    for p in parcels:
        side = float(np.sqrt(p.mu * M2_PER_MU))
        geoms.append(box(xs, 0, xs + side, side))
        xs += side + 50
    area = np.array([p.mu * M2_PER_MU for p in parcels])
    frame = gpd.GeoDataFrame(
        {
            "parcel_id": [p.parcel_id for p in parcels],
            "county_code": COUNTY,
            "land_use": "100101",
            "planned_use": [p.planned_use for p in parcels],
            "registered_area_m2": area,
            "floor_area_m2": np.nan,
            "built_year": pd.array([p.built_year for p in parcels], dtype="Int64"),
            "contract_start_date": pd.to_datetime([p.contract_start for p in parcels]),
            "actual_start_date": pd.to_datetime([p.actual_start for p in parcels]),
            "developed_share": [p.developed_share for p in parcels],
            "gov_delay": pd.array([p.gov_delay for p in parcels], dtype="str"),
            "area_m2": area,
            "area_mu": [p.mu for p in parcels],
        },
        geometry=geoms,
        crs=CRS,
    )
    plats = None
    if platforms:
        rows = []
        for pid, kind in platforms.items():
            members = [g for g, p in zip(geoms, parcels, strict=True) if p.platform == pid]
            x0 = min(g.bounds[0] for g in members) - 1
            x1 = max(g.bounds[2] for g in members) + 1
            y1 = max(g.bounds[3] for g in members) + 1
            rows.append(
                {"platform_id": pid, "name": f"平台{pid}", "tier": "N", "kind": kind,
                 "county_code": COUNTY, "geometry": box(x0, -1, x1, y1)}
            )  # fmt: skip
        plats = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    alloc, ps = [], []
    for year in YEARS:
        for p in parcels:
            occ = sorted(p.occupants, key=lambda o: (-o[2], o[0]))
            taxes, vas = [], []
            for uscc, relation, mu in occ:
                f = by_uscc[uscc]
                share = mu / _firm_land(parcels, uscc)
                tax = f.tax * share if f.scored else np.nan
                va = f.value_added * share if f.scored else np.nan
                alloc.append((uscc, year, p.parcel_id, relation, mu * M2_PER_MU, share,
                              f.scale, tax, va))  # fmt: skip
                taxes.append(tax)
                vas.append(va)
            main = by_uscc[occ[0][0]] if occ else None
            tax = float(np.sum(taxes)) if occ else 0.0
            va = float(np.sum(vas)) if occ else 0.0
            unknown = sum(mu for (u, _, mu) in occ if not by_uscc[u].scored)
            k = YEARS[::-1].index(year)
            ps.append(
                {
                    "parcel_id": p.parcel_id,
                    "year": year,
                    "area_m2": p.mu * M2_PER_MU,
                    "area_mu": p.mu,
                    "n_occupants": len(occ),
                    "occupants": ";".join(o[0] for o in occ) or None,
                    "occupant_names": ";".join(by_uscc[o[0]].name for o in occ) or None,
                    "main_uscc": None if main is None else main.uscc,
                    "main_name": None if main is None else main.name,
                    "main_industry": None if main is None else main.industry,
                    "tax": tax,
                    "value_added": va,
                    "tax_per_mu": tax / p.mu,
                    "va_per_mu": va / p.mu,
                    "known_share": 1.0 - unknown / p.mu,
                    "class": None if main is None or not main.scored else main.classes[k],
                    "county_code": COUNTY,
                }
            )
    allocation = pd.DataFrame(
        alloc,
        columns=["uscc", "year", "parcel_id", "relation", "land_m2", "share", "scale",
                 "tax", "value_added"],
    )  # fmt: skip
    scores = pd.DataFrame(
        [
            {
                "uscc": f.uscc,
                "year": year,
                "name": f.name,
                "industry_code": f.industry,
                "scale": f.scale,
                "status": f.status,
                "class": f.classes[k],
                "known_weight_share": 1.0,
                "class_reason": "",
                "veto_reason": f.veto if year == YEAR else None,
            }
            for f in firms
            if f.scored
            for k, year in enumerate(YEARS[::-1])
        ]
    )
    registry = pd.DataFrame(
        {
            "uscc": [f.uscc for f in firms],
            "name": [f.name for f in firms],
            "industry_code": [f.industry for f in firms],
            "county_code": COUNTY,
            "scale": [f.scale for f in firms],
            "status": [f.status for f in firms],
        }
    )
    veto = pd.DataFrame(
        [(f.uscc, YEAR, f.veto) for f in firms if f.veto], columns=["uscc", "year", "reason"]
    )
    raster = pd.DataFrame(
        {
            "parcel_id": [p.parcel_id for p in parcels],
            "coverage": [p.coverage for p in parcels],
            "far": [p.far for p in parcels],
            "far_source": "raster",
            "vacant_share": [p.vacant for p in parcels],
        }
    )
    return {
        "parcels": frame,
        "platforms": plats,
        "control_line": None,
        "land_changes": None,
        "parcel_scores": pd.DataFrame(ps),
        "firm_scores": scores,
        "parcel_raster": raster,
        "firms": registry,
        "veto": veto,
        "allocation": allocation,
    }


def _firm_land(parcels: list[Parcel], uscc: str) -> float:
    return sum(mu for p in parcels for (u, _, mu) in p.occupants if u == uscc)

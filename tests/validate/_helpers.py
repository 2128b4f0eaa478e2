"""Small frames for the checks: parcels from boxes, findings as (severity, code, row) tuples."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from landeval.config import default_config
from landeval.inputs.read import add_area

CFG = default_config()


def parcels_of(boxes, ids=None, **cols) -> gpd.GeoDataFrame:
    """A canonical parcel layer (EPSG:4549, with areas) of the given shapes."""
    n = len(boxes)
    data = {
        "parcel_id": ids or [f"P{i}" for i in range(n)],
        "county_code": ["330603"] * n,
        "land_use": ["100101"] * n,
        "planned_use": ["100101"] * n,
        "registered_area_m2": [float("nan")] * n,
        "floor_area_m2": [float("nan")] * n,
        "built_year": pd.array([None] * n, dtype="Int64"),
    }
    data.update(cols)
    return add_area(gpd.GeoDataFrame(data, geometry=boxes, crs=4549))


def codes_of(findings: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(severity, code, row_id) of each finding, in order."""
    return list(zip(findings["severity"], findings["code"], findings["row_id"], strict=True))

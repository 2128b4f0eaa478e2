"""Checks of the parcel layer: areas, far-away parcels and 宗地代码 (GB/T 37346).

:func:`check_parcels` also runs the generic checks of :mod:`landeval.validate.values` on the
parcels (keys, county codes, impossible values); overlaps are
:mod:`landeval.validate.overlaps`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landeval.config import Config
from landeval.findings import concat_findings, findings_frame
from landeval.inputs.identifiers import are_parcel_codes
from landeval.validate._rows import finding_rows, ids_where, row_ids
from landeval.validate.values import check_county_codes, check_keys, check_values

REGISTERED_AREA_TOLERANCE = 0.05
"""Registered and computed areas may differ by this share before it is a finding."""
FAR_AWAY_MIN_M = 1_000_000.0
"""A parcel this far (or more) from the median parcel may be misplaced …"""
FAR_AWAY_FACTOR = 20.0
"""… when it is also this many times further than the median distance (a city's spread)."""


def check_parcels(parcels: gpd.GeoDataFrame, *, config: Config) -> pd.DataFrame:
    """Keys, areas, codes and counties of the parcel layer.

    Needs ``area_m2`` (from :func:`landeval.inputs.read.add_area`) for the area checks; without it
    those are skipped.
    """
    parts = [
        check_keys(parcels, layer="parcels"),
        check_county_codes(parcels, layer="parcels", config=config),
        check_values(parcels, layer="parcels"),
    ]
    if "area_m2" in parcels.columns:
        geom_ok = ~(parcels.geometry.is_empty | parcels.geometry.isna())
        zero = geom_ok & (parcels["area_m2"] < 1.0)
        parts.append(
            finding_rows(
                "error",
                "PARCEL_ZERO_AREA",
                "parcels",
                ids_where(parcels, "parcels", zero),
                "geometry",
                "面积为 0 (或小于 1 m²)",
                "请检查该宗地的几何",
            )
        )
        reg = parcels["registered_area_m2"]
        area = parcels["area_m2"]
        diff = (reg - area).abs() / area.where(area > 0)
        off = reg.notna() & (diff > REGISTERED_AREA_TOLERANCE)
        parts.append(
            finding_rows(
                "warning",
                "AREA_MISMATCH",
                "parcels",
                ids_where(parcels, "parcels", off),
                "registered_area_m2",
                [
                    f"登记面积 {r:,.1f} m² 与图形面积 {c:,.1f} m² 相差 {d:.1%}"
                    for r, c, d in zip(reg[off], area[off], diff[off], strict=True)
                ],
                "请核对登记面积或图形边界",
            )
        )
    parts.append(check_far_away(parcels))
    codes = parcels["parcel_id"].dropna()
    unique_codes = codes.drop_duplicates()
    not_parsing = unique_codes[~are_parcel_codes(unique_codes)]
    parts.append(
        finding_rows(
            "info",
            "PARCEL_CODE_FORMAT",
            "parcels",
            not_parsing.tolist(),
            "parcel_id",
            "宗地代码不符合 GB/T 37346 (6位行政区+3位地籍区+3位地籍子区+2位类别+5位顺序号)",
            "可继续使用; 如条件允许, 请使用标准宗地代码",
        )
    )
    return concat_findings(*parts)


def check_far_away(parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    """Parcels far from all the others (a mistyped coordinate, a wrong CRS), error.

    A parcel is far away when its centre lies more than :data:`FAR_AWAY_MIN_M` from the
    median centre of the layer and more than :data:`FAR_AWAY_FACTOR` times the median
    distance: 3,000 km off a city is caught, a country-wide layer is left alone. Areas of
    such a parcel would be computed far outside its projection zone, and it would join no
    platform and no county correctly.
    """
    geoms = parcels.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if present.sum() < 3:  # a median needs a few parcels
        return findings_frame()
    bounds = shapely.bounds(geoms[present])
    cx = (bounds[:, 0] + bounds[:, 2]) / 2.0
    cy = (bounds[:, 1] + bounds[:, 3]) / 2.0
    finite = np.isfinite(cx) & np.isfinite(cy)
    if not finite.any():
        return findings_frame()
    mx, my = np.median(cx[finite]), np.median(cy[finite])
    dist = np.where(finite, np.hypot(cx - mx, cy - my), np.inf)
    limit = max(FAR_AWAY_MIN_M, FAR_AWAY_FACTOR * float(np.median(dist[finite])))
    far = dist > limit
    if not far.any():
        return findings_frame()
    ids = row_ids(parcels, "parcels").to_numpy()[present][far]
    return finding_rows(
        "error",
        "PARCEL_FAR_AWAY",
        "parcels",
        ids,
        "geometry",
        [f"离其余宗地的中心 {d / 1000:,.0f} km, 远超其他宗地的分布范围" for d in dist[far]],
        "请检查该宗地的坐标 (是否输错坐标、用错坐标系或混入了其他地区的数据)",
    )

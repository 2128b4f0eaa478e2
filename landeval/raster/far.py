"""Floor-area ratio (容积率, FAR) of a parcel: the one rule for which floor area counts.

DESIGN §5: FAR is the registered floor area (不动产登记的建筑面积) over the parcel's area where
that is known, else the raster estimate, else unknown. In floor area a storey higher than 8 m
counts twice (the national 工业项目建设用地控制指标): the raster estimate counts its storeys so
(:mod:`landeval.raster.floors`, ``[raster] double_storey_above_m``); a registered floor area
is taken as registered (计容建筑面积 already counts so). The minimum a parcel's FAR is held to
is its industry's (``[flags.far_min]``: C33–C38 0.7, C20–C23 and rubber C291 0.8, plastics
C292 and electronics C39 1.0, …; :mod:`landeval.treatments.facts`). The raster stage writes it into
``parcel_raster`` (:mod:`landeval.raster.metrics`); the treatments stage applies the same
rule to a parcel without a raster row (:mod:`landeval.treatments.facts`).
"""

from __future__ import annotations

import numpy as np

FAR_SOURCES: tuple[str, ...] = ("registered", "raster", "none")
"""Values of ``far_source``: registered floor area, raster estimate, FAR unknown."""


def registered_far(floor_area_m2, area_m2) -> np.ndarray:
    """Registered floor area / parcel area; NaN where either is missing or the area ≤ 0.

    Examples
    --------
    >>> registered_far([500.0, np.nan, 500.0], [1000.0, 1000.0, 0.0]).tolist()
    [0.5, nan, nan]
    """
    floor = np.asarray(floor_area_m2, dtype=np.float64)
    area = np.asarray(area_m2, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(area > 0, floor / np.where(area > 0, area, 1.0), np.nan)


def far(floor_area_m2, area_m2, estimate=None) -> tuple[np.ndarray, np.ndarray]:
    """FAR of each parcel and its source (:data:`FAR_SOURCES`).

    Parameters
    ----------
    floor_area_m2, area_m2 : array-like of float
        Registered floor area and parcel area (m²); NaN where unknown.
    estimate : array-like of float, optional
        FAR estimated from the rasters (NaN where not measured); None: no estimate.

    Returns
    -------
    far : ndarray of float64
        :func:`registered_far` where it is finite, else the estimate (NaN without one).
    source : ndarray of str (object dtype)
        "registered", "raster" where the estimate is finite, else "none".

    Examples
    --------
    >>> value, source = far([500.0, np.nan, np.nan], [1000.0] * 3, estimate=[0.9, 0.9, np.nan])
    >>> value.tolist(), source.tolist()
    ([0.5, 0.9, nan], ['registered', 'raster', 'none'])
    """
    registered = registered_far(floor_area_m2, area_m2)
    if estimate is None:
        estimate = np.full(len(registered), np.nan)
    estimate = np.asarray(estimate, dtype=np.float64)
    has_registered = np.isfinite(registered)
    value = np.where(has_registered, registered, estimate)
    source = np.where(
        has_registered, "registered", np.where(np.isfinite(estimate), "raster", "none")
    ).astype(object)
    return value, source

"""Land 盘活 (DESIGN §11): the land of last year's list whose item the review closed.

:func:`revitalisation` sums :func:`landeval.monitoring.progress.list_progress` per city,
county and platform (last year's): the land listed, the land closed (已验收 or 已销号: only
the review closes an item), the land that only looks done (疑似完成), and the 盘活 target of
``[targets]`` where one is set (the city's ``revitalise_mu``, a county's
``revitalise_mu_county``; none for platforms).

Examples
--------
>>> from landeval.config import TargetSettings
>>> progress = pd.DataFrame({"county_code": ["330602", "330602", "330603"],
...     "platform_id": ["P1", None, None], "area_mu": [10.0, 5.0, 20.0],
...     "status": ["CLOSED", "SUSPECTED_DONE", "ACCEPTED"]})
>>> table = revitalisation(progress, targets=TargetSettings(revitalise_mu=60.0))
>>> table[["level", "region_id", "listed_mu", "closed_mu", "target_share"]].values.tolist()
[['city', 'city', 35.0, 30.0, 0.5],
 ['county', '330602', 15.0, 10.0, nan],
 ['county', '330603', 20.0, 20.0, nan],
 ['platform', 'P1', 10.0, 10.0, nan]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.config import TargetSettings
from landeval.vocabulary import CITY, CLOSED_LIST_STATUSES

REVITALISATION_COLUMNS: list[str] = [
    "level",
    "region_id",
    "listed_parcels",
    "listed_mu",
    "closed_parcels",
    "closed_mu",
    "closed_share",
    "suspected_mu",
    "target_mu",
    "target_share",
]
"""Columns of ``revitalisation``: level (city, county, platform) and region, last year's
listed parcels and area (亩), those closed and their share of the listed area, the area
that looks done (疑似完成), the 盘活 target and the share of it reached (missing without a
target)."""


def revitalisation(progress: pd.DataFrame, *, targets: TargetSettings) -> pd.DataFrame:
    """The 盘活 of last year's list per city, county and platform.

    Parameters
    ----------
    progress : DataFrame
        ``list_progress``: county_code, platform_id, area_mu, status.
    targets : TargetSettings
        ``[targets]`` (revitalise_mu, revitalise_mu_county).

    Returns
    -------
    DataFrame
        :data:`REVITALISATION_COLUMNS`: the city, then counties and platforms by code.
    """
    area = pd.to_numeric(progress["area_mu"], errors="coerce")
    status = progress["status"].astype("string")
    closed = status.isin(list(CLOSED_LIST_STATUSES)).to_numpy(dtype=bool)
    base = pd.DataFrame(
        {
            "listed_parcels": 1,
            "listed_mu": area,
            "closed_parcels": closed.astype("int64"),
            "closed_mu": area.where(closed, 0.0),
            "suspected_mu": area.where((status == "SUSPECTED_DONE").fillna(False), 0.0),
        }
    )
    parts = []
    for level, keys in (
        (CITY, pd.Series(CITY, index=progress.index)),
        ("county", progress["county_code"].astype("string")),
        ("platform", progress["platform_id"].astype("string")),
    ):
        sums = base.groupby(keys.to_numpy(dtype=object), dropna=True).sum(min_count=1)
        sums.index.name = "region_id"
        parts.append(sums.reset_index().assign(level=level))
    out = pd.concat(parts, ignore_index=True)
    for col in ("listed_parcels", "closed_parcels"):
        out[col] = out[col].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["closed_share"] = (out["closed_mu"] / out["listed_mu"]).where(out["listed_mu"] > 0)
    county_targets = targets.revitalise_mu_county
    out["target_mu"] = [
        targets.revitalise_mu
        if level == CITY
        else county_targets.get(str(region))
        if level == "county"
        else None
        for level, region in zip(out["level"], out["region_id"], strict=True)
    ]
    out["target_mu"] = pd.to_numeric(out["target_mu"], errors="coerce").astype("float64")
    out["target_share"] = (out["closed_mu"] / out["target_mu"]).where(out["target_mu"] > 0)
    out["region_id"] = out["region_id"].astype("str")
    out["level"] = out["level"].astype("str")
    return out[REVITALISATION_COLUMNS]

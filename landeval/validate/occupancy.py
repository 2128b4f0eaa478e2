"""Checks of the occupancy table (用地关系): its parcels, its firms, and leases per year.

A firm's land is the sum of its occupancy (DESIGN §5): a row pointing to an unknown parcel
would silently shrink it, and leases beyond a parcel's area would invent land.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from landeval.findings import concat_findings, findings_frame
from landeval.validate._rows import finding_rows, ids_where, isin, positions


def check_occupancy(
    occupancy: pd.DataFrame,
    parcels: pd.DataFrame,
    firms: pd.DataFrame | None = None,
    *,
    years: Iterable[int] = (),
) -> pd.DataFrame:
    """Occupancy rows against the parcels and the firm register, and leases per year.

    - unknown parcel: error; unknown firm: warning (its land is not evaluated);
    - leases of a parcel in a year summing to more than its area: error. A lease without
      ``area_m2`` counts as the whole parcel; a row covers ``from_year``..``to_year``
      (open when missing), checked in each of ``years`` (default: the years the rows name).
    """
    layer = "occupancy"
    parts = []
    # Each row's parcel (its first row in the layer), hashed once for the unknown parcels
    # and the leases.
    at = positions(occupancy["parcel_id"], parcels["parcel_id"])
    unknown_parcel = occupancy["parcel_id"].notna() & pd.Series(at < 0, index=occupancy.index)
    parts.append(
        finding_rows(
            "error",
            "UNKNOWN_PARCEL",
            layer,
            ids_where(occupancy, layer, unknown_parcel),
            "parcel_id",
            [f"宗地 {p} 不在宗地图层中" for p in occupancy.loc[unknown_parcel, "parcel_id"]],
            "请核对宗地代码 (一码管地), 或在宗地图层中补充该宗地",
        )
    )
    parts.append(
        finding_rows(
            "error",
            "KEY_MISSING",
            layer,
            ids_where(occupancy, layer, occupancy["parcel_id"].isna() | occupancy["uscc"].isna()),
            "parcel_id",
            "统一社会信用代码或宗地代码为空",
            "每行都需要企业和宗地编码",
        )
    )
    if firms is not None:
        unknown_firm = occupancy["uscc"].notna() & ~isin(occupancy["uscc"], firms["uscc"])
        parts.append(
            finding_rows(
                "warning",
                "UNKNOWN_FIRM",
                layer,
                ids_where(occupancy, layer, unknown_firm),
                "uscc",
                [
                    f"企业不在企业名录中 (宗地 {p}); 该用地不参与评价"
                    for p in occupancy.loc[unknown_firm, "parcel_id"]
                ],
                "请在企业名录中补充该企业",
            )
        )
    if "area_m2" in parcels.columns:
        parts.append(_check_leases(occupancy, parcels, years=years, at=at))
    return concat_findings(*parts)


def _check_leases(
    occupancy: pd.DataFrame, parcels: pd.DataFrame, *, years: Iterable[int], at: np.ndarray
) -> pd.DataFrame:
    """LEASE_EXCEEDS_AREA; ``at``: each occupancy row's parcel row (positions, -1: none).

    A parcel's area is that of its first row, as ``drop_duplicates("parcel_id")`` keeps.
    """
    is_lease = occupancy["relation"] == "lease"
    leases = occupancy[is_lease]
    if leases.empty:
        return findings_frame()
    lease_at = at[is_lease.to_numpy(dtype=bool)]
    areas = parcels["area_m2"].to_numpy(dtype=float, na_value=np.nan)
    parcel_area = np.full(len(lease_at), np.nan)
    found = lease_at >= 0
    parcel_area[found] = areas[lease_at[found]]
    # Parcels with no area (points, empty geometries) are errors of their own already.
    keep = parcel_area >= 1.0
    leases, lease_at, parcel_area = leases[keep], lease_at[keep], parcel_area[keep]
    year_list = sorted({int(y) for y in years})
    if not year_list:
        named = pd.concat([leases["from_year"], leases["to_year"]]).dropna()
        year_list = sorted({int(y) for y in named}) or [0]
    lo = leases["from_year"].astype("Float64").fillna(-np.inf).to_numpy(dtype=float)
    hi = leases["to_year"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    leased = leases["area_m2"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    leased = np.where(np.isnan(leased), parcel_area, leased)
    ys = np.asarray(year_list, dtype=float)
    active = (lo[:, None] <= ys[None, :]) & (ys[None, :] <= hi[:, None])
    row_idx, year_idx = np.nonzero(active)
    # Grouped by the parcel's row, an integer (one per parcel id), not by the id's text;
    # each group's rows are summed in the same order.
    per = pd.DataFrame(
        {
            "parcel": lease_at[row_idx],
            "year": ys[year_idx].astype(int),
            "leased": leased[row_idx],
        }
    )
    sums = per.groupby(["parcel", "year"], as_index=False)["leased"].sum()
    area = areas[sums["parcel"].to_numpy()]
    bad = (sums["leased"].to_numpy() > area * 1.001 + 1.0).nonzero()[0]
    ids = parcels["parcel_id"].to_numpy()[sums["parcel"].to_numpy()[bad]]
    year, total, area = (
        sums["year"].to_numpy()[bad],
        sums["leased"].to_numpy()[bad],
        area[bad],
    )
    # In the order of the ids' text, then year (the order of a group-by on the text).
    order = sorted(range(len(bad)), key=lambda i: (ids[i], year[i]))
    return finding_rows(
        "error",
        "LEASE_EXCEEDS_AREA",
        "occupancy",
        [str(ids[i]) for i in order],
        "area_m2",
        [
            f"{year[i]} 年出租面积合计 {total[i]:,.1f} m² 超过宗地面积 {area[i]:,.1f} m²"
            for i in order
        ],
        "请核对租赁面积与起止年份",
    )

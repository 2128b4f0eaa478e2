"""Platform summaries (DESIGN §6): per platform and per tier (2 / 6 / N).

Per group: parcels, area (mu), tax and value added of the evaluation year (all occupants, as
allocated to parcels), 亩均税收 and 亩均增加值 over the whole area of the group's parcels,
area by class, low-efficiency area (parcels on the action list, i.e. treatment other than
KEEP), area by treatment, and the trend of per-mu value added of above-scale firms against the
target (from :func:`landeval.mu_scoring.compute_trends`: the row of the evaluation year, else
the latest year). Platforms with no parcel are listed with zeros.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.labels import TIER_LABELS
from landeval.model import RESULT_COLUMNS

TIERS: tuple[str, ...] = ("2", "6", "N")
CLASSES: tuple[str, ...] = ("A", "B", "C", "D", "T")
TREATMENTS: tuple[str, ...] = ("EXIT", "CONVERT", "REBUILD", "UPGRADE", "KEEP")


def platform_summary(
    parcel_eval: pd.DataFrame,
    platforms: pd.DataFrame | None,
    trends: pd.DataFrame | None,
    *,
    year: int,
) -> pd.DataFrame:
    """Summarise parcels per platform and per tier.

    Parameters
    ----------
    parcel_eval : DataFrame
        Evaluated parcels: platform_id, tier, area_mu, class, treatment and the extra
        columns tax and value_added.
    platforms : DataFrame or None
        Platforms (platform_id, name, tier, kind, county_code); None gives an empty table.
    trends : DataFrame or None
        ``RESULT_COLUMNS["trends"]`` rows with level "platform" and "tier".
    year : int
        Evaluation year, whose trend row is reported.

    Returns
    -------
    DataFrame
        ``RESULT_COLUMNS["platform_summary"]``, platform rows (by platform_id) then tier rows
        (2, 6, N; platform_id = tier), plus ``area_mu_<CODE>`` for any treatment code of a
        project's own rules after them.
    """
    cols = list(RESULT_COLUMNS["platform_summary"])
    extra = sorted(set(parcel_eval["treatment"].dropna().astype(str)) - set(TREATMENTS))
    cols += [f"area_mu_{c}" for c in extra]
    if platforms is None or len(platforms) == 0:
        return pd.DataFrame({c: [] for c in cols})

    plats = platforms.drop_duplicates("platform_id").assign(
        platform_id=lambda f: f["platform_id"].astype("str")
    )
    plats = plats.sort_values("platform_id", kind="stable")
    pe = parcel_eval.loc[parcel_eval["platform_id"].notna()]

    by_plat = _aggregate(pe, pe["platform_id"].astype(str), extra)
    by_tier = _aggregate(pe, pe["tier"].astype(str), extra)

    head = pd.DataFrame(
        {
            "level": "platform",
            "platform_id": plats["platform_id"].to_numpy(dtype=object),
            "name": plats["name"].to_numpy(dtype=object),
            "tier": plats["tier"].astype("str").to_numpy(dtype=object),
            "kind": _get(plats, "kind"),
            "county_code": _get(plats, "county_code"),
        }
    )
    tiers = [t for t in TIERS if t in set(head["tier"])]
    tiers += sorted(set(head["tier"].dropna()) - set(TIERS))
    tier_head = pd.DataFrame(
        {
            "level": "tier",
            "platform_id": tiers,
            "name": [TIER_LABELS.get(t, {}).get("zh", t) for t in tiers],
            "tier": tiers,
            "kind": None,
            "county_code": None,
        }
    )
    plat_rows = head.join(by_plat, on="platform_id")
    tier_rows = tier_head.join(by_tier, on="platform_id")
    out = pd.concat([plat_rows, tier_rows], ignore_index=True)

    numeric = [c for c in cols if c.startswith("area_mu") or c in ("tax", "value_added")]
    numeric.append("low_eff_area_mu")
    out[numeric] = out[numeric].astype(float).fillna(0.0)
    out["parcels"] = out["parcels"].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        area = out["area_mu"].to_numpy()
        out["tax_per_mu"] = np.where(area > 0, out["tax"].to_numpy() / area, np.nan)
        out["va_per_mu"] = np.where(area > 0, out["value_added"].to_numpy() / area, np.nan)

    trend = _trend_rows(trends, year)
    key = list(zip(out["level"], out["platform_id"], strict=True))
    out["va_cagr"] = [trend.get(k, (np.nan, None))[0] for k in key]
    out["meets_target"] = pd.array([trend.get(k, (np.nan, None))[1] for k in key], "boolean")
    for col in ("level", "platform_id", "name", "tier", "kind", "county_code"):
        out[col] = pd.array(out[col].to_numpy(dtype=object), dtype="str")
    return out[cols]


def _get(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[col].to_numpy(dtype=object)


def _aggregate(pe: pd.DataFrame, key: pd.Series, extra: list[str]) -> pd.DataFrame:
    """Counts and area sums of the parcels grouped by ``key``."""
    area = pd.to_numeric(pe["area_mu"], errors="coerce").fillna(0.0)
    cls = pe["class"].astype("str").where(pe["class"].isin(CLASSES), "unclassed")
    treat = pe["treatment"].astype("str")
    frame = pd.DataFrame(
        {
            "key": key.to_numpy(dtype=object),
            "parcels": 1,
            "area_mu": area.to_numpy(),
            "tax": pd.to_numeric(pe.get("tax"), errors="coerce"),
            "value_added": pd.to_numeric(pe.get("value_added"), errors="coerce"),
            "low_eff_area_mu": np.where(treat.to_numpy(dtype=object) != "KEEP", area, 0.0),
        },
        index=pe.index,
    )
    for c in (*CLASSES, "unclassed"):
        frame[f"area_mu_{c}"] = np.where(cls.to_numpy(dtype=object) == c, area, 0.0)
    for t in (*TREATMENTS, *extra):
        frame[f"area_mu_{t}"] = np.where(treat.to_numpy(dtype=object) == t, area, 0.0)
    return frame.groupby("key").sum(min_count=0)


def _trend_rows(trends: pd.DataFrame | None, year: int) -> dict[tuple[str, str], tuple]:
    """(level, region_id) → (va_cagr, meets_target) of the evaluation year, else the latest."""
    if trends is None or len(trends) == 0:
        return {}
    t = trends.loc[trends["level"].isin(["platform", "tier"])].copy()
    t["_this"] = t["year"] == year
    t = t.sort_values(["level", "region_id", "_this", "year"], kind="stable")
    last = t.drop_duplicates(["level", "region_id"], keep="last")
    return {
        (str(r.level), str(r.region_id)): (
            float(r.va_cagr) if pd.notna(r.va_cagr) else np.nan,
            bool(r.meets_target) if pd.notna(r.meets_target) else None,
        )
        for r in last.itertuples(index=False)
    }

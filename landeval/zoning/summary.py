"""Platform summaries (DESIGN §6): per platform and per tier (2 / 6 / N).

Per group: parcels, area (mu), tax and value added of the evaluation year (all occupants, as
allocated to parcels), 亩均税收 and 亩均增加值 over the whole area of the group's parcels,
area by class, low-efficiency area (parcels on the action list, i.e. treatment other than
KEEP), area by treatment, and the trend of per-mu value added of above-scale firms against the
target (from :func:`landeval.mu_scoring.trends.compute_trends`: the row of the evaluation year, else
the latest year). Platforms with no parcel are listed with zeros.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval._arrow import encode, text_array
from landeval.inputs.model import RESULT_COLUMNS
from landeval.vocabulary import CLASS_LABELS, KEEP, TIER_LABELS, TREATMENT_ORDER


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
    # Distinct values first: a set over a million rows would box every string in Python.
    treatments = parcel_eval["treatment"].dropna().unique()
    extra = sorted({str(t) for t in treatments} - set(TREATMENT_ORDER))
    cols += [f"area_mu_{c}" for c in extra]
    if platforms is None or len(platforms) == 0:
        return pd.DataFrame({c: [] for c in cols})

    plats = platforms.drop_duplicates("platform_id").assign(
        platform_id=lambda f: f["platform_id"].astype("str")
    )
    plats = plats.sort_values("platform_id", kind="stable")
    # Only the columns summed, for the parcels in a platform (not a copy of every column).
    used = ["platform_id", "tier", "area_mu", "class", "treatment", "tax", "value_added"]
    pe = parcel_eval.loc[
        parcel_eval["platform_id"].notna().to_numpy(), [c for c in used if c in parcel_eval]
    ]

    values = _values(pe, extra)
    by_plat = _aggregate(values, pe["platform_id"].astype(str))
    by_tier = _aggregate(values, pe["tier"].astype(str))

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
    tiers = [t for t in TIER_LABELS if t in set(head["tier"])]
    tiers += sorted(set(head["tier"].dropna()) - set(TIER_LABELS))
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


def _values(pe: pd.DataFrame, extra: list[str]) -> dict[str, np.ndarray]:
    """The summed columns of each parcel: count, areas by class and treatment, money."""
    area = pd.to_numeric(pe["area_mu"], errors="coerce").fillna(0.0).to_numpy()
    cls = _is(text_array(pe["class"]))
    treat = _is(text_array(pe["treatment"]))
    values = {
        "parcels": np.ones(len(pe), dtype=np.int64),
        "area_mu": area,
        "tax": _numbers(pe, "tax"),
        "value_added": _numbers(pe, "value_added"),
        "low_eff_area_mu": np.where(treat(KEEP), 0.0, area),
    }
    classed = np.zeros(len(pe), dtype=bool)
    for c in CLASS_LABELS:
        is_c = cls(c)
        classed |= is_c
        values[f"area_mu_{c}"] = np.where(is_c, area, 0.0)
    values["area_mu_unclassed"] = np.where(classed, 0.0, area)
    for t in (*TREATMENT_ORDER, *extra):
        values[f"area_mu_{t}"] = np.where(treat(t), area, 0.0)
    return values


def _is(arr):
    """A function giving, for a text, the mask of the rows holding it (text encoded once)."""
    codes, uniq = encode(arr)
    where = {v: i for i, v in enumerate(uniq)}
    return lambda text: codes == where.get(text, -2)


def _aggregate(values: dict[str, np.ndarray], key: pd.Series) -> pd.DataFrame:
    """Sums of ``values`` grouped by ``key`` (missing keys left out), indexed by the key."""
    # Grouped on integer codes of the key: the same sums, in the same row order, as on text.
    codes, uniq = encode(text_array(key))
    keep = codes >= 0
    frame = pd.DataFrame({k: v[keep] for k, v in values.items()})
    sums = frame.groupby(codes[keep]).sum(min_count=0)
    names = np.array(uniq, dtype=object)[sums.index.to_numpy()]
    sums.index = pd.Index(pd.array(names, dtype="str"), name="key")
    return sums.sort_index()


def _numbers(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)


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

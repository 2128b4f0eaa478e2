"""The 汇总 and 平台汇总 tables: per county and per platform, what is listed and how it performs.

汇总 gives, per county and for the city, the industrial land (parcels and mu), each
treatment in the policy's order and 保留, the four lists together and their share of the
land (低效用地占比), and the county's per-mu tax and value added of above-scale firms in the
evaluation year (the ``trends`` table's 规上 figures, the ones a county states). 平台汇总 lists
the platforms of the 2+6+N system, then the tiers, from ``platform_summary``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landeval.export._columns import PLATFORM_COLUMNS, display_kind
from landeval.export._tables import (
    Table,
    build_table,
    column_of,
    names_from,
    treatment_codes,
    treatment_label,
)
from landeval.vocabulary import CITY, CITY_TOTAL, KEEP, TIER_LABELS, TOTAL, column_header, label

TIER_ORDER: tuple[str, ...] = ("2", "6", "N")
"""Platform tiers in the order of the 2+6+N system."""


def summary_table(
    parcel_eval: pd.DataFrame,
    *,
    lang: str = "zh",
    trends: pd.DataFrame | None = None,
    year: int | None = None,
    county_names: Mapping[str, str] | None = None,
) -> Table:
    """Per county and for the city: land, each treatment and 保留, low-efficiency share, per mu.

    Parameters
    ----------
    parcel_eval : DataFrame
        The ``parcel_eval`` result table.
    lang : {"zh", "en"}
        Language of headers and labels.
    trends : DataFrame, optional
        The ``trends`` table; its county and city rows of ``year`` give the per-mu figures
        of above-scale firms (missing when not given).
    year : int, optional
        The evaluation year.
    county_names : mapping, optional
        County code → name (the names in ``parcel_eval`` win).
    """
    codes = [*treatment_codes(parcel_eval), KEEP]
    frame = pd.DataFrame(
        {
            "_county": column_of(parcel_eval, "county_code").astype("string").fillna(""),
            "_t": column_of(parcel_eval, "treatment").astype("string").fillna(""),
            "_area": pd.to_numeric(column_of(parcel_eval, "area_mu"), errors="coerce").fillna(0.0),
        },
        index=parcel_eval.index,
    )
    counties = sorted(c for c in frame["_county"].unique() if c)
    names = {**(county_names or {}), **names_from(parcel_eval)}
    per_mu = _per_mu(trends, year)
    words = _Words(lang)
    headers = [column_header("county_name", lang)]  # type: ignore[arg-type]
    kinds = ["text"]
    keys = ["county_name"]
    groups: list[tuple[str, str | None]] = [(words.land, None)]
    groups += [(treatment_label(code, lang, parcel_eval), code) for code in codes]
    groups.append((words.listed, "*"))
    for name, _ in groups:
        headers += [f"{name} {words.parcels}", f"{name} {words.area}"]
        kinds += [display_kind("parcels"), display_kind("area_mu")]
        keys += ["parcels", "area_mu"]
    headers += [column_header(k, lang) for k in _TAIL]  # type: ignore[arg-type]
    kinds += [display_kind(k) for k in _TAIL]
    keys += list(_TAIL)
    listed = frame["_t"].isin(codes[:-1]).to_numpy(dtype=bool)
    rows = []
    for county in [*counties, None]:
        in_county = (
            np.ones(len(frame), bool)
            if county is None
            else (frame["_county"] == county).to_numpy(dtype=bool)
        )
        row: list[object] = [CITY_TOTAL[lang] if county is None else names.get(county, county)]
        for _, code in groups:
            if code is None:
                sel = in_county
            elif code == "*":
                sel = in_county & listed
            else:
                sel = in_county & (frame["_t"] == code).to_numpy(dtype=bool)
            row += [float(sel.sum()), float(frame["_area"].to_numpy()[sel].sum())]
        land = float(frame["_area"].to_numpy()[in_county].sum())
        low = float(frame["_area"].to_numpy()[in_county & listed].sum())
        tax, va = per_mu.get(CITY if county is None else county, (np.nan, np.nan))
        row += [low / land if land > 0 else np.nan, tax, va]
        rows.append(row)
    out = pd.DataFrame(rows, columns=headers, dtype=object)
    for header, kind in zip(headers, kinds, strict=True):
        if kind != "text":
            out[header] = pd.to_numeric(out[header], errors="coerce").astype("float64")
    return Table(out, tuple(kinds), tuple(keys))


_TAIL = ("low_eff_share", "above_tax_per_mu", "above_va_per_mu")


class _Words:
    """The words of the summary's headings in one language."""

    def __init__(self, lang: str) -> None:
        zh = lang == "zh"
        self.land = "工业用地" if zh else "Industrial land"
        self.listed = "四个一批合计" if zh else "Four lists"
        self.parcels = column_header("parcels", lang)  # type: ignore[arg-type]
        area = column_header("area_mu", lang)  # type: ignore[arg-type]
        self.area = area if zh else area[:1].lower() + area[1:]
        if not zh:
            self.parcels = self.parcels.lower()
        self.total = TOTAL[lang]


def _per_mu(trends: pd.DataFrame | None, year: int | None) -> dict[str, tuple[float, float]]:
    """Region code → (tax per mu, value added per mu) of ``year`` (county and city rows)."""
    if trends is None or not len(trends) or year is None or "level" not in trends:
        return {}
    level = column_of(trends, "level").astype("string")
    years = pd.to_numeric(column_of(trends, "year"), errors="coerce")
    rows = trends[(level.isin(["county", "city"]) & (years == year)).fillna(False).to_numpy(bool)]
    out = {}
    for lv, region, tax, va in zip(
        column_of(rows, "level"),
        column_of(rows, "region_id"),
        pd.to_numeric(column_of(rows, "tax_per_mu"), errors="coerce"),
        pd.to_numeric(column_of(rows, "va_per_mu"), errors="coerce"),
        strict=True,
    ):
        out[CITY if lv == "city" else str(region)] = (float(tax), float(va))
    return out


def platform_table(
    platform_summary: pd.DataFrame | None,
    *,
    lang: str = "zh",
    county_names: Mapping[str, str] | None = None,
) -> Table:
    """The platforms (by tier, county and code), then one row per tier.

    Parameters
    ----------
    platform_summary : DataFrame or None
        The ``platform_summary`` result table (platform rows, then tier rows).
    lang : {"zh", "en"}
        Language of headers and labels.
    county_names : mapping, optional
        County code → name.
    """
    frame = platform_summary if platform_summary is not None else pd.DataFrame()
    names = dict(county_names or {})
    if len(frame):
        level = column_of(frame, "level").astype("string").fillna("platform")
        tier = column_of(frame, "tier").astype("string").fillna("")
        keys = pd.DataFrame(
            {
                "_tier_row": (level == "tier").to_numpy(dtype=bool),
                "_tier": tier.map(lambda t: TIER_ORDER.index(t) if t in TIER_ORDER else 9),
                "_county": column_of(frame, "county_code").astype("string").fillna(""),
                "_id": column_of(frame, "platform_id").astype("string").fillna(""),
            },
            index=frame.index,
        )
        order = keys.sort_values(["_tier_row", "_tier", "_county", "_id"], kind="stable").index
        frame = frame.loc[order]
        area = pd.to_numeric(column_of(frame, "area_mu"), errors="coerce")
        low = pd.to_numeric(column_of(frame, "low_eff_area_mu"), errors="coerce")
        county = column_of(frame, "county_code")
        is_tier = column_of(frame, "level").astype("string") == "tier"
        frame = frame.assign(
            low_eff_share=(low / area.where(area > 0)).to_numpy(dtype="float64"),
            county_name=[None if pd.isna(c) else names.get(str(c), str(c)) for c in county],
            # a tier row is named by its tier: its tier column stays empty
            tier=column_of(frame, "tier").where(~is_tier.fillna(False).to_numpy(bool), None),
            name=[
                label(TIER_LABELS, str(t), lang) if tr else n  # type: ignore[arg-type]
                for n, t, tr in zip(
                    column_of(frame, "name"),
                    column_of(frame, "platform_id"),
                    is_tier.fillna(False),
                    strict=True,
                )
            ],
        )
    return build_table(frame, PLATFORM_COLUMNS, lang=lang)

"""The platforms as every map shows them: their summary, popup, and the columns shipped.

A platform's popup gives its tier, kind, county, parcels and land, per-mu tax and value
added, land by class, low-efficiency land and its growth against the plan's target (8.5 % a
year by default), from the ``platform_summary`` table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from landeval._format import format_number
from landeval.maps.encode import ColumnKind
from landeval.maps.layers import PopupField
from landeval.vocabulary import COLUMNS, UNITS, Language, column_header

if TYPE_CHECKING:
    from landeval.maps._base import MapContext

SUMMARY_COLUMNS = [
    "parcels",
    "area_mu",
    "tax_per_mu",
    "va_per_mu",
    "area_mu_A",
    "area_mu_B",
    "area_mu_C",
    "area_mu_D",
    "low_eff_area_mu",
    "va_cagr",
    "meets_target",
]
"""Columns of ``platform_summary`` the popups read."""

PLATFORM_COLUMNS: dict[str, ColumnKind] = {
    "platform_id": "text",
    "name": "text",
    "tier": "text",
    "kind": "text",
    "county_name": "text",
    "parcels": "num0",
    "area_mu": "num1",
    "tax_per_mu": "num2",
    "va_per_mu": "num2",
    "class_mix": "text",
    "low_eff_area_mu": "num1",
    "va_cagr": "num3",
    "meets_target": "bool",
}
"""The platform columns a page ships (and how they are encoded)."""


def platform_attributes(
    platforms: pd.DataFrame,
    summary: pd.DataFrame | None,
    *,
    lang: Language = "zh",
    county_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Platform rows joined with their summary (level "platform"), class mix, county name."""
    out = platforms.copy()
    out["tier"] = out["tier"].astype(object).map(lambda t: None if pd.isna(t) else str(t))
    if summary is not None and len(summary):
        rows = summary
        if "level" in rows.columns:
            rows = rows[rows["level"].astype(object) == "platform"]
        keep = ["platform_id", *[c for c in SUMMARY_COLUMNS if c in rows.columns]]
        rows = rows[keep].drop_duplicates("platform_id")
        out = out.drop(columns=[c for c in keep[1:] if c in out.columns]).merge(
            rows, on="platform_id", how="left"
        )
    unit = UNITS["mu"].zh if lang == "zh" else " " + UNITS["mu"].en
    mixes = []
    for _, row in out.iterrows():
        parts = []
        for cls in "ABCD":
            value = row.get(f"area_mu_{cls}")
            if value is not None and pd.notna(value):
                parts.append(f"{cls} {format_number(value, 1)}{unit}")
        mixes.append(" · ".join(parts) or None)
    out["class_mix"] = mixes
    names = dict(county_names or {})
    codes = out["county_code"] if "county_code" in out else pd.Series([None] * len(out))
    out["county_name"] = [None if pd.isna(c) else names.get(str(c), str(c)) for c in codes]
    return out


def platform_popup(ctx: MapContext) -> list[PopupField]:
    """The rows of a platform's popup: what it is, how it performs, its growth and target."""
    zh = ctx.lang == "zh"
    target = format_number(ctx.config.trends.target_growth, 1, percent=True)
    growth = COLUMNS["va_cagr"].name(ctx.lang)
    cagr = f"{growth}（目标 {target}）" if zh else f"{growth} (target {target})"
    return [
        *(
            PopupField(column_header(column, ctx.lang), column, fmt)
            for column, fmt in (
                ("tier", "tier"),
                ("kind", "text"),
                ("county_name", "text"),
                ("parcels", "num0"),
                ("area_mu", "num1"),
                ("tax_per_mu", "num2"),
                ("va_per_mu", "num2"),
                ("class_mix", "text"),
                ("low_eff_area_mu", "num1"),
            )
        ),
        PopupField(cagr, "va_cagr", "pct"),
        PopupField(column_header("meets_target", ctx.lang), "meets_target", "bool"),
    ]

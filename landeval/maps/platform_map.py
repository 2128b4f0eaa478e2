"""Platform map: the 2+6+N platforms by tier with a summary popup, parcels, control line."""

from __future__ import annotations

import pandas as pd

from landeval._format import format_number
from landeval.maps._base import (
    MapContext,
    add_context_layers,
    add_dataset,
    add_parcel_dataset,
    finish,
    new_map,
)
from landeval.maps.controls import LegendItem, LegendSection
from landeval.maps.layers import DataLayer, LayerStyle, PopupField, swatch_label
from landeval.vocabulary import COLUMNS, TIER_LABELS, UNITS, Language, column_header, label

TIER_COLORS: dict[str, str] = {"2": "#b2182b", "6": "#ef8a62", "N": "#4393c3"}
"""Colour per platform tier (2 strategic, 6 backbone, N small)."""
OUTSIDE_COLOR = "#bdbdbd"

_SUMMARY = [
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


def platform_attributes(
    platforms: pd.DataFrame, summary: pd.DataFrame | None, *, lang: Language = "zh"
) -> pd.DataFrame:
    """Platform rows joined with their summary (level "platform") and a class-mix text."""
    out = platforms.copy()
    out["tier"] = out["tier"].astype(object).map(lambda t: None if pd.isna(t) else str(t))
    if summary is not None and len(summary):
        rows = summary
        if "level" in rows.columns:
            rows = rows[rows["level"].astype(object) == "platform"]
        keep = ["platform_id", *[c for c in _SUMMARY if c in rows.columns]]
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
    return out


def platform_map_html(ctx: MapContext) -> str:
    """Render the platform map page (self-contained HTML text)."""
    zh = ctx.lang == "zh"
    fmap = new_map(ctx, kind="platform_map")
    reference = add_context_layers(fmap, ctx)
    sections = []
    if ctx.platforms is not None:
        sections.append(_platform_layers(fmap, ctx))
    attrs = ctx.parcels.attributes.copy()
    if "tier" in attrs.columns:
        attrs["tier"] = attrs["tier"].astype(object).map(lambda t: None if pd.isna(t) else str(t))
    add_parcel_dataset(
        fmap,
        ctx,
        attributes=attrs,
        columns={
            "parcel_id": "text",
            "county_name": "text",
            "platform_name": "text",
            "tier": "text",
            "area_mu": "num2",
            "main_name": "text",
            "occupant_names": "text",
            "class": "text",
        },
        popup=[
            ("county_name", "text"),
            ("platform_name", "text"),
            ("tier", "tier"),
            ("area_mu", "num2"),
            ("occupant_names", "text"),
            ("class", "class"),
        ],
    )
    text = "宗地（按所属平台层级着色）" if zh else "Parcels (by platform tier)"
    DataLayer(
        "parcels",
        name=swatch_label(text, OUTSIDE_COLOR, count=len(attrs)),
        dataset="parcels",
        style=LayerStyle(
            color="#777777",
            weight=0.4,
            fill_color=OUTSIDE_COLOR,
            fill_opacity=0.6,
            fill_by="tier",
            fill_map=TIER_COLORS,
        ),
    ).add_to(fmap)
    outside = "平台外宗地" if zh else "parcels outside platforms"
    sections.append(
        LegendSection(
            "宗地" if zh else "Parcels",
            [LegendItem(OUTSIDE_COLOR, outside)],
            layers=["parcels"],
        )
    )
    return finish(fmap, ctx, sections + reference)


def _platform_layers(fmap, ctx: MapContext) -> LegendSection:
    zh = ctx.lang == "zh"
    layer = ctx.platforms
    attrs = platform_attributes(layer.attributes, ctx.platform_summary, lang=ctx.lang)
    target = format_number(ctx.config.trends.target_growth, 1, percent=True)
    growth = COLUMNS["va_cagr"].name(ctx.lang)
    cagr = f"{growth}（目标 {target}）" if zh else f"{growth} (target {target})"
    popup = [
        *(
            PopupField(column_header(column, ctx.lang), column, fmt)
            for column, fmt in (
                ("tier", "tier"),
                ("kind", "text"),
                ("county_code", "text"),
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
    add_dataset(
        fmap,
        "platforms",
        layer,
        attributes=attrs,
        columns={
            "platform_id": "text",
            "name": "text",
            "tier": "text",
            "kind": "text",
            "county_code": "text",
            "parcels": "num0",
            "area_mu": "num1",
            "tax_per_mu": "num2",
            "va_per_mu": "num2",
            "class_mix": "text",
            "low_eff_area_mu": "num1",
            "va_cagr": "num3",
            "meets_target": "bool",
        },
        popup=popup,
        title="name",
        search=("name", "platform_id"),
        tooltip=("name",),
    )
    items = []
    tiers = attrs["tier"].astype(object)
    for tier, color in TIER_COLORS.items():
        text = label(TIER_LABELS, tier, ctx.lang)
        text = f"“{tier}”{text}" if zh else f"{text} ({tier})"
        DataLayer(
            f"tier_{tier}",
            name=swatch_label(text, color, count=int((tiers == tier).sum())),
            dataset="platforms",
            style=LayerStyle(color=color, weight=2.5, fill_color=color, fill_opacity=0.18),
            filter_column="tier",
            filter_values=[tier],
        ).add_to(fmap)
        items.append(LegendItem(color, text))
    return LegendSection("“2+6+N”产业平台" if zh else "2+6+N platforms", items)

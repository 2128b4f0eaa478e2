"""Platform map: the 2+6+N platforms by tier with a summary popup, parcels, control line.

A platform's popup opens from its name label, from the search box, from a click on its
land between parcels, or from the link in the popup of any parcel inside it.
"""

from __future__ import annotations

import pandas as pd

from landeval.maps._base import (
    MapContext,
    add_context_layers,
    add_parcel_dataset,
    finish,
    new_map,
)
from landeval.maps.controls import LegendItem, LegendSection
from landeval.maps.fields import PARCEL_POPUP
from landeval.maps.layers import DataLayer, LayerStyle, swatch_label
from landeval.maps.platforms import platform_attributes
from landeval.vocabulary import TIER_LABELS, label

__all__ = ["OUTSIDE_COLOR", "TIER_COLORS", "platform_attributes", "platform_map_html"]

TIER_COLORS: dict[str, str] = {"2": "#b2182b", "6": "#ef8a62", "N": "#4393c3"}
"""Colour per platform tier (2 strategic, 6 backbone, N small)."""
OUTSIDE_COLOR = "#bdbdbd"


def platform_map_html(ctx: MapContext) -> str:
    """Render the platform map page (self-contained HTML text)."""
    zh = ctx.lang == "zh"
    fmap = new_map(ctx, kind="platform_map")
    reference = add_context_layers(fmap, ctx, platform_outlines=False)
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
            "tax_per_mu": "num2",
            "va_per_mu": "num2",
            "far": "num2",
            "coverage": "num3",
            "flags": "text",
        },
        popup=[*PARCEL_POPUP, ("tier", "tier"), ("treatment", "treatment")],
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
        filterable=True,
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
    """One layer per tier, drawn from the platforms dataset every map carries."""
    zh = ctx.lang == "zh"
    attrs = ctx.platforms.attributes
    items = []
    tiers = attrs["tier"].astype(object).map(lambda t: None if pd.isna(t) else str(t))
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

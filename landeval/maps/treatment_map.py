"""Treatment map: parcels by 四个一批 treatment and 保留, the control line, 改一补一 items."""

from __future__ import annotations

from landeval.maps._base import (
    MapContext,
    add_context_layers,
    add_dataset,
    add_parcel_dataset,
    finish,
    new_map,
    treatment_labels,
)
from landeval.maps.controls import LegendItem, LegendSection
from landeval.maps.fields import PARCEL_POPUP
from landeval.maps.layers import DataLayer, LayerStyle, PopupField, swatch_label
from landeval.vocabulary import (
    CHANGE_KIND_LABELS,
    KEEP,
    TREATMENT_LABELS,
    TREATMENT_ORDER,
    column_header,
    label,
)

TREATMENT_COLORS: dict[str, str] = {
    "EXIT": "#d7191c",
    "CONVERT": "#8e44ad",
    "REBUILD": "#f46d43",
    "UPGRADE": "#fdd835",
    "KEEP": "#b7c9a8",
}
"""Fill colour per treatment; codes added in a project's rules get the fallback colours."""
_EXTRA_COLORS = ("#1f78b4", "#33a02c", "#fb9a99", "#cab2d6", "#b15928")
MISSING_COLOR = "#d9d9d9"
BALANCE_COLORS = {"convert": "#6a3d9a", "supplement": "#1f78b4"}

PARCEL_COLUMNS = {
    "parcel_id": "text",
    "county_name": "text",
    "platform_name": "text",
    "area_mu": "num2",
    "main_name": "text",
    "occupant_names": "text",
    "class": "text",
    "tax_per_mu": "num2",
    "va_per_mu": "num2",
    "far": "num2",
    "coverage": "num3",
    "flags": "text",
    "treatment": "text",
    "reason_zh": "text",
    "inside_line": "bool",
    "must_stay_industrial": "bool",
}
POPUP = [
    *PARCEL_POPUP,
    ("treatment", "treatment"),
    ("reason_zh", "text"),
    ("inside_line", "bool"),
    ("must_stay_industrial", "bool"),
]


def treatment_map_html(ctx: MapContext) -> str:
    """Render the treatment map page (self-contained HTML text)."""
    zh = ctx.lang == "zh"
    fmap = new_map(ctx, kind="treatment_map")
    reference = add_context_layers(fmap, ctx)
    attrs = ctx.parcels.attributes
    add_parcel_dataset(fmap, ctx, attributes=attrs, columns=PARCEL_COLUMNS, popup=POPUP)
    names = {**{c: label(TREATMENT_LABELS, c, ctx.lang) for c in TREATMENT_LABELS}}
    names.update(treatment_labels(ctx))
    values = attrs["treatment"].astype(object).where(attrs["treatment"].notna(), "")
    codes = legend_order([r.code for r in ctx.config.treatments], set(values))
    items = []
    extra = iter(_EXTRA_COLORS)
    for code in codes:
        color = TREATMENT_COLORS.get(code) or (
            next(extra, MISSING_COLOR) if code else MISSING_COLOR
        )
        text = names.get(code, code) if code else ("未判定" if zh else "not decided")
        count = int((values == code).sum())
        DataLayer(
            f"treatment_{code or 'none'}",
            name=swatch_label(text, color, count=count),
            dataset="parcels",
            style=LayerStyle(color="#666666", weight=0.5, fill_color=color, fill_opacity=0.75),
            filter_column="treatment",
            filter_values=[code],
        ).add_to(fmap)
        items.append(LegendItem(color, text))
    sections = [LegendSection("处置方式（四个一批）" if zh else "Treatment", items)]
    sections += _balance_layers(fmap, ctx)
    return finish(fmap, ctx, sections + reference)


def legend_order(configured: list[str], present: set[str]) -> list[str]:
    """Treatment codes as the legend lists them: the policy's order, then a project's own.

    The four treatments in :data:`~landeval.vocabulary.TREATMENT_ORDER`, then the codes of
    the configured rules that are not among them, then any other code present (sorted),
    then 保留 (KEEP), and "" (no treatment decided) when a parcel has none.
    """
    codes = [c for c in TREATMENT_ORDER if c != KEEP]
    codes += [c for c in configured if c not in codes]
    codes += sorted(c for c in present - set(codes) - {KEEP} if c)
    codes.append(KEEP)
    if "" in present:
        codes.append("")
    return codes


def _balance_layers(fmap, ctx: MapContext) -> list[LegendSection]:
    layer = ctx.balance_items
    if layer is None:
        return []
    zh = ctx.lang == "zh"
    attrs = layer.attributes.copy()
    kind_names = {k: label(CHANGE_KIND_LABELS, k, ctx.lang) for k in CHANGE_KIND_LABELS}
    attrs["kind_label"] = [kind_names.get(k, k) for k in attrs["kind"].astype(object)]
    popup = [PopupField(column_header("change_kind", ctx.lang), "kind_label")]
    popup += [
        PopupField(column_header(column, ctx.lang), column, fmt)
        for column, fmt in (
            ("source", "text"),
            ("county_code", "text"),
            ("planned_use", "text"),
            ("area_mu", "num2"),
            ("counted_mu", "num2"),
            ("counted", "bool"),
            ("why_not_counted", "text"),
        )
    ]
    add_dataset(
        fmap,
        "balance",
        layer,
        attributes=attrs,
        columns={
            "item_id": "text",
            "kind": "text",
            "kind_label": "text",
            "source": "text",
            "county_code": "text",
            "planned_use": "text",
            "area_mu": "num2",
            "counted_mu": "num2",
            "counted": "bool",
            "why_not_counted": "text",
        },
        popup=popup,
        title="item_id",
        search=("item_id",),
        tooltip=("item_id", "kind_label"),
    )
    items = []
    kinds = attrs["kind"].astype(object)
    for kind in ("convert", "supplement"):
        color = BALANCE_COLORS[kind]
        text = ("改一补一：" if zh else "Balance: ") + kind_names[kind]
        DataLayer(
            f"balance_{kind}",
            name=swatch_label(text, color, count=int((kinds == kind).sum()), line=True),
            dataset="balance",
            style=LayerStyle(
                color=color, weight=2.2, fill_color=color, fill_opacity=0.15, dash_by="counted"
            ),
            filter_column="kind",
            filter_values=[kind],
        ).add_to(fmap)
        items.append(
            LegendItem(color, kind_names[kind] + ("（计入）" if zh else " (counted)"), "line")
        )
        items.append(
            LegendItem(color, kind_names[kind] + ("（未计入）" if zh else " (not counted)"), "dash")
        )
    return [LegendSection("改一补一" if zh else "Convert-one-supplement-one", items)]

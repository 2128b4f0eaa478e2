"""Treatment map: parcels by 四个一批 treatment and 保留, the control line, 改一补一 items."""

from __future__ import annotations

import pandas as pd

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
from landeval.maps.decisions import OVERRIDDEN
from landeval.maps.fields import PARCEL_POPUP
from landeval.maps.layers import DataLayer, LayerStyle, PopupField, swatch_label
from landeval.vocabulary import (
    CHANGE_KIND_LABELS,
    DECISION_COLORS,
    DECISION_LABELS,
    KEEP,
    MAP_MARKS,
    TREATMENT_ORDER,
    Language,
    column_header,
    label,
    land_use_label,
)

_EXTRA_COLORS = ("#1b9e77", "#e7298a", "#66a61e", "#a6761d", "#666666")
MISSING_COLOR = "#d9d9d9"
OVERRIDDEN_STROKE = "#000000"  # the outline of a parcel whose decision the review changed
BALANCE_COLORS = {"convert": "#6a3d9a", "supplement": "#1f78b4"}

PARCEL_COLUMNS = {
    "tax_per_mu": "num2",
    "va_per_mu": "num2",
    "far": "num2",
    "coverage": "num3",
    "flags": "text",
    "reason_zh": "text",
    "path_zh": "text",
    "firm_actions_zh": "text",
    "needs_check": "bool",
    "check_reason_zh": "text",
    "proposed_treatment": "text",
    "overridden": "text",
    "decision_source": "text",
    "review_reason": "text",
    "reviewer": "text",
    "reviewed_on": "text",
    "responsible": "text",
    "deadline": "text",
    "progress": "text",
    "inside_line": "bool",
    "must_stay_industrial": "bool",
}
POPUP = [
    *PARCEL_POPUP,
    ("treatment", "treatment"),
    # where a review decided (landeval.maps.decisions): the proposal, who decided, the notes
    ("proposed_treatment", "treatment"),
    ("decision_source", "text"),
    ("review_reason", "text"),
    ("reviewer", "text"),
    ("reviewed_on", "text"),
    ("responsible", "text"),
    ("deadline", "text"),
    ("progress", "text"),
    ("reason_zh", "text"),
    ("path_zh", "text"),
    ("firm_actions_zh", "text"),
    ("needs_check", "bool"),
    ("check_reason_zh", "text"),
    ("inside_line", "bool"),
    ("must_stay_industrial", "bool"),
]
BALANCE_COLUMNS = {
    "item_id": "text",
    "kind": "text",
    "kind_label": "text",
    "source": "text",
    "county_name": "text",
    "status": "text",
    "approved_on": "text",
    "approval_no": "text",
    "main_name": "text",
    "reason_zh": "text",
    "planned_use_text": "text",
    "area_mu": "num2",
    "counted_mu": "num2",
    "counted": "bool",
    "why_zh": "text",
    "offsets": "text",
}
"""The 改一补一 item columns a page ships: what the popup shows, named, never a bare code."""


def treatment_map_html(ctx: MapContext) -> str:
    """Render the treatment map page (self-contained HTML text)."""
    zh = ctx.lang == "zh"
    fmap = new_map(ctx, kind="treatment_map")
    reference = add_context_layers(fmap, ctx)
    attrs = ctx.parcels.attributes
    add_parcel_dataset(fmap, ctx, attributes=attrs, columns=PARCEL_COLUMNS, popup=POPUP)
    names = {**{c: label(DECISION_LABELS, c, ctx.lang) for c in DECISION_LABELS}}
    names.update(treatment_labels(ctx))
    values = attrs["treatment"].astype(object).where(attrs["treatment"].notna(), "")
    codes = legend_order([r.code for r in ctx.config.treatments], set(values))
    items = []
    extra = iter(_EXTRA_COLORS)
    for code in codes:
        color = DECISION_COLORS.get(code) or (
            next(extra, MISSING_COLOR) if code else MISSING_COLOR
        )  # the four treatments in four hues apart: 关停退出 red, 拆除重建 blue
        text = names.get(code, code) if code else ("未判定" if zh else "not decided")
        count = int((values == code).sum())
        DataLayer(
            f"treatment_{code or 'none'}",
            name=swatch_label(text, color, count=count),
            dataset="parcels",
            style=LayerStyle(
                color="#666666",
                weight=0.5,
                fill_color=color,
                fill_opacity=0.75,
                stroke_by="overridden",
                stroke_map={OVERRIDDEN: OVERRIDDEN_STROKE},
            ),
            filter_column="treatment",
            filter_values=[code],
            filterable=True,
        ).add_to(fmap)
        items.append(LegendItem(color, text))
    if "overridden" in attrs and bool((attrs["overridden"] == OVERRIDDEN).fillna(False).any()):
        items.append(LegendItem(OVERRIDDEN_STROKE, label(MAP_MARKS, "OVERRIDDEN", ctx.lang)))
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
    attrs = balance_attributes(layer.attributes, ctx)
    kind_names = {k: label(CHANGE_KIND_LABELS, k, ctx.lang) for k in CHANGE_KIND_LABELS}
    popup = [PopupField(column_header("change_kind", ctx.lang), "kind_label")]
    popup += [
        PopupField(column_header(key, ctx.lang), column, fmt)
        for column, key, fmt in (
            ("source", "source", "source"),
            ("county_name", "county_name", "text"),
            ("status", "item_status", "status"),
            ("approved_on", "approved_on", "text"),
            ("approval_no", "approval_no", "text"),
            ("main_name", "main_name", "text"),
            ("reason_zh", "convert_reason_zh", "text"),
            ("planned_use_text", "planned_use", "text"),
            ("area_mu", "area_mu", "num2"),
            ("counted_mu", "counted_mu", "num2"),
            ("counted", "counted", "bool"),
            ("why_zh", "why_zh", "text"),
            ("offsets", "offsets", "text"),
        )
        if column in attrs.columns
    ]
    add_dataset(
        fmap,
        "balance",
        layer,
        attributes=attrs,
        columns={c: k for c, k in BALANCE_COLUMNS.items() if c in attrs.columns},
        popup=popup,
        title="item_id",
        search=("item_id",),
        tooltip=("item_id", "kind_label"),
        lang=ctx.lang,
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


def balance_attributes(items: pd.DataFrame, ctx: MapContext) -> pd.DataFrame:
    """改一补一 items as the popup shows them: names for codes, dates as dates, one note.

    The note (计入说明) says why an item counts in part or not at all; an item of a parcel
    names its firm and why it is converted, from the parcels when the items lack them.
    """
    out = items.copy()
    kind_names = {k: label(CHANGE_KIND_LABELS, k, ctx.lang) for k in CHANGE_KIND_LABELS}
    out["kind_label"] = [kind_names.get(k, k) for k in out["kind"].astype(object)]
    names = dict(ctx.config.project.counties)
    if "county_code" in out:
        out["county_name"] = [
            None if pd.isna(c) else names.get(str(c), str(c)) for c in out["county_code"]
        ]
    if "planned_use" in out:
        out["planned_use_text"] = [
            None if pd.isna(c) else _land_use_text(str(c), ctx.lang) for c in out["planned_use"]
        ]
    if "approved_on" in out:
        stamps = pd.to_datetime(out["approved_on"], errors="coerce")
        out["approved_on"] = stamps.dt.strftime("%Y-%m-%d").where(stamps.notna(), None)
    if "why_zh" not in out and "why_not_counted" in out:
        out["why_zh"] = out["why_not_counted"]
    parcels = ctx.parcels.attributes
    if "parcel_id" in parcels and "source" in out:
        lookup = parcels.drop_duplicates("parcel_id").set_index("parcel_id")
        is_parcel = out["source"].astype(object) == "parcel"
        for column in ("main_name", "reason_zh"):
            if column not in lookup:
                continue
            found = out["item_id"].map(lookup[column]).where(is_parcel)
            out[column] = out[column].where(out[column].notna(), found) if column in out else found
    return out


def _land_use_text(code: str, lang: Language) -> str:
    name = land_use_label(code, lang)
    return f"{code} {name}" if name else code

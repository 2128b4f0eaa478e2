"""Efficiency map: parcels by class (闲置土地 and 停产 apart) or by a per-mu choropleth.

The three views are exclusive (radio buttons in a grouped layer control): one colouring
of the parcels at a time, with its legend alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval._format import format_number
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
from landeval.vocabulary import CLASS_COLORS, CLASS_LABELS, COLUMNS, FLAG_LABELS, label

CATEGORY_COLORS: dict[str, str] = {
    **CLASS_COLORS,
    "STOPPED": "#525252",
    "IDLE_LAND": "#8c510a",
    "VACANT": "#c7b9a5",
    "NONE": "#d9d9d9",
}
"""Fill colour per efficiency category (:func:`landeval.maps.fields.parcel_attributes`): the
classes; 停产 (a stopped factory) dark grey and 闲置土地 (land not developed as contracted)
brown, apart from any class; a mostly vacant parcel without a class; no evaluated occupant."""
SHOWN_WHEN_PRESENT: frozenset[str] = frozenset({"STOPPED", "IDLE_LAND", "VACANT", "NONE"})
"""Categories the legend lists only when a parcel is in them (the classes always)."""
RAMPS: dict[str, tuple[str, ...]] = {
    "tax_per_mu": ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    "va_per_mu": ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
"""Sequential colours (low → high) of the two choropleths; their length is the class count."""
NO_VALUE_COLOR = "#e6e6e6"

PARCEL_COLUMNS = {
    "cat": "text",
    "tax_per_mu": "num2",
    "va_per_mu": "num2",
    "tax_per_mu_q": "num0",
    "va_per_mu_q": "num0",
    "far": "num2",
    "coverage": "num3",
    "flags": "text",
    "measures_zh": "text",
}
POPUP = [*PARCEL_POPUP, ("measures_zh", "text")]  # the main occupant's 差别化施策, if any


def quantile_classes(values: pd.Series, k: int) -> tuple[np.ndarray, list[float]]:
    """Quantile classes of a numeric column.

    Parameters
    ----------
    values : pandas.Series
        Numbers; missing values get no class.
    k : int
        Wanted number of classes (fewer when many values tie).

    Returns
    -------
    classes : numpy.ndarray
        Class index per row (float, NaN where missing), 0 the lowest.
    bins : list of float
        Upper bound of each class.
    """
    x = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    ok = np.isfinite(x)
    classes = np.full(len(x), np.nan)
    if not ok.any():
        return classes, []
    bins = _quantile_bins(x[ok], k=min(k, int(ok.sum())))
    classes[ok] = np.searchsorted(bins, x[ok], side="left")
    return classes, [float(b) for b in bins]


def efficiency_map_html(ctx: MapContext) -> str:
    """Render the efficiency map page (self-contained HTML text)."""
    zh = ctx.lang == "zh"
    fmap = new_map(ctx, kind="efficiency_map")
    reference = add_context_layers(fmap, ctx, control_line_show=False)
    attrs = ctx.parcels.attributes.copy()
    bins: dict[str, list[float]] = {}
    for column, ramp in RAMPS.items():
        source = attrs[column] if column in attrs.columns else pd.Series([np.nan] * len(attrs))
        attrs[f"{column}_q"], bins[column] = quantile_classes(source, len(ramp))
    add_parcel_dataset(fmap, ctx, attributes=attrs, columns=PARCEL_COLUMNS, popup=POPUP)
    items = []
    for cat, color in CATEGORY_COLORS.items():
        count = int((attrs["cat"] == cat).sum())
        if cat in SHOWN_WHEN_PRESENT and not count:
            continue  # e.g. "no evaluated occupant" only when there is such a parcel
        items.append(LegendItem(color, f"{_category_label(cat, zh=zh)} ({count:,})"))
    title = "亩均评价类别" if zh else "Per-mu class"
    views = [
        DataLayer(
            "class",
            name=swatch_label(title, CATEGORY_COLORS["B"]),
            dataset="parcels",
            style=LayerStyle(
                color="#666666",
                weight=0.5,
                fill_color=CATEGORY_COLORS["NONE"],
                fill_opacity=0.8,
                fill_by="cat",
                fill_map=CATEGORY_COLORS,
            ),
            filterable=True,
        )
    ]
    sections = [LegendSection(title, items, layers=["class"])]
    for column, ramp in RAMPS.items():
        text = _choropleth_title(column, zh=zh)
        key = f"choropleth_{column}"
        views.append(
            DataLayer(
                key,
                name=swatch_label(text, ramp[-1]),
                dataset="parcels",
                style=LayerStyle(
                    color="#777777",
                    weight=0.4,
                    fill_color=NO_VALUE_COLOR,
                    fill_opacity=0.85,
                    fill_by=f"{column}_q",
                    fill_map={str(i): c for i, c in enumerate(ramp)},
                ),
                show=False,
                filterable=True,
                lazy=True,
            )
        )
        sections.append(LegendSection(text, _bin_items(bins[column], ramp, zh=zh), layers=[key]))
    for view in views:
        view.add_to(fmap)
    shown = "显示内容（单选）" if zh else "Colour parcels by (one at a time)"
    return finish(fmap, ctx, sections + reference, groups={shown: views})


def _choropleth_title(column: str, *, zh: bool) -> str:
    """亩均税收（万元/亩，分位数分级）: the column's label and unit, and how it is classed."""
    spec = COLUMNS[column]
    if zh:
        return f"{spec.name('zh')}（{spec.unit_text('zh')}，分位数分级）"
    return f"{spec.name('en')} ({spec.unit_text('en')}, quantiles)"


def _category_label(cat: str, *, zh: bool) -> str:
    if cat in FLAG_LABELS:  # 停产, 闲置土地, 空置率高: the flags' own words
        return label(FLAG_LABELS, cat, "zh" if zh else "en")
    if cat == "NONE":
        return "无企业评价" if zh else "no evaluated occupant"
    return label(CLASS_LABELS, cat, "zh" if zh else "en")


def _bin_items(bins: list[float], ramp: tuple[str, ...], *, zh: bool) -> list[LegendItem]:
    items = []
    lower = None
    for i, upper in enumerate(bins):
        shown = format_number(upper, 1)
        text = f"≤ {shown}" if lower is None else f"{format_number(lower, 1)} – {shown}"
        items.append(LegendItem(ramp[i], text))
        lower = upper
    items.append(LegendItem(NO_VALUE_COLOR, "无数据" if zh else "no data"))
    return items


def _quantile_bins(y: np.ndarray, *, k: int) -> np.ndarray:
    """Distinct upper bounds of ``k`` quantile classes, as ``mapclassify.Quantiles`` gives.

    The same arithmetic as mapclassify (``scipy.stats.scoreatpercentile``, linear
    interpolation between order statistics, weights normalised), without importing
    mapclassify and scipy, which cost seconds at start-up. Ties give fewer bins.
    """
    ordered = np.sort(y)
    w = 100.0 / k
    pct = np.arange(w, 100 + w, w)
    pct[-1] = min(pct[-1], 100.0)
    out = []
    for per in pct:
        idx = per / 100.0 * (len(ordered) - 1)
        i = int(idx)
        if i == idx:
            out.append(ordered[i])
        else:
            weights = np.array([(i + 1 - idx), (idx - i)], float)
            out.append(np.add.reduce(ordered[i : i + 2] * weights) / weights.sum())
    return np.unique(np.array(out))

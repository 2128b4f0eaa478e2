"""Map furniture: runtime, title, legend, search box, labels — in Chinese or English.

Everything here is our own text (escaped all the same) or escaped input text; each helper
adds one element to a folium map, after the map's datasets and layers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import folium
from folium import plugins

from landeval.maps._runtime import RUNTIME_CSS, RUNTIME_JS
from landeval.maps.encode import escape_text, to_js
from landeval.maps.layers import RawElement, Script
from landeval.vocabulary import (
    CLASS_LABELS,
    DECISION_LABELS,
    FLAG_LABELS,
    ITEM_SOURCE_LABELS,
    ITEM_STATUS_LABELS,
    TIER_LABELS,
    TREATMENT_ORDER,
    YES_NO,
    Language,
    column_header,
    label,
)

if TYPE_CHECKING:
    from landeval.maps._base import MapContext

UI: dict[str, dict[str, str]] = {
    "zh": {
        "search": "搜索宗地、企业、信用代码、平台",
        "none": "未找到",
        "year": "评价年度",
        "date": "数据日期",
        "platform_map": "“2+6+N”产业平台分布图",
        "treatment_map": "低效工业用地“四个一批”处置图",
        "efficiency_map": "工业用地亩均效益图",
        "index": "工业用地亩均效益地图",
        "filters": "筛选宗地",
        "all": "全部",
        "count": "显示 {n} / {total} 宗",
        "in_view": "仅当前视图范围",
        "csv": "导出所示宗地（CSV）",
        "csv_name": "筛选宗地.csv",
        "also_here": "此处还有",
        "north": "指北针",
    },
    "en": {
        "search": "Search parcel, firm, USCC or platform",
        "none": "No match",
        "year": "Evaluation year",
        "date": "data date",
        "platform_map": "2+6+N industrial platforms",
        "treatment_map": "Low-efficiency industrial land: four treatments",
        "efficiency_map": "Industrial land per-mu efficiency",
        "index": "Industrial land maps",
        "filters": "Filter parcels",
        "all": "all",
        "count": "showing {n} of {total} parcels",
        "in_view": "only in the current view",
        "csv": "Export the parcels shown (CSV)",
        "csv_name": "parcels.csv",
        "also_here": "Also here",
        "north": "North",
    },
}
"""Interface words per language."""


@dataclass(frozen=True)
class LegendItem:
    """One legend row: colour, label, and swatch kind (``fill``, ``line`` or ``dash``)."""

    color: str
    text: str
    kind: str = "fill"


@dataclass(frozen=True)
class LegendSection:
    """A legend block; shown only while one of ``layers`` is on (always when empty)."""

    title: str
    items: Sequence[LegendItem]
    layers: Sequence[str] = ()


def add_runtime(fmap: folium.Map, *, lang: Language, treatment_labels: Mapping[str, str]) -> None:
    """Inline the browser runtime and initialise it with the label dictionaries."""
    header = fmap.get_root().header
    header.add_child(RawElement(f"<style>{RUNTIME_CSS}</style>"), name="landeval_css")
    header.add_child(RawElement(f"<script>{RUNTIME_JS}</script>"), name="landeval_js")
    labels = {
        "yes": YES_NO[lang][0],
        "no": YES_NO[lang][1],
        "flags": {c: label(FLAG_LABELS, c, lang) for c in FLAG_LABELS},
        "class": {c: label(CLASS_LABELS, c, lang) for c in CLASS_LABELS},
        "treatment": {
            # the final treatments: the four, 暂缓 (a review's) and 保留
            **{c: label(DECISION_LABELS, c, lang) for c in DECISION_LABELS},
            **treatment_labels,
        },
        "tier": {c: label(TIER_LABELS, c, lang) for c in TIER_LABELS},
        "source": {c: label(ITEM_SOURCE_LABELS, c, lang) for c in ITEM_SOURCE_LABELS},
        "status": {c: label(ITEM_STATUS_LABELS, c, lang) for c in ITEM_STATUS_LABELS},
        "alsoHere": UI[lang]["also_here"],
        "parcelCode": column_header("parcel_id", lang),
        "csvName": UI[lang]["csv_name"],
    }
    fmap.add_child(Script(f"LANDEVAL.init(__MAP__, {to_js(_escaped(labels))});", uses_map=True))


def add_title(fmap: folium.Map, *, title: str, subtitle: str) -> None:
    """Title box at the top centre (text escaped), also the page's <title>."""
    fmap.get_root().header.add_child(
        RawElement(f"<title>{escape_text(title)}</title>"), name="landeval_title"
    )
    fmap.add_child(
        Script(f"LANDEVAL.addTitle({to_js(escape_text(title))}, {to_js(escape_text(subtitle))});")
    )


def add_legend(fmap: folium.Map, sections: Sequence[LegendSection]) -> None:
    """Legend in the bottom-right corner."""
    data = [
        {
            "title": escape_text(s.title),
            "layers": list(s.layers) or None,
            "items": [{"c": i.color, "l": escape_text(i.text), "s": i.kind} for i in s.items],
        }
        for s in sections
    ]
    fmap.add_child(Script(f"LANDEVAL.addLegend({to_js(data)});"))


def add_search(fmap: folium.Map, *, lang: Language) -> None:
    """Search box (parcel code, firm, USCC, holder, platform name) in the top-left corner."""
    opts = {"placeholder": escape_text(UI[lang]["search"]), "none": escape_text(UI[lang]["none"])}
    fmap.add_child(Script(f"LANDEVAL.addSearch({to_js(opts)});"))


def add_labels(fmap: folium.Map, labels: Sequence[tuple[str, float, float]]) -> None:
    """Permanent text labels (e.g. county names) at (text, lat, lon)."""
    data = [[escape_text(t), round(lat, 5), round(lon, 5)] for t, lat, lon in labels]
    fmap.add_child(Script(f"LANDEVAL.addLabels({to_js(data)});"))


def _escaped(value: object) -> object:
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return escape_text(value)


FILTERS: tuple[tuple[str, str, str], ...] = (
    ("county_name", "county_name", "text"),
    ("platform_name", "platform_name", "text"),
    ("class", "class", "class"),
    ("treatment", "treatment_name", "treatment"),
)
"""The parcel filters: (column, vocabulary key of its label, display format)."""

_CLASS_ORDER = ("A", "B", "C", "D", "T")


def add_filters(fmap: folium.Map, ctx: MapContext) -> None:
    """The filter panel (county, platform, class, treatment) and the CSV export."""
    lang = ctx.lang
    ui = UI[lang]
    counties = list(ctx.config.project.counties.values())
    orders = {
        "county_name": [escape_text(n) for n in counties],
        "class": list(_CLASS_ORDER),
        "treatment": list(TREATMENT_ORDER),
    }
    defs = [
        {"c": c, "l": escape_text(column_header(key, lang)), "f": f, "order": orders.get(c, [])}
        for c, key, f in FILTERS
    ]
    opts = {
        "title": escape_text(ui["filters"]),
        "all": escape_text(ui["all"]),
        "count": escape_text(ui["count"]),
        "inView": escape_text(ui["in_view"]),
        "csv": escape_text(ui["csv"]),
    }
    fmap.add_child(Script(f"LANDEVAL.addFilters({to_js(defs)}, {to_js(opts)});"))


def add_place_labels(
    fmap: folium.Map, labels: Sequence[tuple[str, float, float, int, str, int]]
) -> None:
    """Clickable name labels (text, lat, lon, from zoom, dataset, row) that open a popup."""
    data = [
        [escape_text(t), round(lat, 5), round(lon, 5), zoom, ds, i]
        for t, lat, lon, zoom, ds, i in labels
    ]
    fmap.add_child(Script(f"LANDEVAL.addPlaceLabels({to_js(data)});"))


def add_north_arrow(fmap: folium.Map, *, lang: Language) -> None:
    """A north arrow in the bottom-left corner (the maps are drawn north up)."""
    fmap.add_child(Script(f"LANDEVAL.addNorthArrow({to_js(escape_text(UI[lang]['north']))});"))


def add_attribution(fmap: folium.Map, text: str) -> None:
    """A credit in the map's attribution line (e.g. the licence of the county lines)."""
    fmap.add_child(Script(f"LANDEVAL.addAttribution({to_js(escape_text(text))});"))


MU_PER_M2 = 15 / 10_000
"""亩 per square metre (1 亩 = 10000/15 m²)."""


def add_measure(fmap: folium.Map, *, lang: Language) -> None:
    """Distance and area measuring (leaflet-measure, shipped inline): metres, m² and 亩."""
    mu = {"factor": MU_PER_M2, "display": "亩" if lang == "zh" else "mu", "decimals": 2}
    plugins.MeasureControl(
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="sqmeters",
        secondary_area_unit="mu",
        units={"mu": mu},
        localization="cn" if lang == "zh" else "en",
        active_color="#d7191c",
        completed_color="#b2182b",
    ).add_to(fmap)

"""Map furniture: runtime, title, legend, search box, labels — in Chinese or English.

Everything here is our own text (escaped all the same) or escaped input text; each helper
adds one element to a folium map, after the map's datasets and layers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium

from landeval.maps._runtime import RUNTIME_CSS, RUNTIME_JS
from landeval.maps.encode import escape_text, to_js
from landeval.maps.layers import RawElement, Script
from landeval.vocabulary import (
    CLASS_LABELS,
    FLAG_LABELS,
    TIER_LABELS,
    TREATMENT_LABELS,
    YES_NO,
    Language,
    label,
)

UI: dict[str, dict[str, str]] = {
    "zh": {
        "search": "搜索宗地代码或企业名称",
        "none": "未找到",
        "year": "评价年度",
        "date": "数据日期",
        "platform_map": "“2+6+N”产业平台分布图",
        "treatment_map": "低效工业用地“四个一批”处置图",
        "efficiency_map": "工业用地亩均效益图",
        "index": "工业用地亩均效益地图",
    },
    "en": {
        "search": "Search parcel code or firm name",
        "none": "No match",
        "year": "Evaluation year",
        "date": "data date",
        "platform_map": "2+6+N industrial platforms",
        "treatment_map": "Low-efficiency industrial land: four treatments",
        "efficiency_map": "Industrial land per-mu efficiency",
        "index": "Industrial land maps",
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
            **{c: label(TREATMENT_LABELS, c, lang) for c in TREATMENT_LABELS},
            **treatment_labels,
        },
        "tier": {c: label(TIER_LABELS, c, lang) for c in TIER_LABELS},
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
    """Search box (parcel code, firm name) in the top-left corner."""
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

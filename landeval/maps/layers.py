"""Folium elements for the compact data layers: one dataset per layer source, many groups.

A :class:`Dataset` writes a layer's geometry and popup columns once; each :class:`DataLayer`
is one Leaflet feature group (a category: a treatment, a class, a tier, a choropleth) that
draws the dataset's features passing its filter, styled from their properties. DataLayer is
a folium ``Layer``, so folium's ``LayerControl`` (and ``GroupedLayerControl``) lists it and
honours ``show``. Which feature a click opens is the dataset's affair (``pick``), not the
layer's: every layer only draws.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from branca.element import Element, MacroElement
from folium.map import Layer

from landeval._format import format_number
from landeval.maps.encode import SCALE, ColumnKind, encode_columns, escape_text, to_js


@dataclass(frozen=True)
class PopupField:
    """One popup row: label, column (``fallback`` when empty) and display format.

    Formats: ``text``, ``num0``/``num1``/``num2``, ``pct``, ``bool``, ``flags`` (codes →
    labels), ``class``/``treatment``/``tier`` (code → label).
    """

    label: str
    column: str
    fmt: str = "text"
    fallback: str | None = None

    def spec(self) -> dict[str, str]:
        """The JSON the browser reads (label escaped)."""
        out = {"l": escape_text(self.label) or "", "c": self.column, "f": self.fmt}
        if self.fallback:
            out["c2"] = self.fallback
        return out


@dataclass(frozen=True)
class LayerStyle:
    """Leaflet path style; ``fill_by``/``fill_map`` colour each feature by a property."""

    color: str = "#555555"
    weight: float = 0.6
    opacity: float = 0.9
    fill_color: str = "#cccccc"
    fill_opacity: float = 0.7
    dash: str | None = None
    fill_by: str | None = None
    fill_map: Mapping[str, str] = field(default_factory=dict)
    stroke_by: str | None = None
    stroke_map: Mapping[str, str] = field(default_factory=dict)
    dash_by: str | None = None

    def spec(self) -> dict[str, Any]:
        """The JSON the browser reads."""
        return {
            "color": self.color,
            "weight": self.weight,
            "opacity": self.opacity,
            "fillColor": self.fill_color,
            "fillOpacity": self.fill_opacity,
            "dash": self.dash,
            "fillBy": self.fill_by,
            "fillMap": dict(self.fill_map),
            "strokeBy": self.stroke_by,
            "strokeMap": dict(self.stroke_map),
            "dashBy": self.dash_by,
        }


class RawElement(Element):
    """Text placed in the page as it is.

    branca wraps what a folium element renders in a new Jinja template, so text holding
    ``{{`` or ``{%`` (a firm may be named anything) would be evaluated; this element is never
    compiled. It is also much faster for megabytes of data.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "LandevalRaw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text, unchanged."""
        return self.text


class Script(MacroElement):
    """Raw JavaScript placed in the page's script in insertion order (never templated).

    ``__MAP__`` in the code becomes the map's JavaScript variable when the page renders
    (names are only final then), for scripts created with ``uses_map=True``.
    """

    def __init__(self, code: str, *, uses_map: bool = False) -> None:
        super().__init__()
        self._name = "LandevalScript"
        self.code = code
        self.uses_map = uses_map

    def render(self, **kwargs: Any) -> None:
        """Add the code to the page's script section."""
        code = self.code
        if self.uses_map:
            code = code.replace("__MAP__", self._parent.get_name())
        self.get_root().script.add_child(RawElement(code), name=self.get_name())


class Dataset(Script):
    """A layer source: encoded geometry plus escaped popup columns, written once per page.

    Parameters
    ----------
    name : str
        Dataset key used by layers and by the search.
    attributes : pandas.DataFrame
        Rows aligned with ``geometry``.
    origin, geometry
        Output of :func:`landeval.maps.encode.encode_geometries`.
    columns : mapping of str to kind
        Columns to ship and how to encode them (see :func:`encode_columns`).
    popup : sequence of PopupField
        Rows of the popup.
    title : str
        Column shown as the popup heading and search result.
    search : sequence of str
        Columns the search box matches.
    tooltip : sequence of str
        Columns joined in the hover tooltip.
    pick : int or None
        Priority of the dataset when a click or hover falls on several features (lower
        first); None: the dataset opens no popup (outlines drawn under everything).
    label : str
        What one feature of the dataset is called (宗地, 产业平台): named in popups and
        search results.
    """

    def __init__(
        self,
        name: str,
        *,
        attributes: pd.DataFrame,
        origin: Sequence[int],
        geometry: Sequence[Any],
        columns: Mapping[str, ColumnKind],
        popup: Sequence[PopupField] = (),
        title: str = "",
        search: Sequence[str] = (),
        tooltip: Sequence[str] = (),
        pick: int | None = None,
        label: str = "",
    ) -> None:
        data = {
            "n": len(attributes),
            "origin": list(origin),
            "scale": SCALE,
            "geom": list(geometry),
            "cols": encode_columns(attributes, columns),
            "popup": [f.spec() for f in popup],
            "title": title,
            "search": list(search),
            "tooltip": list(tooltip),
            "pick": pick,
            "label": escape_text(label) or "",
        }
        # The data sits in a JSON block (parsed by JSON.parse, much faster than a script
        # literal of several MB); uses_map stays False: input text is never rewritten.
        self.block_id = "ld-data-" + re.sub(r"[^A-Za-z0-9_-]", "_", name)
        self.data_json = to_js(data)
        super().__init__(
            f"LANDEVAL.addDataset({to_js(name)}, "
            f"JSON.parse(document.getElementById({to_js(self.block_id)}).textContent));"
        )
        self._name = "LandevalDataset"

    def render(self, **kwargs: Any) -> None:
        """Add the JSON block to the page body and the call that reads it to the script."""
        block = f'<script type="application/json" id="{self.block_id}">{self.data_json}</script>'
        self.get_root().html.add_child(RawElement(block), name=self.block_id)
        super().render(**kwargs)


class DataLayer(Layer):
    """One toggleable feature group drawn from a dataset.

    Parameters
    ----------
    key : str
        Key under ``LANDEVAL.layers`` (tests and the legend use it).
    name : str
        Label in the layer control (markup allowed: our own text, never input text).
    dataset : str
        Source dataset.
    style : LayerStyle
        How features are drawn.
    filter_column, filter_values
        Draw only features whose column value is among the values ("" means missing).
    show : bool
        Visible on opening.
    filterable : bool
        The user's filters (county, platform, class, treatment) apply to it (parcels).
    lazy : bool
        Build the features the first time the layer is switched on (for layers hidden on
        opening, so a large page loads faster).
    """

    def __init__(
        self,
        key: str,
        *,
        name: str,
        dataset: str,
        style: LayerStyle,
        filter_column: str | None = None,
        filter_values: Sequence[str] = (),
        show: bool = True,
        filterable: bool = False,
        lazy: bool = False,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "LandevalLayer"
        spec: dict[str, Any] = {
            "key": key,
            "dataset": dataset,
            **style.spec(),
            "filterable": filterable,
            "lazy": lazy,
        }
        if filter_column is not None:
            spec["filter"] = {"c": filter_column, "in": list(filter_values)}
        self.spec_js = to_js(spec)
        self.key = key

    def render(self, **kwargs: Any) -> None:
        """Add the layer's script (and, when shown, adding it to the map); never templated."""
        name = self.get_name()
        code = f"var {name} = LANDEVAL.layer({self.spec_js});"
        if self.show:
            code += f"\n{name}.addTo({self._parent.get_name()});"
        self.get_root().script.add_child(RawElement(code), name=name)


def swatch_label(text: str, color: str, *, count: int | None = None, line: bool = False) -> str:
    """A layer-control label: a colour swatch, the (escaped) text and an optional count."""
    kind = "ld-line" if line else "ld-fill"
    suffix = f" ({format_number(count, 0)})" if count is not None else ""
    return f'<i class="ld-sw {kind}" style="--c:{color}"></i>{escape_text(text)}{suffix}'

"""What the three maps share: prepared layers, a new map page, and rendering it offline."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element
from folium import plugins

from landeval.config import Config
from landeval.maps.assets import LEAFLET_CSS, LEAFLET_JS, inline_assets
from landeval.maps.basemaps import Basemap, add_basemap
from landeval.maps.controls import (
    UI,
    LegendItem,
    LegendSection,
    add_labels,
    add_legend,
    add_runtime,
    add_search,
    add_title,
)
from landeval.maps.encode import encode_geometries
from landeval.maps.fields import PARCEL_SEARCH, PARCEL_TOOLTIP, popup_fields
from landeval.maps.gcj02 import shift_geometries
from landeval.maps.layers import DataLayer, Dataset, LayerStyle, PopupField, swatch_label
from landeval.maps.simplify import county_outlines, display_geometry
from landeval.vocabulary import LAYER_LABELS, Language

COUNTY_COLOR = "#5a5a5a"
LINE_COLOR = "#e31a1c"


@dataclass(frozen=True)
class EncodedLayer:
    """A layer ready for a page: attributes, encoded geometry and display bounds."""

    attributes: pd.DataFrame
    origin: list[int]
    geometry: list
    row_bounds: np.ndarray  # (n, 4) west, south, east, north per row; NaN when no geometry

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of all rows, None when none has geometry."""
        ok = np.isfinite(self.row_bounds).all(axis=1)
        if not ok.any():
            return None
        b = self.row_bounds[ok]
        return (
            float(b[:, 0].min()),
            float(b[:, 1].min()),
            float(b[:, 2].max()),
            float(b[:, 3].max()),
        )

    def subset(self, mask: np.ndarray) -> EncodedLayer:
        """Rows where ``mask`` is True (same origin, so shared vertices stay identical)."""
        keep = np.flatnonzero(mask)
        return EncodedLayer(
            self.attributes.iloc[keep].reset_index(drop=True),
            self.origin,
            [self.geometry[i] for i in keep],
            self.row_bounds[keep],
        )


@dataclass(frozen=True)
class MapContext:
    """Everything a map page needs besides its own layers."""

    config: Config
    year: int
    lang: Language
    basemap: Basemap
    parcels: EncodedLayer
    platforms: EncodedLayer | None
    control_line: EncodedLayer | None
    balance_items: EncodedLayer | None
    counties: EncodedLayer | None
    county_labels: tuple[tuple[str, float, float], ...]
    platform_summary: pd.DataFrame | None
    scope: str = ""


def encode_layer(
    frame: gpd.GeoDataFrame | None, *, coverage: bool, gcj02: bool, assume_crs: str
) -> EncodedLayer | None:
    """Simplify, reproject (and shift) and encode a layer; None when not given."""
    if frame is None or len(frame) == 0:
        return None
    geoms = display_geometry(frame, coverage=coverage, gcj02=gcj02, assume_crs=assume_crs)
    origin, encoded = encode_geometries(geoms)
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index(drop=True)
    return EncodedLayer(attributes, origin, encoded, shapely.bounds(geoms))


def encode_counties(
    parcels: gpd.GeoDataFrame, *, config: Config, gcj02: bool
) -> tuple[EncodedLayer | None, tuple[tuple[str, float, float], ...]]:
    """County outlines derived from the parcels, and a name label inside each."""
    assume = config.project.assume_crs
    outlines = county_outlines(parcels, assume_crs=assume)
    if outlines.empty:
        return None, ()
    names = config.project.counties
    if "county_name" in parcels.columns:
        known = parcels[["county_code", "county_name"]].dropna().drop_duplicates("county_code")
        names = {**names, **dict(zip(known["county_code"], known["county_name"], strict=True))}
    outlines["county_name"] = [names.get(c, c) for c in outlines["county_code"]]
    layer = encode_layer(outlines, coverage=False, gcj02=gcj02, assume_crs=assume)
    points = outlines.geometry.representative_point().to_crs("EPSG:4326")
    pts = np.asarray(points.array, dtype=object)
    if gcj02:
        pts = shift_geometries(pts)
    labels = tuple(
        (str(n), float(shapely.get_y(p)), float(shapely.get_x(p)))
        for n, p in zip(outlines["county_name"], pts, strict=True)
    )
    return layer, labels


def new_map(ctx: MapContext, *, kind: str) -> folium.Map:
    """A map page with basemap, runtime, title, full-screen and scale bar, fitted to parcels."""
    fmap = folium.Map(
        location=None,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # the runtime adds a metric-only scale bar
        zoom_control=True,
        max_zoom=19,
    )
    # Only Leaflet itself: no jQuery, Bootstrap or icon fonts, which these maps do not use.
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    add_basemap(fmap, ctx.basemap)
    plugins.Fullscreen(
        position="topleft",
        title="全屏" if ctx.lang == "zh" else "Full screen",
        title_cancel="退出全屏" if ctx.lang == "zh" else "Exit full screen",
    ).add_to(fmap)
    add_runtime(fmap, lang=ctx.lang, treatment_labels=treatment_labels(ctx))
    bounds = ctx.parcels.bounds
    if bounds is not None:
        west, south, east, north = bounds
        fmap.fit_bounds([[south, west], [north, east]], padding=(10, 10))
    ui = UI[ctx.lang]
    city = ctx.config.project.city
    scope = f" · {ctx.scope}" if ctx.scope else ""
    title = f"{city}{ui[kind]}{scope}" if ctx.lang == "zh" else f"{city}: {ui[kind]}{scope}"
    date = ctx.config.maps.data_date or str(ctx.year)
    add_title(fmap, title=title, subtitle=f"{ui['year']} {ctx.year} · {ui['date']} {date}")
    return fmap


def add_context_layers(
    fmap: folium.Map, ctx: MapContext, *, control_line_show: bool = True
) -> list[LegendSection]:
    """County outlines (with names) and the control line; returns their legend section."""
    items = []
    zh = ctx.lang == "zh"
    if ctx.counties is not None:
        name = "县（市、区）界（由宗地推算）" if zh else "County outline (from parcels)"
        add_dataset(fmap, "counties", ctx.counties, columns={"county_name": "text"})
        DataLayer(
            "counties",
            name=swatch_label(name, COUNTY_COLOR, line=True),
            dataset="counties",
            style=LayerStyle(color=COUNTY_COLOR, weight=1.6, fill_opacity=0.0, dash="6 4"),
            interactive=False,
        ).add_to(fmap)
        add_labels(fmap, ctx.county_labels)
        items.append(LegendItem(COUNTY_COLOR, name, "dash"))
    if ctx.control_line is not None:
        name = LAYER_LABELS["control_line"][ctx.lang]
        add_dataset(fmap, "control_line", ctx.control_line, columns={})
        DataLayer(
            "control_line",
            name=swatch_label(name, LINE_COLOR, line=True),
            dataset="control_line",
            style=LayerStyle(
                color=LINE_COLOR, weight=1.8, fill_color=LINE_COLOR, fill_opacity=0.04
            ),
            interactive=False,
            show=control_line_show,
        ).add_to(fmap)
        items.append(LegendItem(LINE_COLOR, name, "line"))
    if not items:
        return []
    return [LegendSection("底图要素" if zh else "Reference", items)]


def finish(fmap: folium.Map, ctx: MapContext, legend: list[LegendSection]) -> str:
    """Add search, legend and layer control; render to self-contained HTML text."""
    add_search(fmap, lang=ctx.lang)
    add_legend(fmap, legend)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    _stable_ids(fmap.get_root())
    html = fmap.get_root().render()
    return inline_assets(html)


def treatment_labels(ctx: MapContext) -> dict[str, str]:
    """Treatment code → label from the configured rules (they may be renamed or added)."""
    out = {}
    for rule in ctx.config.treatments:
        text = rule.label_en if ctx.lang == "en" and rule.label_en else rule.label_zh
        out[rule.code] = text
    return out


def add_dataset(
    fmap: folium.Map,
    name: str,
    layer: EncodedLayer,
    *,
    columns: dict,
    popup: list[PopupField] | None = None,
    title: str = "",
    search: tuple[str, ...] = (),
    tooltip: tuple[str, ...] = (),
    attributes: pd.DataFrame | None = None,
) -> None:
    """Add a dataset element for an encoded layer (optionally with derived attributes)."""
    Dataset(
        name,
        attributes=layer.attributes if attributes is None else attributes,
        origin=layer.origin,
        geometry=layer.geometry,
        columns=columns,
        popup=popup or [],
        title=title,
        search=search,
        tooltip=tooltip,
    ).add_to(fmap)


def add_parcel_dataset(
    fmap: folium.Map,
    ctx: MapContext,
    *,
    attributes: pd.DataFrame,
    columns: dict,
    popup: list[tuple[str, str]],
) -> None:
    """Add the parcels of a page: its own columns and popup, the shared title, search, tooltip."""
    add_dataset(
        fmap,
        "parcels",
        ctx.parcels,
        attributes=attributes,
        columns=columns,
        popup=popup_fields(ctx.lang, popup),
        title="parcel_id",
        search=PARCEL_SEARCH,
        tooltip=PARCEL_TOOLTIP,
    )


def _stable_ids(root: Element) -> None:
    # Folium names every element with a random id; number them in page order instead so
    # that the same inputs give the same HTML, run after run.
    counter = itertools.count()

    def walk(element: Element) -> None:
        element._id = f"{next(counter):05d}"
        for child in list(element._children.values()):
            walk(child)

    walk(root)

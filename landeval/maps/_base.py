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
from landeval.maps.boundaries import county_boundaries
from landeval.maps.controls import (
    UI,
    LegendItem,
    LegendSection,
    add_attribution,
    add_filters,
    add_labels,
    add_legend,
    add_measure,
    add_north_arrow,
    add_place_labels,
    add_runtime,
    add_search,
    add_title,
)
from landeval.maps.encode import encode_geometries
from landeval.maps.fields import (
    PARCEL_SEARCH,
    PARCEL_TOOLTIP,
    parcel_columns,
    popup_fields,
)
from landeval.maps.layers import DataLayer, Dataset, LayerStyle, PopupField, swatch_label
from landeval.maps.platforms import PLATFORM_COLUMNS, platform_attributes, platform_popup
from landeval.maps.simplify import display_geometry
from landeval.vocabulary import LAYER_LABELS, Language

COUNTY_COLOR = "#5a5a5a"
COUNTY_FILL = "#fbfaf6"
LINE_COLOR = "#e31a1c"
PLATFORM_COLOR = "#1f3b57"

PICK_ORDER: dict[str, int] = {"parcels": 0, "balance": 1, "platforms": 2}
"""Datasets a click opens, first match first: a parcel before the item or platform around it."""


@dataclass(frozen=True)
class EncodedLayer:
    """A layer ready for a page: attributes, encoded geometry and display bounds."""

    attributes: pd.DataFrame
    origin: list[int]
    geometry: list
    row_bounds: np.ndarray  # (n, 4) west, south, east, north per row; NaN when no geometry
    label_points: np.ndarray | None = None  # (n, 2) lat, lon inside each row (when asked)

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
            None if self.label_points is None else self.label_points[keep],
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
    boundary_source: str = "parcels"
    """Where the county lines come from: "project", "shipped" or "parcels" (outlines)."""
    attribution: str | None = None
    """The credit the county lines need on the map (the shipped data's licence), or None."""


def encode_layer(
    frame: gpd.GeoDataFrame | None,
    *,
    coverage: bool,
    gcj02: bool,
    assume_crs: str,
    labels: bool = False,
) -> EncodedLayer | None:
    """Simplify, reproject (and shift) and encode a layer; None when not given.

    With ``labels``, each row also gets a point well inside it for a name label.
    """
    if frame is None or len(frame) == 0:
        return None
    geoms = display_geometry(frame, coverage=coverage, gcj02=gcj02, assume_crs=assume_crs)
    origin, encoded = encode_geometries(geoms)
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index(drop=True)
    points = _inner_points(geoms) if labels else None
    return EncodedLayer(attributes, origin, encoded, shapely.bounds(geoms), points)


def _inner_points(geoms: np.ndarray) -> np.ndarray:
    """(lat, lon) of the centre of the largest circle inside each polygon's largest part."""
    out = np.full((len(geoms), 2), np.nan)
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        # the widest place of the polygon: a label there stays inside it
        centre = shapely.get_point(shapely.maximum_inscribed_circle(part, 1e-5), 0)
        out[i] = (shapely.get_y(centre), shapely.get_x(centre))
    return out


def encode_counties(
    parcels: gpd.GeoDataFrame,
    *,
    config: Config,
    gcj02: bool,
    given: gpd.GeoDataFrame | None = None,
    lang: Language = "zh",
) -> tuple[EncodedLayer | None, tuple[tuple[str, float, float], ...], str, str | None]:
    """County polygons (see :mod:`landeval.maps.boundaries`), a name label inside each.

    Returns the encoded layer, the labels, the source of the lines and their attribution.
    """
    boundaries = county_boundaries(parcels, given, config=config, lang=lang)
    if boundaries is None:
        return None, (), "parcels", None
    frame = boundaries.frame
    layer = encode_layer(
        frame, coverage=False, gcj02=gcj02, assume_crs=config.project.assume_crs, labels=True
    )
    if layer is None or layer.label_points is None:
        return None, (), "parcels", None
    labels = tuple(
        (str(name), float(lat), float(lon))
        for name, (lat, lon) in zip(frame["county_name"], layer.label_points, strict=True)
        if np.isfinite(lat)
    )
    return layer, labels, boundaries.source, boundaries.attribution


def new_map(ctx: MapContext, *, kind: str) -> folium.Map:
    """A map page: basemap, runtime, title, full screen, scale, north arrow, measuring.

    It opens on the city (the county boundaries) when the lines are real ones, else on the
    parcels.
    """
    fmap = folium.Map(
        location=None,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # the runtime adds a metric-only scale bar
        zoom_control=True,
        max_zoom=19,
        # quarter zoom steps: the city fills the window instead of half of it
        zoom_snap=0.25,
        zoom_delta=0.5,
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
    add_measure(fmap, lang=ctx.lang)
    add_runtime(fmap, lang=ctx.lang, treatment_labels=treatment_labels(ctx))
    add_north_arrow(fmap, lang=ctx.lang)
    bounds = ctx.parcels.bounds
    if ctx.counties is not None and ctx.boundary_source != "parcels" and not ctx.scope:
        bounds = ctx.counties.bounds or bounds
    if bounds is not None:
        west, south, east, north = bounds
        fmap.fit_bounds([[south, west], [north, east]], padding=(10, 10))
    ui = UI[ctx.lang]
    city = ctx.config.project.city
    scope = f" · {ctx.scope}" if ctx.scope else ""
    title = f"{city}{ui[kind]}{scope}" if ctx.lang == "zh" else f"{city}: {ui[kind]}{scope}"
    date = ctx.config.maps.data_date or str(ctx.year)
    add_title(fmap, title=title, subtitle=f"{ui['year']} {ctx.year} · {ui['date']} {date}")
    if ctx.attribution:
        add_attribution(fmap, ctx.attribution)
    return fmap


def add_context_layers(
    fmap: folium.Map,
    ctx: MapContext,
    *,
    control_line_show: bool = True,
    platform_outlines: bool = True,
) -> list[LegendSection]:
    """Counties (with names), the control line and the platforms' outlines and names.

    Returns their legend section. The platform map draws the platforms by tier itself
    (``platform_outlines=False``); every map names them and opens their popup.
    """
    items = []
    zh = ctx.lang == "zh"
    if ctx.counties is not None:
        name = _county_layer_name(ctx)
        add_dataset(fmap, "counties", ctx.counties, columns={"county_name": "text"})
        DataLayer(
            "counties",
            name=swatch_label(name, COUNTY_COLOR, line=True),
            dataset="counties",
            style=LayerStyle(
                color=COUNTY_COLOR,
                weight=1.6,
                fill_color=COUNTY_FILL,
                fill_opacity=0.85 if ctx.basemap.kind == "none" else 0.0,
                dash="6 4",
            ),
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
            show=control_line_show,
        ).add_to(fmap)
        items.append(LegendItem(LINE_COLOR, name, "line"))
    if ctx.platforms is not None:
        add_platform_dataset(fmap, ctx)
        if platform_outlines:
            name = LAYER_LABELS["platforms"][ctx.lang]
            DataLayer(
                "platforms",
                name=swatch_label(name, PLATFORM_COLOR, line=True),
                dataset="platforms",
                style=LayerStyle(color=PLATFORM_COLOR, weight=1.4, fill_opacity=0.0),
            ).add_to(fmap)
            items.append(LegendItem(PLATFORM_COLOR, name, "line"))
    if not items:
        return []
    return [LegendSection("底图要素" if zh else "Reference", items)]


def _county_layer_name(ctx: MapContext) -> str:
    zh = ctx.lang == "zh"
    if ctx.boundary_source == "parcels":
        return "县（市、区）范围（由宗地推算）" if zh else "County extent (from parcels)"
    if ctx.boundary_source == "shipped":
        return "县（市、区）界（OSM 2017）" if zh else "County boundaries (OSM 2017)"
    return "县（市、区）界" if zh else "County boundaries"


def add_platform_dataset(fmap: folium.Map, ctx: MapContext) -> None:
    """The platforms with their summary (popup, search by name) and a name label on each."""
    layer = ctx.platforms
    attrs = platform_attributes(
        layer.attributes,
        ctx.platform_summary,
        lang=ctx.lang,
        county_names=dict(ctx.config.project.counties),
    )
    add_dataset(
        fmap,
        "platforms",
        layer,
        attributes=attrs,
        columns=PLATFORM_COLUMNS,
        popup=platform_popup(ctx),
        title="name",
        search=("name", "platform_id"),
        tooltip=("name",),
    )
    add_place_labels(fmap, _platform_labels(ctx, attrs))


PlaceLabel = tuple[str, float, float, int, str, int]
"""A clickable name on the map: text, lat, lon, from which zoom, dataset, row."""


def _platform_labels(ctx: MapContext, attrs: pd.DataFrame) -> list[PlaceLabel]:
    """A name label per platform: the 2 and 6 tiers a step into the city, N ones closer in."""
    layer = ctx.platforms
    if layer is None or layer.label_points is None:
        return []
    out = []
    for i, box in enumerate(layer.row_bounds):
        if not np.isfinite(box).all():
            continue
        name = attrs["name"].iloc[i]
        if not isinstance(name, str) or not name:
            continue
        lat, lon = layer.label_points[i]
        if not np.isfinite(lat):
            continue
        tier = attrs["tier"].iloc[i]
        out.append((name, lat, lon, 10 if tier in ("2", "6") else 12, "platforms", i))
    return out


def finish(
    fmap: folium.Map,
    ctx: MapContext,
    legend: list[LegendSection],
    *,
    groups: dict[str, list[DataLayer]] | None = None,
) -> str:
    """Add search, filters, legend and layer control; render to self-contained HTML text.

    ``groups`` puts layers in a grouped control whose first group is exclusive (one of its
    layers at a time: radio buttons); without it every layer is a checkbox.
    """
    add_search(fmap, lang=ctx.lang)
    add_filters(fmap, ctx)
    add_legend(fmap, legend)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    _stable_ids(fmap.get_root())
    if groups:
        # made after the ids are final: the control names the layers' variables now
        first = next(iter(groups))
        for layers in groups.values():
            for layer in layers:
                layer.control = False
        control = plugins.GroupedLayerControl(
            groups, exclusive_groups=False, exclusiveGroups=[first], collapsed=False
        )
        control._id = "groups"
        control.add_to(fmap)
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
    lang: Language = "zh",
) -> None:
    """Add a dataset element for an encoded layer (optionally with derived attributes).

    A dataset of :data:`PICK_ORDER` opens its popup on a click; its label (宗地, 改一补一项目,
    产业平台) names it in popups and search results.
    """
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
        pick=PICK_ORDER.get(name),
        label=_DATASET_LABELS.get(name, {}).get(lang, ""),
    ).add_to(fmap)


_DATASET_LABELS: dict[str, dict[str, str]] = {
    "parcels": {"zh": "宗地", "en": "Parcel"},
    "balance": LAYER_LABELS["balance_items"],
    "platforms": LAYER_LABELS["platforms"],
}


def add_parcel_dataset(
    fmap: folium.Map,
    ctx: MapContext,
    *,
    attributes: pd.DataFrame,
    columns: dict,
    popup: list[tuple[str, str]],
) -> None:
    """Add the parcels of a page: its own columns and popup, the shared title, search, tooltip.

    Every page ships the columns the filters and the search read (county, platform, class,
    treatment, USCC, holders) besides its own.
    """
    add_dataset(
        fmap,
        "parcels",
        ctx.parcels,
        attributes=attributes,
        columns=parcel_columns(attributes, columns),
        popup=popup_fields(ctx.lang, _present(popup, attributes)),
        title="parcel_id",
        search=tuple(c for c in PARCEL_SEARCH if c in attributes.columns),
        tooltip=PARCEL_TOOLTIP,
        lang=ctx.lang,
    )


def _present(popup: list[tuple[str, str]], attributes: pd.DataFrame) -> list[tuple[str, str]]:
    """The popup rows whose column the parcels have; the class where no status is given."""
    rows = []
    for column, fmt in popup:
        # the status shows in place of the class: without a status, the class
        shown = "class" if column == "status" and column not in attributes.columns else column
        if shown in attributes.columns:
            rows.append((shown, fmt))
    return rows


def _stable_ids(root: Element) -> None:
    # Folium names every element with a random id; number them in page order instead so
    # that the same inputs give the same HTML, run after run.
    counter = itertools.count()

    def walk(element: Element) -> None:
        element._id = f"{next(counter):05d}"
        for child in list(element._children.values()):
            walk(child)

    walk(root)

"""Basemap choice: none (offline default), OpenStreetMap, Tianditu, a custom URL, or AMap.

Only tile images ever come from the network, and only when the user chose a web basemap.
AMap tiles are in GCJ-02, so choosing AMap makes every overlay shift to GCJ-02
(:mod:`landeval.maps.gcj02`); Tianditu is CGCS2000, which needs no shift.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import folium

from landeval.config import Config
from landeval.errors import ConfigError

TIANDITU_ENV = "LANDEVAL_TIANDITU_TOKEN"
"""Environment variable read for the Tianditu token when the project file has none."""

_TIANDITU = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={token}"
)
_TIANDITU_NOTES = {"vec": "cva", "img": "cia"}  # annotation layer drawn over each base
_AMAP = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}"
)
_OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@dataclass(frozen=True)
class TileSpec:
    """One tile layer: URL template, attribution, name, subdomains, overlay or base."""

    url: str
    attribution: str
    name: str
    subdomains: str = "abc"
    overlay: bool = False


@dataclass(frozen=True)
class Basemap:
    """The resolved basemap: its tile layers and whether overlays are shifted to GCJ-02."""

    kind: str
    tiles: tuple[TileSpec, ...] = ()
    gcj02: bool = False


def resolve_basemap(config: Config, *, environ: Mapping[str, str] | None = None) -> Basemap:
    """Turn ``[maps]`` settings into tile layers, checking what each choice needs.

    Parameters
    ----------
    config : Config
        Effective configuration; ``config.maps.basemap`` picks the kind.
    environ : mapping, optional
        Environment to read ``LANDEVAL_TIANDITU_TOKEN`` from (default ``os.environ``).

    Raises
    ------
    ConfigError
        Tianditu without a token, or a custom basemap without a usable tile URL.
    """
    env = os.environ if environ is None else environ
    settings = config.maps
    kind = settings.basemap
    if kind == "none":
        return Basemap(kind)
    if kind == "osm":
        attribution = (
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者'
        )
        return Basemap(kind, (TileSpec(_OSM, attribution, "OpenStreetMap"),))
    if kind == "tianditu":
        token = settings.tianditu_token or env.get(TIANDITU_ENV, "")
        if not token.strip():
            msg = (
                "basemap 'tianditu' needs a Tianditu key: set [maps] tianditu_token in "
                f"landeval.toml or the environment variable {TIANDITU_ENV}, or choose "
                "basemap = 'none' for an offline map"
            )
            raise ConfigError(msg)
        layer = settings.tianditu_layer
        note = _TIANDITU_NOTES[layer]
        attribution = "&copy; 天地图 国家地理信息公共服务平台"
        name = "天地图 影像" if layer == "img" else "天地图 矢量"
        base = TileSpec(
            _TIANDITU.format(layer=layer, token=token.strip()), attribution, name, "01234567"
        )
        notes = TileSpec(
            _TIANDITU.format(layer=note, token=token.strip()),
            attribution,
            "天地图 注记",
            "01234567",
            overlay=True,
        )
        return Basemap(kind, (base, notes))
    if kind == "custom":
        url = settings.tile_url.strip()
        if not url or not all(k in url for k in ("{z}", "{x}")) or "y}" not in url:
            msg = (
                "basemap 'custom' needs [maps] tile_url with {z}, {x} and {y}, e.g. "
                f"'http://tiles.intranet/{{z}}/{{x}}/{{y}}.png' (found {url!r})"
            )
            raise ConfigError(msg)
        attribution = settings.tile_attribution or "自定义底图"
        return Basemap(kind, (TileSpec(url, attribution, "底图"),))
    # amap: Gaode tiles are GCJ-02, so every overlay is shifted before drawing.
    attribution = "&copy; 高德地图 AutoNavi"
    return Basemap(kind, (TileSpec(_AMAP, attribution, "高德地图", "1234"),), gcj02=True)


def add_basemap(fmap: folium.Map, basemap: Basemap) -> None:
    """Add the basemap's tile layers to a folium map (nothing for ``none``)."""
    for spec in basemap.tiles:
        folium.TileLayer(
            tiles=spec.url,
            attr=spec.attribution,
            name=spec.name,
            subdomains=spec.subdomains,
            overlay=spec.overlay,
            control=True,
            max_zoom=19,
            max_native_zoom=18,
        ).add_to(fmap)

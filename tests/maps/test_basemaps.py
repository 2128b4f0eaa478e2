"""Tests of landeval.maps.basemaps: which basemap, with what it needs."""

from __future__ import annotations

import re

import pytest
from pyproj import Geod

from landeval.config import default_config, load_config
from landeval.errors import ConfigError
from landeval.maps import build_context, write_maps
from landeval.maps.basemaps import TIANDITU_ENV, resolve_basemap

GEOD = Geod(ellps="WGS84")


def _config(**maps):
    return load_config(None, maps=maps)


def test_basemap_tianditu_needs_a_token():
    with pytest.raises(ConfigError, match=TIANDITU_ENV):
        resolve_basemap(_config(basemap="tianditu"), environ={})
    bm = resolve_basemap(
        _config(basemap="tianditu", tianditu_layer="img"), environ={TIANDITU_ENV: "abc123"}
    )
    assert [t.overlay for t in bm.tiles] == [False, True]
    assert "LAYER=img" in bm.tiles[0].url and "LAYER=cia" in bm.tiles[1].url
    assert bm.tiles[0].url.endswith("tk=abc123") and not bm.gcj02


def test_basemap_custom_and_amap_and_none():
    with pytest.raises(ConfigError, match="tile_url"):
        resolve_basemap(_config(basemap="custom"), environ={})
    custom = resolve_basemap(
        _config(basemap="custom", tile_url="http://gis.local/t/{z}/{x}/{y}.png"), environ={}
    )
    assert custom.tiles[0].url == "http://gis.local/t/{z}/{x}/{y}.png"
    assert resolve_basemap(_config(basemap="amap"), environ={}).gcj02
    assert resolve_basemap(default_config(), environ={}).tiles == ()


def test_web_basemap_adds_only_tile_urls(inputs, tmp_path):
    paths = write_maps(**inputs, config=_config(basemap="osm"), year=2024, out_dir=tmp_path)
    html = paths[0].read_text(encoding="utf-8")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)


def test_amap_shifts_every_overlay(inputs):
    plain = build_context(**inputs, config=default_config(), year=2024)
    shifted = build_context(**inputs, config=_config(basemap="amap"), year=2024)
    for layer in ("parcels", "platforms", "control_line", "balance_items", "counties"):
        a, b = getattr(plain, layer), getattr(shifted, layer)
        west_a, south_a, *_ = a.bounds
        west_b, south_b, *_ = b.bounds
        _, _, d = GEOD.inv(west_a, south_a, west_b, south_b)
        assert 300 < d < 800, layer

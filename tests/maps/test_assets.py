"""Tests of landeval.maps.assets: Leaflet inlined, nothing fetched."""

from __future__ import annotations

import pytest

from landeval.maps.assets import MissingAssetError, inline_assets


def test_inline_assets_replaces_links_and_rejects_unknown():
    html = (
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
        '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"/>'
    )
    out = inline_assets(html)
    assert "<script src=" not in out and "<link" not in out
    assert "L.Map" in out or "Leaflet" in out
    with pytest.raises(MissingAssetError):
        inline_assets('<script src="https://example.com/x.js"></script>')

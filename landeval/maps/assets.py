"""Inline every JavaScript and CSS asset a folium map links, so the HTML works offline.

Folium writes ``<script src="https://cdn…">`` and ``<link rel="stylesheet" href="https://cdn…">``
tags. The ``folium-offline`` package (import name ``offlinefolium``) ships the text of those
files keyed by the very URLs folium uses; :func:`inline_assets` swaps each tag for an inline
``<script>`` or ``<style>`` with that text. A URL the package does not carry is an internal
error, never a silent network reference.
"""

from __future__ import annotations

import functools
import re

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"

_SCRIPT_TAG = re.compile(r"""<script\s+src=["'](?P<url>[^"']+)["']\s*>\s*</script>""")
_LINK_TAG = re.compile(r"""<link\s+rel=["']stylesheet["']\s+href=["'](?P<url>[^"']+)["']\s*/?>""")
# CSS ``url(...)`` that is neither a data: URI nor a fragment would make the browser fetch.
_CSS_URL = re.compile(r"""url\(\s*(?!["']?(?:data:|#))[^)]*\)""")


class MissingAssetError(RuntimeError):
    """A map links an asset that no installed package carries (a bug, not a user error)."""


def inline_assets(html: str) -> str:
    """Replace every external script and stylesheet tag by the asset's inline text.

    Parameters
    ----------
    html : str
        A rendered folium page.

    Returns
    -------
    str
        The page with ``<script>``/``<style>`` bodies instead of links.

    Raises
    ------
    MissingAssetError
        A linked URL is not among the packaged assets.
    """
    html = _SCRIPT_TAG.sub(lambda m: f"<script>{_script_text(m['url'])}</script>", html)
    return _LINK_TAG.sub(lambda m: f"<style>{_style_text(m['url'])}</style>", html)


def asset_text(url: str) -> str:
    """The text of a packaged asset by the CDN URL folium links it under."""
    assets = _packaged_assets()
    if url not in assets:
        msg = f"no offline copy of {url}; the map would need the internet"
        raise MissingAssetError(msg)
    return assets[url]


def _script_text(url: str) -> str:
    # "</script" inside a script body would end it early; break it up the standard way.
    return asset_text(url).replace("</script", "<\\/script")


def _style_text(url: str) -> str:
    # Icon fonts and images referenced by url() would be fetched: drop any that is not
    # already a data: URI (the Leaflet and full-screen styles carry theirs inline).
    return _CSS_URL.sub("none", asset_text(url)).replace("</style", "<\\/style")


@functools.cache
def _packaged_assets() -> dict[str, str]:
    # Imported lazily: the module holds several MB of asset text.
    from offlinefolium.elements import _res  # noqa: PLC0415

    return dict(_res)

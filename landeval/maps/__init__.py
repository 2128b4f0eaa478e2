"""Offline Folium maps: platform map, treatment map, efficiency map and an index page.

:func:`write_maps` is the entry point the pipeline and ``landeval map`` call. Every page is
self-contained (Leaflet and plugin assets inlined from the ``folium-offline`` package), draws
on the canvas renderer from compact quantised data, and reaches the network only for the
basemap tiles a user chose.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from landeval._atomic import atomic_path
from landeval._format import format_number
from landeval.config import Config
from landeval.errors import DataError
from landeval.maps._base import MapContext, encode_counties, encode_layer
from landeval.maps.basemaps import resolve_basemap
from landeval.maps.decisions import map_parcels
from landeval.maps.efficiency_map import efficiency_map_html
from landeval.maps.fields import parcel_attributes
from landeval.maps.index import PageEntry, index_html
from landeval.maps.platform_map import platform_map_html
from landeval.maps.treatment_map import treatment_map_html
from landeval.vocabulary import Language

__all__ = ["MAP_KINDS", "MAX_PARCELS_PER_MAP", "build_context", "write_maps"]

MAX_PARCELS_PER_MAP = 60_000
"""Above this many parcels each map is written once per county. Measured with
``benchmarks/bench_maps.py`` (headless Chromium, busy 2-CPU machine): 30,000 parcels give
3.5–4.6 MB pages interactive in about 2 s; 60,000 give 6.8–9.0 MB and about 3.6 s, the most
one page holds within the 12 MB / 5 s budget of issue 8."""

MAP_KINDS: dict[str, Callable[[MapContext], str]] = {
    "platform_map": platform_map_html,
    "treatment_map": treatment_map_html,
    "efficiency_map": efficiency_map_html,
}
"""Map kind → page builder; the kind is also the file name stem."""


def build_context(
    *,
    parcel_eval: gpd.GeoDataFrame,
    platforms: gpd.GeoDataFrame | None,
    platform_summary: pd.DataFrame | None,
    control_line: gpd.GeoDataFrame | None,
    balance_items: gpd.GeoDataFrame | None,
    config: Config,
    year: int,
    lang: Language = "zh",
    boundaries: gpd.GeoDataFrame | None = None,
) -> MapContext:
    """Prepare every layer once (simplify, reproject, shift for AMap, encode).

    ``boundaries`` is the project's own county layer; without it the maps draw the county
    boundaries landeval ships (see :mod:`landeval.maps.boundaries`).

    Raises
    ------
    ConfigError
        The chosen basemap lacks what it needs (Tianditu token, custom URL).
    DataError
        No parcel has a polygon to draw.
    """
    basemap = resolve_basemap(config)
    assume = config.project.assume_crs
    gcj = basemap.gcj02
    parcels = encode_layer(parcel_eval, coverage=True, gcj02=gcj, assume_crs=assume)
    if parcels is None or parcels.bounds is None:
        msg = "没有可绘制的宗地：评价结果中没有带面状几何的宗地，无法生成地图。"
        raise DataError(msg)
    parcels = dataclasses.replace(
        parcels, attributes=parcel_attributes(parcels.attributes, lang=lang)
    )
    counties, labels, source, attribution = encode_counties(
        parcel_eval, config=config, gcj02=gcj, given=boundaries, lang=lang
    )
    return MapContext(
        config=config,
        year=year,
        lang=lang,
        basemap=basemap,
        parcels=parcels,
        platforms=encode_layer(
            platforms, coverage=False, gcj02=gcj, assume_crs=assume, labels=True
        ),
        control_line=encode_layer(control_line, coverage=False, gcj02=gcj, assume_crs=assume),
        balance_items=encode_layer(balance_items, coverage=False, gcj02=gcj, assume_crs=assume),
        counties=counties,
        county_labels=labels,
        platform_summary=platform_summary,
        boundary_source=source,
        attribution=attribution,
    )


def write_maps(
    *,
    parcel_eval: gpd.GeoDataFrame,
    platforms: gpd.GeoDataFrame | None,
    platform_summary: pd.DataFrame | None,
    control_line: gpd.GeoDataFrame | None,
    balance_items: gpd.GeoDataFrame | None,
    config: Config,
    year: int,
    out_dir: str | Path,
    lang: Language = "zh",
    max_parcels_per_map: int = MAX_PARCELS_PER_MAP,
    boundaries: gpd.GeoDataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    firm_incentives: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the platform, treatment and efficiency maps and ``index.html`` into ``out_dir``.

    Parameters
    ----------
    parcel_eval : geopandas.GeoDataFrame
        Evaluated parcels (``RESULT_COLUMNS["parcel_eval"]``), any CRS.
    platforms, control_line, balance_items : geopandas.GeoDataFrame or None
        Optional layers; a map leaves out what is None.
    platform_summary : pandas.DataFrame or None
        ``RESULT_COLUMNS["platform_summary"]``; the "platform" rows feed the popups.
    config : Config
        ``[maps]`` picks the basemap and data date; ``[project]`` gives city and counties.
    year : int
        Evaluation year shown in the titles.
    out_dir : path-like
        Folder to write into (created if needed); each file is written atomically.
    lang : {"zh", "en"}
        Language of legends, popups and titles.
    max_parcels_per_map : int
        Above this many parcels each map is written per county, and the index says so.
    boundaries : geopandas.GeoDataFrame or None
        The project's own county boundaries (``[inputs] boundaries``); None draws the
        shipped ones (Shaoxing) or outlines round the parcels (elsewhere).
    decisions : pandas.DataFrame or None
        The bureau's decisions (``decisions``): parcels are drawn by their final treatment,
        the proposal and the review in the popup (:mod:`landeval.maps.decisions`).
    firm_incentives : pandas.DataFrame or None
        The measures (``firm_incentives``): the efficiency map's popup lists those of each
        parcel's main occupant.

    Returns
    -------
    list of pathlib.Path
        The pages written, maps first and ``index.html`` last.
    """
    shown = map_parcels(
        parcel_eval, decisions=decisions, firm_incentives=firm_incentives, lang=lang
    )
    ctx = build_context(
        parcel_eval=shown,
        platforms=platforms,
        platform_summary=platform_summary,
        control_line=control_line,
        balance_items=balance_items,
        config=config,
        year=year,
        lang=lang,
        boundaries=boundaries,
    )
    out = Path(out_dir)
    scopes = _scopes(ctx, max_parcels_per_map=max_parcels_per_map)
    written: list[Path] = []
    entries: list[PageEntry] = []
    for kind, build in MAP_KINDS.items():
        for suffix, scoped in scopes:
            path = out / f"{kind}{suffix}.html"
            html = build(scoped)
            with atomic_path(path) as tmp:
                tmp.write_text(html, encoding="utf-8")
            written.append(path)
            entries.append(
                PageEntry(
                    kind,
                    path.name,
                    scoped.scope,
                    len(scoped.parcels.attributes),
                    len(html.encode()),
                )
            )
    split_note = ""
    if len(scopes) > 1:
        n = format_number(len(ctx.parcels.attributes), 0)
        most = format_number(max_parcels_per_map, 0)
        split_note = (
            f"宗地共 {n} 宗，超过单个网页可承载的 {most} 宗，各图已按县（市、区）分别生成。"
            if lang == "zh"
            else f"{n} parcels exceed the {most} one page can hold; each map is written per county."
        )
    index = out / "index.html"
    page = index_html(
        entries,
        city=ctx.config.project.city,
        year=year,
        data_date=ctx.config.maps.data_date or str(year),
        lang=lang,
        split_note=split_note,
    )
    with atomic_path(index) as tmp:
        tmp.write_text(page, encoding="utf-8")
    written.append(index)
    return written


def _scopes(ctx: MapContext, *, max_parcels_per_map: int) -> list[tuple[str, MapContext]]:
    attrs = ctx.parcels.attributes
    if len(attrs) <= max_parcels_per_map or "county_code" not in attrs.columns:
        return [("", ctx)]
    codes = attrs["county_code"].astype("string").fillna("unknown").to_numpy()
    names = dict(ctx.config.project.counties)
    if "county_name" in attrs.columns:
        known = attrs[["county_code", "county_name"]].dropna()
        names |= dict(zip(known["county_code"], known["county_name"], strict=True))
    scopes = []
    for code in sorted(set(codes)):
        mask = codes == code
        suffix = "_" + re.sub(r"[^0-9A-Za-z_-]", "_", str(code))
        scoped = dataclasses.replace(
            ctx, parcels=ctx.parcels.subset(mask), scope=str(names.get(code) or code)
        )
        scopes.append((suffix, scoped))
    return scopes

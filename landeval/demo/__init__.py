"""The synthetic Shaoxing demo dataset: a deterministic generator and the embedded copy.

- :func:`build_demo` builds the dataset in memory (:class:`DemoData`, including the
  generator's intent per parcel: coverage, FAR, floors, height, vacant share);
- :func:`generate_demo` writes it as a project folder (:class:`DemoSummary`);
- :func:`demo_project_dir` finds the embedded copy (``data/shaoxing_demo``).

The generator is calibrated so that the method's default thresholds give a list a bureau
would take seriously: on the embedded copy about 17 % of the industrial land is on the four
lists (10–20 %) and about 5 % is to exit (at most 8 %). The shares come from how firms and
buildings are drawn — value added per mu rising with a firm's land and a firm's quality
showing in every indicator, so that classes C and D are mostly small firms; a few per cent
of stopped firms, empty parcels and land never built (with its contract dates, so that
闲置土地 occurs); a short negative list with one small tenant of a 小微企业园 — not from
loosened thresholds; the demo's README (``writer.SHARES_SECTION``) says how.

The modules follow the generator's steps: ``clusters`` (fixed description of the city),
``layout`` (parcels along a road grid), ``zones`` (platforms, control line, land changes),
``firms`` (firms and occupancy), ``economy`` (tax, output, negative list), ``buildings``
(intent and building shapes), ``rasters`` (GeoTIFF tiles), ``builder`` and ``writer``.
"""

from landeval.demo.builder import DemoData, build_demo
from landeval.demo.locate import demo_project_dir
from landeval.demo.rasters import RasterTile
from landeval.demo.writer import DemoSummary, generate_demo

__all__ = [
    "DemoData",
    "DemoSummary",
    "RasterTile",
    "build_demo",
    "demo_project_dir",
    "generate_demo",
]

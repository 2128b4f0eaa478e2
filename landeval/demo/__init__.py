"""The synthetic Shaoxing demo dataset: a deterministic generator and the embedded copy.

- :func:`build_demo` builds the dataset in memory (:class:`DemoData`, including the
  generator's intent per parcel: coverage, FAR, floors, height, vacant share);
- :func:`generate_demo` writes it as a project folder (:class:`DemoSummary`);
- :func:`demo_project_dir` finds the embedded copy (``data/shaoxing_demo``).

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

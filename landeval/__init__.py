"""landeval: industrial land per-mu (亩均) evaluation for a Chinese city's bureaus.

The package is laid out as the pipeline runs: ``io`` and ``validate`` read and check the
inputs, ``raster`` measures buildings per parcel, ``mu_scoring`` judges firms and parcels by
output per mu, ``zoning`` places parcels in platforms and the control line and decides the
four treatments and the 改一补一 balance, and ``export``, ``maps`` and ``report`` write what a
bureau hands out. ``pipeline`` ties them together; the CLI and the notebooks call it.
"""

__version__ = "0.1.0"

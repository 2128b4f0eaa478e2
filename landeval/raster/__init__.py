"""Per-parcel raster metrics: building coverage, height, floors, FAR and vacancy (DESIGN §3, §5).

:func:`parcel_raster_metrics` takes the parcels and the project's rasters and returns the
``parcel_raster`` table and its findings. The modules, in pipeline order:

- :mod:`~landeval.raster.sources` opens a raster kind (one GeoTIFF, a VRT, or tiles
  mosaicked as a VRT) and rejects rasters without a CRS or tiles that do not fit;
- :mod:`~landeval.raster.cells` runs exactextract and returns, per parcel, the cells it
  covers with their covered areas (partial cells count by their covered fraction);
- :mod:`~landeval.raster.floors` turns building height into counted floors;
- :mod:`~landeval.raster.far` is the floor-area ratio rule (registered, else estimated);
- :mod:`~landeval.raster.metrics` sums the cells into the per-parcel metrics and defines
  each one precisely.
"""

from landeval.raster.far import far
from landeval.raster.floors import counted_floors
from landeval.raster.metrics import parcel_raster_metrics

__all__ = ["counted_floors", "far", "parcel_raster_metrics"]

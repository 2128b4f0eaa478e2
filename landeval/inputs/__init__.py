"""Loading a project: readers, encodings, aliases, CRS, units and the canonical model."""

"""Exports a bureau hands out: ``actions.xlsx``, ``actions.csv`` and ``parcels.gpkg``.

The three writers take the run's result tables by name (see
:data:`landeval.inputs.model.RESULT_COLUMNS`) and write one file each, atomically.
:func:`neutralise` is the rule every spreadsheet cell written by landeval goes through.
"""

from landeval.export._cells import neutralise
from landeval.export.actions_csv import write_actions_csv
from landeval.export.geopackage import write_geopackage
from landeval.export.workbook import write_workbook

__all__ = ["neutralise", "write_actions_csv", "write_geopackage", "write_workbook"]

"""The load stage: a project's files read, canonicalised, projected, repaired and validated.

:func:`load_project` is the stage's entry (the CLI, the pipeline and the notebooks call it);
:func:`read_table` and :func:`read_vector` read one file into its canonical frame. The
checks that run on the loaded inputs are the next room, :mod:`landeval.validate`.

Modules, in the order data flows through them:

project
    :func:`load_project`, :func:`load_inputs`: every input of a project, read on two
    threads, reprojected, repaired and validated into :class:`Inputs`.
read
    One file to its canonical frame (:func:`read_table`, :func:`read_vector`,
    :func:`open_vector`), and :func:`add_area`.
tables, csvfile, xlsxfile, layout, encoding
    Attribute tables as handed over: CSV in UTF-8 or GBK/GB18030, XLSX, Parquet; title rows,
    units rows and totals rows.
vector
    Vector layers with pyogrio, shapefile encodings, ``file.gpkg#layer``.
canonical
    The file's columns to the canonical model, in steps: rename (column and value aliases,
    with aliases), text and codes, numbers, dates, money (with units).
crs
    Every CRS decision: a mixed-up Gauss-Krüger series, a missing CRS, the projected CRS of
    the analysis.
model, identifiers, arrowtext
    Shared by all: the canonical schemas and :class:`Inputs`; 统一社会信用代码 and 宗地代码;
    byte-level questions about Arrow text.

The names below are loaded on first use, so that importing one small module of the stage
(``landeval.inputs.units``) does not load all of it, and so that :mod:`landeval.validate`,
which uses the leaf modules (model, identifiers), can be imported before or after this one.

Examples
--------
>>> from landeval.inputs import load_project
>>> config, inputs = load_project()  # the embedded demo
>>> inputs.parcels.crs.is_projected
True
>>> {"parcel_id", "area_m2", "area_mu"} <= set(inputs.parcels.columns)
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from landeval.inputs.canonical import canonicalize
    from landeval.inputs.model import SOURCE_ROW, Inputs
    from landeval.inputs.project import load_inputs, load_project
    from landeval.inputs.read import OpenVector, add_area, open_vector, read_table, read_vector

_EXPORTS: dict[str, str] = {
    "load_project": "landeval.inputs.project",
    "load_inputs": "landeval.inputs.project",
    "read_table": "landeval.inputs.read",
    "read_vector": "landeval.inputs.read",
    "open_vector": "landeval.inputs.read",
    "OpenVector": "landeval.inputs.read",
    "add_area": "landeval.inputs.read",
    "canonicalize": "landeval.inputs.canonical",
    "Inputs": "landeval.inputs.model",
    "SOURCE_ROW": "landeval.inputs.model",
}

__all__ = [
    "SOURCE_ROW",
    "Inputs",
    "OpenVector",
    "add_area",
    "canonicalize",
    "load_inputs",
    "load_project",
    "open_vector",
    "read_table",
    "read_vector",
]


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from its module on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

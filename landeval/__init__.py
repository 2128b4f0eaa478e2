"""landeval: industrial land per-mu (亩均) evaluation for a Chinese city's bureaus.

The package is laid out as the pipeline runs: ``inputs`` and ``validate`` read and check
the inputs, ``raster`` measures buildings per parcel, ``mu_scoring`` judges firms and parcels
by output per mu, ``zoning`` places parcels in platforms and the control line and keeps the
改一补一 balance, ``treatments`` flags each parcel and decides its treatment (四个一批),
``review`` carries the bureau's decisions (review.xlsx), and ``export``, ``maps`` and
``report`` write what a bureau hands out. ``pipeline`` ties them
together; the CLI, the notebooks and the names below call it.

The Python API
--------------
Whole runs
    :func:`run` loads a project, evaluates it and writes every output (the store, the
    GeoPackage, the workbook, the CSV, the maps and the report) into one folder, the way
    ``landeval run`` does; it returns a :class:`RunResult`. :func:`stored_run` reads a
    previous run's configuration, year and tables back from its folder.
Loading
    :func:`load_project` reads a project folder (default: the embedded demo) into its
    :class:`Config` and :class:`Inputs`; :func:`has_errors` says whether the findings it
    collected stop a run. :func:`load_config` and :func:`default_config` give the
    configuration alone.
Evaluating, pure
    :func:`evaluate` runs the stages on loaded inputs and writes nothing (an
    :class:`Evaluation`). Each stage is also callable on its own: :func:`raster_metrics`
    (building coverage, FAR and height per parcel), :func:`score` (亩均 figures and classes of
    firms and parcels) and :func:`zone_and_treat` (platforms, control line, flags, the four
    treatments and the 改一补一 balance).
The bureau's decisions and the measures
    :func:`apply_firm_review` (a 调档 sets a firm's final class) and
    :func:`apply_parcel_review` (the final treatment of each parcel and the ``decisions``
    table) honour a filled review; :func:`final_parcels` is ``parcel_eval`` as every
    output shows it (the final decision, the proposal beside it);
    :func:`evaluate_incentives` computes the differentiated measures (差别化施策) of the
    firms' final classes.
Writing
    :func:`write_outputs` writes the GeoPackage, workbook, CSV, maps and report from result
    tables; :func:`write_review` writes review.xlsx, the action list and the firms for the
    bureau to decide on (a project names the filled file as ``[inputs] reviews``).
The demo
    :func:`demo_project_dir` is the embedded synthetic Shaoxing project;
    :func:`generate_demo` writes one at any scale.
Errors
    :class:`DataError` (an input cannot be used; ``findings`` says why),
    :class:`ConfigError` (the project file or an option is wrong) and :class:`OutputError`
    (the output folder is not landeval's, is in use or cannot be written), all
    :class:`LandevalError`.

``import landeval`` is cheap: the names above are imported on first use, so GeoPandas,
DuckDB and the rest load only when a notebook calls them.

Examples
--------
Run the embedded demo into a temporary folder (about five seconds; ``maps=False`` leaves
out the maps) and look at the result:

>>> import tempfile
>>> from pathlib import Path
>>> import landeval
>>> tmp = tempfile.TemporaryDirectory()
>>> result = landeval.run(out_dir=Path(tmp.name) / "out", maps=False)
>>> result.year
2024
>>> sorted(result.files)
['csv', 'geopackage', 'report', 'store', 'workbook']
>>> parcels = result.tables["parcel_eval"]  # one row per parcel, with its treatment
>>> sorted(parcels["treatment"].unique())
['CONVERT', 'EXIT', 'KEEP', 'REBUILD', 'UPGRADE']
>>> ledger = result.tables["balance_ledger"]  # 改一补一, per county then the city
>>> city = ledger.set_index("county_code").loc["city"]
>>> city["county_name"], bool(city["balanced"])
('全市', True)

The same run read back from its folder, as a later session would:

>>> config, year, tables = landeval.stored_run(result.out_dir)
>>> year == result.year and tables["parcel_eval"]["treatment"].equals(parcels["treatment"])
True

In memory, writing nothing: load, then all the stages or one of them:

>>> config, inputs = landeval.load_project()  # no folder: the embedded demo
>>> landeval.has_errors(inputs.findings)
False
>>> evaluation = landeval.evaluate(inputs, config)
>>> evaluation.year, len(evaluation.tables["parcel_eval"]) == len(inputs.parcels)
(2024, True)
>>> scoring = landeval.score(inputs, config)
>>> scoring.allocation.equals(evaluation.tables["allocation"])
True

A problem the user can fix is a :class:`LandevalError` with a message, not a traceback:

>>> landeval.load_project(Path(tmp.name) / "missing")
Traceback (most recent call last):
    ...
landeval.errors.ConfigError: 项目文件夹 .../missing 不存在 / project folder ... does not exist
>>> tmp.cleanup()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from landeval._version import __version__

# Public name -> module defining it. Imported on first attribute access (PEP 562) so that
# ``import landeval`` stays cheap; the pipeline's names come from ``landeval.pipeline`` so
# that moving a stage's code does not move its public name.
_LAZY: dict[str, str] = {
    "run": "landeval.pipeline",
    "evaluate": "landeval.pipeline",
    "raster_metrics": "landeval.pipeline",
    "score": "landeval.pipeline",
    "write_outputs": "landeval.pipeline",
    "write_review": "landeval.review",
    "apply_firm_review": "landeval.review",
    "apply_parcel_review": "landeval.review",
    "final_parcels": "landeval.review.shown",
    "evaluate_incentives": "landeval.incentives",
    "stored_run": "landeval.pipeline",
    "Evaluation": "landeval.pipeline",
    "RunResult": "landeval.pipeline",
    "zone_and_treat": "landeval.stages",
    "load_project": "landeval.inputs.project",
    "Inputs": "landeval.inputs.model",
    "has_errors": "landeval.findings",
    "Config": "landeval.config",
    "load_config": "landeval.config",
    "default_config": "landeval.config",
    "LandevalError": "landeval.errors",
    "ConfigError": "landeval.errors",
    "DataError": "landeval.errors",
    "OutputError": "landeval.errors",
    "generate_demo": "landeval.demo",
    "demo_project_dir": "landeval.demo",
}

__all__ = [
    "Config",
    "ConfigError",
    "DataError",
    "Evaluation",
    "Inputs",
    "LandevalError",
    "OutputError",
    "RunResult",
    "__version__",
    "apply_firm_review",
    "apply_parcel_review",
    "default_config",
    "demo_project_dir",
    "evaluate",
    "evaluate_incentives",
    "final_parcels",
    "generate_demo",
    "has_errors",
    "load_config",
    "load_project",
    "raster_metrics",
    "run",
    "score",
    "stored_run",
    "write_outputs",
    "write_review",
    "zone_and_treat",
]

if TYPE_CHECKING:
    from landeval.config import Config, default_config, load_config
    from landeval.demo import demo_project_dir, generate_demo
    from landeval.errors import ConfigError, DataError, LandevalError
    from landeval.findings import has_errors
    from landeval.incentives import evaluate_incentives
    from landeval.inputs.model import Inputs
    from landeval.inputs.project import load_project
    from landeval.pipeline import (
        Evaluation,
        RunResult,
        evaluate,
        raster_metrics,
        run,
        score,
        stored_run,
        write_outputs,
    )
    from landeval.review import apply_firm_review, apply_parcel_review, write_review
    from landeval.review.shown import final_parcels
    from landeval.stages import zone_and_treat


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'landeval' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    """The public names (what a notebook's completion offers), the lazy ones included."""
    return sorted(__all__)

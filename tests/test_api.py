"""The public Python API as a notebook user meets it: ``import landeval``, then its names."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import subprocess
import sys

import pandas as pd
import pytest

import landeval
from landeval.review import apply_firm_review

# Libraries a bare ``import landeval`` must not load: a notebook or the CLI's ``--help``
# pays for them only when a stage runs.
HEAVY = {
    "numpy", "pandas", "pyarrow", "geopandas", "shapely", "pyproj", "pyogrio", "rasterio",
    "exactextract", "duckdb", "folium", "openpyxl", "xlsxwriter", "jinja2", "pydantic",
}  # fmt: skip

STAGE_TABLES = ("parcel_raster", "firm_scores", "allocation", "parcel_scores", "parcel_eval")


def test_import_landeval_loads_no_heavy_library():
    # in a fresh interpreter: this one has imported everything already
    code = "import sys, landeval; print(*sorted(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(done.stdout.split())
    assert "landeval" in loaded
    assert not {m.split(".")[0] for m in loaded} & HEAVY
    assert [m for m in loaded if m.startswith("landeval.")] == ["landeval._version"]


def test_every_public_name_resolves_to_its_home_object():
    for name in landeval.__all__:
        value = getattr(landeval, name)
        if name == "__version__":
            assert isinstance(value, str)
            continue
        home = importlib.import_module(value.__module__)
        assert getattr(home, name) is value, name


def test_dir_and_star_import_offer_the_public_names():
    assert set(landeval.__all__) <= set(dir(landeval))
    namespace: dict = {}
    exec("from landeval import *", namespace)
    assert {"run", "evaluate", "load_project", "score", "Config", "DataError"} <= set(namespace)
    assert set(namespace) - {"__builtins__"} == set(landeval.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        _ = landeval.nonexistent


def test_public_callables_have_numpydoc_docstrings():
    for name in landeval.__all__:
        value = getattr(landeval, name)
        if callable(value):
            doc = inspect.getdoc(value)
            assert doc, f"{name} has no docstring"
            assert doc.splitlines()[0].endswith("."), f"{name}: the summary line is a sentence"


def test_a_missing_project_is_a_config_error(tmp_path):
    with pytest.raises(landeval.ConfigError, match="does not exist"):
        landeval.load_project(tmp_path / "missing")
    with pytest.raises(landeval.LandevalError):
        landeval.run(project_dir=tmp_path / "missing", out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def demo_inputs():
    return landeval.load_project()


@pytest.fixture(scope="module")
def demo_evaluation(demo_inputs, tmp_path_factory):
    """The pure evaluation of the demo, run in an empty working folder."""
    config, inputs = demo_inputs
    before = {name: frame.copy() for name, frame in inputs.tables().items()}
    cwd = tmp_path_factory.mktemp("evaluate_cwd")
    with contextlib.chdir(cwd):
        evaluation = landeval.evaluate(inputs, config)
    return {"evaluation": evaluation, "inputs_before": before, "cwd": cwd}


@pytest.mark.slow
def test_run_on_the_demo_returns_the_tables_it_wrote(tmp_path, demo_evaluation):
    evaluation = demo_evaluation["evaluation"]
    result = landeval.run(out_dir=tmp_path / "out", maps=False)
    assert isinstance(result, landeval.RunResult)
    assert result.out_dir == (tmp_path / "out").resolve()
    assert result.year == evaluation.year
    assert {"store", "geopackage", "workbook", "csv", "report"} == set(result.files)
    assert all(path.is_file() for path in result.files.values())
    # the tables returned are the pure evaluation's, plus the inputs and the findings
    for name, frame in evaluation.tables.items():
        if frame is not None:
            pd.testing.assert_frame_equal(result.tables[name], frame, obj=name)
    assert {"parcels", "firms", "findings"} <= set(result.tables)
    # and what a later session reads back from the folder
    config, year, stored = landeval.stored_run(result.out_dir)
    assert year == result.year
    assert config.project.name == landeval.load_config(landeval.demo_project_dir()).project.name
    ids = ["parcel_id", "treatment", "class"]
    pd.testing.assert_frame_equal(
        stored["parcel_eval"][ids].astype(str), result.tables["parcel_eval"][ids].astype(str)
    )


@pytest.mark.slow
def test_the_stage_functions_compose_to_evaluate(demo_inputs, demo_evaluation):
    config, inputs = demo_inputs
    evaluation = demo_evaluation["evaluation"]
    tables = evaluation.tables
    parcel_raster, _findings = landeval.raster_metrics(inputs, config)
    pd.testing.assert_frame_equal(parcel_raster, tables["parcel_raster"])
    scoring = landeval.score(inputs, config)
    # the bureau's firm review (DESIGN §10) sets the final classes before the treatments
    reviewed = apply_firm_review(
        scoring.firm_scores, scoring.parcel_scores, inputs.firm_review, year=evaluation.year
    )
    pd.testing.assert_frame_equal(scoring.allocation, tables["allocation"], obj="allocation")
    pd.testing.assert_frame_equal(reviewed.firm_scores, tables["firm_scores"], obj="firm_scores")
    pd.testing.assert_frame_equal(reviewed.parcel_scores, tables["parcel_scores"])
    pd.testing.assert_frame_equal(reviewed.firm_decisions, tables["firm_decisions"])
    zoning = landeval.zone_and_treat(
        parcels=inputs.parcels,
        platforms=inputs.platforms,
        control_line=inputs.control_line,
        land_changes=inputs.land_changes,
        parcel_scores=reviewed.parcel_scores,
        firm_scores=reviewed.firm_scores,
        parcel_raster=parcel_raster,
        firms=inputs.firms,
        veto=inputs.veto,
        allocation=scoring.allocation,
        config=config,
        year=evaluation.year,
        parcel_review=inputs.parcel_review,
    )
    pd.testing.assert_frame_equal(zoning.parcel_eval, tables["parcel_eval"])
    pd.testing.assert_frame_equal(zoning.decisions, tables["decisions"])
    assert set(STAGE_TABLES) <= set(tables)


@pytest.mark.slow
def test_evaluate_writes_nothing_and_leaves_its_inputs_alone(demo_inputs, demo_evaluation):
    _config, inputs = demo_inputs
    assert not any(demo_evaluation["cwd"].iterdir())
    for name, frame in inputs.tables().items():
        pd.testing.assert_frame_equal(frame, demo_evaluation["inputs_before"][name], obj=name)

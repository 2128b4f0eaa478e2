"""The orchestrator: every check run on two threads, the same findings in a fixed order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import box

import landeval.validate
from landeval.inputs import load_project
from landeval.validate import start_overlap_checks, validate_inputs
from tests._messy import MESSY
from tests.validate._helpers import CFG, parcels_of

DEMO = Path(__file__).parents[2] / "data" / "shaoxing_demo"


def test_validate_inputs_does_not_mutate():
    _cfg, inputs = load_project(MESSY / "base")
    tables = {k: v.copy() for k, v in inputs.tables().items()}
    validate_inputs(inputs.tables(), config=CFG)
    for name, frame in inputs.tables().items():
        pd.testing.assert_frame_equal(frame, tables[name])


@pytest.mark.skipif(not (DEMO / "landeval.toml").exists(), reason="demo not generated yet")
def test_demo_validates_without_errors():
    _cfg, inputs = load_project(DEMO)
    errors = inputs.findings[inputs.findings["severity"] == "error"]
    assert errors.empty, errors.head(10).to_string()


# --- single checks -------------------------------------------------------------------------


def test_overlap_checks_started_early_give_the_same_findings():
    parcels = parcels_of([box(0, 0, 100, 100), box(50, 0, 150, 100), box(300, 0, 400, 100)])
    tables = {"parcels": parcels}
    alone = validate_inputs(tables, config=CFG)
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = start_overlap_checks(tables, pool)
        assert set(started) == {"parcels"}
        early = validate_inputs(tables, config=CFG, overlaps=started)
    pd.testing.assert_frame_equal(early, alone)
    assert "PARCEL_OVERLAP" in set(alone["code"])


def test_every_public_name_is_importable_from_the_package():
    for name in landeval.validate.__all__:
        assert getattr(landeval.validate, name) is not None, name
    # Each check is the module's own function, not a copy.
    assert landeval.validate.check_overlaps.__module__ == "landeval.validate.overlaps"
    assert landeval.validate.check_firm_years.__module__ == "landeval.validate.firms"

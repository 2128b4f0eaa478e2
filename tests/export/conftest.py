"""Fixtures of the export tests: the hand-computed result tables, and the files written once."""

from __future__ import annotations

import pytest

from landeval.export import write_actions_csv, write_geopackage, write_workbook
from tests._fixtures_results import YEAR, results


@pytest.fixture
def tables():
    return results()


@pytest.fixture(scope="package")
def outputs(tmp_path_factory):
    # written once for the package: the tests only read them back
    tables = results()
    out = tmp_path_factory.mktemp("exports")
    return {
        "xlsx": write_workbook(tables, out / "actions.xlsx", year=YEAR),
        "csv": write_actions_csv(tables, out / "actions.csv"),
        "gpkg": write_geopackage(tables, out / "parcels.gpkg"),
    }

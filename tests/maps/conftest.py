"""Fixtures of the map tests: synthetic inputs near Shaoxing, and the pages written once."""

from __future__ import annotations

import pytest

from landeval.config import default_config
from landeval.maps import write_maps
from tests.maps.test_fixture import make_map_inputs


@pytest.fixture(scope="package")
def inputs():
    return make_map_inputs(330)


@pytest.fixture(scope="package")
def written(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    paths = write_maps(**inputs, config=default_config(), year=2024, out_dir=out)
    return {p.name: p.read_text(encoding="utf-8") for p in paths}

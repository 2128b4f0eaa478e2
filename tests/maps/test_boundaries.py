"""The county boundaries the maps draw: the project's own, the shipped ones, or outlines."""

from __future__ import annotations

import tomllib
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from landeval.config import default_config, load_config
from landeval.inputs.project import load_project
from landeval.maps.boundaries import county_boundaries, shipped_boundaries, shipped_boundaries_path
from landeval.vocabulary import DATA_ATTRIBUTION, SHAOXING_COUNTIES

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_boundaries_are_shaoxings_six_counties():
    frame = shipped_boundaries()
    assert dict(zip(frame["county_code"], frame["county_name"], strict=True)) == SHAOXING_COUNTIES
    assert frame.crs.to_epsg() == 4326
    geoms = frame.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)  # edge-matched: no overlaps between counties
    # the licence and its notice ship beside the data
    notice = (shipped_boundaries_path().parent / "SOURCE.md").read_text(encoding="utf-8")
    for words in ("ODbL", "OpenStreetMap", "geoBoundaries", "2017", "沥海", DATA_ATTRIBUTION["zh"]):
        assert words in notice, words


def test_the_wheel_ships_the_boundaries():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["data/boundaries"] == "landeval/_data/boundaries"
    assert (ROOT / "data" / "boundaries" / "shaoxing_counties.geojson").is_file()


def test_shaoxing_parcels_get_the_shipped_lines_with_their_credit(inputs):
    found = county_boundaries(inputs["parcel_eval"], None, config=default_config())
    assert found.source == "shipped"
    assert found.attribution == DATA_ATTRIBUTION["zh"]
    assert len(found.frame) == 6  # the whole city, not only the counties with parcels


def test_a_bureaus_own_layer_wins_and_is_named(inputs):
    own = gpd.GeoDataFrame(
        {"county_code": ["330602", "330603"], "name": ["越城区（官方）", None]},
        geometry=[shapely.box(120.4, 29.9, 120.7, 30.2), shapely.box(120.2, 29.9, 120.4, 30.2)],
        crs="EPSG:4326",
    )
    found = county_boundaries(inputs["parcel_eval"], own, config=default_config())
    assert found.source == "project" and found.attribution is None
    assert list(found.frame["county_name"]) == ["越城区（官方）", "柯桥区"]


def test_another_city_gets_outlines_round_its_parcels(inputs):
    parcels = inputs["parcel_eval"].assign(county_code="999999", county_name="某县")
    found = county_boundaries(parcels, None, config=default_config())
    assert found.source == "parcels" and found.attribution is None
    assert list(found.frame["county_name"]) == ["某县"]


def test_a_project_may_give_its_boundaries_as_a_layer(tmp_path):
    """``[inputs] boundaries``: read with the Chinese column names a bureau exports."""
    base = ROOT / "tests" / "data" / "messy" / "base"
    project = tmp_path / "project"
    project.mkdir()
    for path in base.iterdir():
        (project / path.name).write_bytes(path.read_bytes())
    lines = shipped_boundaries().rename(
        columns={"county_code": "行政区划代码", "county_name": "行政区名称"}
    )
    lines.to_file(project / "boundaries.gpkg", layer="boundaries", engine="pyogrio")
    toml = (project / "landeval.toml").read_text(encoding="utf-8")
    toml = toml.replace("[inputs]", '[inputs]\nboundaries = "boundaries.gpkg"', 1)
    (project / "landeval.toml").write_text(toml, encoding="utf-8")
    _, inputs = load_project(project, config=load_config(project))
    assert inputs.boundaries is not None
    assert list(inputs.boundaries["county_code"]) == list(SHAOXING_COUNTIES)
    assert list(inputs.boundaries["name"]) == list(SHAOXING_COUNTIES.values())
    assert inputs.boundaries.crs.equals(inputs.parcels.crs)  # reprojected like every layer
    assert "boundaries" in inputs.tables()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_attribution_in_both_languages(lang):
    assert "OpenStreetMap contributors (ODbL), via geoBoundaries" in DATA_ATTRIBUTION[lang]

"""Tests of landeval.export.geopackage: parcels.gpkg read back, aliases from the vocabulary."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, MultiPolygon, Polygon, box

from landeval.export import write_geopackage
from landeval.export.geopackage import GPKG_LAYERS, _arrow_table, _write_layer
from landeval.inputs.model import RESULT_COLUMNS
from landeval.vocabulary import COLUMNS, LAYER_LABELS
from tests._fixtures_results import FORMULA_NAME
from tests.export._helpers import EXPECTED

SQUARE = box(0, 0, 1, 1)
HOLED = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (2, 2), (1, 2)]])
TWO = MultiPolygon([box(5, 5, 6, 6), box(7, 7, 8, 9)])


def _layer(geoms, **columns) -> gpd.GeoDataFrame:
    n = len(geoms)
    data = {
        "name": pd.array([f"名{i}" for i in range(n)], dtype="str"),
        "area": np.arange(n, dtype="float64") / 3,
        "n": pd.array(range(n), dtype="Int64"),
        "flag": np.arange(n) % 2 == 0,
        **columns,
    }
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs="EPSG:4549")


def _rows(path, layer):
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute(f'SELECT * FROM "{layer}" ORDER BY fid').fetchall()
        geometry = con.execute(
            "SELECT geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns"
        ).fetchall()
        columns = con.execute(f'PRAGMA table_info("{layer}")').fetchall()
    return rows, geometry, columns


def test_geopackage_layers_fields_and_aliases(outputs):
    layers = dict(pyogrio.list_layers(outputs["gpkg"]).tolist())
    assert list(layers) == [
        "parcel_eval",
        "platforms",
        "control_line",
        "land_changes",
        "balance_items",
    ]
    assert layers["parcel_eval"] == "MultiPolygon"
    info = pyogrio.read_info(outputs["gpkg"], layer="parcel_eval")
    fields = list(info["fields"])
    assert fields[:3] == ["parcel_id", "county_code", "county_name"]
    assert info["features"] == 10
    subtypes = dict(zip(fields, info["ogr_subtypes"], strict=True))
    assert subtypes["must_stay_industrial"] == "OFSTBoolean"
    assert subtypes["inside_line"] == "OFSTBoolean"
    with closing(sqlite3.connect(outputs["gpkg"])) as con:
        aliases = dict(
            con.execute(
                "SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'parcel_eval'"
            ).fetchall()
        )
        ext = con.execute(
            "SELECT extension_name FROM gpkg_extensions WHERE table_name = 'gpkg_data_columns'"
        ).fetchall()
    assert aliases["parcel_id"] == "宗地代码"
    assert aliases["area_mu"] == "面积（亩）"
    assert aliases["must_stay_industrial"] == "须保持工业用途"
    assert ext == [("gpkg_schema",)]


def test_geopackage_aliases_are_the_vocabulary_headers(outputs, tables, tmp_path):
    english = write_geopackage(tables, tmp_path / "en.gpkg", lang="en")
    for path, lang in ((outputs["gpkg"], "zh"), (english, "en")):
        with closing(sqlite3.connect(path)) as con:
            aliases = con.execute(
                "SELECT table_name, column_name, name, title FROM gpkg_data_columns"
            ).fetchall()
            titles = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
        assert aliases
        for _, column, name, title in aliases:
            assert name == title == COLUMNS[column].header(lang)
        for layer in GPKG_LAYERS:
            assert titles[layer] == LAYER_LABELS[layer][lang]
        # every field of every layer has its alias
        for layer in GPKG_LAYERS:
            fields = set(pyogrio.read_info(path, layer=layer)["fields"])
            assert fields == {c for t, c, _, _ in aliases if t == layer}, layer


def test_every_result_column_of_the_geopackage_layers_has_a_label():
    for layer in ("parcel_eval", "balance_items"):
        missing = [c for c in RESULT_COLUMNS[layer] if c not in COLUMNS and c != "geometry"]
        assert missing == [], layer


def test_geopackage_attributes_and_counts(outputs):
    gdf = pyogrio.read_dataframe(outputs["gpkg"], layer="parcel_eval")
    assert gdf.crs.to_epsg() == 4549
    assert len(gdf) == 10
    for code, (n, mu) in EXPECTED.items():
        sel = gdf[gdf["treatment"] == code]
        assert len(sel) == n
        assert sel["area_mu"].sum() == pytest.approx(mu, abs=1e-6)
        assert (sel.geometry.area / (10000 / 15)).sum() == pytest.approx(mu, abs=1e-6)
    row = gdf.set_index("parcel_id").loc["330602001001GB00001"]
    assert row["flags"] == "FAR_LOW;CLASS_C;OLD_BUILDINGS"
    assert row["main_name"] == FORMULA_NAME  # GIS text is stored as is, not a spreadsheet
    assert bool(row["must_stay_industrial"]) is True
    items = pyogrio.read_dataframe(outputs["gpkg"], layer="balance_items")
    assert items["counted_mu"].sum() == pytest.approx(70.5)
    changes = pyogrio.read_dataframe(outputs["gpkg"], layer="land_changes")
    assert str(changes["approved_on"].iloc[0])[:10] == "2024-03-01"


def test_geopackage_writes_only_given_layers(tables, tmp_path):
    given = {"parcel_eval": tables["parcel_eval"], "platforms": None}
    path = write_geopackage(given, tmp_path / "p.gpkg", lang="en")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["parcel_eval"]
    with closing(sqlite3.connect(path)) as con:
        alias = con.execute(
            "SELECT name FROM gpkg_data_columns WHERE column_name = 'area_mu'"
        ).fetchone()
    assert alias == ("Area (mu)",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gpkg"]


def test_geopackage_with_no_layers_is_still_valid(tmp_path):
    path = write_geopackage({}, tmp_path / "p.gpkg")
    assert [name for name, _ in pyogrio.list_layers(path)] == ["empty"]


@pytest.mark.parametrize(
    "geoms",
    [
        [SQUARE, HOLED, SQUARE],  # polygons only
        [TWO, SQUARE, HOLED, TWO],  # polygons and multipolygons
        [TWO, TWO],  # multipolygons only
        [SQUARE, None],  # a missing geometry: pyogrio's path
        [SQUARE, Polygon()],  # an empty polygon: pyogrio's path
        [box(0, 0, 1, 1), Polygon([(0, 0, 1), (1, 0, 1), (1, 1, 1)])],  # 3D: pyogrio's path
        [LineString([(0, 0), (1, 1)]), SQUARE],  # other types: pyogrio's path
    ],
)
def test_layer_written_like_pyogrio_promoting_to_multi(tmp_path, geoms):
    frame = _layer(geoms)
    ours, theirs = tmp_path / "ours.gpkg", tmp_path / "theirs.gpkg"
    _write_layer(frame, ours, "parcel_eval")
    pyogrio.write_dataframe(
        frame, theirs, layer="parcel_eval", driver="GPKG", promote_to_multi=True, use_arrow=True
    )
    assert _rows(ours, "parcel_eval") == _rows(theirs, "parcel_eval")
    a = pyogrio.read_info(ours, layer="parcel_eval")
    b = pyogrio.read_info(theirs, layer="parcel_eval")
    for key in ("crs", "fields", "dtypes", "geometry_type", "features"):
        assert str(a[key]) == str(b[key])


def test_own_arrow_table_only_for_plain_polygon_layers():
    assert _arrow_table(_layer([SQUARE, TWO])) is not None
    assert _arrow_table(_layer([])) is None  # empty: pyogrio decides the layer type
    assert _arrow_table(_layer([SQUARE, None])) is None
    assert _arrow_table(_layer([SQUARE, Polygon()])) is None
    assert _arrow_table(_layer([LineString([(0, 0), (1, 1)])])) is None
    mixed = _layer([SQUARE, TWO], note=pd.Series(["a", 1], dtype=object))
    assert _arrow_table(mixed) is None  # object columns: pyogrio converts them
    tz = pd.Series(pd.to_datetime(["2024-01-01", "2024-06-01"]).tz_localize("Asia/Shanghai"))
    assert _arrow_table(_layer([SQUARE, TWO], when=tz)) is None


def test_own_arrow_table_promotes_polygons_in_wkb():
    table = _arrow_table(_layer([SQUARE, TWO, HOLED]))
    wkb = table.column("geometry").to_pylist()
    back = gpd.GeoSeries.from_wkb(wkb)
    assert list(back.geom_type) == ["MultiPolygon"] * 3
    assert back.iloc[0].equals(MultiPolygon([SQUARE]))
    assert back.iloc[1].equals(TWO)
    assert back.iloc[2].equals(MultiPolygon([HOLED]))
    assert table.column_names == ["name", "area", "n", "flag", "geometry"]


def test_sqlite_settings_scoped_to_the_geopackage_write(tmp_path):
    pyogrio.set_gdal_config_options({"OGR_SQLITE_PRAGMA": "cache_size=-4000"})
    try:
        path = write_geopackage({"parcel_eval": _layer([SQUARE, TWO])}, tmp_path / "p.gpkg")
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_PRAGMA") == "cache_size=-4000"
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_PRAGMA": None})
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA page_size").fetchone() == (65536,)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(pyogrio.read_dataframe(path, layer="parcel_eval")) == 2

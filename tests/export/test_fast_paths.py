"""The exports' shortcuts give what the general code gives.

The GeoPackage writes polygon layers through its own Arrow table (polygons promoted to
MultiPolygons in their WKB) instead of ``pyogrio.write_dataframe``; the action and firm
tables take their rows once in sorted order; the XLSX writer decides from a sample which
columns to dictionary-encode. These tests pin each against the general path.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import pytest
from shapely.geometry import LineString, MultiPolygon, Polygon, box

from landeval.export import _xlsx, write_geopackage
from landeval.export._tables import _parcel_order, firm_table, sort_parcels
from landeval.export.geopackage import _arrow_table, _write_layer

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


def _old_sort_parcels(frame: pd.DataFrame) -> pd.DataFrame:
    # the definition before the order was computed once from the three keys
    keys = pd.DataFrame(
        {
            "_county": frame["county_code"].astype("string").fillna(""),
            "_area": pd.to_numeric(frame["area_mu"], errors="coerce").fillna(-1.0),
            "_id": frame["parcel_id"].astype("string").fillna(""),
        },
        index=frame.index,
    )
    order = keys.sort_values(
        ["_county", "_area", "_id"], ascending=[True, False, True], kind="stable"
    ).index
    return frame.loc[order]


def test_sort_parcels_ties_missing_and_unsorted_input():
    frame = pd.DataFrame(
        {
            "county_code": pd.array(["b", "a", None, "a", "a", "b", "a"], dtype="str"),
            "area_mu": [1.0, 2.0, 3.0, np.nan, 2.0, 1.0, 2.0],
            "parcel_id": pd.array(["p1", "p2", "p3", "p4", "p2", None, "p0"], dtype="str"),
            "tag": list("ABCDEFG"),  # tells tied rows apart: their input order stays
        },
        index=[10, 3, 7, 1, 0, 5, 2],
    )
    expected = _old_sort_parcels(frame)
    pd.testing.assert_frame_equal(sort_parcels(frame), expected, check_exact=True)
    assert list(sort_parcels(frame)["tag"]) == ["C", "G", "B", "E", "D", "F", "A"]
    rows = np.array([6, 0, 4, 1])
    # positions into the rows given; ties keep their order
    assert list(_parcel_order(frame, rows)) == [0, 2, 3, 1]
    assert list(_parcel_order(frame.iloc[:0])) == []
    assert sort_parcels(frame.iloc[:0]).empty


@pytest.mark.parametrize("seed", range(6))
def test_sort_parcels_equals_the_pandas_sort_on_random_keys(seed):
    # many ties, missing keys, signed zeros, infinities, text areas and non-ASCII codes:
    # the Arrow sort must give exactly the order pandas' stable sort_values gave
    rng = np.random.default_rng(seed)
    n = 3000
    counties = np.array(["330602", "330603", "33060a", "绍兴", "", "Z", "é"], dtype=object)
    county = counties[rng.integers(0, len(counties), n)].astype(object)
    county[rng.random(n) < 0.05] = None
    area = rng.choice([0.0, -0.0, 1.5, 2.25, np.inf, -np.inf, np.nan, 7.0, 1e-9], n)
    area = area.astype(object)
    area[rng.random(n) < 0.03] = "x"  # not a number: coerced to missing
    ids = rng.integers(0, 400, n).astype(str).astype(object)
    ids[rng.random(n) < 0.05] = None
    frame = pd.DataFrame(
        {
            "county_code": pd.array(county, dtype="str"),
            "area_mu": area,
            "parcel_id": pd.array(ids, dtype="str"),
            "tag": np.arange(n),
        },
        index=rng.permutation(n),
    )
    pd.testing.assert_frame_equal(sort_parcels(frame), _old_sort_parcels(frame), check_exact=True)


def test_firm_table_rows_of_the_year_in_order_with_missing_years():
    firms = pd.DataFrame(
        {
            "uscc": pd.array(["u3", "u1", "u2", "u1", "u4"], dtype="str"),
            "name": pd.array(["c", "a", "b", "a2", "d"], dtype="str"),
            "county_code": pd.array(["330602", "330602", None, "330603", "330602"], dtype="str"),
            "year": pd.array([2024, 2024, 2024, pd.NA, 2023], dtype="Int64"),
            "land_mu": [5.0, 5.0, 1.0, 9.0, 7.0],
            "class": pd.array(["A", "B", None, "C", "D"], dtype="str"),
            "tax_per_kwh": [0.001, np.nan, 0.002, 0.003, 0.004],
        },
        index=[4, 4, 2, 1, 0],  # duplicate labels: rows are taken by position
    )
    table = firm_table(firms, year=2024, county_names={"330602": "越城区"}, lang="zh")
    frame = table.frame
    assert list(frame.iloc[:, 0]) == ["u2", "u1", "u3"]  # blank county first, then u1 < u3
    counties = list(frame.iloc[:, 2])
    assert pd.isna(counties[0])
    assert counties[1:] == ["越城区", "越城区"]


@pytest.mark.parametrize(
    ("values", "encoded"),
    [
        (pa.array([], pa.large_string()), True),
        (pa.array([None] * 8, pa.large_string()), True),
        (pa.array(["a", "b", None, "a", "b", "a", "a", "b"], pa.large_string()), True),
        (pa.array([f"t{i}" for i in range(100)], pa.large_string()), False),
        (pa.array([1.0, np.nan, 1.0, 2.0] * 10, from_pandas=True), True),
        (pa.array(np.arange(100.0)), False),
    ],
)
def test_repeating_columns_are_dictionary_encoded(values, encoded):
    result = _xlsx._repeating(values)
    assert (result is not None) is encoded
    if result is not None:
        assert result.dictionary.take(result.indices).equals(values)


def test_repeating_decides_on_the_whole_column_after_the_sample(monkeypatch):
    monkeypatch.setattr(_xlsx, "_SAMPLE", 4)
    # the sample (every 25th cell) repeats, the column as a whole does not
    values = pa.array([("x" if i % 25 == 0 else f"t{i}") for i in range(100)])
    assert _xlsx._repeating(values) is None
    # the sample is nearly all distinct: not encoded, whatever the rest holds
    values = pa.array([(f"s{i}" if i % 25 == 0 else "x") for i in range(100)])
    assert _xlsx._repeating(values) is None


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

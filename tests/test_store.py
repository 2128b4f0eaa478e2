import duckdb
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landeval._atomic import atomic_dir, atomic_path
from landeval._outdir import write_marker
from landeval.store import (
    StoreWriter,
    _arrow_or_frame,
    _plain,
    list_tables,
    read_table,
    read_tables,
    update_store,
    write_store,
)


@pytest.fixture
def frames():
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["330602001001GB00001", "330602001001GB00002"], "area_m2": [1.0, 1.0]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs="EPSG:4549",
    )
    firms = pd.DataFrame({"uscc": ["0123"], "name": ["绍兴某某印染有限公司"]})
    return parcels, firms


def test_round_trip_keeps_geometry_crs_and_text(tmp_path, frames):
    parcels, firms = frames
    path = write_store(tmp_path / "s.duckdb", {"parcels": parcels, "firms": firms})
    back = read_table(path, "parcels")
    assert isinstance(back, gpd.GeoDataFrame)
    assert back.crs.to_epsg() == 4549
    assert back.geometry.equals(parcels.geometry)
    assert read_table(path, "firms")["uscc"].tolist() == ["0123"]  # leading zero kept
    assert set(list_tables(path)) >= {"parcels", "firms"}


def test_update_replaces_one_table_and_keeps_others(tmp_path, frames):
    parcels, firms = frames
    path = write_store(tmp_path / "s.duckdb", {"parcels": parcels, "firms": firms})
    update_store(path, {"firms": pd.DataFrame({"uscc": ["X"], "name": ["新"]})})
    tables = read_tables(path)
    assert tables["firms"]["uscc"].tolist() == ["X"]
    assert len(tables["parcels"]) == 2


def test_failed_write_leaves_previous_store(tmp_path, frames):
    _, firms = frames
    path = write_store(tmp_path / "s.duckdb", {"firms": firms})
    before = path.read_bytes()
    with pytest.raises(ValueError, match="identifier"):
        write_store(path, {"bad name": firms})
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.part"))


def test_store_writer_writes_puts_in_order_a_later_name_replacing_an_earlier(tmp_path, frames):
    parcels, firms = frames
    path = tmp_path / "s.duckdb"
    with StoreWriter(path) as store:
        store.put({"parcels": parcels, "firms": firms})
        store.put({"firms": pd.DataFrame({"uscc": ["X"], "name": ["新"]})})
        store.wait()
        assert not path.exists()  # only renamed into place when the block ends
    tables = read_tables(path)
    assert tables["firms"]["uscc"].tolist() == ["X"]
    assert tables["parcels"].geometry.equals(parcels.geometry)
    assert not list(tmp_path.glob("*.part"))


def test_store_writer_error_in_a_table_surfaces_and_keeps_the_previous_store(tmp_path, frames):
    _, firms = frames
    path = write_store(tmp_path / "s.duckdb", {"firms": firms})
    before = path.read_bytes()
    with pytest.raises(ValueError, match="identifier"), StoreWriter(path) as store:
        store.put({"bad name": firms})
        store.wait()
        pytest.fail("wait() must raise the writing error")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.part"))


def test_store_writer_error_in_the_block_drops_queued_tables(tmp_path, frames):
    parcels, firms = frames
    path = write_store(tmp_path / "s.duckdb", {"firms": firms})
    before = path.read_bytes()
    with pytest.raises(KeyboardInterrupt), StoreWriter(path) as store:
        store.put({"parcels": parcels})
        raise KeyboardInterrupt
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.part"))


def test_atomic_path_and_dir(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError
    assert target.read_text() == "old"

    out = tmp_path / "out"
    with atomic_dir(out) as staging:
        (staging / "f").write_text("1")
    with pytest.raises(RuntimeError), atomic_dir(out) as staging:
        (staging / "f").write_text("2")
        raise RuntimeError
    assert (out / "f").read_text() == "1"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_atomic_dir_recovers_after_a_kill_between_renames(tmp_path):
    out = tmp_path / "out"
    old = tmp_path / ".out.old"
    old.mkdir()
    (old / "f").write_text("kept")
    write_marker(old)  # the previous output, landeval's own
    (tmp_path / ".out.abc.part").mkdir()  # staging left by a killed run
    with atomic_dir(out) as staging:
        assert (out / "f").read_text() == "kept"  # restored before the new run starts
        (staging / "f").write_text("new")
    assert (out / "f").read_text() == "new"
    assert not (tmp_path / ".out.abc.part").exists()


def test_arrow_path_gives_the_types_and_values_of_the_pandas_path():
    # the store hands typed frames to DuckDB as Arrow (faster); it must store exactly what
    # DuckDB's pandas scan stores: same column types, NaN and NA as NULL, order kept
    n = 300_000  # more than two DuckDB row groups
    frame = gpd.GeoDataFrame(
        {
            "text": pd.Series(["越城区", None, "=1+1"] * (n // 3), dtype="str"),
            "number": [1.5, float("nan"), -2.0] * (n // 3),
            "count": pd.array([1, None, 3] * (n // 3), dtype="Int64"),
            "flag": [True, False, True] * (n // 3),
            "year": [2023, 2024, 2025] * (n // 3),
        },
        geometry=[shapely.box(0, 0, 1, 1), None, shapely.Point(1, 2)] * (n // 3),
        crs="EPSG:4549",
    )
    plain, _ = _plain(frame)
    arrow = _arrow_or_frame(plain)
    assert not isinstance(arrow, pd.DataFrame)
    with duckdb.connect() as con:
        got = {}
        for name, data in (("a", arrow), ("p", plain)):
            con.register("_incoming", data)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _incoming")
            con.unregister("_incoming")
            got[name] = (
                con.execute(f"DESCRIBE {name}").fetchall(),
                con.sql(f"SELECT * FROM {name}").to_arrow_table(),
            )
    assert got["a"][0] == got["p"][0]
    assert got["a"][1].equals(got["p"][1])
    # an object column (dates, mixed cells) goes in through pandas as before
    assert isinstance(_arrow_or_frame(pd.DataFrame({"d": [object()]})), pd.DataFrame)

"""DuckDB connections with landeval's settings (landeval._duckdb)."""

from __future__ import annotations

import pyarrow as pa

from landeval._duckdb import all_threads, connect, fetch


def test_connect_applies_threads_memory_limit_and_no_progress_bar(tmp_path):
    with connect(threads=1, memory_limit="256MB") as con:
        assert con.execute("SELECT current_setting('threads')").fetchone() == (1,)
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert limit.replace(" ", "").upper().startswith(("256MB", "244.1MIB", "244MIB"))
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
        all_threads(con)
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] >= 1
    path = tmp_path / "s.duckdb"
    with connect(path) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    with connect(path, read_only=True) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_fetch_returns_one_arrow_table():
    with connect() as con:
        table = fetch(con, "SELECT * FROM range(3) AS r(i)")
    assert isinstance(table, pa.Table)
    assert table["i"].to_pylist() == [0, 1, 2]

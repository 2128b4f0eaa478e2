"""Tests of landeval.export.actions_csv: actions.csv read back, and its vectorised fields."""

from __future__ import annotations

import csv
import io
import math

import duckdb
import pandas as pd
import pytest

from landeval.export import actions_csv, write_actions_csv
from landeval.export._cells import neutralise
from tests._fixtures_results import FORMULA_NAME, XSS_NAME
from tests.export._helpers import EXPECTED, NUMBERS, SHEETS_ZH, TEXTS, TRICKY, tricky_parcels


def test_csv_bom_headers_rows_and_neutralising(outputs):
    raw = outputs["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with outputs["csv"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:4] == ["处置方式", "处置代码", "宗地代码", "县（市、区）"]
    assert len(rows) == 8
    for code, (n, mu) in EXPECTED.items():
        sel = [r for r in rows if r["处置代码"] == code]
        assert len(sel) == n
        assert {r["处置方式"] for r in sel} == {SHEETS_ZH[code]}
        assert sum(float(r["面积（亩）"]) for r in sel) == pytest.approx(mu, abs=1e-3)
    names = {r["主要用地企业"] for r in rows}
    assert "'" + FORMULA_NAME in names
    assert XSS_NAME in names
    assert {r["宗地代码"] for r in rows} >= {"'-330602001001GB00005", "'+330604001001GB00008"}
    for row in rows:
        for header, value in row.items():
            if header not in {"面积（亩）", "亩均税收（万元/亩）"}:
                assert not value.startswith(("=", "+", "@")), value
    assert [r["县（市、区）"] for r in rows] == sorted(
        [r["县（市、区）"] for r in rows], key=["越城区", "柯桥区", "上虞区"].index
    )


def test_tricky_names_are_inert(tables, tmp_path):
    given = {"parcel_eval": tricky_parcels(tables["parcel_eval"])}
    expected = {f"P{i:02d}": neutralise(t) for i, t in enumerate(TRICKY)}
    path = write_actions_csv(given, tmp_path / "a.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["宗地代码"]: r["主要用地企业"] for r in rows} == expected


@pytest.mark.parametrize("kind", ["area", "ratio", "count", "money", "intensity"])
def test_csv_numbers_match_python_formatting(kind):
    values = pd.Series([*NUMBERS, 1e20, -8.998296977536865e20, 1e300], dtype="float64")
    decimals = actions_csv._DECIMALS[kind]
    with duckdb.connect() as con:
        got = actions_csv._fields(values, kind, con).to_pylist()
    assert got == ["" if math.isnan(v) else f"{v:.{decimals}f}" for v in values]


def test_csv_text_fields_are_quoted_like_the_csv_module():
    texts = TEXTS[:-2]
    with duckdb.connect() as con:
        fields = actions_csv._fields(pd.Series(texts, dtype="str"), "text", con)
    got = actions_csv._quoted(fields).to_pylist()
    for text, field in zip(texts, got, strict=True):
        buffer = io.StringIO()
        csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(
            ["x", "" if text is None else neutralise(text)]
        )
        assert "x," + field + "\r\n" == buffer.getvalue()

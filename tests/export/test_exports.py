"""The three exports together: the same parcels and areas in each, inputs left alone."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pyogrio
import pytest

from landeval.export import write_actions_csv, write_geopackage, write_workbook
from tests._fixtures_results import YEAR
from tests.export._helpers import EXPECTED, SHEETS_ZH, sheet_rows


def test_same_counts_and_areas_in_workbook_csv_and_geopackage(outputs):
    wb = openpyxl.load_workbook(outputs["xlsx"])
    with outputs["csv"].open(encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    gdf = pyogrio.read_dataframe(outputs["gpkg"], layer="parcel_eval")
    _, summary = sheet_rows(wb["汇总"])
    total = summary[-1]
    for code in EXPECTED:
        _, rows = sheet_rows(wb[SHEETS_ZH[code]])
        xlsx = (len(rows), sum(r["面积（亩）"] for r in rows))
        in_csv = [r for r in csv_rows if r["处置代码"] == code]
        csv_ = (len(in_csv), sum(float(r["面积（亩）"]) for r in in_csv))
        sel = gdf[gdf["treatment"] == code]
        gpkg = (len(sel), sel["area_mu"].sum())
        summ = (total[f"{SHEETS_ZH[code]} 宗数"], total[f"{SHEETS_ZH[code]} 面积（亩）"])
        for n, mu in (csv_, gpkg, summ):
            assert n == xlsx[0]
            assert mu == pytest.approx(xlsx[1], abs=1e-3)


def test_writers_do_not_mutate_inputs(tables, tmp_path):
    before = {k: v.copy(deep=True) for k, v in tables.items()}
    write_workbook(tables, tmp_path / "a.xlsx", year=YEAR)
    write_actions_csv(tables, tmp_path / "a.csv")
    write_geopackage(tables, tmp_path / "a.gpkg")
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])

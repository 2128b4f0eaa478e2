"""Date cells: Excel dates, ISO text and Chinese dates; the rest reported."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from landeval.config import default_config
from landeval.inputs import read_vector
from landeval.inputs.dates import to_date


def test_land_changes_geojson_with_chinese_values(tmp_path):
    gdf = gpd.GeoDataFrame(
        {
            "项目编号": ["G1", "G2"],
            "调整类型": ["改", "补"],
            "行政区划代码": ["330603", "330603"],
            "规划用途": ["0701", "100101"],
            "批准日期": ["2023年5月1日", "2024/02/29"],
        },
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)],
        crs=4549,
    )
    gdf.to_crs(4326).to_file(tmp_path / "changes.geojson", driver="GeoJSON")
    frame, _ = read_vector(
        "changes.geojson", "land_changes", config=default_config(), base=tmp_path
    )
    assert frame["change_id"].tolist() == ["G1", "G2"]
    assert frame["kind"].tolist() == ["convert", "supplement"]
    assert [d.date().isoformat() for d in frame["approved_on"]] == ["2023-05-01", "2024-02-29"]
    assert frame.crs.to_epsg() == 4326


def test_dates_from_text_and_date_cells_and_the_rest_reported():
    cells = pd.Series(
        ["2023年5月1日", "2024/02/29", "2023.1.2", dt.datetime(2022, 3, 4), "", "不详", None],
        index=range(10, 17),
    )
    rows = pd.Series(range(2, 9), index=cells.index)
    values, findings = to_date(cells, col="approved_on", layer="land_changes", rows=rows)
    assert values.dtype == "datetime64[ns]"
    assert [d.date().isoformat() if pd.notna(d) else None for d in values] == [
        "2023-05-01",
        "2024-02-29",
        "2023-01-02",
        "2022-03-04",
        None,
        None,
        None,
    ]
    assert [(f.code, f.row_id, f.field) for f in findings] == [
        ("VALUE_NOT_DATE", "row 7", "approved_on")
    ]
    assert "不详" in findings[0].message

"""Tests of landeval.maps (write_maps): the offline pages written, escaped and deterministic."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from landeval.config import default_config
from landeval.errors import DataError
from landeval.maps import write_maps


def test_write_maps_writes_four_offline_pages(written):
    assert sorted(written) == [
        "efficiency_map.html",
        "index.html",
        "platform_map.html",
        "treatment_map.html",
    ]
    for name, html in written.items():
        assert len(html.encode()) < 5_000_000, name
        assert not re.search(r"<script[^>]+src=", html), name
        assert not re.search(r"<link[^>]+href=", html), name
        assert not re.search(r"url\(\s*['\"]?https?:", html), name
        assert "@import" not in html, name
        # Any URL left is a link or a comment, never a fetched resource.
        for url in re.findall(r"https?://[^\s\"')<>]+", html):
            assert url.startswith(
                (
                    "https://leafletjs.com",
                    "http://www.w3.org/",
                    "https://www.jsdelivr.com/",
                    "http://www.sitepoint.com/",
                    "https://bugzilla.mozilla.org/",
                    # folium's comment above its leaflet-measure work-around
                    "https://github.com/ljagis/leaflet-measure/issues/171",
                )
            ), (name, url)
    index = written["index.html"]
    for name in ("platform_map.html", "treatment_map.html", "efficiency_map.html"):
        assert f'href="{name}"' in index


def test_pages_carry_title_year_and_layers(written):
    html = written["treatment_map.html"]
    assert "<title>绍兴市低效工业用地“四个一批”处置图</title>" in html
    assert "评价年度 2024 · 数据日期 2024" in html
    for key in (
        "treatment_EXIT",
        "treatment_KEEP",
        "balance_supplement",
        "control_line",
        "counties",
    ):
        assert f'"key":"{key}"' in html
    assert (
        "L.control.fullscreen" in html and "L.control.layers" in html and "L.control.scale" in html
    )
    assert '"preferCanvas": true' in html


def test_input_text_is_escaped_everywhere(written):
    for name in ("platform_map.html", "treatment_map.html", "efficiency_map.html"):
        html = written[name]
        assert "alert(1)" in html or name == "platform_map.html"  # the name is shipped...
        assert "<script>alert(1)" not in html  # ...but never as markup
        assert "\\u0026lt;script\\u0026gt;alert(1)" in html
        assert "<b>粗体" not in html


def test_template_syntax_in_names_is_not_evaluated(inputs, tmp_path):
    parcels = inputs["parcel_eval"].copy()
    occupied = parcels.index[parcels["main_name"].notna()]
    parcels.loc[occupied[5], "main_name"] = "{{ 7*7 }}公司"
    parcels.loc[occupied[6], "main_name"] = "{% if x %}公司"
    paths = write_maps(
        **{**inputs, "parcel_eval": parcels}, config=default_config(), year=2024, out_dir=tmp_path
    )
    html = paths[1].read_text(encoding="utf-8")
    assert "{{ 7*7 }}公司" in html and "{% if x %}公司" in html


def test_write_maps_is_deterministic_and_pure(inputs, written, tmp_path):
    copies = {k: v.copy() for k, v in inputs.items()}
    paths = write_maps(**inputs, config=default_config(), year=2024, out_dir=tmp_path)
    assert {p.name: p.read_text(encoding="utf-8") for p in paths} == written
    for k, v in inputs.items():
        pd.testing.assert_frame_equal(pd.DataFrame(v), pd.DataFrame(copies[k]))


def test_optional_layers_may_be_missing_and_english(inputs, tmp_path):
    paths = write_maps(
        parcel_eval=inputs["parcel_eval"],
        platforms=None,
        platform_summary=None,
        control_line=None,
        balance_items=None,
        config=default_config(),
        year=2023,
        out_dir=tmp_path,
        lang="en",
    )
    html = paths[1].read_text(encoding="utf-8")
    assert "Shut down and exit" in html and "Evaluation year 2023" in html
    assert '"key":"balance_convert"' not in html and '"key":"control_line"' not in html


def test_split_by_county_above_threshold(inputs, tmp_path):
    paths = write_maps(
        **inputs, config=default_config(), year=2024, out_dir=tmp_path, max_parcels_per_map=100
    )
    names = [p.name for p in paths]
    assert "treatment_map_330602.html" in names and "efficiency_map_330624.html" in names
    assert len(names) == 3 * 6 + 1
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "各图已按县（市、区）分别生成" in index and "越城区" in index
    yuecheng = (tmp_path / "treatment_map_330602.html").read_text(encoding="utf-8")
    assert '"n":90,' in yuecheng  # 3 of the 11 platforms (30 parcels each) are in 越城区


def test_no_drawable_parcels_is_a_data_error(inputs, tmp_path):
    empty = inputs["parcel_eval"].iloc[:0]
    with pytest.raises(DataError):
        write_maps(
            **{**inputs, "parcel_eval": empty}, config=default_config(), year=2024, out_dir=tmp_path
        )
    assert not any(tmp_path.iterdir())


def test_contract_columns_reach_the_popups_and_the_search(inputs, tmp_path):
    """坐落, 权利人, 使用人, 处置路径, 需核实, a closed occupant's status: shown when present."""
    parcels = inputs["parcel_eval"].copy()
    parcels["location"] = "越城区三江路18号"
    parcels["owner_names"] = "绍兴某某置业有限公司"
    parcels["user_names"] = None
    parcels["status"] = ["注销" if i == 0 else None for i in range(len(parcels))]
    parcels["path_zh"] = "协议收回"
    parcels["needs_check"] = False
    parcels["check_reason_zh"] = None
    written = write_maps(
        **{**inputs, "parcel_eval": parcels},
        config=default_config(),
        year=2024,
        out_dir=tmp_path,
    )
    html = next(p for p in written if p.name == "treatment_map.html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(
            r'<script type="application/json" id="ld-data-parcels">(.*?)</script>', html
        ).group(1)
    )
    labels = [f["l"] for f in data["popup"]]
    for label in ("坐落", "权利人", "建议处置路径", "需核实", "现状用途", "规划用途"):
        assert label in labels, label
    status = next(f for f in data["popup"] if f["c"] == "status")
    assert status["l"] == "评价类别" and status["c2"] == "class"  # the status, else the class
    assert {"owner_names", "location", "main_uscc"} <= set(data["search"])
    assert "注销" in data["cols"]["status"].get("d", data["cols"]["status"].get("v"))
    # without them, no such rows (and the class row stays)
    plain = (tmp_path / "plain").mkdir() or tmp_path / "plain"
    written = write_maps(**inputs, config=default_config(), year=2024, out_dir=plain)
    html = next(p for p in written if p.name == "treatment_map.html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(
            r'<script type="application/json" id="ld-data-parcels">(.*?)</script>', html
        ).group(1)
    )
    labels = [f["l"] for f in data["popup"]]
    assert "坐落" not in labels and "权利人" not in labels
    assert any(f["c"] == "class" and f["l"] == "评价类别" for f in data["popup"])

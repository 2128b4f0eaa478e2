"""Loading a project: every input read, canonicalised, projected, repaired and validated."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.errors import DataError
from landeval.findings import has_errors
from landeval.inputs import load_inputs, load_project
from landeval.inputs.project import name_files
from tests._messy import MESSY, messy_project


def test_base_project_has_no_errors():
    _cfg, inputs = load_project(MESSY / "base")
    assert not has_errors(inputs.findings)
    assert set(inputs.findings["severity"]) <= {"info"}
    assert inputs.parcels.crs.to_epsg() == 4549
    assert inputs.parcels["area_m2"].tolist() == pytest.approx([10_000.0] * 3, rel=1e-6)
    assert inputs.parcels["area_mu"].tolist() == pytest.approx([15.0] * 3, rel=1e-6)
    assert inputs.firm_tax["tax"].tolist() == [350.0, 120.0, 30.0, 380.0, 110.0, 32.0]
    assert "source_row" not in inputs.firms.columns
    assert inputs.sources["parcels"].name == "parcels.gpkg"
    assert inputs.rasters == {"footprint": [], "height": [], "landcover": []}


def test_no_crs_layer_raises_data_error_with_findings(tmp_path):
    folder = messy_project(
        tmp_path,
        inputs={"parcels": "parcels_nocrs/parcels_nocrs.shp"},
        files=["parcels_nocrs"],
    )
    with pytest.raises(DataError) as info:
        load_project(folder)
    findings = info.value.findings
    assert findings.iloc[0]["code"] == "INPUT_UNUSABLE"
    assert findings.iloc[0]["layer"] == "parcels"
    assert "assume_crs" in findings.iloc[0]["message"]
    folder2 = messy_project(
        tmp_path / "b",
        inputs={"parcels": "parcels_nocrs/parcels_nocrs.shp"},
        project={"assume_crs": "EPSG:4549"},
        files=["parcels_nocrs"],
    )
    _cfg, inputs = load_project(folder2)
    assert "CRS_ASSUMED" in set(inputs.findings["code"])
    assert not has_errors(inputs.findings)


def test_missing_required_input_and_raster(tmp_path):
    folder = messy_project(tmp_path, inputs={"firms": "", "rasters": {"height": ["h.tif"]}})
    with pytest.raises(DataError) as info:
        load_project(folder)
    codes = set(info.value.findings["code"])
    assert {"INPUT_NOT_CONFIGURED", "RASTER_MISSING"} <= codes


def test_load_project_with_a_config_loads_its_inputs():
    config, inputs = load_project(MESSY / "base")
    again = load_inputs(config)
    pd.testing.assert_frame_equal(again.parcels, inputs.parcels)
    pd.testing.assert_frame_equal(again.findings, inputs.findings)
    assert load_project(config=config)[0] is config


def test_findings_name_their_file_once():
    findings = pd.DataFrame(
        {
            "layer": ["firms", "firms", "veto"],
            "message": ["坏了", "firms.csv 坏了", "坏了"],
        }
    )
    named = name_files(findings, {"firms": MESSY / "base" / "firms.csv"})
    assert named["message"].tolist() == ["坏了 (文件 firms.csv)", "firms.csv 坏了", "坏了"]
    assert findings["message"].tolist()[0] == "坏了"  # a new frame

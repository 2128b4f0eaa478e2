"""The settings model: defaults, project files, overrides and clear errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from landeval.config import default_config, load_config, merge_settings
from landeval.errors import ConfigError

MESSY = Path(__file__).parent / "data" / "messy"


def test_defaults():
    cfg = default_config()
    assert cfg.scoring.weights["tax_per_mu"] == 30.0
    assert cfg.units.firm_tax == ""  # not declared: the headers' unit, else 万元
    assert [t.rule_id for t in cfg.treatments] == [
        "EXIT",
        "CONVERT",
        "REBUILD",
        "UPGRADE",
        "UPGRADE_INTENSITY",
    ]
    assert [t.code for t in cfg.treatments][-2:] == ["UPGRADE", "UPGRADE"]
    assert cfg.project_dir is None


def test_project_overrides_and_paths():
    cfg = load_config(MESSY / "base")
    assert cfg.project.evaluation_year == 2023
    assert cfg.units.firm_tax == "yuan"
    assert cfg.project.counties["330603"] == "柯桥区"  # defaults kept
    assert cfg.input_path("parcels") == (MESSY / "base" / "parcels.gpkg").resolve()
    assert cfg.input_path("veto") is None


def test_typo_in_project_file_names_the_key():
    with pytest.raises(ConfigError) as info:
        load_config(MESSY / "typo_project")
    msg = str(info.value)
    assert "project.evalution_year" in msg
    assert "did you mean 'evaluation_year'" in msg


def test_bad_values_name_the_allowed_ones(tmp_path):
    (tmp_path / "landeval.toml").write_text('[units]\nfirm_tax = "yuan2"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"units\.firm_tax") as info:
        load_config(tmp_path)
    assert "'yuan'" in str(info.value)
    assert "'wan_yuan'" in str(info.value)


def test_missing_folder_and_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope")
    with pytest.raises(ConfigError, match=r"landeval\.toml"):
        load_config(tmp_path)


def test_overrides_and_toml_round_trip():
    cfg = load_config(MESSY / "base", project={"evaluation_year": 2022})
    assert cfg.project.evaluation_year == 2022
    data = tomllib.loads(cfg.to_toml())
    assert data["project"]["evaluation_year"] == 2022
    assert "project_dir" not in data


def test_merge_settings_does_not_mutate():
    base = {"a": {"b": 1}, "fields": {"firms": {"uscc": "x"}}}
    out = merge_settings(base, {"a": {"c": 2}, "fields": {"firms": {"name": "y"}}})
    assert base == {"a": {"b": 1}, "fields": {"firms": {"uscc": "x"}}}
    assert out == {"a": {"b": 1, "c": 2}, "fields": {"firms": {"uscc": "x", "name": "y"}}}

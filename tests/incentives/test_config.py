"""``[[incentives]]`` and ``[incentives_settings]``: what loads, and the errors a county sees."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from landeval.config import Config, default_config, load_config
from landeval.demo import demo_project_dir
from landeval.errors import ConfigError

ELEC_D = """
[[incentives]]
code = "ELEC_D"
label_zh = "差别化电价"
classes = ["D"]
basis = "electricity_kwh"
rate = 0.3
kind = "charge"
"""


def _project(tmp_path, text: str):
    (tmp_path / "landeval.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _error(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(_project(tmp_path, text))
    return str(info.value)


def _measure(**fields) -> str:
    base = {
        "code": '"M1"',
        "label_zh": '"措施"',
        "classes": '["D"]',
        "basis": '"electricity_kwh"',
        "rate": "0.3",
        "kind": '"charge"',
    }
    base.update(fields)
    return "[[incentives]]\n" + "\n".join(f"{k} = {v}" for k, v in base.items()) + "\n"


def test_no_measures_ship_in_the_defaults():
    config = default_config()
    assert config.incentives == []
    assert config.incentives_settings.land_tax_rate == {}


def test_a_project_lists_its_measures(tmp_path):
    config = load_config(_project(tmp_path, ELEC_D))
    (measure,) = config.incentives
    assert (measure.code, measure.classes, measure.basis) == ("ELEC_D", ["D"], "electricity_kwh")
    assert (measure.rate, measure.kind, measure.min_consecutive_years) == (0.3, "charge", 1)
    assert measure.refundable is False
    assert measure.supersedes == []


def test_the_measures_survive_the_stored_configuration(tmp_path):
    """A run stores its configuration as TOML; reading it back gives the same measures."""
    config = load_config(demo_project_dir())
    data = tomllib.loads(config.to_toml())
    again = Config.model_validate({**data, "project_dir": None})
    assert again.incentives == config.incentives
    assert again.incentives_settings == config.incentives_settings


def test_the_demo_lists_one_measure_of_each_kind_marked_as_examples():
    config = load_config(demo_project_dir())
    kinds = {m.kind for m in config.incentives}
    assert kinds == {"charge", "relief", "quota"}
    assert all("示例费率" in m.note for m in config.incentives)
    by_code = {m.code: m for m in config.incentives}
    # 浙政办发〔2019〕62号: 城镇土地使用税 relieved 100 % for A, 80 % for B
    assert (by_code["LAND_TAX_A"].rate, by_code["LAND_TAX_B"].rate) == (-1.0, -0.8)
    assert "62号" in by_code["LAND_TAX_A"].note
    # 海宁's draft: D +0.3 元/kWh, D three years running +0.4 instead
    assert by_code["ELEC_D"].rate == 0.3
    d3 = by_code["ELEC_D3"]
    assert (d3.rate, d3.min_consecutive_years, d3.supersedes) == (0.4, 3, ["ELEC_D"])
    assert "4.20" in by_code["SEWAGE_D"].note
    assert by_code["ENERGY_QUOTA_D"].unit == "吨标煤"
    assert set(config.incentives_settings.land_tax_rate) == set(config.project.counties)


def test_landeval_config_prints_the_measures():
    result = subprocess.run(
        [sys.executable, "-m", "landeval", "config"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = tomllib.loads(result.stdout)
    assert [m["code"] for m in data["incentives"]][:2] == ["LAND_TAX_A", "LAND_TAX_B"]
    assert data["incentives_settings"]["land_tax_rate"]["330602"] > 0


@pytest.mark.parametrize(
    ("fields", "english", "chinese"),
    [
        ({"classes": '["D", "E"]'}, "unknown class(es) ['E']", "未知的评价类别"),
        ({"classes": '["T"]'}, "unknown class(es) ['T']", "未知的评价类别"),
        ({"basis": '"electricty_kwh"'}, "did you mean 'electricity_kwh'", "未知的计费依据"),
        ({"rate": "-0.3"}, "a charge needs a positive rate", "费率须为正数"),
        ({"kind": '"relief"'}, "a relief needs a negative rate", "费率须为负数"),
        ({"kind": '"quota"', "rate": "-0.1"}, "a quota needs its unit", "须写明 unit"),
        ({"kind": '"quota"', "rate": "0", "unit": '"吨标煤"'}, "non-zero rate", "不能为 0"),
        ({"unit": '"吨标煤"'}, "only for quotas", "只用于指标类措施"),
        (
            {"kind": '"relief"', "rate": "-1", "refundable": "true"},
            "only a charge can be refundable",
            "只有收费类措施",
        ),
        ({"supersedes": '["M1"]'}, "M1 supersedes itself", "不能替代自身"),
        ({"min_consecutive_years": "0"}, "min_consecutive_years", "min_consecutive_years"),
        ({"rate": "nan"}, "rate", "rate"),
        ({"colour": '"red"'}, "unknown key", "colour"),
    ],
)
def test_a_bad_measure_names_itself_and_says_why_in_both_languages(
    tmp_path, fields, english, chinese
):
    message = _error(tmp_path, _measure(**fields))
    assert "incentives[1] (M1)" in message
    assert english in message
    assert chinese in message


def test_duplicate_codes(tmp_path):
    message = _error(tmp_path, ELEC_D + ELEC_D)
    assert "incentive codes must be unique" in message
    assert "措施代码重复：ELEC_D" in message


def test_supersedes_names_a_known_measure_one_level_deep(tmp_path):
    unknown = _measure(supersedes='["ELEC_X"]')
    assert "supersedes unknown measure(s) ['ELEC_X']" in _error(tmp_path, unknown)
    chain = (
        _measure(code='"M1"')
        + _measure(code='"M2"', supersedes='["M1"]')
        + _measure(code='"M3"', supersedes='["M2"]')
    )
    assert "M2 supersedes others and is itself superseded" in _error(tmp_path, chain)


def test_land_tax_rates_are_legal_and_name_known_counties(tmp_path):
    per_mu = '[incentives_settings.land_tax_rate]\n"330602" = 4000.0\n'
    message = _error(tmp_path, per_mu)
    assert "at most 30" in message and "元/亩" in message
    unknown = '[incentives_settings.land_tax_rate]\n"110101" = 5.0\n'
    message = _error(tmp_path, unknown)
    assert "110101" in message and "[project.counties]" in message
    ok = '[incentives_settings.land_tax_rate]\n"330602" = 5.0\n'
    assert load_config(_project(tmp_path, ok)).incentives_settings.land_tax_rate == {"330602": 5.0}

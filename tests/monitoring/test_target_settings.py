"""``[targets]``: the 4151 defaults and the sentences a wrong value gets (DESIGN §11)."""

from __future__ import annotations

import pytest

from landeval.config import load_config
from landeval.errors import ConfigError


def test_the_defaults_are_the_4151_plans():
    config = load_config(None)
    targets = config.targets
    assert (targets.base_year, targets.final_year) == (2021, 2026)
    assert (targets.labour_productivity, targets.rd_intensity) == (40.0, 0.035)
    assert targets.micro_parks == 150 and targets.revitalise_mu is None
    assert config.trends.target_growth == 0.085
    assert config.inputs.previous == ""


@pytest.mark.parametrize(
    ("targets", "said"),
    [
        ({"labour_productivity": 400000.0}, "40 万元/人请写 40"),
        ({"rd_intensity": 3.5}, "3.5% 写作 0.035"),
        ({"revitalise_mu": -5.0}, "盘活目标须为正的面积"),
        ({"final_year": 2020}, "须晚于基年"),
        ({"revitalise_mu_county": {"999999": 10.0}}, "不在 [project.counties] 中"),
    ],
)
def test_a_wrong_target_is_refused_with_a_sentence(targets, said):
    with pytest.raises(ConfigError, match=said.replace("[", r"\[").replace("]", r"\]")):
        load_config(None, targets=targets)

"""The four treatments: every rule reached, first match wins, rules from TOML."""

import pandas as pd
import pytest

from landeval.config import default_config, load_config
from landeval.errors import ConfigError
from landeval.treatments import assign_treatments, decide, must_stay_industrial


@pytest.mark.parametrize(
    ("flags", "expected", "matched"),
    [
        ({"IDLE"}, "EXIT", "IDLE"),
        ({"PHASE_OUT"}, "EXIT", "PHASE_OUT"),
        ({"VETO"}, "EXIT", "VETO"),
        ({"CLASS_D", "CLASS_D_TWICE"}, "EXIT", "CLASS_D_TWICE"),
        # EXIT comes before CONVERT and REBUILD.
        ({"IDLE", "PLAN_CONFLICT", "FAR_LOW", "OLD_BUILDINGS"}, "EXIT", "IDLE"),
        ({"PLAN_CONFLICT"}, "CONVERT", "PLAN_CONFLICT"),
        # CONVERT comes before REBUILD.
        ({"PLAN_CONFLICT", "FAR_LOW", "CLASS_C"}, "CONVERT", "PLAN_CONFLICT"),
        ({"FAR_LOW", "OLD_BUILDINGS"}, "REBUILD", "FAR_LOW;OLD_BUILDINGS"),
        ({"COVERAGE_LOW", "TAX_LOW"}, "REBUILD", "COVERAGE_LOW;TAX_LOW"),
        ({"FAR_LOW", "COVERAGE_LOW", "CLASS_D"}, "REBUILD", "FAR_LOW;COVERAGE_LOW;CLASS_D"),
        # REBUILD needs both parts: FAR_LOW alone is UPGRADE, CLASS_C alone is UPGRADE.
        ({"FAR_LOW"}, "UPGRADE", "FAR_LOW"),
        ({"CLASS_C"}, "UPGRADE", "CLASS_C"),
        ({"TAX_LOW", "OLD_BUILDINGS"}, "UPGRADE", "TAX_LOW"),
        ({"OLD_BUILDINGS"}, "KEEP", ""),
        (set(), "KEEP", ""),
    ],
)
def test_each_rule_reached_in_order(flags, expected, matched):
    treatment, label, rule, got = decide(flags, config=default_config())
    assert (treatment, rule, got) == (expected, expected, matched)
    zh = {"EXIT": "关停退出", "CONVERT": "功能转型", "REBUILD": "拆除重建"}
    zh |= {"UPGRADE": "整治提升", "KEEP": "保留"}
    assert label == zh[expected]


def test_assign_treatments_frame():
    flags = pd.Series(["FAR_LOW;OLD_BUILDINGS", "", None, "IDLE", "FAR_LOW"], index=[5, 6, 7, 8, 9])
    before = flags.copy()
    out = assign_treatments(flags, config=default_config())
    assert list(out["treatment"]) == ["REBUILD", "KEEP", "KEEP", "EXIT", "UPGRADE"]
    assert list(out["treatment_zh"]) == ["拆除重建", "保留", "保留", "关停退出", "整治提升"]
    assert list(out["rule"]) == ["REBUILD", "KEEP", "KEEP", "EXIT", "UPGRADE"]
    assert list(out.index) == [5, 6, 7, 8, 9]
    pd.testing.assert_series_equal(flags, before)


def test_must_stay_industrial():
    treatment = pd.Series(["EXIT", "REBUILD", "UPGRADE", "EXIT", "CONVERT"])
    inside = pd.Series([True, True, True, False, True])
    assert must_stay_industrial(treatment, inside).tolist() == [True, True, False, False, False]


def _project(tmp_path, rules: str):
    (tmp_path / "landeval.toml").write_text(rules, encoding="utf-8")
    return load_config(tmp_path)


def test_rules_from_toml_first_match_order(tmp_path):
    # A project that puts UPGRADE before REBUILD: FAR_LOW + OLD_BUILDINGS is now UPGRADE.
    cfg = _project(
        tmp_path,
        """
[[treatments]]
code = "UPGRADE"
label_zh = "整治提升"
any_of = ["FAR_LOW", "COVERAGE_LOW"]

[[treatments]]
code = "REBUILD"
label_zh = "拆除重建"
all_of = [["FAR_LOW", "COVERAGE_LOW"], "OLD_BUILDINGS"]
""",
    )
    assert decide({"FAR_LOW", "OLD_BUILDINGS"}, config=cfg)[0] == "UPGRADE"
    assert decide({"IDLE"}, config=cfg)[0] == "KEEP"


def test_rule_with_typo_is_a_clear_config_error(tmp_path):
    with pytest.raises(ConfigError) as err:
        _project(
            tmp_path,
            """
[[treatments]]
code = "EXIT"
label_zh = "关停退出"
any_of = ["IDLE", "FAR_LOWW"]
""",
        )
    text = str(err.value)
    assert "FAR_LOWW" in text
    assert "did you mean 'FAR_LOW'" in text
    assert "treatments" in text

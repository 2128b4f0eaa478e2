"""The four treatments: every rule reached, first match wins, rules from TOML."""

import pandas as pd
import pytest

from landeval.config import default_config, load_config
from landeval.errors import ConfigError
from landeval.treatments import assign_treatments, decide, must_stay_industrial


@pytest.mark.parametrize(
    ("flags", "klass", "expected", "rule", "matched"),
    [
        ({"IDLE_LAND"}, "B", "EXIT", "EXIT", "IDLE_LAND"),
        ({"STOPPED"}, None, "EXIT", "EXIT", "STOPPED"),
        ({"PHASE_OUT"}, "B", "EXIT", "EXIT", "PHASE_OUT"),
        ({"VETO", "CLASS_D"}, "D", "EXIT", "EXIT", "VETO"),
        ({"CLASS_D", "CLASS_D_TWICE", "CLASS_D_3Y"}, "D", "EXIT", "EXIT", "CLASS_D_3Y"),
        # D twice running is 整治提升 (限期整改), no longer an exit.
        ({"CLASS_D", "CLASS_D_TWICE"}, "D", "UPGRADE", "UPGRADE", "CLASS_D;CLASS_D_TWICE"),
        # EXIT comes before CONVERT and REBUILD.
        ({"STOPPED", "PLAN_CONFLICT", "FAR_LOW", "CLASS_C"}, "C", "EXIT", "EXIT", "STOPPED"),
        ({"PLAN_CONFLICT"}, "A", "CONVERT", "CONVERT", "PLAN_CONFLICT"),
        # CONVERT comes before REBUILD.
        ({"PLAN_CONFLICT", "FAR_LOW", "CLASS_C"}, "C", "CONVERT", "CONVERT", "PLAN_CONFLICT"),
        # REBUILD needs low intensity and a weak firm or tax: old buildings are not enough.
        ({"FAR_LOW", "OLD_BUILDINGS"}, "A", "KEEP", "KEEP", ""),
        ({"FAR_LOW", "TAX_LOW"}, "B", "REBUILD", "REBUILD", "FAR_LOW;TAX_LOW"),
        ({"FAR_LOW", "CLASS_C"}, "C", "REBUILD", "REBUILD", "FAR_LOW;CLASS_C"),
        ({"FAR_LOW", "CLASS_D"}, "D", "REBUILD", "REBUILD", "FAR_LOW;CLASS_D"),
        # A raster-only COVERAGE_LOW decides nothing (flags.coverage_decides = false).
        ({"COVERAGE_LOW", "TAX_LOW"}, "B", "UPGRADE", "UPGRADE", "TAX_LOW"),
        ({"COVERAGE_LOW"}, "C", "KEEP", "KEEP", ""),
        # Low intensity alone: 整治提升 unless the class is A or B (then KEEP, 增容潜力).
        ({"FAR_LOW"}, "C", "UPGRADE", "UPGRADE_INTENSITY", "FAR_LOW"),
        ({"FAR_LOW"}, None, "UPGRADE", "UPGRADE_INTENSITY", "FAR_LOW"),
        ({"FAR_LOW"}, "T", "UPGRADE", "UPGRADE_INTENSITY", "FAR_LOW"),
        ({"FAR_LOW"}, "B", "KEEP", "KEEP", ""),
        ({"CLASS_C"}, "C", "UPGRADE", "UPGRADE", "CLASS_C"),
        ({"TAX_LOW", "OLD_BUILDINGS"}, "A", "UPGRADE", "UPGRADE", "TAX_LOW"),
        ({"TAX_FLOOR"}, "B", "UPGRADE", "UPGRADE", "TAX_FLOOR"),
        ({"VACANT"}, None, "UPGRADE", "UPGRADE", "VACANT"),
        ({"OLD_BUILDINGS"}, "B", "KEEP", "KEEP", ""),
        (set(), None, "KEEP", "KEEP", ""),
    ],
)
def test_each_rule_reached_in_order(flags, klass, expected, rule, matched):
    treatment, label, got_rule, got = decide(flags, config=default_config(), parcel_class=klass)
    assert (treatment, got_rule, got) == (expected, rule, matched)
    zh = {"EXIT": "关停退出", "CONVERT": "功能转型", "REBUILD": "拆除重建"}
    zh |= {"UPGRADE": "整治提升", "KEEP": "保留"}
    assert label == zh[expected]


def test_coverage_decides_when_the_project_says_so():
    cfg = load_config(None, flags={"coverage_decides": True})
    assert decide({"COVERAGE_LOW", "TAX_LOW"}, config=cfg, parcel_class="B")[0] == "REBUILD"
    assert decide({"COVERAGE_LOW"}, config=cfg, parcel_class="C")[2] == "UPGRADE_INTENSITY"
    # ... and asked per call, as the treatments stage does to find what to check on site.
    cfg = default_config()
    assert decide({"COVERAGE_LOW"}, config=cfg, parcel_class="C", coverage_decides=True)[0] == (
        "UPGRADE"
    )


def test_assign_treatments_frame():
    flags = pd.Series(
        ["FAR_LOW;TAX_LOW", "", None, "STOPPED", "FAR_LOW", "FAR_LOW"], index=[5, 6, 7, 8, 9, 10]
    )
    classes = pd.Series(["C", None, "A", None, "A", "D"], index=flags.index, dtype="str")
    before = flags.copy()
    out = assign_treatments(flags, config=default_config(), classes=classes)
    assert list(out["treatment"]) == ["REBUILD", "KEEP", "KEEP", "EXIT", "KEEP", "UPGRADE"]
    assert list(out["treatment_zh"]) == ["拆除重建", "保留", "保留", "关停退出", "保留", "整治提升"]
    assert list(out["rule"]) == ["REBUILD", "KEEP", "KEEP", "EXIT", "KEEP", "UPGRADE_INTENSITY"]
    assert list(out.index) == [5, 6, 7, 8, 9, 10]
    pd.testing.assert_series_equal(flags, before)
    # Without classes no rule class is known: FAR_LOW alone is UPGRADE.
    assert assign_treatments(flags, config=default_config())["treatment"].iloc[4] == "UPGRADE"


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
    assert decide({"STOPPED"}, config=cfg)[0] == "KEEP"


def test_rule_with_typo_is_a_clear_config_error(tmp_path):
    with pytest.raises(ConfigError) as err:
        _project(
            tmp_path,
            """
[[treatments]]
code = "EXIT"
label_zh = "关停退出"
any_of = ["STOPPED", "FAR_LOWW"]
""",
        )
    text = str(err.value)
    assert "FAR_LOWW" in text
    assert "did you mean 'FAR_LOW'" in text
    assert "treatments" in text


def test_rules_name_classes_and_repeat_a_treatment(tmp_path):
    cfg = _project(
        tmp_path,
        """
[[treatments]]
code = "UPGRADE"
label_zh = "整治提升"
any_of = ["CLASS_C"]

[[treatments]]
code = "UPGRADE"
rule = "UPGRADE_LOW_FAR"
label_zh = "整治提升"
any_of = ["FAR_LOW"]
not_classes = ["A"]
""",
    )
    assert decide({"FAR_LOW"}, config=cfg, parcel_class="B")[2] == "UPGRADE_LOW_FAR"
    assert decide({"FAR_LOW"}, config=cfg, parcel_class="A")[0] == "KEEP"
    with pytest.raises(ConfigError, match="unknown class"):
        _project(
            tmp_path,
            '[[treatments]]\ncode = "UPGRADE"\nlabel_zh = "整治提升"\nnot_classes = ["E"]\n',
        )
    with pytest.raises(ConfigError, match="unique names"):
        _project(
            tmp_path,
            '[[treatments]]\ncode = "UPGRADE"\nlabel_zh = "整治提升"\n'
            '[[treatments]]\ncode = "UPGRADE"\nlabel_zh = "整治提升"\n',
        )

"""Money to 万元: the unit decided by evidence; a contradiction is an error, never overruled."""

from __future__ import annotations

from landeval.config import default_config
from landeval.inputs import read_table
from tests._messy import MESSY, USCC


def _config(**units):
    cfg = default_config()
    return cfg.model_copy(update={"units": cfg.units.model_copy(update=units)})


def _table(tmp_path, header: str, values, units=None):
    rows = "\n".join(f"{USCC[i % 3]},{2020 + i},{v}" for i, v in enumerate(values))
    (tmp_path / "t.csv").write_text(f"信用代码,年度,{header}\n{rows}\n", encoding="utf-8")
    return read_table("t.csv", "firm_tax", config=_config(**(units or {})), base=tmp_path)


def test_a_units_row_is_applied_when_units_declares_nothing():
    # The units row under the header says 元; [units] is left at its default (empty).
    frame, findings = read_table(
        "firm_tax_titles.xlsx", "firm_tax", config=default_config(), base=MESSY
    )
    assert not [f for f in findings if f.severity == "error"]
    assert frame["tax"].tolist() == [380.0, 110.0, 32.0]  # 元 → 万元
    note = next(f for f in findings if f.code == "UNITS_CONVERTED")
    assert "元→万元" in note.message and "表头" in note.message


def test_a_header_contradicting_units_is_an_error_naming_both():
    cfg = _config(firm_tax="wan_yuan")  # the project says 万元, the units row says 元
    _frame, findings = read_table("firm_tax_titles.xlsx", "firm_tax", config=cfg, base=MESSY)
    mismatch = [f for f in findings if f.code == "UNIT_HEADER_MISMATCH"]
    assert len(mismatch) == 1
    assert mismatch[0].severity == "error"
    assert "元" in mismatch[0].message and "万元" in mismatch[0].message
    assert "10,000 倍" in mismatch[0].message
    assert 'firm_tax = "yuan"' in mismatch[0].suggestion


def test_header_in_brackets_contradicting_units(tmp_path):
    _frame, findings = _table(tmp_path, "税收（元）", [3.5e6, 1.2e6, 3e5], {"firm_tax": "wan_yuan"})
    errors = {f.code for f in findings if f.severity == "error"}
    assert errors == {"UNIT_HEADER_MISMATCH", "UNIT_MAGNITUDE"}  # both pieces of evidence
    frame, findings = _table(tmp_path, "税收(千元)", [350, 120, 30], {"firm_tax": "thousand_yuan"})
    assert not [f for f in findings if f.severity == "error"]
    assert frame["tax"].tolist() == [35.0, 12.0, 3.0]


def test_a_money_unit_landeval_cannot_convert_is_an_error(tmp_path):
    _frame, findings = _table(tmp_path, "税收(亿元)", [0.03, 0.01, 0.2])
    assert [(f.code, f.severity) for f in findings if f.severity == "error"] == [
        ("UNIT_UNKNOWN", "error")
    ]
    _frame, findings = _table(tmp_path, "税收(含附加)", [350, 120, 30])
    assert not [f for f in findings if f.severity != "info"]  # a remark, not a unit


def test_yuan_read_as_wan_yuan_is_an_error_with_evidence():
    # No unit anywhere: 万元 by default, but the magnitudes say 元 (×10,000).
    frame, findings = read_table(
        "firm_tax_yuan.csv", "firm_tax", config=default_config(), base=MESSY
    )
    mag = [f for f in findings if f.code == "UNIT_MAGNITUDE"]
    assert len(mag) == 1
    assert mag[0].severity == "error"
    assert mag[0].field == "tax"
    # Median of 3.5e6, 1.2e6, 3e5, 3.8e6, 1.1e6, 3.2e5 = (1.1e6 + 1.2e6) / 2 = 1,150,000.
    assert "1,150,000.00" in mag[0].message
    assert "10,000 倍" in mag[0].message
    assert 'firm_tax = "yuan"' in mag[0].suggestion
    assert frame["tax"].max() == 3_800_000.0  # nothing converted behind the user's back


def test_wan_yuan_declared_as_yuan_is_an_error(tmp_path):
    _frame, findings = _table(tmp_path, "税收合计", [350, 120, 30, 40], {"firm_tax": "yuan"})
    mag = [f for f in findings if f.code == "UNIT_MAGNITUDE"]
    assert len(mag) == 1
    # 千元 fits the magnitudes too, and is the nearest: the contradiction is at least ×1,000.
    assert mag[0].severity == "error"
    assert "1,000 倍" in mag[0].message


def test_a_small_contradiction_is_a_warning(tmp_path):
    # Medians of 30,000–50,000 read in 万元 are too large, and fit once read in 千元: ×10.
    _frame, findings = _table(
        tmp_path, "税收合计", [3.5e4, 5e4, 4e4, 6e4], {"firm_tax": "wan_yuan"}
    )
    mag = [f for f in findings if f.code == "UNIT_MAGNITUDE"]
    assert [(f.severity, f.field) for f in mag] == [("warning", "tax")]
    assert "千元" in mag[0].message


def test_plausible_magnitudes_give_no_finding(tmp_path):
    _frame, findings = _table(tmp_path, "税收合计", [350, 120, 30, 40])
    assert not [f for f in findings if f.code.startswith("UNIT")]

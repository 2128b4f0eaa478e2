"""Money to 万元: the declared unit applied, contrary evidence reported."""

from __future__ import annotations

from landeval.config import default_config
from landeval.inputs import read_table
from tests._messy import MESSY, USCC


def test_units_row_contradicting_units_is_a_warning():
    cfg = default_config()  # declares 万元, but the units row says 元
    frame, findings = read_table("firm_tax_titles.xlsx", "firm_tax", config=cfg, base=MESSY)
    mismatch = [f for f in findings if f.code == "UNIT_HEADER_MISMATCH"]
    assert len(mismatch) == 1
    assert mismatch[0].severity == "warning"
    assert 'firm_tax = "yuan"' in mismatch[0].suggestion
    assert frame["tax"].tolist() == [3_800_000.0, 1_100_000.0, 320_000.0]  # [units] applied


def test_yuan_declared_as_wan_yuan_is_a_warning_with_evidence():
    frame, findings = read_table(
        "firm_tax_yuan.csv", "firm_tax", config=default_config(), base=MESSY
    )
    mag = [f for f in findings if f.code == "UNIT_MAGNITUDE"]
    assert len(mag) == 1
    assert mag[0].severity == "warning"
    assert mag[0].field == "tax"
    # Median of 3.5e6, 1.2e6, 3e5, 3.8e6, 1.1e6, 3.2e5 = (1.1e6 + 1.2e6) / 2 = 1,150,000.
    assert "1,150,000.00" in mag[0].message
    assert 'firm_tax = "yuan"' in mag[0].suggestion
    assert frame["tax"].max() == 3_800_000.0  # nothing converted behind the user's back


def test_wan_yuan_declared_as_yuan_is_a_warning(tmp_path):
    rows = "\n".join(f"{USCC[i % 3]},{2020 + i},{v}" for i, v in enumerate([350, 120, 30, 40]))
    (tmp_path / "t.csv").write_text("信用代码,年度,税收合计\n" + rows + "\n", encoding="utf-8")
    cfg = default_config().model_copy(
        update={"units": default_config().units.model_copy(update={"firm_tax": "yuan"})}
    )
    _frame, findings = read_table("t.csv", "firm_tax", config=cfg, base=tmp_path)
    mag = [f for f in findings if f.code == "UNIT_MAGNITUDE"]
    assert len(mag) == 1
    assert "万元" in mag[0].message

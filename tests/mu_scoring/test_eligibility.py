"""Who is class T (landeval.mu_scoring.eligibility) and group keys (groups)."""

from __future__ import annotations

import pandas as pd

from landeval.config import default_config, load_config
from landeval.mu_scoring.eligibility import not_evaluated_reasons
from landeval.mu_scoring.groups import group_keys, weights_frame


def _fy(**cols) -> pd.DataFrame:
    base = {
        "in_registry": True,
        "scale": "above",
        "industry_code": "C17",
        "start_year": 2010,
        "year": 2023,
        "land_mu": 10.0,
    }
    base.update(cols)
    return pd.DataFrame({k: [v] for k, v in base.items()})


def _reason(**cols):
    return not_evaluated_reasons(_fy(**cols), config=default_config()).iloc[0]


def test_reasons_in_order_of_precedence():
    assert _reason() is None
    assert _reason(in_registry=False, start_year=2023) == "企业名录中无此企业，不参评"
    assert _reason(scale=None) == "企业规模（规上/规下）未知，不参评"
    assert _reason(industry_code="D4411", start_year=2023) == "公用事业企业（行业D4411），不参评"
    assert _reason(start_year=2022) == "新投产企业（2022年投产），不参评"
    assert _reason(start_year=2023, land_mu=0.0) == "新投产企业（2023年投产），不参评"
    assert _reason(start_year=2021) is None  # started two years before: evaluated
    assert _reason(start_year=None) is None
    assert _reason(land_mu=0.0) == "当年无用地，不参评"
    assert _reason(scale="below", land_mu=2.99) == "规下企业用地不足3亩，不参评"
    assert _reason(scale="below", land_mu=3.0) is None
    assert _reason(scale="above", land_mu=0.5) is None


def test_thresholds_come_from_config(tmp_path):
    (tmp_path / "landeval.toml").write_text(
        "[scoring]\nbelow_scale_min_mu = 5.0\nnew_firm_years = 0\n"
        'not_evaluated_industries = ["C26"]\n',
        encoding="utf-8",
    )
    cfg = load_config(tmp_path)
    fy = pd.concat(
        [
            _fy(scale="below", land_mu=4.0),
            _fy(start_year=2022),
            _fy(industry_code="D44"),
            _fy(industry_code="C2612"),
        ],
        ignore_index=True,
    )
    assert not_evaluated_reasons(fy, config=cfg).tolist() == [
        "规下企业用地不足5亩，不参评",
        None,
        None,
        "公用事业企业（行业C2612），不参评",
    ]


def test_group_keys_and_industry_group():
    fy = pd.DataFrame(
        {
            "county_code": ["330602", None],
            "scale": ["above", "below"],
            "industry_code": ["C1711", "C26"],
        }
    )
    assert group_keys(fy, ["county_code", "scale"]).tolist() == ["330602|above", "|below"]
    assert group_keys(fy, ["industry_group"]).tolist() == ["C17", "C26"]


def test_weights_by_scale():
    fy = pd.DataFrame({"scale": ["above", "below", None]})
    w = weights_frame(fy, config=default_config())
    assert w["tax_per_mu"].tolist() == [30.0, 50.0, 0.0]
    assert w["tax_per_kwh"].tolist() == [0.0, 50.0, 0.0]
    assert w["va_per_mu"].tolist() == [20.0, 0.0, 0.0]

"""The demo's differentiated measures (差别化施策, DESIGN §12): example rates, not official ones.

The demo project lists one measure of each kind, with rates drawn from published practice
and marked 示例费率 in every note (the note is shown beside every amount):

- relief: 城镇土地使用税 relieved 100 % for class A and 80 % for class B, after
  浙政办发〔2019〕62号 (basis ``land_use_tax``, rates −1.0 and −0.8);
- charge: electricity +0.30 元/kWh for class D and +0.40 for D three years running (instead of
  the 0.30), after 海宁's 2025 draft; 污水处理费 raised by class on 常州天宁's base of 4.20 元/吨
  (the mark-ups +20 % for C and +50 % for D are the demo's own), the D one refundable when
  the firm's class rises (慈溪's practice);
- quota: 用能指标 cut by 10 % of the year's energy use for class D (tce).

The county land-use-tax rates (城镇土地使用税税额标准, 元/m² a year) are examples too.
"""

from __future__ import annotations

from typing import Any

DEMO_LAND_TAX_RATES: dict[str, float] = {
    "330602": 6.0,
    "330603": 6.0,
    "330604": 5.0,
    "330624": 4.0,
    "330681": 5.0,
    "330683": 4.0,
}
"""示例 城镇土地使用税税额标准 per county of the demo (元/m² a year)."""

_SEWAGE_BASE = 4.20  # 常州天宁 污水处理费, 元/吨

DEMO_INCENTIVES: list[dict[str, Any]] = [
    {
        "code": "LAND_TAX_A",
        "label_zh": "减免城镇土地使用税（A类）",
        "label_en": "Urban land-use tax relief (class A)",
        "classes": ["A"],
        "basis": "land_use_tax",
        "rate": -1.0,
        "kind": "relief",
        "note": "示例费率：参照浙政办发〔2019〕62号，A类企业减免城镇土地使用税 100%",
    },
    {
        "code": "LAND_TAX_B",
        "label_zh": "减免城镇土地使用税（B类）",
        "label_en": "Urban land-use tax relief (class B)",
        "classes": ["B"],
        "basis": "land_use_tax",
        "rate": -0.8,
        "kind": "relief",
        "note": "示例费率：参照浙政办发〔2019〕62号，B类企业减免城镇土地使用税 80%",
    },
    {
        "code": "ELEC_D",
        "label_zh": "差别化电价（D类加价）",
        "label_en": "Differentiated electricity price (class D)",
        "classes": ["D"],
        "basis": "electricity_kwh",
        "rate": 0.30,
        "kind": "charge",
        "note": "示例费率：参照海宁市 2025 年征求意见稿，D类企业用电加价 0.3 元/千瓦时",
    },
    {
        "code": "ELEC_D3",
        "label_zh": "差别化电价（连续三年D类加价）",
        "label_en": "Differentiated electricity price (class D three years running)",
        "classes": ["D"],
        "basis": "electricity_kwh",
        "rate": 0.40,
        "kind": "charge",
        "min_consecutive_years": 3,
        "supersedes": ["ELEC_D"],
        "note": "示例费率：参照海宁市 2025 年征求意见稿，连续三年D类企业用电加价 0.4 元/千瓦时",
    },
    {
        "code": "SEWAGE_C",
        "label_zh": "差别化污水处理费（C类加价）",
        "label_en": "Differentiated sewage charge (class C)",
        "classes": ["C"],
        "basis": "wastewater_t",
        "rate": round(0.2 * _SEWAGE_BASE, 2),
        "kind": "charge",
        "note": "示例费率：以常州天宁污水处理费 4.20 元/吨为基准，C类加价 20%（加价比例为示例）",
    },
    {
        "code": "SEWAGE_D",
        "label_zh": "差别化污水处理费（D类加价）",
        "label_en": "Differentiated sewage charge (class D)",
        "classes": ["D"],
        "basis": "wastewater_t",
        "rate": round(0.5 * _SEWAGE_BASE, 2),
        "kind": "charge",
        "refundable": True,
        "note": (
            "示例费率：以常州天宁污水处理费 4.20 元/吨为基准，D类加价 50%（加价比例为示例）；"
            "次年评价升档则退还（参照慈溪做法）"
        ),
    },
    {
        "code": "ENERGY_QUOTA_D",
        "label_zh": "削减用能指标（D类）",
        "label_en": "Energy-use quota cut (class D)",
        "classes": ["D"],
        "basis": "energy_tce",
        "rate": -0.10,
        "kind": "quota",
        "unit": "吨标煤",
        "note": "示例费率：D类企业按当年综合能耗削减用能指标 10%",
    },
]
"""The demo's ``[[incentives]]`` (written into its landeval.toml)."""


def demo_incentive_settings() -> dict[str, Any]:
    """The demo project's ``[incentives_settings]`` and ``[[incentives]]``, as TOML data."""
    return {
        "incentives_settings": {"land_tax_rate": dict(DEMO_LAND_TAX_RATES)},
        "incentives": [dict(m) for m in DEMO_INCENTIVES],
    }

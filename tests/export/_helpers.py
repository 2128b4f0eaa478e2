"""What the export tests share: the hand-computed facts of the fixture and a sheet reader."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Hand-computed in tests/_fixtures_results.py
EXPECTED = {
    "REBUILD": (2, 35.0),
    "UPGRADE": (3, 67.0),
    "CONVERT": (1, 20.0),
    "EXIT": (2, 33.0),
}
SHEETS_ZH = {
    "REBUILD": "拆除重建",
    "UPGRADE": "整治提升",
    "CONVERT": "功能转型",
    "EXIT": "关停退出",
}
ALL_SHEETS_ZH = [
    "汇总",
    "平台汇总",
    "拆除重建",
    "整治提升",
    "功能转型",
    "关停退出",
    "增容潜力",
    "改一补一",
    "改一补一明细",
    "企业评价",
    "数据问题",
]
"""The sheets of the fixture's workbook: no firm actions (the tables have none), and the
增容潜力 list, empty, since the parcels say which have room to add floors (none does)."""
BASIC_SHEETS_ZH = [s for s in ALL_SHEETS_ZH if s not in ("平台汇总", "增容潜力")]
"""The sheets of a workbook written from no tables at all."""


def sheet_rows(ws):
    """(header, rows as dicts) of an openpyxl worksheet, blank rows left out."""
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [
        dict(zip(header, r, strict=True)) for r in rows[1:] if any(v is not None for v in r)
    ]


TEXTS = [
    "越城区",
    "",
    None,
    "=1+1",
    "+86 575 8888",
    "-3",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    "＝SUM(1)",
    "＋1",
    "－1",
    "＠x",
    "'already quoted",
    "a=b",
    "<b>&amp;</b>",
    'say "hi", then go',
    "line\nbreak",
    "x_x0041_y _X00ff_ _x12_",
    "nul\x00 bell\x07 vt\x0b",
    "\ufffe\uffff",
    " lead",
    "trail\u3000",
    "\xa0nbsp",
    "x" * 40000,
    "绍兴" * 20000,
]
"""Texts every text path must treat alike: formulas, XML specials, controls, long."""

NUMBERS = [
    0.0,
    -0.0,
    1.5,
    -2.25,
    0.1 + 0.2,
    1 / 3,
    123456789.123456789,
    2.5e-12,
    1e15,
    -1e15,
    9.999999999999999e22,
    1.7976931348623157e308,
    5e-324,
    0.00005,
    0.00015,
    2.5,
    -0.5,
    np.nan,
]
"""Numbers every number path must write alike: signed zeros, ties, tiny, huge, NaN."""


TRICKY = [
    "=1+1",
    "+86 575 8888",
    "-",
    "@SUM(A1:A2)",
    "\t=cmd",
    "\r=cmd",
    "＝SUM(1)",
    "＋1",
    "－1",
    "＠x",
    "=",
    "'already quoted",
    "第一行\n=第二行",
]
"""Firm names a spreadsheet would run as formulas, in every form."""


def tricky_parcels(parcel_eval: pd.DataFrame) -> pd.DataFrame:
    """One UPGRADE parcel per :data:`TRICKY` name, coded P00, P01, …"""
    parcels = pd.concat([parcel_eval] * 2, ignore_index=True).iloc[: len(TRICKY)].copy()
    parcels["parcel_id"] = [f"P{i:02d}" for i in range(len(TRICKY))]
    parcels["main_name"] = TRICKY
    parcels["treatment"] = "UPGRADE"
    return parcels

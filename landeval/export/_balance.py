"""The 改一补一 tables: the ledger per county, the items, and what the ledger's words mean.

The ledger and the items are two sheets of the workbook. An item of a parcel the list
converts (``source`` "parcel") names its firm and why it is converted, taken from
``parcel_eval`` when the items table does not carry them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from landeval.export._columns import ITEM_COLUMNS, LEDGER_COLUMNS
from landeval.export._tables import Table, build_table, column_of
from landeval.vocabulary import CITY, CITY_NAME, SCOPE_LABELS, label


def ledger_table(
    ledger: pd.DataFrame | None,
    *,
    lang: str = "zh",
    county_names: Mapping[str, str] | None = None,
) -> Table:
    """The 改一补一 ledger, one row per county (by code), then the city's row."""
    frame = ledger if ledger is not None else pd.DataFrame()
    if "county_code" in frame:
        code = frame["county_code"].astype("string")
        city = (code == CITY).fillna(False)
        order = pd.DataFrame({"_city": city, "_c": code.fillna("")}, index=frame.index)
        frame = frame.loc[order.sort_values(["_city", "_c"], kind="stable").index]
        names = dict(county_names or {})
        given = column_of(frame, "county_name")
        frame = frame.assign(
            county_name=[
                CITY_NAME[lang] if c == CITY else (n if isinstance(n, str) else names.get(c, c))
                for c, n in zip(frame["county_code"].astype(object), given, strict=True)
            ]
        )
    return build_table(frame, LEDGER_COLUMNS, lang=lang)


def items_table(
    items: pd.DataFrame | None,
    *,
    lang: str = "zh",
    county_names: Mapping[str, str] | None = None,
    parcel_eval: pd.DataFrame | None = None,
) -> Table:
    """Every 改一补一 item, by county, then converts before supplements, then area descending."""
    frame = items if items is not None else pd.DataFrame()
    if "geometry" in frame:
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    if len(frame):
        keys = pd.DataFrame(
            {
                "_c": column_of(frame, "county_code").astype("string").fillna(""),
                "_k": column_of(frame, "kind").astype("string").fillna("") != "convert",
                "_a": pd.to_numeric(column_of(frame, "area_mu"), errors="coerce").fillna(-1.0),
                "_i": column_of(frame, "item_id").astype("string").fillna(""),
            },
            index=frame.index,
        )
        order = keys.sort_values(["_c", "_k", "_a", "_i"], ascending=[True, True, False, True])
        frame = frame.loc[order.index]
        names = dict(county_names or {})
        frame = frame.assign(
            county_name=[
                None if pd.isna(c) else names.get(str(c), str(c))
                for c in column_of(frame, "county_code")
            ]
        )
        frame = _with_parcel_words(frame, parcel_eval)
        if "why_zh" not in frame and "why_not_counted" in frame:
            # the older items table: its note says why an item counts only in part or not
            frame = frame.assign(why_zh=frame["why_not_counted"])
    return build_table(frame, ITEM_COLUMNS, lang=lang)


def _with_parcel_words(items: pd.DataFrame, parcel_eval: pd.DataFrame | None) -> pd.DataFrame:
    """Items whose firm and reason are missing, taken from the parcel they stand for."""
    if parcel_eval is None or "parcel_id" not in parcel_eval:
        return items
    is_parcel = column_of(items, "source").astype("string") == "parcel"
    # only the parcels the items stand for (a few hundred of a city's parcels)
    ids = column_of(items, "item_id").astype(object)[is_parcel.fillna(False).to_numpy(bool)]
    mine = parcel_eval["parcel_id"].isin(ids).to_numpy(dtype=bool)
    lookup = pd.DataFrame(
        {
            "main_name": column_of(parcel_eval, "main_name").to_numpy()[mine],
            "reason_zh": column_of(parcel_eval, "reason_zh").to_numpy()[mine],
        },
        index=parcel_eval["parcel_id"].astype(str).to_numpy()[mine],
    )
    lookup = lookup[~lookup.index.duplicated()]
    if not len(lookup):
        return items
    at = lookup.index.get_indexer(column_of(items, "item_id").astype("string").fillna(""))
    found = (at >= 0) & is_parcel.fillna(False).to_numpy(bool)
    out = items.copy()
    for column in ("main_name", "reason_zh"):
        given = column_of(out, column).astype(object).to_numpy(copy=True)
        from_parcel = lookup[column].to_numpy(dtype=object)[at.clip(min=0)]
        fill = found & pd.isna(given)
        given[fill] = from_parcel[fill]
        out[column] = given
    return out


def ledger_notes(
    ledger: pd.DataFrame | None, *, lang: str = "zh", tolerance_mu: float = 0.01
) -> list[str]:
    """The lines that explain the ledger, shown beside it (what each column counts)."""
    scope = None
    if ledger is not None and "scope" in ledger and len(ledger):
        scope = str(ledger["scope"].dropna().iloc[0]) if ledger["scope"].notna().any() else None
    scope_text = label(SCOPE_LABELS, scope, lang) if scope else None  # type: ignore[arg-type]
    if lang != "zh":
        lines = [
            "Converted: approved conversions of industrial land inside the control line "
            "(land counted once).",
            "Compensated: approved new industrial land outside the line in the same county.",
            f"Balanced: compensated − converted ≥ −{tolerance_mu:g} mu.",
            "Decisive (考核口径): yes on the rows the balance is assessed on — each county "
            "when the scope is the county, the city row when the city balances as a whole; "
            "the other rows are for information.",
            "Proposed: parcels the list converts and items without approval, not yet counted.",
            "The items sheet lists every item, whether and why it counts.",
        ]
        if scope_text:
            lines.insert(3, f"Scope of this run: {scope_text}.")
        return lines
    lines = [
        "转出面积（改）：已批准的控制线内工业用地转为其他用途的面积（重叠部分只计一次）。",
        "补充面积（补）：已批准、位于现有控制线外、同一县（市、区）内新增的工业用地面积。",
        f"是否平衡：补充面积 − 转出面积 ≥ −{tolerance_mu:g} 亩 为平衡（先补后调、占补平衡）。",
        "考核口径：“是”表示该行的平衡结果是考核依据——按县（市、区）平衡时为各县行，"
        "全市统筹平衡时为全市行；“否”的行仅供参考。",
        "拟转出、拟补充：清单中拟功能转型的宗地和尚未批准的用地调整，批准后才计入。",
        "每个改、补项目是否计入及原因，见“改一补一明细”表。",
    ]
    if scope_text:
        lines.insert(3, f"本次平衡范围：{scope_text}。")
    return lines

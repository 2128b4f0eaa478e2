"""The numbers of the one-page report, computed from result tables (pure; no I/O).

"Low-efficiency land" in the report is land on the action list: parcels whose treatment is
not KEEP (保留), i.e. one of the four treatments (四个一批).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from landeval.config import Config
from landeval.export._tables import treatment_codes, treatment_label
from landeval.vocabulary import CITY, CITY_TOTAL, CLASS_LABELS, TIER_LABELS, label

CLASS_ORDER: tuple[str, ...] = ("A", "B", "C", "D", "T")
TIER_ORDER: tuple[str, ...] = ("2", "6", "N")
OUTSIDE = ""  # tier key of parcels outside every platform
TOP_PARCELS = 10  # largest action parcels listed by name


@dataclass(frozen=True)
class Figures:
    """Everything the report shows, as plain Python values."""

    totals: dict[str, float]
    class_rows: list[dict[str, object]]
    tier_keys: list[str]
    tier_names: list[str]
    low_eff_rows: list[dict[str, object]]
    treatment_codes: list[str]
    treatment_names: list[str]
    treatment_rows: list[dict[str, object]]
    balance_rows: list[dict[str, object]]
    trend_years: list[int]
    trend_rows: list[dict[str, object]]
    target_growth: float
    top_parcels: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def report_figures(
    results: Mapping[str, pd.DataFrame | None], *, year: int, config: Config, lang: str = "zh"
) -> Figures:
    """Compute the report's figures from the run's result tables.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Result tables by name (``parcel_eval``, ``firm_scores``, ``balance_ledger``,
        ``trends``); missing ones give empty sections.
    year : int
        Evaluation year.
    config : Config
        The run's configuration (county names, growth target).
    lang : {"zh", "en"}
        Language of labels.
    """
    parcels = _frame(results.get("parcel_eval"))
    firms = _frame(results.get("firm_scores"))
    names = {**_names_from(parcels), **config.project.counties}
    area = _num(parcels, "area_mu")
    treat = _text(parcels, "treatment")
    action = treat.isin(treatment_codes(parcels)).to_numpy(dtype=bool)
    # filter only the columns used: a filter copies every column it is given
    firm_fields = [c for c in ("year", "evaluated", "class") if c in firms]
    firms_year = (
        pd.DataFrame(firms[firm_fields])[_num(firms, "year") == year] if len(firms) else firms
    )
    evaluated = _bool(firms_year, "evaluated")
    totals = {
        "parcels": float(len(parcels)),
        "area_mu": float(area.sum()),
        "firms": float(len(firms_year)),
        "firms_evaluated": float(evaluated.sum()),
        "action_parcels": float(action.sum()),
        "action_area_mu": float(area[action].sum()),
        "action_share": float(area[action].sum() / area.sum()) if area.sum() > 0 else 0.0,
    }
    codes = treatment_codes(parcels)
    actions = pd.DataFrame(parcels[[c for c in _ACTION_FIELDS if c in parcels]])[action]
    ledger = _balance_rows(results.get("balance_ledger"), names, _total_word(lang))
    counties = [r for r in ledger if not r["is_total"]]
    totals["counties_balanced"] = float(sum(1 for r in counties if r["balanced"]))
    totals["counties_in_ledger"] = float(len(counties))
    years, trend_rows = _trend_rows(results.get("trends"), names, config, lang)
    return Figures(
        totals=totals,
        class_rows=_class_rows(firms_year, parcels, lang),
        tier_keys=[*TIER_ORDER, OUTSIDE],
        tier_names=[
            *(label(TIER_LABELS, t, lang) for t in TIER_ORDER),  # type: ignore[arg-type]
            "平台外" if lang == "zh" else "outside platforms",
        ],
        low_eff_rows=_low_eff_rows(actions, names, _total_word(lang)),
        treatment_codes=codes,
        treatment_names=[treatment_label(c, lang, parcels) for c in codes],
        treatment_rows=_treatment_rows(parcels, codes, names, _total_word(lang)),
        balance_rows=ledger,
        trend_years=years,
        trend_rows=trend_rows,
        target_growth=float(config.trends.target_growth),
        top_parcels=_top_parcels(actions, names, lang),
    )


_ACTION_FIELDS = (
    "parcel_id",
    "county_code",
    "county_name",
    "platform_name",
    "tier",
    "area_mu",
    "main_name",
    "class",
    "treatment",
    "treatment_zh",
    "reason_zh",
)
"""Columns of parcel_eval that the sections on the action list read."""


def _frame(frame: pd.DataFrame | None) -> pd.DataFrame:
    return frame if frame is not None else pd.DataFrame()


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series(0.0, index=frame.index, dtype=float)
    return pd.to_numeric(frame[col], errors="coerce").astype(float).fillna(0.0)


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    if isinstance(frame[col].dtype, pd.StringDtype):
        # already text: only the missing cells change (no round trip through objects)
        return frame[col].fillna("")
    return frame[col].astype(object).where(frame[col].notna(), "").astype(str)


def _bool(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series(False, index=frame.index, dtype=bool)
    return frame[col].astype(object).where(frame[col].notna(), False).astype(bool)


def _names_from(frame: pd.DataFrame) -> dict[str, str]:
    if "county_code" not in frame or "county_name" not in frame:
        return {}
    pairs = frame[["county_code", "county_name"]].dropna().drop_duplicates("county_code")
    return {str(c): str(n) for c, n in zip(pairs["county_code"], pairs["county_name"], strict=True)}


def _counties(frame: pd.DataFrame) -> list[str]:
    return sorted({c for c in _text(frame, "county_code").unique() if c})


def _class_rows(firms: pd.DataFrame, parcels: pd.DataFrame, lang: str) -> list[dict[str, object]]:
    if not len(firms) and not len(parcels):
        return []
    firm_class = _text(firms, "class")
    parcel_class = _text(parcels, "class")
    area = _num(parcels, "area_mu")
    n_firms = len(firms) or 1
    total_area = float(area.sum()) or 1.0
    rows = []
    for code in (*CLASS_ORDER, ""):
        firms_n = int((firm_class == code).sum())
        area_mu = float(area[(parcel_class == code).to_numpy(dtype=bool)].sum())
        if code == "" and firms_n == 0 and area_mu == 0:
            continue
        name = (
            label(CLASS_LABELS, code, lang)  # type: ignore[arg-type]
            if code
            else ("无企业/未分类" if lang == "zh" else "no occupant / unclassed")
        )
        rows.append(
            {
                "code": code or "-",
                "name": name,
                "firms": firms_n,
                "firm_share": firms_n / n_firms,
                "area_mu": area_mu,
                "area_share": area_mu / total_area,
            }
        )
    return rows


def _total_word(lang: str) -> str:
    return CITY_TOTAL[lang]


def _low_eff_rows(
    actions: pd.DataFrame, names: Mapping[str, str], total_word: str
) -> list[dict[str, object]]:
    tier = _text(actions, "tier")
    tier = tier.where(tier.isin(TIER_ORDER), OUTSIDE)
    area = _num(actions, "area_mu")
    county = _text(actions, "county_code")
    # each tier's cells compared once, not once per county
    is_tier = {t: (tier == t).to_numpy(dtype=bool) for t in (*TIER_ORDER, OUTSIDE)}
    rows = []
    for code in [*_counties(actions), None]:
        sel = (
            (county == code).to_numpy(dtype=bool) if code is not None else np.ones(len(area), bool)
        )
        by_tier = {t: float(area[sel & is_tier[t]].sum()) for t in (*TIER_ORDER, OUTSIDE)}
        rows.append(
            {
                "county_code": code or "",
                "name": names.get(code, code) if code else total_word,
                "by_tier": by_tier,
                "total": float(area[sel].sum()),
                "is_total": code is None,
            }
        )
    return rows


def _treatment_rows(
    parcels: pd.DataFrame, codes: list[str], names: Mapping[str, str], total_word: str
) -> list[dict[str, object]]:
    treat = _text(parcels, "treatment")
    area = _num(parcels, "area_mu")
    county = _text(parcels, "county_code")
    acting = treat.isin(codes).to_numpy(dtype=bool)
    # each treatment's cells compared once, not once per county
    is_code = {t: (treat == t).to_numpy(dtype=bool) for t in codes}
    rows = []
    for code in [*sorted({c for c in county[acting].unique() if c}), None]:
        sel = acting & (county == code).to_numpy(dtype=bool) if code is not None else acting
        rows.append(
            {
                "county_code": code or "",
                "name": names.get(code, code) if code else total_word,
                "parcels": {t: int((sel & is_code[t]).sum()) for t in codes},
                "area": {t: float(area[sel & is_code[t]].sum()) for t in codes},
                "total_parcels": int(sel.sum()),
                "total_area": float(area[sel].sum()),
                "is_total": code is None,
            }
        )
    return rows


def _balance_rows(
    ledger: pd.DataFrame | None, names: Mapping[str, str], total_word: str
) -> list[dict[str, object]]:
    frame = _frame(ledger)
    if not len(frame):
        return []
    county = _text(frame, "county_code")
    # counties by code, then the city-wide row (county_code "city")
    order = pd.DataFrame({"_city": county == CITY, "_c": county}, index=frame.index)
    frame = frame.loc[order.sort_values(["_city", "_c"], kind="stable").index]
    county = _text(frame, "county_code")
    given = _text(frame, "county_name")
    rows = []
    for i in range(len(frame)):
        code = county.iloc[i]
        rows.append(
            {
                "county_code": code,
                "is_total": code == CITY,
                "name": given.iloc[i] or names.get(code, code) or total_word,
                "converted_mu": float(_num(frame, "converted_mu").iloc[i]),
                "compensated_mu": float(_num(frame, "compensated_mu").iloc[i]),
                "balance_mu": float(_num(frame, "balance_mu").iloc[i]),
                "balanced": bool(_bool(frame, "balanced").iloc[i]),
            }
        )
    return rows


def _trend_rows(
    trends: pd.DataFrame | None, names: Mapping[str, str], config: Config, lang: str
) -> tuple[list[int], list[dict[str, object]]]:
    frame = _frame(trends)
    if not len(frame) or "level" not in frame:
        return [], []
    frame = frame[_text(frame, "level").isin(["city", "county"]).to_numpy(dtype=bool)]
    years = sorted({int(y) for y in _num(frame, "year")})
    rows = []
    level = _text(frame, "level")
    region = _text(frame, "region_id")
    keys = sorted(
        {(lv, rg) for lv, rg in zip(level, region, strict=True)},
        key=lambda k: (k[0] != "city", k[1]),
    )
    for lv, rg in keys:
        part = frame[((level == lv) & (region == rg)).to_numpy(dtype=bool)]
        part = part.assign(_y=_num(part, "year")).sort_values("_y")
        by_year = {
            int(y): (None if pd.isna(v) else float(v))
            for y, v in zip(
                part["_y"], pd.to_numeric(part["va_per_mu"], errors="coerce"), strict=True
            )
        }
        values = [by_year.get(y) for y in years]
        known = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
        cagr = _last(part, "va_cagr")
        if cagr is None and len(known) >= 2 and known[0][1] > 0 and known[-1][1] > 0:
            cagr = (known[-1][1] / known[0][1]) ** (1 / (known[-1][0] - known[0][0])) - 1
        meets = _last(part, "meets_target")
        if meets is None and cagr is not None:
            meets = cagr >= config.trends.target_growth
        city = config.project.city if lang == "zh" else "City"
        rows.append(
            {
                "level": lv,
                "name": city if lv == "city" else names.get(rg, rg),
                "values": values,
                "first": known[0][1] if known else None,
                "last": known[-1][1] if known else None,
                "cagr": cagr,
                "meets": None if meets is None else bool(meets),
            }
        )
    return years, rows


def _last(frame: pd.DataFrame, col: str) -> float | None:
    if col not in frame:
        return None
    values = frame[col].dropna()
    if not len(values):
        return None
    value = values.iloc[-1]
    if isinstance(value, (bool,)) or str(value) in {"True", "False"}:
        return bool(value) if not isinstance(value, str) else value == "True"
    number = float(value)
    return number if math.isfinite(number) else None


def _top_parcels(
    actions: pd.DataFrame, names: Mapping[str, str], lang: str, n: int = TOP_PARCELS
) -> list[dict[str, object]]:
    """The largest parcels on the action list: the ones a meeting asks about first."""
    if not len(actions):
        return []
    area = _num(actions, "area_mu")
    if len(area) > n > 0:
        # only parcels at least as large as the n-th largest can be among the first n: the
        # stable sort of those alone puts the same rows first, in the same order
        values = area.to_numpy()
        at_least = values >= np.partition(values, len(values) - n)[len(values) - n]
        actions, area = actions[at_least], area[at_least]
    keys = pd.DataFrame(
        {"_a": area, "_id": _text(actions, "parcel_id")}, index=actions.index
    ).sort_values(["_a", "_id"], ascending=[False, True], kind="stable")
    top = actions.loc[keys.index[:n]]
    rows = []
    for i in range(len(top)):
        code = _text(top, "county_code").iloc[i]
        cls = _text(top, "class").iloc[i]
        rows.append(
            {
                "parcel_id": _text(top, "parcel_id").iloc[i],
                "county": _text(top, "county_name").iloc[i] or names.get(code, code),
                "platform": _text(top, "platform_name").iloc[i],
                "area_mu": float(_num(top, "area_mu").iloc[i]),
                "main_name": _text(top, "main_name").iloc[i],
                "class": label(CLASS_LABELS, cls, lang) if cls else "",  # type: ignore[arg-type]
                "class_code": cls,
                "treatment": treatment_label(_text(top, "treatment").iloc[i], lang, actions),
                "reason": _text(top, "reason_zh").iloc[i],
            }
        )
    return rows

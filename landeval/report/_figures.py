"""The numbers of the one-page report, computed from result tables (pure; no I/O).

"Low-efficiency land" in the report is land on the action list: parcels whose treatment is
not KEEP (保留), i.e. one of the four treatments (四个一批). Per-mu tax and value added are
those of above-scale firms (the ``trends`` table: what a county states as 规上亩均税收 and
亩均增加值), by county and for the city, in the evaluation year; a platform's are its own
(``platform_summary``). Counties and platforms are ranked by 亩均增加值 (比学赶超).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from landeval._format import format_number
from landeval.config import Config
from landeval.errors import LandevalError
from landeval.export._tables import treatment_codes, treatment_label
from landeval.vocabulary import CITY, CITY_TOTAL, CLASS_LABELS, TIER_LABELS, label

CLASS_ORDER: tuple[str, ...] = ("A", "B", "C", "D", "T")
TOP_PARCELS = 5  # largest action parcels listed by name
PLATFORMS_SHOWN = 8  # more platforms than this: the first and the last half of it


@dataclass(frozen=True)
class Figures:
    """Everything the report shows, as plain Python values."""

    totals: dict[str, float]
    city: dict[str, object]
    class_rows: list[dict[str, object]]
    treatment_codes: list[str]
    treatment_names: list[str]
    treatment_totals: list[dict[str, object]]
    county_rows: list[dict[str, object]]
    platform_rows: list[dict[str, object]]
    platform_count: int
    trend_years: list[int]
    trend_rows: list[dict[str, object]]
    target_growth: float
    data_date: str
    synthetic: bool
    conclusion: str
    top_parcels: list[dict[str, object]] = field(default_factory=list)


def report_figures(
    results: Mapping[str, pd.DataFrame | None],
    *,
    year: int,
    config: Config,
    lang: str = "zh",
    top_parcels: int = TOP_PARCELS,
    platforms_shown: int = PLATFORMS_SHOWN,
) -> Figures:
    """Compute the report's figures from the run's result tables.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Result tables by name (``parcel_eval``, ``firm_scores``, ``balance_ledger``,
        ``trends``, ``platform_summary``); missing ones give empty sections.
    year : int
        Evaluation year.
    config : Config
        The run's configuration (county names, growth target, data date, project folder).
    lang : {"zh", "en"}
        Language of labels.
    top_parcels, platforms_shown : int
        How many of the largest listed parcels, and of the ranked platforms (the first and
        the last half), the page lists; fewer when last year's comparison needs the room.
    """
    parcels = _frame(results.get("parcel_eval"))
    firms = _frame(results.get("firm_scores"))
    names = {**_names_from(parcels), **config.project.counties}
    area = _num(parcels, "area_mu")
    codes = treatment_codes(parcels)
    action = _text(parcels, "treatment").isin(codes).to_numpy(dtype=bool)
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
    target = float(config.trends.target_growth)
    years, trend_rows = _trend_rows(results.get("trends"), names, config, lang)
    per_mu = _per_mu(results.get("trends"), year, target)
    ledger = _ledger(results.get("balance_ledger"))
    county_rows = _county_rows(parcels, per_mu, ledger, names, lang)
    counties = [r for r in county_rows if not r["is_total"]]
    in_ledger = [r for r in counties if r["balance_mu"] is not None]
    totals["counties_balanced"] = float(sum(1 for r in in_ledger if r["balanced"]))
    totals["counties_in_ledger"] = float(len(in_ledger))
    platform_rows, platform_count = _platform_rows(
        results.get("platform_summary"), names, lang, target, shown=platforms_shown
    )
    treatment_totals = [
        {
            "code": code,
            "name": treatment_label(code, lang, parcels),
            "parcels": int((_text(parcels, "treatment") == code).sum()),
            "area_mu": float(area[(_text(parcels, "treatment") == code).to_numpy(bool)].sum()),
        }
        for code in codes
    ]
    city = per_mu.get(CITY, {"tax_per_mu": None, "va_per_mu": None, "cagr": None, "meets": None})
    figures = Figures(
        totals=totals,
        city=city,
        class_rows=_class_rows(firms_year, parcels, lang),
        treatment_codes=codes,
        treatment_names=[treatment_label(c, lang, parcels) for c in codes],
        treatment_totals=treatment_totals,
        county_rows=county_rows,
        platform_rows=platform_rows,
        platform_count=platform_count,
        trend_years=years,
        trend_rows=trend_rows,
        target_growth=target,
        data_date=config.maps.data_date or str(year),
        synthetic=_is_demo(config),
        conclusion="",
        top_parcels=_top_parcels(
            pd.DataFrame(parcels[[c for c in _ACTION_FIELDS if c in parcels]])[action],
            names,
            lang,
            n=top_parcels,
        ),
    )
    return _with_conclusion(figures, year=year, lang=lang)


_ACTION_FIELDS = (
    "parcel_id",
    "county_code",
    "county_name",
    "platform_name",
    "tier",
    "area_mu",
    "main_name",
    "class",
    "status",
    "treatment",
    "treatment_zh",
    "reason_zh",
)
"""Columns of parcel_eval that the sections on the action list read."""


def _is_demo(config: Config) -> bool:
    """True when the run's project is the embedded synthetic demo."""
    if config.project_dir is None:
        return False
    from landeval.demo.locate import demo_project_dir  # noqa: PLC0415 - only to compare

    try:
        return Path(config.project_dir).resolve() == demo_project_dir().resolve()
    except LandevalError:  # no demo installed: not the demo
        return False


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


def _value(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


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


def _per_mu(trends: pd.DataFrame | None, year: int, target: float) -> dict[str, dict[str, object]]:
    """Region code (CITY for the city) → tax and value added per mu in ``year``, growth."""
    frame = _frame(trends)
    if not len(frame) or "level" not in frame:
        return {}
    level = _text(frame, "level")
    frame = frame[level.isin(["city", "county"]).to_numpy(dtype=bool)]
    out: dict[str, dict[str, object]] = {}
    keys = zip(_text(frame, "level"), _text(frame, "region_id"), strict=True)
    for lv, region in sorted(set(keys)):
        part = frame[
            ((_text(frame, "level") == lv) & (_text(frame, "region_id") == region)).to_numpy(bool)
        ]
        part = part.assign(_y=_num(part, "year")).sort_values("_y")
        now = part[part["_y"] == year]
        va = pd.to_numeric(part.get("va_per_mu"), errors="coerce")
        known = [
            (int(y), float(v))
            for y, v in zip(part["_y"], va, strict=True)
            if pd.notna(v) and y <= year
        ]
        cagr = _last(part, "va_cagr")
        if cagr is None and len(known) >= 2 and known[0][1] > 0 and known[-1][1] > 0:
            cagr = (known[-1][1] / known[0][1]) ** (1 / (known[-1][0] - known[0][0])) - 1
        meets = _last(part, "meets_target")
        if meets is None and cagr is not None:
            meets = cagr >= target
        out[CITY if lv == "city" else region] = {
            "tax_per_mu": _value(now["tax_per_mu"].iloc[0]) if len(now) else None,
            "va_per_mu": _value(now["va_per_mu"].iloc[0]) if len(now) else None,
            "cagr": cagr,
            "meets": None if meets is None else bool(meets),
        }
    return out


def _ledger(ledger: pd.DataFrame | None) -> dict[str, tuple[float | None, bool]]:
    frame = _frame(ledger)
    if not len(frame) or "county_code" not in frame:
        return {}
    return {
        str(c): (_value(b), bool(ok))
        for c, b, ok in zip(
            frame["county_code"], _num(frame, "balance_mu"), _bool(frame, "balanced"), strict=True
        )
    }


def _county_rows(
    parcels: pd.DataFrame,
    per_mu: Mapping[str, Mapping[str, object]],
    ledger: Mapping[str, tuple[float | None, bool]],
    names: Mapping[str, str],
    lang: str,
) -> list[dict[str, object]]:
    """One row per county, ranked by 亩均增加值 (best first), then the city's row."""
    county = _text(parcels, "county_code")
    area = _num(parcels, "area_mu").to_numpy()
    action = _text(parcels, "treatment").isin(treatment_codes(parcels)).to_numpy(dtype=bool)
    codes = sorted({c for c in county.unique() if c} | {c for c in per_mu if c != CITY})
    rows = []
    for code in [*codes, None]:
        sel = np.ones(len(area), bool) if code is None else (county == code).to_numpy(bool)
        land = float(area[sel].sum())
        low = float(area[sel & action].sum())
        figures = per_mu.get(CITY if code is None else code, {})
        balance = ledger.get(CITY if code is None else code, (None, False))
        rows.append(
            {
                "county_code": code or "",
                "name": CITY_TOTAL[lang] if code is None else names.get(code, code),
                "tax_per_mu": figures.get("tax_per_mu"),
                "va_per_mu": figures.get("va_per_mu"),
                "cagr": figures.get("cagr"),
                "meets": figures.get("meets"),
                "area_mu": land,
                "low_mu": low,
                "low_share": low / land if land > 0 else None,
                "balance_mu": balance[0],
                "balanced": balance[1],
                "is_total": code is None,
                "rank": None,
            }
        )
    return _ranked(rows[:-1]) + rows[-1:]


def _ranked(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows by 亩均增加值, best first (ties share the better place); no figure comes last."""
    known = sorted(
        (r for r in rows if r["va_per_mu"] is not None),
        key=lambda r: (-float(r["va_per_mu"]), str(r["name"])),  # type: ignore[arg-type]
    )
    place = 0
    for k, row in enumerate(known):
        if k == 0 or row["va_per_mu"] != known[k - 1]["va_per_mu"]:
            place = k + 1
        row["rank"] = place
    return known + [r for r in rows if r["va_per_mu"] is None]


def _platform_rows(
    summary: pd.DataFrame | None,
    names: Mapping[str, str],
    lang: str,
    target: float,
    *,
    shown: int = PLATFORMS_SHOWN,
) -> tuple[list[dict[str, object]], int]:
    """Platforms ranked by 亩均增加值; the first and last when there are many (a gap row)."""
    frame = _frame(summary)
    if not len(frame):
        return [], 0
    if "level" in frame:
        frame = frame[_text(frame, "level").isin(["platform", ""]).to_numpy(dtype=bool)]
    rows = []
    for i in range(len(frame)):
        row = frame.iloc[i]
        area = _value(row.get("area_mu"))
        low = _value(row.get("low_eff_area_mu"))
        cagr = _value(row.get("va_cagr"))
        meets = row.get("meets_target")
        tier = None if pd.isna(row.get("tier")) else str(row.get("tier"))
        code = None if pd.isna(row.get("county_code")) else str(row.get("county_code"))
        rows.append(
            {
                "name": str(row.get("name")),
                "tier": label(TIER_LABELS, tier, lang) if tier else "",  # type: ignore[arg-type]
                "county": names.get(code, code) if code else "",
                "tax_per_mu": _value(row.get("tax_per_mu")),
                "va_per_mu": _value(row.get("va_per_mu")),
                "cagr": cagr,
                "meets": (cagr >= target if cagr is not None else None)
                if meets is None or pd.isna(meets)
                else bool(meets),
                "low_share": low / area if low is not None and area else None,
                "gap": False,
                "rank": None,
            }
        )
    ranked = _ranked(rows)
    if len(ranked) <= shown:
        return ranked, len(ranked)
    half = shown // 2
    gap: dict[str, object] = {"gap": True, "rank": None, "name": ""}
    return [*ranked[:half], gap, *ranked[-half:]], len(ranked)


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
        status = _text(top, "status").iloc[i]
        rows.append(
            {
                "parcel_id": _text(top, "parcel_id").iloc[i],
                "county": _text(top, "county_name").iloc[i] or names.get(code, code),
                "platform": _text(top, "platform_name").iloc[i],
                "area_mu": float(_num(top, "area_mu").iloc[i]),
                "main_name": _text(top, "main_name").iloc[i],
                # a closed main occupant shows its status in place of the class
                "class": status or (label(CLASS_LABELS, cls, lang) if cls else ""),  # type: ignore[arg-type]
                "class_code": cls,
                "treatment": treatment_label(_text(top, "treatment").iloc[i], lang, actions),
                "reason": _text(top, "reason_zh").iloc[i],
            }
        )
    return rows


def _with_conclusion(figures: Figures, *, year: int, lang: str) -> Figures:
    """The figures with the report's conclusion: the sentence a meeting starts from."""
    from dataclasses import replace  # noqa: PLC0415

    return replace(figures, conclusion=conclusion(figures, year=year, lang=lang))


def conclusion(figures: Figures, *, year: int, lang: str = "zh") -> str:
    """One or two sentences: per-mu level and growth, the lists, the balance, who leads.

    Examples
    --------
    A run with no tables says what it can (nothing is read as zero):

    >>> from landeval.config import default_config
    >>> f = report_figures({}, year=2024, config=default_config())
    >>> conclusion(f, year=2024)
    '2024年，列入“四个一批”处置清单的低效工业用地 0.0 亩，占工业用地的 0.0%。'
    """
    zh = lang == "zh"
    city = figures.city
    target = format_number(figures.target_growth, 1, percent=True)
    parts = []
    tax, va, cagr = city.get("tax_per_mu"), city.get("va_per_mu"), city.get("cagr")
    if tax is not None and va is not None:
        parts.append(
            f"全市规上工业亩均税收 {format_number(tax, 2)} 万元/亩、亩均增加值 "
            f"{format_number(va, 2)} 万元/亩"
            if zh
            else f"above-scale firms paid {format_number(tax, 2)} (10k yuan) of tax and added "
            f"{format_number(va, 2)} of value per mu"
        )
    if cagr is not None:
        meets = bool(city.get("meets"))
        parts.append(
            f"亩均增加值年均增长 {format_number(cagr, 1, percent=True)}，"
            f"{'达到' if meets else '未达到'}年均 {target} 的目标"
            if zh
            else f"value added per mu grew {format_number(cagr, 1, percent=True)} a year, "
            f"{'meeting' if meets else 'short of'} the {target} target"
        )
    totals = figures.totals
    parts.append(
        f"列入“四个一批”处置清单的低效工业用地 {format_number(totals['action_area_mu'], 1)} 亩，"
        f"占工业用地的 {format_number(totals['action_share'], 1, percent=True)}"
        if zh
        else f"{format_number(totals['action_area_mu'], 1)} mu of low-efficiency land is on the "
        f"four lists, {format_number(totals['action_share'], 1, percent=True)} of industrial land"
    )
    counties = [r for r in figures.county_rows if not r["is_total"]]
    short = [r for r in counties if r["balance_mu"] is not None and not r["balanced"]]
    if totals.get("counties_in_ledger"):
        if short:
            names = (
                "、".join(str(r["name"]) for r in short)
                if zh
                else ", ".join(str(r["name"]) for r in short)
            )
            shortfall = [-(_value(r["balance_mu"]) or 0.0) for r in short]
            gap = format_number(sum(shortfall), 1)
            balanced = int(totals["counties_balanced"])
            parts.append(
                f"改一补一 {balanced} 个县（市、区）平衡，{names}缺口 {gap} 亩"
                if zh
                else f"conversion is compensated in {balanced} counties; {names} short by {gap} mu"
            )
        else:
            parts.append(
                "改一补一各县（市、区）均平衡" if zh else "every county's conversion is compensated"
            )
    ranked = [r for r in counties if r["rank"] is not None]
    lead = ""
    if len(ranked) >= 2:
        best, worst = ranked[0], ranked[-1]
        lead = (
            f"亩均增加值{best['name']}居首，{worst['name']}末位，需加力提升。"
            if zh
            else f" {best['name']} leads on value added per mu; {worst['name']} trails."
        )
    if zh:
        return f"{year}年，" + "；".join(parts) + "。" + lead
    return f"In {year}, " + "; ".join(parts) + "." + lead

"""The 4151 plan's targets to 2026, tracked per city, county and platform (DESIGN §11).

:func:`target_tracking` gives, for each target and region, one row per year from the base
year to the final year: the value where the data have it (years up to the evaluation year),
the path's value for that year, the final target, whether the value is on the path, the
base year and its value. The targets (``[targets]``, :data:`landeval.vocabulary.TARGET_LABELS`):

- ``VA_PER_MU`` 规上亩均增加值 (万元/亩, the trends' figure: above-scale firms' value added
  over their land) grows by ``[trends] target_growth`` a year from the base year:
  path(y) = base × (1 + g)^(y − base year);
- ``LABOUR_PRODUCTIVITY`` 规上全员劳动生产率 (万元/人: above-scale value added over employees)
  reaches ``labour_productivity`` by the final year at a constant rate from the base value:
  path(y) = base × (target / base)^((y − b) / (F − b)) (the target itself where the base is
  already above it);
- ``RD_INTENSITY`` 研发费用/营业收入 (above-scale) is kept at ``rd_intensity`` or more, every
  year;
- ``MICRO_PARKS`` 省级认定小微园 (city; counties show their count) rises evenly from none in
  the base year to ``micro_parks`` in the final year; the count is of the platforms whose
  kind is a 小微企业园 kind and whose 省级认定 (``accredited``) says yes — all of them, with a
  note, where the platforms do not say;
- ``REVITALISATION`` 盘活 (亩 of last year's list closed, from ``revitalisation``) against the
  city's and counties' yearly target, where ``[targets]`` sets one.

The base year is ``[targets] base_year`` where the region has a value that year, else the
region's first year with one (the note says so). The regions' values of ratios are sums
over the firm-years that have both figures (missing is never 0); a firm's employees, revenue
and R&D are spread over its parcels by land share, as its value added is.

Examples
--------
>>> path_value("growth", base=100.0, final=40.0, growth=0.085, year=2023, base_year=2021,
...            final_year=2026)
117.7225
>>> round(path_value("reach", base=30.0, final=40.0, growth=0.0, year=2024, base_year=2022,
...                  final_year=2026), 3)
34.641
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from landeval.config import TargetSettings
from landeval.findings import Finding, findings_frame
from landeval.vocabulary import CITY, TARGET_LABELS

TARGET_COLUMNS: list[str] = [
    "target",
    "level",
    "region_id",
    "year",
    "value",
    "target_value",
    "final_target",
    "on_track",
    "base_year",
    "base_value",
    "note_zh",
]
"""Columns of ``target_tracking``: target (code), level (city, county, platform), region_id
(``city``, a county code, a platform id), year, value (missing in years without data and
after the evaluation year), target_value (the path's value that year), final_target (the
final year's), on_track (value at or above the path; missing without a value or in the
base year of a growth path), base_year, base_value, note_zh."""

_KIND: dict[str, str] = {
    "VA_PER_MU": "growth",
    "LABOUR_PRODUCTIVITY": "reach",
    "RD_INTENSITY": "keep",
    "MICRO_PARKS": "count",
    "REVITALISATION": "yearly",
}

_LEVEL_ORDER = {CITY: 0, "county": 1, "platform": 2}

_YES = "yes"


@dataclass(frozen=True)
class TargetTracking:
    """What :func:`target_tracking` gives: the table and its findings (base-year notes)."""

    table: pd.DataFrame
    findings: pd.DataFrame


def target_tracking(
    *,
    trends: pd.DataFrame | None,
    allocation: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    regions: pd.DataFrame,
    platforms: pd.DataFrame | None,
    revitalisation: pd.DataFrame | None,
    targets: TargetSettings,
    growth: float,
    micro_park_kinds: list[str],
    year: int,
) -> TargetTracking:
    """The path of each target to the final year, per city, county and platform.

    Parameters
    ----------
    trends : DataFrame or None
        The trends table (level, region_id, year, va_per_mu; level ``city`` holds the city).
    allocation : DataFrame or None
        uscc, year, parcel_id, share, scale, value_added, revenue, rd_expense.
    firm_scores : DataFrame or None
        uscc, year, employees.
    regions : DataFrame
        parcel_id, county_code, platform_id (this year's parcels).
    platforms : DataFrame or None
        The platforms layer: platform_id, kind, county_code, optionally accredited (yes/no).
    revitalisation : DataFrame or None
        The ``revitalisation`` table (only with last year's output).
    targets : TargetSettings
        ``[targets]``.
    growth : float
        The yearly growth of 规上亩均增加值 (``[trends] target_growth``).
    micro_park_kinds : list of str
        Platform kinds that are 小微企业园 (``[flags] micro_park_kinds``).
    year : int
        The evaluation year: values after it are not shown.

    Returns
    -------
    TargetTracking
    """
    series = [
        ("VA_PER_MU", _va_series(trends)),
        *_firm_ratio_series(allocation, firm_scores, regions),
        ("MICRO_PARKS", _park_series(platforms, micro_park_kinds, year)),
    ]
    parts: list[pd.DataFrame] = []
    findings: list[Finding] = []
    final = {
        "VA_PER_MU": None,
        "LABOUR_PRODUCTIVITY": targets.labour_productivity,
        "RD_INTENSITY": targets.rd_intensity,
        "MICRO_PARKS": float(targets.micro_parks),
    }
    for target, found in series:
        if found is None or found.empty:
            continue
        table, notes = _paths(
            target,
            found.loc[found["year"] <= year],
            final=final[target],
            growth=growth,
            targets=targets,
            year=year,
        )
        parts.append(table)
        findings.extend(notes)
    if revitalisation is not None and len(revitalisation):
        parts.append(_revitalisation_rows(revitalisation, year))
    if not parts:
        return TargetTracking(pd.DataFrame(columns=TARGET_COLUMNS), findings_frame())
    out = pd.concat(parts, ignore_index=True)
    order = np.lexsort(
        (
            out["year"].to_numpy(dtype="int64"),
            out["region_id"].astype(str).to_numpy(),
            out["level"].map(_LEVEL_ORDER).to_numpy(dtype="int64"),
            out["target"].map({t: i for i, t in enumerate(TARGET_LABELS)}).to_numpy(dtype="int64"),
        )
    )
    out = out.iloc[order].reset_index(drop=True)
    out["on_track"] = pd.array(out["on_track"], dtype="boolean")
    out["base_year"] = pd.array(out["base_year"], dtype="Int64")
    for col in ("target", "level", "region_id", "note_zh"):
        out[col] = pd.array(out[col].astype(object), dtype="str")
    return TargetTracking(out[TARGET_COLUMNS], findings_frame(findings))


def path_value(
    kind: str,
    *,
    base: float,
    final: float,
    growth: float,
    year: int,
    base_year: int,
    final_year: int,
) -> float:
    """The path's value in ``year`` for a target of ``kind`` (growth, reach, keep, count)."""
    span = final_year - base_year
    if kind == "growth":
        return float(base * (1.0 + growth) ** (year - base_year))
    if kind == "reach":
        if not base > 0 or base >= final:
            return float(final)
        return float(base * (final / base) ** ((year - base_year) / span))
    if kind == "keep":
        return float(final)
    if kind == "count":
        return float(final * (year - base_year) / span)
    msg = f"unknown kind of target path {kind!r}"
    raise ValueError(msg)


# --- the regions' values ----------------------------------------------------------------


def _va_series(trends: pd.DataFrame | None) -> pd.DataFrame | None:
    """规上亩均增加值 per level, region and year, from the trends table."""
    if trends is None or not len(trends):
        return None
    rows = trends.loc[trends["level"].isin(list(_LEVEL_ORDER))]
    out = pd.DataFrame(
        {
            "level": rows["level"].astype(str).to_numpy(),
            "region_id": np.where(
                rows["level"] == CITY, CITY, rows["region_id"].astype(str).to_numpy()
            ),
            "year": rows["year"].astype("int64").to_numpy(),
            "value": pd.to_numeric(rows["va_per_mu"], errors="coerce").to_numpy(),
        }
    )
    return out.loc[out["value"].notna()]


def _firm_ratio_series(
    allocation: pd.DataFrame | None, firm_scores: pd.DataFrame | None, regions: pd.DataFrame
) -> list[tuple[str, pd.DataFrame | None]]:
    """规上全员劳动生产率 and 研发费用/营业收入 per level, region and year."""
    if allocation is None or firm_scores is None or not len(allocation):
        return [("LABOUR_PRODUCTIVITY", None), ("RD_INTENSITY", None)]
    # only the columns the two ratios use: a filter copies every column it is given
    fields = ["uscc", "year", "parcel_id", "share", "revenue", "rd_expense", "value_added"]
    is_above = (allocation["scale"].astype("string") == "above").fillna(False)
    above = allocation.loc[is_above.to_numpy(dtype=bool), [c for c in fields if c in allocation]]
    people = firm_scores[["uscc", "year", "employees"]].drop_duplicates(["uscc", "year"])
    above = above.merge(people, on=["uscc", "year"], how="left")
    share = pd.to_numeric(above["share"], errors="coerce")
    above["employees"] = pd.to_numeric(above["employees"], errors="coerce") * share
    for col in ("revenue", "rd_expense", "value_added"):
        above[col] = pd.to_numeric(above[col], errors="coerce") if col in above else np.nan
    place = regions.assign(parcel_id=regions["parcel_id"].astype("string")).drop_duplicates(
        "parcel_id"
    )
    above["parcel_id"] = above["parcel_id"].astype("string")
    above = above.merge(
        place[["parcel_id", "county_code", "platform_id"]], on="parcel_id", how="left"
    )
    return [
        ("LABOUR_PRODUCTIVITY", _ratio_by_region(above, "value_added", "employees")),
        ("RD_INTENSITY", _ratio_by_region(above, "rd_expense", "revenue")),
    ]


def _ratio_by_region(rows: pd.DataFrame, num: str, den: str) -> pd.DataFrame:
    ok = rows[num].notna() & rows[den].notna() & (rows[den] > 0)
    use = rows.loc[ok]
    parts = []
    for level, column in ((CITY, None), ("county", "county_code"), ("platform", "platform_id")):
        region = (
            pd.Series(CITY, index=use.index) if column is None else use[column].astype("string")
        )
        sums = (
            use.assign(_region=region.to_numpy(dtype=object))
            .dropna(subset=["_region"])
            .groupby(["_region", "year"])[[num, den]]
            .sum()
            .reset_index()
        )
        parts.append(
            pd.DataFrame(
                {
                    "level": level,
                    "region_id": sums["_region"].astype(str).to_numpy(),
                    "year": sums["year"].astype("int64").to_numpy(),
                    "value": (sums[num] / sums[den]).to_numpy(dtype="float64"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _park_series(
    platforms: pd.DataFrame | None, kinds: list[str], year: int
) -> pd.DataFrame | None:
    """省级认定小微园 counted in the evaluation year: the city and each county."""
    if platforms is None or not len(platforms) or "kind" not in platforms.columns:
        return None
    parks = platforms.loc[platforms["kind"].astype("string").isin(kinds).fillna(False)]
    accredited = (
        parks["accredited"].astype("string")
        if "accredited" in parks.columns
        else pd.Series(pd.NA, index=parks.index, dtype="string")
    )
    said = accredited.notna().any()
    counted = parks.loc[(accredited == _YES).fillna(False)] if said else parks
    note = "" if said else "平台图层未提供省级认定属性，按全部小微企业园计"
    county = counted["county_code"].astype("string") if "county_code" in counted else None
    rows = [(CITY, CITY, float(len(counted)))]
    if county is not None:
        every = parks["county_code"].astype("string").dropna().unique()
        counts = county.value_counts()
        rows += [("county", str(c), float(counts.get(c, 0))) for c in sorted(every)]
    out = pd.DataFrame(rows, columns=["level", "region_id", "value"]).assign(year=year)
    return out.assign(note_zh=note)


# --- paths --------------------------------------------------------------------------------


def _paths(
    target: str,
    values: pd.DataFrame,
    *,
    final: float | None,
    growth: float,
    targets: TargetSettings,
    year: int,
) -> tuple[pd.DataFrame, list[Finding]]:
    """Rows from the base year to the final year for every region of one target."""
    kind = _KIND[target]
    rows = []
    findings = []
    name = TARGET_LABELS[target]["zh"]
    for (level, region), own in values.groupby(["level", "region_id"], sort=False):
        by_year = own.set_index("year")["value"]
        base_year, note = _base_year(kind, by_year, targets.base_year)
        if base_year is None:
            continue
        base = float(by_year.get(base_year, np.nan))
        if kind == "growth":
            final_value = path_value(
                kind,
                base=base,
                final=0.0,
                growth=growth,
                year=targets.final_year,
                base_year=base_year,
                final_year=targets.final_year,
            )
        else:
            final_value = float(final) if final is not None else np.nan
        # counties and platforms share the city's yearly and level targets, not its count
        has_target = kind != "count" or level == CITY
        extra = str(own["note_zh"].iloc[0]) if "note_zh" in own and own["note_zh"].iloc[0] else ""
        words = "；".join(w for w in (note, extra) if w)
        for y in range(base_year, targets.final_year + 1):
            value = float(by_year.get(y, np.nan)) if y <= year else np.nan
            path = (
                path_value(
                    kind,
                    base=base,
                    final=final_value,
                    growth=growth,
                    year=y,
                    base_year=base_year,
                    final_year=targets.final_year,
                )
                if has_target
                else np.nan
            )
            starts = kind in ("growth", "reach") and y == base_year
            on_track = (
                None
                if np.isnan(value) or np.isnan(path) or starts
                else bool(value >= path - 1e-9 * max(abs(path), 1.0))
            )
            rows.append(
                (
                    target,
                    level,
                    region,
                    y,
                    value,
                    path,
                    final_value if has_target else np.nan,
                    on_track,
                    base_year,
                    base,
                    words,
                )
            )
        if note and level == CITY:
            findings.append(
                Finding(
                    "info",
                    "TARGET_BASE_YEAR",
                    "config",
                    target,
                    "targets.base_year",
                    f"{name}：{note}（目标路径从该年算起）",
                    "如有基年数据，请在税收表、产出表中补充该年度",
                )
            )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS), findings


def _base_year(kind: str, by_year: pd.Series, configured: int) -> tuple[int | None, str]:
    """The base year of one region's path, and a note when it is not the configured one."""
    if kind in ("keep", "count"):
        return configured, ""
    known = by_year.dropna()
    if configured in known.index:
        return configured, ""
    later = sorted(int(y) for y in known.index if int(y) > configured)
    if not later:
        return None, ""
    return later[0], f"{configured}年无数据，以{later[0]}年为基年"


def _revitalisation_rows(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """盘活 against the yearly target of the city and of counties that have one."""
    rows = table.loc[table["target_mu"].notna() & table["level"].isin([CITY, "county"])]
    closed = pd.to_numeric(rows["closed_mu"], errors="coerce")
    target = pd.to_numeric(rows["target_mu"], errors="coerce")
    return pd.DataFrame(
        {
            "target": "REVITALISATION",
            "level": rows["level"].to_numpy(dtype=object),
            "region_id": rows["region_id"].to_numpy(dtype=object),
            "year": year,
            "value": closed.to_numpy(dtype="float64"),
            "target_value": target.to_numpy(dtype="float64"),
            "final_target": target.to_numpy(dtype="float64"),
            "on_track": (closed >= target).to_numpy(dtype=bool),
            "base_year": None,
            "base_value": np.nan,
            "note_zh": "上年清单中已验收、已销号的面积（亩）",
        }
    )

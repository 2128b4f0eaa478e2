"""Checks of any layer's values: keys, allowed values, impossible values, county codes.

Each check takes one frame (and its canonical layer name) and returns its findings; the
layers and columns each rule applies to are listed here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from landeval.config import Config
from landeval.findings import concat_findings, findings_frame
from landeval.inputs.model import (
    ALLOWED_VALUES,
    AMOUNT_COLUMNS,
    REQUIRED_LAYERS,
    SCHEMAS,
    SOURCE_ROW,
)
from landeval.validate._rows import FIRM_YEAR_LAYERS, KEYS, finding_rows, ids_where
from landeval.vocabulary import COLUMNS

MIN_YEAR, MAX_YEAR = 1949, 2100
"""Bounds of a plausible year in any table."""

# Columns where a negative value is impossible (error) or only suspicious (warning).
_NEVER_NEGATIVE: dict[str, tuple[str, ...]] = {
    "parcels": ("registered_area_m2", "floor_area_m2"),
    "firm_tax": ("electricity_kwh",),
    "firm_output": ("revenue", "rd_expense", "energy_tce", "emissions_eq", "employees"),
    "occupancy": ("area_m2",),
}
# Negative tax or value added is a plausibility warning (landeval.validate.plausibility).
_NEGATIVE_SUSPICIOUS: dict[str, tuple[str, ...]] = {}
_YEAR_COLUMNS: dict[str, tuple[str, ...]] = {
    "parcels": ("built_year",),
    "firms": ("start_year",),
    "firm_tax": ("year",),
    "firm_output": ("year",),
    "occupancy": ("from_year", "to_year"),
    "veto": ("year",),
}


def check_keys(
    frame: pd.DataFrame,
    *,
    layer: str,
    key: Sequence[str] | None = None,
    duplicates: str = "error",
) -> pd.DataFrame:
    """Missing and duplicate keys (error).

    Keys: parcel_id, uscc in firms, platform_id, change_id, and (uscc, year) in the
    firm-year tables and the negative list. ``duplicates`` is the severity of a duplicate
    (the negative list uses "info": a firm may be vetoed for two reasons in one year).
    """
    if key is None:
        main = KEYS.get(layer)
        if main is None or layer == "occupancy":
            return findings_frame()
        key = [main, "year"] if layer in FIRM_YEAR_LAYERS else [main]
    key = [k for k in key if k in frame.columns]
    if not key:
        return findings_frame()
    missing = frame[key[0]].isna()
    dup = frame.duplicated(subset=key, keep=False) & ~missing
    dup_msgs: list[str] = []
    if dup.any():
        sizes = frame.groupby(key, dropna=False)[key[0]].transform("size")[dup]
        # A missing part of a key (a blank year) reads "空" rather than breaking the join.
        dup_keys = frame.loc[dup, key].astype("str").fillna("空").agg("/".join, axis=1)
        dup_msgs = [f"{k} 出现 {n} 次" for k, n in zip(dup_keys, sizes, strict=True)]
    return concat_findings(
        finding_rows(
            "error",
            "KEY_MISSING",
            layer,
            ids_where(frame, layer, missing),
            key[0],
            f"{key[0]} 为空",
            "每行都需要该编码",
        ),
        finding_rows(
            duplicates,
            "DUPLICATE_KEY",
            layer,
            ids_where(frame, layer, dup),
            "/".join(key),
            dup_msgs,
            "编码应唯一: 请合并或更正重复的行",
        ),
    )


def check_allowed(frame: pd.DataFrame, *, layer: str) -> pd.DataFrame:
    """Values outside the allowed set (:data:`landeval.inputs.model.ALLOWED_VALUES`), error."""
    parts = []
    for (lay, col), allowed in ALLOWED_VALUES.items():
        if lay != layer or col not in frame.columns:
            continue
        values = frame[col]
        bad = ~values.isin(allowed)
        if col in SCHEMAS.get(layer, {}).get("optional", {}):
            bad &= values.notna()  # an optional column may be left blank (e.g. 省级认定)
        parts.append(
            finding_rows(
                "error",
                "VALUE_NOT_ALLOWED",
                layer,
                ids_where(frame, layer, bad),
                col,
                [f"{col} = {v!r} 不在允许值 {list(allowed)} 中" for v in values[bad]],
                "请更正该值 (中文别名如 规上/规下、自有/租赁、改/补 也可识别)",
            )
        )
    return concat_findings(*parts)


def check_values(frame: pd.DataFrame, *, layer: str) -> pd.DataFrame:
    """Negative and impossible values.

    Negative areas, energy… (error), years outside 1949–2100 (error), built or start years
    in the future (warning). Negative tax or value added: :mod:`.plausibility`.
    """
    parts = []
    negative_rules = (
        (_NEVER_NEGATIVE, "error", ", 不可能", "请更正该值"),
        (_NEGATIVE_SUSPICIOUS, "warning", "", "如为退税或亏损请忽略, 否则请更正"),
    )
    for columns, severity, remark, suggestion in negative_rules:
        for col in columns.get(layer, ()):
            if col not in frame.columns:
                continue
            neg = frame[col] < 0
            parts.append(
                finding_rows(
                    severity,
                    "VALUE_NEGATIVE",
                    layer,
                    ids_where(frame, layer, neg),
                    col,
                    [f"{col} 为负数 ({v:g}){remark}" for v in frame.loc[neg.fillna(False), col]],
                    suggestion,
                )
            )
    this_year = pd.Timestamp.now().year
    for col in _YEAR_COLUMNS.get(layer, ()):
        if col not in frame.columns:
            continue
        years = frame[col].astype("Float64")
        out_of_range = (years < MIN_YEAR) | (years > MAX_YEAR)
        parts.append(
            finding_rows(
                "error",
                "YEAR_IMPOSSIBLE",
                layer,
                ids_where(frame, layer, out_of_range),
                col,
                [f"{col} = {v} 不是合理年份" for v in frame.loc[out_of_range.fillna(False), col]],
                "请更正该年份",
            )
        )
        if col in {"built_year", "start_year"}:
            future = (years > this_year) & ~out_of_range
            parts.append(
                finding_rows(
                    "warning",
                    "YEAR_IN_FUTURE",
                    layer,
                    ids_where(frame, layer, future),
                    col,
                    [f"{col} = {v} 晚于今年" for v in frame.loc[future.fillna(False), col]],
                    "请核对",
                )
            )
    if layer == "occupancy" and {"from_year", "to_year"} <= set(frame.columns):
        reversed_ = frame["from_year"] > frame["to_year"]
        parts.append(
            finding_rows(
                "error",
                "YEAR_RANGE_REVERSED",
                layer,
                ids_where(frame, layer, reversed_),
                "from_year",
                "起始年份晚于终止年份",
                "请更正起止年份",
            )
        )
    return concat_findings(*parts)


def check_missing_amounts(frame: pd.DataFrame, *, layer: str) -> pd.DataFrame:
    """Blank amounts of a firm-year table, one warning per cell: missing, never 0 (DESIGN §5).

    A cell left blank or written "—", "/", "暂无"… (:data:`landeval.inputs.text.MISSING_TOKENS`)
    is a missing amount; the finding names the row of the file, the firm and the year. A
    column the file does not give at all (every cell missing) is one note instead.
    Rows without a firm code are KEY_MISSING already.
    """
    parts = []
    keyed = frame["uscc"].notna() if "uscc" in frame.columns else None
    if keyed is None:
        return findings_frame()
    for col in AMOUNT_COLUMNS.get(layer, ()):
        if col not in frame.columns or not len(frame):
            continue
        missing = frame[col].isna()
        name = COLUMNS[col].zh if col in COLUMNS else col
        if missing.all():
            parts.append(
                finding_rows(
                    "info",
                    "AMOUNT_COLUMN_EMPTY",
                    layer,
                    [None],
                    col,
                    f"{name} ({col}) 一列全部为空或未提供: 按缺失处理, 相关指标不参与计算",
                    "如有该数据, 请补充该列",
                )
            )
            continue
        rows = missing & keyed
        if not rows.any():
            continue
        at = frame.loc[rows.fillna(False)]
        where = (
            "第 " + at[SOURCE_ROW].astype("str") + " 行:"
            if SOURCE_ROW in frame.columns
            else pd.Series("", index=at.index)
        )
        years = at["year"].astype("str") if "year" in frame.columns else pd.Series("?", at.index)
        messages = [
            f"{w} 企业 {u} {y} 年的{name} ({col}) 为空: 按缺失处理, 不按 0 计"
            for w, u, y in zip(where, at["uscc"].astype("str"), years, strict=True)
        ]
        parts.append(
            finding_rows(
                "warning",
                "AMOUNT_MISSING",
                layer,
                ids_where(frame, layer, rows),
                col,
                messages,
                "请补充该数值; 确为 0 时请填写 0",
            )
        )
    return concat_findings(*parts)


def check_county_codes(frame: pd.DataFrame, *, layer: str, config: Config) -> pd.DataFrame:
    """County codes unknown to the city (warning), legacy codes (info), missing (warning)."""
    if "county_code" not in frame.columns:
        return findings_frame()
    codes = frame["county_code"]
    known = set(config.project.counties)
    legacy = config.project.legacy_counties
    is_legacy = codes.isin(list(legacy))
    unknown = codes.notna() & ~codes.isin(list(known)) & ~is_legacy
    city = config.project.city
    return concat_findings(
        finding_rows(
            "warning",
            "COUNTY_UNKNOWN",
            layer,
            ids_where(frame, layer, unknown),
            "county_code",
            [f"行政区划代码 {c} 不属于{city}" for c in codes[unknown]],
            f"已知代码: {', '.join(sorted(known))}; 可在 [project.counties] 中补充",
        ),
        finding_rows(
            "info",
            "COUNTY_LEGACY",
            layer,
            ids_where(frame, layer, is_legacy),
            "county_code",
            [f"行政区划代码 {c} 为旧代码 ({legacy[c]})" for c in codes[is_legacy]],
            "按旧代码保留; 建议更新为现行代码",
        ),
        finding_rows(
            "warning",
            "COUNTY_MISSING",
            layer,
            ids_where(frame, layer, codes.isna()),
            "county_code",
            "行政区划代码为空",
            "请补充 6 位行政区划代码",
        ),
    )


def check_empty(tables: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Required layers and tables that hold no rows at all (error)."""
    empty = [
        layer
        for layer in REQUIRED_LAYERS
        if (frame := tables.get(layer)) is not None and len(frame) == 0
    ]
    return concat_findings(
        *(
            finding_rows(
                "error",
                "LAYER_EMPTY",
                layer,
                [None],
                None,
                f"必需的图层/表 {layer} 没有任何数据行或要素",
                "请检查导出的文件是否完整, 或 landeval.toml 中的图层名 (#图层) 是否正确",
            )
            for layer in empty
        )
    )

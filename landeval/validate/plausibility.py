"""Plausibility bounds on the firm-year amounts, in two tiers (DESIGN §5, ``[plausibility]``).

Beyond a warning bound a value is a warning finding naming its row: it is still used, and it
is listed in the store's ``suspect_values`` table (:data:`SUSPECT_COLUMNS`), which the
treatments read to mark a decision it drives 需核实. Beyond an error bound it is an error
finding, and the run stops with the rows named.

- tax of one firm-year above ``tax_warning_yuan`` / ``tax_error_yuan`` (10^10 / 10^12 元);
  value added above ``value_added_warning_yuan`` / ``value_added_error_yuan``;
- negative tax or value added (a refund, a loss: possible, worth a look): warning;
- an amount ``jump_factor`` times (×100) its value in the firm's previous year, or a
  hundredth of it: warning on the larger of the two, the one out of line upwards (a unit
  slip, a digit too many);
- 亩均税收 above ``tax_per_mu_warning`` / ``tax_per_mu_error`` (1,000 / 50,000 万元/亩). It
  needs the firm's land, known after the land stage: :func:`check_tax_per_mu` takes the
  firm-year table with land and is called by :func:`landeval.stages.score`.

Non-finite numbers are errors where they are read (:mod:`landeval.inputs.canonical`).
The row checks (:func:`check_amounts`) run with the other input checks, so that
``landeval validate`` reports them; :func:`suspect_values` gathers every warning of both.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from landeval._arrow import shared_codes, text_array
from landeval.config import PlausibilitySettings
from landeval.errors import DataError
from landeval.findings import FINDING_COLUMNS, concat_findings, findings_frame, has_errors
from landeval.inputs.model import AMOUNT_COLUMNS, RESULT_COLUMNS, SOURCE_ROW
from landeval.vocabulary import COLUMNS

SUSPECT_COLUMNS: list[str] = RESULT_COLUMNS["suspect_values"]
"""Columns of the ``suspect_values`` table: one row per firm-year value beyond a warning bound."""

_YUAN_PER_WAN = 1e4
_HIT_COLUMNS = ["uscc", "year", "field", "code", "severity", "message", "suggestion", "row"]


def check_amounts(
    frame: pd.DataFrame, *, layer: str, settings: PlausibilitySettings
) -> pd.DataFrame:
    """The row bounds of one firm-year table (firm_tax or firm_output), as findings.

    Parameters
    ----------
    frame : DataFrame
        Canonical firm_tax or firm_output (money in 万元), with ``source_row`` when read
        from a file.
    layer : {"firm_tax", "firm_output"}
        Which table.
    settings : PlausibilitySettings
        ``[plausibility]``.

    Returns
    -------
    DataFrame
        Findings: warnings and errors, each naming the firm-year (row id ``uscc/year``),
        the field and the file row.
    """
    return _as_findings(_amount_hits(frame, layer=layer, settings=settings), layer)


def check_tax_per_mu(
    firm_years: pd.DataFrame,
    settings: PlausibilitySettings,
    *,
    sources: Mapping[str, str | Path] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """亩均税收 of each firm-year against its bounds.

    Parameters
    ----------
    firm_years : DataFrame
        One row per firm-year: uscc, year, tax (万元) and ``land_mu`` or ``tax_per_mu``
        (firm_scores has both). Rows without land or tax are skipped.
    settings : PlausibilitySettings
        ``[plausibility]``.
    sources : mapping, optional
        Input layer → file, to name the tax file in the messages.

    Returns
    -------
    (DataFrame, DataFrame)
        The findings (warnings and errors), and the suspect_values rows of the warnings.
    """
    hits = _per_mu_hits(firm_years, settings)
    findings = _as_findings(hits, "firm_tax")
    if sources and "firm_tax" in sources and len(findings):
        name = Path(sources["firm_tax"]).name
        findings["message"] = findings["message"] + f" (文件 {name})"
    return findings, _as_suspects(hits)


def suspect_values(
    firm_tax: pd.DataFrame | None,
    firm_output: pd.DataFrame | None,
    firm_years: pd.DataFrame | None,
    settings: PlausibilitySettings,
) -> pd.DataFrame:
    """Every firm-year value beyond a warning bound: the ``suspect_values`` table.

    Rows of :data:`SUSPECT_COLUMNS`, sorted by uscc, year and field; empty (with its
    columns) when every value is within its bounds. Values beyond an error bound are not
    listed: they stop the run.
    """
    hits = [
        _amount_hits(firm_tax, layer="firm_tax", settings=settings),
        _amount_hits(firm_output, layer="firm_output", settings=settings),
    ]
    if firm_years is not None:
        hits.append(_per_mu_hits(firm_years, settings))
    return _as_suspects(pd.concat(hits, ignore_index=True))


def bound_scores(
    firm_tax: pd.DataFrame | None,
    firm_output: pd.DataFrame | None,
    firm_scores: pd.DataFrame,
    settings: PlausibilitySettings,
    *,
    sources: Mapping[str, str | Path] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scoring stage's check: 亩均税收 bounds, and the suspect_values table.

    Parameters
    ----------
    firm_tax, firm_output : DataFrame or None
        The canonical input tables.
    firm_scores : DataFrame
        The firm-years with their land (uscc, year, tax, land_mu, tax_per_mu).
    settings : PlausibilitySettings
        ``[plausibility]``.
    sources : mapping, optional
        Input layer → file, for the messages.

    Returns
    -------
    (DataFrame, DataFrame)
        suspect_values (:func:`suspect_values`) and the per-mu warning findings.

    Raises
    ------
    DataError
        A firm-year's 亩均税收 is beyond its error bound; the findings name the rows.
    """
    findings, _ = check_tax_per_mu(firm_scores, settings, sources=sources)
    if has_errors(findings):
        n = int((findings["severity"] == "error").sum())
        msg = (
            f"{n} 个企业-年度的亩均税收超出上限 {settings.tax_per_mu_error:,.0f} 万元/亩, 请核对"
            f"税收金额、单位和用地面积 / {n} firm-year(s) beyond the 亩均税收 error bound"
        )
        raise DataError(msg, findings=findings)
    table = suspect_values(firm_tax, firm_output, firm_scores, settings)
    return table, findings


# --- detection ----------------------------------------------------------------------------

_USED = ": 仍按此值计算, 相关处置标为需核实"


def _amount_hits(
    frame: pd.DataFrame | None, *, layer: str, settings: PlausibilitySettings
) -> pd.DataFrame:
    if frame is None or not len(frame) or "uscc" not in frame.columns:
        return _no_hits()
    keyed = frame[frame["uscc"].notna() & frame["year"].notna()]
    parts = []
    bounds = {
        "tax": (settings.tax_warning_yuan, settings.tax_error_yuan),
        "value_added": (settings.value_added_warning_yuan, settings.value_added_error_yuan),
    }
    for col, (warn_yuan, error_yuan) in bounds.items():
        if col not in keyed.columns:
            continue
        yuan = keyed[col].to_numpy(dtype="float64", na_value=np.nan) * _YUAN_PER_WAN
        name = _name(col)
        for severity, at, bound, tail in (
            ("error", yuan > error_yuan, error_yuan, ""),
            ("warning", (yuan > warn_yuan) & (yuan <= error_yuan), warn_yuan, _USED),
        ):
            pos = np.flatnonzero(at)
            what = "上限" if severity == "error" else "合理范围"
            messages = [
                f"{name} {_num(yuan[i] / _YUAN_PER_WAN)} 万元 (合 {yuan[i]:.3g} 元) 超过一家企业"
                f"一年的{what} {bound:.3g} 元{tail}"
                for i in pos
            ]
            parts.append(
                _hits(
                    keyed,
                    pos,
                    col,
                    f"{col.upper()}_ABOVE_BOUND",
                    severity,
                    messages,
                    "请核对该数值及其单位 (元/万元); 确认无误可在 [plausibility] 中调整界限",
                )
            )
        pos = np.flatnonzero(yuan < 0)
        parts.append(
            _hits(
                keyed,
                pos,
                col,
                "VALUE_NEGATIVE",
                "warning",
                [f"{name}为负数 ({_num(yuan[i] / _YUAN_PER_WAN)} 万元){_USED}" for i in pos],
                "如为退税或亏损请忽略, 否则请更正",
            )
        )
    columns = [col for col in AMOUNT_COLUMNS.get(layer, ()) if col in keyed.columns]
    if columns:
        years = _FirmYears(keyed)
        parts.extend(_jump_hits(keyed, col, settings.jump_factor, years) for col in columns)
    return pd.concat(parts, ignore_index=True) if parts else _no_hits()


class _FirmYears:
    """The rows of a firm-year table in (uscc, year) order: one sort for every amount column.

    ``order`` lists the row positions sorted by uscc then year (ties in row order, a stable
    sort); ``firm`` and ``year`` are each row's firm code and year in that order. The firm
    codes come from one dictionary encoding of the uscc column: sorting and grouping by
    the texts for each column cost a second per column at a million firms.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        (firm,), _ = shared_codes(text_array(frame["uscc"]))
        year = frame["year"].to_numpy(dtype="float64", na_value=np.nan)
        # Which firm sorts first does not matter (each firm's rows are compared among
        # themselves); within a firm the rows run by year, ties in row order.
        self.order = np.lexsort((year, firm))
        self.firm = firm[self.order]
        self.year = year[self.order]


def _jump_hits(frame: pd.DataFrame, col: str, factor: float, years: _FirmYears) -> pd.DataFrame:
    """The larger of two consecutive years of a firm whose ratio is ``factor`` or more."""
    value = frame[col].to_numpy(dtype="float64", na_value=np.nan)[years.order]
    keep = np.isfinite(value) & (value > 0)
    if not keep.any():
        return _no_hits()
    # Each kept row against the kept row before it of the same firm (the year before,
    # when that row is of the year before).
    firm, year, value = years.firm[keep], years.year[keep], value[keep]
    at_pos = years.order[keep]
    pair = np.zeros(len(value), dtype=bool)
    pair[1:] = (firm[1:] == firm[:-1]) & (year[:-1] == year[1:] - 1)
    prev = np.r_[np.nan, value[:-1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = value / prev
    up = pair & (ratio >= factor)
    down = pair & (ratio <= 1 / factor)
    name, unit = _name(col), _unit(col)
    found: dict[int, str] = {}
    for i in np.flatnonzero(up | down):
        cur = (year[i], value[i], at_pos[i])
        before = (year[i - 1], value[i - 1], at_pos[i - 1])
        (_, big, at), (other_year, other, _), where = (
            (cur, before, "上一年") if up[i] else (before, cur, "下一年")
        )
        found.setdefault(  # a spike between two years: named once, against the year before
            int(at),
            f"{name} {_num(big)}{unit} 是{where} ({int(other_year)} 年, {_num(other)}{unit}) 的"
            f" {big / other:,.0f} 倍{_USED}",
        )
    pos = np.array(sorted(found), dtype=np.int64)
    return _hits(
        frame,
        pos,
        col,
        "AMOUNT_JUMP",
        "warning",
        [found[int(i)] for i in pos],
        "请核对这两个年度的数值及单位; 确认无误可忽略",
    )


def _per_mu_hits(firm_years: pd.DataFrame | None, settings: PlausibilitySettings) -> pd.DataFrame:
    if firm_years is None or not len(firm_years):
        return _no_hits()
    frame = firm_years[firm_years["uscc"].notna() & firm_years["year"].notna()]
    tax = frame["tax"].to_numpy(dtype="float64", na_value=np.nan)
    land = (
        frame["land_mu"].to_numpy(dtype="float64", na_value=np.nan)
        if "land_mu" in frame.columns
        else np.full(len(frame), np.nan)
    )
    if "tax_per_mu" in frame.columns:
        per_mu = frame["tax_per_mu"].to_numpy(dtype="float64", na_value=np.nan)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            per_mu = np.where(land > 0, tax / land, np.nan)
    per_mu = np.where(np.isfinite(per_mu), per_mu, np.nan)
    out = []
    for severity, at, bound, tail in (
        ("error", per_mu > settings.tax_per_mu_error, settings.tax_per_mu_error, ""),
        (
            "warning",
            (per_mu > settings.tax_per_mu_warning) & (per_mu <= settings.tax_per_mu_error),
            settings.tax_per_mu_warning,
            _USED,
        ),
    ):
        pos = np.flatnonzero(at)
        what = "上限" if severity == "error" else "合理范围"
        messages = [
            f"亩均税收 {_num(per_mu[i])} 万元/亩 (税收 {_num(tax[i])} 万元 / 用地"
            f" {_num(land[i])} 亩) 超过{what} {bound:,.0f} 万元/亩{tail}"
            for i in pos
        ]
        out.append(
            _hits(
                frame,
                pos,
                "tax_per_mu",
                "TAX_PER_MU_ABOVE_BOUND",
                severity,
                messages,
                "请核对该企业的税收金额和单位, 以及它的用地面积 (用地关系表)",
            )
        )
    return pd.concat(out, ignore_index=True)


# --- rows of findings and of suspect_values ----------------------------------------------


def _hits(  # noqa: PLR0917 - one positional per part of a hit, in the order of its columns
    frame: pd.DataFrame,
    positions: np.ndarray,
    field: str,
    code: str,
    severity: str,
    messages: list[str],
    suggestion: str,
) -> pd.DataFrame:
    """One hit per row of ``frame`` at ``positions``."""
    if not len(positions):
        return _no_hits()
    sub = frame.iloc[positions]
    rows = (
        sub[SOURCE_ROW].astype("str").to_numpy()
        if SOURCE_ROW in sub.columns
        else np.full(len(positions), "", dtype=object)
    )
    return pd.DataFrame(
        {
            "uscc": sub["uscc"].astype("str").to_numpy(),
            "year": sub["year"].to_numpy(dtype="float64", na_value=np.nan).astype("int64"),
            "field": field,
            "code": code,
            "severity": severity,
            "message": messages,
            "suggestion": suggestion,
            "row": rows,
        },
        columns=_HIT_COLUMNS,
    )


def _no_hits() -> pd.DataFrame:
    return pd.DataFrame(columns=_HIT_COLUMNS)


def _as_findings(hits: pd.DataFrame, layer: str) -> pd.DataFrame:
    if hits.empty:
        return findings_frame()
    where = [
        f"第 {r} 行: 企业 {u} {y} 年的" if r else f"企业 {u} {y} 年的"
        for r, u, y in zip(hits["row"], hits["uscc"], hits["year"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            "severity": hits["severity"].to_numpy(),
            "code": hits["code"].to_numpy(),
            "layer": layer,
            "row_id": (hits["uscc"] + "/" + hits["year"].astype("str")).to_numpy(),
            "field": hits["field"].to_numpy(),
            "message": [w + m for w, m in zip(where, hits["message"], strict=True)],
            "suggestion": hits["suggestion"].to_numpy(),
        },
        columns=FINDING_COLUMNS,
    )
    return concat_findings(frame.astype("object"))


def _as_suspects(hits: pd.DataFrame) -> pd.DataFrame:
    warnings = hits[hits["severity"] == "warning"]
    table = pd.DataFrame(
        {
            col: pd.Series(warnings[src].to_numpy(), dtype="int64" if col == "year" else "str")
            for col, src in zip(
                SUSPECT_COLUMNS,
                ["uscc", "year", "field", "code", "severity", "message"],
                strict=True,
            )
        },
        columns=SUSPECT_COLUMNS,
    )
    return table.sort_values(["uscc", "year", "field"], kind="stable").reset_index(drop=True)


def _name(col: str) -> str:
    return COLUMNS[col].zh if col in COLUMNS else col


def _unit(col: str) -> str:
    column = COLUMNS.get(col)
    unit = column.unit_text("zh") if column is not None else ""
    return f" {unit}" if unit else ""


def _num(value: float) -> str:
    """A number for a sentence: thousands separated, at most two decimals, huge ones in e."""
    if not np.isfinite(value):
        return "—"
    if abs(value) >= 1e9:
        return f"{value:.3g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")

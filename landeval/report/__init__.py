"""``report.html``: the one page a department head reads before a meeting.

A single self-contained HTML file that prints on one A4 page: a conclusion, the headline
figures (规上亩均税收 and 亩均增加值 among them), the counties and the platforms ranked
(定期评价晾晒、比学赶超), the class mix, the path of value added per mu against the plan's
target, and the largest parcels on the action list. Each figure is shown once, in a table
or in the one chart (the path over the years, which no table repeats); numbers keep one
number of decimals per kind (亩 1, 万元/亩 2, percentages 1). The data date and, for the
embedded demo, a mark that the figures are synthetic stand at the top. Inline CSS and SVG,
no scripts, no fonts, images or styles fetched from anywhere; Jinja2 autoescaping escapes
any text from the inputs (firm, platform and county names).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2
import pandas as pd

from landeval._atomic import atomic_path
from landeval._format import format_number
from landeval._version import __version__
from landeval.config import Config
from landeval.report._decisions import measure_lines, measure_title, review_text
from landeval.report._figures import PLATFORMS_SHOWN, TOP_PARCELS, Figures, report_figures
from landeval.report._monitoring import monitoring_figures
from landeval.report._svg import line_chart
from landeval.review.shown import with_final_parcels
from landeval.vocabulary import (
    DECISION_COLORS,
    REVIEW_REPORT,
    SYNTHETIC_NOTE,
    TOTAL,
    UNITS,
    YES_NO,
    Language,
    column_header,
)

__all__ = ["report_figures", "write_report"]

_LINE_COLOURS: tuple[str, ...] = (
    "#000000",
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
)

COLUMN_KEYS: tuple[str, ...] = (
    "ranking",
    "county_name",
    "above_tax_per_mu",
    "above_va_per_mu",
    "tax_per_mu",
    "va_per_mu",
    "va_cagr",
    "meets_target",
    "industrial_area_mu",
    "low_eff_area_mu",
    "low_eff_share",
    "balance_mu",
    "platform_name",
    "tier",
    "class",
    "n_firms",
    "share",
    "land_mu",
    "parcel_id",
    "area_mu",
    "main_name",
    "treatment_name",
    "reason_zh",
)
"""The columns of the report's tables: their headers are the vocabulary's."""

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{city}工业用地亩均效益评价报告（{year}年度）",
        "sub": "评价年度 {year} · 数据日期 {date} · 由 landeval {version} 生成",
        "conclusion": "结论",
        "parcels": "评价宗地",
        "area": "工业用地",
        "firms": "参评企业",
        "firms_all": "企业总数",
        "tax": "规上亩均税收",
        "va": "规上亩均增加值",
        "action": "低效用地（四个一批）",
        "balanced": "改一补一平衡的县（市、区）",
        "treatments": "四个一批",
        "counties": "一、各县（市、区）比学赶超（按规上亩均增加值排名）",
        "platforms": "二、产业平台比学赶超（按亩均增加值排名）",
        "platforms_more": (
            "共 {n} 个平台，此处列前 {k} 名和后 {k} 名；全部见 actions.xlsx“平台汇总”。"
        ),
        "classes": "三、企业分类（亩均论英雄）",
        "trend": "四、规上亩均增加值走势（万元/亩）与年均增长 {target} 目标",
        "top": "五、面积最大的处置宗地（前 {n} 宗，全部见 actions.xlsx）",
        "target_line": "目标路径（全市）",
        "parcel_unit": "宗",
        "firm_unit": "家",
        "none": "无数据",
        "ok": "平衡",
        "short": "缺口",
        "note": (
            "说明：低效用地指列入“四个一批”处置清单（拆除重建、整治提升、功能转型、关停退出）"
            "的宗地；县（市、区）与全市的亩均税收、亩均增加值为规上工业企业口径，平台为平台内"
            "全部企业口径；面积按 1 亩 = 10000/15 平方米计；金额单位万元。"
        ),
    },
    "en": {
        "title": "{city} industrial land per-mu evaluation ({year})",
        "sub": "evaluation year {year} · data date {date} · made by landeval {version}",
        "conclusion": "Conclusion",
        "parcels": "Parcels evaluated",
        "area": "Industrial land",
        "firms": "Firms evaluated",
        "firms_all": "firms in all",
        "tax": "Tax per mu, above scale",
        "va": "Value added per mu, above scale",
        "action": "Low-efficiency land (four lists)",
        "balanced": "Counties where conversion is compensated",
        "treatments": "Four lists",
        "counties": "1. Counties ranked by value added per mu (above-scale firms)",
        "platforms": "2. Platforms ranked by value added per mu",
        "platforms_more": "{n} platforms: the first {k} and the last {k}; all in actions.xlsx.",
        "classes": "3. Firm classes",
        "trend": "4. Value added per mu of above-scale firms (10k yuan/mu) against {target} a year",
        "top": "5. Largest parcels on the action list (first {n}; all in actions.xlsx)",
        "target_line": "Target path (city)",
        "parcel_unit": "parcels",
        "firm_unit": "firms",
        "none": "no data",
        "ok": "balanced",
        "short": "short",
        "note": (
            "Low-efficiency land is land on the four lists (rebuild, upgrade, change of use, "
            "exit). County and city figures per mu count above-scale firms; a platform's, all "
            "its firms. 1 mu = 10000/15 m²; money in 10k yuan."
        ),
    },
}


def write_report(
    results: Mapping[str, pd.DataFrame | None],
    path: str | Path,
    *,
    lang: str = "zh",
    year: int,
    config: Config,
) -> Path:
    """Write ``report.html`` atomically.

    Parameters
    ----------
    results : mapping of str to DataFrame
        Result tables by name (``parcel_eval``, ``firm_scores``, ``balance_ledger``,
        ``trends``); missing ones give sections that say there is no data.
    path : path-like
        The HTML file to write.
    lang : {"zh", "en"}
        Language of the page.
    year : int
        Evaluation year.
    config : Config
        The run's configuration (city, county names, growth target).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    html = render_report(results, lang=lang, year=year, config=config)
    with atomic_path(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path


def render_report(
    results: Mapping[str, pd.DataFrame | None], *, lang: str = "zh", year: int, config: Config
) -> str:
    """The report as an HTML string (what :func:`write_report` writes)."""
    results = with_final_parcels(results)  # type: ignore[assignment]  # the final decisions
    # last year's comparison (DESIGN §11) takes room: fewer parcels and platforms listed then
    monitoring = monitoring_figures(results, year=year, lang=lang)
    compact = monitoring is not None and bool(monitoring.lines)
    top, shown = (_COMPACT_TOP, _COMPACT_PLATFORMS) if compact else (TOP_PARCELS, PLATFORMS_SHOWN)
    figures = report_figures(
        results, year=year, config=config, lang=lang, top_parcels=top, platforms_shown=shown
    )
    text = {**TEXT.get(lang, TEXT["zh"]), **_shared_words(lang)}  # type: ignore[arg-type]
    target = format_number(figures.target_growth, 1, percent=True)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("landeval.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mu"] = _fmt_mu
    env.filters["pct"] = _fmt_pct
    env.filters["int"] = _fmt_int
    env.filters["signed"] = _fmt_signed
    env.filters["money"] = _fmt_per_mu
    template = env.get_template("report.html.j2")
    half = shown // 2
    return template.render(
        lang=lang,
        t=text,
        c={key: column_header(key, lang) for key in COLUMN_KEYS},  # type: ignore[arg-type]
        title=text["title"].format(city=config.project.city, year=year),
        sub=text["sub"].format(year=year, date=figures.data_date, version=__version__),
        synthetic=SYNTHETIC_NOTE.get(lang, SYNTHETIC_NOTE["zh"]) if figures.synthetic else "",
        trend_title=text["trend"].format(target=target),
        top_title=text["top"].format(n=top),
        platforms_more=text["platforms_more"].format(n=figures.platform_count, k=half)
        if figures.platform_count > shown
        else "",
        year=year,
        f=figures,
        m=monitoring,  # year over year (DESIGN §11)
        colours=DECISION_COLORS,
        review=review_text(results, lang),  # type: ignore[arg-type]
        review_title=REVIEW_REPORT["title"][lang],  # type: ignore[index]
        measures=measure_lines(results, lang),  # type: ignore[arg-type]
        measure_title=measure_title(results, lang),  # type: ignore[arg-type]
        chart=_trend_chart(figures, text),
    )


_COMPACT_TOP = 3  # largest listed parcels shown beside last year's comparison
_COMPACT_PLATFORMS = 6  # platforms shown then (the first and the last three)


def _shared_words(lang: Language) -> dict[str, str]:
    """The report's words that every output shares, from the vocabulary."""
    yes, no = YES_NO[lang]
    mu, per_mu = UNITS["mu"], UNITS["wan_yuan_per_mu"]
    return {
        "total": TOTAL[lang],
        "yes": yes,
        "no": no,
        "mu": mu.zh if lang == "zh" else mu.en,
        "va_unit": per_mu.zh if lang == "zh" else per_mu.en,
    }


def _trend_chart(figures: Figures, text: Mapping[str, str]) -> object:
    """The path of value added per mu (city, counties) against the target's path."""
    if not figures.trend_years or not figures.trend_rows:
        return None
    series = [
        (str(r["name"]), r["values"], _LINE_COLOURS[i % len(_LINE_COLOURS)], False)
        for i, r in enumerate(figures.trend_rows)
    ]
    city = next((r for r in figures.trend_rows if r["level"] == "city"), None)
    if city is not None and city["first"] is not None:
        start_year = next(
            y for y, v in zip(figures.trend_years, city["values"], strict=True) if v is not None
        )
        path = [
            None
            if y < start_year
            else city["first"] * (1 + figures.target_growth) ** (y - start_year)
            for y in figures.trend_years
        ]
        series.append((text["target_line"], path, "#d73027", True))
    return line_chart(
        figures.trend_years,
        series,
        width=400,
        height=150,
        unit=text["va_unit"],
        title=text["trend"],
    )


def _fmt_mu(value: object) -> str:
    return format_number(value, 1)


def _fmt_per_mu(value: object) -> str:
    return format_number(value, 2)


def _fmt_pct(value: object) -> str:
    return format_number(value, 1, percent=True)


def _fmt_int(value: object) -> str:
    return format_number(value, 0)


def _fmt_signed(value: object) -> str:
    return format_number(value, 1, sign=True)

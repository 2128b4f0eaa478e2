"""``report.html``: the one page a department head reads before a meeting.

A single self-contained HTML file: inline CSS and inline SVG charts, no scripts, no fonts,
images or styles fetched from anywhere, so it opens offline and prints on A4. The template
is rendered by Jinja2 with autoescaping on, so any text from the inputs (firm, platform and
county names) is escaped.
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
from landeval.report._figures import TOP_PARCELS, Figures, report_figures
from landeval.report._svg import diverging_bars, line_chart, stacked_bars
from landeval.vocabulary import TOTAL, UNITS, YES_NO, Language, column_header

__all__ = ["report_figures", "write_report"]

CLASS_COLOURS: dict[str, str] = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#fc8d59",
    "D": "#d73027",
    "T": "#9e9e9e",
    "-": "#d9d9d9",
}
TREATMENT_COLOURS: dict[str, str] = {
    "REBUILD": "#fc8d59",
    "UPGRADE": "#fee08b",
    "CONVERT": "#7b3294",
    "EXIT": "#d73027",
}
TIER_COLOURS: tuple[str, ...] = ("#08519c", "#3182bd", "#9ecae1", "#bdbdbd")
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
    "class",
    "n_firms",
    "share",
    "land_mu",
    "county_name",
    "converted_mu",
    "compensated_mu",
    "balance_mu",
    "va_cagr",
    "meets_target",
    "parcel_id",
    "platform_name",
    "area_mu",
    "main_name",
    "treatment_name",
    "reason_zh",
)
"""The columns of the report's tables: their headers are the vocabulary's."""

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "{city}工业用地亩均效益评价报告（{year}年度）",
        "overview": "一、总体情况",
        "parcels": "评价宗地",
        "area": "工业用地面积",
        "firms": "参评企业",
        "firms_all": "企业总数",
        "action": "列入处置清单（低效用地）",
        "balanced": "改一补一平衡的县（市、区）",
        "classes": "二、企业分类（亩均论英雄）",
        "firm_bar": "企业数",
        "area_bar": "用地面积",
        "low_eff": "三、低效用地面积（亩）：按县（市、区）和平台层级",
        "treatments": "四、四个一批处置（宗数 / 面积亩）",
        "balance": "五、改一补一（占补平衡）",
        "status": "状态",
        "ok": "平衡",
        "short": "缺口",
        "trend": "六、规上企业亩均增加值趋势（万元/亩）与年均增长{target}目标",
        "region": "区域",
        "target_line": "目标路径（全市）",
        "parcel_unit": "宗",
        "firm_unit": "家",
        "none": "无数据",
        "top": "七、重点处置宗地（面积前{n}）",
        "note": (
            "说明：低效用地指列入“四个一批”处置清单（拆除重建、整治提升、功能转型、关停退出）"
            "的宗地；面积按 1 亩 = 10000/15 平方米计；亩均增加值为规上工业企业口径。"
        ),
        "made": "由 landeval {version} 生成",
    },
    "en": {
        "title": "{city} industrial land per-mu evaluation ({year})",
        "overview": "1. Overview",
        "parcels": "Parcels evaluated",
        "area": "Industrial land",
        "firms": "Firms evaluated",
        "firms_all": "firms in all",
        "action": "On the action list (low-efficiency land)",
        "balanced": "Counties where conversion is compensated",
        "classes": "2. Firm classes",
        "firm_bar": "Firms",
        "area_bar": "Land area",
        "low_eff": "3. Low-efficiency land (mu) by county and platform tier",
        "treatments": "4. The four treatments (parcels / area in mu)",
        "balance": "5. Conversion and compensation balance",
        "status": "Status",
        "ok": "balanced",
        "short": "short",
        "trend": "6. Value added per mu of above-scale firms (10k yuan/mu) against {target} a year",
        "region": "Region",
        "target_line": "Target path (city)",
        "parcel_unit": "parcels",
        "firm_unit": "firms",
        "none": "no data",
        "top": "7. Largest parcels on the action list (top {n})",
        "note": (
            "Low-efficiency land is land on the action list (rebuild, upgrade, change of use, "
            "exit). 1 mu = 10000/15 m². Value added per mu counts above-scale firms."
        ),
        "made": "made by landeval {version}",
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
    figures = report_figures(results, year=year, config=config, lang=lang)
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
    template = env.get_template("report.html.j2")
    return template.render(
        lang=lang,
        t=text,
        c={key: column_header(key, lang) for key in COLUMN_KEYS},  # type: ignore[arg-type]
        title=text["title"].format(city=config.project.city, year=year),
        trend_title=text["trend"].format(target=target),
        top_title=text["top"].format(n=TOP_PARCELS),
        made=text["made"].format(version=__version__),
        year=year,
        f=figures,
        charts=_charts(figures, text),
    )


def _shared_words(lang: Language) -> dict[str, str]:
    """The report's words that every output shares, from the vocabulary."""
    yes, no = YES_NO[lang]
    mu, va = UNITS["mu"], UNITS["wan_yuan_per_mu"]
    return {
        "total": TOTAL[lang],
        "yes": yes,
        "no": no,
        "mu": mu.zh if lang == "zh" else mu.en,
        "va_unit": va.zh if lang == "zh" else va.en,
    }


def _charts(figures: Figures, text: Mapping[str, str]) -> dict[str, object]:
    class_series = [
        (r["name"], CLASS_COLOURS.get(str(r["code"]), "#ccc")) for r in figures.class_rows
    ]
    class_mix = stacked_bars(
        [
            (text["firm_bar"], [float(r["firms"]) for r in figures.class_rows]),
            (text["area_bar"], [float(r["area_mu"]) for r in figures.class_rows]),
        ],
        [(str(n), c) for n, c in class_series],
        percent=True,
        title=text["classes"],
        show_totals=False,
    )
    low_eff = stacked_bars(
        [
            (str(r["name"]), [r["by_tier"][k] for k in figures.tier_keys])
            for r in figures.low_eff_rows
            if not r["is_total"]
        ],
        list(zip(figures.tier_names, TIER_COLOURS, strict=False)),
        unit=text["mu"],
        title=text["low_eff"],
    )
    treatments = stacked_bars(
        [
            (str(r["name"]), [r["area"][c] for c in figures.treatment_codes])
            for r in figures.treatment_rows
            if not r["is_total"]
        ],
        [
            (n, TREATMENT_COLOURS.get(c, "#999"))
            for c, n in zip(figures.treatment_codes, figures.treatment_names, strict=True)
        ],
        unit=text["mu"],
        title=text["treatments"],
    )
    balance = diverging_bars(
        [(str(r["name"]), float(r["balance_mu"])) for r in figures.balance_rows],
        unit=text["mu"],
        title=text["balance"],
    )
    trend = None
    if figures.trend_years and figures.trend_rows:
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
        trend = line_chart(figures.trend_years, series, unit=text["va_unit"], title=text["trend"])
    return {
        "class_mix": class_mix,
        "low_eff": low_eff,
        "treatments": treatments,
        "balance": balance,
        "trend": trend,
    }


def _fmt_mu(value: object) -> str:
    return format_number(value, 1)


def _fmt_pct(value: object) -> str:
    return format_number(value, 1, percent=True)


def _fmt_int(value: object) -> str:
    return format_number(value, 0)


def _fmt_signed(value: object) -> str:
    return format_number(value, 2, sign=True)

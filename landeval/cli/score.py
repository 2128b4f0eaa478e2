"""``landeval score``: per-mu evaluation of firms and parcels (亩均论英雄)."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.config import Config
from landeval.pipeline import score
from landeval.vocabulary import CLASS_LABELS, SCALE_LABELS, TOTAL, Language, label


@click.command(name="score")
@project_option
@out_option
@year_option
@lang_option
def command(project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None) -> None:
    """Score firms, class them A/B/C/D/T and roll up to parcels; print the class mix."""
    stage = load_checked(project_dir, out_dir, year=year, lang=lang)
    inputs, year, shown = stage.inputs, stage.year, stage.config.project.language
    result = score(inputs, stage.config)
    scores = result.firm_scores[result.firm_scores["year"] == year]
    title = (
        f"{year}年 企业分类（按县和规模）"
        if shown == "zh"
        else f"{year}: firm classes per county and scale"
    )
    print_table(class_mix(scores, stage.config, shown), title=title, lang=shown, decimals=0)
    path = stage.save(
        {
            "firm_scores": result.firm_scores,
            "allocation": result.allocation,
            "parcel_scores": result.parcel_scores,
            "trends": result.trends,
            "suspect_values": result.suspect_values,
        },
        result.findings,
    )
    click.echo(f"tables firm_scores, allocation, parcel_scores, trends → {path}")


def class_mix(scores: pd.DataFrame, config: Config, lang: Language) -> pd.DataFrame:
    """Firms per class (columns A–D, then T, by name) by county (by name) and scale, totals."""
    names = dict(config.project.counties)
    frame = pd.DataFrame(
        {
            "county_name": [names.get(str(c), str(c)) for c in scores["county_code"]],
            "_code": scores["county_code"].astype(str).to_numpy(),
            "scale": [label(SCALE_LABELS, str(s), lang) for s in scores["scale"]],
            "_scale": scores["scale"].astype(str).to_numpy(),
            "class": scores["class"].astype(object).to_numpy(),
            "uscc": scores["uscc"].to_numpy(),
        }
    )
    mix = frame.pivot_table(
        index=["_code", "county_name", "_scale", "scale"],
        columns="class",
        values="uscc",
        aggfunc="count",
        fill_value=0,
    )
    classes = [c for c in CLASS_ORDER if c in mix.columns]
    classes += sorted(str(c) for c in mix.columns if c not in CLASS_ORDER)
    mix = mix.reindex(columns=classes, fill_value=0)
    mix[TOTAL[lang]] = mix.sum(axis=1)
    mix = mix.reset_index().drop(columns=["_code", "_scale"]).rename_axis(columns=None)
    total: dict[str, object] = {"county_name": TOTAL[lang], "scale": ""}
    total |= {c: int(mix[c].sum()) for c in [*classes, TOTAL[lang]]}
    mix = pd.concat([mix, pd.DataFrame([total])], ignore_index=True)
    return mix.rename(columns={c: label(CLASS_LABELS, c, lang) for c in classes})


CLASS_ORDER: tuple[str, ...] = ("A", "B", "C", "D", "T")

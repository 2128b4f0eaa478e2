"""``landeval run``: the whole pipeline, from inputs to every output."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._progress import StageProgress
from landeval.cli._stages import language
from landeval.cli._tables import print_table
from landeval.pipeline import run
from landeval.vocabulary import CITY, TREATMENT_LABELS, TREATMENT_ORDER, Language, label


@click.command(name="run")
@project_option
@out_option
@year_option
@lang_option
@click.option("--no-maps", is_flag=True, help="Skip the HTML maps (faster on huge data).")
def command(
    project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None, no_maps: bool
) -> None:
    """Run everything: load, evaluate, classify, balance, export, maps and report."""
    click.echo(f"landeval run → {out_dir}", err=True)
    result = run(
        project_dir, out_dir, year=year, language=lang, maps=not no_maps, hook=StageProgress()
    )
    shown = language(project_dir, lang)
    print_treatment_summary(result.tables["parcel_eval"], year=result.year, lang=shown)
    print_balance(result.tables["balance_ledger"], lang=shown)
    print_review(result.tables, lang=shown)
    click.echo("\n输出文件 (outputs):" if shown == "zh" else "\nOutputs:")
    for key, path in result.files.items():
        click.echo(f"  {key:<10} {path}")


def print_treatment_summary(parcel_eval: pd.DataFrame, *, year: int, lang: Language = "zh") -> None:
    """Parcels and area per treatment, in the policy's order (then a project's own codes)."""
    codes = parcel_eval["treatment"].astype("string").fillna("")
    summary = (
        pd.DataFrame({"treatment": codes, "area_mu": parcel_eval["area_mu"]})
        .groupby("treatment", sort=False)
        .agg(parcels=("treatment", "size"), area_mu=("area_mu", "sum"))
        .reset_index()
    )
    rank = {code: i for i, code in enumerate(TREATMENT_ORDER)}
    summary = summary.sort_values(
        "treatment", key=lambda s: s.map(lambda c: (rank.get(c, len(rank)), c))
    )
    names = treatment_names(parcel_eval, lang)
    summary.insert(1, "treatment_name", [names.get(c, c) for c in summary["treatment"]])
    title = f"{year}年 四个一批" if lang == "zh" else f"{year}: parcels per treatment"
    print_table(summary, title=title, lang=lang)


def treatment_names(parcel_eval: pd.DataFrame, lang: Language) -> dict[str, str]:
    """Treatment code → its name: the vocabulary's, or a project's own from the data."""
    names = {c: label(TREATMENT_LABELS, c, lang) for c in TREATMENT_LABELS}
    if "treatment_zh" in parcel_eval:
        own = parcel_eval[["treatment", "treatment_zh"]].dropna().drop_duplicates("treatment")
        for code, name in zip(own["treatment"], own["treatment_zh"], strict=True):
            names.setdefault(str(code), str(name))
    return names


def print_balance(ledger: pd.DataFrame, *, lang: Language = "zh") -> None:
    """The 改一补一 ledger per county, then the city (which has no county code)."""
    columns = ["county_code", "county_name", "converted_mu", "compensated_mu", "balance_mu"]
    shown = ledger[[*columns, "balanced"]].copy()
    shown["county_code"] = shown["county_code"].where(shown["county_code"] != CITY, None)
    title = "改一补一 占补平衡" if lang == "zh" else "Conversion and compensation per county"
    print_table(shown, title=title, lang=lang)


def print_review(tables: dict[str, pd.DataFrame], *, lang: Language = "zh") -> None:
    """One line on the bureau's review: confirmed, overridden, deferred (DESIGN §10)."""
    from landeval.review import review_line  # noqa: PLC0415

    given = "parcel_review" in tables or "firm_review" in tables
    line = review_line(
        tables.get("decisions"), tables.get("firm_decisions"), given=given, lang=lang
    )
    click.echo(line)

"""``landeval run``: the whole pipeline, from inputs to every output."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval.cli._monitoring import print_monitoring
from landeval.cli._options import (
    lang_option,
    out_option,
    previous_option,
    project_option,
    year_option,
)
from landeval.cli._progress import StageProgress
from landeval.cli._stages import language
from landeval.cli._tables import print_table
from landeval.pipeline import run
from landeval.vocabulary import (
    CITY,
    CITY_NAME,
    KEEP,
    TOTAL,
    TREATMENT_LABELS,
    TREATMENT_ORDER,
    Language,
    label,
)


@click.command(name="run")
@project_option
@out_option
@year_option
@lang_option
@previous_option
@click.option("--no-maps", is_flag=True, help="Skip the HTML maps (faster on huge data).")
def command(  # noqa: PLR0917 - click passes every option by position
    project_dir: Path | None,
    out_dir: Path,
    year: int | None,
    lang: str | None,
    previous_dir: Path | None,
    no_maps: bool,
) -> None:
    """Run everything: load, evaluate, classify, balance, export, maps and report."""
    click.echo(f"landeval run → {out_dir}", err=True)
    result = run(
        project_dir,
        out_dir,
        year=year,
        language=lang,
        maps=not no_maps,
        hook=StageProgress(),
        previous=previous_dir,
    )
    shown = language(project_dir, lang)
    print_treatment_summary(result.tables["parcel_eval"], year=result.year, lang=shown)
    print_balance(result.tables["balance_ledger"], lang=shown)
    print_review(result.tables, lang=shown)
    print_monitoring(result.tables, year=result.year, lang=shown)
    click.echo("\n输出文件 (outputs):" if shown == "zh" else "\nOutputs:")
    for key, path in result.files.items():
        click.echo(f"  {key:<10} {path}")


def print_treatment_summary(parcel_eval: pd.DataFrame, *, year: int, lang: Language = "zh") -> None:
    """Parcels and area per treatment in the policy's order (then a project's own), totals.

    The lists, their subtotal (四个一批合计), 保留, and the total of all parcels; each with
    its share of the land.
    """
    codes = parcel_eval["treatment"].astype("string").fillna("")
    area = pd.to_numeric(parcel_eval["area_mu"], errors="coerce")
    summary = (
        pd.DataFrame({"treatment": codes, "area_mu": area})
        .groupby("treatment", sort=False)
        .agg(parcels=("treatment", "size"), area_mu=("area_mu", "sum"))
        .reset_index()
    )
    # the four lists in the policy's order, a project's own codes, their subtotal, then 保留
    rank = {code: i for i, code in enumerate(c for c in TREATMENT_ORDER if c != KEEP)}
    summary = summary.sort_values(
        "treatment",
        key=lambda s: s.map(lambda c: (c == KEEP, rank.get(c, len(rank)), c)),
    )
    names = treatment_names(parcel_eval, lang)
    is_keep = (summary["treatment"] == KEEP).to_numpy(dtype=bool)
    listed, kept = summary[~is_keep], summary[is_keep]
    total_area = float(area.sum())
    rows = [(names.get(c, c), n, a) for c, n, a in listed.itertuples(index=False, name=None)]
    rows.append((_LISTED[lang], int(listed["parcels"].sum()), float(listed["area_mu"].sum())))
    rows += [(names.get(c, c), n, a) for c, n, a in kept.itertuples(index=False, name=None)]
    rows.append((TOTAL[lang], len(parcel_eval), total_area))
    shown = pd.DataFrame(rows, columns=["treatment_name", "parcels", "area_mu"])
    shown["share"] = shown["area_mu"] / total_area if total_area > 0 else float("nan")
    title = f"{year}年 四个一批" if lang == "zh" else f"{year}: parcels per treatment"
    print_table(shown, title=title, lang=lang)


_LISTED: dict[str, str] = {"zh": "四个一批合计", "en": "Four lists in all"}


def treatment_names(parcel_eval: pd.DataFrame, lang: Language) -> dict[str, str]:
    """Treatment code → its name: the vocabulary's, or a project's own from the data."""
    names = {c: label(TREATMENT_LABELS, c, lang) for c in TREATMENT_LABELS}
    if "treatment_zh" in parcel_eval:
        own = parcel_eval[["treatment", "treatment_zh"]].dropna().drop_duplicates("treatment")
        for code, name in zip(own["treatment"], own["treatment_zh"], strict=True):
            names.setdefault(str(code), str(name))
    return names


_LEDGER_COLUMNS = (
    "county_name",
    "converted_mu",
    "compensated_mu",
    "balance_mu",
    "balanced",
    "proposed_mu",
    "balance_if_approved_mu",
)


def print_balance(ledger: pd.DataFrame, *, lang: Language = "zh") -> None:
    """The 改一补一 ledger per county by name, then the city's row."""
    shown = pd.DataFrame(ledger[[c for c in _LEDGER_COLUMNS if c in ledger]]).copy()
    if "county_code" in ledger:
        city = (ledger["county_code"].astype("string") == CITY).fillna(False).to_numpy(bool)
        names = shown["county_name"].astype(object) if "county_name" in shown else None
        shown["county_name"] = [
            CITY_NAME[lang] if is_city else (n if isinstance(n, str) else code)
            for is_city, n, code in zip(
                city,
                names if names is not None else [None] * len(shown),
                ledger["county_code"],
                strict=True,
            )
        ]
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

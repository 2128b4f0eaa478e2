"""``landeval classify``: flags and the four treatments (四个一批) per parcel."""

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
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.cli.run import treatment_names
from landeval.pipeline import evaluate
from landeval.vocabulary import (
    TIER_LABELS,
    TOTAL,
    TREATMENT_ORDER,
    Language,
    column_header,
    label,
)


@click.command(name="classify")
@project_option
@out_option
@year_option
@lang_option
@previous_option
def command(
    project_dir: Path | None,
    out_dir: Path,
    year: int | None,
    lang: str | None,
    previous_dir: Path | None,
) -> None:
    """Decide each parcel's treatment; print counts and areas per county and platform tier.

    With last year's output (--previous, or the project's), also the progress of last
    year's list and the class transitions.
    """
    stage = load_checked(project_dir, out_dir, year=year, lang=lang, previous=previous_dir)
    shown = stage.config.project.language
    evaluation = evaluate(stage.inputs, stage.config, year=stage.year)
    for table, title in treatment_tables(evaluation.tables["parcel_eval"], shown):
        print_table(table, title=f"{evaluation.year}{title}", lang=shown, decimals=1)
    print_monitoring(evaluation.tables, year=evaluation.year, lang=shown)
    path = stage.save(evaluation.tables, evaluation.findings)
    click.echo(f"tables parcel_eval, platform_summary, balance_ledger, … → {path}")


TIER_ORDER: tuple[str, ...] = ("2", "6", "N")
"""Platform tiers in the order of the 2+6+N system; parcels outside platforms come last."""


def treatment_tables(parcel_eval: pd.DataFrame, lang: Language) -> list[tuple[pd.DataFrame, str]]:
    """Area and parcels per treatment (columns, in the policy's order) by county and by tier.

    Counties come in the order of their codes and tiers in the order of the 2+6+N system
    (then the parcels outside platforms); a total column and a total row close each table.
    Returns (table, title after the year) pairs; a table's first column is named by its
    vocabulary key, the others by the treatments' names.
    """
    outside = "平台外" if lang == "zh" else "outside platforms"
    frame = pd.DataFrame(
        {
            "county_name": _county_names(parcel_eval),
            "tier": [
                outside if pd.isna(t) or not str(t) else label(TIER_LABELS, str(t), lang)
                for t in parcel_eval["tier"].astype(object)
            ],
            "treatment": parcel_eval["treatment"],
            "area_mu": pd.to_numeric(parcel_eval["area_mu"], errors="coerce"),
            "parcel_id": parcel_eval["parcel_id"],
        }
    )
    present = set(frame["treatment"].dropna())
    order = [c for c in TREATMENT_ORDER if c in present] + sorted(present - set(TREATMENT_ORDER))
    names = treatment_names(parcel_eval, lang)
    codes = parcel_eval.groupby(frame["county_name"])["county_code"].min()
    rows_by = {
        "county_name": sorted(
            frame["county_name"].dropna().unique(), key=lambda n: (str(codes.get(n, "")), n)
        ),
        "tier": [
            *(label(TIER_LABELS, t, lang) for t in TIER_ORDER),  # type: ignore[arg-type]
            outside,
        ],
    }
    out = []
    for by in ("county_name", "tier"):
        for values, aggfunc, what in (
            ("area_mu", "sum", "area_mu"),
            ("parcel_id", "count", "parcels"),
        ):
            table = frame.pivot_table(
                index=by, columns="treatment", values=values, aggfunc=aggfunc, fill_value=0
            )
            table = table.reindex(columns=order, fill_value=0)
            table = table.reindex([r for r in rows_by[by] if r in table.index])
            table[TOTAL[lang]] = table.sum(axis=1)
            table.loc[TOTAL[lang]] = table.sum(axis=0)
            table = table.rename(columns=names).reset_index().rename_axis(columns=None)
            table = table.rename(columns={"index": by})
            what_text, by_text = column_header(what, lang), column_header(by, lang)
            title = (
                f"年 四个一批{what_text} 按{by_text}"
                if lang == "zh"
                else f": {what_text.lower()} per treatment by {by_text.lower()}"
            )
            out.append((table, title))
    return out


def _county_names(parcel_eval: pd.DataFrame) -> pd.Series:
    """Each parcel's county by name (its code where the name is missing)."""
    code = parcel_eval["county_code"].astype(object)
    if "county_name" not in parcel_eval:
        return code
    return parcel_eval["county_name"].astype(object).where(parcel_eval["county_name"].notna(), code)

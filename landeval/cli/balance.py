"""``landeval balance``: the 改一补一 ledger per county."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval.cli._options import lang_option, out_option, project_option, year_option
from landeval.cli._stages import load_checked
from landeval.cli._tables import print_table
from landeval.cli.run import print_balance
from landeval.config import Config
from landeval.pipeline import evaluate
from landeval.vocabulary import (
    CHANGE_KIND_LABELS,
    ITEM_STATUS_LABELS,
    Language,
    label,
)


@click.command(name="balance")
@project_option
@out_option
@year_option
@lang_option
@click.option("--items", "show_items", is_flag=True, help="Also list every item and why.")
def command(
    project_dir: Path | None, out_dir: Path, year: int | None, lang: str | None, show_items: bool
) -> None:
    """Print the 改一补一 balance: converted, compensated and balance per county."""
    stage = load_checked(project_dir, out_dir, year=year, lang=lang)
    shown = stage.config.project.language
    evaluation = evaluate(stage.inputs, stage.config, year=stage.year)
    print_balance(evaluation.tables["balance_ledger"], lang=shown)
    if show_items:
        items = item_rows(evaluation.tables["balance_items"], stage.config, shown)
        title = "改一补一 明细" if shown == "zh" else "Conversion and compensation items"
        print_table(items, title=title, lang=shown)
    path = stage.save(evaluation.tables, evaluation.findings)
    click.echo(f"tables balance_ledger, balance_items, … → {path}")


def item_rows(items: pd.DataFrame, config: Config, lang: Language) -> pd.DataFrame:
    """The 改一补一 items as the console shows them: names for codes, dates as dates.

    Columns are vocabulary keys (so that the table is headed in ``lang``); by county, then
    converts before supplements, then area descending. Only what fits a terminal (an item
    of a parcel has the parcel's code, a land change its own; the area counted says whether
    it counts, the note why not): the workbook's 改一补一明细 has every column.
    """
    names = dict(config.project.counties)
    frame = pd.DataFrame(items.drop(columns="geometry", errors="ignore"))
    order = frame.assign(
        _c=frame["county_code"].astype("string").fillna(""),
        _k=frame["kind"].astype("string").fillna("") != "convert",
        _a=pd.to_numeric(frame["area_mu"], errors="coerce").fillna(-1.0),
    ).sort_values(["_c", "_k", "_a"], ascending=[True, True, False], kind="stable")
    out = pd.DataFrame(
        {
            "item_id": order["item_id"].to_numpy(),
            "county_name": [names.get(str(c), str(c)) for c in order["county_code"]],
            "change_kind": [label(CHANGE_KIND_LABELS, str(k), lang) for k in order["kind"]],
        }
    )
    if "status" in order:
        out["item_status"] = [
            None if pd.isna(v) else label(ITEM_STATUS_LABELS, str(v), lang) for v in order["status"]
        ]
    if "approved_on" in order:
        dates = pd.to_datetime(order["approved_on"], errors="coerce")
        out["approved_on"] = dates.dt.strftime("%Y-%m-%d").where(dates.notna(), None).to_numpy()
    out["area_mu"] = pd.to_numeric(order["area_mu"], errors="coerce").to_numpy()
    if "counted_mu" in order:
        out["counted_mu"] = pd.to_numeric(order["counted_mu"], errors="coerce").to_numpy()
    why = order["why_zh"] if "why_zh" in order else order.get("why_not_counted")
    if why is not None:
        out["why_zh"] = why.to_numpy()
    return out

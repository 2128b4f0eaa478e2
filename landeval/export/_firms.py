"""The firm tables: 企业评价 (classes and scores), 企业处置 (firm actions), 增容潜力.

企业评价 lists each firm of the evaluation year with the parcels it uses (from the
``allocation`` table) and its class of the year before, so that a bureau sees a firm's land
and its trend in one row. The firm actions and the capacity list come from the tables the
treatments stage writes (``firm_actions``, ``capacity_parcels``); without them, the capacity
list is taken from the parcels marked ``capacity_potential``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import sorted_codes, text_array
from landeval.export._columns import CAPACITY_COLUMNS, FIRM_ACTION_COLUMNS, FIRM_COLUMNS
from landeval.export._tables import (
    Table,
    build_table,
    column_of,
    county_order,
    spread_text,
)
from landeval.vocabulary import CLASS_LABELS, label

_LIST_SEPARATOR = "、"


def firm_table(
    firm_scores: pd.DataFrame,
    *,
    year: int,
    county_names: Mapping[str, str],
    lang: str = "zh",
    allocation: pd.DataFrame | None = None,
) -> Table:
    """Firm classes and scores of the evaluation year, by county then land descending.

    Parameters
    ----------
    firm_scores : DataFrame
        The ``firm_scores`` result table (every year).
    year : int
        The evaluation year.
    county_names : mapping
        County code → name.
    lang : {"zh", "en"}
        Language of headers and labels.
    allocation : DataFrame, optional
        The ``allocation`` table: the parcels each firm uses in ``year``.
    """
    # only the columns shown and sorted on: filtering and sorting copy what they are given
    wanted = {c[0] for c in FIRM_COLUMNS} | {"county_code", "tax_per_kwh", "land_mu", "uscc"}
    shown = pd.DataFrame(firm_scores[[c for c in firm_scores.columns if c in wanted]])
    year_of = pd.to_numeric(column_of(firm_scores, "year"), errors="coerce")
    selected = np.flatnonzero((year_of == year).fillna(False).to_numpy(dtype=bool))
    order = county_order(firm_scores, selected, area="land_mu", ident="uscc")
    rows = shown.iloc[selected[order]]  # one take of the shown columns
    if "class_machine" in rows.columns and not _adjusted(rows):
        rows = rows.drop(columns="class_machine")  # no 调档: the final class is the machine's
    county = column_of(rows, "county_code").astype("string")
    kwh = pd.to_numeric(column_of(rows, "tax_per_kwh"), errors="coerce")
    classes = column_of(rows, "class")
    extra: dict[str, object] = {
        "county_name": spread_text(county, lambda c: county_names.get(c, c)),
        # 万元 per kWh is a tiny number; 元 per kWh reads naturally
        "tax_per_kwh_yuan": kwh * 1e4,
        "class_label": spread_text(
            classes,
            lambda c: label(CLASS_LABELS, str(c), lang),  # type: ignore[arg-type]
        ),
    }
    usccs = column_of(rows, "uscc").astype("string")
    previous = _previous_class(firm_scores, year, usccs)
    if previous is not None:
        extra["prev_class"] = previous
    if allocation is not None and {"uscc", "parcel_id"} <= set(allocation.columns):
        extra["parcel_ids"] = _parcels_of(allocation, year, usccs)
    return build_table(rows.assign(**extra), FIRM_COLUMNS, lang=lang)


def _adjusted(rows: pd.DataFrame) -> bool:
    """Whether a review's 调档 made some firm's final class differ from the evaluation's."""
    machine = rows["class_machine"].astype("string")
    final = column_of(rows, "class").astype("string")
    return bool((machine.fillna("") != final.fillna("")).any())


def _previous_class(firm_scores: pd.DataFrame, year: int, usccs: pd.Series) -> pd.Series | None:
    """Each firm's class in ``year - 1`` (missing where it was not scored); None: no such year."""
    year_of = pd.to_numeric(column_of(firm_scores, "year"), errors="coerce")
    before = (year_of == year - 1).fillna(False).to_numpy(dtype=bool)
    if not before.any():
        return None
    # Arrow texts filtered to the year: no object array of every firm-year made on the way
    at = pa.array(before)
    last_uscc = text_array(firm_scores["uscc"].astype("str")).filter(at)
    last_class = text_array(column_of(firm_scores, "class")).filter(at)
    # the first row of a firm wins (index_in finds the first match)
    taken = last_class.take(pc.index_in(text_array(usccs), value_set=last_uscc))
    # typed text: the labels are made once per class, not once per firm
    return pd.Series(pd.array(taken.to_pandas(), dtype="string"), index=usccs.index)


def _parcels_of(allocation: pd.DataFrame, year: int, usccs: pd.Series) -> pd.Series:
    """The codes of the parcels each firm uses in ``year``, joined (Arrow, no per-row Python)."""
    rows = np.flatnonzero((allocation["year"] == year).to_numpy(dtype=bool, na_value=False))
    if not len(rows):
        taken = pa.nulls(len(usccs), pa.large_string())
        return pd.Series(pd.arrays.ArrowExtensionArray(taken), index=usccs.index)
    at = pa.array(rows)
    uscc = text_array(allocation["uscc"]).take(at)
    parcel = text_array(allocation["parcel_id"]).take(at)
    # Sorted by uscc then parcel code on integer codes that sort as the texts do (a sort of
    # the distinct texts only), then cut into one run per uscc: no sort or group-by on
    # texts. A missing uscc is a group of its own (last), as in a group-by.
    firm, firms = sorted_codes(uscc)
    firm = np.where(firm < 0, len(firms), firm)
    order = np.lexsort((sorted_codes(parcel)[0], firm))
    run = firm[order]
    starts = np.flatnonzero(np.r_[True, run[1:] != run[:-1]])
    lists = pa.LargeListArray.from_arrays(
        pa.array(np.append(starts, len(run)), type=pa.int64()), parcel.take(pa.array(order))
    )
    joined = pc.binary_join(lists, pa.scalar(_LIST_SEPARATOR, pa.large_string()))
    keys = pa.concat_arrays([firms, pa.nulls(1, pa.large_string())]).take(pa.array(run[starts]))
    # a missing position (a firm with no parcel) gives a missing text
    taken = joined.take(pc.index_in(text_array(usccs), value_set=keys))
    return pd.Series(pd.arrays.ArrowExtensionArray(taken), index=usccs.index)


def firm_actions_table(
    firm_actions: pd.DataFrame | None,
    *,
    year: int,
    county_names: Mapping[str, str],
    lang: str = "zh",
) -> Table:
    """企业处置: each firm to vacate or rectify on a parcel, by county, parcel and firm."""
    frame = _of_year(firm_actions, year)
    if len(frame):
        keys = pd.DataFrame(
            {
                "_c": column_of(frame, "county_code").astype("string").fillna(""),
                "_p": column_of(frame, "parcel_id").astype("string").fillna(""),
                "_u": column_of(frame, "uscc").astype("string").fillna(""),
            },
            index=frame.index,
        )
        frame = frame.loc[keys.sort_values(["_c", "_p", "_u"], kind="stable").index]
        frame = frame.assign(
            county_name=spread_text(
                column_of(frame, "county_code").astype("string"),
                lambda c: county_names.get(c, c),
            )
        )
    return build_table(frame, FIRM_ACTION_COLUMNS, lang=lang)


def capacity_table(
    capacity: pd.DataFrame | None,
    *,
    year: int,
    parcel_eval: pd.DataFrame | None,
    county_names: Mapping[str, str],
    lang: str = "zh",
) -> Table | None:
    """增容潜力: parcels with room to add floors; None when the run has no such list."""
    frame = _of_year(capacity, year)
    if capacity is None and parcel_eval is not None and "capacity_potential" in parcel_eval:
        marked = parcel_eval["capacity_potential"].astype("boolean").fillna(False)
        frame = pd.DataFrame(parcel_eval.loc[marked.to_numpy(dtype=bool)])
        if "geometry" in frame:
            frame = frame.drop(columns="geometry")
    elif capacity is None:
        return None
    if len(frame):
        order = county_order(frame, np.arange(len(frame)), area="area_mu", ident="parcel_id")
        frame = frame.iloc[order]
        if parcel_eval is not None and "platform_name" not in frame and "platform_id" in frame:
            names = _platform_names(parcel_eval)
            frame = frame.assign(
                platform_name=[names.get(str(p)) for p in column_of(frame, "platform_id")]
            )
        frame = frame.assign(
            county_name=spread_text(
                column_of(frame, "county_code").astype("string"),
                lambda c: county_names.get(c, c),
            )
        )
    return build_table(frame, CAPACITY_COLUMNS, lang=lang)


def _platform_names(parcel_eval: pd.DataFrame) -> dict[str, str]:
    pairs = pd.DataFrame(
        {
            "id": column_of(parcel_eval, "platform_id"),
            "name": column_of(parcel_eval, "platform_name"),
        }
    ).dropna()
    pairs = pairs.drop_duplicates("id")
    return {str(i): str(n) for i, n in zip(pairs["id"], pairs["name"], strict=True)}


def _of_year(frame: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """The rows of ``year`` (all rows when the table has no year column)."""
    if frame is None:
        return pd.DataFrame()
    if "geometry" in frame:
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    if "year" not in frame:
        return frame
    year_of = pd.to_numeric(frame["year"], errors="coerce")
    return frame[(year_of == year).fillna(False).to_numpy(dtype=bool)]

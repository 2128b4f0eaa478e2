"""Parcel roll-up (landeval.mu_scoring.rollup), by hand and against the rules written plainly.

:func:`reference_parcel_scores` is the reference: loops over the allocation rows and the
parcels that a reader can check against DESIGN §5 (occupants ranked by land, then score,
then uscc; the main occupant's class; sums over the occupants per parcel area). The package
computes the same on integer codes in numpy and DuckDB; both must give the same table bit
for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal

from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import M2_PER_MU
from landeval.mu_scoring.allocation import allocate
from landeval.mu_scoring.rollup import _run_counts, _run_sums, parcel_scores
from tests.mu_scoring.test_allocation import random_roll_up

NAN = float("nan")
MU = 10000 / 15

PARCELS = pd.DataFrame(
    {"parcel_id": ["P", "Q", "R"], "county_code": ["330602"] * 3, "area_m2": [30 * MU, 15 * MU, MU]}
)
FIRMS = pd.DataFrame(
    {
        "uscc": ["a", "b", "c", "d"],
        "name": ["甲", "乙", "丙", "丁"],
        "industry_code": ["C17", "C26", "C33", "C34"],
        "scale": ["above", "above", "below", "below"],
    }
)
LAND = pd.DataFrame(
    {
        "uscc": ["a", "a", "b", "c", "d"],
        "year": 2023,
        "parcel_id": ["P", "Q", "Q", "P", "R"],
        "relation": ["own", "own", "lease", "lease", "own"],
        "land_m2": [20 * MU, 5 * MU, 5 * MU, 10 * MU, MU],
    }
)
SCORES = pd.DataFrame(
    {
        "uscc": ["a", "b", "c"],
        "year": 2023,
        "scale": ["above", "above", "below"],
        "name": ["甲", "乙", "丙"],
        "industry_code": ["C17", "C26", "C33"],
        "class": ["B", "A", "C"],
        "score": [60.0, 90.0, 30.0],
        "tax": [250.0, 40.0, NAN],
        "value_added": [1000.0, 100.0, 20.0],
        "revenue": [NAN, NAN, NAN],
        "rd_expense": [NAN, NAN, NAN],
    }
)


def _run():
    alloc = allocate(LAND, firm_scores=SCORES, firms=FIRMS)
    ps = parcel_scores(
        parcels=PARCELS, allocation=alloc, firm_scores=SCORES, firms=FIRMS, years=[2023]
    )
    return alloc, ps


def test_allocation_by_land_share():
    alloc, _ = _run()
    assert list(alloc.columns[:9]) == RESULT_COLUMNS["allocation"]
    a = alloc.set_index(["uscc", "parcel_id"])
    # a holds 20 mu on P and 5 mu on Q: shares 0.8 and 0.2 of its tax 250 and value added 1000.
    assert a.loc[("a", "P"), "share"] == pytest.approx(0.8)
    assert a.loc[("a", "P"), "tax"] == pytest.approx(200.0)
    assert a.loc[("a", "Q"), "tax"] == pytest.approx(50.0)
    assert a.loc[("a", "Q"), "value_added"] == pytest.approx(200.0)
    assert np.isnan(a.loc[("c", "P"), "tax"])  # a missing tax stays missing
    assert np.isnan(a.loc[("d", "R"), "value_added"])  # d has no tax or output row
    assert a.loc[("d", "R"), "scale"] == "below"  # scale from the registry


def test_parcel_roll_up_and_main_occupant():
    _, ps = _run()
    assert list(ps.columns[:18]) == RESULT_COLUMNS["parcel_scores"]
    p = ps.set_index("parcel_id")
    # P: a 20 mu, c 10 mu; c's tax is missing, so P's tax is missing (never 200 + 0), its
    # value added known (800 + 20), and a third of its area has unknown figures.
    assert p.loc["P", "occupants"] == "a;c"
    assert p.loc["P", "occupant_names"] == "甲;丙"
    assert np.isnan(p.loc["P", "tax"])
    assert np.isnan(p.loc["P", "tax_per_mu"])
    assert p.loc["P", "va_per_mu"] == pytest.approx((800 + 20) / 30)
    assert p.loc["P", "known_share"] == pytest.approx(2 / 3)
    assert p.loc["P", "class"] == "B"
    # Q: a and b hold 5 mu each; the tie goes to the higher score (b, 90).
    assert p.loc["Q", "occupants"] == "b;a"
    assert p.loc["Q", "main_uscc"] == "b"
    assert p.loc["Q", "main_industry"] == "C26"
    assert p.loc["Q", "class"] == "A"
    assert p.loc["Q", "unused_m2"] == pytest.approx(5 * MU)
    assert p.loc["Q", "tax"] == pytest.approx(90.0)  # 50 + 40
    assert p.loc["Q", "known_share"] == 1.0
    # R: d has no scores: listed, no class, its tax missing (not 0), nothing known.
    assert p.loc["R", "main_name"] == "丁"
    assert pd.isna(p.loc["R", "class"])
    assert np.isnan(p.loc["R", "tax"])
    assert p.loc["R", "known_share"] == 0.0


def test_inputs_not_mutated():
    before = [f.copy() for f in (LAND, SCORES, FIRMS, PARCELS)]
    _run()
    for f, b in zip((LAND, SCORES, FIRMS, PARCELS), before, strict=True):
        pd.testing.assert_frame_equal(f, b)


def test_run_sums_add_in_row_order_like_arrow_grouped_sum():
    """The run sums equal Arrow's sequential grouped sum bit for bit (nulls, cancellation)."""
    values = [1e16, 1.0, -1e16, 0.1, 0.2, 0.3, None, None, -0.0, 5.0, None, 1e-300]
    values += [0.1] * 12  # a run longer than numpy's 8-way pairwise blocks
    keys = [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4, 5] + [6] * 12
    table = pa.table({"k": pa.array(keys), "v": pa.array(values, type=pa.float64())})
    expected = table.group_by("k", use_threads=False).aggregate([("v", "sum"), ("v", "count")])
    starts = np.flatnonzero(np.diff(np.array(keys), prepend=-1) != 0)
    sums = _run_sums(table["v"], starts, len(keys))
    assert sums.to_pylist() == expected["v_sum"].to_pylist()
    assert _run_counts(table["v"], starts).to_pylist() == expected["v_count"].to_pylist()


def test_parcel_scores_repeated_parcel_ids_sorted_by_id_year_then_position():
    parcels = pd.DataFrame(
        {
            "parcel_id": ["Q", "P", "Q"],
            "county_code": ["330602", "330603", "330604"],
            "area_m2": [MU, 2 * MU, 3 * MU],
        }
    )
    alloc = allocate(LAND[LAND["parcel_id"] == "P"], firm_scores=SCORES, firms=FIRMS)
    ps = parcel_scores(
        parcels=parcels, allocation=alloc, firm_scores=SCORES, firms=FIRMS, years=[2024, 2023]
    )
    assert ps["parcel_id"].tolist() == ["P", "P", "Q", "Q", "Q", "Q"]
    assert ps["year"].tolist() == [2023, 2024, 2023, 2023, 2024, 2024]
    assert ps["county_code"].tolist() == ["330603"] * 2 + ["330602", "330604"] * 2


def test_parcel_scores_without_occupants_or_parcels():
    empty_alloc = allocate(LAND.iloc[:0], firm_scores=SCORES, firms=FIRMS)
    ps = parcel_scores(
        parcels=PARCELS, allocation=empty_alloc, firm_scores=SCORES, firms=FIRMS, years=[2023]
    )
    assert ps["n_occupants"].tolist() == [0, 0, 0]
    assert ps["occupants"].isna().all()
    none = parcel_scores(
        parcels=PARCELS.iloc[:0],
        allocation=empty_alloc,
        firm_scores=SCORES,
        firms=FIRMS,
        years=[2023],
    )
    assert len(none) == 0
    assert list(none.columns) == [*RESULT_COLUMNS["parcel_scores"], "county_code"]


def test_allocation_and_parcels_do_not_depend_on_input_row_order():
    # Sorted land takes the short path (order by row number); shuffled land and a
    # shuffled allocation must give the same tables.
    alloc, ps = _run()
    land = LAND.sort_values(["year", "parcel_id", "uscc", "relation"]).reset_index(drop=True)
    for frame in (land, LAND.iloc[::-1].reset_index(drop=True)):
        pd.testing.assert_frame_equal(
            allocate(frame, firm_scores=SCORES, firms=FIRMS), alloc, check_exact=True
        )
    shuffled = alloc.iloc[[3, 0, 4, 1, 2]].reset_index(drop=True)
    out = parcel_scores(
        parcels=PARCELS, allocation=shuffled, firm_scores=SCORES, firms=FIRMS, years=[2023]
    )
    pd.testing.assert_frame_equal(out, ps, check_exact=True)


def test_allocation_leaves_out_land_without_a_firm_year_and_parcels_unknown_ids():
    # A land row without a uscc has no firm-year total: left out, as the inner join did.
    land = pd.concat(
        [
            LAND,
            pd.DataFrame(
                {
                    "uscc": [None],
                    "year": [2023],
                    "parcel_id": ["P"],
                    "relation": ["own"],
                    "land_m2": [MU],
                }
            ),
        ],
        ignore_index=True,
    )
    alloc, ps = _run()
    pd.testing.assert_frame_equal(
        allocate(land, firm_scores=SCORES, firms=FIRMS), alloc, check_exact=True
    )
    # Allocated parcels or years that are not in the parcels or years asked for match none.
    extra = pd.concat([alloc, alloc.iloc[:1].assign(parcel_id="X")], ignore_index=True)
    extra = pd.concat([extra, alloc.iloc[:1].assign(year=2020)], ignore_index=True)
    out = parcel_scores(
        parcels=PARCELS, allocation=extra, firm_scores=SCORES, firms=FIRMS, years=[2023]
    )
    pd.testing.assert_frame_equal(out, ps, check_exact=True)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _plain_sum(values) -> float:
    """Added one by one from 0.0, missing values skipped (0.0 when none is known)."""
    total = 0.0
    for v in values:
        if not _missing(v):
            total += float(v)
    return total


def _strict_sum(values) -> float | None:
    """Added one by one from 0.0; None when any value is missing (missing is never 0)."""
    values = list(values)
    if any(_missing(v) for v in values):
        return None
    return _plain_sum(values)


def reference_parcel_scores(
    parcels: pd.DataFrame,
    allocation: pd.DataFrame,
    firm_scores: pd.DataFrame,
    firms: pd.DataFrame,
    years: list[int],
) -> pd.DataFrame:
    """One row per parcel and year, the roll-up rules written as loops.

    1. Each occupant (parcel_id, year, uscc) sums its allocation rows in row order.
    2. A parcel-year's occupants are ranked by land (most first, unknown last), then score
       (higher first, missing last), then uscc (missing last); the first is the main
       occupant. Names: the firm-year's, else the registry's, else the uscc. A list with a
       missing uscc or name is missing as a whole.
    3. Every parcel (sorted by parcel_id, missing last, then position) gets a row for each
       year: sums over its occupants in rank order (missing where an occupant's is: an
       occupant's own sum is missing where one of its rows is), per-mu values over its whole
       area, and the share of its area not used by an occupant with a missing amount.
    """
    occupants: dict[tuple, dict[str, list]] = {}
    for row in allocation.itertuples(index=False):
        if _missing(row.parcel_id) or _missing(row.year):
            continue
        uscc = None if _missing(row.uscc) else row.uscc
        sums = occupants.setdefault((row.parcel_id, int(row.year)), {}).setdefault(
            uscc, {"land_m2": [], "tax": [], "value_added": []}
        )
        for c in sums:
            sums[c].append(getattr(row, c))
    firm_year = {}
    for i, (u, y) in enumerate(zip(firm_scores["uscc"], firm_scores["year"], strict=True)):
        firm_year.setdefault((u, int(y)), firm_scores.iloc[i])
    registry = {}
    for i, u in enumerate(firms["uscc"]):
        registry.setdefault(u, firms.iloc[i])

    def known(value):
        return None if _missing(value) else value

    def ranked(pid: str, year: int) -> list[dict]:
        rows = []
        for uscc, sums in occupants.get((pid, year), {}).items():
            fs = firm_year.get((uscc, year)) if uscc is not None else None
            reg = registry.get(uscc) if uscc is not None else None
            land = [v for v in sums["land_m2"] if not _missing(v)]
            land = _plain_sum(land) if land else None
            score = None if fs is None else known(fs["score"])
            name = (None if fs is None else known(fs["name"])) or (
                None if reg is None else known(reg["name"])
            )
            industry = (None if fs is None else known(fs["industry_code"])) or (
                None if reg is None else known(reg["industry_code"])
            )
            rows.append(
                {
                    "uscc": uscc,
                    "name": name or uscc,
                    "industry": industry,
                    "class": None if fs is None else known(fs["class"]),
                    "land": land,
                    "tax": _strict_sum(sums["tax"]),
                    "value_added": _strict_sum(sums["value_added"]),
                    "key": (
                        land is None,
                        -(land or 0.0),
                        score is None,
                        -(score or 0.0),
                        uscc is None,
                        uscc or "",
                    ),
                }
            )
        return sorted(rows, key=lambda r: r["key"])

    def joined(values: list) -> str | None:
        return None if any(v is None for v in values) else ";".join(values)

    def place(i: int, year: int) -> tuple:
        pid = parcels["parcel_id"].iloc[i]
        return (_missing(pid), "" if _missing(pid) else pid, year, i)

    cells = sorted(
        ((i, year) for i in range(len(parcels)) for year in set(years)),
        key=lambda cell: place(*cell),
    )
    out = []
    for i, year in cells:
        pid = parcels["parcel_id"].iloc[i]
        area = float(parcels["area_m2"].iloc[i])
        occ = ranked(pid, year) if not _missing(pid) else []
        main = occ[0] if occ else {}
        occupied = _plain_sum(o["land"] for o in occ)
        tax = _strict_sum(o["tax"] for o in occ)
        va = _strict_sum(o["value_added"] for o in occ)
        tax = NAN if tax is None else tax
        va = NAN if va is None else va
        # Land of occupants with a missing tax or value added (unknown land counts 0).
        unknown = _plain_sum(o["land"] for o in occ if o["tax"] is None or o["value_added"] is None)
        if not occ:
            known_share = 1.0
        elif area > 0:
            known_share = max(0.0, min(1.0, 1.0 - unknown / area))
        else:
            known_share = NAN
        area_mu = area / M2_PER_MU
        out.append(
            {
                "parcel_id": pid,
                "year": year,
                "area_m2": area,
                "area_mu": area_mu,
                "occupied_m2": occupied,
                "unused_m2": max(area - occupied, 0.0),
                "n_occupants": sum(o["uscc"] is not None for o in occ),
                "occupants": joined([o["uscc"] for o in occ]) if occ else None,
                "occupant_names": joined([o["name"] for o in occ]) if occ else None,
                "main_uscc": main.get("uscc"),
                "main_name": main.get("name"),
                "main_industry": main.get("industry"),
                "tax": tax,
                "value_added": va,
                "tax_per_mu": tax / area_mu if area_mu else NAN,
                "va_per_mu": va / area_mu if area_mu else NAN,
                "known_share": known_share,
                "class": main.get("class"),
                "county_code": parcels["county_code"].iloc[i],
            }
        )
    frame = pd.DataFrame(out, columns=[*RESULT_COLUMNS["parcel_scores"], "county_code"])
    text = ["parcel_id", "occupants", "occupant_names", "main_uscc", "main_name"]
    for c in [*text, "main_industry", "class", "county_code"]:
        frame[c] = frame[c].astype("str")
    frame["year"] = frame["year"].astype("int64")
    frame["n_occupants"] = frame["n_occupants"].astype("int64")
    return frame


@pytest.mark.parametrize("seed", range(6))
def test_parcel_scores_equal_the_reference(seed):
    parcels, land, fs, firms, years = random_roll_up(seed)
    alloc = allocate(land, firm_scores=fs, firms=firms)
    got = parcel_scores(parcels=parcels, allocation=alloc, firm_scores=fs, firms=firms, years=years)
    expected = reference_parcel_scores(parcels, alloc, fs, firms, years)
    assert_frame_equal(got, expected, check_exact=True)
    assert (got["n_occupants"] > 1).any()
    # The same from a shuffled allocation (its occupants are sorted first).
    shuffled = alloc.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    again = parcel_scores(
        parcels=parcels, allocation=shuffled, firm_scores=fs, firms=firms, years=years
    )
    assert_frame_equal(again, expected, check_exact=True)


def test_parcel_scores_with_awkward_occupants_equal_the_reference():
    parcels, land, fs, firms, years = random_roll_up(4, extra_firms=300)
    alloc = allocate(land, firm_scores=fs, firms=firms)
    # Occupants without a uscc, a parcel or a year, missing land, a year far from the rest
    # (the firm-year lookup then searches the sorted firm-years).
    alloc = alloc.copy(deep=True).astype({"uscc": "str", "parcel_id": "str"})
    alloc["year"] = alloc["year"].astype("Int64")
    alloc.loc[alloc.index[0], "uscc"] = None
    alloc.loc[alloc.index[1], "parcel_id"] = None
    alloc.loc[alloc.index[2], "year"] = pd.NA
    alloc.loc[alloc.index[3:5], "land_m2"] = NAN
    fs = pd.concat([fs, fs.iloc[:1].assign(year=1990)], ignore_index=True)
    alloc = pd.concat([alloc, alloc.iloc[5:6].assign(year=1990)], ignore_index=True)
    years = [*years, 1990]
    got = parcel_scores(parcels=parcels, allocation=alloc, firm_scores=fs, firms=firms, years=years)
    expected = reference_parcel_scores(parcels, alloc, fs, firms, years)
    assert_frame_equal(got, expected, check_exact=True)


def test_parcel_scores_refuse_a_repeated_firm_year():
    parcels, land, fs, firms, years = random_roll_up(0)
    alloc = allocate(land, firm_scores=fs, firms=firms)
    repeated = pd.concat([fs, fs.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="more than one row for a firm-year"):
        parcel_scores(
            parcels=parcels, allocation=alloc, firm_scores=repeated, firms=firms, years=years
        )

"""Tax, output, firm attributes and land joined per firm-year (landeval.mu_scoring.firm_years).

The join on uscc codes in numpy is checked against the same join written as SQL
(:data:`JOIN_SQL`, run in DuckDB), on random tables, with a table over every (year, uscc)
cell and with the sorted cells that occur.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from landeval._arrow import sorted_dictionary
from landeval.mu_scoring import firm_years
from landeval.mu_scoring.firm_years import FIRM_YEAR_COLUMNS, assemble_firm_years

NAN = float("nan")

FIRMS = pd.DataFrame(
    {
        "uscc": ["a", "b"],
        "name": ["甲", "乙"],
        "industry_code": ["C17", "C26"],
        "county_code": ["330602", "330603"],
        "scale": ["above", "below"],
        "start_year": [2010, 2015],
    }
)
LAND = pd.DataFrame(
    {
        "uscc": ["a", "a", "b"],
        "year": [2023, 2023, 2023],
        "parcel_id": ["P", "Q", "R"],
        "relation": ["own", "lease", "own"],
        "land_m2": [2000.0, 1000.0, 500.0],
    }
)


def _run(tax: pd.DataFrame, out: pd.DataFrame, **kw):
    return assemble_firm_years(firms=FIRMS, firm_tax=tax, firm_output=out, land=LAND, **kw)


def test_full_outer_join_keeps_both_sides_with_findings():
    tax = pd.DataFrame({"uscc": ["a", "b"], "year": [2023, 2022], "tax": [30.0, 5.0]})
    out = pd.DataFrame({"uscc": ["a", "x"], "year": [2023, 2023], "value_added": [90.0, 7.0]})
    fy, found = _run(tax, out)
    assert list(fy.columns) == FIRM_YEAR_COLUMNS
    keyed = fy.set_index(["uscc", "year"])
    assert sorted(keyed.index) == [("a", 2023), ("b", 2022), ("x", 2023)]
    a = keyed.loc[("a", 2023)]
    assert (a["tax"], a["value_added"], a["land_m2"]) == (30.0, 90.0, 3000.0)
    assert a["land_mu"] == pytest.approx(4.5)
    assert a["name"] == "甲"
    b = keyed.loc[("b", 2022)]
    assert np.isnan(b["value_added"])
    assert b["land_m2"] == 0.0  # land only in 2023
    assert bool(b["has_tax"]) and not bool(b["has_output"])
    x = keyed.loc[("x", 2023)]
    assert np.isnan(x["tax"])
    assert not bool(x["in_registry"])
    codes = sorted(zip(found["code"], found["row_id"], strict=True))
    assert codes == [
        ("FIRM_NOT_IN_REGISTRY", "x"),
        ("OUTPUT_WITHOUT_TAX", "x"),
        ("TAX_WITHOUT_OUTPUT", "b"),
    ]
    assert set(found["severity"]) == {"warning"}


def test_duplicates_are_summed_with_a_warning():
    tax = pd.DataFrame({"uscc": ["a", "a"], "year": [2023, 2023], "tax": [10.0, 20.0]})
    out = pd.DataFrame({"uscc": ["a"], "year": [2023], "value_added": [90.0], "energy_tce": [NAN]})
    fy, found = _run(tax, out)
    assert fy["tax"].tolist() == [30.0]
    assert np.isnan(fy["energy_tce"].iloc[0])  # a missing figure stays missing
    assert found["code"].tolist() == ["DUPLICATE_FIRM_YEAR"]
    assert "2条记录" in found["message"].iloc[0]


def test_years_restrict_rows():
    tax = pd.DataFrame({"uscc": ["a", "a"], "year": [2022, 2023], "tax": [1.0, 2.0]})
    out = pd.DataFrame({"uscc": ["a", "a"], "year": [2022, 2023], "value_added": [3.0, 4.0]})
    fy, _ = _run(tax, out, years=[2023])
    assert fy["year"].tolist() == [2023]
    assert fy["tax"].tolist() == [2.0]


def test_optional_columns_may_be_absent():
    tax = pd.DataFrame({"uscc": ["a"], "year": [2023], "tax": [1.0]})
    out = pd.DataFrame({"uscc": ["a"], "year": [2023], "value_added": [3.0]})
    fy, found = _run(tax, out)
    assert np.isnan(fy["electricity_kwh"].iloc[0])
    assert np.isnan(fy["employees"].iloc[0])
    assert len(found) == 0


def _random_firm_years(seed: int):
    rng = np.random.default_rng(seed)
    usccs = np.array(["a", "b", "c", "d", "中", "x"], dtype=object)
    firms = pd.DataFrame(
        {
            "uscc": ["a", "b", "c", "a", None],
            "name": ["甲", "乙", None, "甲2", "无"],
            "industry_code": ["C17", "C26", "C30", "C31", "C32"],
            "county_code": "330602",
            "scale": ["above", "below", "above", "below", "above"],
            "start_year": [2010, None, 2015, 2011, 2012],
        }
    )

    def side(n: int, values: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame({"uscc": rng.choice(usccs, n), "year": rng.integers(2020, 2026, n)})
        for c in values:
            frame[c] = rng.choice([1.5, 2.25, NAN], n)
        return frame

    tax = side(25, ["tax", "electricity_kwh"])
    out = side(25, ["value_added", "revenue", "employees"])
    land = pd.DataFrame(
        {
            "uscc": rng.choice(usccs, 20),
            "year": rng.integers(2021, 2025, 20),
            "parcel_id": "P",
            "relation": "own",
            "land_m2": rng.choice([100.0, 250.0], 20),
        }
    )
    return firms, tax, out, land


# The full join of the tax and output sides with the land, as SQL states it.
JOIN_SQL = """
WITH j AS (SELECT * FROM t FULL JOIN o USING (_u, year))
SELECT j._u, j.year,
       coalesce(j.n_tax, 0) AS n_tax, coalesce(j.n_out, 0) AS n_out,
       coalesce(l.land_m2, 0.0) AS land_m2,
       {values}
FROM j
LEFT JOIN l ON l._u = j._u AND l.year = j.year
WHERE j.year IN (SELECT year FROM years)
ORDER BY j.year, j._u
"""


def _sides(firms, tax, out, land, years):
    """The coded tax, output and land tables the join works on."""
    t = firm_years._firm_year_sums(tax, firm_years.TAX_VALUES, count="n_tax")
    o = firm_years._firm_year_sums(out, firm_years.OUTPUT_VALUES, count="n_out")
    usccs = sorted_dictionary(t["uscc"], o["uscc"])
    t, o = firm_years._coded(t, usccs), firm_years._coded(o, usccs)
    lnd = firm_years._land_per_code(land, usccs)
    if years is None:
        years = sorted(set(t["year"].to_pylist()) | set(o["year"].to_pylist()))
    return t, o, lnd, pd.Series(sorted(set(years)), dtype="int64"), len(usccs)


def _by_sql(t, o, lnd, years) -> pd.DataFrame:
    values = ", ".join(f"j.{c}" for c in (*firm_years.TAX_VALUES, *firm_years.OUTPUT_VALUES))
    with duckdb.connect() as con:
        for name, table in (("t", t), ("o", o), ("l", lnd)):
            con.register(name, table)
        con.register("years", pd.DataFrame({"year": years}))
        return con.sql(JOIN_SQL.format(values=values)).to_arrow_table().to_pandas()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("years", [None, [2022, 2023, 2024], "spread"])
def test_join_equals_the_sql_join(seed, years):
    firms, tax, out, land = _random_firm_years(seed)
    spread = years == "spread"
    if spread:
        # Years over a long span: too many (year, uscc) cells for a table of them all, so
        # the join goes through the sorted cells that occur.
        rng = np.random.default_rng(seed)
        many = [f"u{i}" for i in range(30)]
        tax = tax.assign(year=rng.integers(1900, 2026, len(tax)), uscc=rng.choice(many, len(tax)))
        out = out.assign(year=rng.integers(1900, 2026, len(out)), uscc=rng.choice(many, len(out)))
        years = None
    t, o, lnd, listed, n_codes = _sides(firms, tax, out, land, years)
    if spread:
        assert len(listed) * n_codes > 4 * (t.num_rows + o.num_rows + lnd.num_rows) + 16
    got = firm_years._joined(t, o, lnd, years=listed, n_codes=n_codes).to_pandas()
    expected = _by_sql(t, o, lnd, listed)
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)
    assert len(got)


@pytest.mark.parametrize("empty", ["tax", "out"])
def test_join_with_an_empty_side_equals_the_sql_join(empty):
    firms, tax, out, land = _random_firm_years(0)
    tax = tax.iloc[:0] if empty == "tax" else tax
    out = out.iloc[:0] if empty == "out" else out
    t, o, lnd, listed, n_codes = _sides(firms, tax, out, land, None)
    got = firm_years._joined(t, o, lnd, years=listed, n_codes=n_codes).to_pandas()
    pd.testing.assert_frame_equal(
        got, _by_sql(t, o, lnd, listed), check_exact=True, check_dtype=False
    )
    fy, _ = assemble_firm_years(firms=firms, firm_tax=tax, firm_output=out, land=land)
    assert fy["has_tax"].any() == (empty != "tax")

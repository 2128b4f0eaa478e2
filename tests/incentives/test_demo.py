"""The demo's measures: every amount is its basis × rate, every basis what the inputs say."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import landeval

pytestmark = pytest.mark.slow  # evaluates the demo (several seconds)

YEAR = 2024


@dataclass(frozen=True)
class _Measures:
    firm_incentives: pd.DataFrame
    incentive_totals: pd.DataFrame
    findings: pd.DataFrame


@pytest.fixture(scope="module")
def demo():
    """The demo evaluated by the pipeline (which computes the measures after the zoning)."""
    config, inputs = landeval.load_project()
    evaluation = landeval.evaluate(inputs, config, year=YEAR)
    tables = evaluation.tables
    findings = evaluation.findings
    mine = findings[findings["code"].str.startswith("INCENTIVE_")].reset_index(drop=True)
    result = _Measures(tables["firm_incentives"], tables["incentive_totals"], mine)
    return config, inputs, tables["firm_scores"], result


def test_every_measure_applies_to_some_firm(demo):
    config, _, _, result = demo
    rows = result.firm_incentives
    assert set(rows["code"]) == {m.code for m in config.incentives}
    assert (rows["applies_year"] == YEAR + 1).all()
    assert rows["note"].str.contains("示例费率").all()


def test_every_amount_is_basis_times_rate(demo):
    rows = demo[3].firm_incentives
    known = rows["basis_value"].notna()
    assert known.mean() > 0.95
    np.testing.assert_allclose(
        rows.loc[known, "amount"], rows.loc[known, "basis_value"] * rows.loc[known, "rate"]
    )
    money = rows["kind"] != "quota"
    pd.testing.assert_series_equal(
        rows.loc[money, "amount_yuan"], rows.loc[money, "amount"], check_names=False
    )
    assert rows.loc[~money, "amount_yuan"].isna().all()


def test_a_missing_basis_is_no_amount_and_a_finding(demo):
    rows, findings = demo[3].firm_incentives, demo[3].findings
    missing = rows[rows["basis_value"].isna()]
    assert len(missing)  # the demo leaves some wastewater figures out
    assert missing["amount"].isna().all()
    flagged = findings[findings["code"] == "INCENTIVE_BASIS_MISSING"]
    assert sorted(zip(flagged["row_id"], flagged["field"], strict=True)) == sorted(
        zip(missing["uscc"], missing["basis"], strict=True)
    )


@pytest.mark.parametrize(
    ("basis", "table", "column"),
    [
        ("electricity_kwh", "firm_tax", "electricity_kwh"),
        ("wastewater_t", "firm_tax", "wastewater_t"),
        ("energy_tce", "firm_output", "energy_tce"),
    ],
)
def test_firm_bases_are_the_input_figures(demo, basis, table, column):
    _, inputs, _, result = demo
    frame = getattr(inputs, table)
    this_year = frame[frame["year"] == YEAR]
    expected = this_year.groupby("uscc")[column].sum(min_count=1)
    rows = result.firm_incentives
    rows = rows[rows["basis"] == basis]
    assert len(rows)
    got = rows.set_index("uscc")["basis_value"]
    np.testing.assert_allclose(got, expected.reindex(got.index).to_numpy())


def test_land_use_tax_is_the_owned_parcels_times_the_county_rate(demo):
    config, inputs, _, result = demo
    occ = inputs.occupancy
    own = occ[(occ["relation"] == "own") & (occ["from_year"].fillna(0) <= YEAR)]
    own = own[own["to_year"].isna() | (own["to_year"] >= YEAR)]
    parcels = inputs.parcels.set_index("parcel_id")
    rate = parcels["county_code"].map(config.incentives_settings.land_tax_rate)
    due = (parcels["area_m2"] * rate).reindex(own["parcel_id"]).groupby(own["uscc"].to_numpy())
    expected = due.sum()
    rows = result.firm_incentives
    rows = rows[rows["basis"] == "land_use_tax"].set_index("uscc")
    assert len(rows) > 100
    np.testing.assert_allclose(
        rows["basis_value"], expected.reindex(rows.index).fillna(0.0).to_numpy(), rtol=1e-9
    )


def test_the_measures_follow_the_final_class(demo):
    _, inputs, firm_scores, result = demo
    rows = result.firm_incentives
    this_year = firm_scores[firm_scores["year"] == YEAR].set_index("uscc")
    classes = this_year["class"]
    assert (rows["class"].to_numpy() == classes.reindex(rows["uscc"]).to_numpy()).all()
    # a closed firm (停业, 注销, 吊销) gets no measure
    closed = set(this_year.index[this_year["status"].isin(["停业", "注销", "吊销"])])
    assert not closed & set(rows["uscc"])
    # every open D firm pays one electricity surcharge: 0.4 when D three years running, else 0.3
    d_firms = set(classes[classes == "D"].index) - closed
    elec = rows[rows["basis"] == "electricity_kwh"]
    assert set(elec["uscc"]) == d_firms
    assert elec.groupby("uscc").size().max() == 1
    assert (elec.loc[elec["code"] == "ELEC_D3", "consecutive_years"] >= 3).all()
    assert (elec.loc[elec["code"] == "ELEC_D", "consecutive_years"] < 3).all()
    # a firm on the negative list is charged as D
    vetoed = set(inputs.veto.loc[inputs.veto["year"] == YEAR, "uscc"]) & set(classes.index)
    vetoed -= closed
    assert vetoed
    on_list = rows[rows["uscc"].isin(vetoed)]
    assert set(on_list["uscc"]) == vetoed
    assert (on_list["class"] == "D").all()
    assert on_list["note"].str.startswith("负面清单").all()


def test_totals_add_up_to_the_rows(demo):
    result = demo[3]
    rows, totals = result.firm_incentives, result.incentive_totals
    city = totals[totals["county_code"] == "city"].set_index("code")
    sums = rows.groupby("code")["amount"].sum()
    np.testing.assert_allclose(city["amount"], sums.reindex(city.index).to_numpy())
    counties = totals[totals["county_code"] != "city"]
    by_measure = counties.groupby("code")["n_subject"].sum()
    assert by_measure.to_dict() == city["n_subject"].to_dict()

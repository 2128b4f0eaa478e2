"""The facts the flags read (landeval.treatments.facts), on the hand-made parcels of the
flag tests: where each fact comes from when several tables could give it.
"""

import numpy as np
import pandas as pd
import pytest

import tests.treatments.test_flags as hand  # the hand-made parcels of the flag tests
from landeval.config import default_config
from landeval.treatments.facts import FACT_COLUMNS, parcel_facts


def _facts(**over) -> pd.DataFrame:
    kwargs = {
        "parcels": hand.parcels(),
        "parcel_scores": hand.parcel_scores(),
        "parcel_raster": hand.parcel_raster(),
        "firms": hand.firms(),
        "firm_scores": hand.firm_scores(),
        "veto": hand.veto(),
        "allocation": hand.allocation(),
        "config": default_config(),
        "year": hand.YEAR,
    }
    facts = parcel_facts(**(kwargs | over))
    assert list(facts.columns) == FACT_COLUMNS
    return pd.DataFrame(facts.columns).set_index("parcel_id")


def test_far_from_the_raster_row_else_the_registered_floor_area():
    parcels = hand.parcels()
    parcels.loc[parcels["parcel_id"] == "p1", "floor_area_m2"] = 900.0
    raster = hand.parcel_raster()
    raster.loc[raster["parcel_id"] == "p2", "far"] = np.nan
    got = _facts(parcels=parcels, parcel_raster=raster)
    # p1: the raster stage's FAR (which already chose between registered and estimated).
    assert (got.loc["p1", "far"], got.loc["p1", "far_source"]) == (0.42, "raster")
    # p3: no raster row, 500 m² registered on 1000 m²; p2: raster FAR missing, none known.
    assert (got.loc["p3", "far"], got.loc["p3", "far_source"]) == (0.5, "registered")
    assert np.isnan(got.loc["p2", "far"]) and got.loc["p2", "far_source"] == "none"
    assert got["has_raster"].tolist() == [True, True, False, True, True, True, True, False, False]


def test_facts_without_any_scoring_table():
    got = _facts(parcel_scores=None, allocation=None, firms=None, firm_scores=None, veto=None)
    assert got["main_uscc"].isna().all() and got["class"].isna().all()
    assert np.isnan(got["county_tax_per_mu"]).all()
    assert got["far_min"].tolist() == pytest.approx([1.0] * 9)  # no industry: the default
    assert got["owner_names"].isna().all() and got["firm_actions_zh"].isna().all()
    assert not got["stopped_no_occupant"].any()  # no years in the data: not judged


def test_registry_fields_and_the_decisive_occupant():
    parcels = hand.parcels()
    parcels["location"] = ["越城区某路1号"] + [None] * 8
    parcels["township"] = ["斗门街道"] + [None] * 8
    parcels["title_no"] = ["浙(2020)绍兴市不动产权第0000001号"] + [None] * 8
    got = _facts(parcels=parcels)
    assert got.loc["p1", "location"] == "越城区某路1号"
    assert got.loc["p1", "township"] == "斗门街道"
    assert got.loc["p1", "title_no"].startswith("浙(2020)")
    # p6: F6 uses 60 %: decisive, its class and industry are the parcel's for the rules.
    assert got.loc["p6", "rule_class"] == "A" and got.loc["p6", "standard_industry"] == "C3911"
    # A parcel whose main occupant uses under half has no decisive occupant.
    alloc = hand.allocation()
    alloc.loc[alloc["uscc"] == "F6", "land_m2"] = 400.0
    alloc.loc[alloc["uscc"] == "F8", "land_m2"] = 300.0
    got = _facts(allocation=alloc)
    assert pd.isna(got.loc["p6", "rule_class"]) and pd.isna(got.loc["p6", "standard_industry"])
    assert got.loc["p6", "class"] == "A"  # the class shown is still the main occupant's
    assert got.loc["p6", "far_min"] == 1.0  # the general standard


def test_industry_lookup_order_of_sources_and_missing_keys():
    ps = hand.parcel_scores()
    ps.loc[ps["parcel_id"] == "p2", "main_industry"] = None  # looked up for F2
    ps.loc[ps["parcel_id"] == "p5", "main_industry"] = ""  # looked up for F5
    firms = pd.DataFrame(
        {"uscc": ["F8", None, "F2", "F2"], "industry_code": ["C2611", "C3911", None, "C1811"]}
    )
    scores = pd.DataFrame(
        {
            "uscc": ["F5", "F2", "F5"],
            "year": [2024, 2024, 2023],
            "industry_code": ["C2911", "C9999", "C1000"],
        }
    )
    expected = {
        # firms first (F2's first row has no industry), then this year's firm scores; a
        # parcel without occupant (p3) takes the firm row without uscc, as a pandas
        # lookup matches missing to missing; an empty industry is no industry.
        "both": {"p2": "C1811", "p3": "C3911", "p5": "C2911"},
        "scores": {"p2": "C9999", "p3": None, "p5": "C2911"},
        "firms": {"p2": "C1811", "p3": "C3911", "p5": None},
    }
    for case, sources in (
        ("both", {"firms": firms, "firm_scores": scores}),
        ("scores", {"firms": None, "firm_scores": scores}),
        ("firms", {"firms": firms, "firm_scores": None}),
    ):
        got = _facts(parcel_scores=ps, **sources)["industry_code"]
        for pid, code in expected[case].items():
            assert (pd.isna(got[pid]) and code is None) or got[pid] == code, (case, pid)
        assert got["p1"] == "C1711"

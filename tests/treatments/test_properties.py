"""A tenant is not its parcel (issue 20): a property over random parcels.

On every parcel, tenants that together use under half of it are given random firm troubles
— classes C and D (one, two or three years), the negative list, a phase-out industry, a
closed status, another industry — while every figure of the parcel (its tax, value added,
FAR, coverage, vacancy, use, contract dates) stays the same. The parcel's treatment, rule,
deciding flags and path must not move: a tenant using under half of a parcel decides it only
through the parcel's own figures. The occupants using the other half are either flag-free
(class A or B) or one firm holding at least half, whose own troubles are the parcel's in
both versions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.config import load_config
from tests.treatments._scenarios import Firm, Parcel, world

COLUMNS = ["treatment", "rule", "matched_flags", "flags", "path_code", "capacity_potential"]
CONFIG = load_config(None, flags={"phase_out_industries": ["C2611"]})
CLASSES = ["A", "B", "C", "D", "T"]


def _troubled(rng: np.random.Generator, uscc: str, tax: float, va: float) -> Firm:
    d_years = int(rng.integers(0, 4))
    classes = tuple(
        "D" if k < d_years else str(rng.choice(CLASSES, p=[0.1, 0.3, 0.4, 0.1, 0.1]))
        for k in range(3)
    )
    return Firm(
        uscc,
        industry=str(rng.choice(["C2611", "C1711", "C3911", "D4411"])),
        classes=classes,  # type: ignore[arg-type]
        tax=tax,
        value_added=va,
        scale=str(rng.choice(["above", "below"])),
        status=str(rng.choice(["存续", "停业", "注销", "吊销"], p=[0.4, 0.2, 0.2, 0.2])),
        veto=str(rng.choice(["环保处罚", "安全事故"])) if rng.random() < 0.4 else None,
    )


def _clean(uscc: str, tax: float, va: float, klass: str) -> Firm:
    return Firm(uscc, industry="C3411", classes=(klass, klass, klass), tax=tax, value_added=va)


def _worlds(seed: int, n: int = 40):
    """The same parcels twice: tenants under half troubled, then untroubled."""
    rng = np.random.default_rng(seed)
    parcels, troubled, calm = [], [], []
    for i in range(n):
        mu = float(rng.uniform(10, 80))
        dirty_share = float(rng.uniform(0.02, 0.49))
        k_dirty = int(rng.integers(1, 5))
        dirty = rng.dirichlet(np.ones(k_dirty)) * dirty_share
        rest = 1.0 - dirty_share - float(rng.uniform(0, 0.05))  # a little may be unused
        big = rng.random() < 0.5 and rest >= 0.5
        k_clean = 1 if big else int(rng.integers(1, 4))
        clean = rng.dirichlet(np.ones(k_clean)) * rest
        occupants, ids = [], []
        for j, share in enumerate(clean):
            uscc = f"P{i}C{j}"
            tax, va = float(rng.uniform(0, 400)), float(rng.uniform(0, 900))
            relation = "own" if j == 0 else "lease"
            occupants.append((uscc, relation, share * mu))
            if big:  # one firm with at least half: its own troubles, the same in both
                firm = _troubled(rng, uscc, tax, va)
                troubled.append(firm)
                calm.append(firm)
            else:
                klass = str(rng.choice(["A", "B"]))
                troubled.append(_clean(uscc, tax, va, klass))
                calm.append(_clean(uscc, tax, va, klass))
        for j, share in enumerate(dirty):
            uscc = f"P{i}D{j}"
            tax, va = float(rng.uniform(0, 200)), float(rng.uniform(0, 400))
            occupants.append((uscc, "lease", share * mu))
            troubled.append(_troubled(rng, uscc, tax, va))
            calm.append(_clean(uscc, tax, va, "B"))
            ids.append(uscc)
        built = None if rng.random() < 0.1 else int(rng.integers(1985, 2020))
        parcels.append(
            Parcel(
                f"p{i:03d}",
                mu,
                occupants,
                far=float(rng.uniform(0.0, 2.0)),
                coverage=float(rng.uniform(0.1, 0.7)),
                vacant=float(rng.choice([0.0, 0.2, 0.6])),
                built_year=built,
                planned_use=str(rng.choice(["100101", "100102", "0701"], p=[0.6, 0.3, 0.1])),
                platform="SW" if rng.random() < 0.3 else None,
                contract_start="2021-06-01" if rng.random() < 0.1 else None,
            )
        )
    return parcels, troubled, calm


def _check(seed: int) -> None:
    parcels, troubled, calm = _worlds(seed)
    platforms = {"SW": "小微企业园"}
    a = world(parcels, troubled, platforms=platforms, config=CONFIG).parcel_eval
    b = world(parcels, calm, platforms=platforms, config=CONFIG).parcel_eval
    pd.testing.assert_frame_equal(
        a[["parcel_id", *COLUMNS]], b[["parcel_id", *COLUMNS]], check_exact=True
    )
    # The troubles are not lost: they are firm actions where they would have mattered.
    assert (a["firm_actions_zh"].notna() | b["firm_actions_zh"].isna()).all()


def test_tenants_under_half_never_decide_the_parcel():
    _check(20)


@pytest.mark.slow
@settings(deadline=None, max_examples=6, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1))
def test_tenants_under_half_never_decide_the_parcel_property(seed):
    _check(seed)

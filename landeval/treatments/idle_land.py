"""IDLE_LAND (闲置土地, 闲置土地处置办法 部令53号) from the land-sale contract's dates (DESIGN §5).

Land is idle when, at the reference date (``flags.reference_date``, else 31 December of the
evaluation year):

- it has not been started more than ``flags.idle_land_fee_years`` (one year) after the
  contract's start date (约定动工日期): no actual start date (实际动工日期) and no developed
  share; it has been idle since the contract's start date; or
- it was started but less than ``flags.idle_land_max_developed`` (a third) of it is developed
  (开发比例) and it showed no activity in the evaluation year (no occupant, or no tax and no
  value added), more than that long after its actual start. The law counts from the day
  construction stopped, which the data do not hold: the years idle are counted from the
  actual start (an upper bound) and the decision is marked for checking.

Delays the government caused (``gov_delay``: 是, yes, true, 1, 政府原因) are excluded. Idle
from one to two years (``idle_land_recover_years``) → 征收闲置费; two years or more → 无偿收回
(the suggested path, :mod:`landeval.treatments.paths`).

A parcel without the contract's dates is never IDLE_LAND: built land that stopped producing
is STOPPED (停产), which is not idle land in law and cannot be taken back free of charge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landeval._arrow import per_value, text_array
from landeval.config import Config

_DAYS_A_YEAR = 365.25
_TRUE = frozenset({"是", "y", "yes", "true", "t", "1", "政府原因", "政府原因延期"})
# A developed share above this is read as a percentage (开发比例 30 for 30 %).
_PERCENT_ABOVE = 1.0


@dataclass(frozen=True)
class IdleLand:
    """Per parcel: the flag, the years idle, how it was found, the government's delays.

    ``idle`` is IDLE_LAND; ``years`` the years idle (NaN where not idle); ``stalled`` marks
    land that was started and stopped (years estimated); ``gov_delay`` land the government's
    delay excludes; ``developed_share`` the share developed (0–1, NaN unknown).
    """

    idle: np.ndarray
    years: np.ndarray
    stalled: np.ndarray
    gov_delay: np.ndarray
    developed_share: np.ndarray


def idle_land(
    parcels: pd.DataFrame, *, inactive: np.ndarray, config: Config, year: int
) -> IdleLand:
    """IDLE_LAND of every parcel from its contract dates.

    Parameters
    ----------
    parcels : DataFrame
        Canonical parcels; the optional contract columns may be absent.
    inactive : ndarray of bool
        No occupant, or no tax and no value added, in the evaluation year.
    config : Config
        ``[flags]`` idle-land settings.
    year : int
        Evaluation year (the default reference date is its 31 December).

    Returns
    -------
    IdleLand
    """
    fl = config.flags
    n = len(parcels)
    ref = pd.Timestamp(fl.reference(year))
    contract = _dates(parcels, "contract_start_date")
    actual = _dates(parcels, "actual_start_date")
    developed = _numbers(parcels, "developed_share")
    developed = np.where(developed > _PERCENT_ABOVE, developed / 100.0, developed)
    delay = (
        per_value(text_array(parcels["gov_delay"]), _is_true, dtype=bool)
        if "gov_delay" in parcels.columns
        else np.zeros(n, dtype=bool)
    )
    since_contract = _years_between(contract, ref)
    since_start = _years_between(actual, ref)
    not_started = (
        ~np.isnan(since_contract)
        & actual.isna().to_numpy()
        & ~(np.nan_to_num(developed, nan=0.0) > 0)
        & (since_contract > fl.idle_land_fee_years)
    )
    stalled = (
        ~np.isnan(since_start)
        & ~np.isnan(developed)
        & (developed < fl.idle_land_max_developed)
        & np.asarray(inactive, dtype=bool)
        & (since_start > fl.idle_land_fee_years)
        & ~not_started
    )
    found = (not_started | stalled) & ~delay
    years = np.where(not_started, since_contract, np.where(stalled, since_start, np.nan))
    return IdleLand(
        idle=found,
        years=np.where(found, years, np.nan),
        stalled=stalled & found,
        gov_delay=delay & (not_started | stalled),
        developed_share=developed,
    )


def _is_true(text: str | None) -> bool:
    return text is not None and text.strip().lower() in _TRUE


def _dates(parcels: pd.DataFrame, col: str) -> pd.Series:
    if col not in parcels.columns:
        return pd.Series(pd.NaT, index=parcels.index, dtype="datetime64[ns]")
    return pd.to_datetime(parcels[col], errors="coerce")


def _numbers(parcels: pd.DataFrame, col: str) -> np.ndarray:
    if col not in parcels.columns:
        return np.full(len(parcels), np.nan)
    return pd.to_numeric(parcels[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _years_between(start: pd.Series, ref: pd.Timestamp) -> np.ndarray:
    """Years from ``start`` to ``ref`` (NaN where ``start`` is missing)."""
    days = (ref - start).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    return days / _DAYS_A_YEAR


def reference_text(config: Config, year: int) -> str:
    """The reference date as the reasons write it (2024年12月31日)."""
    ref: dt.date = config.flags.reference(year)
    return f"{ref.year}年{ref.month}月{ref.day}日"

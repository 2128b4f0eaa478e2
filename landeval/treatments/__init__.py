"""Treatments: what to do with each parcel after scoring (DESIGN §5 flags, §6 四个一批).

The decisions, one module per step, in the order they run:

- :mod:`.facts` — the per-parcel facts the flags read: main occupant, industry, class,
  tax, FAR and its standard, coverage, vacancy, the county benchmark, activity, occupants on
  the phase-out or negative list;
- :mod:`.flags` — the low-efficiency flags, thresholds over the facts;
- :mod:`.rules` — the four treatments as ordered rules over the flags (first match decides);
- :mod:`.reasons` — the one sentence a reviewer reads aloud for each decision;
- :mod:`.treat` — :func:`treat_parcels`, which runs them and makes ``parcel_eval``.

Where a parcel is (platform, control line) comes before, from :mod:`landeval.zoning`; the
改一补一 balance that reads the decisions comes after, in :mod:`landeval.zoning.balance`.
"""

from landeval.treatments.facts import parcel_facts
from landeval.treatments.flags import compute_flags
from landeval.treatments.reasons import build_reasons
from landeval.treatments.rules import assign_treatments, decide, must_stay_industrial
from landeval.treatments.treat import PARCEL_EVAL_EXTRA_COLUMNS, treat_parcels

__all__ = [
    "PARCEL_EVAL_EXTRA_COLUMNS",
    "assign_treatments",
    "build_reasons",
    "compute_flags",
    "decide",
    "must_stay_industrial",
    "parcel_facts",
    "treat_parcels",
]

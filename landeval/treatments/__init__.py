"""Treatments: what to do with each parcel and firm after scoring (DESIGN §5 flags, §6 四个一批).

The decisions, one module per step, in the order they run:

- :mod:`.facts` — the per-parcel facts the flags read: registry fields, main occupant,
  industry, class, tax and how much of it is known, FAR and its standard, coverage,
  vacancy, the county benchmarks, activity, the land-sale contract;
- :mod:`.occupants` — a tenant is not its parcel: each occupant's firm flags (negative
  list, phase-out, classes), which become parcel flags only where the flagged firms use at
  least half of the parcel, and the firm actions (腾退, 整改) otherwise;
- :mod:`.idle_land` — 闲置土地 from the contract's dates (not 停产: a stopped factory);
- :mod:`.flags` — the low-efficiency flags, thresholds over the facts;
- :mod:`.rules` — the four treatments as ordered, class-aware rules over the flags (first
  match decides);
- :mod:`.paths` — the suggested path (处置路径) of each decision;
- :mod:`.checks` — which decisions rest on missing, imputed or suspect data (需核实);
- :mod:`.reasons` — the one sentence a reviewer reads aloud for each decision;
- :mod:`.treat` — :func:`treat_parcels`, which runs them and makes ``parcel_eval``,
  ``firm_actions`` and ``capacity_parcels`` (增容潜力).

Where a parcel is (platform, control line) comes before, from :mod:`landeval.zoning`; the
改一补一 balance that reads the decisions comes after, in :mod:`landeval.zoning.balance`.
"""

from landeval.treatments.checks import needs_check
from landeval.treatments.facts import parcel_facts
from landeval.treatments.flags import ParcelFlags, compute_flags
from landeval.treatments.idle_land import idle_land
from landeval.treatments.occupants import parcel_occupants
from landeval.treatments.paths import suggested_paths
from landeval.treatments.reasons import build_reasons
from landeval.treatments.rules import assign_treatments, decide, must_stay_industrial
from landeval.treatments.treat import PARCEL_EVAL_EXTRA_COLUMNS, TreatmentResult, treat_parcels

__all__ = [
    "PARCEL_EVAL_EXTRA_COLUMNS",
    "ParcelFlags",
    "TreatmentResult",
    "assign_treatments",
    "build_reasons",
    "compute_flags",
    "decide",
    "idle_land",
    "must_stay_industrial",
    "needs_check",
    "parcel_facts",
    "parcel_occupants",
    "suggested_paths",
    "treat_parcels",
]

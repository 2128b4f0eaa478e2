"""The four treatments (四个一批) as ordered rules over the flags (DESIGN §6).

The rules are data in ``config.treatments``; the first rule whose
:meth:`~landeval.config.TreatmentRule.matches` holds decides, else the parcel is KEEP (保留,
not on the action list). Rules are evaluated once per distinct set of flags, not per parcel:
a city has at most a few hundred distinct combinations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from landeval._arrow import STRING, encode, text_array, to_str
from landeval.config import FLAG_CODES, Config
from landeval.vocabulary import KEEP, TREATMENT_LABELS

KEEP_ZH = TREATMENT_LABELS[KEEP]["zh"]

TREATMENT_COLUMNS: list[str] = ["treatment", "treatment_zh", "rule", "matched_flags"]
"""Columns returned by :func:`assign_treatments`."""

MUST_STAY_INDUSTRIAL: frozenset[str] = frozenset({"EXIT", "REBUILD"})
"""Treatments whose land must stay industrial inside the control line (DESIGN §6)."""


def decide(flags: set[str], *, config: Config) -> tuple[str, str, str, str]:
    """Decide the treatment of one set of flags.

    Parameters
    ----------
    flags : set of str
        Flag codes set on a parcel.
    config : Config
        ``config.treatments``, in order.

    Returns
    -------
    tuple of str
        (treatment, treatment_zh, rule, matched_flags): the deciding rule's code and label,
        and the flags that made it match, ";"-joined in FLAG_CODES order (the rule named
        them and the parcel has them); ("KEEP", "保留", "KEEP", "") when no rule matches.
    """
    for rule in config.treatments:
        if rule.matches(flags):
            named = flags & rule.flags()
            matched = ";".join(c for c in FLAG_CODES if c in named)
            return rule.code, rule.label_zh, rule.code, matched
    return KEEP, KEEP_ZH, KEEP, ""


def assign_treatments(flags: pd.Series, *, config: Config) -> pd.DataFrame:
    """Decide the treatment of every parcel from its ";"-joined flag codes.

    Parameters
    ----------
    flags : Series of str
        The ``flags`` column of :func:`landeval.treatments.flags.compute_flags`.
    config : Config
        ``config.treatments``.

    Returns
    -------
    DataFrame
        :data:`TREATMENT_COLUMNS`, with the index of ``flags``.
    """
    # One decision per distinct set of flags; a missing value is no flag at all.
    codes, uniq = encode(text_array(flags))
    keys = [*uniq, ""]
    table = [decide(set(str(k).split(";")) - {""}, config=config) for k in keys]
    pick = pa.array(np.where(codes < 0, len(uniq), codes))
    return pd.DataFrame(
        {
            col: to_str(pa.array([row[i] for row in table], type=STRING).take(pick))
            for i, col in enumerate(TREATMENT_COLUMNS)
        },
        index=flags.index,
    )


def must_stay_industrial(treatment: pd.Series, inside_line: pd.Series) -> pd.Series:
    """True where a parcel inside the control line is to be exited or rebuilt."""
    return inside_line.astype(bool) & treatment.isin(sorted(MUST_STAY_INDUSTRIAL))

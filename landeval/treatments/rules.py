"""The four treatments (四个一批) as ordered rules over the flags (DESIGN §6).

The rules are data in ``config.treatments``; the first rule whose
:meth:`~landeval.config.TreatmentRule.matches` holds decides, else the parcel is KEEP (保留,
not on the action list). A rule's ``not_classes`` read the parcel's rule class: its decisive
occupant's class (the main occupant using at least half of it; none otherwise). A
COVERAGE_LOW decides nothing unless ``flags.coverage_decides``: it is left out of the flags
the rules see. Rules are evaluated once per distinct set of flags and class, not per parcel:
a city has at most a few hundred distinct combinations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import STRING, encode, null_strings, text_array, to_str
from landeval.config import FLAG_CODES, Config
from landeval.treatments._text import concat
from landeval.vocabulary import KEEP, TREATMENT_LABELS

KEEP_ZH = TREATMENT_LABELS[KEEP]["zh"]

TREATMENT_COLUMNS: list[str] = ["treatment", "treatment_zh", "rule", "matched_flags"]
"""Columns returned by :func:`assign_treatments`."""

MUST_STAY_INDUSTRIAL: frozenset[str] = frozenset({"EXIT", "REBUILD"})
"""Treatments whose land must stay industrial inside the control line (DESIGN §6)."""


def decide(
    flags: set[str],
    *,
    config: Config,
    parcel_class: str | None = None,
    coverage_decides: bool | None = None,
) -> tuple[str, str, str, str]:
    """Decide the treatment of one set of flags.

    Parameters
    ----------
    flags : set of str
        Flag codes set on a parcel.
    config : Config
        ``config.treatments``, in order; ``flags.coverage_decides``.
    parcel_class : str, optional
        The parcel's rule class (A–D, T; None when it has no decisive occupant).
    coverage_decides : bool, optional
        Whether COVERAGE_LOW may decide; None: ``flags.coverage_decides``.

    Returns
    -------
    tuple of str
        (treatment, treatment_zh, rule, matched_flags): the deciding rule's code and label,
        its name, and the flags that made it match, ";"-joined in FLAG_CODES order (the rule
        named them and the parcel has them); ("KEEP", "保留", "KEEP", "") when no rule
        matches.

    Examples
    --------
    >>> from landeval.config import default_config
    >>> decide({"FAR_LOW", "OLD_BUILDINGS"}, config=default_config(), parcel_class="A")
    ('KEEP', '保留', 'KEEP', '')
    >>> decide({"FAR_LOW"}, config=default_config(), parcel_class="C")[2:]
    ('UPGRADE_INTENSITY', 'FAR_LOW')
    """
    if coverage_decides is None:
        coverage_decides = config.flags.coverage_decides
    seen = flags if coverage_decides else flags - {"COVERAGE_LOW"}
    for rule in config.treatments:
        if rule.matches(seen, parcel_class):
            named = seen & rule.flags()
            matched = ";".join(c for c in FLAG_CODES if c in named)
            return rule.code, rule.label_zh, rule.rule_id, matched
    return KEEP, KEEP_ZH, KEEP, ""


def assign_treatments(
    flags: pd.Series,
    *,
    config: Config,
    classes: pd.Series | None = None,
    coverage_decides: bool | None = None,
) -> pd.DataFrame:
    """Decide the treatment of every parcel from its ";"-joined flag codes and rule class.

    Parameters
    ----------
    flags : Series of str
        The ``flags`` column of :func:`landeval.treatments.flags.compute_flags`.
    config : Config
        ``config.treatments``.
    classes : Series of str, optional
        Each parcel's rule class (``rule_class``); None: no parcel has one.
    coverage_decides : bool, optional
        Whether COVERAGE_LOW may decide; None: ``flags.coverage_decides`` (the treatments
        stage asks both ways, to see which decisions a raster-only coverage would change).

    Returns
    -------
    DataFrame
        :data:`TREATMENT_COLUMNS`, with the index of ``flags``.
    """
    # One decision per distinct (flags, class); a missing value is no flag at all.
    text = text_array(flags)
    cls = text_array(classes) if classes is not None else null_strings(len(text))
    pair = concat(pc.fill_null(text, ""), _SEP, pc.fill_null(cls, _NO_CLASS))
    codes, uniq = encode(pair)
    keys = [*uniq, _SEP + _NO_CLASS]
    table = []
    for key in keys:
        names, klass = str(key).rsplit(_SEP, 1)
        table.append(
            decide(
                set(names.split(";")) - {""},
                config=config,
                parcel_class=None if klass == _NO_CLASS else klass,
                coverage_decides=coverage_decides,
            )
        )
    pick = pa.array(np.where(codes < 0, len(uniq), codes))
    return pd.DataFrame(
        {
            col: to_str(pa.array([row[i] for row in table], type=STRING).take(pick))
            for i, col in enumerate(TREATMENT_COLUMNS)
        },
        index=flags.index,
    )


# Joins a parcel's flags and class into one key (neither holds it).
_SEP = "|"
_NO_CLASS = "-"


def must_stay_industrial(treatment: pd.Series, inside_line: pd.Series) -> pd.Series:
    """True where a parcel inside the control line is to be exited or rebuilt."""
    return inside_line.astype(bool) & treatment.isin(sorted(MUST_STAY_INDUSTRIAL))

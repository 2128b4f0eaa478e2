"""Completeness: a firm-year is classed only on data that carry at least half its weight.

DESIGN §5: a missing indicator scores the group's mean sub-score, but a firm-year whose known
indicators carry less than ``[scoring] min_known_weight`` (default 0.5) of its total weight is
not classed: class T with the reason 数据不全 and a finding. So a below-scale firm with no tax
row (both of its indicators need tax) is never scored on imputed values, and neither is an
above-scale firm with a tax row but no statistics row (30 of its 100 points known).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import join_masks
from landeval._format import format_numbers
from landeval.config import INDICATORS, Config
from landeval.mu_scoring._frames import findings_from
from landeval.mu_scoring.benchmarks import INDICATOR_ZH
from landeval.mu_scoring.groups import weights_array
from landeval.vocabulary import INCOMPLETE_DATA_ZH


def known_weight_shares(firm_years: pd.DataFrame, *, config: Config) -> np.ndarray:
    """Share of each firm-year's weight carried by indicators it has (NaN: no weight at all).

    Parameters
    ----------
    firm_years : DataFrame
        ``scale`` and the indicator columns (:func:`landeval.mu_scoring.compute_indicators`).
    config : Config
        ``[scoring]`` weights of each scale.

    Examples
    --------
    >>> from landeval.config import default_config
    >>> fy = pd.DataFrame({"scale": ["below", "below", "above"], "tax_per_mu": [2.0, np.nan, 1.0],
    ...                    "tax_per_kwh": [0.1, np.nan, np.nan]})
    >>> for ind in ("va_per_mu", "va_per_energy", "va_per_emission", "va_per_employee",
    ...             "rd_intensity"):
    ...     fy[ind] = np.nan
    >>> known_weight_shares(fy, config=default_config()).tolist()
    [1.0, 0.0, 0.3]
    """
    weights = weights_array(firm_years["scale"], config=config)
    total = weights.sum(axis=0)
    known = np.zeros(len(firm_years))
    for k, ind in enumerate(INDICATORS):
        value = firm_years[ind].to_numpy(dtype="float64", na_value=np.nan)
        known += np.where(np.isnan(value), 0.0, weights[k])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, known / total, np.nan)


def incomplete_reasons(
    firm_years: pd.DataFrame, share: np.ndarray, incomplete: np.ndarray, *, config: Config
) -> tuple[np.ndarray, pd.DataFrame]:
    """The class reasons and DATA_INCOMPLETE findings of the ``incomplete`` firm-years.

    Returns
    -------
    reasons : ndarray of object
        For each incomplete row (in row order): "数据不全（已知指标权重占30%，不足50%；缺少
        亩均增加值、…），不参评".
    findings : DataFrame
        One warning per incomplete firm-year, naming the firm, the year and what is missing.
    """
    rows = np.flatnonzero(incomplete)
    if not len(rows):
        return np.empty(0, dtype=object), findings_from(
            firm_years.iloc[:0],
            severity="warning",
            code="DATA_INCOMPLETE",
            layer="firm_scores",
            row_id=None,
            field=None,
            message="",
        )
    weights = weights_array(firm_years["scale"], config=config)[:, rows]
    missing = {}
    for k, ind in enumerate(INDICATORS):
        value = firm_years[ind].to_numpy(dtype="float64", na_value=np.nan)[rows]
        missing[ind] = (weights[k] > 0) & np.isnan(value)
    lacking = join_masks(missing, INDICATOR_ZH, "、")
    pct = format_numbers(np.round(share[rows] * 100, 0), decimals=0).cast(pa.string())
    least = f"{config.scoring.min_known_weight * 100:g}%"
    reason = pc.binary_join_element_wise(
        f"{INCOMPLETE_DATA_ZH}（已知指标权重占",
        pc.fill_null(pct, "0"),
        f"%，不足{least}；缺少",
        lacking.cast(pa.string()),
        "），不参评",
        "",
    )
    texts = np.asarray(reason.to_pylist(), dtype=object)
    picked = firm_years.iloc[rows]
    found = findings_from(
        picked,
        severity="warning",
        code="DATA_INCOMPLETE",
        layer="firm_scores",
        row_id=picked["uscc"].astype(str),
        field=None,
        message=pd.Series(picked["year"].astype(str).to_numpy() + "年" + texts, dtype=object),
        suggestion="补齐该企业的税务或统计数据；在数据补齐前不评定其类别",
    )
    return texts, found

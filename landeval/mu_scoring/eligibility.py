"""Who is evaluated: the reasons a firm-year is class T (不参评, DESIGN §5).

In order of precedence: not in the firm registry, unknown scale, a utility (industry in
``not_evaluated_industries``), a new firm (``start_year ≥ year − new_firm_years``), no land in
the year, a below-scale firm with less than ``below_scale_min_mu`` of land.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landeval.config import Config

_MU_TOLERANCE = 1e-9


def not_evaluated_reasons(firm_years: pd.DataFrame, *, config: Config) -> pd.Series:
    """The Chinese reason a firm-year is not evaluated, or missing when it is evaluated.

    Parameters
    ----------
    firm_years : DataFrame
        in_registry, scale, industry_code, start_year, year and land_mu per firm-year.
    config : Config
        ``[scoring]`` gives the utilities, the new-firm years and the below-scale minimum.

    Returns
    -------
    Series
        Object dtype aligned with ``firm_years``; None where the firm-year is evaluated.

    Examples
    --------
    >>> from landeval.config import default_config
    >>> fy = pd.DataFrame({"in_registry": [True], "scale": ["below"], "industry_code": ["C17"],
    ...                    "start_year": [2010], "year": [2023], "land_mu": [2.0]})
    >>> not_evaluated_reasons(fy, config=default_config()).tolist()
    ['规下企业用地不足3亩，不参评']
    """
    s = config.scoring
    fy = firm_years
    industry = fy["industry_code"].astype("str").fillna("")
    utility = np.zeros(len(fy), dtype=bool)
    for prefix in s.not_evaluated_industries:
        utility |= industry.str.startswith(prefix).to_numpy(dtype=bool)
    start = pd.to_numeric(fy["start_year"], errors="coerce").to_numpy(dtype="float64")
    year = fy["year"].to_numpy(dtype="float64")
    new = ~np.isnan(start) & (start >= year - s.new_firm_years)
    land = fy["land_mu"].to_numpy(dtype="float64")
    scale = fy["scale"].astype("str")
    in_registry = fy["in_registry"].to_numpy(dtype=bool)
    known_scale = scale.isin(["above", "below"]).to_numpy(dtype=bool)
    below = scale.eq("below").fillna(False).to_numpy(dtype=bool)
    no_land = ~(land > 0)
    # A parcel of exactly 3 mu (2000 m²) is 3 mu after float division, not 2.9999…
    small = below & (land < s.below_scale_min_mu - _MU_TOLERANCE)

    conditions = [~in_registry, ~known_scale, utility, new, no_land, small]
    # The first reason that applies; texts only for the rows that need them (formatting
    # every row's text took seconds a million rows).
    which = np.select(conditions, list(range(len(conditions))), default=-1)
    reason = np.full(len(fy), None, dtype=object)
    fixed = {
        0: "企业名录中无此企业，不参评",
        1: "企业规模（规上/规下）未知，不参评",
        4: "当年无用地，不参评",
        5: f"规下企业用地不足{s.below_scale_min_mu:g}亩，不参评",
    }
    for k, text in fixed.items():
        reason[which == k] = text
    rows = which == 2
    reason[rows] = ("公用事业企业（行业" + industry[rows] + "），不参评").to_numpy(dtype=object)
    rows = which == 3
    start_text = pd.Series(start[rows]).astype("Int64").astype("str").fillna("")
    reason[rows] = ("新投产企业（" + start_text + "年投产），不参评").to_numpy(dtype=object)
    return pd.Series(reason, index=fy.index, dtype="object")

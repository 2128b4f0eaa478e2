"""Trends (DESIGN §5 "Trends"): per-mu value added and tax of above-scale firms by region.

For each region (the city, a county, a platform, a tier) and year: the land of the region's
above-scale firms, their value added and tax (allocated to the region's parcels by land
share), per-mu values, the year-on-year growth of value added per mu, and the compound annual
growth from the region's first year to this year, compared with the target (4151 plan: 8.5 %).

Every level is computed in one call: :func:`trend_regions` lists which regions each parcel
belongs to (city and county from the parcels, platform and tier from the zoning stage's
placement), and :func:`compute_trends` sums the allocation over them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import sorted_codes, text_array
from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import m2_to_mu
from landeval.vocabulary import CITY

# Largest (parcel code × region) table of booleans used to drop duplicate region rows
# (bytes); bigger ones are de-duplicated by sorting instead.
_MAX_MARKS = 1 << 26


TREND_LEVELS: tuple[str, ...] = (CITY, "county", "platform", "tier")
"""The levels of :func:`trend_regions`, in the order the trends table lists them."""


def trend_regions(
    parcels: pd.DataFrame, *, city: str, platforms: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The (parcel_id, level, region_id) rows of every region a parcel belongs to.

    Parameters
    ----------
    parcels : DataFrame
        parcel_id and county_code.
    city : str
        The city's name, region_id of the city level.
    platforms : DataFrame, optional
        parcel_id, platform_id and tier of each parcel (missing outside platforms), e.g.
        :attr:`landeval.zoning.Placement.platforms`; None: no platform or tier levels.

    Returns
    -------
    DataFrame
        Columns parcel_id, level (:data:`TREND_LEVELS`) and region_id; parcels without a
        county or outside platforms are left out of those levels.

    Examples
    --------
    >>> parcels = pd.DataFrame({"parcel_id": ["a", "b"], "county_code": ["330602", None]})
    >>> trend_regions(parcels, city="绍兴市").to_numpy().tolist()
    [['a', 'city', '绍兴市'], ['b', 'city', '绍兴市'], ['a', 'county', '330602']]
    """
    ids = text_array(parcels["parcel_id"])
    parts = [(ids, CITY, pa.array([city] * len(ids), type=pa.large_string()))]
    parts.append((ids, "county", text_array(parcels["county_code"])))
    if platforms is not None:
        plat_ids = text_array(platforms["parcel_id"])
        parts.append((plat_ids, "platform", text_array(platforms["platform_id"])))
        parts.append((plat_ids, "tier", text_array(platforms["tier"])))
    keep = [pc.is_valid(region) for _, _, region in parts]
    if platforms is not None:
        # A tier counts for the parcels inside one of its platforms.
        keep[3] = pc.and_(keep[3], keep[2])
    pid = pa.concat_arrays([p.filter(k) for (p, _, _), k in zip(parts, keep, strict=True)])
    region = pa.concat_arrays([r.filter(k) for (_, _, r), k in zip(parts, keep, strict=True)])
    counts = [pc.sum(k.cast(pa.int64())).as_py() or 0 for k in keep]
    level = pa.array([lv for _, lv, _ in parts], type=pa.large_string()).take(
        pa.array(np.repeat(np.arange(len(parts)), counts))
    )
    return pd.DataFrame(
        {
            "parcel_id": pd.array(pid, dtype="str"),
            "level": pd.array(level, dtype="str"),
            "region_id": pd.array(region, dtype="str"),
        }
    )


def compute_trends(
    allocation: pd.DataFrame, *, regions: pd.DataFrame, target_growth: float
) -> pd.DataFrame:
    """Per-mu value added and tax of above-scale firms by region and year.

    Parameters
    ----------
    allocation : DataFrame
        uscc, year, parcel_id, land_m2, scale, tax, value_added (the allocation table).
    regions : DataFrame
        parcel_id, level, region_id: which region of each level a parcel belongs to
        (e.g. level "county" with the county code, "platform" with the platform id).
    target_growth : float
        Target annual growth of value added per mu (0.085 for 8.5 %).

    Returns
    -------
    DataFrame
        ``RESULT_COLUMNS["trends"]``, sorted by level, region_id, year.

    Notes
    -----
    - Per-mu value added is Σ value added / Σ land over the above-scale firm-years that have
      a value added figure (firms missing it would otherwise drag the ratio down); the same
      for tax. ``land_mu`` is all above-scale land in the region.
    - ``va_growth`` compares with the previous calendar year (missing when that year has no
      row). ``va_cagr`` and ``tax_cagr`` run from the region's first year to the row's year:
      (last / first) ** (1 / years) − 1, missing in the first year or when either end is not
      positive. ``meets_target`` is ``va_cagr ≥ target_growth`` (missing when va_cagr is).
    - Rows with a missing parcel_id count for the regions given to a missing parcel_id (as
      in a join on the text); missing levels or region ids form no region. A region row
      given twice counts once.
    - The sums add each region-year's rows in the order parcel_id (text order, missing
      last), land_m2 (missing last), allocation row, with pandas' group-by ``sum``: the same
      bits however the allocation rows are ordered, apart from ties in all three.
    """
    scale = text_array(allocation["scale"])
    above = np.flatnonzero(
        pc.fill_null(pc.equal(scale, "above"), False).to_numpy(zero_copy_only=False)
    )
    # Text keys become integer codes that sort like the text, in numpy and Arrow: pandas'
    # merge, 5-key sort and group-by on millions of joined rows took seconds.
    parcel, region_parcel, n_parcels = _parcel_codes(
        text_array(allocation["parcel_id"]).take(pa.array(above)), text_array(regions["parcel_id"])
    )
    year = allocation["year"].take(above).astype("int64").to_numpy()
    land = allocation["land_m2"].to_numpy(dtype="float64", na_value=np.nan)[above]
    va = allocation["value_added"].to_numpy(dtype="float64", na_value=np.nan)[above]
    tax = allocation["tax"].to_numpy(dtype="float64", na_value=np.nan)[above]

    level, level_names = _sorted_codes(regions["level"])
    region, region_names = _sorted_codes(regions["region_id"])
    counts, starts, pair_of, pairs = _region_pairs(
        region_parcel,
        level * max(len(region_names), 1) + region,
        n_parcels,
        ok=(level >= 0) & (region >= 0),
    )
    order = _sum_order(parcel, year, land)
    # Each above row once per region of its parcel, in the summing order.
    rows, pair = _expand(order, parcel[order], counts, starts, pair_of)
    y0 = int(year.min()) if len(year) else 0
    n_years = int(year.max()) - y0 + 1 if len(year) else 1
    label = pair * n_years + (year[rows] - y0)
    values = np.empty((5, len(rows)), dtype="float64")
    np.take(land, rows, out=values[0])
    np.take(va, rows, out=values[1])
    np.take(tax, rows, out=values[2])
    for col, source in ((3, 1), (4, 2)):
        # The land of the rows that have the figure.
        values[col] = values[0]
        values[col][np.isnan(values[source])] = 0.0
    n_labels = len(pairs) * n_years
    # pandas' group-by sum (Kahan-compensated) adds each group's rows in row order; a
    # categorical key is used as it is, without hashing millions of labels.
    key = pd.Categorical.from_codes(label, categories=pd.RangeIndex(n_labels))
    sums = (
        pd.DataFrame(
            values.T,
            columns=["land_m2", "value_added", "tax", "va_land_m2", "tax_land_m2"],
            copy=False,
        )
        .groupby(key, observed=True, sort=True)
        .sum(min_count=1)
    )
    g_label = np.asarray(sums.index, dtype=np.int64)
    g_pair = pairs[g_label // n_years]
    n_regions = max(len(region_names), 1)
    g = {c: sums[c].to_numpy() for c in sums.columns}
    out = pd.DataFrame(
        {
            "level": pd.Series(level_names.take(g_pair // n_regions), dtype="str"),
            "region_id": pd.Series(region_names.take(g_pair % n_regions), dtype="str"),
            "year": g_label % n_years + y0,
        }
    )
    out["land_mu"] = m2_to_mu(pd.Series(g["land_m2"]))
    out["value_added"] = g["value_added"]
    out["tax"] = g["tax"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["va_per_mu"] = _ratio(pd.Series(g["value_added"]), m2_to_mu(pd.Series(g["va_land_m2"])))
        out["tax_per_mu"] = _ratio(pd.Series(g["tax"]), m2_to_mu(pd.Series(g["tax_land_m2"])))
    region = [out["level"], out["region_id"]]
    prev_year = out.groupby(region)["year"].shift(1)
    prev_va = out.groupby(region)["va_per_mu"].shift(1)
    consecutive = (out["year"] - prev_year).eq(1)
    growth = out["va_per_mu"] / prev_va - 1
    out["va_growth"] = growth.where(consecutive & (prev_va > 0))
    out["va_cagr"] = _cagr(out, "va_per_mu")
    out["tax_cagr"] = _cagr(out, "tax_per_mu")
    out["target_growth"] = float(target_growth)
    meets = out["va_cagr"] >= target_growth
    out["meets_target"] = pd.array(meets, dtype="boolean")
    out.loc[out["va_cagr"].isna(), "meets_target"] = pd.NA
    return out[RESULT_COLUMNS["trends"]].reset_index(drop=True)


def _parcel_codes(left: pa.Array, right: pa.Array) -> tuple[np.ndarray, np.ndarray, int]:
    """Codes of two text arrays in one numbering that sorts like the text.

    Equal texts get equal codes, on either side; missing values get the last code (so they
    sort last and match each other). Returns the codes of ``left``, of ``right`` and the
    number of codes.
    """
    both = pa.concat_arrays([left, right])
    if both.null_count:
        valid = np.flatnonzero(pc.is_valid(both).to_numpy(zero_copy_only=False))
        ranks, n = _dense_ranks(both.take(pa.array(valid)))
        codes = np.full(len(both), n, dtype=np.int64)
        codes[valid] = ranks
        n += 1
    else:
        codes, n = _dense_ranks(both)
    return codes[: len(left)], codes[len(left) :], n


def _dense_ranks(values: pa.Array) -> tuple[np.ndarray, int]:
    """Rank of each text (no missing values) among the distinct texts, from 0, and their count.

    Text order is code point order, which is the byte order of UTF-8.
    """
    fixed = _fixed_width(values)
    if fixed is None:
        ranks = pc.rank(values, sort_keys="ascending", tiebreaker="dense")
        codes = ranks.to_numpy(zero_copy_only=False).astype(np.int64) - 1
        return codes, int(codes.max(initial=-1)) + 1
    # Texts of one length compare as numpy bytes do, and a stable sort (timsort) of ids
    # that come in a few sorted runs (allocation by year then parcel, parcels in order) is
    # about one pass; Arrow's rank re-sorts from scratch.
    order = np.argsort(fixed, kind="stable")
    ordered = fixed[order]
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    codes = np.empty(len(ordered), dtype=np.int64)
    codes[order] = np.cumsum(new) - 1
    return codes, int(new.sum())


def _fixed_width(values: pa.Array) -> np.ndarray | None:
    """The texts as a numpy bytes array without a copy when all have one length, else None."""
    n = len(values)
    if n == 0:
        return None
    offsets = np.frombuffer(
        values.buffers()[1], dtype=np.int64, count=n + 1, offset=8 * values.offset
    )
    width = int(offsets[1] - offsets[0])
    if width == 0 or int(offsets[-1] - offsets[0]) != n * width:
        return None
    if not (np.diff(offsets) == width).all():
        return None
    return np.frombuffer(values.buffers()[2], dtype=f"S{width}", count=n, offset=int(offsets[0]))


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes that sort as the text does, and the text of each code; missing → -1."""
    codes, texts = sorted_codes(text_array(values))
    return codes, pd.Index(texts.to_pylist(), dtype="str")


def _region_pairs(
    parcel: np.ndarray, region: np.ndarray, n_parcels: int, *, ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (parcel, region) pairs, grouped by parcel.

    ``region`` is a code per row that sorts like (level, region_id); rows where ``ok`` is
    false are left out. Returns, for each parcel code, the number of its regions and where
    they start, the region number of each pair (regions numbered in code order), and the
    region code of each number.
    """
    parcel, region = parcel[ok], region[ok]
    # Number the region codes that occur, in code order (the codes are small).
    present = np.bincount(region, minlength=1) > 0
    regions = np.flatnonzero(present)
    number = np.cumsum(present) - 1
    n_regions = max(len(regions), 1)
    key = parcel * n_regions + number[region]
    if n_parcels * n_regions <= _MAX_MARKS:
        marks = np.zeros(n_parcels * n_regions, dtype=bool)
        marks[key] = True
        key = np.flatnonzero(marks)
    else:
        key = np.unique(key)
    counts = np.bincount(key // n_regions, minlength=n_parcels)
    starts = np.cumsum(counts) - counts
    return counts, starts, key % n_regions, regions


def _sum_order(parcel: np.ndarray, year: np.ndarray, land: np.ndarray) -> np.ndarray:
    """Row order by year, parcel code, land (missing last), row; stable."""
    if not len(parcel):
        return np.zeros(0, dtype=np.int64)
    key = (year - year.min()) * (int(parcel.max()) + 1) + parcel
    # The allocation comes sorted by year and parcel: timsort is then one pass.
    order = np.argsort(key, kind="stable")
    key, land = key[order], land[order]
    tied = key[1:] == key[:-1]
    after = land[1:]
    out_of_order = tied & ((land[:-1] > after) | (np.isnan(land[:-1]) & ~np.isnan(after)))
    if out_of_order.any():
        # Sort by land only the rows that share a year and parcel (a few firms a parcel).
        shared = np.zeros(len(order), dtype=bool)
        shared[:-1] |= tied
        shared[1:] |= tied
        rows = np.flatnonzero(shared)
        order[rows] = order[rows][np.lexsort((land[rows], key[rows]))]
    return order


def _expand(
    order: np.ndarray,
    parcel: np.ndarray,
    counts: np.ndarray,
    starts: np.ndarray,
    pair_region: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each row of ``order`` once per region of its parcel: the rows and their regions."""
    degree = counts[parcel]
    rows = np.repeat(order, degree)
    first = np.cumsum(degree) - degree
    pos = np.arange(len(rows), dtype=np.int64) + np.repeat(starts[parcel] - first, degree)
    return rows, pair_region[pos]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den).where(den > 0)


def _cagr(out: pd.DataFrame, col: str) -> pd.Series:
    """Compound annual growth of ``col`` from each region's first year to the row's year.

    ``out`` is sorted by level, region_id and year.
    """
    region = [out["level"], out["region_id"]]
    first_row = ~out.duplicated(["level", "region_id"])
    # The base is the first year's own value (missing stays missing, never a later year's).
    base = out[col].where(first_row).groupby(region).ffill()
    first_year = out["year"].where(first_row).groupby(region).ffill()
    span = (out["year"] - first_year).astype("float64")
    ok = (span > 0) & (base > 0) & (out[col] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (out[col] / base) ** (1.0 / span) - 1.0
    return value.where(ok)

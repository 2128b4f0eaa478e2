"""改一补一: converted industrial land inside the control line and its compensation (DESIGN §6).

Items are the CONVERT parcels and the ``land_changes`` rows. Decisions where the methodology
is silent:

- Converted (改) is the part of an item inside the existing control line (its intersection
  with the unioned line), whatever its share; land converted outside the line needs no
  compensation. Converts that overlap count once: CONVERT parcels first (by parcel_id), then
  convert changes by approved_on and change_id; the earlier item keeps the overlap.
- Compensated (补) is the part of a supplement outside the existing line, when its planned use
  is industrial (``flags.industrial_use_prefixes``; a missing planned use does not count) and
  it lies in the county its county_code names. Overlapping supplements count once: the
  earlier approved_on, then the smaller change_id keeps the overlap; only supplements that
  can count compete for it, so a non-industrial item never takes area from a good one.
- A county's territory is approximated by its existing features: a supplement is in its
  county when the parcel or control-line polygon nearest to its representative point (ties
  all considered) carries its county_code. With ``balance.scope = "city"`` compensation may
  lie anywhere in the city and the county test is skipped.
- The ledger has one row per county with parcels or items and a city row (全市). With scope
  "county" the county rows decide; with scope "city" the city row does (column ``decisive``).
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from landeval._arrow import text_array
from landeval.config import Config
from landeval.findings import Finding, findings_frame
from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import M2_PER_MU
from landeval.vocabulary import CITY
from landeval.zoning._overlay import Geoms, geometry_array, safe_difference, split_by
from landeval.zoning.control_line import line_parts

ITEM_EXTRA_COLUMNS: list[str] = ["approved_on", "inside_line_mu", "outside_line_mu"]
"""Columns of balance_items after the contract columns."""

LEDGER_EXTRA_COLUMNS: list[str] = ["scope", "decisive"]
"""Columns of balance_ledger after the contract columns."""

CITY_NAME = "全市"

WHY_OUTSIDE_LINE = "位于现状控制线外"
WHY_PART_OUTSIDE_LINE = "部分位于现状控制线外"
WHY_INSIDE_LINE = "位于现状控制线内"
WHY_PART_INSIDE_LINE = "部分位于现状控制线内"
WHY_NOT_INDUSTRIAL = "规划用途非工业"
WHY_NO_PLANNED_USE = "规划用途缺失"
WHY_WRONG_COUNTY = "不在所属县（市、区）范围"
WHY_OVERLAP_SUPPLEMENT = "与其他补充地块重叠"
WHY_OVERLAP_CONVERT = "与其他改出地块重叠"
WHY_UNKNOWN_KIND = "调整类型未知（应为convert或supplement）"
WHY_NO_GEOMETRY = "缺少图形"

# Areas within this many m² are equal (float noise of overlays).
_TOL_M2 = 1e-6


def balance_items(
    *,
    parcel_eval: gpd.GeoDataFrame,
    land_changes: gpd.GeoDataFrame | None,
    control_line: gpd.GeoDataFrame | None,
    config: Config,
    parcel_geoms: Geoms | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Every 改一补一 item with the area that counts and why the rest does not.

    Parameters
    ----------
    parcel_eval : GeoDataFrame
        Parcels with ``parcel_id``, ``county_code``, ``planned_use``, ``area_mu``,
        ``treatment`` and geometry (projected CRS). CONVERT parcels are items; all parcels
        serve as the county reference.
    land_changes : GeoDataFrame or None
        change_id, kind (convert / supplement), county_code, planned_use, approved_on.
    control_line : GeoDataFrame or None
        The existing control line (polygons of the protected area).
    config : Config
        ``balance.scope`` and ``flags.industrial_use_prefixes``.
    parcel_geoms : Geoms, optional
        parcel_eval's geometries with their tree and areas, when the caller has them.

    Returns
    -------
    items : GeoDataFrame
        ``RESULT_COLUMNS["balance_items"]`` then :data:`ITEM_EXTRA_COLUMNS`: converts from
        parcels first (by parcel_id), then land changes (by approved_on, change_id).
    findings : DataFrame
        Problems with land-change rows (unknown kind, missing geometry or date).
    """
    crs = parcel_eval.crs
    items = _collect(parcel_eval, land_changes, crs)
    geoms = np.asarray(items.geometry.values, dtype=object)
    n = len(items)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    area = np.where(missing, 0.0, shapely.area(geoms)) if n else np.empty(0)
    parts = line_parts(control_line, crs)
    inside, outside = split_by(geoms, parts)
    in_area = np.where(missing, 0.0, np.nan_to_num(shapely.area(inside))) if n else np.empty(0)
    out_area = np.maximum(area - in_area, 0.0)  # no negative float noise

    kind = items["kind"].to_numpy(dtype=object)
    is_conv = kind == "convert"
    is_supp = kind == "supplement"
    why = [[] for _ in range(n)]
    counted = np.zeros(n)

    for i in np.flatnonzero(missing):
        why[i].append(WHY_NO_GEOMETRY)
    for i in np.flatnonzero(~is_conv & ~is_supp):
        why[i].append(WHY_UNKNOWN_KIND)

    # --- converted: the part inside the line, overlaps once -------------------------------
    conv = np.flatnonzero(is_conv & ~missing)
    for i in conv:
        if in_area[i] <= _TOL_M2:
            why[i].append(WHY_OUTSIDE_LINE)
        elif out_area[i] > _TOL_M2:
            why[i].append(WHY_PART_OUTSIDE_LINE)
    conv = conv[in_area[conv] > _TOL_M2]
    claimed = _claim_once(inside[conv])
    got = shapely.area(claimed) if len(conv) else np.empty(0)
    counted[conv] = got
    for i in conv[got < in_area[conv] - _TOL_M2]:
        why[i].append(WHY_OVERLAP_CONVERT)

    # --- compensated: outside the line, industrial, in its county, overlaps once ----------
    supp = np.flatnonzero(is_supp & ~missing)
    planned = items["planned_use"].fillna("").astype(str).to_numpy(dtype=object)
    prefixes = tuple(config.flags.industrial_use_prefixes)
    in_county = (
        _in_county(items.iloc[supp], parcel_eval, control_line, parcel_geoms)
        if config.balance.scope == "county"
        else np.ones(len(supp), dtype=bool)
    )
    ok = np.zeros(n, dtype=bool)
    for k, i in enumerate(supp):
        if planned[i] == "":
            why[i].append(WHY_NO_PLANNED_USE)
        elif not planned[i].startswith(prefixes):
            why[i].append(WHY_NOT_INDUSTRIAL)
        if not in_county[k]:
            why[i].append(WHY_WRONG_COUNTY)
        if out_area[i] <= _TOL_M2:
            why[i].append(WHY_INSIDE_LINE)
        elif in_area[i] > _TOL_M2:
            why[i].append(WHY_PART_INSIDE_LINE)
        ok[i] = (
            planned[i] != ""
            and planned[i].startswith(prefixes)
            and in_county[k]
            and out_area[i] > _TOL_M2
        )
    good = np.flatnonzero(ok)  # already in (approved_on, change_id) order
    claimed = _claim_once(outside[good])
    got = shapely.area(claimed) if len(good) else np.empty(0)
    counted[good] = got
    for i in good[got < out_area[good] - _TOL_M2]:
        why[i].append(WHY_OVERLAP_SUPPLEMENT)

    counted_mu = counted / M2_PER_MU
    out = items.assign(
        area_mu=area / M2_PER_MU,
        counted_mu=counted_mu,
        counted=counted_mu > _TOL_M2 / M2_PER_MU,
        why_not_counted=pd.array(["；".join(w) if w else None for w in why], dtype="str"),
        inside_line_mu=in_area / M2_PER_MU,
        outside_line_mu=out_area / M2_PER_MU,
    )
    cols = [*RESULT_COLUMNS["balance_items"], *ITEM_EXTRA_COLUMNS]
    out = gpd.GeoDataFrame(out[cols], geometry="geometry", crs=crs).reset_index(drop=True)
    return out, _findings(items)


def balance_ledger(
    items: pd.DataFrame,
    *,
    config: Config,
    counties: Iterable[str] = (),
) -> pd.DataFrame:
    """The 改一补一 ledger: converted, compensated and balance per county and for the city.

    Parameters
    ----------
    items : DataFrame
        :func:`balance_items` output.
    config : Config
        ``balance.scope``, ``balance.tolerance_mu`` and the county names.
    counties : iterable of str
        Counties to list even without items (e.g. every county with parcels).

    Returns
    -------
    DataFrame
        ``RESULT_COLUMNS["balance_ledger"]`` then :data:`LEDGER_EXTRA_COLUMNS`: one row per
        county (by code), then the city row (county_code "city", 全市).
    """
    codes = sorted(
        {str(c) for c in counties if pd.notna(c)}
        | {str(c) for c in items["county_code"].dropna().astype(str)}
    )
    names = {**config.project.legacy_counties, **config.project.counties}
    src = items["source"].to_numpy(dtype=object)
    kind = items["kind"].to_numpy(dtype=object)
    mu = items["counted_mu"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "county_code": items["county_code"].astype("str").to_numpy(dtype=object),
            "converted_parcels_mu": np.where((kind == "convert") & (src == "parcel"), mu, 0.0),
            "converted_changes_mu": np.where((kind == "convert") & (src == "land_change"), mu, 0.0),
            "compensated_mu": np.where(kind == "supplement", mu, 0.0),
        }
    )
    sums = frame.groupby("county_code").sum().reindex(codes, fill_value=0.0)
    city = frame.drop(columns="county_code").sum().rename(CITY)
    table = pd.concat([sums, city.to_frame().T])
    table["converted_mu"] = table["converted_parcels_mu"] + table["converted_changes_mu"]
    table["balance_mu"] = table["compensated_mu"] - table["converted_mu"]
    table["balanced"] = table["balance_mu"] >= -config.balance.tolerance_mu
    table = table.rename_axis("county_code").reset_index()
    table["county_code"] = pd.array(table["county_code"].to_numpy(dtype=object), dtype="str")
    table["county_name"] = pd.array(
        [CITY_NAME if c == CITY else names.get(c, c) for c in table["county_code"]], dtype="str"
    )
    scope = config.balance.scope
    table["scope"] = scope
    table["decisive"] = (table["county_code"] == CITY) == (scope == "city")
    return table[[*RESULT_COLUMNS["balance_ledger"], *LEDGER_EXTRA_COLUMNS]]


def _collect(
    parcel_eval: gpd.GeoDataFrame, land_changes: gpd.GeoDataFrame | None, crs
) -> gpd.GeoDataFrame:
    """CONVERT parcels and land changes as one frame of items, in counting order."""
    conv = parcel_eval.loc[parcel_eval["treatment"] == "CONVERT"].sort_values(
        "parcel_id", kind="stable"
    )
    from_parcels = pd.DataFrame(
        {
            "item_id": conv["parcel_id"].astype("str").to_numpy(dtype=object),
            "source": "parcel",
            "county_code": conv["county_code"].to_numpy(dtype=object),
            "kind": "convert",
            "planned_use": conv["planned_use"].to_numpy(dtype=object),
            "approved_on": pd.NaT,
            "geometry": geometry_array(conv),
        }
    )
    parts = [from_parcels]
    if land_changes is not None and len(land_changes):
        lc = land_changes
        approved = (
            pd.to_datetime(lc["approved_on"], errors="coerce")
            if "approved_on" in lc.columns
            else pd.Series(pd.NaT, index=lc.index)
        )
        kind = lc["kind"].astype("str").str.strip().str.lower()
        changes = pd.DataFrame(
            {
                "item_id": lc["change_id"].astype("str").to_numpy(dtype=object),
                "source": "land_change",
                "county_code": lc["county_code"].to_numpy(dtype=object),
                "kind": kind.to_numpy(dtype=object),
                "planned_use": (
                    lc["planned_use"].to_numpy(dtype=object)
                    if "planned_use" in lc.columns
                    else None
                ),
                "approved_on": approved.to_numpy(),
                "geometry": geometry_array(lc, crs),
            }
        )
        # Counting order: the earlier approval keeps an overlap; undated items come last.
        changes = changes.sort_values(["approved_on", "item_id"], na_position="last", kind="stable")
        parts.append(changes)
    items = pd.concat(parts, ignore_index=True)
    for col in ("item_id", "source", "county_code", "kind", "planned_use"):
        items[col] = pd.array(items[col].to_numpy(dtype=object), dtype="str")
    items["approved_on"] = pd.to_datetime(items["approved_on"])
    return gpd.GeoDataFrame(items, geometry="geometry", crs=crs)


def _claim_once(geoms: np.ndarray) -> np.ndarray:
    """Each geometry minus the union of the earlier ones it overlaps (array order = rank)."""
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    if len(geoms) < 2:
        return out
    tree = shapely.STRtree(geoms)
    li, ri = tree.query(geoms, predicate="intersects")
    keep = ri < li
    li, ri = li[keep], ri[keep]
    if len(li) == 0:
        return out
    order = np.argsort(li, kind="stable")
    li, ri = li[order], ri[order]
    starts = np.flatnonzero(np.r_[True, li[1:] != li[:-1]])
    targets = li[starts]
    earlier = [shapely.union_all(geoms[g]) for g in np.split(ri, starts[1:])]
    out[targets] = safe_difference(geoms[targets], np.asarray(earlier, dtype=object))
    return out


def _in_county(
    items: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    control_line: gpd.GeoDataFrame | None,
    parcel_geoms: Geoms | None = None,
) -> np.ndarray:
    """Whether each item lies in its county: nearest reference feature with its code."""
    n = len(items)
    if n == 0:
        return np.ones(n, dtype=bool)
    line = None
    if control_line is not None and "county_code" in control_line.columns:
        line = control_line[["county_code", "geometry"]]
        if line.crs is not None and parcels.crs is not None and not line.crs.equals(parcels.crs):
            line = line.to_crs(parcels.crs)
    county = text_array(parcels["county_code"])
    if parcel_geoms is not None and county.null_count == 0:
        return _in_county_shared(items, county, parcel_geoms, line)
    refs = [parcels[["county_code", "geometry"]]]
    if line is not None:
        refs.append(line)
    ref = pd.concat(refs, ignore_index=True)
    ref = ref.loc[ref["county_code"].notna() & ~ref.geometry.is_empty & ref.geometry.notna()]
    if len(ref) == 0:
        return np.ones(n, dtype=bool)
    ref_geoms = np.asarray(ref.geometry.values, dtype=object)
    ref_codes = ref["county_code"].astype(str).to_numpy(dtype=object)
    points = shapely.point_on_surface(np.asarray(items.geometry.values, dtype=object))
    tree = shapely.STRtree(ref_geoms)
    pi, ri = tree.query_nearest(points, all_matches=True)
    codes = items["county_code"].astype(str).to_numpy(dtype=object)
    same = ref_codes[ri] == codes[pi]
    result = np.zeros(n, dtype=bool)
    result[np.unique(pi[same])] = True
    return result


def _in_county_shared(
    items: pd.DataFrame, county: pa.Array, parcel_geoms: Geoms, line: pd.DataFrame | None
) -> np.ndarray:
    """:func:`_in_county` with the parcels' own STRtree (every parcel has a county code).

    The nearest features among parcels and line polygons are the nearest of each kind that
    are no farther than the nearest of the other kind (ties all kept), so the parcels' tree,
    built once for the overlays, serves here too; only the few line polygons get a tree.
    """
    n = len(items)
    points = shapely.point_on_surface(np.asarray(items.geometry.values, dtype=object))
    codes = text_array(items["county_code"])
    found = []  # (item, distance, same county) of each nearest feature of each kind
    kinds = [(parcel_geoms.tree, county)]
    if line is not None:
        keep = line["county_code"].notna() & ~line.geometry.is_empty & line.geometry.notna()
        line = line.loc[keep.to_numpy()]
        if len(line):
            geoms = np.asarray(line.geometry.values, dtype=object)
            kinds.append((shapely.STRtree(geoms), text_array(line["county_code"])))
    for tree, ref_codes in kinds:
        if len(tree) == 0:
            continue
        (pi, ri), dist = tree.query_nearest(points, all_matches=True, return_distance=True)
        same = pc.equal(ref_codes.take(pa.array(ri)), codes.take(pa.array(pi)))
        found.append((pi, dist, pc.fill_null(same, False).to_numpy(zero_copy_only=False)))
    if not found:
        return np.ones(n, dtype=bool)
    best = np.full(n, np.inf)
    for pi, dist, _ in found:
        np.minimum.at(best, pi, dist)
    result = np.zeros(n, dtype=bool)
    for pi, dist, same in found:
        result[pi[same & (dist == best[pi])]] = True
    return result


def _findings(items: pd.DataFrame) -> pd.DataFrame:
    changes = items.loc[(items["source"] == "land_change").to_numpy()]
    geoms = np.asarray(changes.geometry.values, dtype=object)
    ids = changes["item_id"].to_numpy(dtype=object)
    kinds = changes["kind"].fillna("").to_numpy(dtype=object)
    no_geom = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    bad_kind = ~np.isin(kinds, ["convert", "supplement"])
    no_date = (kinds == "supplement") & changes["approved_on"].isna().to_numpy()
    out = [
        Finding(
            "warning",
            "CHANGE_NO_GEOMETRY",
            "land_changes",
            i,
            "geometry",
            f"用地调整{i}缺少图形，不计入改一补一",
            "补充该调整地块的范围图形",
        )
        for i in ids[no_geom]
    ]
    out += [
        Finding(
            "warning",
            "CHANGE_KIND_UNKNOWN",
            "land_changes",
            i,
            "kind",
            f"用地调整{i}的类型“{k}”无法识别，不计入改一补一",
            "类型应为convert（改）或supplement（补）",
        )
        for i, k in zip(ids[bad_kind], kinds[bad_kind], strict=True)
    ]
    out += [
        Finding(
            "info",
            "CHANGE_NO_DATE",
            "land_changes",
            i,
            "approved_on",
            f"补充地块{i}缺少批准日期，重叠时排在有日期的地块之后",
            "补充批准日期",
        )
        for i in ids[no_date]
    ]
    return findings_frame(out)

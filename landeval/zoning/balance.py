"""改一补一: the approved balance of converted and compensated industrial land (DESIGN §6).

The ledger counts what has been approved and shows what the list proposes beside it. Items
are the land changes (``land_changes``: kind convert 改 or supplement 补, approved when they
have an approval date) and the parcels whose final treatment is CONVERT (功能转型: proposed,
拟改). Per county (or for the city, ``balance.scope``):

- converted (改, ``converted_mu``) = the area inside the existing control line of the approved
  convert items, their union (land counted once: the earlier approval keeps an overlap);
- compensated (补, ``compensated_mu``) = the area of the approved supplement items whose
  planned use is industrial (``flags.industrial_use_prefixes``; a missing planned use does not
  count), that lie in the county their county_code names, outside the existing line (their
  whole area when ``balance.line_includes_supplements``: the line layer already holds them),
  each overlap with another supplement counted once (the earlier approval, then the smaller
  change_id keeps it; only supplements that can count compete for it);
- ``balance_mu`` = compensated − converted, ``balanced`` when ≥ −``balance.tolerance_mu``;
- proposed (拟改, ``proposed_mu``) = the area inside the line of the CONVERT parcels (the final
  treatment where a review gave one) and of the convert items not yet approved, less the land
  the approved converts already cover (each piece once: parcels first, by parcel_id, then
  changes); ``proposed_supplement_mu`` (拟补) = the supplements not yet approved that would
  count, less the land the approved ones cover; ``balance_if_approved_mu`` = balance −
  proposed + proposed supplement.
- 先补后调 (compensate first, then convert): the approved items are replayed by approval date
  (supplements before converts of the same day); a convert approved when the running balance
  of its county (or of the city) does not cover it is a finding, and the supplements each
  convert drew on, first approved first used, are its ``offsets``.

Every item says in ``why_zh`` why it counts or not, and how much. A county's territory is
approximated by its existing features: a supplement is in its county when the parcel or
control-line polygon nearest to its representative point (ties all considered) carries its
county_code. With ``balance.scope = "city"`` compensation may lie anywhere in the city and the
county test is skipped. The ledger has one row per county with parcels or items and a city
row (全市); with scope "county" the county rows decide, with scope "city" the city row does
(column ``decisive``).
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
from landeval._format import format_number
from landeval.config import Config
from landeval.findings import Finding, concat_findings, findings_frame
from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import M2_PER_MU
from landeval.vocabulary import CITY
from landeval.zoning._overlay import Geoms, geometry_array, safe_difference, split_by
from landeval.zoning.control_line import line_parts

ITEM_EXTRA_COLUMNS: list[str] = ["planned_use", "counted_mu", "why_not_counted"]
"""Columns of balance_items after the contract columns: the planned use, the area that
counts in its ledger column (converted, compensated, proposed or proposed supplement), and
why an item does not count (missing where it counts)."""

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
WHY_NOT_APPROVED = "尚未批准"

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
    """Every 改一补一 item with the area that counts, where, and why.

    Parameters
    ----------
    parcel_eval : GeoDataFrame
        Parcels with ``parcel_id``, ``county_code``, ``planned_use``, ``treatment`` (and
        ``final_treatment`` after a review), ``main_name``, ``reason_zh`` and geometry
        (projected CRS). CONVERT parcels are proposed items; all parcels serve as the county
        reference.
    land_changes : GeoDataFrame or None
        change_id, kind (convert / supplement), county_code, planned_use, approved_on,
        approval_no.
    control_line : GeoDataFrame or None
        The existing control line (polygons of the protected area).
    config : Config
        ``[balance]`` and ``flags.industrial_use_prefixes``.
    parcel_geoms : Geoms, optional
        parcel_eval's geometries with their tree and areas, when the caller has them.

    Returns
    -------
    items : GeoDataFrame
        ``RESULT_COLUMNS["balance_items"]`` then :data:`ITEM_EXTRA_COLUMNS`: converts from
        parcels first (by parcel_id), then land changes (by approved_on, change_id; those
        without a date last).
    findings : DataFrame
        Problems with land-change rows (unknown kind, missing geometry, no approval date)
        and every convert approved before its compensation (先补后调).
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
    approved = items["status"].to_numpy(dtype=object) == "approved"
    is_conv = (kind == "convert") & ~missing
    is_supp = (kind == "supplement") & ~missing
    why = [[] for _ in range(n)]
    counted = np.zeros(n)

    for i in np.flatnonzero(missing):
        why[i].append(WHY_NO_GEOMETRY)
    for i in np.flatnonzero((kind != "convert") & (kind != "supplement")):
        why[i].append(WHY_UNKNOWN_KIND)

    # --- converts: the part inside the line, once; approved first, proposed less them ----
    for i in np.flatnonzero(is_conv):
        if in_area[i] <= _TOL_M2:
            why[i].append(WHY_OUTSIDE_LINE + "，无需补充")
        elif out_area[i] > _TOL_M2:
            why[i].append(f"{WHY_PART_OUTSIDE_LINE}（{_mu(out_area[i])}亩不计）")
    conv = np.flatnonzero(is_conv & (in_area > _TOL_M2))
    done = _claim(conv[approved[conv]], inside, counted, why, WHY_OVERLAP_CONVERT)
    covered = shapely.union_all(inside[done]) if len(done) else None
    proposed = conv[~approved[conv]]
    if covered is not None and len(proposed):
        # Land an approved convert covers is converted already, not proposed.
        rest = safe_difference(inside[proposed], np.full(len(proposed), covered, dtype=object))
        for k, i in enumerate(proposed):
            gone = in_area[i] - float(shapely.area(rest[k]))
            if gone > _TOL_M2:
                why[i].append(f"其中{_mu(gone)}亩已由批准的改出项目计入")
        pieces = inside.copy()
        pieces[proposed] = rest
    else:
        pieces = inside
    _claim(proposed, pieces, counted, why, WHY_OVERLAP_CONVERT)

    # --- supplements: industrial, in their county, outside the line, once ----------------
    supp = np.flatnonzero(is_supp)
    planned = items["planned_use"].fillna("").astype(str).str.strip().str.upper()
    planned = planned.to_numpy(dtype=object)
    prefixes = tuple(config.flags.industrial_use_prefixes)
    in_county = (
        _in_county(items.iloc[supp], parcel_eval, control_line, parcel_geoms)
        if config.balance.scope == "county"
        else np.ones(len(supp), dtype=bool)
    )
    whole = config.balance.line_includes_supplements
    usable = outside if not whole else geoms
    usable_area = out_area if not whole else area
    ok = np.zeros(n, dtype=bool)
    for k, i in enumerate(supp):
        if planned[i] == "":
            why[i].append(WHY_NO_PLANNED_USE)
        elif not planned[i].startswith(prefixes):
            why[i].append(WHY_NOT_INDUSTRIAL)
        if not in_county[k]:
            why[i].append(WHY_WRONG_COUNTY)
        if not whole:
            if out_area[i] <= _TOL_M2:
                why[i].append(WHY_INSIDE_LINE)
            elif in_area[i] > _TOL_M2:
                why[i].append(f"{WHY_PART_INSIDE_LINE}（{_mu(in_area[i])}亩不计）")
        ok[i] = (
            planned[i] != ""
            and planned[i].startswith(prefixes)
            and bool(in_county[k])
            and usable_area[i] > _TOL_M2
        )
    good = np.flatnonzero(ok)  # already in (approved_on, change_id) order
    # Approved supplements first; proposed ones count only what the approved leave.
    order = np.r_[good[approved[good]], good[~approved[good]]]
    _claim(order, usable, counted, why, WHY_OVERLAP_SUPPLEMENT)

    counted_mu = counted / M2_PER_MU
    offsets, late = _replay(items, counted_mu, approved, scope=config.balance.scope)
    out = items.assign(
        counted=approved & (counted_mu > _TOL_M2 / M2_PER_MU),
        area_mu=area / M2_PER_MU,
        inside_line_mu=in_area / M2_PER_MU,
        outside_line_mu=out_area / M2_PER_MU,
        offsets=pd.array(offsets, dtype="str"),
        counted_mu=counted_mu,
    )
    problems = pd.array(["；".join(w) if w else None for w in why], dtype="str")
    out["why_not_counted"] = pd.array(
        [
            None if c else (p if isinstance(p, str) else "")
            for c, p in zip(out["counted"], problems, strict=True)
        ],
        dtype="str",
    )
    out["why_zh"] = pd.array(_why_texts(out, problems, late, whole=whole), dtype="str")
    cols = [*RESULT_COLUMNS["balance_items"], *ITEM_EXTRA_COLUMNS]
    out = gpd.GeoDataFrame(out[cols], geometry="geometry", crs=crs).reset_index(drop=True)
    return out, concat_findings(_findings(items), _late_findings(items, late))


def _claim(
    rows: np.ndarray, pieces: np.ndarray, counted: np.ndarray, why: list, overlap: str
) -> np.ndarray:
    """Count each of ``rows`` (in rank order) for its piece less the earlier rows' pieces.

    Sets ``counted`` (m²) and notes the overlap in ``why``; returns the rows counted.
    """
    if not len(rows):
        return rows
    claimed = _claim_once(pieces[rows])
    got = shapely.area(claimed)
    full = shapely.area(pieces[rows])
    counted[rows] = got
    for k, i in enumerate(rows):
        lost = float(full[k] - got[k])
        if lost > _TOL_M2:
            why[i].append(f"{overlap}（重叠{_mu(lost)}亩只计一次）")
    return rows[got > _TOL_M2]


def _mu(m2: float) -> str:
    return format_number(m2 / M2_PER_MU, 2, grouping=False, trim=True)


def _why_texts(
    items: pd.DataFrame, problems: pd.arrays.ArrowStringArray, late: dict, *, whole: bool
) -> list[str]:
    """Why each item counts or not, in one sentence."""
    out = []
    for i, row in enumerate(items.itertuples(index=False)):
        problem = problems[i] if isinstance(problems[i], str) else ""
        mu = format_number(float(row.counted_mu), 2, grouping=False, trim=True)
        approved = row.status == "approved"
        when = ""
        if approved:
            date = pd.Timestamp(row.approved_on)
            when = f"{date.year}年{date.month}月{date.day}日批准"
            if isinstance(row.approval_no, str) and row.approval_no:
                when += f"（{row.approval_no}）"
        if row.kind == "convert":
            if row.counted_mu > _TOL_M2 / M2_PER_MU:
                head = (
                    f"{when}，控制线内{mu}亩计入转出面积"
                    if approved
                    else (f"{WHY_NOT_APPROVED}（拟改），控制线内{mu}亩计入拟改面积")
                )
            else:
                head = f"{when}，不计入" if approved else f"{WHY_NOT_APPROVED}（拟改），不计入"
        elif row.kind == "supplement":
            where = "" if whole else "、控制线外"
            if row.counted_mu > _TOL_M2 / M2_PER_MU:
                head = (
                    f"{when}，工业规划用途{where}{mu}亩计入补充面积"
                    if approved
                    else f"{WHY_NOT_APPROVED}（拟补），{mu}亩计入拟补面积"
                )
            else:
                head = f"{when}，不计入" if approved else f"{WHY_NOT_APPROVED}（拟补），不计入"
        else:
            head = "不计入"
        text = head + (f"：{problem}" if problem else "")
        if i in late:
            text += f"；批准时本{late[i][0]}已批准补充面积不足（差{late[i][1]}亩），不符合先补后调"
        out.append(text)
    return out


def _replay(
    items: pd.DataFrame, counted_mu: np.ndarray, approved: np.ndarray, *, scope: str
) -> tuple[list[str | None], dict]:
    """先补后调: the approved items by date, supplements first used first.

    Returns each item's ``offsets`` (the supplements a convert drew on, the converts a
    supplement covered, with the area) and the converts approved without cover:
    {row: (county or 市, shortfall in mu as text)}.
    """
    n = len(items)
    offsets: list[list[str]] = [[] for _ in range(n)]
    late: dict = {}
    kinds = items["kind"].to_numpy(dtype=object)
    rows = np.flatnonzero(approved & (counted_mu > _TOL_M2 / M2_PER_MU))
    if not len(rows):
        return [None] * n, late
    frame = pd.DataFrame(
        {
            "row": rows,
            "date": items["approved_on"].to_numpy()[rows],
            # supplements before converts of the same day: 先补后调
            "first": (kinds[rows] != "supplement").astype(int),
            "id": items["item_id"].astype(str).to_numpy()[rows],
            "unit": items["county_code"].astype(str).to_numpy()[rows]
            if scope == "county"
            else CITY,
        }
    ).sort_values(["date", "first", "id"], kind="stable")
    ids = items["item_id"].astype(str).to_numpy()
    pools: dict[str, list[list]] = {}
    for row, unit in zip(frame["row"], frame["unit"], strict=True):
        mu = float(counted_mu[row])
        pool = pools.setdefault(unit, [])
        if kinds[row] == "supplement":
            pool.append([row, mu])
            continue
        need = mu
        for entry in pool:
            if need <= _TOL_M2 / M2_PER_MU:
                break
            take = min(entry[1], need)
            if take <= _TOL_M2 / M2_PER_MU:
                continue
            entry[1] -= take
            need -= take
            amount = format_number(take, 2, grouping=False, trim=True)
            offsets[row].append(f"{ids[entry[0]]}（{amount}亩）")
            offsets[entry[0]].append(f"{ids[row]}（{amount}亩）")
        if need > _TOL_M2 / M2_PER_MU:
            where = "县（市、区）" if scope == "county" else "市"
            late[row] = (where, format_number(need, 2, grouping=False, trim=True))
    return ["、".join(o) if o else None for o in offsets], late


def balance_ledger(
    items: pd.DataFrame,
    *,
    config: Config,
    counties: Iterable[str] = (),
) -> pd.DataFrame:
    """The 改一补一 ledger per county and for the city: approved, proposed, if approved.

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
    kind = items["kind"].to_numpy(dtype=object)
    approved = items["status"].to_numpy(dtype=object) == "approved"
    mu = items["counted_mu"].to_numpy(dtype=float)
    conv, supp = kind == "convert", kind == "supplement"
    frame = pd.DataFrame(
        {
            "county_code": items["county_code"].astype("str").to_numpy(dtype=object),
            "converted_mu": np.where(conv & approved, mu, 0.0),
            "compensated_mu": np.where(supp & approved, mu, 0.0),
            "proposed_mu": np.where(conv & ~approved, mu, 0.0),
            "proposed_supplement_mu": np.where(supp & ~approved, mu, 0.0),
        }
    )
    sums = frame.groupby("county_code").sum().reindex(codes, fill_value=0.0)
    city = frame.drop(columns="county_code").sum().rename(CITY)
    table = pd.concat([sums, city.to_frame().T])
    table["balance_mu"] = table["compensated_mu"] - table["converted_mu"]
    table["balanced"] = table["balance_mu"] >= -config.balance.tolerance_mu
    table["balance_if_approved_mu"] = (
        table["balance_mu"] - table["proposed_mu"] + table["proposed_supplement_mu"]
    )
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
    final = "final_treatment" if "final_treatment" in parcel_eval.columns else "treatment"
    conv = parcel_eval.loc[(parcel_eval[final] == "CONVERT").to_numpy(dtype=bool)]
    conv = conv.sort_values("parcel_id", kind="stable")

    def column(frame: pd.DataFrame, name: str):
        if name in frame.columns:
            return frame[name].to_numpy(dtype=object)
        return np.full(len(frame), None, dtype=object)

    from_parcels = pd.DataFrame(
        {
            "item_id": conv["parcel_id"].astype("str").to_numpy(dtype=object),
            "source": "parcel",
            "kind": "convert",
            "county_code": conv["county_code"].to_numpy(dtype=object),
            "status": "proposed",
            "approved_on": pd.NaT,
            "approval_no": None,
            "main_name": column(conv, "main_name"),
            "reason_zh": column(conv, "reason_zh"),
            "planned_use": conv["planned_use"].to_numpy(dtype=object),
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
                "kind": kind.to_numpy(dtype=object),
                "county_code": lc["county_code"].to_numpy(dtype=object),
                "status": np.where(approved.notna(), "approved", "proposed"),
                "approved_on": approved.to_numpy(),
                "approval_no": column(lc, "approval_no"),
                "main_name": None,
                "reason_zh": None,
                "planned_use": column(lc, "planned_use"),
                "geometry": geometry_array(lc, crs),
            }
        )
        # Counting order: the earlier approval keeps an overlap; undated items come last.
        changes = changes.sort_values(["approved_on", "item_id"], na_position="last", kind="stable")
        parts.append(changes)
    items = pd.concat(parts, ignore_index=True)
    for col in (
        "item_id",
        "source",
        "kind",
        "county_code",
        "status",
        "approval_no",
        "main_name",
        "reason_zh",
        "planned_use",
    ):
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
    no_date = np.isin(kinds, ["convert", "supplement"]) & changes["approved_on"].isna().to_numpy()
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
            f"用地调整{i}无批准日期，列为{'拟改' if k == 'convert' else '拟补'}，"
            "不计入已批准的改一补一平衡",
            "已批准的，补充批准日期（和文号）",
        )
        for i, k in zip(ids[no_date], kinds[no_date], strict=True)
    ]
    return findings_frame(out)


def _late_findings(items: pd.DataFrame, late: dict) -> pd.DataFrame:
    """先补后调: each convert approved before enough compensation was (a warning)."""
    out = []
    for row, (where, short) in sorted(late.items()):
        item = items.iloc[row]
        date = pd.Timestamp(item["approved_on"]).date().isoformat()
        out.append(
            Finding(
                "warning",
                "CONVERT_BEFORE_SUPPLEMENT",
                "land_changes",
                str(item["item_id"]),
                "approved_on",
                f"改出项目{item['item_id']}于{date}批准时，本{where}已批准的补充面积不足"
                f"（差{short}亩），不符合先补后调",
                "核对补充项目的批准日期，或先批准补充用地",
            )
        )
    return findings_frame(out)

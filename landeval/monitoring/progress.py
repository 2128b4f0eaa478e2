"""Where each item of last year's action list stands (DESIGN §11): :func:`list_progress`.

One row for every parcel on last year's list (its final treatment, the review's where it
decided, not 保留), never dropped, with a status (:data:`landeval.vocabulary.LIST_STATUS_LABELS`):

1. 已销号 / 已验收 — the latest 进展 the review gives for the parcel says so: this year's
   review where it carries a 进展 for the parcel (or the parcels it became), else last
   year's decisions. A 销号 or 验收 date counts as that step. Only the review closes an item.
2. 疑似完成 — the data say the treatment's goal is met, but no review has accepted it:
   整治提升: the class rose to A or B; 拆除重建: the floor-area ratio is at or above its
   minimum; 关停退出: the land was recovered (last year's occupant gone, nobody on record)
   or re-let (another firm, not closed, uses it); 功能转型: the use is no longer industrial
   (or the land left the industrial parcel register) and an approved 改一补一 convert item
   covers it (its 补 named where the ledger pairs them). A parcel split in two meets the
   goal when every part does.
3. 受阻 / 推进中 — the review says so; 4. 未启动 — otherwise.

``evidence_zh`` says why, in words: the review's step and date, what the data show, how
the parcel was matched to this year's (split, merged, new code) and, for a parcel nothing
matches, that it is missing. A converted parcel without an approved item, and a parcel of
last year that nothing matches, are findings too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from landeval.findings import Finding, findings_frame
from landeval.monitoring.match import by_previous
from landeval.monitoring.transitions import final_treatment
from landeval.vocabulary import (
    CLOSED_STATUS_LABELS,
    KEEP,
    MATCH_LABELS,
    PROGRESS_LABELS,
    PROGRESS_SOURCE_LABELS,
    land_use_label,
)

PROGRESS_COLUMNS: list[str] = [
    "prev_parcel_id",
    "county_code",
    "platform_id",
    "platform_name",
    "area_mu",
    "prev_class",
    "prev_treatment",
    "decision_source",
    "now_parcel_ids",
    "match",
    "overlap_share",
    "now_class",
    "now_treatment",
    "progress",
    "progress_source",
    "status",
    "evidence_zh",
    "path",
    "responsible",
    "deadline",
    "difficulty",
    "accepted_on",
    "closed_on",
]
"""Columns of ``list_progress``: last year's parcel (code, county, platform, area in 亩,
class, final treatment and who decided it), this year's parcels it became (codes joined by
"、", largest first), the match and the share of last year's parcel they cover, the class
and final treatment of the largest, the latest 进展 and which review gave it, the status
(code), the evidence in words, and the review's path, office, deadline, difficulty and dates
(from the review that gave the 进展, else last year's)."""

_PROGRESS_RANK: dict[str, int] = {
    "NOT_STARTED": 0,
    "BLOCKED": 1,
    "IN_PROGRESS": 2,
    "ACCEPTED": 3,
    "CLOSED": 4,
}
"""How far a 进展 is along; a parcel that became several takes the least advanced."""

_REVIEW_CELLS = ("path", "responsible", "deadline", "difficulty", "accepted_on", "closed_on")

_CLASSES_MET = ("A", "B")


@dataclass(frozen=True)
class ListProgress:
    """What :func:`list_progress` gives: the table and its findings."""

    table: pd.DataFrame
    findings: pd.DataFrame


def list_progress(
    *,
    prev_parcels: pd.DataFrame,
    prev_decisions: pd.DataFrame | None,
    parcels: pd.DataFrame,
    decisions: pd.DataFrame | None,
    links: pd.DataFrame,
    balance_items: pd.DataFrame | None,
    industrial_prefixes: list[str],
    min_share: float,
) -> ListProgress:
    """The progress of every item of last year's action list.

    Parameters
    ----------
    prev_parcels : GeoDataFrame
        Last year's parcel_eval (:data:`landeval.monitoring.previous.PREVIOUS_COLUMNS`).
    prev_decisions : DataFrame or None
        Last year's decisions (final treatment, 进展 and the review's cells).
    parcels : GeoDataFrame
        This year's parcel_eval.
    decisions : DataFrame or None
        This year's decisions (their 进展 is the latest where given).
    links : DataFrame
        :func:`landeval.monitoring.match.link_parcels` of the two years.
    balance_items : GeoDataFrame or None
        This year's 改一补一 items (source, kind, status, item_id, offsets, geometry).
    industrial_prefixes : list of str
        Land-use codes that are industrial (``[flags] industrial_use_prefixes``).
    min_share : float
        Share of a parcel an approved convert item must cover to count as its item.

    Returns
    -------
    ListProgress
    """
    listed = _listed(prev_parcels, prev_decisions)
    succ = by_previous(links, listed["prev_parcel_id"]).set_index("prev_parcel_id")
    now = _indexed(parcels)
    latest = _latest_progress(listed, succ, decisions)
    items = _approved_converts(balance_items)
    covered = _item_cover(listed, items, min_share=min_share)
    goal = _goals(listed, succ, now, covered, industrial_prefixes)
    status = _status(latest["progress"], goal["met"])
    table = pd.DataFrame(
        {
            "prev_parcel_id": listed["prev_parcel_id"],
            "county_code": listed["county_code"],
            "platform_id": listed["platform_id"],
            "platform_name": listed["platform_name"],
            "area_mu": listed["area_mu"],
            "prev_class": listed["class"],
            "prev_treatment": listed["prev_treatment"],
            "decision_source": listed["decision_source"],
            "now_parcel_ids": [
                "、".join(ids) if ids else None
                for ids in succ["now_parcel_ids"].reindex(listed["prev_parcel_id"])
            ],
            "match": succ["match"].reindex(listed["prev_parcel_id"]).to_numpy(dtype=object),
            "overlap_share": succ["overlap_share"]
            .reindex(listed["prev_parcel_id"])
            .to_numpy(dtype="float64"),
            "now_class": _of_main(now, succ, listed, "class"),
            "now_treatment": _of_main(now, succ, listed, "_final"),
            "progress": latest["progress"].to_numpy(dtype=object),
            "progress_source": latest["progress_source"].to_numpy(dtype=object),
            "status": status,
            "evidence_zh": _evidence(listed, succ, latest, goal),
            **{cell: latest[cell].to_numpy(dtype=object) for cell in _REVIEW_CELLS},
        }
    )
    for col in ("prev_parcel_id", "county_code", "platform_id", "platform_name", "status"):
        table[col] = table[col].astype("str")
    findings = _convert_findings(listed, goal) + _unmatched_findings(
        prev_parcels, links, converted=set(goal.index[goal["left_register"]])
    )
    return ListProgress(table[PROGRESS_COLUMNS], findings_frame(findings))


# --- last year's list and the latest 进展 ---------------------------------------------------


def _listed(prev_parcels: pd.DataFrame, prev_decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Last year's listed parcels (final treatment not 保留), sorted by county and code."""
    pe = pd.DataFrame(prev_parcels).copy()
    pe["prev_parcel_id"] = pe["parcel_id"].astype("string")
    pe["prev_treatment"] = final_treatment(pe).astype(object)
    if "decision_source" not in pe.columns:
        pe["decision_source"] = pd.NA
    if prev_decisions is not None and len(prev_decisions):
        dec = prev_decisions.assign(parcel_id=prev_decisions["parcel_id"].astype("string"))
        dec = dec.drop_duplicates("parcel_id").set_index("parcel_id")
        final = dec["final"].reindex(pe["prev_parcel_id"]).to_numpy(dtype=object)
        given = pd.notna(final)
        pe.loc[given, "prev_treatment"] = final[given]
        source = dec["decision_source"].reindex(pe["prev_parcel_id"]).to_numpy(dtype=object)
        pe["decision_source"] = np.where(pd.notna(source), source, pe["decision_source"])
        for cell in ("progress", *_REVIEW_CELLS):
            pe[f"prev_{cell}"] = dec[cell].reindex(pe["prev_parcel_id"]).to_numpy(dtype=object)
    else:
        for cell in ("progress", *_REVIEW_CELLS):
            pe[f"prev_{cell}"] = None
    listed = pe.loc[pe["prev_treatment"].notna() & (pe["prev_treatment"] != KEEP)]
    order = np.lexsort(
        (
            listed["prev_parcel_id"].fillna("").to_numpy(dtype=str),
            listed["county_code"].astype("string").fillna("").to_numpy(dtype=str),
        )
    )
    return listed.iloc[order].reset_index(drop=True)


def _latest_progress(
    listed: pd.DataFrame, succ: pd.DataFrame, decisions: pd.DataFrame | None
) -> pd.DataFrame:
    """The latest 进展 of each listed parcel and the review cells that go with it."""
    n = len(listed)
    last = pd.DataFrame(
        {
            "progress": _effective(
                listed["prev_progress"], listed["prev_accepted_on"], listed["prev_closed_on"]
            ),
            **{cell: listed[f"prev_{cell}"].to_numpy(dtype=object) for cell in _REVIEW_CELLS},
        }
    )
    source = np.array(
        ["last_year" if isinstance(c, str) else None for c in last["progress"]], dtype=object
    )
    out = last.copy()
    if decisions is not None and len(decisions) and "progress" in decisions.columns:
        dec = decisions.assign(parcel_id=decisions["parcel_id"].astype("string"))
        for cell in _REVIEW_CELLS:
            if cell not in dec.columns:
                dec[cell] = None
        dec = dec.drop_duplicates("parcel_id").set_index("parcel_id")
        dec["_progress"] = _effective(dec["progress"], dec["accepted_on"], dec["closed_on"])
        pairs = [
            (i, now_id)
            for i, ids in enumerate(succ["now_parcel_ids"].reindex(listed["prev_parcel_id"]))
            if isinstance(ids, list)
            for now_id in ids
        ]
        if pairs:
            pos, now_ids = zip(*pairs, strict=True)
            rows = dec.reindex(list(now_ids)).assign(_pos=pos)
            rows = rows.loc[rows["_progress"].notna()]
            rows["_rank"] = rows["_progress"].map(_PROGRESS_RANK)
            # a parcel that became several is as far along as its least advanced part
            first = rows.sort_values(["_pos", "_rank"], kind="stable").drop_duplicates("_pos")
            at = first["_pos"].to_numpy(dtype=int)
            out.loc[at, "progress"] = first["_progress"].to_numpy(dtype=object)
            for cell in _REVIEW_CELLS:
                out.loc[at, cell] = first[cell].to_numpy(dtype=object)
            source[at] = "this_year"
    out["progress_source"] = source
    return out.set_axis(range(n))


def _effective(progress: pd.Series, accepted_on: pd.Series, closed_on: pd.Series) -> pd.Series:
    """The 进展 code, raised to 已验收 / 已销号 where the review gives that step's date."""
    code = progress.astype(object).where(progress.notna(), None).to_numpy(dtype=object)
    out = code.copy()
    for i, (c, acc, clo) in enumerate(zip(code, accepted_on, closed_on, strict=True)):
        rank = _PROGRESS_RANK.get(c, -1) if isinstance(c, str) else -1
        if pd.notna(clo) and rank < _PROGRESS_RANK["CLOSED"]:
            out[i] = "CLOSED"
        elif pd.notna(acc) and rank < _PROGRESS_RANK["ACCEPTED"]:
            out[i] = "ACCEPTED"
    return pd.Series(out, index=progress.index, dtype=object)


def _status(progress: pd.Series, met: pd.Series) -> np.ndarray:
    code = progress.to_numpy(dtype=object)
    done = met.to_numpy(dtype=bool)
    out = np.full(len(code), "NOT_STARTED", dtype=object)
    for i, (c, m) in enumerate(zip(code, done, strict=True)):
        if c in ("CLOSED", "ACCEPTED"):
            out[i] = c
        elif m:
            out[i] = "SUSPECTED_DONE"
        elif c in ("BLOCKED", "IN_PROGRESS"):
            out[i] = c
    return out


# --- whether the data say the goal is met ------------------------------------------------


def _goals(
    listed: pd.DataFrame,
    succ: pd.DataFrame,
    now: pd.DataFrame,
    covered: pd.DataFrame,
    industrial_prefixes: list[str],
) -> pd.DataFrame:
    """Per listed parcel: met (bool), what the data show (text), left_register, no_item."""
    prefixes = tuple(industrial_prefixes)
    fields = ["class", "far", "far_min", "main_uscc", "main_name", "status", "land_use", "_final"]
    records = dict(zip(now.index, now[fields].to_dict("records"), strict=True))
    successors = succ["now_parcel_ids"].to_dict()
    cover = covered.to_dict("index")
    rows = []
    for rec in listed.drop(columns="geometry", errors="ignore").to_dict("records"):
        pid = rec["prev_parcel_id"]
        parts = [records[i] for i in successors.get(pid, []) if i in records]
        met, words, left, no_item = _goal(rec, parts, cover.get(pid), prefixes)
        rows.append((pid, met, words, left, no_item))
    return pd.DataFrame(
        rows, columns=["prev_parcel_id", "met", "shows", "left_register", "no_item"]
    ).set_index("prev_parcel_id")


def _goal(
    rec: dict, parts: list[dict], cover: dict | None, prefixes: tuple[str, ...]
) -> tuple[bool, str, bool, bool]:
    """(met, what the data show, left the register covered by an item, converted w/o item)."""
    treatment = rec["prev_treatment"]
    if treatment == "UPGRADE":
        return (*_upgrade_goal(rec, parts), False, False)
    if treatment == "REBUILD":
        far = [_float(p["far"]) for p in parts]
        need = [_float(p["far_min"]) for p in parts]
        met = bool(parts) and all(f >= n for f, n in zip(far, need, strict=True))
        now = "、".join(_number(v) for v in far) or "—"
        minimum = "、".join(dict.fromkeys(_number(v) for v in need)) or "—"
        return met, f"容积率 {_number(rec['far'])}→{now}（标准 {minimum}）", False, False
    if treatment == "EXIT":
        return (*_exit_goal(rec, parts), False, False)
    if treatment == "CONVERT":
        return _convert_goal(parts, cover, prefixes)
    return False, "", False, False


def _upgrade_goal(rec: dict, parts: list[dict]) -> tuple[bool, str]:
    classes = [p["class"] if isinstance(p["class"], str) else "—" for p in parts]
    was = rec["class"]
    # a parcel of class A or B listed for its tax or land use meets the goal only when it
    # left the list: the class alone did not list it
    rose = not (isinstance(was, str) and was in _CLASSES_MET)
    off_list = bool(parts) and all(p["_final"] == KEEP for p in parts)
    met = bool(parts) and all(c in _CLASSES_MET for c in classes) and (rose or off_list)
    shown = f"评价类别 {was if isinstance(was, str) else '—'}→{'、'.join(classes) or '—'}"
    if parts:
        shown += "，本年已不在处置清单" if off_list else "，本年仍在处置清单"
    return met, shown


def _exit_goal(rec: dict, parts: list[dict]) -> tuple[bool, str]:
    was = rec["main_uscc"] if isinstance(rec["main_uscc"], str) else None
    if not parts:
        return False, ""
    occupants = [p["main_uscc"] if isinstance(p["main_uscc"], str) else None for p in parts]
    closed = [p["status"] in CLOSED_STATUS_LABELS for p in parts]
    if was is not None and all(o is None for o in occupants):
        return True, f"原用地企业{_name(rec['main_name'])}已退出，无在册用地企业（土地已收回）"
    if all(o is not None and o != was and not c for o, c in zip(occupants, closed, strict=True)):
        names = "、".join(dict.fromkeys(_name(p["main_name"]) for p in parts))
        return True, f"已由{names}使用（重新出租或出让）"
    if all(o is None for o in occupants):
        return False, "仍无在册用地企业"
    still = [_name(p["main_name"]) for p, o in zip(parts, occupants, strict=True) if o == was]
    if still:
        return False, f"仍由{'、'.join(dict.fromkeys(still))}使用"
    return False, "用地企业已停业、注销或吊销，土地尚未收回"


def _convert_goal(
    parts: list[dict], cover: dict | None, prefixes: tuple[str, ...]
) -> tuple[bool, str, bool, bool]:
    item = cover is not None and bool(cover["covered"])
    item_words = ""
    if cover is not None and isinstance(cover["item_ids"], str):
        pairs = f"（对应补充项目 {cover['offsets']}）" if isinstance(cover["offsets"], str) else ""
        item_words = f"改一补一转出项目 {cover['item_ids']} 已批准{pairs}"
    if not parts:
        if item:
            return True, f"已不在工业用地宗地图层中；{item_words}", True, False
        return False, "", False, False
    uses = [p["land_use"] for p in parts]
    changed = [isinstance(u, str) and not u.strip().upper().startswith(prefixes) for u in uses]
    if not all(changed):
        return False, "现状用途仍为工业用地", False, False
    names = "、".join(dict.fromkeys(land_use_label(u) or str(u) for u in uses))
    if item:
        return True, f"现状用途已改为{names}；{item_words}", False, False
    return False, f"现状用途已改为{names}，但没有已批准的改一补一转出项目", False, True


def _float(value: object) -> float:
    number = pd.to_numeric(value, errors="coerce")
    return float("nan") if pd.isna(number) else float(number)


def _approved_converts(items: pd.DataFrame | None) -> pd.DataFrame | None:
    """Approved convert items of the 改一补一 ledger (land changes), with geometry."""
    if items is None or not len(items) or "geometry" not in items.columns:
        return None
    kind = items["kind"].astype("string") == "convert"
    approved = items["status"].astype("string") == "approved"
    source = (
        items["source"].astype("string") == "land_change"
        if "source" in items.columns
        else pd.Series(True, index=items.index)
    )
    keep = (kind & approved & source).fillna(False).to_numpy(dtype=bool)
    return items.loc[keep] if keep.any() else None


def _item_cover(
    listed: pd.DataFrame, items: pd.DataFrame | None, *, min_share: float
) -> pd.DataFrame:
    """Per listed 功能转型 parcel: whether approved convert items cover it, which, their 补."""
    convert = listed.loc[listed["prev_treatment"] == "CONVERT"]
    columns = ["covered", "item_ids", "offsets"]
    if items is None or convert.empty or "geometry" not in listed.columns:
        return pd.DataFrame(columns=columns, index=pd.Index([], dtype=object))
    geoms = np.asarray(convert["geometry"].to_numpy(), dtype=object)
    item_geoms = np.asarray(items.geometry.to_numpy(), dtype=object)
    hit_parcel, hit_item = shapely.STRtree(item_geoms).query(geoms, predicate="intersects")
    rows: list[tuple[str, bool, str | None, str | None]] = []
    for k, pid in enumerate(convert["prev_parcel_id"]):
        mine = hit_item[hit_parcel == k]
        area = shapely.area(geoms[k])
        if not len(mine) or not area > 0:
            rows.append((pid, False, None, None))
            continue
        inside = shapely.area(shapely.intersection(geoms[k], shapely.union_all(item_geoms[mine])))
        share = inside / area
        ids = "、".join(items["item_id"].astype(str).to_numpy()[mine])
        offsets = (
            "、".join(
                o for o in items["offsets"].astype(object).to_numpy()[mine] if isinstance(o, str)
            )
            if "offsets" in items.columns
            else ""
        )
        rows.append((pid, bool(share >= min_share), ids, offsets or None))
    return pd.DataFrame(rows, columns=["prev_parcel_id", *columns]).set_index("prev_parcel_id")


# --- words --------------------------------------------------------------------------------


def _evidence(
    listed: pd.DataFrame, succ: pd.DataFrame, latest: pd.DataFrame, goal: pd.DataFrame
) -> list[str]:
    matches = succ["match"].to_dict()
    successors = succ["now_parcel_ids"].to_dict()
    shows = goal["shows"].to_dict()
    left = goal["left_register"].to_dict()
    out = []
    steps = latest[["progress", "progress_source", "accepted_on", "closed_on", "difficulty"]]
    for pid, treatment, step in zip(
        listed["prev_parcel_id"], listed["prev_treatment"], steps.to_dict("records"), strict=True
    ):
        parts = []
        progress = step["progress"]
        if isinstance(progress, str):
            source = PROGRESS_SOURCE_LABELS.get(str(step["progress_source"]), {}).get("zh", "复核")
            when = {"CLOSED": step["closed_on"], "ACCEPTED": step["accepted_on"]}.get(progress)
            dated = f"，{_date(when)}" if when is not None and pd.notna(when) else ""
            words = PROGRESS_LABELS[progress]["zh"]
            if progress == "BLOCKED" and isinstance(step["difficulty"], str):
                words += f"：{step['difficulty']}"
            parts.append(f"{source}进展 {words}{dated}")
        if shows.get(pid):
            parts.append(shows[pid])
        match = matches.get(pid, "none")
        ids = "、".join(successors.get(pid, []))
        if match == "split":
            parts.append(f"宗地已分割为 {ids}")
        elif match == "merge":
            parts.append(f"宗地已并入 {ids}")
        elif match == "recode":
            parts.append(f"宗地代码已变更为 {ids}")
        elif match == "none" and not left.get(pid, False):
            parts.append(f"本年数据中没有该宗地（{MATCH_LABELS['none']['zh']}）")
        if treatment == "DEFER":
            parts.append("上年复核暂缓")
        out.append("；".join(parts) if parts else "本年数据未显示处置目标已实现")
    return out


def _of_main(
    now: pd.DataFrame, succ: pd.DataFrame, listed: pd.DataFrame, column: str
) -> np.ndarray:
    main = succ["main_parcel_id"].reindex(listed["prev_parcel_id"]).astype(object)
    return now[column].reindex(main.to_numpy(dtype=object)).to_numpy(dtype=object)


def _indexed(parcels: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(parcels.drop(columns="geometry", errors="ignore")).copy()
    for col in ("class", "far", "far_min", "main_uscc", "main_name", "status", "land_use"):
        if col not in out.columns:
            out[col] = pd.NA
    out["_final"] = final_treatment(out).to_numpy(dtype=object)
    out.index = pd.Index(out["parcel_id"].astype("string").to_numpy(dtype=object))
    return out[~out.index.duplicated()]


def _name(name: object) -> str:
    return str(name) if isinstance(name, str) and name else "—"


def _number(value: object) -> str:
    number = pd.to_numeric(value, errors="coerce")
    return "—" if pd.isna(number) else f"{float(number):.2f}"


def _date(value: object) -> str:
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return stamp.strftime("%Y-%m-%d")


# --- findings ---------------------------------------------------------------------------------


def _convert_findings(listed: pd.DataFrame, goal: pd.DataFrame) -> list[Finding]:
    bad = goal.index[goal["no_item"]]
    county = listed.set_index("prev_parcel_id")["county_code"]
    return [
        Finding(
            "warning",
            "CONVERT_WITHOUT_ITEM",
            "parcel_eval",
            str(pid),
            "land_use",
            f"上年列入功能转型的宗地 {pid}（{county.get(pid, '')}）现状用途已非工业，但没有已批准的"
            "改一补一转出项目覆盖它：用途改变须按改一补一办理",
            "核对用地调整（改一补一）项目的批准情况与范围",
        )
        for pid in bad
    ]


def _unmatched_findings(
    prev_parcels: pd.DataFrame, links: pd.DataFrame, *, converted: set[str]
) -> list[Finding]:
    ids = prev_parcels["parcel_id"].astype("string")
    gone = ids[~ids.isin(links["prev_parcel_id"])]
    return [
        Finding(
            "info" if pid in converted else "warning",
            "PREVIOUS_PARCEL_UNMATCHED",
            "previous",
            str(pid),
            "parcel_id",
            (
                f"上年宗地 {pid} 在本年宗地图层中既没有相同代码，也没有重合的宗地"
                + (
                    "：已由已批准的改一补一转出项目覆盖，视为转出工业用地"
                    if pid in converted
                    else "；它在年度对比中保留，但无法判断其处置进展"
                )
            ),
            "核对宗地代码与图形（分割、合并、注销）" if pid not in converted else "",
        )
        for pid in gone.tolist()
    ]

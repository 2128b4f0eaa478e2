"""The occupants of each parcel in the evaluation year: a tenant is not its parcel (DESIGN §6).

From the allocation (who uses how much of which parcel) and the firms' classes, negative list,
industries and statuses, per occupant of each parcel:

- its firm flags, most severe first: VETO (negative list), PHASE_OUT (淘汰类 industry),
  CLASS_D_3Y (D this year and the two before), CLASS_D_TWICE (D this year and the year
  before), CLASS_D, CLASS_C;
- its share of the parcel: its land on the parcel over the parcel's area.

A firm flag is a parcel flag only where the firms carrying it together use at least
``flags.firm_flag_min_share`` (half) of the parcel. Otherwise it is a firm action (企业处置):
腾退 (VACATE) for VETO, PHASE_OUT, CLASS_D_3Y, 整改 (RECTIFY) for CLASS_D_TWICE, CLASS_D,
CLASS_C — one per firm and parcel, for its most severe flag that did not become a parcel
flag — and the parcel is judged on the rest. On a 小微企业园 parcel (a platform whose kind
is in ``flags.micro_park_kinds`` and at least ``flags.micro_park_min_occupants``
occupants) a tenant's (lease) flags are always firm actions: the park is never exited as a
whole for its tenants.

The same share rule gives the parcel's *decisive* occupant: the main occupant when it uses at
least that share of the parcel. Its class, industry and scale are the parcel's for the rules
(the class A/B exemption, the FAR standard, the tax checks); a parcel without one is judged
on its own figures, so that a tenant using under half of it never decides its treatment.
Closed occupants (status in ``flags.closed_statuses``) using at least that share make the
parcel STOPPED.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval._arrow import (
    equals,
    first_positions,
    is_in,
    null_strings,
    shared_codes,
    starts_with,
    take_float,
    take_str,
    text_array,
    to_str,
)
from landeval._format import format_number, format_percent
from landeval.config import FIRM_FLAG_CODES, Config
from landeval.inputs.model import RESULT_COLUMNS
from landeval.inputs.units import M2_PER_MU
from landeval.treatments._aligned import column_values, year_mask
from landeval.treatments._text import concat
from landeval.vocabulary import FIRM_ACTION_LABELS, INCOMPLETE_DATA_ZH, INDUSTRY_NAMES

VACATE_FLAGS: frozenset[str] = frozenset({"VETO", "PHASE_OUT", "CLASS_D_3Y"})
"""Firm flags whose firm action is 腾退 (VACATE); the others' is 整改 (RECTIFY)."""

FIRM_ACTION_COLUMNS: list[str] = RESULT_COLUMNS["firm_actions"]
"""Columns of the ``firm_actions`` table."""

_MAX_NAMES = 3
# Shares within this of the bound meet it (an exact half is half).
_EPS = 1e-9


@dataclass(frozen=True)
class Occupants:
    """What :func:`parcel_occupants` returns, aligned to the parcels where per parcel.

    Attributes
    ----------
    flags : dict of str to bool ndarray
        The firm flags that are parcel flags (:data:`landeval.config.FIRM_FLAG_CODES`).
    flag_firms : dict of str to pyarrow.Array
        For each raised firm flag, the names of the firms carrying it ("、", at most three
        and 等N家) with the phrase's detail (veto reasons, industries); missing elsewhere.
    closed_share : ndarray
        Share of the parcel used by closed occupants (tenants of a 小微企业园 excluded).
    decisive : ndarray of bool
        The main occupant uses at least ``firm_flag_min_share`` of the parcel.
    imputed : ndarray of bool
        The decisive occupant's class rests partly on imputed (group-mean) sub-scores.
    incomplete : ndarray of bool
        The decisive occupant is class T for want of data (数据不全).
    owner_names, user_names, firm_actions_zh : pyarrow.Array
        Per parcel: occupants holding as owners / lessees ("、", most land first) and the
        firm actions on it ("；"); missing where there are none.
    micro_park : ndarray of bool
        The parcel is a 小微企业园 parcel.
    firm_actions : DataFrame
        :data:`FIRM_ACTION_COLUMNS`, by parcel_id then most land first.
    occupant_uscc : pyarrow.Array
        The usccs of every occupant (with ``occupant_parcel``, the parcel's position), for
        the checks against the suspect values.
    occupant_parcel : ndarray of int64
    """

    flags: dict[str, np.ndarray]
    flag_firms: dict[str, pa.Array]
    closed_share: np.ndarray
    decisive: np.ndarray
    imputed: np.ndarray
    incomplete: np.ndarray
    owner_names: pa.Array
    user_names: pa.Array
    firm_actions_zh: pa.Array
    micro_park: np.ndarray
    firm_actions: pd.DataFrame
    occupant_uscc: pa.Array
    occupant_parcel: np.ndarray


def parcel_occupants(
    *,
    pid: pa.Array,
    county: pa.Array,
    area_m2: np.ndarray,
    main_uscc: pa.Array,
    n_occupants: np.ndarray,
    platform_kind: pa.Array,
    allocation: pd.DataFrame | None,
    firm_scores: pd.DataFrame | None,
    firms: pd.DataFrame | None,
    veto: pd.DataFrame | None,
    config: Config,
    year: int,
) -> Occupants:
    """The occupants of every parcel in ``year``, their firm flags and the firm actions.

    Parameters
    ----------
    pid, county : pyarrow.Array
        The parcels' ids and county codes.
    area_m2 : ndarray
        The parcels' areas.
    main_uscc : pyarrow.Array
        Each parcel's main occupant in the year (from the parcel scores).
    n_occupants : ndarray
        Each parcel's number of occupants in the year (NaN: unknown).
    platform_kind : pyarrow.Array
        The kind of each parcel's platform (missing outside platforms).
    allocation, firm_scores, firms, veto : DataFrame or None
        The scoring stage's allocation and firm scores (all years), the registry and the
        negative list.
    config : Config
        ``[flags]``: firm_flag_min_share, micro_park_kinds, micro_park_min_occupants,
        closed_statuses, phase_out_industries.
    year : int
        Evaluation year.

    Returns
    -------
    Occupants
    """
    fl = config.flags
    n = len(pid)
    kind = text_array(platform_kind)
    micro = is_in(kind, fl.micro_park_kinds) & (
        np.nan_to_num(n_occupants, nan=0.0) >= fl.micro_park_min_occupants
    )
    occ = _occupant_rows(allocation, pid, area_m2, year)
    facts = _FirmFacts(
        occ["uscc"], firm_scores=firm_scores, firms=firms, veto=veto, year=year, config=config
    )
    p = occ["parcel"]
    share = occ["share"]
    eligible = ~(micro[p] & ~occ["own"])
    bound = fl.firm_flag_min_share - _EPS

    firm_flags = facts.flags()
    parcel_flags: dict[str, np.ndarray] = {}
    for code in FIRM_FLAG_CODES:
        carried = np.bincount(p, weights=share * (firm_flags[code] & eligible), minlength=n)
        parcel_flags[code] = carried >= bound
    closed = facts.closed() & eligible
    closed_share = np.bincount(p, weights=share * closed, minlength=n)

    # The decisive occupant: the main occupant, when it uses at least the bound.
    is_main = pc.fill_null(
        pc.equal(occ["uscc"], take_str(text_array(main_uscc), p)), False
    ).to_numpy(zero_copy_only=False)
    main_share = np.zeros(n)
    np.maximum.at(main_share, p[is_main], share[is_main])
    decisive = main_share >= bound
    at_main = np.flatnonzero(is_main & decisive[p])
    imputed = np.zeros(n, dtype=bool)
    imputed[p[at_main]] = facts.known_weight[at_main] < 1.0 - _EPS
    incomplete = np.zeros(n, dtype=bool)
    incomplete[p[at_main]] = facts.incomplete[at_main]

    names = facts.names
    order = np.lexsort((-occ["land_m2"], p))  # by parcel, most land first
    owner_names = _joined(p, order, names, keep=occ["own"], n=n, sep="、")
    user_names = _joined(p, order, names, keep=~occ["own"], n=n, sep="、")

    flag_firms = {}
    for code in FIRM_FLAG_CODES:
        rows = firm_flags[code] & eligible & parcel_flags[code][p]
        flag_firms[code] = _joined(
            p, order, facts.detail(code), keep=rows, n=n, sep="、", limit=_MAX_NAMES
        )

    actions = _firm_actions(
        occ,
        facts,
        firm_flags=firm_flags,
        parcel_flags=parcel_flags,
        eligible=eligible,
        pid=pid,
        county=county,
        year=year,
    )
    rows = actions["_row"].to_numpy(dtype=np.int64)
    action_text = concat(
        take_str(names, rows),
        " ",
        pa.array(actions["action_zh"].to_numpy(dtype=object), type=pa.large_string()),
        "（",
        pa.array(actions["_why"].to_numpy(dtype=object), type=pa.large_string()),
        "）",
    )
    text = null_strings(len(occ["uscc"]))
    if len(rows):
        mask = np.zeros(len(occ["uscc"]), dtype=bool)
        mask[rows] = True
        # The action texts put in their occupants' rows (rows are sorted by position).
        order_rows = np.argsort(rows, kind="stable")
        text = pc.replace_with_mask(text, pa.array(mask), action_text.take(pa.array(order_rows)))
    has_action = pc.is_valid(text).to_numpy(zero_copy_only=False)
    firm_actions_zh = _joined(p, order, text, keep=has_action, n=n, sep="；")
    table = actions.drop(columns=["_row", "_why"]).reset_index(drop=True)
    return Occupants(
        flags=parcel_flags,
        flag_firms=flag_firms,
        closed_share=closed_share,
        decisive=decisive,
        imputed=imputed,
        incomplete=incomplete,
        owner_names=owner_names,
        user_names=user_names,
        firm_actions_zh=firm_actions_zh,
        micro_park=micro,
        firm_actions=table,
        occupant_uscc=occ["uscc"],
        occupant_parcel=p,
    )


def _occupant_rows(
    allocation: pd.DataFrame | None, pid: pa.Array, area_m2: np.ndarray, year: int
) -> dict:
    """One row per (parcel, uscc) of the year: parcel position, uscc, land, own, share.

    Rows of parcels not among ``pid`` or without a uscc are left out; an occupant holding
    land as owner and as lessee on one parcel is an owner with the sum of its land.
    """
    empty = {
        "parcel": np.empty(0, dtype=np.int64),
        "uscc": null_strings(0),
        "land_m2": np.empty(0),
        "own": np.empty(0, dtype=bool),
        "share": np.empty(0),
    }
    if allocation is None or not len(allocation):
        return empty
    rows = np.flatnonzero(year_mask(allocation, year))
    at = pa.array(rows)
    parcel = first_positions(text_array(allocation["parcel_id"]).take(at), pid)
    uscc = text_array(allocation["uscc"]).take(at)
    keep = (parcel >= 0) & pc.is_valid(uscc).to_numpy(zero_copy_only=False)
    if not keep.any():
        return empty
    parcel, uscc = parcel[keep], uscc.filter(pa.array(keep))
    land = column_values(allocation, "land_m2", "float")[rows][keep]
    own = equals(text_array(allocation["relation"]).take(at).filter(pa.array(keep)), "own")
    # Group by (parcel, uscc): uscc codes in first-seen order, one key per pair.
    codes = pc.dictionary_encode(uscc).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    key = parcel * (int(codes.max(initial=0)) + 1) + codes
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    land_sum = np.bincount(inverse, weights=np.nan_to_num(land, nan=0.0), minlength=len(uniq))
    own_any = np.bincount(inverse, weights=own, minlength=len(uniq)) > 0
    p = parcel[first]
    area = area_m2[p]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(area > 0, land_sum / area, 0.0)
    return {
        "parcel": p,
        "uscc": uscc.take(pa.array(first)),
        "land_m2": land_sum,
        "own": own_any,
        "share": np.nan_to_num(share, nan=0.0),
    }


class _FirmFacts:
    """Per occupant: name, classes of three years, veto, industry, status, completeness."""

    def __init__(
        self,
        uscc: pa.Array,
        *,
        firm_scores: pd.DataFrame | None,
        firms: pd.DataFrame | None,
        veto: pd.DataFrame | None,
        year: int,
        config: Config,
    ) -> None:
        self._n = len(uscc)
        self._config = config
        fs = firm_scores if firm_scores is not None and len(firm_scores) else None
        reg = firms if firms is not None and len(firms) else None

        # One dictionary encoding of the occupants', the firm scores' and the register's
        # usccs: every lookup below is then integer indexing, not a hash join on texts per
        # year and table.
        (occ_code, fs_code, reg_code), n_codes = shared_codes(
            uscc,
            text_array(fs["uscc"]) if fs is not None else null_strings(0),
            text_array(reg["uscc"]) if reg is not None else null_strings(0),
        )
        positions: dict[int, np.ndarray] = {}

        def rows_of(y: int) -> np.ndarray:
            # Each occupant's firm-scores row of year y (-1: none): its uscc's first row.
            if y not in positions and fs is not None:
                rows = np.flatnonzero(year_mask(fs, y))
                if len(rows):
                    positions[y] = _first_rows(occ_code, fs_code[rows], rows, n_codes)
            return positions.get(y, np.full(self._n, -1, dtype=np.int64))

        def at_year(col: str, y: int) -> pa.Array:
            if fs is None or col not in fs.columns:
                return null_strings(self._n)
            return take_str(text_array(fs[col]), rows_of(y))

        def floats_at_year(col: str, y: int) -> np.ndarray:
            if fs is None or col not in fs.columns:
                return np.full(self._n, np.nan)
            return take_float(column_values(fs, col, "float"), rows_of(y))

        registered: list[np.ndarray] = []  # each occupant's register row, looked up once

        def registry(col: str) -> pa.Array:
            if reg is None or col not in reg.columns:
                return null_strings(self._n)
            if not registered:
                registered.append(
                    _first_rows(occ_code, reg_code, np.arange(len(reg_code)), n_codes)
                )
            return take_str(text_array(reg[col]), registered[0])

        self.classes = [at_year("class", year - k) for k in range(3)]
        self.known_weight = np.nan_to_num(floats_at_year("known_weight_share", year), nan=1.0)
        reason = at_year("class_reason", year)
        self.incomplete = pc.fill_null(pc.starts_with(reason, INCOMPLETE_DATA_ZH), False).to_numpy(
            zero_copy_only=False
        )
        self.names = pc.coalesce(at_year("name", year), registry("name"), uscc)
        self.industry = pc.coalesce(at_year("industry_code", year), registry("industry_code"))
        self.status = pc.coalesce(registry("status"), at_year("status", year))
        self.veto = self._veto_reasons(uscc, fs, veto, year, rows_of)

    def _veto_reasons(
        self,
        uscc: pa.Array,
        fs: pd.DataFrame | None,
        veto: pd.DataFrame | None,
        year: int,
        rows_of: Callable[[int], np.ndarray],
    ) -> pa.Array:
        """Each occupant's reasons on the negative list in the year (missing: not listed)."""
        out = null_strings(self._n)
        if veto is not None and len(veto):
            listed = veto.loc[year_mask(veto, year)]
            reason = text_array(listed["reason"]).cast(pa.large_string())
            reason = pc.if_else(
                pc.fill_null(pc.equal(pc.utf8_trim_whitespace(reason), ""), True),
                pa.scalar("", pa.large_string()),
                pc.utf8_trim_whitespace(reason),
            )
            pos = first_positions(uscc, text_array(listed["uscc"]))
            out = take_str(reason, pos)
        if fs is not None and "veto_reason" in fs.columns and year_mask(fs, year).any():
            # each occupant's firm-scores row of the year, as the classes read it
            from_scores = take_str(text_array(fs["veto_reason"]), rows_of(year))
            out = pc.coalesce(out, from_scores)
        return out

    def flags(self) -> dict[str, np.ndarray]:
        """Each firm flag per occupant."""
        d = [equals(c, "D") for c in self.classes]
        prefixes = self._config.flags.phase_out_industries
        return {
            "VETO": pc.is_valid(self.veto).to_numpy(zero_copy_only=False),
            "PHASE_OUT": starts_with(self.industry, prefixes),
            "CLASS_D_3Y": d[0] & d[1] & d[2],
            "CLASS_D_TWICE": d[0] & d[1],
            "CLASS_D": d[0],
            "CLASS_C": equals(self.classes[0], "C"),
        }

    def closed(self) -> np.ndarray:
        """The occupant's status is a closed one (停业, 注销, 吊销 by default)."""
        return is_in(self.status, self._config.flags.closed_statuses)

    def detail(self, code: str) -> pa.Array:
        """The firm's name with what the flag's phrase needs (reason, industry)."""
        if code == "VETO":
            reason = pc.fill_null(self.veto, "")
            with_reason = concat(self.names, "（", reason, "）")
            return pc.if_else(pc.equal(reason, ""), self.names, with_reason)
        if code == "PHASE_OUT":
            industry = pc.fill_null(self.industry, "")
            return concat(self.names, "（", industry, "）")
        return self.names

    def why(self, code: str, rows: np.ndarray) -> list[str]:
        """The short reason of a firm action for ``code`` at the occupant ``rows``."""
        if code == "VETO":
            reasons = self.veto.take(pa.array(rows)).to_pylist()
            return [f"负面清单：{r}" if r else "负面清单" for r in reasons]
        if code == "PHASE_OUT":
            inds = self.industry.take(pa.array(rows)).to_pylist()
            return [f"淘汰类产业{_industry(i)}" for i in inds]
        words = {
            "CLASS_D_3Y": "连续三年亩均评价为D类",
            "CLASS_D_TWICE": "连续两年亩均评价为D类",
            "CLASS_D": "亩均评价为D类",
            "CLASS_C": "亩均评价为C类",
        }
        return [words[code]] * len(rows)


def _first_rows(
    queries: np.ndarray, keys: np.ndarray, rows: np.ndarray, n_codes: int
) -> np.ndarray:
    """For each query code, the row (of ascending ``rows``) of its first key, −1 if none.

    Codes are :func:`landeval._arrow.shared_codes`' (−1: missing, which matches nothing; the
    occupants' usccs are never missing). The same as :func:`landeval._arrow.first_positions`
    on the texts.
    """
    none = np.iinfo(np.int64).max
    table = np.full(n_codes + 1, none, dtype=np.int64)  # the last entry: a missing code's
    valid = keys >= 0
    np.minimum.at(table, keys[valid], rows[valid])  # rows ascend: the least is the first
    table[table == none] = -1
    return table[np.where(queries >= 0, queries, n_codes)]


def _industry(code: str | None) -> str:
    if not code:
        return ""
    name = INDUSTRY_NAMES.get(code[:3])
    return f"{code}{name}" if name else code


def _firm_actions(
    occ: dict,
    facts: _FirmFacts,
    *,
    firm_flags: dict[str, np.ndarray],
    parcel_flags: dict[str, np.ndarray],
    eligible: np.ndarray,
    pid: pa.Array,
    county: pa.Array,
    year: int,
) -> pd.DataFrame:
    """One action per occupant whose own flags did not decide its parcel (most severe flag)."""
    p = occ["parcel"]
    n = len(p)
    flag = np.full(n, "", dtype=object)
    for code in reversed(FIRM_FLAG_CODES):  # the most severe last, so that it wins
        left = firm_flags[code] & ~(eligible & parcel_flags[code][p])
        flag[left] = code
    rows = np.flatnonzero(flag != "")
    if not len(rows):
        return pd.DataFrame(
            {c: pd.Series(dtype="object") for c in [*FIRM_ACTION_COLUMNS, "_row", "_why"]}
        ).astype({"_row": "int64"})
    codes = flag[rows]
    action = np.where(np.isin(codes, sorted(VACATE_FLAGS)), "VACATE", "RECTIFY").astype(object)
    why = np.empty(len(rows), dtype=object)
    for code in FIRM_FLAG_CODES:
        hit = np.flatnonzero(codes == code)
        if len(hit):
            why[hit] = facts.why(code, rows[hit])
    share = occ["share"][rows]
    land_mu = occ["land_m2"][rows] / M2_PER_MU
    tenant = ~eligible[rows]
    zh = np.array([FIRM_ACTION_LABELS[a]["zh"] for a in action], dtype=object)
    reason = [
        f"{w}；使用本宗地{format_number(m, 1, grouping=False, trim=True)}亩"
        f"（占{format_percent(s)}）"
        + ("，为小微企业园租户，园区不整体处置" if t else "，不足宗地一半，宗地按其余情况判断")
        + f"，企业{z}"
        for w, m, s, t, z in zip(why, land_mu, share, tenant, zh, strict=True)
    ]
    out = pd.DataFrame(
        {
            "year": np.full(len(rows), year, dtype=np.int64),
            "parcel_id": to_str(pid.take(pa.array(p[rows]))),
            "uscc": to_str(occ["uscc"].take(pa.array(rows))),
            "name": to_str(facts.names.take(pa.array(rows))),
            "county_code": to_str(county.take(pa.array(p[rows]))),
            "land_mu": land_mu,
            "parcel_share": share,
            "action": pd.array(action, dtype="str"),
            "action_zh": pd.array(zh, dtype="str"),
            "flag": pd.array(codes, dtype="str"),
            "reason_zh": pd.array(reason, dtype="str"),
            "_row": rows,
            "_why": why,
        }
    )
    return out.sort_values(["parcel_id", "land_mu", "uscc"], ascending=[True, False, True])


def _joined(
    p: np.ndarray,
    order: np.ndarray,
    texts: pa.Array,
    *,
    keep: np.ndarray,
    n: int,
    sep: str,
    limit: int | None = None,
) -> pa.Array:
    """Per parcel, the ``texts`` of its rows in ``keep`` joined with ``sep`` in ``order``.

    Missing where a parcel has no such row (or only missing texts). With ``limit``, at
    most that many texts and "等N家" after them.
    """
    keep = np.asarray(keep, dtype=bool) & pc.is_valid(texts).to_numpy(zero_copy_only=False)
    rows = order[keep[order]]
    out = null_strings(n)
    if not len(rows):
        return out
    parcels = p[rows]
    starts = np.flatnonzero(np.r_[True, parcels[1:] != parcels[:-1]])
    counts = np.diff(np.r_[starts, len(rows)])
    if limit is not None:
        rank = np.arange(len(rows)) - np.repeat(starts, counts)
        shown = rank < limit
        rows, parcels = rows[shown], parcels[shown]
        starts = np.flatnonzero(np.r_[True, parcels[1:] != parcels[:-1]])
    offsets = pa.array(np.append(starts, len(rows)), type=pa.int64())
    lists = pa.LargeListArray.from_arrays(offsets, texts.take(pa.array(rows)))
    joined = pc.binary_join(lists, pa.scalar(sep, type=pa.large_string()))
    if limit is not None:
        more = np.flatnonzero(counts > limit)
        if len(more):
            suffix = np.full(len(counts), "", dtype=object)
            suffix[more] = [f"等{c}家" for c in counts[more]]
            joined = concat(joined, pa.array(suffix, type=pa.large_string()))
    place = np.full(n, -1, dtype=np.int64)
    place[parcels[starts]] = np.arange(len(starts))
    return take_str(joined, place)

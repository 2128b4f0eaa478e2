"""Firms and who uses which parcel (occupancy) for the demo.

Four kinds of firm come out of the parcel layout:

- owners of ordinary parcels; runs of neighbouring parcels go to one owner (firms on
  several parcels), and a few parcels have no occupant at all;
- lessees leasing part of an owner's parcel;
- one operator per 小微企业园 owning its multi-tenant parcels;
- tenants of those parcels (5–40 per parcel), some replaced by a new tenant in 2023 or 2024,
  some leasing space on two parcels.

Firms are numbered internally (``fid``) and given a 统一社会信用代码 and a Chinese name at the
end; industries follow each cluster's mix (:data:`landeval.demo.clusters.CLUSTERS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from landeval.demo.clusters import (
    CLUSTERS,
    COUNTY_PREFIX,
    INDUSTRY_WORDS,
    TRADE_NAME_CHARS,
    UTILITY_CLUSTERS,
)
from landeval.inputs.identifiers import USCC_ALPHABET
from landeval.inputs.units import M2_PER_MU

_EMPTY_SHARE = 0.02
_RUN_SIZES = np.array([1, 2, 3, 4, 5])
_RUN_PROBS = np.array([0.70, 0.18, 0.07, 0.03, 0.02])
_LEASE_SHARE = 0.05  # owned parcels of ≥ 10 mu that lease part out
_NEW_OWNER_SHARE = 0.035
_TURNOVER_SHARE = 0.15
_USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # body characters used in new-style codes


@dataclass(frozen=True)
class FirmsDraw:
    """Firms and occupancy, with the internal attributes the economy step needs.

    ``firms`` has the canonical columns plus ``fid``, ``role`` (owner, lessee, operator,
    tenant) and ``end_year`` (last year with land, NaN when still there).
    ``occupancy`` has the canonical columns with ``fid`` and the parcel index ``pidx``.
    """

    firms: pd.DataFrame
    occupancy: pd.DataFrame


def draw_firms(
    rng: np.random.Generator,
    *,
    parcel_ids: np.ndarray,
    cluster: np.ndarray,
    area_m2: np.ndarray,
    multi: np.ndarray,
    park: np.ndarray,
) -> FirmsDraw:
    """Draw firms and occupancy over the parcels.

    Parameters
    ----------
    rng : numpy.random.Generator
        Randomness (seeded by the caller).
    parcel_ids, cluster, area_m2 : ndarray
        Per parcel: code, cluster index, area.
    multi, park : ndarray
        Per parcel: multi-tenant flag and small-platform id (from ``zones.park_parcels``).
    """
    occ: list[pd.DataFrame] = []
    firms: list[pd.DataFrame] = []

    # Owners of ordinary parcels: runs of neighbouring parcels, a few parcels empty.
    ordinary = np.flatnonzero(~multi)
    empty = rng.random(len(ordinary)) < _EMPTY_SHARE
    owned = ordinary[~empty]
    sizes = rng.choice(_RUN_SIZES, size=len(owned), p=_RUN_PROBS)
    run = np.repeat(np.arange(len(sizes)), sizes)[: len(owned)]
    # A run never crosses a cluster: key on (run, cluster) and renumber.
    _, owner = np.unique(run * 1000 + cluster[owned], return_inverse=True)
    n_owner = int(owner.max()) + 1 if len(owner) else 0
    first = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    owner_cluster = cluster[owned][first]
    owner_land = np.bincount(owner, weights=area_m2[owned], minlength=n_owner) / M2_PER_MU
    owner_ind = _industries(rng, owner_cluster)
    # Thermal power plants: the largest owners of a few clusters are utilities (class T).
    for key in UTILITY_CLUSTERS:
        ci = next(i for i, c in enumerate(CLUSTERS) if c.key == key)
        cand = np.flatnonzero(owner_cluster == ci)
        if len(cand):
            owner_ind[cand[np.argmax(owner_land[cand])]] = "D44"
    owner_start = _start_years(rng, owner_cluster)
    new = rng.random(n_owner) < _NEW_OWNER_SHARE
    owner_start[new] = rng.choice([2023, 2024], size=int(new.sum()))
    p_above = 1 / (1 + np.exp(-1.7 * (np.log(owner_land) - np.log(40.0))))
    owner_above = rng.random(n_owner) < p_above
    owner_above[owner_ind == "D44"] = True
    fid0 = 0
    firms.append(_frame(fid0, owner_cluster, owner_ind, owner_above, owner_start, role="owner"))
    occ.append(
        pd.DataFrame(
            {
                "fid": fid0 + owner,
                "pidx": owned,
                "relation": "own",
                "area_m2": np.nan,
                "from_year": owner_start[owner],
                "to_year": np.nan,
            }
        )
    )
    fid0 += n_owner

    # Lessees: part of some owned parcels (10–40 %) is leased to another firm.
    big = owned[area_m2[owned] >= 10 * M2_PER_MU]
    lease_p = big[rng.random(len(big)) < _LEASE_SHARE]
    lease_p = np.sort(lease_p)
    n_lease = len(lease_p)
    lessee = np.arange(n_lease)
    reuse = (rng.random(n_lease) < 0.15) & (np.arange(n_lease) > 0)
    reuse &= np.r_[False, cluster[lease_p][1:] == cluster[lease_p][:-1]]
    lessee = np.where(reuse, np.r_[0, lessee[:-1]], lessee)
    lessee = np.maximum.accumulate(np.where(reuse, -1, lessee))  # chain to the first of a run
    _, lessee = np.unique(lessee, return_inverse=True)
    n_lessee = int(lessee.max()) + 1 if n_lease else 0
    lfirst = np.r_[0, np.flatnonzero(np.diff(lessee)) + 1] if n_lease else np.array([], int)
    l_cluster = cluster[lease_p][lfirst]
    l_start = _start_years(rng, l_cluster, young=True)
    l_start[rng.random(n_lessee) < 0.05] = 2024
    firms.append(
        _frame(
            fid0,
            l_cluster,
            _industries(rng, l_cluster),
            rng.random(n_lessee) < 0.10,
            l_start,
            role="lessee",
        )
    )
    lease_from = np.maximum(l_start[lessee], rng.integers(2012, 2022, n_lease))
    lease_to = np.where((rng.random(n_lease) < 0.10) & (lease_from <= 2022), 2023.0, np.nan)
    occ.append(
        pd.DataFrame(
            {
                "fid": fid0 + lessee,
                "pidx": lease_p,
                "relation": "lease",
                "area_m2": np.round(area_m2[lease_p] * rng.uniform(0.10, 0.40, n_lease), 1),
                "from_year": lease_from,
                "to_year": lease_to,
            }
        )
    )
    fid0 += n_lessee

    # 小微企业园: one operator per park owns its multi-tenant parcels.
    mp = np.flatnonzero(multi)
    parks = sorted({str(p) for p in park[mp]})
    op_of_park = {p: i for i, p in enumerate(parks)}
    op_idx = np.array([op_of_park[str(p)] for p in park[mp]], dtype=np.int64)
    op_cluster = np.array([cluster[mp][op_idx == i][0] for i in range(len(parks))], dtype=int)
    op_start = rng.integers(2012, 2020, len(parks))
    firms.append(
        _frame(
            fid0,
            op_cluster,
            np.full(len(parks), "L72", dtype=object),
            np.zeros(len(parks), dtype=bool),
            op_start,
            role="operator",
        )
    )
    occ.append(
        pd.DataFrame(
            {
                "fid": fid0 + op_idx,
                "pidx": mp,
                "relation": "own",
                "area_m2": np.nan,
                "from_year": op_start[op_idx],
                "to_year": np.nan,
            }
        )
    )
    fid0 += len(parks)

    # Tenants: 5–40 slots per multi-tenant parcel sharing 95–98 % of it.
    mu = area_m2[mp] / M2_PER_MU
    k = np.clip(np.round(mu / rng.uniform(3.0, 6.0, len(mp))), 5, 40).astype(np.int64)
    slot_parcel = np.repeat(mp, k)
    slot_start = np.r_[0, np.cumsum(k)[:-1]]
    weights = rng.gamma(3.0, 1.0, int(k.sum()))
    wsum = np.add.reduceat(weights, slot_start)
    leased_share = rng.uniform(0.95, 0.98, len(mp))
    slot_area = (
        np.floor(area_m2[mp].repeat(k) * leased_share.repeat(k) * weights / wsum.repeat(k) * 10)
        / 10
    )
    n_slot = len(slot_parcel)
    turnover = rng.random(n_slot) < _TURNOVER_SHARE
    # Some tenants also rent a slot on the previous parcel of the same park.
    slot_k = k.repeat(k)
    partner = np.arange(n_slot) - slot_k
    ok = partner >= 0
    ok[ok] &= park[slot_parcel[partner[ok]]] == park[slot_parcel[ok]]
    share = ok & ~turnover & (rng.random(n_slot) < 0.08)
    share[share] &= ~turnover[partner[share]]
    tenant = np.arange(n_slot)
    tenant[share] = partner[share]
    tenant[share] = tenant[tenant[share]]  # a partner that itself shares resolves once more
    _, tenant = np.unique(tenant, return_inverse=True)
    n_tenant = int(tenant.max()) + 1 if n_slot else 0
    tfirst = np.full(n_tenant, -1)
    tfirst[tenant[::-1]] = np.arange(n_slot)[::-1]
    t_cluster = cluster[slot_parcel][tfirst]
    t_start = _start_years(rng, t_cluster, young=True)
    t_from = np.maximum(t_start[tenant], op_start[op_idx].repeat(k))
    t_to = np.where(turnover, rng.choice([2022.0, 2023.0], n_slot), np.nan)
    firms.append(
        _frame(
            fid0,
            t_cluster,
            _industries(rng, t_cluster),
            rng.random(n_tenant) < 0.04,
            t_start,
            role="tenant",
        )
    )
    occ.append(
        pd.DataFrame(
            {
                "fid": fid0 + tenant,
                "pidx": slot_parcel,
                "relation": "lease",
                "area_m2": slot_area,
                "from_year": t_from,
                "to_year": t_to,
            }
        )
    )
    fid0 += n_tenant
    # Successors on the slots that changed hands: new firms or firms moving in.
    succ_slot = np.flatnonzero(turnover)
    n_succ = len(succ_slot)
    succ_from = (t_to[succ_slot] + 1).astype(np.int64)
    s_cluster = cluster[slot_parcel[succ_slot]]
    s_start = np.where(
        rng.random(n_succ) < 0.5, succ_from, _start_years(rng, s_cluster, young=True)
    )
    s_start = np.minimum(s_start, succ_from)
    firms.append(
        _frame(
            fid0,
            s_cluster,
            _industries(rng, s_cluster),
            rng.random(n_succ) < 0.04,
            s_start,
            role="tenant",
        )
    )
    occ.append(
        pd.DataFrame(
            {
                "fid": fid0 + np.arange(n_succ),
                "pidx": slot_parcel[succ_slot],
                "relation": "lease",
                "area_m2": slot_area[succ_slot],
                "from_year": succ_from,
                "to_year": np.nan,
            }
        )
    )

    firm = pd.concat(firms, ignore_index=True)
    occupancy = pd.concat(occ, ignore_index=True)
    occupancy["parcel_id"] = parcel_ids[occupancy["pidx"].to_numpy()]
    # A firm's last year with land: firms whose every row ended have left.
    by_firm = occupancy.groupby("fid")["to_year"]
    still_there = occupancy["to_year"].isna().groupby(occupancy["fid"]).any()
    ended = by_firm.max().where(~still_there)
    firm["end_year"] = firm["fid"].map(ended)
    firm["county_code"] = np.array([c.county_code for c in CLUSTERS], dtype=object)[
        firm["cluster"].to_numpy()
    ]
    firm["uscc"] = _usccs(rng, firm["county_code"].to_numpy())
    firm["name"] = _names(rng, firm)
    return FirmsDraw(firms=firm, occupancy=occupancy)


def _frame(fid0, clusters, industries, above, start, *, role: str) -> pd.DataFrame:
    n = len(clusters)
    return pd.DataFrame(
        {
            "fid": fid0 + np.arange(n),
            "cluster": np.asarray(clusters, dtype=np.int64),
            "industry_code": np.asarray(industries, dtype=object),
            "scale": np.where(np.asarray(above, dtype=bool), "above", "below"),
            "start_year": np.asarray(start, dtype=np.int64),
            "role": role,
        }
    )


def _industries(rng: np.random.Generator, clusters: np.ndarray) -> np.ndarray:
    out = np.empty(len(clusters), dtype=object)
    for i, spec in enumerate(CLUSTERS):
        sel = np.flatnonzero(clusters == i)
        if len(sel) == 0:
            continue
        codes = list(spec.industries)
        p = np.array([spec.industries[c] for c in codes])
        out[sel] = rng.choice(codes, size=len(sel), p=p / p.sum())
    return out


def _start_years(rng: np.random.Generator, clusters: np.ndarray, *, young: bool = False):
    age = np.array([c.age for c in CLUSTERS])[clusters]
    if young:
        age = age * 0.4
    a = 1.0 + 2.0 * age
    b = 2.0 + 2.0 * (1.0 - age)
    return np.round(2021 - 30 * rng.beta(a, b)).astype(np.int64)


def _usccs(rng: np.random.Generator, county: np.ndarray) -> np.ndarray:
    """Unique 统一社会信用代码 with a correct GB 32100 check character.

    91 (enterprise) + registration-authority code (the county, or 330600 for the city's
    bureau) + a 9-character organisation code (old 8 digits or new "MA" style, with its own
    GB 11714 check) + the check character.
    """
    n = len(county)
    region = np.where(rng.random(n) < 0.1, "330600", county.astype(str))
    # Distinct integers below 10^8 make distinct bodies in both styles: old style writes
    # them as 8 digits, new style ("MA" + 6 characters) in base 31 over the alphabet.
    space = 10**8
    if n > space // 4:  # pragma: no cover - far beyond any useful scale
        msg = "too many firms for unique codes"
        raise ValueError(msg)
    ids = rng.choice(space, size=n, replace=False)
    alpha = np.array(list(_ORG_ALPHABET), dtype=object)
    new_style = rng.random(n) < 0.6
    body_new = np.full(n, "MA", dtype=object)
    for p in range(5, -1, -1):
        body_new = body_new + alpha[(ids // 31**p) % 31]
    body_old = np.char.zfill(ids.astype(str), 8).astype(object)
    body8 = np.where(new_style, body_new, body_old).astype(str)
    org = np.char.add(body8.astype(str), _org_check(body8))
    first17 = np.char.add(np.char.add("91", region), org)
    return np.char.add(first17, _uscc_check(first17)).astype(object)


def _char_values(codes: np.ndarray, width: int, alphabet: str) -> np.ndarray:
    table = np.full(128, -1, dtype=np.int64)
    for i, ch in enumerate(alphabet):
        table[ord(ch)] = i
    raw = np.frombuffer(np.asarray(codes, dtype=f"<U{width}").tobytes(), dtype=np.uint32)
    return table[raw.reshape(-1, width)]


def _org_check(body8: np.ndarray) -> np.ndarray:
    # GB 11714: digits are their value, letters A=10 … Z=35.
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    vals = _char_values(body8, 8, alphabet)
    c = 11 - (vals * _ORG_WEIGHTS).sum(axis=1) % 11
    return np.where(c == 10, "X", np.where(c == 11, "0", c.astype(str)))


def _uscc_check(first17: np.ndarray) -> np.ndarray:
    vals = _char_values(first17, 17, USCC_ALPHABET)
    c = 31 - (vals * _USCC_WEIGHTS).sum(axis=1) % 31
    c = np.where(c == 31, 0, c)
    return np.array(list(USCC_ALPHABET))[c]


def _names(rng: np.random.Generator, firm: pd.DataFrame) -> np.ndarray:
    """Chinese company names: county prefix + trade name (字号) + trade + legal form.

    Trade names are distinct within a county, so names are unique.
    """
    n = len(firm)
    chars = np.array(list(TRADE_NAME_CHARS))
    base = len(chars)
    out = np.empty(n, dtype=object)
    county = firm["county_code"].to_numpy()
    for code, prefix in COUNTY_PREFIX.items():
        sel = np.flatnonzero(county == code)
        m = len(sel)
        if m == 0:
            continue
        length = 2
        while base**length < 4 * m:
            length += 1
        ids = rng.choice(base**length, size=m, replace=False)
        trade = np.full(m, "", dtype=object)
        for p in range(length - 1, -1, -1):
            trade = trade + chars.astype(object)[(ids // base**p) % base]
        ind = firm["industry_code"].to_numpy()[sel]
        word = np.full(m, "实业", dtype=object)
        for code_i, words in INDUSTRY_WORDS.items():
            hit = np.flatnonzero(ind == code_i)
            word[hit] = np.array(words, dtype=object)[rng.integers(0, len(words), len(hit))]
        above = firm["scale"].to_numpy()[sel] == "above"
        form = np.where(
            above & (rng.random(m) < 0.25),
            "股份有限公司",
            np.where(rng.random(m) < 0.2, "科技有限公司", "有限公司"),
        )
        out[sel] = prefix + trade + word + form.astype(object)
    return out

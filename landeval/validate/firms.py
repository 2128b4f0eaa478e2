"""Checks of the firm tables: 统一社会信用代码, tax against output, the register, the negative list.

The tax and output tables come from different bureaus (DESIGN §3): a firm-year in one and
not in the other, a gap in a firm's years, or a firm missing from the register is a finding,
never a silent drop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from landeval.findings import concat_findings, findings_frame
from landeval.inputs.identifiers import are_valid_uscc, uscc_problem
from landeval.validate._rows import finding_rows, ids_where, isin
from landeval.validate.values import MAX_YEAR, MIN_YEAR

_GAP_YEARS_SHOWN = 10


def check_uscc(frame: pd.DataFrame, *, layer: str = "firms") -> pd.DataFrame:
    """统一社会信用代码 format and check character (warning: the firm is still evaluated)."""
    if "uscc" not in frame.columns:
        return findings_frame()
    codes = frame["uscc"].dropna().drop_duplicates()
    suspects = codes[~are_valid_uscc(codes)]
    problems = [(c, uscc_problem(c)) for c in suspects]
    bad = [(c, p) for c, p in problems if p is not None]
    return finding_rows(
        "warning",
        "USCC_INVALID",
        layer,
        [c for c, _ in bad],
        "uscc",
        [f"统一社会信用代码 {c} {p}" for c, p in bad],
        "请核对该企业的统一社会信用代码 (GB 32100-2015); 企业仍参与评价",
    )


def check_firm_years(
    firm_tax: pd.DataFrame,
    firm_output: pd.DataFrame,
    firms: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tax and output tables against each other and the firm register.

    - a firm-year in tax but not in output, or the reverse: warning (info summary for
      below-scale firms, which statistics offices usually do not cover);
    - years missing inside a firm's span of years: warning;
    - firm-year rows whose firm is not in the register: warning (not evaluated);
    - firms in the register with no tax and no output at all: info.
    """
    keys = _FirmYearKeys(firm_tax, firm_output)
    tax_keys, out_keys = keys.tax, keys.output
    below: pd.Series | list[str] = []
    if firms is not None and "scale" in firms.columns:
        below = firms.loc[firms["scale"] == "below", "uscc"]
    parts = []
    for side, code, msg in (
        ("left_only", "TAX_WITHOUT_OUTPUT", "有税收数据但没有统计产出数据"),
        ("right_only", "OUTPUT_WITHOUT_TAX", "有统计产出数据但没有税收数据"),
    ):
        rows = keys.only_in("tax" if side == "left_only" else "output")
        is_below = isin(rows["uscc"], below)
        flagged = rows[~is_below]
        parts.append(
            finding_rows(
                "warning",
                code,
                "firm_tax" if side == "left_only" else "firm_output",
                (flagged["uscc"] + "/" + flagged["year"].astype("str")).tolist(),
                "uscc",
                f"该企业该年度{msg}",
                "请核对两部门数据的企业名单; 缺失的指标按缺失处理",
            )
        )
        if is_below.any() and side == "left_only":
            parts.append(
                finding_rows(
                    "info",
                    "BELOW_SCALE_NO_OUTPUT",
                    "firm_output",
                    [None],
                    None,
                    f"{int(is_below.sum())} 个规下企业-年度只有税收数据 (规下企业按税收和电耗评价)",
                )
            )
    # Impossible years (20233) are YEAR_IMPOSSIBLE errors; they must not open a gap of
    # eighteen thousand years here.
    code, year = keys.union()
    plausible = (year >= MIN_YEAR) & (year <= MAX_YEAR)
    code, year = code[plausible], year[plausible]
    span = pd.DataFrame({"code": code, "year": year}).groupby("code")["year"]
    span = span.agg(["min", "max", "count"])
    gaps = span[(span["max"] - span["min"] + 1) > span["count"]]
    if len(gaps):
        # In the order of the firms' codes, as a group-by on the text gives.
        gap_uscc = keys.text(gaps.index.to_numpy())
        order = np.argsort(gap_uscc, kind="stable")
        gaps = gaps.iloc[order]
        in_gap = np.isin(code, gaps.index.to_numpy())
        have = pd.Series(year[in_gap]).groupby(code[in_gap]).agg(set)
        msgs = [
            _gap_message([y for y in range(int(lo), int(hi) + 1) if y not in have[c]])
            for c, lo, hi in zip(gaps.index, gaps["min"], gaps["max"], strict=True)
        ]
        parts.append(
            finding_rows(
                "warning",
                "YEAR_MISSING",
                "firm_tax",
                gap_uscc[order].tolist(),
                "year",
                msgs,
                "请补充缺失年度的数据",
            )
        )
    if firms is not None:
        # Membership through the distinct codes: each uscc text is hashed once, not once
        # per firm-year row.
        firm_codes = keys.position(firms["uscc"])
        # Per code, whether a firm of the register has it (the last slot: position -1).
        registered = np.zeros(keys.n_distinct + 1, dtype=bool)
        registered[firm_codes] = True
        for layer, frame, codes in (
            ("firm_tax", tax_keys, keys.codes("tax")),
            ("firm_output", out_keys, keys.codes("output")),
        ):
            unknown = frame[~registered[codes]]["uscc"].drop_duplicates()
            parts.append(
                finding_rows(
                    "warning",
                    "UNKNOWN_FIRM",
                    layer,
                    unknown.tolist(),
                    "uscc",
                    "企业不在企业名录中, 不参与评价",
                    "请在企业名录中补充该企业",
                )
            )
        # One more slot, never set, for the position -1 of a uscc in neither table.
        has_data = np.zeros(keys.n_distinct + 1, dtype=bool)
        has_data[code] = True
        with_data = has_data[firm_codes]
        silent = firms.loc[firms["uscc"].notna().to_numpy() & ~with_data, "uscc"]
        parts.append(
            finding_rows(
                "info",
                "FIRM_NO_DATA",
                "firms",
                silent.tolist(),
                "uscc",
                "企业名录中的企业没有任何税收或产出数据",
                "",
            )
        )
    return concat_findings(*parts)


_YEAR_SPAN_DIRECT = 1_000_000
"""Years spread over at most this many values are keyed by offset (no sort, no overflow)."""


class _FirmYearKeys:
    """The distinct (uscc, year) keys of the tax and output tables, as integer codes.

    pandas hashes Arrow text through Python objects (seconds for millions of rows); here
    the text is encoded once by Arrow, with one code per distinct uscc shared by both
    tables, and every set operation runs on integers.

    Attributes
    ----------
    tax, output : DataFrame
        ``frame[["uscc", "year"]].dropna().drop_duplicates()`` of each table (same rows,
        order and index).
    """

    def __init__(self, firm_tax: pd.DataFrame, firm_output: pd.DataFrame) -> None:
        frames = [f[["uscc", "year"]].dropna() for f in (firm_tax, firm_output)]
        texts = [pa.chunked_array(pa.array(f["uscc"].astype("str"))) for f in frames]
        texts = [t.cast(pa.large_string()).combine_chunks() for t in texts]
        encoded = pc.dictionary_encode(pa.concat_arrays(texts))
        self._dictionary = encoded.dictionary
        codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        years = [f["year"].to_numpy(dtype=np.int64) for f in frames]
        all_years = np.concatenate(years)
        # One integer per (uscc, year): the uscc code times the number of possible years,
        # plus the year's offset from the first (its rank among the distinct years when
        # they are spread too far for that, which needs a sort).
        low = int(all_years.min()) if len(all_years) else 0
        span = int(all_years.max()) - low + 1 if len(all_years) else 1
        if span <= _YEAR_SPAN_DIRECT:
            keys = codes * span + (all_years - low)
        else:
            distinct_years, year_codes = np.unique(all_years, return_inverse=True)
            keys = codes * len(distinct_years) + year_codes.reshape(-1)
        n_tax = len(frames[0])
        kept = []
        for i, (frame, part) in enumerate(
            zip(frames, (slice(0, n_tax), slice(n_tax, None)), strict=True)
        ):
            first = ~pd.Series(keys[part]).duplicated().to_numpy()
            kept.append((frame[first], codes[part][first], years[i][first], keys[part][first]))
        (self.tax, t_code, t_year, self._tax_key), (self.output, o_code, o_year, self._out_key) = (
            kept
        )
        self._codes = (t_code, o_code)
        self._years = (t_year, o_year)

    def only_in(self, side: str) -> pd.DataFrame:
        """The keys of one table missing from the other, sorted by uscc then year.

        ``side`` is ``"tax"`` or ``"output"``; the order is that of an outer merge.
        """
        mine, other, frame = (
            (self._tax_key, self._out_key, self.tax)
            if side == "tax"
            else (self._out_key, self._tax_key, self.output)
        )
        rows = frame[~np.isin(mine, other)]
        return rows.sort_values(["uscc", "year"], kind="stable")

    def union(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (uscc code, year) pairs of both tables."""
        code = np.concatenate(self._codes)
        year = np.concatenate(self._years)
        key = np.concatenate([self._tax_key, self._out_key])
        first = ~pd.Series(key).duplicated().to_numpy()
        return code[first], year[first]

    @property
    def n_distinct(self) -> int:
        """The number of distinct uscc in both tables (codes are 0 … n - 1)."""
        return len(self._dictionary)

    def codes(self, side: str) -> np.ndarray:
        """The uscc code of each row of :attr:`tax` (``"tax"``) or :attr:`output`."""
        return self._codes[0 if side == "tax" else 1]

    def position(self, values: pd.Series) -> np.ndarray:
        """The code of each of ``values`` (-1 where missing or in neither table)."""
        if not len(values):
            return np.zeros(0, dtype=np.int64)
        left = pa.array(values.astype("str")).cast(self._dictionary.type)
        pos = pc.index_in(left, value_set=self._dictionary)
        return np.asarray(pos.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def text(self, codes: np.ndarray) -> np.ndarray:
        """The uscc text of codes."""
        taken = self._dictionary.take(pa.array(np.asarray(codes, dtype=np.int64)))
        return np.asarray(taken.to_pylist(), dtype=object)


def _gap_message(missing: list[int]) -> str:
    shown = ", ".join(str(y) for y in missing[:_GAP_YEARS_SHOWN])
    more = f" 等 {len(missing)} 个年度" if len(missing) > _GAP_YEARS_SHOWN else ""
    return f"缺少年度: {shown}{more}"


def check_veto(veto: pd.DataFrame, firms: pd.DataFrame | None) -> pd.DataFrame:
    """Negative-list rows whose firm is not in the register (warning)."""
    if firms is None or veto.empty:
        return findings_frame()
    unknown = veto["uscc"].notna() & ~isin(veto["uscc"], firms["uscc"])
    return finding_rows(
        "warning",
        "UNKNOWN_FIRM",
        "veto",
        ids_where(veto, "veto", unknown),
        "uscc",
        "负面清单中的企业不在企业名录中",
        "请核对统一社会信用代码",
    )

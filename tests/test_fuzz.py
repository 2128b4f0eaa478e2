"""Property-based fuzzing (issue 9): table loaders, identifier checks, nothing lost.

- Random bytes, random CSV text and random XLSX cells given to
  :func:`landeval.inputs.read.read_table` give a frame and findings, or a LandevalError; never
  another exception.
- The 统一社会信用代码 check never raises, accepts every code built with its check character,
  catches every single-character change, and the vectorised check of the validator agrees
  with the scalar one; the 宗地代码 parser never raises.
- The evaluation never loses a firm-year or a parcel: after random damage to a small
  project, every firm-year of the tax and output tables is in firm_scores or named by a
  finding, and every parcel is in parcel_eval.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import itertools
import json
import os
import string
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from landeval.config import default_config
from landeval.errors import LandevalError
from landeval.findings import FINDING_COLUMNS, concat_findings
from landeval.inputs.identifiers import (
    USCC_ALPHABET,
    are_valid_uscc,
    parse_parcel_code,
    uscc_check_char,
    uscc_problem,
)
from landeval.inputs.model import SCHEMAS
from landeval.inputs.project import load_project
from landeval.inputs.read import SOURCE_ROW, read_table, read_vector
from landeval.validate import validate_inputs

_BAD = Path(__file__).parent / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_bad", _BAD / "make_bad.py")
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)

_TABLES = ["firms", "firm_tax", "firm_output", "occupancy", "veto"]
_HEADERS = {
    "firms": ["统一社会信用代码", "企业名称", "行业代码", "行政区划代码", "规模", "投产年份"],
    "firm_tax": ["统一社会信用代码", "年度", "实缴税额(元)", "用电量(千瓦时)"],
    "firm_output": ["统一社会信用代码", "年度", "工业增加值", "营业收入", "年平均职工人数"],
    "occupancy": ["uscc", "parcel_id", "relation", "area_m2", "from_year", "to_year"],
    "veto": ["uscc", "year", "reason"],
}
_FUZZ = settings(
    # FUZZ_EXAMPLES=2000 for a long hunt; 25 keeps the suite fast.
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_counter = itertools.count()

# Cell texts a bureau's files hold, and worse.
_cell_text = st.one_of(
    st.text(max_size=24),
    st.sampled_from(
        [
            "",
            "—",
            "/",
            "合计",
            "1,234.5",
            "１２３",
            "2023.0",
            "2023年",
            "-0",
            "1e400",
            "nan",
            "inf",
            "=1+1",
            "91330602MA2BCDEF1X",
            "9133 0602",
            '"',
            "\n",
            "规上",
            "own",
            "租赁",
        ]
    ),
)


def _check_result(result: tuple[pd.DataFrame, list], layer: str) -> None:
    frame, findings = result
    assert isinstance(frame, pd.DataFrame)
    for col in SCHEMAS[layer]["required"]:
        assert col in frame.columns
    assert SOURCE_ROW in frame.columns
    for finding in findings:
        assert finding.severity in {"error", "warning", "info"}
        assert finding.code and finding.message


def _read(folder: Path, name: str, layer: str) -> None:
    try:
        result = read_table(name, layer, config=default_config(), base=folder)
    except LandevalError as exc:
        assert str(exc)  # a user-facing message, never empty
    else:
        _check_result(result, layer)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@_FUZZ
@given(data=st.binary(max_size=3000), layer=st.sampled_from(_TABLES))
def test_random_bytes_as_csv(fuzz_dir, data, layer):
    name = f"bytes_{next(_counter)}.csv"
    (fuzz_dir / name).write_bytes(data)
    _read(fuzz_dir, name, layer)


@_FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_xlsx_and_parquet(fuzz_dir, data):
    n = next(_counter)
    for suffix in ("xlsx", "parquet"):
        name = f"bytes_{n}.{suffix}"
        (fuzz_dir / name).write_bytes(data)
        _read(fuzz_dir, name, "firm_tax")


@_FUZZ
@given(
    layer=st.sampled_from(_TABLES),
    rows=st.lists(st.lists(_cell_text, min_size=0, max_size=8), max_size=12),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    header_at=st.integers(min_value=0, max_value=3),
)
def test_random_csv_text(fuzz_dir, layer, rows, sep, encoding, header_at):  # noqa: PLR0917
    lines = [sep.join(r) for r in rows]
    lines.insert(min(header_at, len(lines)), sep.join(_HEADERS[layer]))
    name = f"text_{next(_counter)}.csv"
    (fuzz_dir / name).write_bytes("\n".join(lines).encode(encoding, errors="replace"))
    _read(fuzz_dir, name, layer)


_xlsx_cell = st.one_of(
    st.none(),
    _cell_text.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", "=B2*0.2"]),
)


@_FUZZ
@given(
    layer=st.sampled_from(_TABLES),
    rows=st.lists(st.lists(_xlsx_cell, max_size=8), max_size=10),
    title_rows=st.integers(min_value=0, max_value=2),
    second_sheet=st.booleans(),
)
def test_random_xlsx_cells(fuzz_dir, layer, rows, title_rows, second_sheet):
    book = openpyxl.Workbook()
    sheet = book.active
    if second_sheet:
        sheet.append(["说明"])
        sheet = book.create_sheet("数据")
    for i in range(title_rows):
        sheet.append([f"标题 {i}"])
    sheet.append(_HEADERS[layer])
    for row in rows:
        sheet.append(row)
    name = f"cells_{next(_counter)}.xlsx"
    book.save(fuzz_dir / name)
    _read(fuzz_dir, name, layer)


# --- identifiers ---------------------------------------------------------------------------

_uscc17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@settings(max_examples=300, deadline=None)
@given(code=st.one_of(st.text(max_size=30), _uscc17.map(lambda s: s + "0")))
def test_uscc_problem_never_raises_and_agrees_with_the_vectorised_check(code):
    problem = uscc_problem(code)
    assert problem is None or isinstance(problem, str)
    vectorised = are_valid_uscc(pd.Series([code], dtype="str"))
    assert bool(vectorised[0]) == (problem is None)


@settings(max_examples=300, deadline=None)
@given(first=_uscc17, pos=st.integers(min_value=0, max_value=17), data=st.data())
def test_uscc_check_catches_every_single_change(first, pos, data):
    code = first + uscc_check_char(first)
    assert uscc_problem(code) is None
    other = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[pos]]))
    changed = code[:pos] + other + code[pos + 1 :]
    # 31 is prime and every weight is non-zero modulo 31: one wrong character always shows.
    assert uscc_problem(changed) is not None


@settings(max_examples=300, deadline=None)
@given(
    code=st.one_of(
        st.text(max_size=30),
        st.from_regex(r"\A\d{12}[GJZ][A-Z]\d{5}\Z"),
        st.text(alphabet=string.digits + "GJZB", min_size=19, max_size=19),
    )
)
def test_parcel_code_parser_never_raises(code):
    parsed = parse_parcel_code(code)
    if parsed is not None:
        assert parsed.county_code == code[:6]


# --- nothing lost ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    from landeval.pipeline import load

    base = make_bad.make_base(tmp_path_factory.mktemp("fuzz_base") / "base")
    return load(base)


def _damage(inputs, rng: np.random.Generator):
    """Random damage a bureau's data suffers: firms missing from the register, firm-years
    in one table only, occupancy rows lost, firms of another county, orphan firm-years.
    """
    firms = inputs.firms.drop(index=rng.choice(inputs.firms.index, size=2, replace=False))
    tax = inputs.firm_tax.sample(frac=rng.uniform(0.5, 1.0), random_state=rng.integers(1 << 30))
    output = inputs.firm_output.sample(
        frac=rng.uniform(0.5, 1.0), random_state=rng.integers(1 << 30)
    )
    orphan = tax.head(1).assign(uscc="91330603MA2D0000XX")
    occupancy = inputs.occupancy.sample(
        frac=rng.uniform(0.6, 1.0), random_state=rng.integers(1 << 30)
    )
    return dataclasses.replace(
        inputs,
        firms=firms.reset_index(drop=True),
        firm_tax=pd.concat([tax, orphan], ignore_index=True),
        firm_output=output.reset_index(drop=True),
        occupancy=occupancy.reset_index(drop=True),
    )


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_evaluation_never_loses_a_firm_year_or_a_parcel(small_project, seed):
    from landeval.pipeline import evaluate

    config, inputs = small_project
    damaged = _damage(inputs, np.random.default_rng(seed))
    checked = validate_inputs(damaged.tables(), config=config)
    result = evaluate(damaged, config)
    findings = concat_findings(checked, result.findings)[FINDING_COLUMNS]
    named = " ".join(findings["row_id"].dropna().astype(str))

    firm_years = pd.concat(
        [damaged.firm_tax[["uscc", "year"]], damaged.firm_output[["uscc", "year"]]]
    ).drop_duplicates()
    scored = result.tables["firm_scores"][["uscc", "year"]].drop_duplicates()
    merged = firm_years.merge(scored, how="left", on=["uscc", "year"], indicator=True)
    lost = merged[(merged["_merge"] == "left_only")]
    unexplained = [u for u in lost["uscc"] if u not in named]
    assert not unexplained, unexplained

    parcels = set(damaged.parcels["parcel_id"])
    assert parcels == set(result.tables["parcel_eval"]["parcel_id"])
    assert len(result.tables["parcel_eval"]) == len(damaged.parcels)


# --- vector loaders ------------------------------------------------------------------------

_json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _cell_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(_cell_text, inner, max_size=4)
    ),
    max_leaves=12,
)
_coords = st.lists(
    st.tuples(
        st.floats(min_value=-1e8, max_value=1e8, allow_nan=False),
        st.floats(min_value=-1e8, max_value=1e8, allow_nan=False),
    ),
    min_size=0,
    max_size=6,
)
_geometry = st.one_of(
    st.none(),
    _json_value,
    st.builds(lambda c: {"type": "Polygon", "coordinates": [list(map(list, c))]}, _coords),
    st.builds(lambda c: {"type": "LineString", "coordinates": list(map(list, c))}, _coords),
    st.builds(lambda c: {"type": "Point", "coordinates": list(c[0]) if c else []}, _coords),
)
_feature = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "properties": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"parcel_id": _json_value, "county_code": _json_value, "land_use": _json_value}
            ),
        ),
        "geometry": _geometry,
    }
)


@pytest.mark.filterwarnings("ignore")  # GDAL and shapely warn about every broken feature
@settings(_FUZZ, max_examples=max(10, _FUZZ.max_examples // 4))  # a whole load per example
@given(
    features=st.lists(_feature, max_size=5),
    crs=st.sampled_from([None, "EPSG:4490", "EPSG:4549", "EPSG:3857", "EPSG:9999999"]),
)
def test_random_geojson_parcels(fuzz_dir, features, crs):
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    folder = fuzz_dir / f"vec_{next(_counter)}"
    folder.mkdir()
    (folder / "parcels.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    try:
        frame, findings = read_vector(
            "parcels.geojson", "parcels", config=default_config(), base=folder
        )
    except LandevalError as exc:
        assert str(exc)
    else:
        assert "parcel_id" in frame.columns
        assert all(f.severity in {"error", "warning", "info"} for f in findings)
    # The whole loader (projection, repair, validation) on the same layer: the tables are
    # not configured, so it must end in a LandevalError listing the findings, nothing else.
    (folder / "landeval.toml").write_text(
        '[inputs]\nparcels = "parcels.geojson"\n', encoding="utf-8"
    )
    with pytest.raises(LandevalError) as caught:
        load_project(folder)
    assert caught.value.findings is not None
    assert "INPUT_NOT_CONFIGURED" in set(caught.value.findings["code"])


@pytest.mark.filterwarnings("ignore")
@_FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(["gpkg", "geojson", "shp", "fgb"]))
def test_random_bytes_as_vector(fuzz_dir, data, suffix):
    name = f"vbytes_{next(_counter)}.{suffix}"
    (fuzz_dir / name).write_bytes(data)
    try:
        read_vector(name, "parcels", config=default_config(), base=fuzz_dir)
    except LandevalError as exc:
        assert str(exc)

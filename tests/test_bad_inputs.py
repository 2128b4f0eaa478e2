"""The bad-input corpus (issues 9 and 19): the CLI on every case of tests/data/bad/cases.toml.

Each case is a copy of a tiny slice of the demo with one thing broken, built at test time by
tests/data/bad/make_bad.py. The CLI runs as a user runs it (a subprocess); all cases run
once per session, two at a time, and each test checks one case: the exit status, the
finding codes, no traceback, actionable error messages, findings that name their rows, an
untouched project folder and an untouched output folder that was refused. Every case also
runs both ways in process, to check that validate passes exactly what run passes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from landeval.cli.validate import FINDING_HEADERS
from landeval.config import load_config
from landeval.findings import FINDING_COLUMNS
from landeval.inputs.read import read_table, read_vector
from landeval.store import read_table as read_store_table

# The corpus tests share one session of ~60 CLI subprocesses (two at a time): slow.
slow = pytest.mark.slow

_BAD = Path(__file__).parent / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_bad", _BAD / "make_bad.py")
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)

CASES = make_bad.load_cases()

# The findings file of `validate --findings` has Chinese headers.
_HEADERS = {header: column for column, header in FINDING_HEADERS.items()}
# Errors about a whole file (it cannot be read, it is empty): no row or field to name.
_FILE_LEVEL = {
    "INPUT_UNUSABLE",
    "LAYER_EMPTY",
    "RASTER_MISSING",
    "RASTER_NO_CRS",
    "RASTER_UNREADABLE",
    "RASTER_TILES_MISMATCH",
    "RASTER_CRS_DIFFER",
    "RASTER_GRIDS_INCOMPATIBLE",
    # a whole column's unit, not a row
    "UNIT_HEADER_MISMATCH",
    "UNIT_MAGNITUDE",
    "UNIT_UNKNOWN",
}
_FILE_NAME = re.compile(r"[\w.-]+\.(gpkg|csv|xlsx|xls|shp|geojson|tif|toml)\b", re.IGNORECASE)

# Every item of issue 9's list, as words that some case's "item" holds.
_ISSUE_ITEMS = [
    "truncated GeoPackage",
    "shapefile missing its .dbf or .shx",
    "empty layer",
    "a layer of points where polygons belong",
    "mixed polygons and lines",
    "geometry collections",
    "Z/M coordinates",
    "coordinates in degrees labelled as metres",
    "the reverse",
    "parcels 3,000 km away from the rest",
    "CSV with a different delimiter",
    "a UTF-16 CSV",
    "an XLSX with two sheets and the data on the second",
    "formulas in cells",
    "dates as text",
    "统一社会信用代码 with spaces",
    "统一社会信用代码 with lowercase",
    "统一社会信用代码 with full-width characters",
    "numbers with thousands separators",
    "full-width digits (１２３)",
    "'—' and '/' for missing",
    "negative areas",
    "years like 2023.0",
    "duplicated header names",
    "a project file with a typo",
    "a rule set that references an unknown flag",
    "an output folder that is the project folder",
    "an output folder inside the project folder",
    "a raster with no CRS",
    "a raster that covers none of the parcels",
]

# Every item of issue 19's list.
_ISSUE19_ITEMS = [
    "a copied landeval.duckdb beside the project",
    "a notes file inside an earlier output",
    "a foreign landeval.duckdb",
    "--out under an existing file",
    "missing tax: blank, NaN, 暂无, -",
    "absurd amounts: tax above the error bound",
    "absurd amounts: tax above the warning bound",
    "absurd amounts: 亩均税收 above the error bound",
    "a real top performer",
    "absurd amounts: a x100 jump",
    "absurd amounts: negative tax",
    "absurd amounts: a non-finite number",
    "a header that says (元) and a config that says 万元",
    "magnitudes contradicting the unit by x1,000 or more",
    "a .cpg that does not decode the text",
    "a zipped GBK shapefile",
    "a raster with no CRS",
    "rasters in mixed CRSs",
    "a raster that cannot be read",
    "subtotal rows with a code",
    "a landeval.toml that is not UTF-8",
    "a project file with a typo",
    "input paths outside the project folder",
    "error texts never print file contents",
]


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@dataclass(frozen=True)
class Outcome:
    """What one CLI call on one case did."""

    code: int
    output: str  # stdout + stderr
    stderr: str
    findings: pd.DataFrame | None
    hashes_before: dict[str, str]
    hashes_after: dict[str, str]
    out_before: dict[str, str] | None = None
    out_after: dict[str, str] | None = None


def _project(name: str, case_dir: Path) -> Path:
    """The project folder of a case: the case folder, or its project/ (``out = "case"``)."""
    return case_dir / "project" if CASES[name].get("out") == "case" else case_dir


def _out(name: str, case_dir: Path, work: Path) -> Path:
    """Where a run case writes: beside the case, unless the case says otherwise."""
    where = CASES[name].get("out")
    if where == "case":
        return case_dir
    if where == "under_file":
        return work / f"out_{name}" / "sub"
    return {"out_is_project": case_dir, "out_inside_project": case_dir / "out"}.get(
        name, work / f"out_{name}"
    )


def _args(name: str, case_dir: Path, work: Path) -> list[str]:
    case = CASES[name]
    project = _project(name, case_dir)
    if case["command"] == "validate":
        return ["validate", "--project", project, "--findings", work / f"{name}.csv"]
    return ["run", "--project", project, "--out", _out(name, case_dir, work), "--no-maps"]


def _findings(name: str, work: Path) -> pd.DataFrame | None:
    csv = work / f"{name}.csv"
    if csv.exists():
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return frame.rename(columns=_HEADERS)
    store = work / f"out_{name}" / "landeval.duckdb"
    if store.exists() and not CASES[name].get("keep_out"):  # a case's own fake store aside
        return read_store_table(store, "findings").reindex(columns=FINDING_COLUMNS).fillna("")
    return None


def _run_case(name: str, base: Path, work: Path) -> Outcome:
    project = make_bad.make_case(name, work / name, base=base)
    before = tree_hashes(project)
    out = work / f"out_{name}"
    out_before = tree_hashes(out) if CASES[name].get("keep_out") else None
    proc = subprocess.run(
        [sys.executable, "-m", "landeval", *map(str, _args(name, project, work))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    return Outcome(
        code=proc.returncode,
        output=proc.stdout + proc.stderr,
        stderr=proc.stderr,
        findings=_findings(name, work),
        hashes_before=before,
        hashes_after=tree_hashes(project),
        out_before=out_before,
        out_after=tree_hashes(out) if out_before is not None else None,
    )


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Every case, run once; two subprocesses at a time (this machine has two cores)."""
    work = tmp_path_factory.mktemp("bad")
    base = make_bad.make_base(work / "_base")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(_run_case, name, base, work) for name in CASES}
        return {name: f.result() for name, f in futures.items()}


def test_manifest_lists_every_builder_and_covers_the_issue():
    assert set(CASES) == set(make_bad.BUILDERS)
    assert len(CASES) >= 40
    items = " | ".join(c["item"] for c in CASES.values())
    missing = [item for item in _ISSUE_ITEMS + _ISSUE19_ITEMS if item not in items]
    assert not missing, missing
    for case in CASES.values():
        assert case["exit"] in {0, 2}
        assert case["codes"] or case.get("message") or case["exit"] == 0, case["name"]
        if case["exit"] == 0:
            assert case.get("repair"), case["name"]


@slow
@pytest.mark.parametrize("name", list(CASES))
def test_case_outcome(outcomes, name):
    case, got = CASES[name], outcomes[name]
    assert "Traceback" not in got.output, got.output[-3000:]
    assert "内部错误" not in got.output, got.output[-3000:]
    assert got.code == case["exit"], got.output[-3000:]
    messages = case.get("message") or []
    for message in [messages] if isinstance(messages, str) else messages:
        assert message in got.stderr, got.stderr[-3000:]
    if case.get("never"):
        assert case["never"] not in got.output
        if got.findings is not None:
            assert case["never"] not in got.findings.to_string()
    findings = got.findings
    if case["exit"] == 0:
        assert findings is not None
        assert not (findings["severity"] == "error").any(), findings.to_string()
        for code in case["codes"]:
            rows = findings[findings["code"] == code]
            assert len(rows), f"{code} not reported: {findings['code'].tolist()}"
            assert set(rows["severity"]) <= {"warning", "info"}
    elif case["codes"]:
        shown = findings["code"].tolist() if findings is not None else []
        for code in case["codes"]:
            # validate writes its findings file; a refused run lists the errors on stderr.
            assert code in shown or f"[{code}]" in got.stderr, (code, got.output[-2000:])
        if findings is not None and case["command"] == "validate":
            errors = findings[findings["severity"] == "error"]
            assert set(case["codes"]) & set(errors["code"])


@slow
@pytest.mark.parametrize("name", list(CASES))
def test_project_folder_is_byte_identical(outcomes, name):
    got = outcomes[name]
    assert got.hashes_after == got.hashes_before


@slow
@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.get("keep_out")])
def test_refused_output_folders_are_byte_identical(outcomes, name):
    got = outcomes[name]
    assert got.out_before, "the case prepared no output folder"
    assert got.out_after == got.out_before


@slow
@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.get("rows")])
def test_findings_name_their_rows(outcomes, name):
    """Each finding of the case's codes names its row: the firm-year or the file row."""
    findings = outcomes[name].findings
    assert findings is not None
    for code in CASES[name]["codes"]:
        rows = findings[findings["code"] == code]
        assert len(rows), code
        for row in rows.itertuples():
            assert row.row_id, row
            assert "/" in row.row_id or row.row_id.startswith("row "), row


@slow
@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c["exit"] == 2])
def test_error_messages_name_file_row_field_and_fix(outcomes, name):
    got = outcomes[name]
    if got.findings is None or got.findings.empty:
        # A project-file or output-folder error: one message naming the file or folder.
        assert "错误 (error):" in got.stderr
        assert _FILE_NAME.search(got.stderr) or "folder" in got.stderr, got.stderr
        return
    errors = got.findings[got.findings["severity"] == "error"]
    assert len(errors)
    for row in errors.itertuples():
        text = f"{row.message} {row.row_id}"
        assert _FILE_NAME.search(text), f"no file named: {row}"
        assert row.suggestion, f"no fix suggested: {row}"
        if row.code not in _FILE_LEVEL:
            assert row.row_id, f"no row or feature: {row}"
            assert row.field, f"no field: {row}"


@slow
@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c["command"] == "run"])
def test_refused_runs_list_their_errors_on_stderr(outcomes, name):
    got = outcomes[name]
    if CASES[name]["exit"] == 2 and CASES[name]["codes"]:
        assert "→" in got.stderr  # the suggested fix of the first errors
    if CASES[name]["exit"] == 0:
        assert "输出文件 (outputs)" in got.output


# --- the repaired cases read the same values as the base (in-process, fast) ---------------

_SAME_AS_BASE = {
    # case: (layer, spec, columns that must equal the base project's)
    "numbers_thousands": ("firm_tax", "firm_tax.csv", ["uscc", "year", "tax", "electricity_kwh"]),
    "numbers_fullwidth": ("firm_output", "firm_output.csv", ["uscc", "year", "employees"]),
    "years_float": ("firm_tax", "firm_tax.csv", ["uscc", "year", "tax"]),
    "duplicated_headers": ("firm_tax", "firm_tax.csv", ["uscc", "year", "tax"]),
    "uscc_lowercase": ("firm_tax", "firm_tax.csv", ["uscc", "year"]),
    "uscc_fullwidth": ("occupancy", "occupancy.csv", ["uscc", "parcel_id"]),
    "uscc_spaces": ("firms", "firms.csv", ["uscc", "name"]),
    "csv_semicolon": ("firms", "firms.csv", ["uscc", "name", "county_code", "start_year"]),
    "csv_utf16": ("firms", "firms.csv", ["uscc", "name", "county_code", "start_year"]),
    "csv_nul_bytes": ("firms", "firms.csv", ["uscc", "county_code"]),
    "xlsx_second_sheet": ("firms", "firms.xlsx", ["uscc", "name", "county_code", "start_year"]),
    "csv_tab": ("firm_output", "firm_output.csv", ["uscc", "year", "value_added"]),
    "xlsx_formulas_cached": ("firm_output", "firm_output.xlsx", ["uscc", "year", "value_added"]),
}


@pytest.fixture(scope="module")
def local_base(tmp_path_factory) -> Path:
    return make_bad.make_base(tmp_path_factory.mktemp("bad_local") / "_base")


def _canonical(project: Path, layer: str, spec: str) -> pd.DataFrame:
    config = load_config(project)
    vector = spec.endswith((".gpkg", ".zip", ".shp")) or "#" in spec
    reader = read_vector if vector else read_table
    frame, _findings = reader(spec, layer, config=config)
    return frame


@pytest.mark.parametrize("name", list(_SAME_AS_BASE))
def test_repaired_case_reads_the_base_values(local_base, tmp_path, name):
    layer, spec, cols = _SAME_AS_BASE[name]
    case = make_bad.make_case(name, tmp_path / name, base=local_base)
    base_spec = spec.replace(".xlsx", ".csv")
    got = _canonical(case, layer, spec)[cols].reset_index(drop=True)
    want = _canonical(local_base, layer, base_spec)[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_dash_and_slash_are_missing_and_the_rest_is_kept(local_base, tmp_path):
    case = make_bad.make_case("missing_dash_slash", tmp_path / "case", base=local_base)
    got = _canonical(case, "firm_output", "firm_output.csv")
    want = _canonical(local_base, "firm_output", "firm_output.csv")
    assert pd.isna(got.loc[0, "rd_expense"]) and pd.isna(got.loc[1, "emissions_eq"])
    assert pd.isna(got.loc[2, "employees"])
    assert got.loc[0, "value_added"] == want.loc[0, "value_added"]
    assert got.loc[3:, "employees"].tolist() == want.loc[3:, "employees"].tolist()


def test_uncomputed_formulas_are_missing_values(local_base, tmp_path):
    case = make_bad.make_case("xlsx_formulas", tmp_path / "case", base=local_base)
    got = _canonical(case, "firm_output", "firm_output.xlsx")
    want = _canonical(local_base, "firm_output", "firm_output.csv")
    assert got["value_added"].isna().tolist()[:3] == [True, True, False]
    assert got.loc[2:, "value_added"].tolist() == want.loc[2:, "value_added"].tolist()


def test_dates_written_as_text(local_base, tmp_path):
    case = make_bad.make_case("dates_as_text", tmp_path / "case", base=local_base)
    got = _canonical(case, "land_changes", "zones.gpkg#land_changes")["approved_on"]
    assert got.iloc[0] == pd.Timestamp("2023-03-29")
    assert pd.isna(got.iloc[1])  # 去年年底
    assert got.iloc[2] == pd.Timestamp("2024-02-25")


@pytest.mark.parametrize("name", ["shp_cpg_wrong", "shp_zipped_gbk"])
def test_shapefile_platform_names_read_as_the_base(local_base, tmp_path, name):
    case = make_bad.make_case(name, tmp_path / name, base=local_base)
    spec = load_config(case).inputs.platforms
    got = _canonical(case, "platforms", spec)
    want = _canonical(local_base, "platforms", "zones.gpkg#platforms")
    assert got["name"].tolist() == want["name"].tolist()
    assert got["platform_id"].tolist() == want["platform_id"].tolist()


def test_subtotal_rows_are_dropped_and_the_rest_read(local_base, tmp_path):
    case = make_bad.make_case("subtotal_rows", tmp_path / "case", base=local_base)
    got = _canonical(case, "firm_tax", "firm_tax.csv")
    want = _canonical(local_base, "firm_tax", "firm_tax.csv")
    pd.testing.assert_frame_equal(
        got[["uscc", "year", "tax"]].reset_index(drop=True),
        want[["uscc", "year", "tax"]].reset_index(drop=True),
    )


# --- validate exit 0 means run will not stop on its inputs (issue 19) -------------------------


def _verdicts(project: Path) -> tuple[bool, bool]:
    """Whether `landeval validate` passes the project, and whether `landeval run` would.

    In process, from one load: validate is the load's findings and :func:`preflight`; run
    is the same load, refused on its errors, then every stage (:func:`evaluate`). Writing
    the outputs is left out: it cannot stop on the inputs (the basemap, the one setting it
    reads, is in preflight), and test_outdir covers it.
    """
    from landeval.errors import LandevalError
    from landeval.findings import has_errors
    from landeval.inputs.project import load_project
    from landeval.pipeline import evaluate, preflight

    try:
        config, inputs = load_project(project)
    except LandevalError:
        return False, False
    if has_errors(inputs.findings):
        return False, False
    validated = not has_errors(preflight(inputs, config))
    try:
        evaluate(inputs, config)
    except LandevalError:
        return validated, False
    return validated, True


@slow
def test_validate_passes_exactly_what_run_passes(tmp_path):
    """Every case of the corpus, both ways: the verdicts agree (issue 19)."""
    base = make_bad.make_base(tmp_path / "_base")
    disagree = []
    for name in CASES:
        case_dir = make_bad.make_case(name, tmp_path / name, base=base)
        validated, ran = _verdicts(_project(name, case_dir))
        if validated != ran:
            disagree.append((name, {"validate passes": validated, "run passes": ran}))
    assert not disagree, disagree

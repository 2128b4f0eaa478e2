"""`landeval validate` and `landeval config` as a user runs them (subprocesses)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest
import tomli_w

MESSY = Path(__file__).parents[1] / "data" / "messy"


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "landeval", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        check=False,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_valid_project_exits_0(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(MESSY / "base", project)
    before = _files(project)
    result = _run("validate", "--project", str(project), "--findings", str(tmp_path / "f.csv"))
    assert result.returncode == 0, result.stderr
    assert "错误 0" in result.stdout
    assert "Traceback" not in result.stderr
    assert _files(project) == before  # nothing written into (or changed in) the project
    raw = (tmp_path / "f.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    header = raw.decode("utf-8-sig").splitlines()[0]
    # the headers of the workbook's 数据问题 sheet
    assert header == "严重程度,问题代码,图层/表,行标识,字段,问题说明,处理建议"


def test_errors_exit_2_with_summary_and_xlsx(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(MESSY / "base", project)
    shutil.copy(MESSY / "parcels_dup.gpkg", project)
    toml = tomllib.loads((project / "landeval.toml").read_text(encoding="utf-8"))
    toml["inputs"]["parcels"] = "parcels_dup.gpkg"
    (project / "landeval.toml").write_text(tomli_w.dumps(toml), encoding="utf-8")
    out = tmp_path / "out" / "findings.xlsx"
    result = _run("validate", "--project", str(project), "--findings", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "DUPLICATE_KEY · parcels: 2" in result.stdout
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("严重程度", "问题代码", "图层/表")
    assert ("error", "DUPLICATE_KEY", "parcels", "330603001002GB00002") in {r[:4] for r in rows}


def test_findings_file_neutralises_what_a_spreadsheet_would_run(tmp_path):
    from landeval.cli.validate import write_findings
    from landeval.export import neutralise
    from landeval.findings import Finding, findings_frame

    texts = ["=1+1", "\t=cmd", "＝SUM(1)", "-2", "safe"]
    findings = findings_frame(Finding("warning", "X", "parcels", t, None, t, "") for t in texts)
    path = write_findings(findings, tmp_path / "f.xlsx")
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))[1:]
    assert [r[3] for r in rows] == [neutralise(t) for t in texts]
    assert [r[3] for r in rows][:4] == ["'" + t for t in texts[:4]]


def test_unusable_input_exits_2_without_traceback(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(MESSY / "base", project)
    shutil.copytree(MESSY / "parcels_nocrs", project / "parcels_nocrs")
    toml = tomllib.loads((project / "landeval.toml").read_text(encoding="utf-8"))
    toml["inputs"]["parcels"] = "parcels_nocrs/parcels_nocrs.shp"
    (project / "landeval.toml").write_text(tomli_w.dumps(toml), encoding="utf-8")
    result = _run("validate", "--project", str(project))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "assume_crs" in result.stderr
    assert "INPUT_UNUSABLE" in result.stdout


def test_typo_in_project_exits_2_naming_the_key():
    result = _run("validate", "--project", str(MESSY / "typo_project"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "evalution_year" in result.stderr


def test_findings_file_not_into_the_project(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(MESSY / "base", project)
    result = _run("validate", "--project", str(project), "--findings", str(project / "f.csv"))
    assert result.returncode == 2
    assert not (project / "f.csv").exists()
    result = _run("validate", "--project", str(project), "--findings", str(tmp_path / "f.txt"))
    assert result.returncode == 2


def test_config_prints_effective_toml():
    result = _run("config", "--project", str(MESSY / "base"))
    assert result.returncode == 0, result.stderr
    data = tomllib.loads(result.stdout)
    assert data["units"]["firm_tax"] == "yuan"
    assert data["scoring"]["weights"]["tax_per_mu"] == 30.0


@pytest.mark.parametrize("args", [("validate", "--project", "/nonexistent/x")])
def test_missing_project_folder(args):
    result = _run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr

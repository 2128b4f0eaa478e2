"""`landeval validate`: load and check a project's inputs; summarise the findings.

Prints counts by severity and code and the first examples; ``--findings FILE`` writes the
full list (CSV in UTF-8 with BOM, or XLSX), atomically. Exit status 0 without errors, 2 with
errors. Nothing is written into the project folder.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from landeval.cli._options import project_option
from landeval.findings import FINDING_COLUMNS, concat_findings, findings_frame, has_errors
from landeval.vocabulary import SEVERITY_LABELS, column_header, label

_EXAMPLES_PER_CODE = 3
FINDING_HEADERS: dict[str, str] = {
    c: column_header({"code": "finding_code"}.get(c, c)) for c in FINDING_COLUMNS
}
"""Finding column → header of the findings file: those of the workbook's 数据问题 sheet."""


@click.command(name="validate")
@project_option
@click.option(
    "--findings",
    "findings_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every finding to this file (.csv, UTF-8 with BOM, or .xlsx).",
)
def command(project_dir: Path | None, findings_path: Path | None) -> None:
    """Check a project's input data and list the problems found (数据质量检查)."""
    from landeval.errors import DataError  # noqa: PLC0415
    from landeval.inputs.project import load_project  # noqa: PLC0415 - heavy imports
    from landeval.pipeline import preflight  # noqa: PLC0415

    if findings_path is not None:
        _check_target(findings_path, project_dir)
    try:
        config, inputs = load_project(project_dir)
    except DataError as exc:
        findings = exc.findings if exc.findings is not None else findings_frame()
        _report(findings, findings_path)
        raise  # the CLI guard prints the message and exits with status 2
    findings = inputs.findings
    if not has_errors(findings):
        # What a run checks beyond the inputs (the evaluation year, 亩均税收 bounds, the
        # basemap): exit status 0 here means `landeval run` will not stop on its inputs.
        findings = concat_findings(findings, preflight(inputs, config))
    _report(findings, findings_path)
    if has_errors(findings):
        # Exit status 2 through the CLI guard, which also lists the first errors on stderr.
        n = int((findings["severity"] == "error").sum())
        msg = f"输入数据有 {n} 个错误, 请修正后再运行 (input data has {n} error finding(s))"
        raise DataError(msg, findings=findings)


def _report(findings: pd.DataFrame, findings_path: Path | None) -> None:
    _summarise(findings)
    if findings_path is not None:
        write_findings(findings, findings_path)
        click.echo(f"全部问题已写入 {findings_path}")


def _check_target(path: Path, project_dir: Path | None) -> None:
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        msg = f"--findings must end in .csv or .xlsx, got {path.name}"
        raise click.BadParameter(msg, param_hint="--findings")
    if project_dir is None:
        from landeval.demo import demo_project_dir  # noqa: PLC0415 - optional, lazy

        project_dir = demo_project_dir()
    project = project_dir.resolve()
    if path.resolve().is_relative_to(project):
        msg = "the findings file must not go into the project folder (inputs are read-only)"
        raise click.BadParameter(msg, param_hint="--findings")


def _summarise(findings: pd.DataFrame) -> None:
    if findings.empty:
        click.echo("未发现数据问题 (no findings).")
        return
    counts = findings["severity"].value_counts()
    parts = [f"{_severity(s)} {int(counts.get(s, 0))}" for s in ("error", "warning", "info")]
    click.echo(f"数据问题 (findings): {', '.join(parts)}")
    grouped = findings.groupby(["severity", "layer", "code"], sort=False)
    for (severity, layer, code), group in grouped:
        click.echo(f"  [{_severity(severity)}] {code} · {layer}: {len(group)}")
        for row in group.head(_EXAMPLES_PER_CODE).itertuples():
            where = " ".join(
                str(p) for p in (row.row_id, row.field) if p is not None and not pd.isna(p)
            )
            click.echo(f"      {where}: {row.message}" if where else f"      {row.message}")
        if len(group) > _EXAMPLES_PER_CODE:
            click.echo(f"      … 另有 {len(group) - _EXAMPLES_PER_CODE} 条")


def _severity(code: str) -> str:
    return label(SEVERITY_LABELS, code)


def write_findings(findings: pd.DataFrame, path: Path) -> Path:
    """Write findings to CSV (UTF-8 with BOM) or XLSX, atomically, with Chinese headers.

    The headers are those of the workbook's 数据问题 sheet; text a spreadsheet would run as
    a formula is neutralised as in the workbook (a leading quote).
    """
    from landeval._atomic import atomic_path  # noqa: PLC0415
    from landeval.export import neutralise  # noqa: PLC0415

    table = findings.reindex(columns=FINDING_COLUMNS).map(
        lambda v: neutralise(v) if isinstance(v, str) else v
    )
    table = table.rename(columns=FINDING_HEADERS)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                table.to_excel(writer, sheet_name="数据问题", index=False)
                sheet = writer.sheets["数据问题"]
                sheet.freeze_panes = "A2"
                for col, width in zip("ABCDEFG", (8, 24, 14, 26, 18, 60, 40), strict=True):
                    sheet.column_dimensions[col].width = width
        else:
            table.to_csv(tmp, index=False, encoding="utf-8-sig")
    return path

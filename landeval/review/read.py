"""Reading the bureau's filled review: ``[inputs] reviews`` (and ``firm_reviews``).

The review is read by the same readers as every other table
(:func:`landeval.inputs.read.read_table`: CSV in any Chinese encoding, XLSX, Parquet; the
headers by their aliases, so either language of the workbook reads back), then its values
are checked (:mod:`landeval.review.check`). Which table is where:

- ``reviews`` names a workbook: its sheet 宗地复核 (or "Parcel review") is the parcel review
  and its sheet 企业复核 (or "Firm review") the firm review; a workbook without those sheets
  is read for the parcel review only, from the sheet whose header matches best;
- ``reviews`` names a CSV (or ``file.xlsx#sheet``): that table is the parcel review;
- ``firm_reviews`` names the firm review on its own (it wins over the workbook's sheet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from landeval.config import Config
from landeval.errors import DataError
from landeval.findings import Finding
from landeval.inputs.aliases import match_columns
from landeval.inputs.layout import HEADER_SCAN_ROWS, header_index
from landeval.inputs.read import read_table, resolve
from landeval.review.check import check_firm_review, check_parcel_review
from landeval.vocabulary import REVIEW_SHEETS

_SHEET_OF: dict[str, str] = {"parcel_review": "parcels", "firm_review": "firms"}


@dataclass(frozen=True)
class ReviewInputs:
    """What :func:`read_reviews` gives.

    Attributes
    ----------
    parcel_review, firm_review : DataFrame or None
        Checked review tables (None when the project names none).
    findings : list of Finding
        The readers' findings and the checks'.
    sources : dict of str to Path
        The file each table came from.
    unusable : dict of str to Finding
        Tables that could not be read at all, with why (an error each).
    """

    parcel_review: pd.DataFrame | None = None
    firm_review: pd.DataFrame | None = None
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)
    unusable: dict[str, Finding] = field(default_factory=dict)


def read_reviews(config: Config) -> ReviewInputs:
    """Read and check the review tables the project names (DESIGN §10).

    Never raises for a bad file: a file that cannot be read is an error in
    :attr:`ReviewInputs.unusable`, bad cells are findings.
    """
    specs = _specs(config)
    tables: dict[str, pd.DataFrame | None] = {"parcel_review": None, "firm_review": None}
    findings: list[Finding] = []
    sources: dict[str, Path] = {}
    unusable: dict[str, Finding] = {}
    lang = config.project.language
    for layer, spec in specs.items():
        path, sheet = resolve(spec, config=config)
        sources[layer] = path
        try:
            frame, notes = read_table(spec, layer, config=config)
        except DataError as exc:
            unusable[layer] = Finding(
                "error",
                "INPUT_UNUSABLE",
                layer,
                None,
                None,
                str(exc),
                "请按提示修正复核表或 landeval.toml 的 [inputs] reviews",
            )
            continue
        source = path.name if sheet is None else f"{path.name}#{sheet}"
        check = check_parcel_review if layer == "parcel_review" else check_firm_review
        letters = _column_letters(path, sheet, layer, config)
        checked, found = check(frame, source=source, lang=lang, letters=letters)
        tables[layer] = checked
        findings += [*notes, *found]
    return ReviewInputs(
        parcel_review=tables["parcel_review"],
        firm_review=tables["firm_review"],
        findings=findings,
        sources=sources,
        unusable=unusable,
    )


def _specs(config: Config) -> dict[str, str]:
    """The input spec (``file`` or ``file#sheet``) of each review table given."""
    specs: dict[str, str] = {}
    reviews, firm_reviews = config.inputs.reviews, config.inputs.firm_reviews
    if reviews:
        path, sheet = resolve(reviews, config=config)
        if sheet is None and path.suffix.lower() in {".xlsx", ".xlsm"}:
            sheets = _sheet_names(path)
            for layer in ("parcel_review", "firm_review"):
                name = _review_sheet(sheets, layer)
                if name is not None:
                    specs[layer] = f"{reviews}#{name}"
            specs.setdefault("parcel_review", reviews)
        else:
            specs["parcel_review"] = reviews
    if firm_reviews:
        specs["firm_review"] = firm_reviews
    return specs


def _review_sheet(sheets: list[str], layer: str) -> str | None:
    """The sheet of ``layer`` as landeval names it, in either language."""
    names = REVIEW_SHEETS[_SHEET_OF[layer]].values()
    return next((s for s in sheets if s.strip() in names), None)


def _column_letters(path: Path, sheet: str | None, layer: str, config: Config) -> dict[str, str]:
    """Canonical column → its letter in the named sheet, so that a finding names the cell.

    Found as the reader finds the columns: the header row among the first rows, matched by
    the aliases and ``[fields]``. {} for a CSV, or a workbook whose sheet is not named.
    """
    if sheet is None or path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return {}
    import openpyxl  # noqa: PLC0415 - only for a workbook
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:
        return {}
    try:
        if sheet not in book.sheetnames:
            return {}
        rows = [list(r) for r in book[sheet].iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)]
    finally:
        book.close()
    if not rows:
        return {}
    header = rows[header_index(rows, layer)]
    names = [c for c in header if c is not None]
    renames = match_columns(names, layer, config.fields.get(layer)).renames
    return {
        renames[cell]: get_column_letter(j + 1)
        for j, cell in enumerate(header)
        if cell is not None and cell in renames
    }


def _sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook ([] when it cannot be opened: the reader says why)."""
    import openpyxl  # noqa: PLC0415 - only for a workbook

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:
        return []
    try:
        return list(book.sheetnames)
    finally:
        book.close()

"""A run's tables to review.xlsx: the rows of each sheet, then the workbook.

:func:`write_review` takes the tables of a run by name — ``parcel_eval`` and
``firm_scores`` (today's proposals and classes), and the project's filled review
``parcel_review`` / ``firm_review`` when it names one (the answers carried) — so it works
the same on :attr:`landeval.pipeline.RunResult.tables`, on an :class:`Evaluation` plus its
inputs, and on a stored run (:func:`landeval.pipeline.stored_run`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from landeval.review.rows import firm_rows, parcel_rows
from landeval.review.workbook import REVIEW_FILE, write_review_workbook
from landeval.vocabulary import Language


def write_review(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    year: int,
    lang: Language = "zh",
    counties: Mapping[str, str] | None = None,
) -> Path:
    """Write the review workbook of a run (DESIGN §10).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        ``parcel_eval`` and ``firm_scores`` (required); ``parcel_review`` and
        ``firm_review`` (optional: the answers to carry into the new workbook).
    path : path-like
        The file to write, or a folder (then ``review.xlsx`` in it).
    year : int
        The evaluation year (the firms of 企业复核).
    lang : {"zh", "en"}
        Language of the workbook.
    counties : mapping, optional
        County code → name, for the firms' counties (the configuration's).

    Returns
    -------
    Path
        The workbook written.
    """
    target = Path(path)
    if target.is_dir() or not target.suffix:
        target = target / REVIEW_FILE
    parcels = parcel_rows(tables["parcel_eval"], tables.get("parcel_review"), lang=lang)
    firms = firm_rows(
        tables["firm_scores"],
        tables.get("firm_review"),
        year=year,
        lang=lang,
        counties=dict(counties or {}),
    )
    return write_review_workbook(parcels, firms, target, lang=lang)

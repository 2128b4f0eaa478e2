"""Data-quality checks over the loaded, canonical inputs (DESIGN §8), as pure functions.

Every check takes frames and returns a findings frame (:mod:`landeval.findings`); none
mutates its input. :func:`repair_geometries` is the one that also returns a new layer (the
repaired geometries), and it records each repair.

Severity policy — a bureau can run on imperfect data but not on nonsense:

error (stops the run: the result would be wrong, not just incomplete)
    a required file or column missing, no CRS; empty or zero-area parcels; duplicate
    parcel_id, duplicate uscc in the firm register, duplicate platform_id / change_id,
    duplicate firm-year rows (double counting); a missing key (parcel_id, uscc); values
    outside the allowed set (tier, scale, relation, kind); occupancy rows pointing to an
    unknown parcel (the firm's land would silently shrink and its per-mu figures inflate);
    leases beyond a parcel's area in a year (DESIGN §5); impossible values (negative area,
    revenue, energy, emissions, employees or electricity; a year outside 1949–2100;
    from_year after to_year); a non-polygon geometry in a polygon layer; a code that went
    through a float and lost digits; an amount beyond an error bound of ``[plausibility]``
    or not finite; a unit contradicted by a header or by the magnitudes (×1,000 or more);
    a raster that cannot be opened, has no CRS or does not fit the others.
warning (reported, the run goes on with the repair or the gap recorded)
    bad USCC format or check character (the firm is still evaluated); geometry repaired with
    make_valid; parcel overlaps above 1 m² and 1 % of the smaller; registered area differing
    from computed area by more than 5 %; occupancy rows pointing to a firm missing from the
    register (its land is not evaluated); tax without output (or the reverse) for a firm
    that is not below-scale; years missing inside a firm's span; negative tax or value added
    (refunds, losses: possible but worth a look), an amount beyond a warning bound or ×100
    its previous year (listed in suspect_values); county codes unknown to the city; values
    that could not be read (left missing); a blank amount in a firm-year table (missing,
    never 0); a CRS mix-up corrected.
info (a note)
    encodings detected, totals rows dropped, units converted, legacy county codes, 宗地代码
    that do not follow GB/T 37346, below-scale firms without output data, firms with no
    data at all, unused columns, overlapping platforms (2+6+N platforms may nest), a firm
    on the negative list twice in one year (two reasons).

The checks, one module per family (each check is a pure function over frames):

- :mod:`~landeval.validate.geometry` — repair of invalid, non-polygonal and empty features;
- :mod:`~landeval.validate.overlaps` — overlapping parcels and platforms;
- :mod:`~landeval.validate.parcels` — areas, far-away parcels, 宗地代码;
- :mod:`~landeval.validate.values` — keys, allowed values, impossible values, county codes,
  empty layers, in any layer; missing amounts of the firm-year tables;
- :mod:`~landeval.validate.firms` — 统一社会信用代码, tax against output, the firm register,
  the negative list;
- :mod:`~landeval.validate.occupancy` — occupancy rows against parcels, firms and areas;
- :mod:`~landeval.validate.plausibility` — amounts beyond their bounds (``[plausibility]``):
  warnings listed in ``suspect_values``, errors that stop the run;
- :mod:`~landeval.validate.rasters` — the rasters open, have a CRS and fit together.

This module holds the orchestrator, :func:`validate_inputs`, which runs them all on two
threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import pandas as pd

from landeval.config import Config
from landeval.findings import concat_findings
from landeval.validate._rows import row_ids
from landeval.validate.firms import check_firm_years, check_uscc, check_veto
from landeval.validate.geometry import repair_geometries
from landeval.validate.occupancy import check_occupancy
from landeval.validate.overlaps import OVERLAP_MIN_M2, OVERLAP_MIN_SHARE, check_overlaps
from landeval.validate.parcels import (
    FAR_AWAY_FACTOR,
    FAR_AWAY_MIN_M,
    REGISTERED_AREA_TOLERANCE,
    check_far_away,
    check_parcels,
)
from landeval.validate.plausibility import check_amounts
from landeval.validate.values import (
    MAX_YEAR,
    MIN_YEAR,
    check_allowed,
    check_county_codes,
    check_empty,
    check_keys,
    check_missing_amounts,
    check_values,
)

__all__ = [
    "FAR_AWAY_FACTOR",
    "FAR_AWAY_MIN_M",
    "MAX_YEAR",
    "MIN_YEAR",
    "OVERLAP_MIN_M2",
    "OVERLAP_MIN_SHARE",
    "OVERLAP_SEVERITY",
    "REGISTERED_AREA_TOLERANCE",
    "check_allowed",
    "check_amounts",
    "check_county_codes",
    "check_empty",
    "check_far_away",
    "check_firm_years",
    "check_keys",
    "check_missing_amounts",
    "check_occupancy",
    "check_overlaps",
    "check_parcels",
    "check_uscc",
    "check_values",
    "check_veto",
    "repair_geometries",
    "row_ids",
    "start_overlap_checks",
    "validate_inputs",
]


OVERLAP_SEVERITY: dict[str, str] = {"parcels": "warning", "platforms": "info"}
"""The layers :func:`validate_inputs` checks for overlaps, with the severity of a finding."""


def start_overlap_checks(
    tables: Mapping[str, pd.DataFrame | None], pool: Executor
) -> dict[str, Future[pd.DataFrame]]:
    """Submit the overlap checks of :func:`validate_inputs` to ``pool``.

    The overlap check is most of the geometry work of validation and runs in GEOS and
    numpy, which release the GIL: started as soon as the vector layers are ready, it runs
    on the second core while the tables are read. Pass the result to
    :func:`validate_inputs` (``overlaps=``) with the same frames.

    Returns
    -------
    dict
        Layer → future of ``check_overlaps(frame, layer=..., severity=...)``, for the layers
        of :data:`OVERLAP_SEVERITY` present in ``tables``.
    """
    return {
        layer: pool.submit(check_overlaps, frame, layer=layer, severity=severity)
        for layer, severity in OVERLAP_SEVERITY.items()
        if (frame := tables.get(layer)) is not None
    }


def validate_inputs(
    tables: Mapping[str, pd.DataFrame | None],
    *,
    config: Config,
    overlaps: Mapping[str, Future[pd.DataFrame]] | None = None,
) -> pd.DataFrame:
    """Run every check over loaded, canonical inputs; return all findings.

    Parameters
    ----------
    tables : mapping
        Canonical layer/table name → frame (None or absent for layers not given). Parcels
        should carry ``area_m2`` (:func:`landeval.inputs.read.add_area`) and vector layers
        already be repaired (:func:`repair_geometries`), as
        :func:`landeval.inputs.project.load_inputs` does.
    config : Config
        The project configuration (counties).
    overlaps : mapping, optional
        The overlap checks already started on these same frames
        (:func:`start_overlap_checks`); a layer not in it is checked here.

    Returns
    -------
    DataFrame
        The findings, sorted by severity.
    """
    started = overlaps or {}
    # The checks are independent and read the frames only: two threads, so that the Arrow,
    # numpy and GEOS parts of one run while another holds the GIL; the findings are
    # gathered in the order the checks are listed, whatever order they finish in.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="landeval-check") as pool:

        def run(check, *args, **kwargs) -> Future[pd.DataFrame]:
            return pool.submit(check, *args, **kwargs)

        def overlap(layer: str, frame: pd.DataFrame) -> Future[pd.DataFrame]:
            # A check already started is waited for at the end, after the other checks.
            if layer in started:
                return started[layer]
            return run(check_overlaps, frame, layer=layer, severity=OVERLAP_SEVERITY[layer])

        get = tables.get
        parcels, firms = get("parcels"), get("firms")
        tax, output = get("firm_tax"), get("firm_output")
        occupancy = get("occupancy")
        # The longest checks are submitted first, so that no thread is left alone with one
        # of them at the end; they are gathered at their place in the list below.
        first: dict[str, Future[pd.DataFrame]] = {}
        if tax is not None and output is not None:
            first["firm_years"] = run(check_firm_years, tax, output, firms)
        if occupancy is not None and parcels is not None and len(parcels):
            # An empty parcel layer is LAYER_EMPTY already.
            years = set()
            for frame in (tax, output):
                if frame is not None:
                    years |= {int(y) for y in frame["year"].dropna().unique()}
            first["occupancy"] = run(check_occupancy, occupancy, parcels, firms, years=years)
        if parcels is not None:
            first["parcels"] = run(check_parcels, parcels, config=config)
        parts: list[Future[pd.DataFrame]] = [run(check_empty, tables)]
        if parcels is not None:
            parts += [first["parcels"], overlap("parcels", parcels)]
        if firms is not None:
            parts += [
                run(check_keys, firms, layer="firms"),
                run(check_uscc, firms),
                run(check_county_codes, firms, layer="firms", config=config),
                run(check_allowed, firms, layer="firms"),
                run(check_values, firms, layer="firms"),
            ]
        for layer in ("firm_tax", "firm_output", "veto"):
            frame = get(layer)
            if frame is not None:
                severity = "info" if layer == "veto" else "error"
                parts += [
                    run(check_keys, frame, layer=layer, duplicates=severity),
                    run(check_values, frame, layer=layer),
                ]
                if layer != "veto":
                    parts += [
                        run(check_missing_amounts, frame, layer=layer),
                        run(check_amounts, frame, layer=layer, settings=config.plausibility),
                    ]
                if firms is None:
                    parts.append(run(check_uscc, frame, layer=layer))
        if "firm_years" in first:
            parts.append(first["firm_years"])
        if occupancy is not None:
            parts += [
                run(check_allowed, occupancy, layer="occupancy"),
                run(check_values, occupancy, layer="occupancy"),
            ]
            if "occupancy" in first:
                parts.append(first["occupancy"])
        for layer in ("platforms", "land_changes"):
            frame = get(layer)
            if frame is not None:
                parts += [
                    run(check_keys, frame, layer=layer),
                    run(check_allowed, frame, layer=layer),
                    run(check_county_codes, frame, layer=layer, config=config),
                ]
        platforms = get("platforms")
        if platforms is not None:
            parts.append(overlap("platforms", platforms))
        control = get("control_line")
        if control is not None:
            parts.append(run(check_county_codes, control, layer="control_line", config=config))
        veto = get("veto")
        if veto is not None:
            parts.append(run(check_veto, veto, firms))
        return concat_findings(*(p.result() for p in parts))

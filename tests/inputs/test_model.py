"""The canonical data model: schemas, row labels, the loaded inputs."""

from __future__ import annotations

import pandas as pd

from landeval.inputs.model import (
    REVIEW_TABLES,
    SCHEMAS,
    TABLES,
    VECTOR_LAYERS,
    Inputs,
    columns,
    row_label,
)


def test_columns_are_required_then_optional():
    assert columns("firm_tax") == [
        "uscc",
        "year",
        "tax",
        "electricity_kwh",
        "water_m3",
        "wastewater_t",
    ]
    assert set(SCHEMAS) == {*VECTOR_LAYERS, *TABLES, *REVIEW_TABLES}


def test_rows_are_labelled_by_their_file_row_when_known():
    rows = pd.Series([12, 13], index=[0, 1])
    assert row_label(rows, 1) == "row 13"
    assert row_label(None, 1) == "row 1"


def test_inputs_tables_are_the_layers_given():
    frame = pd.DataFrame({"x": [1]})
    inputs = Inputs(parcels=frame, firms=frame, firm_tax=frame, firm_output=frame, occupancy=frame)
    assert list(inputs.tables()) == ["parcels", "firms", "firm_tax", "firm_output", "occupancy"]

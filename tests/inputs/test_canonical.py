"""From the file's columns to the canonical model: never mutates, never raises on cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landeval.inputs import SOURCE_ROW, canonicalize


def test_canonicalize_does_not_mutate_its_input():
    raw = pd.DataFrame(
        {"统一社会信用代码": [" 913306021234500003 "], "年度": ["2023"], "实缴税额(元)": ["10000"]}
    )
    before = raw.copy()
    out, _ = canonicalize(raw, "firm_tax", money_unit="yuan")
    pd.testing.assert_frame_equal(raw, before)
    assert out.loc[0, "uscc"] == "913306021234500003"
    assert out.loc[0, "tax"] == 1.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.text(max_size=20), st.text(max_size=8), st.text(max_size=12)),
        min_size=1,
        max_size=8,
    )
)
def test_canonicalize_never_raises_on_garbage_cells(rows):
    raw = pd.DataFrame(rows, columns=["信用代码", "年度", "实缴税额"], dtype="str")
    raw[SOURCE_ROW] = range(2, len(raw) + 2)
    frame, findings = canonicalize(raw, "firm_tax", money_unit="wan_yuan")
    assert len(frame) == len(raw)
    assert str(frame["year"].dtype) == "Int64"
    assert str(frame["tax"].dtype) == "float64"
    # Every non-missing cell that did not become a number is reported with its row.
    for f in findings:
        assert f.row_id is None or f.row_id.startswith("row ")


def test_optional_columns_the_file_lacks_are_all_missing_of_their_type():
    raw = pd.DataFrame(
        {"信用代码": ["A", "B", "C"], "年度": ["2023"] * 3, "税收合计": ["1", "2", "3"]},
        index=[5, 6, 7],
    )
    frame, _ = canonicalize(raw, "firm_tax")
    assert frame.index.equals(pd.RangeIndex(3))
    pd.testing.assert_series_equal(
        frame["electricity_kwh"], pd.Series([np.nan] * 3, name="electricity_kwh")
    )
    firms = pd.DataFrame(
        {c: ["x"] for c in ("统一社会信用代码", "企业名称", "行业代码", "行政区划代码", "规模")}
    )
    frame, _ = canonicalize(firms, "firms")
    assert str(frame["start_year"].dtype) == "Int64"
    assert frame["start_year"].isna().all()
    assert frame["status"].dtype == "str"
    assert frame["status"].isna().all()
    changes = pd.DataFrame({"change_id": [], "kind": [], "county_code": []}, dtype="str")
    frame, _ = canonicalize(changes, "land_changes")
    assert str(frame["approved_on"].dtype) == "datetime64[ns]"
    assert frame["planned_use"].dtype == "str"
    assert len(frame) == 0


def test_columns_come_in_schema_order_with_the_file_rows():
    raw = pd.DataFrame({"税收合计": ["1"], "年度": ["2023"], "信用代码": ["A"], SOURCE_ROW: [7]})
    frame, _ = canonicalize(raw, "firm_tax")
    optional = ["electricity_kwh", "water_m3", "wastewater_t"]
    assert list(frame.columns) == ["uscc", "year", "tax", *optional, SOURCE_ROW]
    assert frame[SOURCE_ROW].tolist() == [7]

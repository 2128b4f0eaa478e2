from landeval.findings import FINDING_COLUMNS, Finding, concat_findings, findings_frame, has_errors


def test_findings_sort_errors_first():
    a = findings_frame([Finding("info", "GBK_DECODED", "parcels", None, None, "按GBK解码")])
    b = findings_frame(
        [Finding("error", "DUPLICATE_ID", "parcels", "P1", "parcel_id", "宗地代码重复", "删除重复")]
    )
    both = concat_findings(a, None, b)
    assert list(both.columns) == FINDING_COLUMNS
    assert both["severity"].tolist() == ["error", "info"]
    assert has_errors(both)
    assert not has_errors(a)
    assert not has_errors(findings_frame())

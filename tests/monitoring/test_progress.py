"""The progress of last year's list on two synthetic years with known changes (DESIGN §11)."""

from __future__ import annotations

import pandas as pd
import pytest

from landeval.config import load_config
from landeval.monitoring import evaluate_monitoring
from tests.monitoring._years import code, current_tables, previous_run


@pytest.fixture(scope="module")
def monitoring():
    return evaluate_monitoring(
        current_tables(),
        previous=previous_run(),
        platforms=None,
        config=load_config(None),
        year=2024,
    )


# prev code, final treatment last year, this year's codes, match, class of the largest,
# latest 进展, whose review, status, evidence
EXPECTED = [
    (1, "UPGRADE", "00001", "code", "B", None, None, "SUSPECTED_DONE",
     "评价类别 D→B，本年已不在处置清单"),
    (2, "REBUILD", "00010、00011", "split", "C", "IN_PROGRESS", "this_year", "IN_PROGRESS",
     "本年复核进展 推进中；容积率 0.40→0.80、0.50（标准 0.70）；宗地已分割为 {p10}、{p11}"),
    (3, "EXIT", "00003", "code", "B", None, None, "SUSPECTED_DONE",
     "已由四号公司使用（重新出租或出让）"),
    (4, "CONVERT", "00004", "code", "B", None, None, "SUSPECTED_DONE",
     "现状用途已改为城镇住宅用地；改一补一转出项目 C1 已批准（对应补充项目 S1）"),
    (5, "UPGRADE", "00005", "code", "C", "ACCEPTED", "this_year", "ACCEPTED",
     "本年复核进展 已验收，2024-11-30；评价类别 C→C，本年仍在处置清单"),
    (6, "EXIT", None, "none", None, None, None, "NOT_STARTED",
     "本年数据中没有该宗地（未匹配）"),
    (8, "UPGRADE", "00008", "code", "C", "BLOCKED", "last_year", "BLOCKED",
     "上年复核进展 受阻：资金不足；评价类别 C→C，本年仍在处置清单"),
    (9, "UPGRADE", "00009", "code", "C", "CLOSED", "last_year", "CLOSED",
     "上年复核进展 已销号，2024-03-01；评价类别 D→C，本年仍在处置清单"),
]  # fmt: skip


def _ids(short: str | None) -> str | None:
    if short is None:
        return None
    return "、".join(f"330602001001GB{part}" for part in short.split("、"))


def _none(value: object) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def test_the_progress_table_is_exactly_the_known_changes(monitoring):
    table = monitoring.tables["list_progress"]
    got = [
        tuple(_none(v) for v in row)
        for row in table[
            [
                "prev_parcel_id",
                "prev_treatment",
                "now_parcel_ids",
                "match",
                "now_class",
                "progress",
                "progress_source",
                "status",
                "evidence_zh",
            ]
        ].itertuples(index=False)
    ]
    expected = [
        (
            code(n),
            treatment,
            _ids(now),
            match,
            now_class,
            progress,
            source,
            status,
            evidence.format(p10=code(10), p11=code(11)),
        )
        for n, treatment, now, match, now_class, progress, source, status, evidence in EXPECTED
    ]
    assert got == expected


def test_the_kept_parcel_is_not_listed_and_areas_are_last_years(monitoring):
    table = monitoring.tables["list_progress"].set_index("prev_parcel_id")
    assert code(7) not in table.index  # 保留 last year: not on the list
    assert table.loc[code(2), "area_mu"] == pytest.approx(30.0)  # the parcel before its split
    assert table.loc[code(2), "overlap_share"] == pytest.approx(1.0)


def test_an_unmatched_parcel_is_a_finding_and_stays_in_the_tables(monitoring):
    findings = monitoring.findings
    unmatched = findings[findings["code"] == "PREVIOUS_PARCEL_UNMATCHED"]
    assert unmatched["row_id"].tolist() == [code(6)]
    assert unmatched["severity"].tolist() == ["warning"]
    transitions = monitoring.tables["class_transitions"]
    gone = transitions[(transitions["level"] == "parcel") & (transitions["prev_id"] == code(6))]
    assert gone[["match", "prev_class", "prev_treatment"]].to_numpy().tolist() == [
        ["none", "C", "EXIT"]
    ]
    assert gone["id"].isna().all()


def test_land_revitalised_counts_only_what_the_review_closed(monitoring):
    city = monitoring.tables["revitalisation"].set_index("level").loc["city"]
    # listed: 7 parcels of 15 亩 and P02 of 30 亩; closed: P05 (已验收) and P09 (已销号)
    assert city["listed_parcels"] == 8
    assert city["listed_mu"] == pytest.approx(135.0)
    assert city["closed_parcels"] == 2
    assert city["closed_mu"] == pytest.approx(30.0)
    assert city["suspected_mu"] == pytest.approx(45.0)  # P01, P03, P04
    assert pd.isna(city["target_mu"])


def test_a_converted_parcel_without_its_item_is_not_done_and_is_a_finding():
    tables = current_tables()
    tables["balance_items"] = tables["balance_items"].iloc[1:]  # only the 补, no 改 item
    result = evaluate_monitoring(
        tables, previous=previous_run(), platforms=None, config=load_config(None), year=2024
    )
    row = result.tables["list_progress"].set_index("prev_parcel_id").loc[code(4)]
    assert row["status"] == "NOT_STARTED"
    assert "没有已批准的改一补一转出项目" in row["evidence_zh"]
    found = result.findings[result.findings["code"] == "CONVERT_WITHOUT_ITEM"]
    assert found["row_id"].tolist() == [code(4)]


def test_an_exited_parcel_still_used_by_its_firm_is_not_done():
    tables = current_tables()
    parcels = tables["parcel_eval"]
    at = parcels["parcel_id"] == code(3)
    parcels.loc[at, ["main_uscc", "main_name"]] = ["F3", "三号厂"]
    result = evaluate_monitoring(
        tables, previous=previous_run(), platforms=None, config=load_config(None), year=2024
    )
    row = result.tables["list_progress"].set_index("prev_parcel_id").loc[code(3)]
    assert (row["status"], row["evidence_zh"]) == ("NOT_STARTED", "仍由三号厂使用")


def test_a_revitalisation_target_is_tracked():
    config = load_config(
        None, targets={"revitalise_mu": 60.0, "revitalise_mu_county": {"330602": 20.0}}
    )
    result = evaluate_monitoring(
        current_tables(), previous=previous_run(), platforms=None, config=config, year=2024
    )
    table = result.tables["revitalisation"].set_index("level")
    assert table.loc["city", "target_share"] == pytest.approx(0.5)
    assert table.loc["county", "target_share"] == pytest.approx(1.5)
    tracking = result.tables["target_tracking"]
    rows = tracking[tracking["target"] == "REVITALISATION"]
    shown = rows[["level", "region_id", "year", "value", "target_value", "on_track"]]
    assert shown.to_numpy().tolist() == [
        ["city", "city", 2024, 30.0, 60.0, False],
        ["county", "330602", 2024, 30.0, 20.0, True],
    ]

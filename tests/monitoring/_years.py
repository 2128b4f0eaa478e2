"""Two synthetic years with known changes, for the year-over-year tests (DESIGN §11).

Last year (2023) listed seven parcels; this year (2024):

- P01: its firm F1 rose from D to B, the parcel left the list (整治提升 → 疑似完成);
- P02 (拆除重建) was split in two, P10 and P11; this year's review says P10 推进中;
- P03 (关停退出): the stopped firm F3 left, F4 rents it (re-let → 疑似完成);
- P04 (功能转型): its use is now housing and an approved 改 item C1 covers it, offset by
  the 补 S1 (疑似完成);
- P05 (整治提升): this year's review gives its 验收 date (已验收);
- P06 (关停退出): no parcel this year has its code or its land (unmatched → a finding);
- P07: kept last year (not on the list);
- P08 (整治提升): last year's review said 受阻 (资金不足), nothing changed;
- P09 (整治提升): last year's review gave its 销号 date (已销号).
P12 is new land this year.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from landeval.monitoring.previous import PreviousRun

CRS = "EPSG:4549"
MU = 10000 / 15


def code(n: int) -> str:
    """A 19-character 宗地代码 of 越城区 numbered ``n``."""
    return f"330602001001GB{n:05d}"


def _box(n: int, *, width: float = 100.0, x0: float = 0.0) -> shapely.Polygon:
    left = 500000.0 + n * 1000.0 + x0
    return shapely.box(left, 3300000.0, left + width, 3300100.0)


def _parcels(rows: list[dict]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame["area_mu"] = frame.geometry.area / MU
    frame["county_code"] = "330602"
    frame["platform_id"] = "SX2-01"
    frame["platform_name"] = "绍兴滨海新区"
    return frame


def _p(n: int, cls: str | None, treatment: str, uscc: str | None, name: str | None, **kw):
    row = {
        "parcel_id": code(n),
        "class": cls,
        "treatment": treatment,
        "main_uscc": uscc,
        "main_name": name,
        "status": None,
        "land_use": "100101",
        "far": 1.0,
        "far_min": 0.7,
        "geometry": _box(n),
    }
    row.update(kw)
    return row


def previous_parcels() -> gpd.GeoDataFrame:
    return _parcels(
        [
            _p(1, "D", "UPGRADE", "F1", "一号厂"),
            _p(2, "C", "REBUILD", "F2", "二号厂", far=0.4, geometry=_box(2, width=200.0)),
            _p(3, None, "EXIT", "F3", "三号厂", status="停业"),
            _p(4, "B", "CONVERT", "F5", "五号厂"),
            _p(5, "C", "UPGRADE", "F6", "六号厂"),
            _p(6, "C", "EXIT", "F7", "七号厂"),
            _p(7, "A", "KEEP", "F8", "八号厂"),
            _p(8, "C", "UPGRADE", "F9", "九号厂"),
            _p(9, "D", "UPGRADE", "F10", "十号厂"),
        ]
    )


def current_parcels() -> gpd.GeoDataFrame:
    return _parcels(
        [
            _p(1, "B", "KEEP", "F1", "一号厂"),
            _p(3, "B", "KEEP", "F4", "四号公司"),
            _p(4, "B", "KEEP", "F5", "五号厂", land_use="070101"),
            _p(5, "C", "UPGRADE", "F6", "六号厂"),
            _p(7, "A", "KEEP", "F8", "八号厂"),
            _p(8, "C", "UPGRADE", "F9", "九号厂"),
            _p(9, "C", "UPGRADE", "F10", "十号厂"),
            # P02 split in two: its left half is P10 (FAR now 0.8), its right half P11 (0.5)
            _p(10, "C", "REBUILD", "F2", "二号厂", far=0.8, geometry=_box(2)),
            _p(11, "C", "REBUILD", "F2", "二号厂", far=0.5, geometry=_box(2, x0=100.0)),
            _p(12, None, "KEEP", None, None, geometry=_box(12)),
        ]
    )


def _decisions(rows: list[dict]) -> pd.DataFrame:
    columns = [
        "parcel_id",
        "final",
        "decision_source",
        "progress",
        "difficulty",
        "path",
        "responsible",
        "deadline",
        "accepted_on",
        "closed_on",
    ]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    for col in ("deadline", "accepted_on", "closed_on"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def previous_decisions() -> pd.DataFrame:
    return _decisions(
        [
            {
                "parcel_id": code(8),
                "final": "UPGRADE",
                "decision_source": "review",
                "progress": "BLOCKED",
                "difficulty": "资金不足",
            },
            {
                "parcel_id": code(9),
                "final": "UPGRADE",
                "decision_source": "review",
                "progress": "IN_PROGRESS",
                "closed_on": "2024-03-01",
            },
        ]
    )


def current_decisions() -> pd.DataFrame:
    return _decisions(
        [
            {
                "parcel_id": code(10),
                "final": "REBUILD",
                "decision_source": "review",
                "progress": "IN_PROGRESS",
            },
            {
                "parcel_id": code(5),
                "final": "UPGRADE",
                "decision_source": "review",
                "progress": "IN_PROGRESS",
                "accepted_on": "2024-11-30",
            },
        ]
    )


def balance_items() -> gpd.GeoDataFrame:
    """The 改 item C1 over P04 (approved, offset by S1) and its 补 S1 elsewhere."""
    return gpd.GeoDataFrame(
        {
            "item_id": ["C1", "S1"],
            "source": ["land_change", "land_change"],
            "kind": ["convert", "supplement"],
            "county_code": ["330602", "330602"],
            "status": ["approved", "approved"],
            "offsets": ["S1", "C1"],
        },
        geometry=[_box(4), _box(40)],
        crs=CRS,
    )


def firms(year: int, classes: dict[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uscc": list(classes),
            "year": year,
            "county_code": "330602",
            "class": list(classes.values()),
            "land_mu": 15.0,
        }
    )


def previous_run(folder: str = "/nowhere/out_2023") -> PreviousRun:
    from pathlib import Path

    return PreviousRun(
        folder=Path(folder),
        year=2023,
        version="0.1.0",
        parcel_eval=previous_parcels(),
        firm_scores=firms(2023, {"F1": "D", "F2": "C", "F6": "C", "F9": "C", "F10": "D"}),
        decisions=previous_decisions(),
    )


def current_tables() -> dict[str, pd.DataFrame]:
    return {
        "parcel_eval": current_parcels(),
        "firm_scores": firms(2024, {"F1": "B", "F2": "C", "F4": "B", "F6": "C", "F10": "C"}),
        "decisions": current_decisions(),
        "balance_items": balance_items(),
    }

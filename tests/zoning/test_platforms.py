"""Platform membership: largest share, ties, outside, platforms drawn in pieces."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from landeval.config import default_config
from landeval.zoning import assign_platforms

CRS = "EPSG:4549"


def _parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": ["a", "b", "c", "d", "e"]},
        geometry=[
            box(40, 0, 140, 10),  # 600 m² in P2, 400 m² in P1 (of 1000)
            box(50, 0, 150, 10),  # 500 / 500: a tie
            box(90, 90, 110, 130),  # 100 + 100 of 800: outside
            box(500, 500, 510, 510),  # touches nothing
            box(40, 240, 60, 260),  # 200 + 200 of 400 in the two pieces of P3
        ],
        crs=CRS,
    )


def _platforms() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "platform_id": ["P2", "P1", "P3", "P3"],
            "name": ["袍江", "滨海新城", "小微园", "小微园"],
            "tier": ["6", "2", "N", "N"],
            "kind": ["经济技术开发区", "产业集聚区", "小微企业园", "小微企业园"],
            "county_code": ["330602"] * 4,
        },
        geometry=[
            box(0, 0, 100, 100),
            box(100, 0, 200, 100),
            box(0, 200, 50, 300),
            box(50, 200, 100, 300),
        ],
        crs=CRS,
    )


def test_largest_share_tie_outside_and_pieces():
    parcels, platforms = _parcels(), _platforms()
    before_p, before_pl = parcels.copy(), platforms.copy()
    out = assign_platforms(parcels, platforms, config=default_config())

    assert list(out["platform_id"].fillna("-")) == ["P2", "P1", "-", "-", "P3"]
    # a: 600/1000 in P2; b: 500/1000 each, the smaller id P1 wins; c: 100/800 best share;
    # d: no platform; e: 200/400 + 200/400 in the two rows of P3.
    assert out["platform_share"].tolist() == pytest.approx([0.6, 0.5, 0.125, 0.0, 1.0])
    assert list(out["platform_name"]) == ["袍江", "滨海新城", "平台外", "平台外", "小微园"]
    assert list(out["tier"].fillna("-")) == ["6", "2", "-", "-", "N"]
    assert list(out["kind"].fillna("-"))[:2] == ["经济技术开发区", "产业集聚区"]
    assert out.index.equals(parcels.index)
    pd.testing.assert_frame_equal(parcels, before_p)
    pd.testing.assert_frame_equal(platforms, before_pl)


def test_min_share_is_configurable():
    cfg = default_config().model_copy(
        update={"zoning": default_config().zoning.model_copy(update={"platform_min_share": 0.7})}
    )
    out = assign_platforms(_parcels(), _platforms(), config=cfg)
    # a (0.6) and b (0.5) now fall outside; e (1.0) stays.
    assert list(out["platform_id"].fillna("-")) == ["-", "-", "-", "-", "P3"]


def test_no_platforms_means_all_outside():
    out = assign_platforms(_parcels(), None, config=default_config())
    assert out["platform_id"].isna().all()
    assert (out["platform_name"] == "平台外").all()
    assert (out["platform_share"] == 0).all()


def test_platforms_in_another_crs_are_reprojected():
    platforms = _platforms().to_crs("EPSG:4326")
    out = assign_platforms(_parcels(), platforms, config=default_config())
    assert out["platform_share"].tolist() == pytest.approx([0.6, 0.5, 0.125, 0.0, 1.0], abs=1e-6)

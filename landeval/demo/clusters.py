"""The fixed description of the synthetic city: industrial clusters, platforms, industries.

Every figure the generator draws is shaped by these tables; nothing here is random. The
anchors are the approximate WGS84 locations of Shaoxing's main industrial areas given in
DESIGN §3 ("Demo geography"); each cluster of demo parcels is laid out around one anchor
and takes that anchor's county code, so that every parcel lies in the county its code names.
Platforms are named after the real ones of the "2+6+N" system but their shapes are invented.

The maps draw the county boundaries shipped with landeval (``data/boundaries``:
OpenStreetMap via geoBoundaries, 2017), and every demo parcel lies inside the boundary of
its county there (``tests/demo/test_demo.py``). Four clusters sit off their DESIGN anchors
for that: 高新区（镜湖） 0.6 km east and 杭州湾上虞经开区 1.4 km south-west (the coarse lines
and coastline of that data), 马鞍 3.3 km north-east (at its anchor the cluster overhung west
into 萧山), and 滨海新城（沥海） 11 km south-west, to the north-east of 越城 as the 2017
boundary draws it: 沥海 moved from 上虞 to 越城 only in 2021, and no openly licensed
boundary of that vintage was available.
"""

from __future__ import annotations

from dataclasses import dataclass

EVALUATION_YEAR = 2024
"""The evaluation year the demo's ``landeval.toml`` declares."""

YEARS: tuple[int, ...] = (2022, 2023, 2024)
"""Years of tax and output data."""

BASE_PARCELS = 3000
"""Parcels at scale 1."""

CRS = "EPSG:4549"
"""CGCS2000 / 3-degree Gauss-Krüger CM 120E: the CRS of every layer and raster."""

COUNTY_PREFIX: dict[str, str] = {
    "330602": "绍兴",
    "330603": "绍兴柯桥",
    "330604": "绍兴上虞",
    "330624": "新昌",
    "330681": "诸暨",
    "330683": "嵊州",
}
"""How a firm's name starts in each county (e.g. 绍兴柯桥某某印染有限公司)."""


@dataclass(frozen=True)
class PlatformSpec:
    """A platform of the 2+6+N system: code, name, tier ("2", "6", "N"), kind, county.

    Its shape comes from the clusters that name it (``main_platform`` with ``main_box``, or
    ``micro_platform``); a platform named by several clusters (绍兴滨海新区) becomes one
    multi-part polygon.
    """

    platform_id: str
    name: str
    tier: str
    kind: str
    county_code: str


@dataclass(frozen=True)
class ClusterSpec:
    """One industrial area around an anchor.

    Attributes
    ----------
    key : str
        Short ASCII name, used in file names of raster tiles.
    name : str
        Chinese name of the area.
    county_code : str
        County the anchor lies in; every parcel of the cluster takes it.
    lon, lat : float
        WGS84 anchor (DESIGN §3).
    weight : float
        Share of the city's parcels.
    industries : dict
        Industry (GB/T 4754 division) → share among the cluster's firms.
    main_platform : str or None
        platform_id covering most of the cluster (None: the cluster is outside platforms).
    main_box : tuple
        The main platform's box in the cluster's unit square.
    micro_platform : str or None
        platform_id of the small-micro park (小微企业园) or featured town in the cluster.
    micro_center : tuple
        Where that park lies in the unit square.
    micro_share : float
        Share of the cluster's parcels in the park.
    hole : tuple
        A box of the unit square left out of the industrial control line.
    angle : float
        Rotation of the road grid, degrees counter-clockwise.
    age : float
        0 (new zone) … 1 (old zone): shifts built years and building density.
    productivity : float
        Multiplier of value added per mu against the city level.
    drift : float
        Extra yearly growth of the cluster's firms (the city draws around 8 %).
    """

    key: str
    name: str
    county_code: str
    lon: float
    lat: float
    weight: float
    industries: dict[str, float]
    main_platform: str | None
    main_box: tuple[float, float, float, float]
    micro_platform: str | None
    micro_center: tuple[float, float]
    micro_share: float
    hole: tuple[float, float, float, float]
    angle: float
    age: float
    productivity: float
    drift: float


PLATFORMS: tuple[PlatformSpec, ...] = (
    PlatformSpec("SX2-01", "绍兴滨海新区", "2", "战略平台（新区）", "330602"),
    PlatformSpec("SX2-02", "绍兴集成电路万亩千亿新产业平台", "2", "万亩千亿新产业平台", "330602"),
    PlatformSpec("SX6-01", "柯桥经济技术开发区", "6", "国家级经济技术开发区", "330603"),
    PlatformSpec("SX6-02", "绍兴柯桥滨海工业区", "6", "省级工业园区", "330603"),
    PlatformSpec("SX6-03", "杭州湾上虞经济技术开发区", "6", "国家级经济技术开发区", "330604"),
    PlatformSpec("SX6-04", "诸暨经济开发区", "6", "省级经济开发区", "330681"),
    PlatformSpec("SX6-05", "嵊州经济开发区", "6", "省级经济开发区", "330683"),
    PlatformSpec("SX6-06", "新昌高新技术产业园区", "6", "省级高新技术产业园区", "330624"),
    PlatformSpec("SXN-01", "袍江小微企业园", "N", "小微企业园", "330602"),
    PlatformSpec("SXN-02", "绍兴黄酒小镇", "N", "特色小镇", "330602"),
    PlatformSpec("SXN-03", "柯桥纺织小微企业园", "N", "小微企业园", "330603"),
    PlatformSpec("SXN-04", "马鞍印染小微企业园", "N", "小微企业园", "330603"),
    PlatformSpec("SXN-05", "上虞曹娥小微企业园", "N", "小微企业园", "330604"),
    PlatformSpec("SXN-06", "诸暨五金小微企业园", "N", "小微企业园", "330681"),
    PlatformSpec("SXN-07", "大唐袜业特色小镇", "N", "特色小镇", "330681"),
    PlatformSpec("SXN-08", "嵊州厨具小微企业园", "N", "小微企业园", "330683"),
    PlatformSpec("SXN-09", "新昌轴承小微企业园", "N", "小微企业园", "330624"),
)
"""The 2+6+N platforms of the demo (names after the real ones, shapes invented)."""

PLATFORM_NOTE = "示意数据：平台名称取自绍兴“2+6+N”平台体系，范围为虚构，不代表真实边界"
"""Marks every platform as illustrative (a layer attribute and the layer's metadata)."""

CLUSTERS: tuple[ClusterSpec, ...] = (
    ClusterSpec(
        key="paojiang",
        name="袍江",
        county_code="330602",
        lon=120.63,
        lat=30.06,
        weight=0.1,
        industries={"C17": 0.3, "C15": 0.1, "C26": 0.1, "C38": 0.15, "C35": 0.15, "C33": 0.2},
        main_platform="SX2-01",
        main_box=(0.0, 0.0, 0.85, 1.0),
        micro_platform="SXN-01",
        micro_center=(0.3, 0.2),
        micro_share=0.02,
        hole=(0.85, 0.7, 1.0, 1.0),
        angle=12.0,
        age=0.9,
        productivity=0.9,
        drift=-0.03,
    ),
    ClusterSpec(
        key="jinghu",
        name="高新区（镜湖）",
        county_code="330602",
        lon=120.536,  # 0.6 km east of the anchor: clear of the coarse 柯桥 line
        lat=30.03,
        weight=0.07,
        industries={"C39": 0.3, "C35": 0.2, "C27": 0.15, "C15": 0.15, "C38": 0.2},
        main_platform="SX2-01",
        main_box=(0.0, 0.0, 0.8, 1.0),
        micro_platform="SXN-02",
        micro_center=(0.9, 0.2),
        micro_share=0.05,
        hole=(0.0, 0.8, 0.25, 1.0),
        angle=-8.0,
        age=0.5,
        productivity=1.0,
        drift=0.02,
    ),
    ClusterSpec(
        key="lihai",
        name="滨海新城（沥海）",
        county_code="330602",
        lon=120.69,  # see the module docstring: 11 km south-west of the anchor
        lat=30.07,
        weight=0.07,
        industries={"C39": 0.6, "C27": 0.2, "C35": 0.1, "C38": 0.1},
        main_platform="SX2-02",
        main_box=(0.0, 0.0, 0.9, 0.9),
        micro_platform=None,
        micro_center=(0.0, 0.0),
        micro_share=0.0,
        hole=(0.75, 0.0, 1.0, 0.15),
        angle=25.0,
        age=0.1,
        productivity=1.1,
        drift=0.05,
    ),
    ClusterSpec(
        key="keqiao",
        name="柯桥经开区",
        county_code="330603",
        lon=120.47,
        lat=30.07,
        weight=0.14,
        industries={
            "C17": 0.6,
            "C18": 0.1,
            "C28": 0.1,
            "C26": 0.05,
            "C34": 0.05,
            "C29": 0.05,
            "C33": 0.05,
        },
        main_platform="SX6-01",
        main_box=(0.0, 0.0, 0.88, 1.0),
        micro_platform="SXN-03",
        micro_center=(0.6, 0.75),
        micro_share=0.02,
        hole=(0.0, 0.0, 0.2, 0.12),
        angle=5.0,
        age=0.8,
        productivity=0.95,
        drift=-0.02,
    ),
    ClusterSpec(
        key="maan",
        name="马鞍（滨海工业区）",
        county_code="330603",
        lon=120.648,  # 3.3 km north-east of the anchor: clear of 萧山 to the west
        lat=30.178,
        weight=0.1,
        industries={"C17": 0.55, "C28": 0.15, "C26": 0.15, "C33": 0.1, "C34": 0.05},
        main_platform="SX6-02",
        main_box=(0.1, 0.0, 1.0, 1.0),
        micro_platform="SXN-04",
        micro_center=(0.4, 0.4),
        micro_share=0.02,
        hole=(0.8, 0.85, 1.0, 1.0),
        angle=-15.0,
        age=0.6,
        productivity=0.9,
        drift=-0.01,
    ),
    ClusterSpec(
        key="shangyu_bay",
        name="杭州湾上虞经开区",
        county_code="330604",
        lon=120.848,  # 1.4 km south-west of the anchor: inside the 2017 coastline
        lat=30.163,
        weight=0.12,
        industries={"C26": 0.45, "C27": 0.2, "C29": 0.1, "C38": 0.1, "C34": 0.1, "C33": 0.05},
        main_platform="SX6-03",
        main_box=(0.0, 0.0, 1.0, 0.88),
        micro_platform=None,
        micro_center=(0.0, 0.0),
        micro_share=0.0,
        hole=(0.0, 0.85, 0.3, 1.0),
        angle=20.0,
        age=0.4,
        productivity=1.0,
        drift=0.01,
    ),
    ClusterSpec(
        key="shangyu_city",
        name="上虞城区",
        county_code="330604",
        lon=120.87,
        lat=30.03,
        weight=0.05,
        industries={"C38": 0.25, "C34": 0.2, "C29": 0.2, "C33": 0.2, "C26": 0.15},
        main_platform=None,
        main_box=(0.0, 0.0, 0.0, 0.0),
        micro_platform="SXN-05",
        micro_center=(0.5, 0.5),
        micro_share=0.08,
        hole=(0.7, 0.6, 1.0, 1.0),
        angle=-5.0,
        age=0.9,
        productivity=0.85,
        drift=0.0,
    ),
    ClusterSpec(
        key="zhuji",
        name="诸暨经开区",
        county_code="330681",
        lon=120.24,
        lat=29.73,
        weight=0.09,
        industries={"C33": 0.3, "C34": 0.2, "C32": 0.15, "C17": 0.15, "C38": 0.1, "C29": 0.1},
        main_platform="SX6-04",
        main_box=(0.0, 0.12, 1.0, 1.0),
        micro_platform="SXN-06",
        micro_center=(0.8, 0.4),
        micro_share=0.03,
        hole=(0.85, 0.0, 1.0, 0.3),
        angle=30.0,
        age=0.6,
        productivity=1.0,
        drift=0.0,
    ),
    ClusterSpec(
        key="datang",
        name="大唐袜业",
        county_code="330681",
        lon=120.17,
        lat=29.63,
        weight=0.06,
        industries={"C17": 0.8, "C18": 0.1, "C33": 0.1},
        main_platform=None,
        main_box=(0.0, 0.0, 0.0, 0.0),
        micro_platform="SXN-07",
        micro_center=(0.45, 0.5),
        micro_share=0.6,
        hole=(0.0, 0.0, 0.2, 0.2),
        angle=40.0,
        age=0.8,
        productivity=0.8,
        drift=-0.02,
    ),
    ClusterSpec(
        key="shengzhou",
        name="嵊州经开区",
        county_code="330683",
        lon=120.82,
        lat=29.6,
        weight=0.11,
        industries={"C38": 0.5, "C18": 0.15, "C34": 0.15, "C33": 0.1, "C17": 0.1},
        main_platform="SX6-05",
        main_box=(0.0, 0.0, 0.9, 1.0),
        micro_platform="SXN-08",
        micro_center=(0.2, 0.8),
        micro_share=0.03,
        hole=(0.9, 0.0, 1.0, 0.5),
        angle=-20.0,
        age=0.6,
        productivity=0.85,
        drift=0.01,
    ),
    ClusterSpec(
        key="xinchang",
        name="新昌高新园区",
        county_code="330624",
        lon=120.91,
        lat=29.5,
        weight=0.09,
        industries={"C34": 0.45, "C27": 0.3, "C35": 0.15, "C33": 0.1},
        main_platform="SX6-06",
        main_box=(0.0, 0.0, 1.0, 0.9),
        micro_platform="SXN-09",
        micro_center=(0.75, 0.3),
        micro_share=0.03,
        hole=(0.0, 0.9, 0.3, 1.0),
        angle=15.0,
        age=0.5,
        productivity=1.1,
        drift=0.02,
    ),
)
"""The clusters of the synthetic city, in a fixed order (parcel codes follow it)."""

UTILITY_CLUSTERS: tuple[str, ...] = ("paojiang", "keqiao", "maan", "shangyu_bay")
"""Clusters that hold a thermal power plant (热电, industry D44, class T)."""

UNBALANCED_COUNTY = "330602"
"""The county whose 改一补一 does not balance (袍江 renewal converts more than it compensates)."""

CONVERT_CLUSTERS: dict[str, tuple[float, float, float, float]] = {
    "paojiang": (0.05, 0.55, 0.25, 0.70),
    "jinghu": (0.30, 0.80, 0.42, 0.92),
    "shangyu_city": (0.05, 0.05, 0.22, 0.22),
    "keqiao": (0.55, 0.05, 0.63, 0.15),
    "zhuji": (0.10, 0.82, 0.20, 0.92),
}
"""Boxes (unit square) of land_changes with kind convert, per cluster."""

PLAN_CONFLICT_CLUSTERS: dict[str, float] = {
    "paojiang": 0.04,
    "jinghu": 0.03,
    "shangyu_city": 0.06,
    "keqiao": 0.01,
    "zhuji": 0.01,
}
"""Share of a cluster's parcels whose planned use is not industrial (0701 居住, 0901 商业)."""

INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "C13": ("食品", "农产品"),
    "C15": ("黄酒", "酒业", "酿酒"),
    "C17": ("印染", "纺织", "织造", "针织", "袜业"),
    "C18": ("服饰", "领带", "制衣"),
    "C26": ("化工", "化学", "新材料"),
    "C27": ("制药", "药业", "生物医药"),
    "C28": ("化纤", "化学纤维"),
    "C29": ("塑业", "橡塑"),
    "C32": ("铜业", "有色金属"),
    "C33": ("五金", "金属制品", "管业"),
    "C34": ("轴承", "机械", "阀门"),
    "C35": ("装备", "机械设备"),
    "C38": ("电机", "电器", "厨具"),
    "C39": ("集成电路", "半导体", "微电子"),
    "D44": ("热电",),
    "L72": ("小微企业园运营管理",),
}
"""Words that say the trade in a firm's name, by industry."""

TRADE_NAME_CHARS = (
    "恒永金华盛泰宏兴达丰瑞祥和安鑫隆昌源新越海天远明正嘉德鸿誉凯富博创伟通汇"
    "中百佳信诚协力亚东南江湖山峰龙凤锦绣益春晨晓光辉星辰宇航"
)
"""Characters of invented trade names (字号); two or three of them make one."""

VETO_REASONS: tuple[str, ...] = (
    "发生较大生产安全事故",
    "环境违法行为受到行政处罚",
    "属于淘汰类落后产能",
    "被列入严重失信主体名单",
    "发生重大环境污染事件",
)
"""Reasons on the negative list (负面清单)."""

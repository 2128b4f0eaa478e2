"""Generate the messy-input corpus under tests/data/messy (run from anywhere; deterministic).

    /tmp/venv/bin/python tests/data/messy/make_messy.py

``base/`` is a small valid project (parcels near 柯桥, three firms, tax in 元 with a
``(元)`` header and ``[units] firm_tax = "yuan"``, output in 万元). Every other file is one
messy case; the tests copy ``base/`` to a temporary folder and swap a case in. What each file
must produce is listed in :data:`CASES` and asserted in tests/test_io_*.py and
tests/test_validate.py.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
from openpyxl.styles import Alignment
from shapely.geometry import Polygon, box

HERE = Path(__file__).resolve().parent

CASES: dict[str, str] = {
    "base/": "valid project: no error findings",
    "parcels_gbk/parcels_gbk.shp": "GBK DBF, Chinese field names, no .cpg, LDID 0 -> decoded "
    "right, ENCODING_DETECTED info",
    "firms_gb18030.csv": "GB18030 CSV (a character outside GBK) -> decoded, ENCODING_DETECTED",
    "firm_tax_titles.xlsx": "two title rows (merged), a units row (元), a totals row -> header "
    "found, units row used, TOTALS_ROW_DROPPED info",
    "firms_numeric.xlsx": "USCC stored as an exact integer (kept), one stored as a float "
    "(CODE_STORED_AS_NUMBER error), county code text with a leading zero kept",
    "parcels_nocrs/parcels_nocrs.shp": "no .prj -> DataError; fine with assume_crs",
    "parcels_4528_as_4549.gpkg": "coordinates in EPSG:4528 declared EPSG:4549 -> "
    "CRS_MISMATCH_CORRECTED warning, CRS corrected",
    "firm_tax_yuan.csv": "tax in 元 with 万元 declared -> UNIT_MAGNITUDE warning",
    "firms_bad_uscc.csv": "bad USCC check characters -> USCC_INVALID warnings",
    "parcels_dup.gpkg": "duplicate parcel codes -> DUPLICATE_KEY errors",
    "parcels_bowtie.gpkg": "self-intersecting polygon -> GEOMETRY_REPAIRED warning",
    "typo_project/landeval.toml": "[project] evalution_year typo -> ConfigError naming the key",
}

# Three valid 统一社会信用代码 (check characters computed with landeval.inputs.identifiers).
USCC = ["913306021234500003", "91330603MA2D00001J", "91330603MA2D00002M"]
PARCEL_IDS = ["330603001002GB00001", "330603001002GB00002", "330603001002GB00003"]

# Parcel squares in EPSG:4549 (CGCS2000 GK CM 120E) near 柯桥经开区 (120.47E, 30.07N).
_X0, _Y0 = 545_300.0, 3_327_000.0
_SIDE = 100.0  # 10,000 m² = 15 mu each


def _squares(n: int) -> list[Polygon]:
    return [box(_X0 + i * 150, _Y0, _X0 + i * 150 + _SIDE, _Y0 + _SIDE) for i in range(n)]


def _parcels_4549() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "宗地代码": PARCEL_IDS,
            "行政区划代码": ["330603"] * 3,
            "现状用途": ["100101"] * 3,
            "规划用途": ["100101", "100101", "0701"],
            "登记面积": [10_000.0, 10_050.0, 10_000.0],
            "建筑面积": [12_000.0, 6_000.0, 9_000.0],
            "建成年份": [2005, 2015, 1998],
        },
        geometry=_squares(3),
        crs="EPSG:4549",
    )


def make_base(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    parcels = _parcels_4549().to_crs("EPSG:4490")  # geographic, as many bureaus deliver
    parcels.to_file(folder / "parcels.gpkg", layer="parcels", driver="GPKG")
    platforms = gpd.GeoDataFrame(
        {
            "平台编号": ["P01"],
            "平台名称": ["柯桥经济技术开发区"],
            "平台层级": ["6"],
            "平台类型": ["经济技术开发区"],
            "行政区划代码": ["330603"],
        },
        geometry=[box(_X0 - 200, _Y0 - 200, _X0 + 600, _Y0 + 300)],
        crs="EPSG:4549",
    ).to_crs("EPSG:4490")
    platforms.to_file(folder / "platforms.gpkg", layer="platforms", driver="GPKG")
    firms = pd.DataFrame(
        {
            "统一社会信用代码": USCC,
            "企业名称": ["绍兴甲纺织有限公司", "绍兴乙印染有限公司", "绍兴丙机械有限公司"],
            "行业代码": ["C17", "C17", "C34"],
            "行政区划代码": ["330603"] * 3,
            "规模": ["规上", "规上", "规下"],
            "投产年份": [2005, 2012, 2015],
        }
    )
    firms.to_csv(folder / "firms.csv", index=False, encoding="utf-8-sig")
    tax = pd.DataFrame(
        {
            "统一社会信用代码": USCC * 2,
            "年度": [2022] * 3 + [2023] * 3,
            "实缴税额(元)": [3_500_000, 1_200_000, 300_000, 3_800_000, 1_100_000, 320_000],
            "用电量(千瓦时)": [2e6, 1.5e6, 3e5, 2.1e6, 1.4e6, 3.1e5],
        }
    )
    tax.to_csv(folder / "firm_tax.csv", index=False, encoding="utf-8-sig")
    output = pd.DataFrame(
        {
            "统一社会信用代码": USCC[:2] * 2,
            "年度": [2022, 2022, 2023, 2023],
            "工业增加值": [4_000.0, 1_500.0, 4_300.0, 1_450.0],
            "营业收入": [20_000.0, 8_000.0, 21_000.0, 7_900.0],
            "研发费用": [600.0, 100.0, 650.0, 90.0],
            "综合能耗(吨标煤)": [2_000.0, 3_000.0, 2_050.0, 2_900.0],
            "排放当量": [50.0, 120.0, 48.0, 118.0],
            "年平均职工人数": [300, 150, 310, 140],
        }
    )
    output.to_csv(folder / "firm_output.csv", index=False, encoding="utf-8-sig")
    occupancy = pd.DataFrame(
        {
            "统一社会信用代码": [USCC[0], USCC[1], USCC[2], USCC[2]],
            "宗地代码": [PARCEL_IDS[0], PARCEL_IDS[1], PARCEL_IDS[2], PARCEL_IDS[0]],
            "用地关系": ["自有", "自有", "自有", "租赁"],
            "使用面积": [None, None, None, 2_000.0],
            "起始年份": [None, None, None, 2022],
            "终止年份": [None, None, None, 2025],
        }
    )
    occupancy.to_csv(folder / "occupancy.csv", index=False, encoding="utf-8-sig")
    (folder / "landeval.toml").write_text(
        "[project]\n"
        'name = "messy base"\n'
        "evaluation_year = 2023\n\n"
        "[inputs]\n"
        'parcels = "parcels.gpkg#parcels"\n'
        'platforms = "platforms.gpkg"\n'
        'firms = "firms.csv"\n'
        'firm_tax = "firm_tax.csv"\n'
        'firm_output = "firm_output.csv"\n'
        'occupancy = "occupancy.csv"\n\n'
        "[units]\n"
        'firm_tax = "yuan"\n'
        'firm_output = "wan_yuan"\n',
        encoding="utf-8",
    )


def make_gbk_shapefile(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    gdf = _parcels_4549()[["宗地代码", "行政区划代码", "现状用途", "geometry"]].copy()
    gdf["权利人"] = ["绍兴甲纺织有限公司", "绍兴乙印染有限公司", "绍兴丙机械有限公司"]
    path = folder / "parcels_gbk.shp"
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile", encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    _zero_ldid(path.with_suffix(".dbf"))


def _zero_ldid(dbf: Path) -> None:
    # GDAL records the code page in the DBF language driver id; clear it so that only the
    # bytes can tell the encoding (what an old ArcView export looks like).
    data = bytearray(dbf.read_bytes())
    data[29] = 0
    dbf.write_bytes(bytes(data))


def make_nocrs_shapefile(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "parcels_nocrs.shp"
    gdf = _parcels_4549().rename(
        columns={
            "宗地代码": "ZDDM",
            "行政区划代码": "XZQDM",
            "现状用途": "DLBM",
            "规划用途": "GHYT",
        }
    )[["ZDDM", "XZQDM", "DLBM", "GHYT", "geometry"]]
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile")
    path.with_suffix(".prj").unlink()


def make_gk_mixup(path: Path) -> None:
    gdf = _parcels_4549().to_crs("EPSG:4528")
    gdf = gdf.set_crs("EPSG:4549", allow_override=True)  # the mistake: wrong series declared
    gdf.to_file(path, layer="parcels", driver="GPKG")


def make_duplicates(path: Path) -> None:
    gdf = _parcels_4549()
    gdf.loc[2, "宗地代码"] = PARCEL_IDS[1]
    gdf.to_file(path, layer="parcels", driver="GPKG")


def make_bowtie(path: Path) -> None:
    gdf = _parcels_4549()
    x, y = _X0 + 300, _Y0
    bowtie = Polygon([(x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100), (x, y)])
    gdf.loc[2, "geometry"] = bowtie
    gdf.to_file(path, layer="parcels", driver="GPKG")


def make_gb18030_csv(path: Path) -> None:
    text = (
        "统一社会信用代码,企业名称,行业代码,行政区划代码,规模\n"
        f"{USCC[0]},绍兴㐀纺织有限公司,C17,330603,规上\n"
        f"{USCC[1]},绍兴乙印染有限公司,C17,330603,规上\n"
        f"{USCC[2]},绍兴丙机械有限公司,C34,330603,规下\n"
    )
    path.write_bytes(text.encode("gb18030"))


def make_tax_titles_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "税收"
    sheet.append(["2023年度规上工业企业税收情况表"])
    sheet.merge_cells("A1:D1")
    sheet.append(["填报单位: 柯桥区税务局", None, None, "2024年3月"])
    sheet.append(["统一社会信用代码", "年度", "实缴税额", "用电量"])
    sheet.append([None, None, "元", "千瓦时"])
    sheet.append([USCC[0], 2023, 3_800_000, 2_100_000])
    sheet.append([USCC[1], 2023, "1,100,000", 1_400_000])
    sheet.append([USCC[2], 2023, 320_000, 310_000])
    sheet.append(["合计", None, 5_220_000, 3_810_000])
    sheet["A1"].alignment = Alignment(horizontal="center")
    book.save(path)


def make_numeric_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "企业名称", "行业代码", "行政区划代码", "规模"])
    sheet.append([int(USCC[0]), "绍兴甲纺织有限公司", "C17", 330603, "规上"])
    sheet.append([float(USCC[0]), "绍兴丁化工有限公司", "C26", "0330603", "规上"])
    sheet.append([USCC[1], "绍兴乙印染有限公司", "C17", "330603", "规上"])
    book.save(path)
    # openpyxl (like Excel) writes a number with at most 15-17 significant digits; some
    # tools (WPS, xlsxwriter from int64) store all 18. Put the exact digits in cell A2.
    _set_cell_xml(path, "A2", USCC[0])


def _set_cell_xml(path: Path, cell: str, digits: str) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            out = data
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                text = re.sub(rf'(<c r="{cell}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{digits}\g<2>", text)
                out = text.encode("utf-8")
            dst.writestr(info, out)
    tmp.replace(path)


def make_yuan_csv(path: Path) -> None:
    frame = pd.DataFrame(
        {
            "统一社会信用代码": USCC * 2,
            "年度": [2022] * 3 + [2023] * 3,
            "实缴税额": [3_500_000, 1_200_000, 300_000, 3_800_000, 1_100_000, 320_000],
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8")


def make_bad_uscc_csv(path: Path) -> None:
    bad0 = USCC[0][:-1] + "4"
    bad1 = USCC[1][:-1] + "X"
    text = (
        "统一社会信用代码,企业名称,行业代码,行政区划代码,规模\n"
        f"{bad0},绍兴甲纺织有限公司,C17,330603,规上\n"
        f"{bad1},绍兴乙印染有限公司,C17,330603,规上\n"
        f"{USCC[2]},绍兴丙机械有限公司,C34,330603,规下\n"
    )
    path.write_text(text, encoding="utf-8")


def make_typo_project(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "landeval.toml").write_text("[project]\nevalution_year = 2023\n", encoding="utf-8")


def main() -> None:
    for name in CASES:
        child = HERE / name.split("/")[0]
        if child.is_dir():
            shutil.rmtree(child)
        elif child.exists():
            child.unlink()
    make_base(HERE / "base")
    make_gbk_shapefile(HERE / "parcels_gbk")
    make_nocrs_shapefile(HERE / "parcels_nocrs")
    make_gk_mixup(HERE / "parcels_4528_as_4549.gpkg")
    make_duplicates(HERE / "parcels_dup.gpkg")
    make_bowtie(HERE / "parcels_bowtie.gpkg")
    make_gb18030_csv(HERE / "firms_gb18030.csv")
    make_tax_titles_xlsx(HERE / "firm_tax_titles.xlsx")
    make_numeric_xlsx(HERE / "firms_numeric.xlsx")
    make_yuan_csv(HERE / "firm_tax_yuan.csv")
    make_bad_uscc_csv(HERE / "firms_bad_uscc.csv")
    make_typo_project(HERE / "typo_project")


if __name__ == "__main__":
    main()

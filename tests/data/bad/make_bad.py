"""Build the bad-input corpus (issue 9): one small project folder per case, on demand.

The cases are generated at test time (not committed): each is a copy of a tiny slice of the
embedded demo (30 parcels of 柯桥经开区, their firms and firm-years, the platforms, control
line and land changes of 柯桥) with one thing broken. ``cases.toml`` beside this file says,
for every case, what is wrong and what landeval must do about it; tests/test_bad_inputs.py
runs the CLI on each.

    /tmp/venv/bin/python tests/data/bad/make_bad.py /tmp/bad     # writes every case there

Public helpers: :func:`make_base`, :func:`make_case`, :data:`BUILDERS`, :func:`load_cases`.
"""

from __future__ import annotations

import re
import shutil
import sys
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely
import shapely.affinity
from shapely.geometry import GeometryCollection, LineString, Point, box

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DEMO = REPO / "data" / "shaoxing_demo"
CASES_FILE = HERE / "cases.toml"

N_PARCELS = 30
COUNTY = "330603"

_TOML = """\
[project]
name = "bad-input base (slice of the demo)"
evaluation_year = 2024

[inputs]
parcels = "parcels.gpkg#parcels"
platforms = "zones.gpkg#platforms"
control_line = "zones.gpkg#control_line"
land_changes = "zones.gpkg#land_changes"
firms = "firms.csv"
firm_tax = "firm_tax.csv"
firm_output = "firm_output.csv"
occupancy = "occupancy.csv"
veto = "veto.csv"
{rasters}
[units]
firm_tax = "yuan"
firm_output = "wan_yuan"

[fields.firm_tax]
uscc = "统一社会信用代码"
year = "年度"
electricity_kwh = "用电量(千瓦时)"
tax = "实缴税额(元)"

[fields.firm_output]
uscc = "统一社会信用代码"
year = "年度"
value_added = "工业增加值(万元)"
revenue = "营业收入(万元)"
rd_expense = "研发费用(万元)"
energy_tce = "综合能耗(吨标煤)"
emissions_eq = "排放当量"
employees = "年平均职工人数"
"""


# --- the base project ---------------------------------------------------------------------


def _read_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def make_base(folder: Path) -> Path:
    """Write the valid base project (a slice of the demo) into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    src = DEMO / "parcels.gpkg"
    parcels = gpd.read_file(src, layer="parcels")
    parcels = parcels[parcels["county_code"] == COUNTY].sort_values("parcel_id").head(N_PARCELS)
    parcels = parcels.reset_index(drop=True)
    parcels.to_file(folder / "parcels.gpkg", layer="parcels", driver="GPKG")
    near = parcels.union_all().buffer(2_000)
    for layer in ("platforms", "control_line", "land_changes"):
        gdf = gpd.read_file(src, layer=layer)
        keep = gdf["county_code"] == COUNTY
        if layer != "land_changes":  # all of the county's changes: both kinds, for 改一补一
            keep &= gdf.intersects(near)
        gdf = gdf[keep]
        gdf.reset_index(drop=True).to_file(folder / "zones.gpkg", layer=layer, driver="GPKG")
    occupancy = _read_csv("occupancy.csv")
    occupancy = occupancy[occupancy["parcel_id"].isin(parcels["parcel_id"])]
    uscc = set(occupancy["uscc"])
    _write_csv(occupancy, folder / "occupancy.csv")
    for name in ("firms.csv", "firm_tax.csv", "firm_output.csv", "veto.csv"):
        frame = _read_csv(name)
        key = "uscc" if "uscc" in frame.columns else "统一社会信用代码"
        _write_csv(frame[frame[key].isin(uscc)], folder / name)
    (folder / "landeval.toml").write_text(_TOML.format(rasters=""), encoding="utf-8")
    return folder


# --- small helpers for the cases ----------------------------------------------------------


def _parcels(p: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(p / "parcels.gpkg", layer="parcels")


def _save_parcels(p: Path, gdf: gpd.GeoDataFrame) -> None:
    (p / "parcels.gpkg").unlink()
    gdf.to_file(p / "parcels.gpkg", layer="parcels", driver="GPKG")


def _csv(p: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(p / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _set_toml(p: Path, old: str, new: str) -> None:
    path = p / "landeval.toml"
    text = path.read_text(encoding="utf-8")
    if old not in text:
        msg = f"{old!r} not in landeval.toml"
        raise ValueError(msg)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append_toml(p: Path, text: str) -> None:
    with (p / "landeval.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + text)


def _raster(p: Path, name: str, *, crs: str | None, offset: float = 0.0) -> None:
    """A 5 m footprint raster (percent) over the parcels, shifted by ``offset`` metres."""
    import rasterio
    from rasterio.transform import from_origin

    minx, miny, maxx, maxy = _parcels(p).total_bounds
    width, height = int((maxx - minx) // 5) + 2, int((maxy - miny) // 5) + 2
    data = (np.indices((height, width)).sum(axis=0) % 3 == 0).astype("uint8") * 80
    (p / "rasters").mkdir(exist_ok=True)
    profile = {
        "driver": "GTiff",
        "dtype": "uint8",
        "width": width,
        "height": height,
        "count": 1,
        "transform": from_origin(minx - 5 + offset, maxy + 5, 5, 5),
        "nodata": 255,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(p / "rasters" / name, "w", **profile) as ds:
        ds.write(data, 1)
    _set_toml(p, "\n[units]", f'\n[inputs.rasters]\nfootprint = ["rasters/{name}"]\n\n[units]')
    _append_toml(p, '[raster]\nfootprint_scale = "percent"\n')


# --- vector cases -------------------------------------------------------------------------


def gpkg_truncated(p: Path) -> None:
    data = (p / "parcels.gpkg").read_bytes()
    (p / "parcels.gpkg").write_bytes(data[: len(data) // 3])


def gpkg_not_sqlite(p: Path) -> None:
    (p / "parcels.gpkg").write_text("这不是 GeoPackage\n", encoding="utf-8")


def _as_shapefile(p: Path) -> Path:
    gdf = _parcels(p).rename(  # short DBF field names that the aliases know
        columns={
            "parcel_id": "ZDDM",
            "county_code": "XZQDM",
            "land_use": "DLBM",
            "planned_use": "GHYT",
            "registered_area_m2": "DJMJ",
            "floor_area_m2": "JZMJ",
            "built_year": "JCNF",
        }
    )
    shp = p / "parcels_shp" / "parcels.shp"
    shp.parent.mkdir()
    gdf.to_file(shp, driver="ESRI Shapefile", encoding="utf-8")
    (p / "parcels.gpkg").unlink()
    _set_toml(p, 'parcels = "parcels.gpkg#parcels"', 'parcels = "parcels_shp/parcels.shp"')
    return shp


def shp_missing_dbf(p: Path) -> None:
    shp = _as_shapefile(p)
    shp.with_suffix(".dbf").unlink()
    shp.with_suffix(".cpg").unlink(missing_ok=True)


def shp_missing_shx(p: Path) -> None:
    _as_shapefile(p).with_suffix(".shx").unlink()


def parcels_empty_layer(p: Path) -> None:
    _save_parcels(p, _parcels(p).iloc[0:0])


def parcels_points(p: Path) -> None:
    gdf = _parcels(p)
    gdf["geometry"] = gdf.geometry.representative_point()
    _save_parcels(p, gdf)


def parcels_mixed_lines(p: Path) -> None:
    gdf = _parcels(p)
    geoms = list(gdf.geometry)
    for i in (3, 7):
        geoms[i] = geoms[i].exterior if geoms[i].geom_type == "Polygon" else geoms[i].boundary
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs))
    _save_parcels(p, gdf)


def parcels_geometry_collection(p: Path) -> None:
    gdf = _parcels(p)
    geoms = list(gdf.geometry)
    poly = geoms[2]
    line = LineString([poly.centroid, Point(poly.centroid.x + 500, poly.centroid.y)])
    geoms[2] = GeometryCollection([poly, line, poly.centroid])
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs))
    _save_parcels(p, gdf)


def parcels_z(p: Path) -> None:
    gdf = _parcels(p)
    gdf = gdf.set_geometry(shapely.force_3d(gdf.geometry.to_numpy(), 12.5), crs=gdf.crs)
    _save_parcels(p, gdf)


def parcels_m(p: Path) -> None:
    gdf = _parcels(p)
    wkt = [shapely.to_wkt(g).replace("POLYGON (", "POLYGON M (") for g in gdf.geometry]
    wkb = shapely.to_wkb(shapely.from_wkt([_add_m(w) for w in wkt]), flavor="iso")
    attrs = gdf.drop(columns="geometry")
    (p / "parcels.gpkg").unlink()
    pyogrio.raw.write(  # geopandas writes extended WKB, which GDAL refuses for M
        p / "parcels.gpkg",
        geometry=wkb,
        field_data=[attrs[c].to_numpy() for c in attrs.columns],
        fields=list(attrs.columns),
        geometry_type="Polygon",
        crs="EPSG:4549",
        driver="GPKG",
        layer="parcels",
    )


def _add_m(wkt: str) -> str:
    # "x y" pairs → "x y 1"; the demo's parcels are simple polygons.
    head, _, body = wkt.partition("((")
    rings = body.rstrip(")").split("), (")
    out = ["(" + ", ".join(f"{xy} 1" for xy in ring.split(", ")) + ")" for ring in rings]
    return head + "(" + ", ".join(out) + ")"


def degrees_as_metres(p: Path) -> None:
    gdf = _parcels(p).to_crs("EPSG:4490").set_crs("EPSG:4549", allow_override=True)
    _save_parcels(p, gdf)


def metres_as_degrees(p: Path) -> None:
    gdf = _parcels(p).set_crs("EPSG:4490", allow_override=True)
    _save_parcels(p, gdf)


def parcels_far_away(p: Path) -> None:
    gdf = _parcels(p)
    geoms = list(gdf.geometry)
    # Two parcels 3,000 km north of the rest (a mistyped northing).
    for i in (4, 5):
        geoms[i] = shapely.affinity.translate(geoms[i], 0, 3_000_000)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs))
    _save_parcels(p, gdf)


def parcels_null_geometry(p: Path) -> None:
    gdf = _parcels(p)
    geoms = list(gdf.geometry)
    geoms[6] = None
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs))
    _save_parcels(p, gdf)


def parcels_zero_area(p: Path) -> None:
    gdf = _parcels(p)
    geoms = list(gdf.geometry)
    x, y = geoms[8].centroid.x, geoms[8].centroid.y
    geoms[8] = box(x, y, x + 0.5, y + 0.5)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs))
    _save_parcels(p, gdf)


def parcels_negative_area(p: Path) -> None:
    gdf = _parcels(p)
    gdf.loc[3, "registered_area_m2"] = -1200.0
    _save_parcels(p, gdf)


def parcels_missing_id_column(p: Path) -> None:
    _save_parcels(p, _parcels(p).rename(columns={"parcel_id": "编号X"}))


def geojson_broken(p: Path) -> None:
    (p / "parcels.geojson").write_text('{"type": "FeatureCollection", "features": [', "utf-8")
    _set_toml(p, 'parcels = "parcels.gpkg#parcels"', 'parcels = "parcels.geojson"')


def gpkg_layer_missing(p: Path) -> None:
    _set_toml(p, 'parcels = "parcels.gpkg#parcels"', 'parcels = "parcels.gpkg#宗地"')


def platforms_bad_tier(p: Path) -> None:
    src = p / "zones.gpkg"
    layers = {n: gpd.read_file(src, layer=n) for n in ("platforms", "control_line", "land_changes")}
    layers["platforms"].loc[0, "tier"] = "7"
    src.unlink()
    for name, gdf in layers.items():
        gdf.to_file(src, layer=name, driver="GPKG")


# --- table cases --------------------------------------------------------------------------


def csv_semicolon(p: Path) -> None:
    _csv(p, "firms.csv").to_csv(p / "firms.csv", sep=";", index=False, encoding="utf-8-sig")


def csv_tab(p: Path) -> None:
    _csv(p, "firm_output.csv").to_csv(
        p / "firm_output.csv", sep="\t", index=False, encoding="utf-8-sig"
    )


def csv_utf16(p: Path) -> None:
    _csv(p, "firms.csv").to_csv(p / "firms.csv", index=False, encoding="utf-16")


def csv_empty_file(p: Path) -> None:
    (p / "veto.csv").write_bytes(b"")


def csv_header_only(p: Path) -> None:
    (p / "veto.csv").write_text("uscc,year,reason\n", encoding="utf-8")


def csv_binary_garbage(p: Path) -> None:
    rng = np.random.default_rng(9)
    (p / "firms.csv").write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())


def csv_nul_bytes(p: Path) -> None:
    text = (p / "firms.csv").read_bytes()
    (p / "firms.csv").write_bytes(text[:200] + b"\x00\x00" + text[200:])


def xlsx_second_sheet(p: Path) -> None:
    firms = _csv(p, "firms.csv")
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["本表为企业名录, 数据见第二个工作表"])
    notes.append(["填报单位", "绍兴市柯桥区经信局"])
    data = book.create_sheet("企业名录")
    data.append(list(firms.columns))
    for row in firms.itertuples(index=False):
        data.append(list(row))
    book.save(p / "firms.xlsx")
    (p / "firms.csv").unlink()
    _set_toml(p, 'firms = "firms.csv"', 'firms = "firms.xlsx"')


def xlsx_formulas(p: Path) -> None:
    output = _csv(p, "firm_output.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(output.columns))
    for i, row in enumerate(output.itertuples(index=False), start=2):
        cells: list[object] = [row[0], *(_number_or_text(v) for v in row[1:])]  # uscc: text
        if i in {2, 3}:
            cells[2] = f"=D{i}*0.2"  # value added as a formula never computed (no cached value)
        sheet.append(cells)
    book.save(p / "firm_output.xlsx")
    (p / "firm_output.csv").unlink()
    _set_toml(p, 'firm_output = "firm_output.csv"', 'firm_output = "firm_output.xlsx"')


def xlsx_formulas_cached(p: Path) -> None:
    """Formulas as Excel saves them: the formula and its last result (``<v>``)."""
    output = _csv(p, "firm_output.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(output.columns))
    for i, row in enumerate(output.itertuples(index=False), start=2):
        cells: list[object] = [row[0], *(_number_or_text(v) for v in row[1:])]  # uscc: text
        cells[2] = f"=D{i}*0+{cells[2]}"  # value added = a formula whose result is itself
        sheet.append(cells)
    path = p / "firm_output.xlsx"
    book.save(path)
    values = dict(enumerate(output["工业增加值(万元)"], start=2))
    _rewrite_zip_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb'(<c r="C(\d+)"[^>]*><f>[^<]*</f>)<v ?/>',
            lambda m: m.group(1) + f"<v>{values[int(m.group(2))]}</v>".encode(),
            xml,
        ),
    )
    (p / "firm_output.csv").unlink()
    _set_toml(p, 'firm_output = "firm_output.csv"', 'firm_output = "firm_output.xlsx"')


def _rewrite_zip_member(path: Path, member: str, edit: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, edit(data) if info.filename == member else data)


def _number_or_text(value: str) -> object:
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        return value


def xlsx_corrupt(p: Path) -> None:
    (p / "firms.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (p / "firms.csv").unlink()
    _set_toml(p, 'firms = "firms.csv"', 'firms = "firms.xlsx"')


def xls_legacy(p: Path) -> None:
    (p / "firms.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 200)
    _set_toml(p, 'firms = "firms.csv"', 'firms = "firms.xls"')


def dates_as_text(p: Path) -> None:
    src = p / "zones.gpkg"
    layers = {n: gpd.read_file(src, layer=n) for n in ("platforms", "control_line", "land_changes")}
    changes = layers["land_changes"]
    texts = ["2023年3月29日", "去年年底", "2024/02/25"]
    changes["approved_on"] = [texts[i % len(texts)] for i in range(len(changes))]
    src.unlink()
    for name, gdf in layers.items():
        gdf.to_file(src, layer=name, driver="GPKG")


def uscc_spaces(p: Path) -> None:
    firms = _csv(p, "firms.csv")
    u = firms.loc[0, "uscc"]
    firms.loc[0, "uscc"] = f"{u[:4]} {u[4:10]} {u[10:]}"
    _write_csv(firms, p / "firms.csv")


def uscc_lowercase(p: Path) -> None:
    tax = _csv(p, "firm_tax.csv")
    tax["统一社会信用代码"] = tax["统一社会信用代码"].str.lower()
    _write_csv(tax, p / "firm_tax.csv")


def uscc_fullwidth(p: Path) -> None:
    occupancy = _csv(p, "occupancy.csv")
    full = str.maketrans(
        "0123456789ABCDEFGHJKLMNPQRTUWXY",
        "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ",
    )
    occupancy.loc[0:2, "uscc"] = occupancy.loc[0:2, "uscc"].str.translate(full)
    _write_csv(occupancy, p / "occupancy.csv")


def numbers_thousands(p: Path) -> None:
    tax = _csv(p, "firm_tax.csv")
    tax["实缴税额(元)"] = [f"{float(v):,.2f}" for v in tax["实缴税额(元)"]]
    tax["用电量(千瓦时)"] = [f"{int(float(v)):,}" for v in tax["用电量(千瓦时)"]]
    _write_csv(tax, p / "firm_tax.csv")


def numbers_fullwidth(p: Path) -> None:
    out = _csv(p, "firm_output.csv")
    full = str.maketrans("0123456789.", "０１２３４５６７８９．")
    out["年平均职工人数"] = out["年平均职工人数"].str.translate(full)
    out["年度"] = out["年度"].str.translate(full)
    _write_csv(out, p / "firm_output.csv")


def missing_dash_slash(p: Path) -> None:
    out = _csv(p, "firm_output.csv")
    out.loc[0, "研发费用(万元)"] = "—"
    out.loc[1, "排放当量"] = "/"
    out.loc[2, "年平均职工人数"] = "－"
    _write_csv(out, p / "firm_output.csv")


def not_a_number(p: Path) -> None:
    out = _csv(p, "firm_output.csv")
    out.loc[0, "营业收入(万元)"] = "约一千万"
    out.loc[1, "综合能耗(吨标煤)"] = "十二吨"
    _write_csv(out, p / "firm_output.csv")


def negative_lease_area(p: Path) -> None:
    occ = _csv(p, "occupancy.csv")
    occ.loc[0, "relation"] = "lease"
    occ.loc[0, "area_m2"] = "-500"
    _write_csv(occ, p / "occupancy.csv")


def years_float(p: Path) -> None:
    tax = _csv(p, "firm_tax.csv")
    tax["年度"] = tax["年度"] + ".0"
    _write_csv(tax, p / "firm_tax.csv")


def year_impossible(p: Path) -> None:
    tax = _csv(p, "firm_tax.csv")
    tax.loc[0, "年度"] = "20233"
    _write_csv(tax, p / "firm_tax.csv")


def duplicated_headers(p: Path) -> None:
    tax = _csv(p, "firm_tax.csv")
    tax.insert(3, "实缴税额(元) ", tax["实缴税额(元)"])  # same name once stripped
    text = tax.to_csv(index=False).replace("实缴税额(元) ,", "实缴税额(元),", 1)
    (p / "firm_tax.csv").write_text(text, encoding="utf-8-sig")


def duplicate_firm_year(p: Path) -> None:
    tax = _csv(p, "firm_tax.csv")
    _write_csv(pd.concat([tax, tax.iloc[[0]]], ignore_index=True), p / "firm_tax.csv")


def firms_missing_column(p: Path) -> None:
    _write_csv(_csv(p, "firms.csv").drop(columns="uscc"), p / "firms.csv")


def scale_not_allowed(p: Path) -> None:
    firms = _csv(p, "firms.csv")
    firms.loc[1, "scale"] = "大型"
    _write_csv(firms, p / "firms.csv")


def occupancy_unknown_parcel(p: Path) -> None:
    occ = _csv(p, "occupancy.csv")
    occ.loc[2, "parcel_id"] = "330603999999GB99999"
    _write_csv(occ, p / "occupancy.csv")


def lease_exceeds_area(p: Path) -> None:
    occ = _csv(p, "occupancy.csv")
    extra = occ.iloc[[0]].copy()
    extra["relation"] = "lease"
    extra["area_m2"] = "99999999"
    extra["from_year"] = "2020"
    _write_csv(pd.concat([occ, extra], ignore_index=True), p / "occupancy.csv")


def input_file_missing(p: Path) -> None:
    (p / "firm_output.csv").unlink()


# --- project file cases -------------------------------------------------------------------


def project_typo(p: Path) -> None:
    _set_toml(p, "[units]", "[unit]")


def project_syntax_error(p: Path) -> None:
    _set_toml(p, "evaluation_year = 2024", "evaluation_year = 2024 2025")


def rules_unknown_flag(p: Path) -> None:
    rules = [
        ("EXIT", "关停退出", '["STOPPED", "PHASE_OUT", "VETO", "CLASS_D_3Y"]'),
        ("CONVERT", "功能转型", '["PLAN_CONFLICT"]'),
        ("UPGRADE", "整治提升", '["CLASS_C", "CLASS_D", "TAX_LOW", "FAR_LOWW"]'),  # typo
    ]
    _append_toml(
        p,
        "".join(
            f'[[treatments]]\ncode = "{c}"\nlabel_zh = "{zh}"\nlabel_en = "{c}"\n'
            f"all_of = []\nany_of = {any_of}\n\n"
            for c, zh, any_of in rules
        ),
    )


def year_no_data(p: Path) -> None:
    _set_toml(p, "evaluation_year = 2024", "evaluation_year = 2030")


def out_is_project(p: Path) -> None:
    """Nothing to break: the test passes ``--out`` = the project folder."""


def out_inside_project(p: Path) -> None:
    """Nothing to break: the test passes ``--out`` = a folder inside the project."""


# --- raster cases -------------------------------------------------------------------------


def raster_no_crs(p: Path) -> None:
    _raster(p, "footprint.tif", crs=None)


def raster_no_overlap(p: Path) -> None:
    _raster(p, "footprint.tif", crs="EPSG:4549", offset=50_000.0)


def raster_not_a_tiff(p: Path) -> None:
    (p / "rasters").mkdir()
    (p / "rasters" / "footprint.tif").write_text("not a tiff", encoding="utf-8")
    _set_toml(
        p, "\n[units]", '\n[inputs.rasters]\nfootprint = ["rasters/footprint.tif"]\n\n[units]'
    )


def raster_missing(p: Path) -> None:
    _set_toml(p, "\n[units]", '\n[inputs.rasters]\nfootprint = ["rasters/nothere.tif"]\n\n[units]')


# --- issue 19: trust --------------------------------------------------------------------------

_TAX = "firm_tax.csv"
_TAX_COL = "实缴税额(元)"


def _own_land_mu(p: Path) -> pd.Series:
    """Land in 2024 (mu) of the firms that only own their parcels, largest first."""
    parcels = _parcels(p)
    area = dict(zip(parcels["parcel_id"], parcels.geometry.area / (10000 / 15), strict=True))
    occ = _csv(p, "occupancy.csv")
    leasing = set(occ.loc[occ["relation"] != "own", "uscc"])
    own = occ[(occ["relation"] == "own") & ~occ["uscc"].isin(leasing)]
    land = own.groupby("uscc")["parcel_id"].agg(lambda ids: sum(area[i] for i in ids))
    return land.sort_values(ascending=False)


def _set_tax(p: Path, uscc: str, year: str, value: str) -> None:
    tax = _csv(p, _TAX)
    row = tax.index[(tax["统一社会信用代码"] == uscc) & (tax["年度"] == year)]
    if len(row) != 1:
        msg = f"no single tax row for {uscc}/{year}"
        raise ValueError(msg)
    tax.loc[row[0], _TAX_COL] = value
    _write_csv(tax, p / _TAX)


def _biggest(p: Path) -> tuple[str, float]:
    land = _own_land_mu(p)
    return str(land.index[0]), float(land.iloc[0])


def out_contains_project(p: Path) -> None:
    """The analyst's case: W/project, a copied landeval.duckdb and notes in W, --out W."""
    inner = p / "project"
    inner.mkdir()
    for item in list(p.iterdir()):
        if item != inner:
            shutil.move(str(item), inner / item.name)
    (p / "landeval.duckdb").write_bytes(b"a store copied here to query it")
    (p / "批注.txt").write_text("县里要求重新核对第 3 宗地", encoding="utf-8")


def _earlier_output(p: Path) -> Path:
    """An earlier landeval output beside the case (``out_<case>``), with its marker."""
    from landeval._outdir import write_marker

    out = p.parent / f"out_{p.name}"
    (out / "maps").mkdir(parents=True)
    (out / "landeval.duckdb").write_bytes(b"an earlier store")
    (out / "actions.xlsx").write_bytes(b"an earlier workbook")
    (out / "maps" / "index.html").write_text("<html></html>", encoding="utf-8")
    write_marker(out)
    return out


def out_foreign_store(p: Path) -> None:
    out = p.parent / f"out_{p.name}"
    out.mkdir()
    (out / "landeval.duckdb").write_bytes(b"a store copied from a colleague")


def out_notes_in_earlier_output(p: Path) -> None:
    out = _earlier_output(p)
    (out / "批注.txt").write_text("第 3 宗地已现场核实, 保留", encoding="utf-8")


def out_under_file(p: Path) -> None:
    (p.parent / f"out_{p.name}").write_text("a file where a folder was asked for", "utf-8")


def tax_missing_tokens(p: Path) -> None:
    tax = _csv(p, _TAX)
    rows = tax.index[tax["年度"] == "2024"][:4]
    for row, token in zip(rows, ["", "NaN", "暂无", "-"], strict=True):
        tax.loc[row, _TAX_COL] = token
    _write_csv(tax, p / _TAX)


def tax_absurd(p: Path) -> None:
    uscc, _ = _biggest(p)
    _set_tax(p, uscc, "2024", "1e15")  # 10^15 元: beyond the error bound


def tax_large(p: Path) -> None:
    uscc, land = _biggest(p)
    if land < 40:
        msg = f"the biggest firm holds {land:.1f} mu; 1.5e10 元 would pass 50,000 万元/亩"
        raise ValueError(msg)
    _set_tax(p, uscc, "2024", "1.5e10")  # 150 亿元: beyond the warning bound


def tax_per_mu_absurd(p: Path) -> None:
    land = _own_land_mu(p)
    small = land[(land > 1) & (land < 12)]
    uscc, mu = str(small.index[-1]), float(small.iloc[-1])
    _set_tax(p, uscc, "2024", f"{70_000 * mu * 1e4:.2f}")  # 70,000 万元/亩, under 10^10 元


def tobacco_plant(p: Path) -> None:
    uscc, land = _biggest(p)
    _set_tax(p, uscc, "2024", f"{3_000 * land * 1e4:.2f}")  # 3,000 万元/亩: a real top firm


def tax_jump(p: Path) -> None:
    uscc, _ = _biggest(p)
    tax = _csv(p, _TAX)
    row = tax.index[(tax["统一社会信用代码"] == uscc) & (tax["年度"] == "2024")][0]
    tax.loc[row, _TAX_COL] = f"{float(tax.loc[row, _TAX_COL]) * 300:.2f}"
    _write_csv(tax, p / _TAX)


def tax_negative(p: Path) -> None:
    tax = _csv(p, _TAX)
    tax.loc[1, _TAX_COL] = "-12000.50"  # a refund
    _write_csv(tax, p / _TAX)


def amount_not_finite(p: Path) -> None:
    out = _csv(p, "firm_output.csv")
    out.loc[1, "综合能耗(吨标煤)"] = "1e400"
    _write_csv(out, p / "firm_output.csv")


def unit_header_contradicts(p: Path) -> None:
    _set_toml(p, 'firm_tax = "yuan"', 'firm_tax = "wan_yuan"')  # the header says (元)


def unit_magnitude(p: Path) -> None:
    tax = _csv(p, _TAX).rename(columns={_TAX_COL: "实缴税额"})
    _write_csv(tax, p / _TAX)
    _set_toml(p, 'firm_tax = "yuan"\n', "")  # no unit anywhere: 万元 by default
    _set_toml(p, 'tax = "实缴税额(元)"', 'tax = "实缴税额"')


def _platforms_shapefile(p: Path, cpg: str | None) -> Path:
    """The platforms as a GBK shapefile (Chinese names), the project pointing at it."""
    zones = p / "zones.gpkg"
    platforms = gpd.read_file(zones, layer="platforms")
    folder = p / "platforms_shp"
    folder.mkdir()
    shp = folder / "platforms.shp"
    platforms[["platform_id", "name", "tier", "kind", "county_code", "geometry"]].rename(
        columns={"platform_id": "PID", "county_code": "XZQDM"}
    ).to_file(shp, driver="ESRI Shapefile", encoding="gbk")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg is not None:
        shp.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    _set_toml(p, 'platforms = "zones.gpkg#platforms"', 'platforms = "platforms_shp/platforms.shp"')
    _append_toml(p, '[fields.platforms]\nplatform_id = "PID"\ncounty_code = "XZQDM"\n')
    return shp


def shp_cpg_wrong(p: Path) -> None:
    _platforms_shapefile(p, cpg="UTF-8")  # the text is GBK


def shp_zipped_gbk(p: Path) -> None:
    shp = _platforms_shapefile(p, cpg=None)
    with zipfile.ZipFile(p / "platforms.zip", "w") as zf:
        for part in sorted(shp.parent.iterdir()):
            zf.write(part, part.name)
    shutil.rmtree(shp.parent)
    _set_toml(p, 'platforms = "platforms_shp/platforms.shp"', 'platforms = "platforms.zip"')


def raster_mixed_crs(p: Path) -> None:
    import rasterio

    _raster(p, "footprint.tif", crs="EPSG:4549")
    with rasterio.open(p / "rasters" / "footprint.tif") as src:
        profile, data = src.profile, src.read(1)
    profile.update(crs="EPSG:32651")  # a second tile in UTM 51N: tiles in mixed CRSs
    with rasterio.open(p / "rasters" / "footprint_2.tif", "w", **profile) as dst:
        dst.write(data, 1)
    _set_toml(
        p,
        'footprint = ["rasters/footprint.tif"]',
        'footprint = ["rasters/footprint.tif", "rasters/footprint_2.tif"]',
    )


def raster_height_other_crs(p: Path) -> None:
    import rasterio

    _raster(p, "footprint.tif", crs="EPSG:4549")
    with rasterio.open(p / "rasters" / "footprint.tif") as src:
        profile, data = src.profile, src.read(1)
    profile.update(crs="EPSG:4528")
    with rasterio.open(p / "rasters" / "height.tif", "w", **profile) as dst:
        dst.write(data // 8, 1)
    _set_toml(
        p,
        'footprint = ["rasters/footprint.tif"]',
        'footprint = ["rasters/footprint.tif"]\nheight = ["rasters/height.tif"]',
    )


def subtotal_rows(p: Path) -> None:
    tax = _csv(p, _TAX)
    year = tax[tax["年度"] == "2024"]
    total = f"{year[_TAX_COL].astype(float).sum():.2f}"
    power = str(int(year["用电量(千瓦时)"].astype(float).sum()))
    first, _name, third = tax.columns[:3]  # firm code, name, year
    # the amounts a subtotal row sums (tax, kWh); the others (water, wastewater) left blank
    given = [
        {first: "330603 小计", third: "2024", _TAX_COL: total, "用电量(千瓦时)": power},
        {first: "合计", _TAX_COL: total, "用电量(千瓦时)": power},
    ]
    rows = pd.DataFrame([{c: row.get(c, "") for c in tax.columns} for row in given])
    _write_csv(pd.concat([tax, rows], ignore_index=True), p / _TAX)


def project_gbk(p: Path) -> None:
    text = (p / "landeval.toml").read_text(encoding="utf-8")
    (p / "landeval.toml").write_bytes(text.encode("gbk"))  # saved by a Chinese Notepad


def input_outside_project(p: Path) -> None:
    outside = p.parent / f"{p.name}_veto.csv"
    shutil.move(p / "veto.csv", outside)
    _set_toml(p, 'veto = "veto.csv"', f'veto = "../{outside.name}"')


def symlink_to_text_file(p: Path) -> None:
    secret = p.parent / f"{p.name}_secret.txt"
    secret.write_text("api_key=SECRET-TOKEN-19\nsecond line\n", encoding="utf-8")
    (p / "firms.csv").unlink()
    (p / "firms.csv").symlink_to(secret)


BUILDERS: dict[str, Callable[[Path], None]] = {
    f.__name__: f
    for f in (
        gpkg_truncated,
        gpkg_not_sqlite,
        shp_missing_dbf,
        shp_missing_shx,
        parcels_empty_layer,
        parcels_points,
        parcels_mixed_lines,
        parcels_geometry_collection,
        parcels_z,
        parcels_m,
        degrees_as_metres,
        metres_as_degrees,
        parcels_far_away,
        parcels_null_geometry,
        parcels_zero_area,
        parcels_negative_area,
        parcels_missing_id_column,
        geojson_broken,
        gpkg_layer_missing,
        platforms_bad_tier,
        csv_semicolon,
        csv_tab,
        csv_utf16,
        csv_empty_file,
        csv_header_only,
        csv_binary_garbage,
        csv_nul_bytes,
        xlsx_second_sheet,
        xlsx_formulas,
        xlsx_formulas_cached,
        xlsx_corrupt,
        xls_legacy,
        dates_as_text,
        uscc_spaces,
        uscc_lowercase,
        uscc_fullwidth,
        numbers_thousands,
        numbers_fullwidth,
        missing_dash_slash,
        not_a_number,
        negative_lease_area,
        years_float,
        year_impossible,
        duplicated_headers,
        duplicate_firm_year,
        firms_missing_column,
        scale_not_allowed,
        occupancy_unknown_parcel,
        lease_exceeds_area,
        input_file_missing,
        project_typo,
        project_syntax_error,
        rules_unknown_flag,
        year_no_data,
        out_is_project,
        out_inside_project,
        raster_no_crs,
        raster_no_overlap,
        raster_not_a_tiff,
        raster_missing,
        out_contains_project,
        out_foreign_store,
        out_notes_in_earlier_output,
        out_under_file,
        tax_missing_tokens,
        tax_absurd,
        tax_large,
        tax_per_mu_absurd,
        tobacco_plant,
        tax_jump,
        tax_negative,
        amount_not_finite,
        unit_header_contradicts,
        unit_magnitude,
        shp_cpg_wrong,
        shp_zipped_gbk,
        raster_mixed_crs,
        raster_height_other_crs,
        subtotal_rows,
        project_gbk,
        input_outside_project,
        symlink_to_text_file,
    )
}
"""Case name → function that breaks a copy of the base project in place."""


def make_case(name: str, dest: Path, *, base: Path) -> Path:
    """Copy ``base`` to ``dest`` and break it as case ``name`` says; return ``dest``."""
    shutil.copytree(base, dest)
    BUILDERS[name](dest)
    return dest


def load_cases() -> dict[str, dict]:
    """The manifest: case name → its entry in cases.toml."""
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    return {c["name"]: c for c in data["case"]}


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_cases")
    base_dir = make_base(target / "_base")
    for case in BUILDERS:
        make_case(case, target / case, base=base_dir)
    print(f"{len(BUILDERS)} cases in {target}")

"""Write the walkthrough notebooks (01, 02, 03) from the cell sources below.

The notebooks are committed without outputs; this script is their reviewable source. Edit
the cells here, then run ``python notebooks/_build.py`` and commit the regenerated
``.ipynb`` files. ``tests/test_notebooks.py`` executes them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

# --- cell helpers -------------------------------------------------------------------------


def _md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(textwrap.dedent(text).strip())


def _code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(textwrap.dedent(text).strip())


# A map page is self-contained (assets inlined), so it can be shown inline through an
# iframe's srcdoc: no notebook server route and no network are needed.
_SHOW_MAP = '''
import html


class MapPage:
    """A landeval map page (self-contained HTML) shown inline through an iframe."""

    def __init__(self, path, height=560):
        self.path, self.height = Path(path), height

    def _repr_html_(self):
        page = html.escape(self.path.read_text(encoding="utf-8"), quote=True)
        return (f'<iframe srcdoc="{page}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ccc"></iframe>')
'''


# --- 01 quick start -----------------------------------------------------------------------

QUICKSTART = [
    _md("""
    # 01 快速上手 Quick start

    用内置的绍兴示例数据（合成数据，数字均为虚构）从 Python 运行一遍 landeval，然后查看：

    1. 企业亩均评价的类别结构（A/B/C/D/不参评）；
    2. “四个一批”处置清单（拆除重建、整治提升、功能转型、关停退出）；
    3. 改一补一（占补平衡）台账；
    4. 内嵌显示的离线地图；
    5. 用 DuckDB SQL 查询本次运行的数据库；
    6. 复核表 review.xlsx 的往返：系统建议 → 复核结论 → 最终处置。

    全程离线，约一分钟。命令行等价于 `landeval run --out out_quickstart`。
    """),
    _md("## 1. Run the pipeline 运行"),
    _code("""
    from pathlib import Path

    import pandas as pd

    from landeval.vocabulary import CLASS_LABELS, SCALE_LABELS, TREATMENT_LABELS, label
    from landeval.pipeline import run

    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)

    OUT = Path("out_quickstart")  # 输出文件夹：landeval 从不写入输入数据所在的文件夹
    result = run(out_dir=OUT)  # 不指定 project_dir 时使用内置示例项目
    print("评价年度 evaluation year:", result.year)
    for kind, path in result.files.items():
        print(f"{kind:11s} {path}")
    """),
    _md("""
    `result.tables` 是本次运行的全部表（与数据库中的表同名）：输入表（parcels、firms…）
    和结果表（firm_scores、parcel_eval、balance_ledger…）。列名为英文，含义见 DESIGN.md。
    """),
    _code("""
    sorted(result.tables)
    """),
    _md("""
    ## 2. Class mix 企业亩均评价类别

    `firm_scores` 每个企业每年一行：用地、指标、基准值、分项得分、总分、组内排名和类别。
    默认在“县（市、区）× 规上/规下”组内排名：规上企业前 20% 为 A 类，80% 以内 B 类，
    95% 以内 C 类，其余 D 类；新投产企业和公用事业企业不参评（T）。
    """),
    _code("""
    firm_scores = result.tables["firm_scores"]
    this_year = firm_scores[firm_scores["year"] == result.year]
    pd.crosstab(
        this_year["scale"].map(lambda s: label(SCALE_LABELS, s)).rename("规模"),
        this_year["class"].map(lambda c: label(CLASS_LABELS, c)).rename("类别"),
        margins=True,
        margins_name="合计",
    )
    """),
    _md("每个类别都有一句理由 `class_reason`，例如得分最高和最低的几家规上企业："),
    _code("""
    above = this_year[this_year["scale"].eq("above") & this_year["evaluated"]]
    cols = ["name", "county_code", "land_mu", "tax_per_mu", "va_per_mu", "score", "class",
            "class_reason"]
    pd.concat([above.nlargest(3, "score"), above.nsmallest(3, "score")])[cols].round(2)
    """),
    _md("""
    ## 3. Treatment lists 四个一批处置清单

    `parcel_eval` 每宗地一行：所在平台、控制线内外、主要用地企业、低效标志 `flags`、
    处置方式 `treatment` 及其理由 `reason_zh`。规则按顺序判断，第一条满足的规则决定处置方式。
    """),
    _code("""
    parcels = result.tables["parcel_eval"]
    summary = (
        parcels.groupby("treatment")
        .agg(宗地数=("parcel_id", "size"), 面积_亩=("area_mu", "sum"))
        .reindex(list(TREATMENT_LABELS))
        .fillna(0)
    )
    summary.insert(0, "处置方式", [label(TREATMENT_LABELS, c) for c in summary.index])
    summary.round(1)
    """),
    _md("拆除重建清单（按面积从大到小的前 10 宗）："),
    _code("""
    list_cols = ["parcel_id", "county_name", "platform_name", "main_name", "class", "area_mu",
                 "far", "flags_zh", "reason_zh", "must_stay_industrial"]
    rebuild = parcels.loc[parcels["treatment"] == "REBUILD", list_cols]
    rebuild.sort_values("area_mu", ascending=False).head(10).round(2)
    """),
    _md("""
    同样的清单已写入 Excel（每种处置方式一个工作表，中文表头）和 CSV（UTF-8 带 BOM，
    Excel 可直接打开）：
    """),
    _code("""
    pd.ExcelFile(result.files["workbook"]).sheet_names
    """),
    _md("""
    ## 4. 改一补一 ledger 占补平衡台账

    每个县（市、区）：控制线内功能转型（改）的面积，与控制线外新增工业用地（补）的面积；
    平衡 = 补 − 改，不小于 −0.01 亩即为平衡。
    """),
    _code("""
    ledger = result.tables["balance_ledger"]
    ledger[["county_code", "county_name", "converted_mu", "compensated_mu", "balance_mu",
            "balanced"]].round(1)
    """),
    _md("台账的每一项都可以追溯：未计入“补”的项目写明原因。"),
    _code("""
    items = result.tables["balance_items"]
    item_cols = ["item_id", "source", "county_code", "kind", "area_mu", "counted_mu",
                 "why_not_counted"]
    items.loc[~items["counted"].astype(bool), item_cols].round(1)
    """),
    _md("""
    ## 5. Map 地图

    `out_quickstart/maps/` 下有平台图、处置图和效率图，都是离线可用的单个 HTML 文件
    （默认无底图；底图在 `[maps]` 中配置）。这里把处置图内嵌显示；也可以直接用浏览器打开。
    """),
    _code(
        "from pathlib import Path\n" + _SHOW_MAP + '\nMapPage(OUT / "maps" / "treatment_map.html")'
    ),
    _md("""
    ## 6. SQL on the store 用 SQL 查询数据库

    每次运行的全部输入和结果都存在 `landeval.duckdb` 中，可以直接用 SQL 查询
    （几何以 WKB 存在 `geometry` 列）。例如各县的处置面积：
    """),
    _code("""
    import duckdb

    con = duckdb.connect(str(result.files["store"]), read_only=True)
    con.sql(\"\"\"
        SELECT county_code AS 代码, county_name AS 县市区, treatment AS 处置,
               count(*) AS 宗地数, round(sum(area_mu), 1) AS 面积_亩
        FROM parcel_eval
        WHERE treatment <> 'KEEP'
        GROUP BY ALL
        ORDER BY 代码, 处置
    \"\"\").df()
    """),
    _md("连续两年 D 类企业占用的宗地（企业表与用地分摊表按键连接）："),
    _code("""
    con.sql(\"\"\"
        SELECT f.name AS 企业, f.county_code AS 县市区代码, a.parcel_id AS 宗地代码,
               round(a.land_m2 / (10000.0 / 15), 2) AS 用地_亩, f.class AS 本年类别
        FROM firm_scores AS f
        JOIN firm_scores AS prev
          ON prev.uscc = f.uscc AND prev.year = f.year - 1 AND prev.class = 'D'
        JOIN allocation AS a ON a.uscc = f.uscc AND a.year = f.year
        WHERE f.year = (SELECT max(year) FROM firm_scores) AND f.class = 'D'
        ORDER BY 用地_亩 DESC
        LIMIT 10
    \"\"\").df()
    """),
    _code("""
    con.close()
    """),
    _md("""
    ## 7. Review 复核：review.xlsx 的往返

    系统只提出建议，由自然资源部门决定。`write_review`（命令行 `landeval review`）写出
    `review.xlsx`：**宗地复核**（清单上的每宗地，系统建议锁定，复核结论等列由复核单位填写，
    带下拉列表和日期校验）、**企业复核**（一企一单：企业确认、异议、调档）和**说明**。
    """),
    _code("""
    import shutil

    import openpyxl

    from landeval.demo import demo_project_dir
    from landeval.review import review_line, write_review
    from landeval.vocabulary import SHAOXING_COUNTIES

    review_file = write_review(result.tables, OUT / "review.xlsx", year=result.year,
                               counties=SHAOXING_COUNTIES)
    book = openpyxl.load_workbook(review_file)
    print(book.sheetnames)
    pd.read_excel(review_file, sheet_name="宗地复核").iloc[:3, :14]
    """),
    _md("""
    像复核人员一样填写：一宗功能转型改为保留、一宗整治提升暂缓、一宗拆除重建确认并填写
    责任单位与进展；一家企业调档。填好的文件放进项目文件夹（这里是示例项目的副本），
    在 `landeval.toml` 的 `[inputs]` 中写 `reviews = "review.xlsx"`，再运行一次。
    """),
    _code("""
    sheet = book["宗地复核"]
    col = {c.value: c.column for c in sheet[1]}
    first = {}
    for r in range(2, sheet.max_row + 1):
        first.setdefault(sheet.cell(r, col["系统建议"]).value, r)
    answers = {
        first["功能转型"]: {"复核结论": "保留", "复核理由": "规划调整已撤回", "复核人": "张三"},
        first["整治提升"]: {"复核结论": "暂缓", "复核理由": "企业技改在建"},
        first["拆除重建"]: {"复核结论": "拆除重建", "责任单位": "越城区自然资源分局",
                           "进展": "推进中", "完成时限": "2025-12-31"},
    }
    for row, cells in answers.items():
        for header, value in cells.items():
            sheet.cell(row, col[header]).value = value
    firms = book["企业复核"]
    fcol = {c.value: c.column for c in firms[1]}
    firms.cell(2, fcol["调档"]).value = "B"
    firms.cell(2, fcol["调档理由"]).value = "审定后调整"

    PROJECT = Path("project_review")  # 示例项目的副本：landeval 从不改动输入文件
    shutil.copytree(demo_project_dir(), PROJECT, dirs_exist_ok=True)
    book.save(PROJECT / "review.xlsx")
    toml = PROJECT / "landeval.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[inputs]\\n", '[inputs]\\nreviews = "review.xlsx"\\n', 1), encoding="utf-8")

    reviewed = run(PROJECT, "out_reviewed", maps=False)
    print(review_line(reviewed.tables["decisions"], reviewed.tables["firm_decisions"],
                      given=True))
    """),
    _md("""
    `decisions` 表逐宗记录系统建议与最终处置、复核人、日期、理由和复核表中的行号；
    `parcel_eval` 的 `final_treatment` 与建议并列，方法算出的数字不变。
    """),
    _code("""
    decisions = reviewed.tables["decisions"]
    decisions.loc[decisions["reviewed"], ["parcel_id", "proposed", "final", "decision_source",
                                         "reviewer", "review_reason", "responsible",
                                         "progress", "input_row"]]
    """),
    _md("""
    改一补一台账随最终处置变化：改为保留的功能转型宗地不再计入拟改面积（`proposed_mu`），
    全部批准后的差额随之变化；已批准的转出、补充面积不受复核影响。
    """),
    _code("""
    cols = ["county_name", "converted_mu", "proposed_mu", "balance_if_approved_mu"]
    before = result.tables["balance_ledger"].set_index("county_code")[cols]
    after = reviewed.tables["balance_ledger"].set_index("county_code")[cols]
    before.join(after, rsuffix="_复核后").round(1)
    """),
    _md("""
    下一轮（或下一年）再生成复核表时，已填写的内容会带入新表；数据变化后的记录标注
    “复核后数据已变化”。
    """),
    _code("""
    again = write_review(reviewed.tables, Path("out_reviewed") / "review.xlsx",
                         year=reviewed.year, counties=SHAOXING_COUNTIES)
    carried = pd.read_excel(again, sheet_name="宗地复核")
    carried.loc[carried["复核结论"].notna(), ["宗地代码", "系统建议", "清单状态", "复核结论",
                                             "复核人", "进展"]]
    """),
    _md("## 8. Summary 小结：各处置方式的宗地数"),
    _code("""
    counts = parcels["treatment"].value_counts()
    for code in TREATMENT_LABELS:
        print(f"{label(TREATMENT_LABELS, code)} {code}: {int(counts.get(code, 0))} 宗")
    """),
]


# --- 02 your data -------------------------------------------------------------------------

YOUR_DATA = [
    _md("""
    # 02 使用本局数据 Your own data

    各部门交来的数据很少是“干净”的：宗地图是 GBK 编码、中文字段名、没有 `.cpg` 的
    Shapefile；税务表是带标题行、单位行和合计行、金额以“元”计的 Excel。本笔记本：

    1. 从示例数据**生成**这样一套文件（放在 `my_project/`），让您看到它们长什么样；
    2. 编写项目文件 `landeval.toml`（输入路径、金额单位、字段对照）；
    3. 校验数据、阅读数据问题清单（Python 和命令行 `landeval validate` 两种方式）；
    4. 运行，结果写到项目文件夹**之外**的 `my_output/`。

    用自己的数据时，跳过第 1 步，把文件放进项目文件夹，从第 2 步开始。
    """),
    _md("## 1. The bureau's files 生成一套“局里交来的”文件"),
    _code("""
    import shutil
    import subprocess
    import sys
    import warnings
    from pathlib import Path

    import geopandas as gpd
    import openpyxl
    import pandas as pd
    import pyogrio

    from landeval.demo import demo_project_dir

    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)

    DEMO = demo_project_dir()  # 内置示例数据，用来生成下面的文件
    PROJECT = Path("my_project")  # 项目文件夹：输入数据 + landeval.toml（landeval 只读不写）
    OUT = Path("my_output")  # 输出文件夹，必须在项目文件夹之外
    shutil.rmtree(PROJECT, ignore_errors=True)  # 重新运行时先清空本笔记本生成的示例文件
    PROJECT.mkdir()
    """),
    _md("""
    ### 1.1 宗地图：GBK 编码的 Shapefile，中文字段名，无 .cpg

    DBF 字段名最长 10 个字节，GBK 中一个汉字占 2 个字节，所以“行政区划代码”会被截成
    “行政区划代”，“约定动工日期”截成“约定动工日”——landeval 认得出截断的字段名。
    竣工年份这里叫“竣工时间”——landeval 不认识这个名字，后面要在项目文件里对照。
    """),
    _code("""
    demo_parcels = gpd.read_file(DEMO / "parcels.gpkg", layer="parcels")
    zongdi = demo_parcels.drop(columns=["area_name"]).rename(
        columns={
            "parcel_id": "宗地代码",
            "county_code": "行政区划代码",
            "land_use": "现状用途",
            "planned_use": "规划用途",
            "registered_area_m2": "登记面积",
            "floor_area_m2": "建筑面积",
            "built_year": "竣工时间",
            "location": "坐落",
            "township": "乡镇街道",
            "title_no": "不动产权证号",
            "contract_start_date": "约定动工日期",
            "actual_start_date": "实际动工日期",
            "contract_completion_date": "约定竣工日期",
            "developed_share": "开发比例",
            "contract_tax_per_mu": "约定亩均税收",
            "contract_investment_per_mu": "亩均投资强度",
            "gov_delay": "政府原因延期",
        }
    )
    shp = PROJECT / "宗地.shp"
    with warnings.catch_warnings():  # GDAL 提示字段名被截断，这正是我们要演示的
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(zongdi, shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink(missing_ok=True)  # 很多单位导出的 Shapefile 没有 .cpg
    sorted(p.name for p in PROJECT.iterdir())
    """),
    _md("不指定编码直接读，中文就成了乱码；字段名也已被截断："),
    _code("""
    pyogrio.read_dataframe(shp, max_features=3).drop(columns="geometry")
    """),
    _md("""
    ### 1.2 平台、控制线、用地调整：一个 GeoPackage

    平台层级写成“战略平台/骨干平台/小微平台”，调整类型写成“改/补”——这些常见写法
    landeval 都认识。
    """),
    _code("""
    gpkg = PROJECT / "规划管控.gpkg"
    layers = {name: gpd.read_file(DEMO / "parcels.gpkg", layer=name)
              for name in ("platforms", "control_line", "land_changes")}
    tiers = {"2": "战略平台", "6": "骨干平台", "N": "小微平台"}
    platforms = layers["platforms"][["platform_id", "name", "tier", "kind", "county_code",
                                     "geometry"]]
    platforms = platforms.assign(tier=platforms["tier"].map(tiers)).rename(
        columns={"platform_id": "平台编号", "name": "平台名称", "tier": "平台层级",
                 "kind": "平台类型", "county_code": "行政区划代码"}
    )
    control_line = layers["control_line"].rename(
        columns={"line_id": "控制线编号", "county_code": "行政区划代码"}
    )
    changes = layers["land_changes"].drop(columns=["note"])
    changes = changes.assign(kind=changes["kind"].map({"convert": "改", "supplement": "补"}))
    changes = changes.rename(
        columns={"change_id": "调整编号", "kind": "调整类型", "county_code": "行政区划代码",
                 "planned_use": "规划用途", "approved_on": "批准日期", "approval_no": "批准文号"}
    )
    platforms.to_file(gpkg, layer="平台")
    control_line.to_file(gpkg, layer="工业用地控制线")
    changes.to_file(gpkg, layer="用地调整")
    pyogrio.list_layers(gpkg)
    """),
    _md("""
    ### 1.3 企业名录、统计数据、用地关系：CSV（GBK 或 UTF-8）

    规模写“规上/规下”，用地关系写“自有/租赁”。
    """),
    _code("""
    def demo_csv(name):
        return pd.read_csv(DEMO / name, dtype=str, encoding="utf-8-sig")


    firms = demo_csv("firms.csv")
    firms = firms.assign(scale=firms["scale"].map({"above": "规上", "below": "规下"})).rename(
        columns={"uscc": "统一社会信用代码", "name": "企业名称", "industry_code": "行业代码",
                 "county_code": "行政区划代码", "scale": "规模", "start_year": "投产年份",
                 "status": "经营状态"}
    )
    firms.to_csv(PROJECT / "企业名录.csv", index=False, encoding="gbk")

    # 统计（经信）数据：表头自带单位（万元），GBK 编码
    demo_csv("firm_output.csv").to_csv(PROJECT / "工业统计.csv", index=False, encoding="gbk")

    occupancy = demo_csv("occupancy.csv")
    occupancy = occupancy.assign(
        relation=occupancy["relation"].map({"own": "自有", "lease": "租赁"})
    ).rename(
        columns={"uscc": "统一社会信用代码", "parcel_id": "宗地代码", "relation": "用地关系",
                 "area_m2": "使用面积", "from_year": "起始年份", "to_year": "终止年份"}
    )
    occupancy.to_csv(PROJECT / "用地关系.csv", index=False, encoding="utf-8-sig")
    shutil.copy(DEMO / "veto.csv", PROJECT / "负面清单.csv")
    shutil.copytree(DEMO / "rasters", PROJECT / "rasters")  # 建筑覆盖、高度、地表覆盖栅格
    firms.head(3)
    """),
    _md("""
    ### 1.4 税务数据：Excel，两行标题、单位行、合计行，金额以元计

    年度列叫“所属年度”、税额列叫“入库税款”——这两个名字 landeval 也不认识。
    """),
    _code("""
    tax = demo_csv("firm_tax.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "纳税情况"
    sheet.append(["绍兴市规模以上及规下工业企业纳税情况表（2022—2024年度）"])
    sheet.append(["填报单位：（示例）税务局", None, None, None, "金额单位：元"])
    sheet.append(["统一社会信用代码", "纳税人名称", "所属年度", "入库税款", "用电量"])
    sheet.append([None, None, None, "元", "千瓦时"])
    sheet.merge_cells("A1:E1")
    for row in tax.itertuples(index=False):
        sheet.append([row[0], row[1], int(row[2]), float(row[3]), float(row[4])])
    sheet.append(["合计", None, None, float(tax.iloc[:, 3].astype(float).sum()),
                  float(tax.iloc[:, 4].astype(float).sum())])
    book.save(PROJECT / "税收.xlsx")
    pd.read_excel(PROJECT / "税收.xlsx", header=None, nrows=6)
    """),
    _md("""
    ## 2. The project file 项目文件 landeval.toml

    先只写输入路径和金额单位，不写字段对照，看看 landeval 怎么说：
    """),
    _code("""
    INPUTS = '''
    [project]
    name = "本局工业用地亩均评价（练习）"
    evaluation_year = 2024

    [inputs]
    parcels = "宗地.shp"
    platforms = "规划管控.gpkg#平台"
    control_line = "规划管控.gpkg#工业用地控制线"
    land_changes = "规划管控.gpkg#用地调整"
    firms = "企业名录.csv"
    firm_tax = "税收.xlsx"
    firm_output = "工业统计.csv"
    occupancy = "用地关系.csv"
    veto = "负面清单.csv"

    [inputs.rasters]
    footprint = {footprint}
    height = {height}
    landcover = {landcover}

    [units]
    firm_tax = "yuan"        # 税务表金额为元，读取时换算为万元
    firm_output = "wan_yuan" # 统计表金额为万元

    [raster]
    footprint_scale = "percent"
    '''
    # 栅格可以是多个分块文件：逐个列出（或给一个 VRT）
    INPUTS = INPUTS.format(**{
        kind: [p.relative_to(PROJECT).as_posix()
               for p in sorted((PROJECT / "rasters").glob(f"{kind}_*.tif"))]
        for kind in ("footprint", "height", "landcover")
    }).replace("'", '"')
    (PROJECT / "landeval.toml").write_text(INPUTS, encoding="utf-8")
    print(INPUTS)
    """),
    _code("""
    from landeval.errors import DataError
    from landeval.inputs.project import load_project

    try:
        load_project(PROJECT)
    except DataError as exc:
        print(exc)
        problems = exc.findings
    problems[problems["severity"] == "error"][["layer", "code", "message", "suggestion"]]
    """),
    _md("""
    错误信息列出了文件里找到的列。在 `[fields.<表名>]` 中写“标准字段 = 文件中的列名”，
    只需写 landeval 不认识的那几列（常见的中文列名已内置）：
    """),
    _code("""
    FIELDS = '''
    [fields.parcels]
    built_year = "竣工时间"

    [fields.firm_tax]
    year = "所属年度"
    tax = "入库税款"
    '''
    (PROJECT / "landeval.toml").write_text(INPUTS + FIELDS, encoding="utf-8")
    print((PROJECT / "landeval.toml").read_text(encoding="utf-8"))
    """),
    _md("""
    ## 3. Validate 校验

    `load_project` 读取、规范化、投影并校验全部输入。数据问题不会被悄悄丢弃，而是列入
    问题清单（findings）：级别 error / warning / info、代码、图层、行、字段、说明和建议。
    有 error 时不能运行。
    """),
    _code("""
    from landeval.findings import has_errors

    config, inputs = load_project(PROJECT)
    findings = inputs.findings
    print("有错误 has errors:", has_errors(findings))
    findings.groupby(["severity", "code", "layer"]).size().rename("条数").reset_index()
    """),
    _md("""
    看几条与“局里的文件”有关的提示：编码检测（GBK）、单位换算（元→万元）、
    被跳过的合计行、未使用的列。
    """),
    _code("""
    codes = ["ENCODING_DETECTED", "UNITS_CONVERTED", "TOTALS_ROW_DROPPED", "COLUMNS_IGNORED"]
    shown = findings[findings["code"].isin(codes)]
    shown[["severity", "code", "layer", "message"]]
    """),
    _md("读进来之后，所有表都是统一的英文列名、统一的单位（金额万元、面积平方米）："),
    _code("""
    print("宗地坐标系 CRS:", inputs.parcels.crs)
    display(inputs.parcels.drop(columns="geometry").head(3))
    inputs.firm_tax.head(3)
    """),
    _md("""
    命令行做同样的校验：`landeval validate --project my_project`
    （`--findings 问题清单.xlsx` 可把全部问题写成表格）。退出码 0 表示没有错误，2 表示有错误。
    """),
    _code("""
    cli = subprocess.run(
        [sys.executable, "-m", "landeval", "validate", "--project", str(PROJECT)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    print(cli.stdout[-3000:])
    print("退出码 exit status:", cli.returncode)
    """),
    _md("""
    ## 4. Run 运行

    输出写到项目文件夹之外（landeval 拒绝写进输入所在的文件夹）。命令行等价于
    `landeval run --project my_project --out my_output`。
    """),
    _code("""
    from landeval.vocabulary import TREATMENT_LABELS, label
    from landeval.pipeline import run

    result = run(PROJECT, out_dir=OUT)
    sorted(p.name for p in OUT.iterdir())
    """),
    _md("""
    这套“局里的文件”是由示例数据改写的，所以结果应当与示例项目完全一致——
    这也验证了字段对照和单位换算都正确：
    """),
    _code("""
    from landeval.pipeline import evaluate, load

    demo_config, demo_inputs = load()
    demo = evaluate(demo_inputs, demo_config).tables["parcel_eval"]
    mine = result.tables["parcel_eval"]
    same = (
        mine.set_index("parcel_id")["treatment"]
        .sort_index()
        .equals(demo.set_index("parcel_id")["treatment"].sort_index())
    )
    assert same, "处置结果与示例项目不一致"
    print("处置结果与示例项目结果一致 (same treatments as the demo project)")
    counts = mine["treatment"].value_counts()
    for code in TREATMENT_LABELS:
        print(f"{label(TREATMENT_LABELS, code)} {code}: {int(counts.get(code, 0))} 宗")
    """),
]


# --- 03 method ----------------------------------------------------------------------------

METHOD = [
    _md("""
    # 03 方法详解 The method, worked by hand

    第一部分：取一个评价组（新昌县 330624 的规上企业，评价年度 2024），用 pandas
    一步一步手算亩均评价——用地、指标（零与缺失）、数据完整性、组内汇总基准、封顶的
    分项得分、总分、排名、p 值、类别——并与 landeval 的 `firm_scores` 逐项核对。

    第二部分：修改权重、类别比例和一条处置规则，看哪些宗地的处置方式变了、为什么。

    第三部分：敏感性——容积率标准、亩均税收偏低阈值和类别比例变化时，列入“四个一批”的
    用地比例如何变化。
    """),
    _md("## 0. Load and evaluate 读取并评价（不写文件）"),
    _code("""
    import numpy as np
    import pandas as pd

    from landeval.config import load_config
    from landeval.demo import demo_project_dir
    from landeval.pipeline import evaluate, load
    from landeval.inputs.units import M2_PER_MU

    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)

    config, inputs = load()  # 内置示例项目
    base = evaluate(inputs, config)  # 纯函数：输入表 → 结果表，不写任何文件
    YEAR, COUNTY, SCALE = base.year, "330624", "above"
    firm_scores = base.tables["firm_scores"]
    print("评价年度", YEAR, "｜ 1 亩 =", M2_PER_MU, "平方米")
    """),
    _md("""
    ## 1. Land 用地

    企业当年的用地 = 当年有效的用地关系之和：自有宗地减去租出部分，加上租入部分。
    示例数据中自有记录不填面积（即整宗），租赁记录填面积；几家共有一宗时平分。
    下面对**全市**手算（业主的用地取决于宗地上的承租方，承租方可能是别的组的企业）。
    """),
    _code("""
    occ = inputs.occupancy
    valid = occ[
        (occ["from_year"].isna() | (occ["from_year"] <= YEAR))
        & (occ["to_year"].isna() | (occ["to_year"] >= YEAR))
    ].merge(inputs.parcels[["parcel_id", "area_m2"]], on="parcel_id")

    lease = valid[valid["relation"] == "lease"].copy()
    lease["leased"] = lease["area_m2_x"].fillna(lease["area_m2_y"])
    leased = lease.groupby("parcel_id")["leased"].sum()
    # 租出合计超过宗地面积时按比例缩减（landeval 同时给出错误提示）
    scale = (lease["parcel_id"].map(leased) / lease["area_m2_y"]).clip(lower=1.0)
    lease["land_m2"] = lease["leased"] / scale

    own = valid[valid["relation"] == "own"].copy()
    n_owners = own.groupby("parcel_id")["uscc"].transform("size")
    left = (own["area_m2_y"] - own["parcel_id"].map(leased).fillna(0.0)).clip(lower=0.0)
    own["land_m2"] = left / n_owners

    land = pd.concat([own, lease]).groupby("uscc")["land_m2"].sum()
    land_mu = (land / M2_PER_MU).rename("land_mu")
    land_mu.describe().round(2)
    """),
    _md("""
    ## 2. Indicators 指标

    税务表（元）在读取时已换算为万元；统计表本来就是万元。税务表与统计表按信用代码
    外连接：只在一张表中出现的企业也参加评价。零与缺失分开：分子缺失则指标缺失；
    分子为 0 则指标为 0（报 0 的企业得 0 分，不取组均值）；分子为正而分母缺失或为 0
    则指标缺失。
    """),
    _code("""
    tax = inputs.firm_tax[inputs.firm_tax["year"] == YEAR]
    out = inputs.firm_output[inputs.firm_output["year"] == YEAR]
    firms = inputs.firms.set_index("uscc")
    fy = tax[["uscc", "tax", "electricity_kwh"]].merge(
        out[["uscc", "value_added", "revenue", "rd_expense", "energy_tce", "emissions_eq",
             "employees"]],
        on="uscc",
        how="outer",
    )
    fy = fy.join(firms[["name", "county_code", "scale", "industry_code", "start_year"]],
                 on="uscc")
    group = fy[(fy["county_code"] == COUNTY) & (fy["scale"] == SCALE)].copy()
    group["land_mu"] = group["uscc"].map(land_mu)


    def ratio(num, den):
        \"\"\"num / den; 0 for a known numerator ≤ 0 over no denominator; else missing.\"\"\"
        n, d = group[num], group[den]
        return (n / d).where(d > 0, np.where(n <= 0, 0.0, np.nan))


    group["tax_per_mu"] = ratio("tax", "land_mu")  # 亩均税收 万元/亩
    group["va_per_mu"] = ratio("value_added", "land_mu")  # 亩均增加值 万元/亩
    group["va_per_energy"] = ratio("value_added", "energy_tce")  # 单位能耗增加值 万元/吨标煤
    group["va_per_emission"] = ratio("value_added", "emissions_eq")  # 单位排放增加值
    group["va_per_employee"] = ratio("value_added", "employees")  # 全员劳动生产率 万元/人
    group["rd_intensity"] = ratio("rd_expense", "revenue")  # 研发投入强度
    print(len(group), "家规上企业（新昌县）")
    """),
    _md("""
    ## 3. Who is evaluated 谁参评

    当年或上一年投产的新企业、公用事业（D44–D46）、当年无用地的企业不参评（T 类）；
    已知指标的权重合计不足一半的企业也不参评（T 类，理由“数据不全”），不按估算值评分。
    """),
    _code("""
    s = config.scoring
    weights = s.weights  # tax_per_mu 30, va_per_mu 20, va_per_energy 20, …
    utility = group["industry_code"].str.startswith(tuple(s.not_evaluated_industries))
    new = group["start_year"] >= YEAR - s.new_firm_years
    no_land = ~(group["land_mu"] > 0)
    known = sum(w * group[ind].notna() for ind, w in weights.items()) / sum(weights.values())
    incomplete = known < s.min_known_weight
    group["evaluated"] = ~(utility.fillna(False) | new.fillna(False) | no_land | incomplete)
    group["evaluated"].value_counts().rename({True: "参评", False: "不参评"})
    """),
    _md("""
    ## 4. Benchmarks and capped sub-scores 基准与封顶的分项得分

    基准（默认“aggregate”）= 组内参评企业的分子之和 ÷ 分母之和（只计分子已知、分母为正
    的企业），即“全县规上企业亩均税收”的算法；个别分母极小的企业不会把基准拉高。
    分项得分 = 权重 × min(指标 / 基准, 2)，负值计 0；企业缺某项指标时，取组内有该指标
    企业的平均分项得分。
    """),
    _code("""
    from landeval.mu_scoring.indicators import INDICATOR_FORMULAS

    ev = group[group["evaluated"]].copy()


    def aggregate(ind):
        num, den = INDICATOR_FORMULAS[ind]
        use = ev[num].notna() & (ev[den] > 0)
        return ev.loc[use, num].sum() / ev.loc[use, den].sum()


    bench = pd.Series({ind: aggregate(ind) for ind in weights})
    for ind, w in weights.items():
        raw = w * (ev[ind] / bench[ind]).clip(lower=0.0, upper=s.cap)
        ev["sub_" + ind] = raw.fillna(raw.mean())  # 缺项：组内平均分项得分
    ev["score"] = ev[["sub_" + ind for ind in weights]].sum(axis=1)
    pd.DataFrame({"组内汇总基准 aggregate": bench, "组内均值 mean": ev[list(weights)].mean()}).round(4)
    """),
    _md("""
    ## 5. Rank, p and class 排名、p 值与类别

    排名 1 为最高分，同分取较小名次；p = 名次 / 参评数；规上企业 p ≤ 20% 为 A，
    ≤ 80% 为 B，≤ 95% 为 C，其余 D。列入负面清单的企业先参加排名，再定为 D 类。
    """),
    _code("""
    bounds = s.classes.above
    ev["rank"] = ev["score"].round(9).rank(method="min", ascending=False).astype(int)
    ev["p"] = ev["rank"] / len(ev)
    ev["class"] = np.select(
        [ev["p"] <= bounds.A, ev["p"] <= bounds.B, ev["p"] <= bounds.C], ["A", "B", "C"], "D"
    )
    veto = inputs.veto
    vetoed = set(veto.loc[veto["year"] == YEAR, "uscc"])
    ev.loc[ev["uscc"].isin(vetoed), "class"] = "D"
    ev["class"].value_counts().sort_index()
    """),
    _md("""
    ## 6. Check against landeval 与 landeval 的结果核对

    全组逐项比较：用地、指标、分项得分、总分、名次和类别都必须一致。
    """),
    _code("""
    ours = ev.set_index("uscc").sort_index()
    in_group = (firm_scores["year"] == YEAR) & (firm_scores["group"] == f"{COUNTY}|{SCALE}")
    theirs = firm_scores[in_group & firm_scores["evaluated"]].set_index("uscc").sort_index()
    assert ours.index.equals(theirs.index)
    numeric = ["land_mu", *weights, *("sub_" + i for i in weights), "score"]
    for col in numeric:
        np.testing.assert_allclose(ours[col], theirs[col], rtol=1e-9, atol=1e-9, err_msg=col)
    assert (ours["rank"] == theirs["rank"].astype(int)).all()
    assert (ours["class"] == theirs["class"]).all()
    print(f"手算结果与 landeval 一致：{len(ours)} 家企业的用地、6 项指标、分项得分、总分、"
          "名次和类别全部相同")
    """),
    _md("三家企业（最高分、中间、最低分）并排：手算 vs landeval。"),
    _code("""
    picks = ours.sort_values("rank").index[[0, len(ours) // 2, -1]]
    show = ["name", "land_mu", "tax_per_mu", "va_per_mu", "sub_tax_per_mu", "sub_va_per_mu",
            "score", "rank", "p", "class"]
    side = pd.concat(
        {"手算 by hand": ours.loc[picks, show],
         "landeval": theirs.loc[picks, [c for c in show if c != "p"]]},
        axis=1,
    )
    side.T.round(3)
    """),
    _md("landeval 给每家企业的理由："),
    _code("""
    theirs.loc[picks, ["name", "class", "class_reason"]]
    """),
    _md("""
    ## 7. Change the method 修改方法参数

    三处修改（都可以写进项目的 `landeval.toml`，这里用 `load_config` 的覆盖参数）：

    - 权重：更看重亩均税收和亩均增加值；
    - 类别比例：规上 A 类收紧到前 10%，D 类放宽到后 10%；
    - 处置规则：“拆除重建”只针对建筑年代久远（OLD_BUILDINGS）且容积率或建筑系数偏低的宗地。
    """),
    _code("""
    import tomli_w

    new_weights = {"tax_per_mu": 40.0, "va_per_mu": 30.0, "va_per_energy": 10.0,
                   "va_per_emission": 10.0, "va_per_employee": 5.0, "rd_intensity": 5.0}
    new_classes = {"above": {"A": 0.10, "B": 0.70, "C": 0.90, "D": 1.0}}
    rules = [rule.model_dump() for rule in config.treatments]
    rebuild = next(r for r in rules if r["code"] == "REBUILD")
    rebuild["all_of"] = [["FAR_LOW", "COVERAGE_LOW"], "OLD_BUILDINGS"]
    rebuild["any_of"] = []
    changes = {"scoring": {"weights": new_weights, "classes": new_classes}, "treatments": rules}
    # 项目文件中的 [[treatments]] 会整体替换默认规则，所以四条规则都要写上
    print("写进 landeval.toml 的等价内容：\\n")
    print(tomli_w.dumps(changes))
    """),
    _code("""
    config2 = load_config(demo_project_dir(), **changes)
    after = evaluate(inputs, config2)  # 同一批输入，新的方法参数
    cols = ["parcel_id", "county_name", "main_name", "area_mu", "class", "flags", "treatment",
            "treatment_zh", "reason_zh"]
    both = base.tables["parcel_eval"][cols].merge(
        after.tables["parcel_eval"][cols], on=["parcel_id", "county_name", "main_name", "area_mu"],
        suffixes=("_before", "_after"),
    )
    changed = both[both["treatment_before"] != both["treatment_after"]].copy()
    pd.crosstab(changed["treatment_before"].rename("修改前"),
                changed["treatment_after"].rename("修改后"), margins=True, margins_name="合计")
    """),
    _md("""
    为什么变：类别变了（权重和比例改变了企业得分与名次，CLASS_C/CLASS_D 标志随之变化），
    或者标志没变而规则变了（新的拆除重建规则）。
    """),
    _code("""
    def why(row):
        before = set(filter(None, str(row["flags_before"]).split(";")))
        after_ = set(filter(None, str(row["flags_after"]).split(";")))
        parts = []
        if row["class_before"] != row["class_after"]:
            parts.append(f"类别 {row['class_before']}→{row['class_after']}")
        if after_ - before:
            parts.append("新增标志 " + "、".join(sorted(after_ - before)))
        if before - after_:
            parts.append("失去标志 " + "、".join(sorted(before - after_)))
        return "；".join(parts) if parts else "标志未变，处置规则改变"


    changed["变化原因"] = changed.apply(why, axis=1)
    table = changed[["parcel_id", "county_name", "main_name", "area_mu", "class_before",
                     "class_after", "treatment_zh_before", "treatment_zh_after", "变化原因",
                     "reason_zh_after"]]
    table.sort_values("area_mu", ascending=False).head(15).round(2)
    """),
    _md("按原因归类："),
    _code("""
    kind = np.select(
        [changed["class_before"] != changed["class_after"],
         changed["flags_before"] != changed["flags_after"]],
        ["本年企业类别变化（权重、类别比例）", "低效标志变化（如上一年类别变化）"],
        "标志未变，处置规则改变",
    )
    pd.Series(kind, name="原因").value_counts()
    """),
    _md("""
    ## 8. Map of the changed parcels 处置方式变化的宗地地图

    只把处置方式变了的宗地（显示修改后的处置方式）写成 landeval 的离线处置图，内嵌显示。
    """),
    _code(
        "from pathlib import Path\n\nfrom landeval.maps import write_maps\n"
        + _SHOW_MAP
        + """

after_eval = after.tables["parcel_eval"]
written = write_maps(
    parcel_eval=after_eval[after_eval["parcel_id"].isin(changed["parcel_id"])],
    platforms=inputs.platforms,
    platform_summary=after.tables["platform_summary"],
    control_line=inputs.control_line,
    balance_items=None,
    config=config2,
    year=after.year,
    out_dir="method_maps",
)
MapPage(Path("method_maps") / "treatment_map.html")
"""
    ),
    _md("## 9. Summary 小结"),
    _code("""
    print(f"修改权重、类别比例和拆除重建规则后，{len(changed)} 宗地的处置方式改变，"
          f"面积 {changed['area_mu'].sum():.1f} 亩")
    for (b, a), n in changed.groupby(["treatment_before", "treatment_after"]).size().items():
        print(f"  {b} → {a}: {n} 宗")
    """),
    _md("""
    ## 10. Sensitivity 敏感性：列入“四个一批”的用地比例

    列入比例 = 处置方式不是“保留”的工业用地面积 ÷ 全部工业用地面积。逐项改变一个参数、
    其余保持默认：

    - 容积率标准（`[flags.far_min]` 与 `far_min_default`）× 0.8、× 1、× 1.2；
    - 亩均税收偏低阈值（`tax_low_ratio`，县平均的 30%、50%、70%）；
    - 类别比例（`[scoring.classes]`：放宽——C、D 类更少；默认；收紧——C、D 类更多）。

    容积率与税收阈值只影响宗地的标志和处置，企业评价只算一次；类别比例要重新评价企业。
    """),
    _code("""
    from landeval.stages import raster_metrics, score, zone_and_treat

    parcel_raster, _ = raster_metrics(inputs, config)
    industrial = inputs.parcels["land_use"].str.startswith("1001").to_numpy()


    def shares(cfg, scoring=None):
        scoring = scoring or score(inputs, cfg, trends=False)
        zoning = zone_and_treat(
            parcels=inputs.parcels, platforms=inputs.platforms,
            control_line=inputs.control_line, land_changes=inputs.land_changes,
            parcel_scores=scoring.parcel_scores, firm_scores=scoring.firm_scores,
            parcel_raster=parcel_raster, firms=inputs.firms, veto=inputs.veto,
            allocation=scoring.allocation, config=cfg, year=YEAR,
        )
        pe = zoning.parcel_eval[industrial]
        area = pe["area_mu"].sum()
        row = {"列入四个一批 %": 100 * pe.loc[pe["treatment"] != "KEEP", "area_mu"].sum() / area}
        for code, name in (("REBUILD", "拆除重建"), ("UPGRADE", "整治提升"),
                           ("CONVERT", "功能转型"), ("EXIT", "关停退出")):
            row[name + " %"] = 100 * pe.loc[pe["treatment"] == code, "area_mu"].sum() / area
        row["增容潜力 %"] = 100 * pe.loc[pe["capacity_potential"], "area_mu"].sum() / area
        return row


    default_scoring = score(inputs, config, trends=False)
    fl = config.flags
    rows = {}
    for factor in (0.8, 1.0, 1.2):
        cfg = load_config(demo_project_dir(), flags={
            "far_min": {k: v * factor for k, v in fl.far_min.items()},
            "far_min_default": fl.far_min_default * factor,
        })
        rows[("容积率标准", f"× {factor:g}")] = shares(cfg, default_scoring)
    for ratio in (0.3, 0.5, 0.7):
        cfg = load_config(demo_project_dir(), flags={"tax_low_ratio": ratio})
        rows[("亩均税收偏低阈值", f"县平均的 {ratio:.0%}")] = shares(cfg, default_scoring)
    bounds = {
        "放宽 (C、D 更少)": {"above": {"A": 0.2, "B": 0.85, "C": 0.97, "D": 1.0},
                          "below": {"A": 0.05, "B": 0.8, "C": 0.97, "D": 1.0}},
        "默认": None,
        "收紧 (C、D 更多)": {"above": {"A": 0.2, "B": 0.7, "C": 0.9, "D": 1.0},
                          "below": {"A": 0.05, "B": 0.65, "C": 0.9, "D": 1.0}},
    }
    for name, classes in bounds.items():
        if classes is None:
            rows[("类别比例", name)] = shares(config, default_scoring)
        else:
            cfg = load_config(demo_project_dir(), scoring={"classes": classes})
            rows[("类别比例", name)] = shares(cfg)
    sensitivity = pd.DataFrame(rows).T.rename_axis(["参数", "取值"])
    sensitivity.round(1)
    """),
    _md("""
    列入比例对类别比例最敏感（C、D 类企业的用地进入整治提升、拆除重建或退出），对亩均
    税收阈值次之；容积率标准主要改变“拆除重建”与“增容潜力”之间的划分：A、B 类企业的
    低容积率宗地保留，列入增容潜力清单，不进入四个一批。
    """),
]


NOTEBOOKS: dict[str, list[nbformat.NotebookNode]] = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_your_data.ipynb": YOUR_DATA,
    "03_method.ipynb": METHOD,
}
"""File name → cells."""

_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def build(out_dir: Path = HERE) -> list[Path]:
    """Write every notebook into ``out_dir`` (outputs empty); return the paths written.

    Parameters
    ----------
    out_dir : Path
        Folder to write into.

    Returns
    -------
    list of Path
        The notebooks written.
    """
    written = []
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata=_METADATA)
        # Stable cell ids keep the committed files' diffs to what changed.
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
        nbformat.validate(nb)
        path = out_dir / name
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)

"""The maps in a real headless Chromium with the network blocked (issues 8 and 21).

Each page must load with no console error and no request leaving the machine, draw the
expected number of features, open a parcel's popup on click (also under a 改一补一 item),
hide a layer when its box is unticked, find a parcel by code, firm or USCC and a platform
by name, filter the parcels and export them to CSV, and print on one page. Input text must
show as text: a firm named ``<script>alert(1)</script>`` must never open a dialog.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zlib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landeval.config import default_config
from landeval.maps import write_maps
from landeval.vocabulary import CLASS_LABELS, TREATMENT_COLORS, label
from tests.maps.test_fixture import QUOTE_NAME, XSS_NAME

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"
    ),
]

MAPS = ("platform_map", "treatment_map", "efficiency_map")


@pytest.fixture(scope="module")
def layered(inputs):
    """The inputs, with 改一补一 items lying over parcels as a run makes them: the item of a
    功能转型 parcel has the parcel's own shape, and a land change covers a block of parcels."""
    parcels = inputs["parcel_eval"]
    convert = parcels[parcels["treatment"] == "CONVERT"].iloc[0]
    block = parcels[parcels["platform_id"] == "P01"].iloc[:6]
    extra = gpd.GeoDataFrame(
        {
            "item_id": [convert["parcel_id"], "TZ-OVER-BLOCK"],
            "source": ["parcel", "land_change"],
            "county_code": [convert["county_code"], block["county_code"].iloc[0]],
            "kind": ["convert", "convert"],
            "planned_use": ["0901", "0701"],
            "area_mu": [convert["area_mu"], 60.0],
            "counted_mu": [convert["area_mu"], 60.0],
            "counted": [True, True],
            "why_not_counted": [None, None],
        },
        geometry=[convert.geometry, shapely.union_all(block.geometry.to_numpy()).buffer(5)],
        crs=parcels.crs,
    )
    items = pd.concat([inputs["balance_items"], extra], ignore_index=True)
    return {**inputs, "balance_items": gpd.GeoDataFrame(items, crs=parcels.crs)}


@pytest.fixture(scope="module")
def pages(layered, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser_maps")
    write_maps(**layered, config=default_config(), year=2024, out_dir=out)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Opened:
    """A page with its blocked requests, console errors and dialogs recorded."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 860})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.LANDEVAL && LANDEVAL.map !== null")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, code: str, arg=None):
        return self.page.evaluate(code, arg)

    def drawn(self, key: str | None = None, *, dataset: str | None = None) -> int:
        """Features on the map: of one layer (``key``), one dataset, or all."""
        return self.js("([key, ds]) => LANDEVAL.drawn(key, ds)", [key, dataset])

    def click_feature(self, dataset: str, column: str, value: str, *, inset: float = 0.0) -> None:
        """Zoom to a feature and click inside it (or its south-west corner + inset degrees)."""
        x, y = self.js(
            """([ds, col, value, inset]) => {
                const d = LANDEVAL.datasets[ds];
                const i = d.props.findIndex(p => p[col] === value);
                const b = LANDEVAL.bounds(ds, i);
                const at = inset > 0 ? L.latLng(b.getSouth() + inset, b.getWest() + inset)
                                     : LANDEVAL.pointIn(ds, i);
                LANDEVAL.map.setView(at, 17, {animate: false});
                const pt = LANDEVAL.map.latLngToContainerPoint(at);
                const r = LANDEVAL.map.getContainer().getBoundingClientRect();
                return [r.left + pt.x, r.top + pt.y];
            }""",
            [dataset, column, value, inset],
        )
        self.page.mouse.click(x, y)
        self.page.wait_for_selector(".leaflet-popup-content")

    def popup_text(self) -> str:
        return self.page.inner_text(".leaflet-popup-content")


@pytest.fixture
def opened(browser, pages):
    made = []

    def _open(name: str) -> Opened:
        o = Opened(browser, pages / f"{name}.html")
        made.append(o)
        return o

    yield _open
    for o in made:
        o.page.close()


@pytest.mark.parametrize("name", MAPS)
def test_loads_offline_without_errors(opened, name):
    o = opened(name)
    o.page.wait_for_timeout(300)  # let the canvas draw and any late request show up
    assert o.requests == []
    assert o.errors == []
    assert o.dialogs == []
    assert o.page.title().startswith("绍兴市")
    assert o.page.locator(".leaflet-control-scale").count() == 1
    assert o.page.locator(".leaflet-control-zoom-fullscreen").count() == 1


def test_treatment_map_draws_every_parcel_by_treatment(opened, layered):
    o = opened("treatment_map")
    counts = layered["parcel_eval"]["treatment"].value_counts()
    for code, n in counts.items():
        assert o.drawn(f"treatment_{code}") == n
    assert o.drawn(dataset="parcels") == len(layered["parcel_eval"])
    assert o.drawn(dataset="balance") == len(layered["balance_items"])
    # the real boundaries of the city's six counties, with their licence's credit
    assert o.drawn(dataset="counties") == 6
    assert "OpenStreetMap contributors (ODbL)" in o.page.inner_text(".leaflet-control-attribution")


def test_efficiency_map_views_are_exclusive_with_one_legend(opened, inputs):
    o = opened("efficiency_map")
    parcels = inputs["parcel_eval"]
    assert o.drawn("class") == len(parcels)
    assert o.drawn(dataset="parcels") == len(parcels)
    radios = o.page.locator(".leaflet-control-layers-group input[type=radio]")
    assert radios.count() == 3
    class_legend = o.page.locator(".ld-section", has_text="亩均评价类别")
    tax_legend = o.page.locator(".ld-section", has_text="亩均税收（万元/亩")
    assert class_legend.is_visible() and not tax_legend.is_visible()
    # choosing the 亩均税收 view replaces the class view, and its legend replaces the other
    o.page.locator(".leaflet-control-layers-group label", has_text="亩均税收").click()
    assert o.drawn("choropleth_tax_per_mu") == len(parcels)
    assert o.drawn("class") == 0
    assert o.drawn(dataset="parcels") == len(parcels)
    assert tax_legend.is_visible() and not class_legend.is_visible()
    o.page.locator(".leaflet-control-layers-group label", has_text="亩均增加值").click()
    assert o.drawn(dataset="parcels") == len(parcels)
    assert not tax_legend.is_visible()
    assert o.errors == []


def test_platform_map_draws_platforms_and_parcels(opened, inputs):
    o = opened("platform_map")
    tiers = inputs["platforms"]["tier"].value_counts()
    for tier, n in tiers.items():
        assert o.drawn(f"tier_{tier}") == n
    assert o.drawn("parcels") == len(inputs["parcel_eval"])


def test_click_parcel_opens_its_popup(opened, inputs):
    o = opened("treatment_map")
    row = inputs["parcel_eval"].iloc[40]
    o.click_feature("parcels", "parcel_id", row["parcel_id"])
    text = o.popup_text()
    assert row["parcel_id"] in text
    assert row["treatment_zh"] in text


@pytest.mark.parametrize("name", MAPS)
def test_click_on_a_convert_parcel_under_its_item_opens_the_parcel(opened, layered, name):
    o = opened(name)
    parcels = layered["parcel_eval"]
    convert = parcels[parcels["treatment"] == "CONVERT"].iloc[0]
    o.click_feature("parcels", "parcel_id", convert["parcel_id"])
    text = o.popup_text()
    assert o.js("LANDEVAL.popup._ldFeature[0]") == "parcels"
    assert convert["parcel_id"] in text and "现状用途" in text
    assert "0901 商业用地" in text  # the planned use with its name
    if name == "treatment_map":
        # the item lying there is one link away, and names its source and county
        o.page.locator(".ld-also-link", has_text="改一补一项目").click()
        item = o.popup_text()
        assert o.js("LANDEVAL.popup._ldFeature[0]") == "balance"
        county = layered["parcel_eval"].set_index("parcel_id").loc[convert["parcel_id"]]
        assert "功能转型宗地" in item and county["county_name"] in item
        assert "parcel" not in item and "land_change" not in item
        assert not re.search(r"\b3306\d\d\b", item)  # a county by its name, not its code
    # a parcel under a large land change opens the parcel too
    under = parcels[parcels["platform_id"] == "P01"].iloc[2]
    o.page.keyboard.press("Escape")
    o.click_feature("parcels", "parcel_id", under["parcel_id"])
    assert o.js("LANDEVAL.popup._ldFeature[0]") == "parcels"
    assert under["parcel_id"] in o.popup_text()


def test_treatment_colours_and_legend_in_the_policy_order(opened):
    o = opened("treatment_map")
    legend = o.page.inner_text(".ld-section >> nth=0")
    names = [n for n in ("拆除重建", "整治提升", "功能转型", "关停退出", "保留") if n in legend]
    assert names == sorted(names, key=legend.index)
    assert len(names) == 5
    red, rebuild = TREATMENT_COLORS["EXIT"], TREATMENT_COLORS["REBUILD"]
    distance = sum(abs(int(red[i : i + 2], 16) - int(rebuild[i : i + 2], 16)) for i in (1, 3, 5))
    assert distance > 250  # 关停退出 and 拆除重建 are hues apart, not two reds


def test_click_platform_opens_summary_popup(opened, inputs):
    o = opened("platform_map")
    plat = inputs["platform_summary"].iloc[0]
    # The platform's margin, outside its parcels (which are drawn on top).
    o.click_feature("platforms", "platform_id", plat["platform_id"], inset=0.0002)
    text = o.popup_text()
    assert plat["name"] in text
    assert "亩均税收" in text and "增加值年均增速（目标 8.5%）" in text
    assert f"{int(plat['parcels'])}" in text
    assert "越城区" in text  # the county by its name


@pytest.mark.parametrize("name", MAPS)
def test_platform_popup_reachable_from_a_parcel_and_from_its_label(opened, inputs, name):
    o = opened(name)
    plat = inputs["platform_summary"].iloc[0]
    parcel = inputs["parcel_eval"]
    inside = parcel[parcel["platform_id"] == plat["platform_id"]].iloc[3]
    o.click_feature("parcels", "parcel_id", inside["parcel_id"])
    o.page.locator(".ld-also-link", has_text=plat["name"]).click()
    assert o.js("LANDEVAL.popup._ldFeature[0]") == "platforms"
    assert "增加值年均增速" in o.popup_text()
    o.page.keyboard.press("Escape")
    o.js("LANDEVAL.map.closePopup()")
    label = o.page.locator(".ld-plabel", has_text=plat["name"])
    assert label.is_visible()  # zoomed in: the platforms are named on the map
    label.click()
    assert plat["name"] in o.popup_text() and "亩均税收" in o.popup_text()


def test_unticking_a_layer_hides_it(opened, inputs):
    o = opened("treatment_map")
    n_exit = int((inputs["parcel_eval"]["treatment"] == "EXIT").sum())
    before = o.drawn()
    box = o.page.locator(".leaflet-control-layers-overlays label", has_text="关停退出")
    box.click()
    assert not o.js("LANDEVAL.map.hasLayer(LANDEVAL.layers.treatment_EXIT)")
    assert o.drawn() == before - n_exit
    box.click()
    assert o.drawn() == before


@pytest.mark.parametrize("name", MAPS)
def test_search_finds_a_parcel_code(opened, inputs, name):
    o = opened(name)
    code = inputs["parcel_eval"]["parcel_id"].iloc[123]
    o.page.fill(".ld-search-input", code)
    assert o.page.inner_text(".ld-search-list li") == f"宗地 {code}"
    o.page.press(".ld-search-input", "Enter")
    o.page.wait_for_selector(".leaflet-popup-content")
    assert code in o.popup_text()


def test_search_by_firm_name_and_no_match(opened, inputs):
    o = opened("efficiency_map")
    name = inputs["parcel_eval"]["main_name"].dropna().iloc[20]
    o.page.fill(".ld-search-input", name[-12:])
    assert name in o.page.inner_text(".ld-search-list")
    o.page.fill(".ld-search-input", "不存在的企业名称")
    assert o.page.inner_text(".ld-search-list") == "未找到"


def test_markup_in_firm_names_shows_as_text_and_never_runs(opened, inputs):
    o = opened("treatment_map")
    parcels = inputs["parcel_eval"]
    xss = parcels.loc[parcels["main_name"] == XSS_NAME, "parcel_id"].iloc[0]
    o.click_feature("parcels", "parcel_id", xss)
    assert XSS_NAME in o.popup_text()
    assert o.page.locator(".leaflet-popup-content script").count() == 0
    # Hovering shows the tooltip, as text.
    x, y = o.js(
        """code => {
            const d = LANDEVAL.datasets.parcels;
            const at = LANDEVAL.pointIn('parcels', d.props.findIndex(p => p.parcel_id === code));
            const pt = LANDEVAL.map.latLngToContainerPoint(at);
            const r = LANDEVAL.map.getContainer().getBoundingClientRect();
            return [r.left + pt.x + 3, r.top + pt.y + 3];
        }""",
        xss,
    )
    o.page.mouse.move(x, y)
    tip = o.page.locator(".leaflet-tooltip:not(.ld-label)")
    tip.wait_for()
    assert XSS_NAME in tip.inner_text() and xss in tip.inner_text()
    assert o.page.locator(".leaflet-tooltip script").count() == 0
    # The search list and the tooltip show it as text too.
    o.page.fill(".ld-search-input", "alert(1)")
    assert XSS_NAME in o.page.inner_text(".ld-search-list")
    assert o.page.locator(".ld-search-list script").count() == 0
    quoted = parcels.loc[parcels["main_name"] == QUOTE_NAME, "parcel_id"].iloc[0]
    o.page.press(".ld-search-input", "Escape")
    o.page.fill(".ld-search-input", "粗体")
    assert QUOTE_NAME in o.page.inner_text(".ld-search-list")
    o.page.press(".ld-search-input", "Enter")
    o.page.wait_for_selector(".leaflet-popup-content")
    assert quoted in o.popup_text() and QUOTE_NAME in o.popup_text()
    assert o.page.locator(".leaflet-popup-content b").count() == 0
    assert o.dialogs == [] and o.errors == []


@pytest.mark.parametrize("name", MAPS)
def test_search_finds_a_platform_and_a_uscc(opened, inputs, name):
    o = opened(name)
    plat = inputs["platform_summary"].iloc[4]
    o.page.fill(".ld-search-input", plat["name"][:6])
    assert plat["name"] in o.page.inner_text(".ld-search-list")
    o.page.locator(".ld-search-list li", has_text=plat["name"]).first.click()
    o.page.wait_for_selector(".leaflet-popup-content")
    assert o.js("LANDEVAL.popup._ldFeature[0]") == "platforms"
    assert plat["name"] in o.popup_text()
    row = inputs["parcel_eval"].dropna(subset=["main_uscc"]).iloc[17]
    o.page.fill(".ld-search-input", row["main_uscc"])
    assert o.page.inner_text(".ld-search-list li").startswith("宗地")
    o.page.press(".ld-search-input", "Enter")
    o.page.wait_for_selector(".leaflet-popup-content")
    assert row["parcel_id"] in o.popup_text() and row["main_uscc"] in o.popup_text()


def test_filters_by_county_platform_class_and_treatment(opened, inputs):
    o = opened("treatment_map")
    parcels = inputs["parcel_eval"]
    n = len(parcels)
    assert o.page.inner_text(".ld-filter-count") == f"显示 {n:,} / {n:,} 宗"
    plat = parcels["platform_name"].iloc[100]
    o.page.select_option(".ld-filter select[data-c=platform_name]", label=plat)
    mine = parcels[parcels["platform_name"] == plat]
    assert o.drawn(dataset="parcels") == len(mine)
    assert o.page.inner_text(".ld-filter-count") == f"显示 {len(mine):,} / {n:,} 宗"
    o.page.select_option(".ld-filter select[data-c=treatment]", label="整治提升")
    both = mine[mine["treatment"] == "UPGRADE"]
    assert o.drawn(dataset="parcels") == len(both) > 0
    o.page.select_option(".ld-filter select[data-c=platform_name]", label="全部")
    o.page.select_option(".ld-filter select[data-c=treatment]", label="全部")
    o.page.select_option(".ld-filter select[data-c=county_name]", label="诸暨市")
    # the option reads as the vocabulary names the class (D类 倒逼整治类)
    o.page.select_option(".ld-filter select[data-c=class]", label=label(CLASS_LABELS, "D", "zh"))
    want = parcels[(parcels["county_name"] == "诸暨市") & (parcels["class"] == "D")]
    assert o.drawn(dataset="parcels") == len(want) > 0
    # a filtered-out parcel opens no popup
    other = parcels[(parcels["county_name"] != "诸暨市")].iloc[0]
    o.js(
        "code => { const d = LANDEVAL.datasets.parcels;"
        " const i = d.props.findIndex(p => p.parcel_id === code);"
        " LANDEVAL.map.setView(LANDEVAL.pointIn('parcels', i), 17, {animate: false}); }",
        other["parcel_id"],
    )
    hits = o.js(
        "code => { const d = LANDEVAL.datasets.parcels;"
        " const i = d.props.findIndex(p => p.parcel_id === code);"
        " return LANDEVAL.hitsAt(LANDEVAL.pointIn('parcels', i)).map(h => h.ds.name); }",
        other["parcel_id"],
    )
    assert "parcels" not in hits and "platforms" in hits  # its platform, not the parcel
    # the class options list the classes in their order, by name
    options = o.page.locator(".ld-filter select[data-c=class] option").all_inner_texts()
    assert options[1].startswith("A类") and options[4].startswith("D类")
    assert o.errors == []


def test_export_the_parcels_shown_to_csv(opened, inputs):
    o = opened("treatment_map")
    parcels = inputs["parcel_eval"]
    o.page.select_option(".ld-filter select[data-c=treatment]", label="关停退出")
    with o.page.expect_download() as info:
        o.page.click(".ld-filter-csv")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel in China opens it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    exits = parcels[parcels["treatment"] == "EXIT"]
    assert len(body) == len(exits)
    assert header[0] == "宗地代码" and "处置方式" in header and "县（市、区）" in header
    assert {r[0] for r in body} == set(exits["parcel_id"])
    column = header.index("处置方式")
    assert {r[column] for r in body} == {"关停退出"}  # names, not codes
    # text that would be a formula in a spreadsheet is neutralised
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in body for cell in r)


def _pixel(png: bytes) -> tuple[int, int, int]:
    """The colour of a 1 x 1 PNG (with no neighbours, every PNG filter leaves it as it is)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(data)
    return raw[1], raw[2], raw[3]


def test_printed_on_one_page_with_title_clear_and_parcels_visible(opened, inputs):
    o = opened("treatment_map")
    parcels = inputs["parcel_eval"]
    exit_id = parcels.loc[parcels["treatment"] == "EXIT", "parcel_id"].iloc[0]
    at = o.js(
        "code => { const d = LANDEVAL.datasets.parcels;"
        " const i = d.props.findIndex(p => p.parcel_id === code);"
        " const at = LANDEVAL.pointIn('parcels', i);"
        " LANDEVAL.map.setView(at, 17, {animate: false});"
        " const pt = LANDEVAL.map.latLngToContainerPoint(at); return [pt.x, pt.y]; }",
        exit_id,
    )
    o.page.wait_for_timeout(200)
    pdf = o.page.pdf(format="A4", landscape=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    # the print layout as the printer gets it
    o.page.emulate_media(media="print")
    o.js("LANDEVAL.beforePrint()")
    boxes = o.js(
        """() => {
            const box = el => { const r = el.getBoundingClientRect();
                return [r.left, r.top, r.right, r.bottom]; };
            const map = LANDEVAL.map.getContainer();
            return {map: box(map), title: box(document.querySelector('.ld-title')),
                    zoom: Number(getComputedStyle(map).zoom),
                    hidden: ['.leaflet-control-layers', '.ld-search', '.ld-filter',
                             '.leaflet-control-zoom'].every(s => {
                        const el = document.querySelector(s);
                        return !el || getComputedStyle(el).display === 'none'; })};
        }"""
    )
    left, top, right, bottom = boxes["map"]
    assert right - left <= 1075 and bottom - top <= 745  # A4 landscape, 6 mm margins
    assert boxes["hidden"]  # no control over the title or the parcels
    t = boxes["title"]
    assert left <= t[0] and t[2] <= right and top <= t[1]
    zoom = boxes["zoom"]
    x, y = left + at[0] * zoom, top + at[1] * zoom
    png = o.page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    red = _pixel(png)
    assert red[0] > 180 and red[1] < 110 and red[2] < 110, red  # the 关停退出 parcel
    o.js("LANDEVAL.afterPrint()")
    o.page.emulate_media(media="screen")


@pytest.mark.parametrize("name", MAPS)
def test_north_arrow_and_measuring(opened, name):
    o = opened(name)
    assert o.page.locator(".ld-north svg").count() == 1
    toggle = o.page.locator(".leaflet-control-measure .leaflet-control-measure-toggle")
    assert toggle.count() == 1
    assert toggle.get_attribute("title") == "同时测量距离和面积"  # in Chinese
    o.js("document.querySelector('.leaflet-control-measure-toggle').click()")
    o.page.locator(".leaflet-control-measure .js-start").click()
    # two clicks measure a distance: the result is in metres, the popup of a parcel stays shut
    box = o.page.locator(".folium-map").bounding_box()
    for dx, dy in ((500, 400), (700, 400), (700, 550)):
        o.page.mouse.click(box["x"] + dx, box["y"] + dy)
        o.page.wait_for_timeout(400)  # apart: not a double click
    results = o.page.inner_text(".leaflet-control-measure .results")
    assert "路径长度" in results and "米" in results
    assert "亩" in results  # three points enclose an area, given in 亩 too
    assert o.page.locator(".ld-popup").count() == 0
    assert o.errors == []

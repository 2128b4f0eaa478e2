"""The maps in a real headless Chromium with the network blocked (issue 8).

Each page must load with no console error and no request leaving the machine, draw the
expected number of features, open a parcel's popup on click, hide a layer when its box is
unticked, and find a parcel by code in the search box. Input text must show as text: a
firm named ``<script>alert(1)</script>`` must never open a dialog.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from landeval.config import default_config
from landeval.maps import write_maps
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
def pages(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser_maps")
    write_maps(**inputs, config=default_config(), year=2024, out_dir=out)
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


def test_treatment_map_draws_every_parcel_by_treatment(opened, inputs):
    o = opened("treatment_map")
    counts = inputs["parcel_eval"]["treatment"].value_counts()
    for code, n in counts.items():
        assert o.drawn(f"treatment_{code}") == n
    assert o.drawn(dataset="parcels") == len(inputs["parcel_eval"])
    assert o.drawn(dataset="balance") == len(inputs["balance_items"])
    assert o.drawn(dataset="counties") == inputs["parcel_eval"]["county_code"].nunique()


def test_efficiency_map_draws_classes_and_lazy_choropleths(opened, inputs):
    o = opened("efficiency_map")
    parcels = inputs["parcel_eval"]
    idle = parcels["flags"].str.contains("IDLE")
    assert o.drawn("class_IDLE") == int(idle.sum())
    assert o.drawn("class_D") == int(((parcels["class"] == "D") & ~idle).sum())
    assert o.drawn(dataset="parcels") == len(parcels)
    # The choropleth of 亩均税收 is off on opening and drawn when ticked.
    label = o.page.locator(".leaflet-control-layers-overlays label", has_text="亩均税收")
    legend = o.page.locator(".ld-section", has_text="亩均税收（万元/亩")
    assert not legend.is_visible()
    label.click()
    assert o.drawn("choropleth_tax_per_mu") == len(parcels)
    assert o.drawn(dataset="parcels") == 2 * len(parcels)
    assert legend.is_visible()
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


def test_click_platform_opens_summary_popup(opened, inputs):
    o = opened("platform_map")
    plat = inputs["platform_summary"].iloc[0]
    # The platform's margin, outside its parcels (which are drawn on top).
    o.click_feature("platforms", "platform_id", plat["platform_id"], inset=0.0002)
    text = o.popup_text()
    assert plat["name"] in text
    assert "亩均税收" in text and "增加值年均增速" in text
    assert f"{int(plat['parcels'])}" in text


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
    assert o.page.inner_text(".ld-search-list li").startswith(code)
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

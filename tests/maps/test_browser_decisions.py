"""In the browser: the final decision in the treatment map, the measures in the efficiency map."""

from __future__ import annotations

import pytest

from landeval.config import default_config
from landeval.maps import write_maps
from tests.maps.test_browser import CHROMIUM, Opened, browser  # noqa: F401  (fixture)
from tests.maps.test_decisions import reviewed_inputs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def reviewed(inputs, tmp_path_factory):
    kwargs, facts = reviewed_inputs(inputs)
    out = tmp_path_factory.mktemp("reviewed_browser")
    write_maps(**kwargs, config=default_config(), year=2024, out_dir=out)
    return out, facts


@pytest.fixture
def page(browser, reviewed):  # noqa: F811
    made = []

    def _open(name: str) -> Opened:
        o = Opened(browser, reviewed[0] / f"{name}.html")
        made.append(o)
        return o

    yield _open
    for o in made:
        o.page.close()


def test_a_deferred_parcel_shows_the_decision_and_the_proposal(page, reviewed):
    facts = reviewed[1]
    o = page("treatment_map")
    assert o.drawn("treatment_DEFER") == 1
    o.click_feature("parcels", "parcel_id", facts["deferred"])
    text = o.popup_text()
    assert facts["deferred"] in text
    assert "暂缓" in text and "拆除重建" in text  # final, and the proposal beside it
    assert "系统建议" in text and "复核" in text and "待规划调整" in text and "张三" in text
    # the filter offers 暂缓, and shows that parcel alone
    o.page.keyboard.press("Escape")
    o.page.select_option(".ld-filter select[data-c=treatment]", label="暂缓")
    assert o.drawn(dataset="parcels") == 1
    assert o.errors == []


def test_the_efficiency_popup_lists_the_main_occupants_measures(page, reviewed):
    facts = reviewed[1]
    o = page("efficiency_map")
    o.click_feature("parcels", "parcel_id", facts["measured"][0])
    text = o.popup_text()
    assert "差别化施策（主要用地企业）" in text
    assert "差别化电价 +18.00 万元；差别化污水处理费 缺计费依据" in text
    assert o.errors == []


def test_parcels_whose_decision_the_review_changed_are_outlined(page, reviewed):
    facts = reviewed[1]
    o = page("treatment_map")
    strokes = o.js(
        """(ids) => ids.map(id => {
            const d = LANDEVAL.datasets.parcels;
            const i = d.props.findIndex(p => p.parcel_id === id);
            const found = [];
            LANDEVAL.map.eachLayer(g => {
                if (!g._ldSpec || g._ldSpec.dataset !== "parcels" || !g.eachLayer) { return; }
                g.eachLayer(l => {
                    if (l._ldItems && l._ldItems.indexOf(i) >= 0) {
                        found.push([l.options.color, l.options.weight]);
                    }
                });
            });
            return found;
        })""",
        [facts["converted"], facts["deferred"], facts["measured"][0]],
    )
    converted, deferred, untouched = strokes
    assert converted == [["#000000", 2.5]] and deferred == [["#000000", 2.5]]
    assert untouched and all(color != "#000000" for color, _ in untouched)
    assert "复核改变了建议（粗黑边）" in o.page.inner_text(
        ".leaflet-control-layers, .ld-legend, body"
    )
    assert o.errors == []

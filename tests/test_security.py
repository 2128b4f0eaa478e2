"""Security (issue 9): input text never acts as code, and a run needs no network.

One small project (a slice of the demo) carries XSS payloads in firm names, addresses,
parcel codes, platform names and negative-list reasons, and formula-injection payloads in
every text column; it is run once, in-process, with every socket blocked. Then:

- the maps, the map index and the report hold no payload as markup: no element attribute
  and no script carries one, and none appears verbatim (HTML parsed with html.parser);
- in headless Chromium the treatment map opens a payload parcel's popup with no dialog;
- actions.xlsx holds no formula cell and every text cell that starts like a formula is
  neutralised with a leading ``'``; so is actions.csv;
- the run tried no network connection at all.
"""

from __future__ import annotations

import csv
import html
import importlib.util
import re
import socket
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landeval import pipeline

_BAD = Path(__file__).parent / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_bad", _BAD / "make_bad.py")
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)

# Each XSS payload carries a marker XSS<n> so that a match is never an accident.
XSS = [
    "<script>alert('XSS1')</script>",
    "<img src=x onerror=alert('XSS2')>",
    "\"><svg onload=alert('XSS3')>",
    "javascript:alert('XSS4')",
    "{{7*7}}XSS5",
    "</textarea><script>alert('XSS6')</script>",
    "'-alert('XSS7')-'",
    "<iframe src=\"javascript:alert('XSS8')\"></iframe>",
    "</script><script>alert('XSS9')</script>",
    "<a href=\"javascript:alert('XSS10')\">点我</a>",
    "${alert('XSS11')}",
    "<body onload=alert('XSS12')>",
    "<style>@import 'http://evil.example/XSS13.css';</style>",
]
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-1+1",
    "@SUM(1)",
    "＝1+1",
    '=HYPERLINK("http://evil.example","点我")',
]
_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_OUTPUT_HTML = ("report.html", "maps/index.html", "maps/platform_map.html")
_MAPS = ("maps/treatment_map.html", "maps/efficiency_map.html")


def _code(text: str) -> str:
    """A code as landeval normalises it (NFKC, no spaces, upper case)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def _poison(project: Path) -> dict[str, list[str]]:
    """Put the payloads into the project's text columns; return where they went."""
    firms = pd.read_csv(
        project / "firms.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    payloads = XSS + FORMULAS
    firms["name"] = [payloads[i % len(payloads)] for i in range(len(firms))]
    firms["address"] = [payloads[(i + 5) % len(payloads)] for i in range(len(firms))]
    firms["status"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(firms))]
    firms.to_csv(project / "firms.csv", index=False, encoding="utf-8-sig")

    veto = pd.read_csv(project / "veto.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    occupancy = pd.read_csv(
        project / "occupancy.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    veto = pd.DataFrame(
        {"uscc": occupancy["uscc"].iloc[:2], "year": "2024", "reason": [XSS[0], FORMULAS[0]]}
    )
    veto.to_csv(project / "veto.csv", index=False, encoding="utf-8-sig")

    # Parcel codes: three parcels renamed, in the layer and in the occupancy table alike.
    parcels = make_bad._parcels(project)
    renames = {
        parcels.loc[0, "parcel_id"]: XSS[1],
        parcels.loc[1, "parcel_id"]: FORMULAS[0],
        parcels.loc[2, "parcel_id"]: XSS[0],
    }
    parcels["parcel_id"] = parcels["parcel_id"].replace(renames)
    make_bad._save_parcels(project, parcels)
    occupancy["parcel_id"] = occupancy["parcel_id"].replace(renames)
    occupancy.to_csv(project / "occupancy.csv", index=False, encoding="utf-8-sig")

    zones = project / "zones.gpkg"
    import geopandas as gpd

    layers = {
        n: gpd.read_file(zones, layer=n) for n in ("platforms", "control_line", "land_changes")
    }
    layers["platforms"]["name"] = XSS[2]
    layers["platforms"]["kind"] = FORMULAS[3]
    zones.unlink()
    for name, gdf in layers.items():
        gdf.to_file(zones, layer=name, driver="GPKG")
    return {"parcel_ids": [_code(p) for p in renames.values()]}


@pytest.fixture(scope="module")
def poisoned_run(tmp_path_factory):
    """Run the poisoned project in-process with every socket call refused."""
    root = tmp_path_factory.mktemp("security")
    project = make_bad.make_base(root / "project")
    where = _poison(project)
    attempts: list[str] = []

    def refuse(*args, **_kwargs):
        attempts.append(repr(args)[:200])
        msg = "network access is blocked in this test"
        raise OSError(msg)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket.socket, "connect_ex", refuse)
        mp.setattr(socket, "create_connection", refuse)
        mp.setattr(socket, "getaddrinfo", refuse)
        result = pipeline.run(project, root / "out", maps=True)
    return {"out": root / "out", "result": result, "attempts": attempts, **where}


def test_the_whole_pipeline_runs_with_sockets_blocked(poisoned_run):
    assert poisoned_run["attempts"] == []
    files = poisoned_run["result"].files
    assert {"store", "geopackage", "workbook", "csv", "report", "maps"} <= set(files)
    parcels = poisoned_run["result"].tables["parcel_eval"]
    assert set(poisoned_run["parcel_ids"]) <= set(parcels["parcel_id"])


class _Markup(HTMLParser):
    """Collects what would run: element attributes and script contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self.tags: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v or "") for k, v in attrs)
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.mark.parametrize("page", _OUTPUT_HTML + _MAPS)
def test_html_outputs_hold_no_payload_as_markup(poisoned_run, page):
    text = (poisoned_run["out"] / page).read_text(encoding="utf-8")
    parser = _Markup()
    parser.feed(text)
    for tag, name, value in parser.attrs:
        assert "XSS" not in name and "XSS" not in value, (tag, name, value[:200])
    for script in parser.scripts:
        # A payload inside a script is harmless only as escaped data: never its raw call.
        assert "alert('XSS" not in script, script[script.find("alert('XSS") - 200 :][:400]
        assert "@import 'http://evil" not in script
    for payload in XSS:
        if "<" in payload or '"' in payload:
            assert payload not in text, payload
    assert "49XSS5" not in text  # {{7*7}} was never evaluated by a template
    assert "evil.example" not in " ".join(v for _t, _n, v in parser.attrs)


def test_maps_carry_the_payloads_as_text(poisoned_run):
    # The payloads did reach the maps (else the test above would prove nothing).
    text = (poisoned_run["out"] / "maps" / "treatment_map.html").read_text(encoding="utf-8")
    assert "XSS1" in text and "XSS2" in text and "XSS3" in text


@pytest.mark.slow
@pytest.mark.browser
def test_no_dialog_fires_in_the_treatment_map(poisoned_run):
    from tests.maps.test_browser import CHROMIUM, CHROMIUM_ARGS, Opened

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    page = poisoned_run["out"] / "maps" / "treatment_map.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            o = Opened(browser, page)
            for parcel_id in poisoned_run["parcel_ids"]:
                # The map's data hold text HTML-escaped; the popup shows it decoded.
                o.click_feature("parcels", "parcel_id", html.escape(parcel_id))
                assert parcel_id in o.popup_text()  # shown as text
            o.page.wait_for_timeout(300)
            assert o.dialogs == []
            assert o.requests == []
            assert o.errors == []
        finally:
            browser.close()


def _neutral(value: str) -> bool:
    return not value.startswith(_STARTS)


def test_workbook_has_no_formula_and_neutralises_every_payload(poisoned_run):
    book = openpyxl.load_workbook(poisoned_run["out"] / "actions.xlsx")
    seen: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert _neutral(cell.value), (sheet.title, cell.coordinate, cell.value)
                    if cell.value.startswith("'"):
                        seen.add(cell.value[1:])
    normalised = {unicodedata.normalize("NFKC", f) for f in FORMULAS}
    # The firm names reach the 企业评价 sheet, the parcel code the action sheets.
    assert normalised & seen, seen
    assert _code(FORMULAS[0]) in seen


def test_csv_neutralises_every_payload(poisoned_run):
    path = poisoned_run["out"] / "actions.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    payloads = {unicodedata.normalize("NFKC", f) for f in FORMULAS} | {_code(FORMULAS[0])}
    fields = [f for row in rows for f in row]
    assert not payloads & set(fields), payloads & set(fields)
    assert any(f.startswith("'") and f[1:] in payloads for f in fields)

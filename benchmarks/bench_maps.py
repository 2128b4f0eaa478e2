"""Benchmark of the offline maps: build time, page size, load-to-interactive in Chromium.

Usage::

    python benchmarks/bench_maps.py [--parcels 30000] [--out DIR]
    landeval run --out out && python benchmarks/bench_maps.py --screenshots maps --from-dir out/maps

The synthetic parcels come from ``tests/maps/test_fixture.py`` (a grid around the demo's
platform anchors near Shaoxing, EPSG:4549). ``--screenshots`` writes the README's pictures
(``maps/*.png``) from the pages of a run on the demo (``--from-dir out/maps``). Each page is
opened in headless Debian Chromium with every non-file request aborted (and counted).
"Interactive" is measured from the start of navigation until a click on a parcel has opened
its popup.
Budgets (issue 8): a 30,000-parcel page under 12 MB and interactive within 5 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from landeval.config import default_config
from landeval.maps import write_maps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.maps.test_fixture import make_map_inputs  # noqa: E402 (run from anywhere)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAPS = ("platform_map", "treatment_map", "efficiency_map")

_CLICK_A_PARCEL = """() => {
    const d = LANDEVAL.datasets.parcels;
    const i = d.groupsOf.findIndex(gs => gs && gs.some(g => LANDEVAL.map.hasLayer(g)));
    const at = LANDEVAL.pointIn('parcels', i);
    LANDEVAL.map.setView(at, 17, {animate: false});
    const pt = LANDEVAL.map.latLngToContainerPoint(at);
    const r = LANDEVAL.map.getContainer().getBoundingClientRect();
    return [r.left + pt.x, r.top + pt.y];
}"""


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, blocked, errors


def measure(browser, path: Path) -> dict[str, float | int]:
    """Load a page, then click a parcel; seconds to the load event and to the popup."""
    page, blocked, errors = _open(browser, path)
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    loaded = time.perf_counter() - t0
    x, y = page.evaluate(_CLICK_A_PARCEL)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content")
    interactive = time.perf_counter() - t0
    features = page.evaluate("LANDEVAL.drawn(null, 'parcels')")
    page.close()
    return {
        "load_s": loaded,
        "interactive_s": interactive,
        "features": features,
        "blocked_requests": len(blocked),
        "errors": len(errors),
    }


_FRAME_PLATFORM = """name => {
    // Frame the platform with the most parcels; returns its index in the platforms dataset.
    const d = LANDEVAL.datasets.parcels;
    const count = {};
    d.props.forEach(p => { count[p.platform_name] = (count[p.platform_name] || 0) + 1; });
    const best = name || Object.keys(count).filter(k => k !== 'null' && k !== 'undefined')
        .sort((a, b) => count[b] - count[a])[0];
    let bounds = null;
    d.props.forEach((p, i) => {
        if (!d.boxes[i] || p.platform_name !== best) { return; }
        const b = LANDEVAL.bounds('parcels', i);
        bounds = bounds ? bounds.extend(b) : b;
    });
    LANDEVAL.map.fitBounds(bounds, {animate: false, padding: [40, 40]});
    return best;
}"""

_OPEN_PARCEL = """([best, treatment]) => {
    // Open the popup of the parcel of that treatment nearest the centre of the view.
    const d = LANDEVAL.datasets.parcels, c = LANDEVAL.map.getCenter();
    let pick = -1, dist = Infinity;
    d.props.forEach((p, i) => {
        if (!d.groupsOf[i] || p.platform_name !== best) { return; }
        if (treatment ? p.treatment !== treatment : (p.treatment === 'KEEP' || p.cat === 'B')) {
            return;
        }
        const q = LANDEVAL.bounds('parcels', i).getCenter();
        const dd = Math.hypot(q.lat - c.lat, q.lng - c.lng);
        if (dd < dist) { dist = dd; pick = i; }
    });
    if (pick >= 0) { LANDEVAL.openPopup(d, pick, LANDEVAL.pointIn('parcels', pick)); }
}"""

_OPEN_PLATFORM = """best => {
    // Zoom out a step to show the platforms around, and open the platform's popup.
    LANDEVAL.map.setZoom(LANDEVAL.map.getZoom() - 2, {animate: false});
    const d = LANDEVAL.datasets.platforms;
    const i = d.props.findIndex(p => p.name === best);
    if (i >= 0) { LANDEVAL.openPopup(d, i, LANDEVAL.bounds('platforms', i).getCenter()); }
}"""


def screenshots(browser, maps_dir: Path, png_dir: Path) -> list[Path]:
    """PNG of each map, framed on the platform with most parcels, a popup open.

    The platform map shows the platform's own popup (its growth against the target), the
    treatment map a 功能转型 parcel (with the 改一补一 item under it one link away), the
    efficiency map a parcel of a low class.
    """
    png_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in MAPS:
        page, _, _ = _open(browser, maps_dir / f"{name}.html")
        page.goto((maps_dir / f"{name}.html").as_uri(), wait_until="load")
        best = page.evaluate(_FRAME_PLATFORM, None)
        if name == "platform_map":
            page.evaluate(_OPEN_PLATFORM, best)
        else:
            treatment = "CONVERT" if name == "treatment_map" else None
            page.evaluate(_OPEN_PARCEL, [best, treatment])
        page.wait_for_timeout(400)
        out = png_dir / f"{name}.png"
        page.screenshot(path=str(out))
        written.append(out)
        page.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=30_000)
    parser.add_argument("--out", type=Path, default=None, help="where to write the pages")
    parser.add_argument("--from-dir", type=Path, default=None, help="measure existing pages")
    parser.add_argument("--screenshots", type=Path, default=None, help="write PNGs here")
    args = parser.parse_args()

    maps_dir = args.from_dir
    if maps_dir is None:
        maps_dir = args.out or Path(tempfile.mkdtemp(prefix="bench_maps_"))
        data = make_map_inputs(args.parcels)
        t0 = time.perf_counter()
        write_maps(**data, config=default_config(), year=2024, out_dir=maps_dir)
        print(f"write_maps, {args.parcels:,} parcels: {time.perf_counter() - t0:.1f} s")
    print(f"pages in {maps_dir}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print(
            f"{'map':<16}{'MB':>7}{'load s':>9}{'interactive s':>15}{'parcels':>10}"
            f"{'blocked':>9}{'errors':>8}"
        )
        measure(browser, maps_dir / f"{MAPS[0]}.html")  # warm-up: a fresh browser is slower
        for name in MAPS:
            path = maps_dir / f"{name}.html"
            m = measure(browser, path)
            print(
                f"{name:<16}{path.stat().st_size / 1e6:>7.2f}{m['load_s']:>9.2f}"
                f"{m['interactive_s']:>15.2f}{m['features']:>10,}{m['blocked_requests']:>9}"
                f"{m['errors']:>8}"
            )
        if args.screenshots:
            for out in screenshots(browser, maps_dir, args.screenshots):
                print(f"screenshot {out} ({out.stat().st_size / 1e3:.0f} kB)")
        browser.close()


if __name__ == "__main__":
    main()

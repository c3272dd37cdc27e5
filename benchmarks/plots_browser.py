"""Plots in headless Chromium: the first scatter drawn, and a lasso reaching 4 linked plots.

Run: ``.venv/bin/python benchmarks/plots_browser.py [--rows 100000] [--rounds 9] [--million]``
(``make bench-plots``)

It builds the plots' test page (frontend/plots-harness.html) with Vite, serves it with the site's
Content-Security-Policy, and opens it in Chromium with 4 plots of one generated source held in the
page: a scatter of x against y, a scatter of colour against mag coloured by flux, a histogram of mag
and a line of mag against x. Chromium here draws WebGL in software (SwiftShader), so the figures are
an upper bound of what a GPU does. ``name: value`` lines:

- ``first_scatter_ms``: from the page's script starting (source generated, plots created) to the first
  scatter's points drawn (columns fetched from the store, axis space, upload, draw, copy to its canvas);
- ``all_plots_ms``: the same until all 4 have drawn;
- ``lasso_to_4_plots_ms_p50`` / ``_max``: from the store receiving a lasso drawn with the mouse on the
  first plot (its mask evaluated in the page, as the real store does for columns it holds) to the
  last of the 4 plots having drawn the highlight, over ``--rounds`` lassos of different sizes;
- ``selected_rows_p50``: how many rows those lassos held.
``--million`` also runs 10^6 rows (lines ending ``_1e6``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.plots_harness import build, serve

KINDS = "scatter,colour,histogram,line"
READY = "() => window.harness && window.harness.plots.every(p => p.dataset.ready === '1')"
DRAWN_AFTER = """([at]) => window.harness.plots.every(p => p.lastDrawnAt !== null && p.lastDrawnAt >= at)"""


def lasso(page: Any, size: float) -> None:
    """A lasso drawn with the mouse on the first plot: a diamond of half-width `size` (grid units) about the middle."""
    centre = page.evaluate("Math.sqrt(window.harness.rows) / 2")
    corners = [(centre - size, centre), (centre, centre - size), (centre + size, centre), (centre, centre + size)]
    points = [page.evaluate("([x, y]) => window.harness.plots[0].clientPoint(x, y)", [x, y]) for x, y in corners]
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in [*points[1:], points[0]]:
        page.mouse.move(*point, steps=8)
    page.mouse.up()


def run(browser: Any, base: str, rows: int, rounds: int, suffix: str) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{base}/plots-harness.html?rows={rows}&kinds={KINDS}")
    page.wait_for_function(READY, timeout=600_000)
    first = page.evaluate("window.harness.plots[0].firstDrawnAt - window.harness.started")
    every = page.evaluate("Math.max(...window.harness.plots.map(p => p.firstDrawnAt)) - window.harness.started")
    page.click("[data-testid=plot-0] [data-testid=plot-lasso]")
    latencies: list[float] = []
    selected: list[int] = []
    side = rows**0.5
    for i in range(rounds):
        lasso(page, side * (0.1 + 0.3 * (i % 3) / 2))
        at = page.evaluate("window.harness.store.received.at(-1).at")
        page.wait_for_function(DRAWN_AFTER, arg=[at], timeout=600_000)
        last = page.evaluate("Math.max(...window.harness.plots.map(p => p.lastDrawnAt))")
        latencies.append(last - at)
        selected.append(int(page.evaluate("window.harness.plots[0].dataset.highlighted")))
    page.close()
    print(f"rows{suffix}: {rows}")
    print(f"first_scatter_ms{suffix}: {first:.0f}")
    print(f"all_plots_ms{suffix}: {every:.0f}")
    print(f"lasso_to_4_plots_ms_p50{suffix}: {statistics.median(latencies):.0f}")
    print(f"lasso_to_4_plots_ms_max{suffix}: {max(latencies):.0f}")
    print(f"selected_rows_p50{suffix}: {statistics.median(selected):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--million", action="store_true", help="also run 10^6 rows (slow in software WebGL)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        dist = build(Path(folder) / "dist")
        with serve(dist) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                run(browser, base, args.rows, args.rounds, "")
                if args.million:
                    run(browser, base, 1_000_000, max(3, args.rounds // 3), "_1e6")
            finally:
                browser.close()


if __name__ == "__main__":
    main()

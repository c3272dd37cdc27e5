"""Linked views in the real app: the real server (started as `make run` starts it) and headless Chromium.

Run: ``.venv/bin/python benchmarks/linked_browser.py [--rows 100000] [--rounds 7] [--million]``
(``make bench-linked``)

A FITS table of ``--rows`` stars (RA, DEC, mag, g_r, x, y) is opened from the file browser with a
click, as a user opens it: the app describes it and adds a table view and a first plot. Then lassos
drawn with the mouse on that plot, first with it alone on the page (the baseline), then with 4 plots
(sky, colour-magnitude, a histogram of mag, x against y) and the table. Chromium draws WebGL in
software here (SwiftShader): the figures are an upper bound of what a GPU does. ``name: value`` lines:

- ``open_to_first_plot_ms``: from the click on the file to the first plot's data drawn (describe,
  columns fetched over HTTP, upload, draw); ``first_plot_kind`` says whether it is a scatter or, past
  200,000 rows, the density view; then ``density_to_scatter_ms`` is a plot of the same columns
  switched from the density view to a scatter in its menu, from the choice to the points drawn
  (the columns fetched, uploaded and drawn);
- ``lasso_to_1_plot_ms_p50``: from the mouse released at the end of a lasso to the plot having drawn
  the highlight, with only that plot on the page;
- ``lasso_to_4_plots_and_table_ms_p50`` / ``_max``: the same until all 4 plots have drawn it and the
  table shows it;
- ``ratio_4_plots_and_table_to_1_plot``: the medians' ratio, in the same run;
- ``selected_rows_p50``: how many rows those lassos held;
- ``lasso_to_<kind>_<x>_ms_p50``, ``lasso_to_table_ms_p50``: the same to each view of the 4 and the table.
``--million`` also runs 10^6 rows (lines ending ``_1e6``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from astropy.io import fits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.test_browser import PASSWORD, running_site

PLOTS = "document.querySelectorAll('toyz-plot')"
# Remembers when the user last clicked and last released the mouse (capture phase: before the app hears it).
WATCH = """() => {
  document.addEventListener('click', () => { window.__clickAt = performance.now(); }, true);
  window.addEventListener('pointerup', () => { window.__upAt = performance.now(); }, true);
  document.addEventListener('change', () => { window.__changeAt = performance.now(); }, true);
}"""
# When each view last showed a selection, by a name saying what it shows.
EACH_VIEW = """() => Object.fromEntries([
  ...[...document.querySelectorAll('toyz-plot')].map(p => [`${p.state.kind}_${p.state.x}`, p.lastDrawnAt]),
  ...[...document.querySelectorAll('toyz-table')].map(t => ['table', t.selectionShownAt])])"""
DRAWN_AFTER = """([at, table]) => [...document.querySelectorAll('toyz-plot')].every(p => p.lastDrawnAt >= at)
  && (!table || document.querySelector('toyz-table').selectionShownAt >= at)"""


def write_stars(path: Path, rows: int) -> None:
    """A FITS binary table of `rows` stars over a 0.5-degree field, with magnitudes and a colour."""
    rng = np.random.default_rng(10)
    x, y = rng.uniform(0, 4096, rows), rng.uniform(0, 4096, rows)
    columns = [
        fits.Column(name="RA", format="D", unit="deg", array=150.0 + x * 0.5 / 4096),
        fits.Column(name="DEC", format="D", unit="deg", array=2.0 + y * 0.5 / 4096),
        fits.Column(name="mag", format="E", unit="mag", array=rng.normal(20, 1.5, rows)),
        fits.Column(name="g_r", format="E", unit="mag", array=rng.normal(0.6, 0.3, rows)),
        fits.Column(name="x", format="E", unit="pix", array=x),
        fits.Column(name="y", format="E", unit="pix", array=y),
    ]
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(columns, name="STARS")]).writeto(path)


def lasso(page: Any, plot: Any, size: float) -> None:
    """A diamond lasso drawn with the mouse about the middle of the field, `size` degrees across."""
    ra, dec = 150.25, 2.25
    corners = [(ra - size, dec), (ra, dec - size), (ra + size, dec), (ra, dec + size)]
    points = [plot.evaluate("(p, [x, y]) => p.clientPoint(x, y)", [x, y]) for x, y in corners]
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in [*points[1:], points[0]]:
        page.mouse.move(*point, steps=8)
    page.mouse.up()


def lassos(page: Any, plot: Any, rounds: int, table: bool) -> tuple[list[float], list[int], dict[str, list[float]]]:
    """Milliseconds from each lasso's mouse release on `plot` to every plot (and the table) showing it;
    the rows selected; and the milliseconds to each view by name."""
    plot.locator("[data-testid=plot-lasso]").click()
    latencies, selected = [], []
    each: dict[str, list[float]] = {}
    for i in range(rounds):
        lasso(page, plot, 0.05 + 0.15 * (i % 3) / 2)
        at = page.evaluate("window.__upAt")
        page.wait_for_function(DRAWN_AFTER, arg=[at, table], timeout=600_000)
        views = page.evaluate(EACH_VIEW)
        for name, when in views.items():
            each.setdefault(name, []).append(when - at)
        latencies.append(max(views.values()) - at)
        selected.append(int(plot.evaluate("p => p._selected ?? 0")))
    return latencies, selected, each


def set_plot(plot: Any, kind: str, x: str, y: str | None) -> None:
    """Chooses a plot's kind and columns in its own toolbar, and waits for it to draw them."""
    drawn = plot.evaluate("p => p.renderCount")
    plot.locator("[data-testid=plot-kind]").select_option(kind)
    plot.locator("[data-testid=plot-x]").select_option(x)
    if y:
        plot.locator("[data-testid=plot-y]").select_option(y)
    plot.page.wait_for_function(
        "([p, kind, x, n]) => p.state.kind === kind && p.state.x === x && !p._busy && p.renderCount > n",
        arg=[plot.element_handle(), kind, x, drawn], timeout=600_000,
    )  # fmt: skip


def add_plot(page: Any) -> Any:
    """The toolbar's Add plot; the new plot (tiles are not in the page's order of adding)."""
    before = page.evaluate(f"[...{PLOTS}].map(p => p.tileId)")
    page.locator("[data-testid=add-plot]").click()
    page.wait_for_function(f"n => {PLOTS}.length === n", arg=len(before) + 1)
    (new,) = set(page.evaluate(f"[...{PLOTS}].map(p => p.tileId)")) - set(before)
    return page.locator(f'[data-testid=tile][data-tile-id="{new}"] toyz-plot')


def close_tile(page: Any, tile_id: str) -> None:
    page.locator(f'[data-testid=tile][data-tile-id="{tile_id}"] [data-testid=tile-close]').click()


def run(browser: Any, base: str, name: str, rounds: int, suffix: str) -> None:
    page = browser.new_page(viewport={"width": 1600, "height": 1100})
    page.goto(f"{base}/workspaces/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/workspaces/")
    page.fill("#id_name", f"bench {name}")
    page.locator("form:has(#id_name) button[type=submit]").click()
    page.wait_for_url("**/workspaces/*/")
    page.wait_for_selector("[data-testid=connection][data-state=open]")
    page.evaluate(WATCH)
    page.locator('[data-testid=entry][data-name="bench"]').click()
    page.locator(f'[data-testid=entry][data-name="{name}"]').click()
    page.wait_for_function(f"() => {PLOTS}.length === 1 && {PLOTS}[0].firstDrawnAt !== null", timeout=600_000)
    first = page.evaluate(f"{PLOTS}[0].firstDrawnAt - window.__clickAt")
    kind = page.evaluate(f"{PLOTS}[0].state.kind")
    print(f"open_to_first_plot_ms{suffix}: {first:.0f}")
    print(f"first_plot_kind{suffix}: {kind}")
    if kind != "scatter":
        # A density view first: the scatter the user asks for next, of the same columns.
        added = add_plot(page)
        page.wait_for_function("p => p.renderCount > 0 && !p._busy", arg=added.element_handle(), timeout=600_000)
        drawn = added.evaluate("p => p.renderCount")
        added.locator("[data-testid=plot-kind]").select_option("scatter")
        page.wait_for_function(
            "([p, n]) => p.state.kind === 'scatter' && !p._busy && p.renderCount > n",
            arg=[added.element_handle(), drawn], timeout=600_000,
        )  # fmt: skip
        scatter = added.evaluate("p => p.lastDrawnAt") - page.evaluate("window.__changeAt")
        print(f"density_to_scatter_ms{suffix}: {scatter:.0f}")
        close_tile(page, str(page.evaluate(f"[...{PLOTS}].find(p => p.state.kind === 'density').tileId")))
        page.wait_for_function(f"() => {PLOTS}.length === 1 && {PLOTS}[0].state.kind === 'scatter'")

    # The baseline: the lassoed plot alone on the page.
    close_tile(page, str(page.evaluate("document.querySelector('toyz-table').tileId")))
    page.wait_for_function("() => !document.querySelector('toyz-table')")
    sky = page.locator(f'[data-testid=tile][data-tile-id="{page.evaluate(f"{PLOTS}[0].tileId")}"] toyz-plot')
    alone, _, _ = lassos(page, sky, rounds, table=False)

    # 4 plots and the table.
    page.locator("[data-testid=add-table]").click()
    for kind, x, y in (("scatter", "g_r", "mag"), ("histogram", "mag", None), ("scatter", "x", "y")):
        set_plot(add_plot(page), kind, x, y)
    page.wait_for_function(f"() => {PLOTS}.length === 4 && document.querySelector('toyz-table')")
    linked, selected, each = lassos(page, sky, rounds, table=True)
    page.close()
    print(f"lasso_to_1_plot_ms_p50{suffix}: {statistics.median(alone):.0f}")
    print(f"lasso_to_4_plots_and_table_ms_p50{suffix}: {statistics.median(linked):.0f}")
    print(f"lasso_to_4_plots_and_table_ms_max{suffix}: {max(linked):.0f}")
    print(f"ratio_4_plots_and_table_to_1_plot{suffix}: {statistics.median(linked) / statistics.median(alone):.2f}")
    print(f"selected_rows_p50{suffix}: {statistics.median(selected):.0f}")
    for name, values in sorted(each.items()):
        print(f"lasso_to_{name}_ms_p50{suffix}: {statistics.median(values):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--million", action="store_true", help="also run 10^6 rows (slow in software WebGL)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, running_site(Path(folder)) as site:
        bench = site["data"] / "bench"
        bench.mkdir()
        sizes = [(args.rows, "")] + ([(1_000_000, "_1e6")] if args.million else [])
        for rows, _ in sizes:
            write_stars(bench / f"stars-{rows}.fits", rows)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for rows, suffix in sizes:
                    print(f"rows{suffix}: {rows}")
                    run(browser, site["base"], f"stars-{rows}.fits", args.rounds if not suffix else 3, suffix)
            finally:
                browser.close()


if __name__ == "__main__":
    main()

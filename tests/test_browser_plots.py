"""<toyz-plot> in real Chromium (WebGL in software), over a generated source in the plots' test page.

The page (frontend/plots-harness.html, built here with Vite) holds a 100 × 100 grid source (x, y in
pixels, plus mag, flux, colour) in a fake SourceStore and is served with the site's
Content-Security-Policy. What is checked comes from the pixels the plots drew and the selection
states they sent: points drawn on one shared WebGL context, a lasso and a box drawn with the mouse
selecting exactly the grid rows inside them in every plot, reversed and log axes moving the picture.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.plots_harness import build, serve
from tests.test_browser import browser, watch_csp

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the module-scoped Chromium of tests/test_browser.py, used here by name

SIDE = 100
ROWS = SIDE * SIDE
# Always functions: Playwright evaluates a bare expression with eval, which the page's CSP refuses.
READY = "() => window.harness && window.harness.plots.every(p => p.dataset.ready === '1')"

# Pixels of a plot's points canvas: how many are drawn, and where the selected (warm yellow) ones are.
POINT_PIXELS = """([index]) => {
  const canvas = window.harness.plots[index].querySelector('canvas.plot-points');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0, selected = 0, sx = 0, sy = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    drawn++;
    if (data[i] > 220 && data[i + 1] > 170 && data[i + 1] < 235 && data[i + 2] < 130) {
      selected++;
      const p = i / 4;
      sx += p % canvas.width;
      sy += Math.floor(p / canvas.width);
    }
  }
  return {drawn, selected, cx: sx / Math.max(selected, 1) / canvas.width,
          cy: sy / Math.max(selected, 1) / canvas.height};
}"""

# Pixels of a uPlot chart (the histogram): how many are the selected bars' colour.
CHART_SELECTED = """([index]) => {
  const canvas = window.harness.plots[index].querySelector('.uplot canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4)
    if (data[i] > 220 && data[i + 1] > 170 && data[i + 1] < 235 && data[i + 2] < 130) n++;
  return n;
}"""


def inside(xs: np.ndarray, ys: np.ndarray, polygon: list[list[float]]) -> np.ndarray:
    """The even-odd rule, written as the page's geometry.insidePolygon is."""
    result = np.zeros(xs.shape, dtype=bool)
    n = len(polygon)
    for i in range(n):
        xi, yi = polygon[i]
        xj, yj = polygon[i - 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            crosses = ((yi > ys) != (yj > ys)) & (xs < (xj - xi) * (ys - yi) / (yj - yi) + xi)
        result ^= crosses
    return result


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dist = build(tmp_path_factory.mktemp("plots-harness") / "dist")
    with serve(dist) as base:
        yield base


@pytest.fixture
def open_harness(harness: str, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    csp_violations = watch_csp(context)
    errors: list[str] = []

    def open_page(query: str) -> Any:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{harness}/plots-harness.html?{query}")
        page.wait_for_function(READY, timeout=60_000)
        return page

    yield open_page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not csp_violations, f"Content-Security-Policy violations: {csp_violations}"


def client_point(page: Any, plot: int, x: float, y: float) -> tuple[float, float]:
    point = page.evaluate("([i, x, y]) => window.harness.plots[i].clientPoint(x, y)", [plot, x, y])
    assert point is not None
    return float(point[0]), float(point[1])


def drag(page: Any, points: list[tuple[float, float]]) -> None:
    page.mouse.move(*points[0])
    page.mouse.down()
    for a, b in itertools.pairwise(points):
        page.mouse.move(*b, steps=max(2, int(np.hypot(b[0] - a[0], b[1] - a[1]) // 6)))
    page.mouse.up()


def wait_highlighted(page: Any, plot: int, count: int) -> None:
    page.wait_for_function(
        "([i, n]) => window.harness.plots[i].dataset.highlighted === String(n)", arg=[plot, count], timeout=20_000
    )


def grid() -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(ROWS)
    return (rows % SIDE).astype(float), (rows // SIDE).astype(float)


def test_every_kind_draws_its_data_on_one_shared_webgl_context(open_harness: Any) -> None:
    page = open_harness("rows=10000&kinds=scatter,colour,density,histogram")
    assert page.evaluate("window.harness.plots.map(p => p.dataset.points)") == ["10000", "10000", "10000", "50"]
    # 10^4 grid points of 3 px: a good part of the area is covered.
    for plot in (0, 1, 2):
        drawn = page.evaluate(POINT_PIXELS, [plot])["drawn"]
        assert drawn > 20_000, (plot, drawn)
    # Scatter plots share the one WebGL context; the density view needs none.
    assert page.evaluate("window.harness.contexts()") == 1
    # Coloured by flux through the server's colormap, with a colorbar.
    assert page.locator("[data-testid=plot-1] [data-testid=plot-colorbar]").is_visible()
    assert page.locator("[data-testid=plot-0] [data-testid=plot-colorbar]").count() == 0
    # Axis labels carry the units.
    assert page.evaluate("window.harness.plots[0].querySelector('[data-testid=plot-x] option:checked').value") == "x"


def test_a_lasso_drawn_with_the_mouse_selects_the_rows_inside_it_in_every_plot(open_harness: Any) -> None:
    page = open_harness("rows=10000&kinds=scatter,histogram")
    page.click("[data-testid=plot-0] [data-testid=plot-lasso]")
    corners = [(10.3, 10.3), (70.7, 12.2), (15.1, 66.6)]
    path = [client_point(page, 0, x, y) for x, y in corners]
    drag(page, [*path, path[0]])
    received = page.evaluate("window.harness.store.received.at(-1)")
    assert received["origin"] == "plot-0"
    state = received["state"]
    assert (state["kind"], state["x"], state["y"], state["xscale"], state["yscale"]) == (
        "lasso", "x", "y", "linear", "linear"
    )  # fmt: skip
    assert 3 <= len(state["points"]) <= 2000
    xs, ys = grid()
    expected = int(inside(xs, ys, state["points"]).sum())
    # About the triangle's area in grid points (the mouse's path is the triangle to a pixel or so).
    assert 1500 < expected < 2000
    wait_highlighted(page, 0, expected)
    wait_highlighted(page, 1, expected)
    pixels = page.evaluate(POINT_PIXELS, [0])
    assert pixels["selected"] > 2000
    # The selected points sit in the triangle's lower left (y up): x and y well below the middle.
    assert pixels["cx"] < 0.45 and pixels["cy"] > 0.55, pixels
    assert page.evaluate(CHART_SELECTED, [1]) > 200


def test_a_box_selects_the_grid_rows_inside_it(open_harness: Any) -> None:
    page = open_harness("rows=10000&kinds=scatter")
    page.click("[data-testid=plot-0] [data-testid=plot-box]")
    drag(page, [client_point(page, 0, 19.5, 40.5), client_point(page, 0, 40.5, 29.5)])
    state = page.evaluate("window.harness.store.received.at(-1).state")
    assert state["kind"] == "box"
    assert state["x0"] == pytest.approx(19.5, abs=0.3) and state["x1"] == pytest.approx(40.5, abs=0.3)
    assert state["y0"] == pytest.approx(29.5, abs=0.3) and state["y1"] == pytest.approx(40.5, abs=0.3)
    wait_highlighted(page, 0, 21 * 11)
    page.click("[data-testid=plot-0] [data-testid=plot-clear]")
    wait_highlighted(page, 0, 0)


def test_reversed_and_log_axes_move_the_picture(open_harness: Any) -> None:
    page = open_harness("rows=10000&kinds=scatter")
    # The rows of the grid's lower-left corner, selected from elsewhere (say, a table).
    page.evaluate(
        "window.harness.store.select({kind: 'box', x: 'x', y: 'y', x0: 0, x1: 25, y0: 0, y1: 25,"
        " xscale: 'linear', yscale: 'linear'}, 'elsewhere')"
    )
    wait_highlighted(page, 0, 26 * 26)
    before = page.evaluate(POINT_PIXELS, [0])
    assert before["cx"] < 0.3 and before["cy"] > 0.7, before
    page.check("[data-testid=plot-0] [data-testid=plot-yreverse]")
    page.wait_for_function("() => window.harness.plots[0].state.yreverse && window.harness.plots[0].renderCount >= 3")
    flipped = page.evaluate(POINT_PIXELS, [0])
    assert flipped["cx"] < 0.3 and flipped["cy"] < 0.3, flipped
    page.check("[data-testid=plot-0] [data-testid=plot-xreverse]")
    page.wait_for_function("() => window.harness.plots[0].state.xreverse && window.harness.plots[0].renderCount >= 4")
    both = page.evaluate(POINT_PIXELS, [0])
    assert both["cx"] > 0.7 and both["cy"] < 0.3, both
    # The workspace heard each change, with the whole state.
    last = page.evaluate("window.harness.states.at(-1)")
    assert last["tileId"] == "plot-0" and last["state"]["xreverse"] and last["state"]["yreverse"]
    # A log x axis has no place for x = 0: that column of the grid is dropped.
    page.uncheck("[data-testid=plot-0] [data-testid=plot-xreverse]")
    page.check("[data-testid=plot-0] [data-testid=plot-xlog]")
    page.wait_for_function("() => window.harness.plots[0].dataset.points === String(10000 - 100)")
    logged = page.evaluate(POINT_PIXELS, [0])
    # On log10(x) the 25 selected columns 1..25 fill most of the width (log10 25 / log10 99 = 0.7).
    assert logged["cx"] > 0.4, logged


def test_hovering_a_point_shows_its_row(open_harness: Any) -> None:
    page = open_harness("rows=10000&kinds=colour,scatter")
    page.click("[data-testid=plot-1] [data-testid=plot-pan]")
    x, y = client_point(page, 1, 42, 17)
    page.mouse.move(x, y)
    hover = page.locator("[data-testid=plot-1] [data-testid=plot-hover]")
    hover.wait_for()
    assert hover.get_attribute("data-row") == str(17 * SIDE + 42)
    assert "42" in hover.inner_text() and "17" in hover.inner_text()


def test_the_wheel_zooms_and_the_view_is_saved(open_harness: Any) -> None:
    page = open_harness("rows=10000&kinds=scatter")
    x, y = client_point(page, 0, 50, 50)
    page.mouse.move(x, y)
    for _ in range(5):
        page.mouse.wheel(0, -100)
    # Each wheel step is its own event: wait for the state after all five, not for the first one saved.
    page.wait_for_function(
        "() => { const v = window.harness.states.at(-1)?.state.view; return !!v && v.x1 - v.x0 < 80; }"
    )
    view = page.evaluate("window.harness.states.at(-1).state.view")
    # Zoomed in about the pointer: a narrower view that still holds it.
    assert view["x1"] - view["x0"] < 80 and view["x0"] < 50 < view["x1"]
    assert view["y1"] - view["y0"] < 80 and view["y0"] < 50 < view["y1"]


def test_a_plot_moved_in_the_page_draws_its_points_again(open_harness: Any) -> None:
    # gridstack moves a tile's element when tiles are added: the plot is disconnected and connected again.
    page = open_harness("rows=10000&kinds=scatter,scatter")
    before = page.evaluate("window.harness.plots[0].renderCount")
    page.evaluate("() => { const p = window.harness.plots[0]; p.parentElement.append(p); }")
    page.wait_for_function(f"() => window.harness.plots[0].renderCount > {before}", timeout=20_000)
    assert page.evaluate(POINT_PIXELS, [0])["drawn"] > 20_000
    assert page.evaluate("window.harness.plots[0].clientPoint(50, 50)") is not None

"""A catalogue on the image in real Chromium: markers drawn on the focal plane, a shift-drag box
selecting rows, the selection highlighted, a click on a marker showing its row.

The workspace's source registry is stood in for by a small one made in the page (the same
interface as frontend/src/sources/types.ts), so this tests the viewer's side alone; the overlay
endpoint, the image and its tiles are the real server's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from astropy.table import Table

from tests.test_browser import browser, open_file, page, site, wait_for_pyramid_tiles, wait_for_render
from workers.imaging.synthetic import decam_like_stars

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name

pytestmark = pytest.mark.browser

# decam_small.fits of the first-run samples (workers/imaging/synthetic.py SAMPLES).
STARS = {"n_ccds": 4, "ccd_shape": (1024, 512), "seed": 1}

FAKE_REGISTRY = """({path, ids, ra, dec}) => {
  const listeners = new Set();
  let selection = null, mask = null;
  const spec = {id: "stars", kind: "file", path, table: 0, name: "decam_stars.csv", derived: [], selections: [], current: null};
  const store = {
    id: "stars",
    get spec() { return spec; },
    describe: async () => { throw new Error("not here"); },
    column: async () => { throw new Error("not here"); },
    rows: async (q) => ({total: ids.length, start: q.start, index: [q.start], columns: ["id", "RA", "DEC"],
                         cells: [[ids[q.start], ra[q.start], dec[q.start]]]}),
    get selection() { return selection; },
    mask: async () => mask,
    select(state, origin) {
      selection = state;
      mask = null;
      if (state) { mask = new Uint8Array(ids.length); for (const r of state.rows) mask[r] = 1; }
      window.__selections.push({state, origin});
      for (const l of listeners) l(state, mask, origin);
    },
    onSelection(l) { listeners.add(l); return () => listeners.delete(l); },
    density: async () => { throw new Error("not here"); },
  };
  window.__selections = [];
  const registry = {specs: [spec], get: (id) => id === "stars" ? store : null, add: () => store,
                    update() {}, remove() {}, onChange: () => () => {}};
  document.querySelector('toyz-image-viewer').sources = registry;
}"""


def screen_of(page: Any, x: float, y: float) -> tuple[float, float]:
    """The page position of viewer point (x, y)."""
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    px, py = page.evaluate(
        "([x, y]) => document.querySelector('toyz-image-viewer').view.map.getPixelFromCoordinate([x, y])", [x, y]
    )
    return box["x"] + px, box["y"] + py


def viewer_of(page: Any, sx: float, sy: float) -> tuple[float, float]:
    """The viewer point under page position (sx, sy)."""
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    x, y = page.evaluate(
        "([x, y]) => document.querySelector('toyz-image-viewer').view.map.getCoordinateFromPixel([x, y])",
        [sx - box["x"], sy - box["y"]],
    )
    return float(x), float(y)


def patch(page: Any, sx: float, sy: float, half: int = 10) -> np.ndarray:
    """The RGB pixels of the screen around (sx, sy)."""
    from PIL import Image

    shot = page.screenshot(clip={"x": sx - half, "y": sy - half, "width": 2 * half, "height": 2 * half})
    import io

    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def cyan(pixels: np.ndarray) -> int:
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(np.count_nonzero((b - r > 80) & (g - r > 60)))


def yellow(pixels: np.ndarray) -> int:
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(np.count_nonzero((r - b > 80) & (g - b > 60)))


def test_a_catalogue_is_drawn_selected_with_a_box_and_a_marker_shows_its_row(page: Any, site: dict[str, Any]) -> None:
    stars = decam_like_stars(**STARS)  # type: ignore[arg-type]
    n = stars["ra"].size
    folder = site["data"] / "catalogues"
    folder.mkdir(exist_ok=True)
    ids = np.arange(1000, 1000 + n)
    Table({"id": ids, "RA": stars["ra"], "DEC": stars["dec"]}).write(folder / "decam_stars.csv", format="ascii.csv")

    open_file(page, "samples", "decam_small.fits")
    wait_for_pyramid_tiles(page)
    page.evaluate(
        FAKE_REGISTRY,
        {
            "path": "catalogues/decam_stars.csv",
            "ids": ids.tolist(),
            "ra": stars["ra"].tolist(),
            "dec": stars["dec"].tolist(),
        },
    )
    # A star alone in its neighbourhood, well inside a CCD: centre the view on it at one image pixel per screen pixel.
    x, y = stars["x"] + 0.5, stars["y"] + 0.5
    crowd = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    np.fill_diagonal(crowd, np.inf)
    inner = (np.mod(x, 512 + 32) > 120) & (np.mod(x, 512 + 32) < 400) & (y > 150) & (y < 870)
    lone = int(np.flatnonzero(inner & (crowd.min(axis=1) > 25))[0])
    page.evaluate("document.querySelector('toyz-image-viewer').zoomToActualSize()")
    centred = page.evaluate(
        "([ra, dec]) => document.querySelector('toyz-image-viewer').centreOnSky(ra, dec)",
        [float(stars["ra"][lone]), float(stars["dec"][lone])],
    )
    assert centred
    wait_for_render(page)
    sx, sy = screen_of(page, float(x[lone]), float(y[lone]))
    before = patch(page, sx, sy)
    assert cyan(before) == 0

    # The Overlay menu lists the source; ticking it draws the markers.
    page.locator("[data-testid=overlay-menu] > summary").first.click()
    page.locator('[data-source="stars"] [data-testid=overlay-on]').first.check()
    page.locator("[data-testid=overlay-menu] > summary").first.click()  # closes the menu
    page.wait_for_function(
        "() => { const p = document.querySelector('toyz-image-viewer').catalogueOverlays.placed;"
        " return p.length === 1 && p[0].inside > 0; }",
        timeout=30_000,
    )
    placed = page.evaluate("document.querySelector('toyz-image-viewer').catalogueOverlays.placed[0]")
    assert placed["rows"] == n and 0 < placed["inside"] < n, placed
    page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    for _ in range(50):  # the markers reach the screen within a few frames
        if cyan(patch(page, sx, sy)) > 5:
            break
        page.wait_for_timeout(100)
    assert cyan(patch(page, sx, sy)) > 5, "no marker drawn around the star"
    assert "overlays" in page.evaluate("document.querySelector('toyz-image-viewer').state")

    # Shift-drag a box around the star: the rows inside are selected in the source, from this tile.
    corner0, corner1 = (sx - 70, sy - 60), (sx + 70, sy + 60)
    page.keyboard.down("Shift")
    page.mouse.move(*corner0)
    page.mouse.down()
    page.mouse.move(sx, sy, steps=4)
    page.mouse.move(*corner1, steps=4)
    page.mouse.up()
    page.keyboard.up("Shift")
    page.wait_for_function("() => window.__selections.length > 0", timeout=10_000)
    selection = page.evaluate("window.__selections.at(-1)")
    assert selection["state"]["kind"] == "rows" and selection["origin"] == page.evaluate(
        "document.querySelector('toyz-image-viewer').tileId"
    )
    (ax, ay), (bx, by) = viewer_of(page, *corner0), viewer_of(page, *corner1)
    x0, x1, y0, y1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)

    def within(margin: float) -> set[int]:
        keep = (x >= x0 + margin) & (x <= x1 - margin) & (y >= y0 + margin) & (y <= y1 - margin)
        return set(np.flatnonzero(keep).tolist())

    selected = set(selection["state"]["rows"])
    assert lone in selected and within(1.5) <= selected <= within(-1.5), (selected, within(0))
    for _ in range(50):
        if yellow(patch(page, sx, sy)) > 5:
            break
        page.wait_for_timeout(100)
    assert yellow(patch(page, sx, sy)) > 5, "the selected star is not highlighted"

    # A click on the marker shows its row.
    page.mouse.click(sx, sy)
    row = page.locator("[data-testid=overlay-row]").first
    row.wait_for(timeout=10_000)
    assert str(ids[lone]) in row.inner_text()

"""The coordinate grid and contours in real Chromium: a grid line drawn where the server's WCS puts
its sky positions, following a pan; contours computed by the job and drawn as paths."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser import browser, open_file, page, site, wait_for_pyramid_tiles
from tests.test_browser_overlay import patch

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name

pytestmark = pytest.mark.browser

VIEWER = "document.querySelector('toyz-image-viewer')"

GRID_FEATURE_AT = """([x, y, key]) => {
  const v = document.querySelector('toyz-image-viewer');
  const at = v.olMap.getPixelFromCoordinate([x, y]);
  let hit = false;
  v.olMap.forEachFeatureAtPixel(at, f => { if (f.get('grid') === key) hit = true; },
    {hitTolerance: 2, layerFilter: l => l.get('name') === 'grid'});
  return {hit, at};
}"""

GET = "async (url) => { const r = await fetch(url, {credentials: 'same-origin'}); return await r.json(); }"


def _api(page: Any, url: str) -> dict[str, Any]:
    return dict(page.evaluate(GET, url))


def _grid_fetches(page: Any) -> int:
    return int(page.evaluate(f"{VIEWER}.gridLayer.fetches"))


def _check_a_parallel(page: Any) -> None:
    """A parallel's vertex is where the server's sky→pixel puts (its RA, the parallel's Dec), and it is drawn there."""
    grid = page.evaluate(f"{VIEWER}.gridLayer.grid")
    image = page.evaluate(f"{VIEWER}.imageRef")
    parallels = [line for line in grid["lines"] if line["axis"] == "lat" and line["paths"]]
    assert parallels, grid
    line = parallels[len(parallels) // 2]
    path = max(line["paths"], key=len)
    k = (len(path) // 4) * 2  # a vertex in the middle of the piece
    x, y = path[k], path[k + 1]
    where = f"path={image['path']}&hdu={image['hdu']}&plane={image['plane']}"
    sky = _api(page, f"/api/imaging/pixel?{where}&x={x}&y={y}")
    back = _api(page, f"/api/imaging/world-to-pixel?{where}&ra={sky['ra']}&dec={line['value']}")
    assert abs(back["x"] - x) < 0.2 and abs(back["y"] - y) < 0.2, (x, y, back)
    found = page.evaluate(GRID_FEATURE_AT, [back["x"], back["y"], f"lat:{line['value']}"])
    assert found["hit"], found
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    sx, sy = box["x"] + found["at"][0], box["y"] + found["at"][1]
    pixels = patch(page, sx, sy, half=4)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    assert int(((g - r > 60) & (g - b > 20)).sum()) > 0, "no grid green drawn at the line's place"


def test_the_grid_follows_the_sky_and_the_view_and_contours_are_drawn(page: Any) -> None:
    open_file(page, "samples", "starfield.fits")
    wait_for_pyramid_tiles(page)
    page.locator("[data-testid=grid-toggle]").first.click()
    page.wait_for_function(f"() => {VIEWER}.gridLayer.grid !== null", timeout=30_000)
    _check_a_parallel(page)
    labels = page.evaluate(f"{VIEWER}.gridLayer.grid.lines.map(l => l.label)")
    assert any("h" in text for text in labels) and any("°" in text for text in labels)
    assert page.evaluate(f"{VIEWER}.state.grid") == {"on": True, "system": "icrs", "format": "sexagesimal"}

    # Pan by a third of the view: the grid is fetched again for the new box and still lies on the sky.
    before = _grid_fetches(page)
    extent_before = page.evaluate(f"{VIEWER}.olMap.getView().calculateExtent({VIEWER}.olMap.getSize())")
    page.evaluate(
        f"""() => {{ const view = {VIEWER}.olMap.getView(); const c = view.getCenter();
        const e = view.calculateExtent({VIEWER}.olMap.getSize());
        view.setCenter([c[0] + (e[2] - e[0]) / 3, c[1] + (e[3] - e[1]) / 5]); }}"""
    )
    page.wait_for_function(f"() => {VIEWER}.gridLayer.fetches > {before}", timeout=30_000)
    extent = page.evaluate(f"{VIEWER}.olMap.getView().calculateExtent({VIEWER}.olMap.getSize())")
    assert extent[0] > extent_before[0]
    xs = [v for line in page.evaluate(f"{VIEWER}.gridLayer.grid.lines") for path in line["paths"] for v in path[0::2]]
    assert min(xs) >= extent[0] - 1 and max(xs) <= extent[2] + 1
    _check_a_parallel(page)

    # Contours: the dialog starts from the display limits; Draw runs the job and draws its paths.
    page.locator("[data-testid=contours-button]").first.click()
    dialog = page.locator("[data-testid=contours-dialog]").first
    dialog.locator("input[name=count]").fill("4")
    dialog.locator("[data-testid=contours-draw]").click()
    page.wait_for_function(
        f"() => {{ const r = {VIEWER}.contourLayer.result; return r && r.paths.length > 0; }}", timeout=60_000
    )
    result = page.evaluate(f"{VIEWER}.contourLayer.result")
    assert len(result["levels"]) == 4
    drawn = page.evaluate(
        f"""() => {{ const v = {VIEWER}; const layer = v.olMap.getLayers().getArray().find(l => l.get('name') === 'contours');
        return layer.getSource().getFeatures().length; }}"""
    )
    assert drawn == len(result["paths"])
    assert page.locator("[data-testid=contours-summary]").first.inner_text().startswith(f"{len(result['paths'])} paths")
    assert page.evaluate(f"{VIEWER}.state.contours.count") == 4

    # "Save as regions": each path becomes a polygon (closed) or line region of the viewer, on the sky.
    page.evaluate(f"() => {VIEWER}.regions.clearAll()")
    page.locator("[data-testid=contours-save-regions]").first.click()
    page.wait_for_function(f"() => {VIEWER}.regions.list().length > 0", timeout=15_000)
    saved = page.evaluate(f"{VIEWER}.regions.list()")
    # All of them, or (past the viewer's limits) the longest, as the dialog says.
    summary = page.locator("[data-testid=contours-summary]").first.inner_text()
    assert f"saved {len(saved)} of {len(result['paths'])} as regions" in summary
    assert {r["shape"] for r in saved} <= {"polygon", "line"} and {r["frame"] for r in saved} == {"sky"}

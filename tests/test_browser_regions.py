"""Regions in real Chromium: a circle drawn with the mouse, moved by dragging, another deleted with the
Delete key, the regions found again after a reload (saved in the workspace), and a ds9 file imported.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser import browser, logged_in_page, open_file, page, site, wait_for_pyramid_tiles, wait_until_saved

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name

pytestmark = pytest.mark.browser

VIEWER = "document.querySelector('toyz-image-viewer')"


def screen_of(page: Any, x: float, y: float) -> tuple[float, float]:
    """The page position of viewer point (x, y)."""
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    px, py = page.evaluate(f"([x, y]) => {VIEWER}.olMap.getPixelFromCoordinate([x, y])", [x, y])
    return box["x"] + px, box["y"] + py


def drag(page: Any, start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=steps)
    page.mouse.up()


def regions(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate(f"() => {VIEWER}.regions.list()"))


def placed(page: Any, region_id: str) -> dict[str, Any]:
    return dict(page.evaluate(f"id => {VIEWER}.regions.placed(id)", region_id))


def wait_for_count(page: Any, n: int) -> None:
    page.wait_for_function(f"n => {VIEWER}.regions.list().length === n", arg=n, timeout=15_000)


def test_circles_are_drawn_moved_deleted_and_saved_and_a_ds9_file_is_imported(page: Any, site: dict[str, Any]) -> None:
    open_file(page, "samples", "starfield.fits")
    wait_for_pyramid_tiles(page)
    # Start from no regions (the module's page may be a workspace used before).
    page.evaluate(f"() => {VIEWER}.regions.clearAll()")
    page.locator("[data-testid=regions-menu] > summary").click()
    page.locator("[data-testid=region-tool-circle]").click()
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    resolution = float(page.evaluate(f"() => {VIEWER}.olMap.getView().getResolution()"))

    # Two circles by dragging from their centres (real pointer gestures).
    drag(page, (cx - 100, cy), (cx - 60, cy))
    wait_for_count(page, 1)
    drag(page, (cx + 100, cy), (cx + 130, cy))
    wait_for_count(page, 2)
    first, second = regions(page)
    assert first["shape"] == "circle" and second["shape"] == "circle"
    # starfield.fits has a WCS: the regions are kept on the sky.
    assert first["frame"] == "sky"
    where = placed(page, first["id"])
    assert where["size"][0] == pytest.approx(40 * resolution, rel=0.1)

    # Escape leaves the drawing tool; dragging the first circle moves it.
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => {VIEWER}.regions.activeTool === 'select'")
    sx, sy = screen_of(page, *where["points"][0])
    drag(page, (sx, sy), (sx + 30, sy + 20))
    page.wait_for_function(
        f"([id, x]) => Math.abs({VIEWER}.regions.placed(id).points[0][0] - x) > 1",
        arg=[first["id"], where["points"][0][0]],
    )
    moved = placed(page, first["id"])
    assert moved["points"][0][0] - where["points"][0][0] == pytest.approx(30 * resolution, abs=2 * resolution)
    assert moved["points"][0][1] - where["points"][0][1] == pytest.approx(-20 * resolution, abs=2 * resolution)
    assert moved["size"][0] == pytest.approx(where["size"][0], rel=1e-3)

    # A click selects the second; the Delete key removes it.
    tx, ty = screen_of(page, *placed(page, second["id"])["points"][0])
    page.mouse.click(tx, ty)
    page.wait_for_function(f"id => {VIEWER}.regions.selected()?.id === id", arg=second["id"])
    page.keyboard.press("Delete")
    wait_for_count(page, 1)
    kept = regions(page)[0]

    # The layout is saved shortly after a change: after a reload the region is there again.
    wait_until_saved(page)
    page.reload()
    page.wait_for_function(f"() => {VIEWER}?.regions.list().length === 1", timeout=20_000)
    again = regions(page)[0]
    assert again["id"] == kept["id"]
    assert again["points"][0] == pytest.approx(kept["points"][0], abs=1e-9)

    # A ds9 file of the data roots, read through the Regions menu.
    folder = site["data"] / "regionfiles"
    folder.mkdir(exist_ok=True)
    (folder / "two.reg").write_text(
        "# Region file format: DS9\nimage\nbox(100,100,20,10,30) # text={B}\npoint(50,60)\n"
    )
    wait_for_pyramid_tiles(page)
    page.locator("[data-testid=regions-menu] > summary").click()
    page.fill("[data-testid=regions-import-path]", "regionfiles/two.reg")
    page.locator("[data-testid=regions-import-path-go]").click()
    wait_for_count(page, 3)
    shapes = [r["shape"] for r in regions(page)]
    assert shapes == ["circle", "box", "point"]
    box_region = regions(page)[1]
    assert box_region["text"] == "B"
    # Imported in image pixels, kept on the sky, drawn where the file says (ds9's pixel 100 → viewer 99.5).
    assert placed(page, box_region["id"])["points"][0] == pytest.approx([99.5, 99.5], abs=0.1)
    assert page.locator("[data-testid=regions-list] li").count() == 3


def test_a_region_drawn_on_one_page_appears_on_a_collaborators_page(
    page: Any, site: dict[str, Any], browser: Any
) -> None:
    open_file(page, "samples", "starfield.fits")
    wait_for_pyramid_tiles(page)
    page.evaluate(f"() => {VIEWER}.regions.clearAll()")
    workspace = page.url.split("#")[0].split("?")[0]
    path = workspace.removeprefix(site["base"])
    # A second browser (its own session) on the same workspace: what a collaborator has open.
    with logged_in_page(
        browser, site["base"], "admin", path=f"/accounts/login/?next={path}", land=f"{workspace}*"
    ) as other:
        other.wait_for_function(f"() => {VIEWER}?.imageRef?.path.endsWith('starfield.fits')", timeout=30_000)
        wait_for_count(other, 0)

        draw_circle(page, -40, 0, 40)
        wait_for_count(page, 1)
        (drawn,) = regions(page)
        # The collaborator's viewer shows the same region, on the same sky position.
        wait_for_count(other, 1)
        (seen,) = regions(other)
        assert seen["id"] == drawn["id"] and seen["frame"] == "sky"
        assert seen["points"][0] == pytest.approx(drawn["points"][0], abs=1e-7)
        assert seen["size"] == pytest.approx(drawn["size"], rel=1e-6)

        # One the collaborator draws shows here too.
        draw_circle(other, -150, 0, 30)
        wait_for_count(other, 2)
        wait_for_count(page, 2)
        assert {r["id"] for r in regions(page)} == {r["id"] for r in regions(other)}

        # Deleted there with the Delete key (a click inside it selects it), gone here.
        other.keyboard.press("Escape")
        other.wait_for_function(f"() => {VIEWER}.regions.activeTool === 'select'")
        sx, sy = screen_of(other, *placed(other, drawn["id"])["points"][0])
        other.mouse.click(sx + 5, sy + 5)
        other.wait_for_function(f"id => {VIEWER}.regions.selected()?.id === id", arg=drawn["id"])
        other.keyboard.press("Delete")
        wait_for_count(other, 1)
        wait_for_count(page, 1)
        assert drawn["id"] not in {r["id"] for r in regions(page)}


def draw_circle(page: Any, dx: float, dy: float, radius: float) -> None:
    """Draws a circle with the mouse, centred `(dx, dy)` CSS pixels from the map's centre."""
    if not page.locator("[data-testid=region-tool-circle]").first.is_visible():
        page.locator("[data-testid=regions-menu] > summary").click()
    page.locator("[data-testid=region-tool-circle]").click()
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy
    drag(page, (cx, cy), (cx + radius, cy))

"""Frames locked by WCS in real Chromium: two images of one star field, one rotated by 90° and
one mirrored, locked together; a mouse drag on one moves the other so that each star stays on the
same screen pixel in both (read back from the screenshots' pixels, not only from the math)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from tests.sky_images import SKY_ON_SCREEN as STAR_ON_SCREEN
from tests.sky_images import VIEWERS, add_stars
from tests.test_browser import browser, open_file, page, site, wait_for_pyramid_tiles
from workers.imaging.synthetic import tan_header

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name

pytestmark = pytest.mark.browser

SIZE = 400
SCALE = 1.0 / 3600
STAR = (150.0, 2.0)  # the bright star both tests follow (ICRS degrees)


def write_field(path: Path, cd: tuple[float, float, float, float], crpix: tuple[float, float]) -> None:
    """The same stars (a bright one at STAR, fainter ones around) drawn through a TAN WCS with `cd`."""
    header = tan_header(crpix, (150.0, 2.0), SCALE)
    del header["CDELT1"], header["CDELT2"]
    header["CD1_1"], header["CD1_2"], header["CD2_1"], header["CD2_2"] = cd
    rng = np.random.default_rng(5)
    ra = np.concatenate([[STAR[0]], 150.0 + rng.uniform(-0.04, 0.04, 40)])
    dec = np.concatenate([[STAR[1]], 2.0 + rng.uniform(-0.04, 0.04, 40)])
    peak = np.concatenate([[5000.0], rng.uniform(200, 1500, 40)])
    image = np.full((SIZE, SIZE), 100.0)
    add_stars(image, header, ra, dec, peak, sigma=1.5)
    fits.PrimaryHDU(image.astype(np.float32), header).writeto(path, overwrite=True)


def brightest(page: Any, sx: float, sy: float, half: int = 12) -> tuple[float, float]:
    """The page position of the brightest spot around (sx, sy): the centroid of its near-peak
    pixels (a star clipped by the cut limits is a flat disc)."""
    import io

    from PIL import Image

    shot = page.screenshot(clip={"x": sx - half, "y": sy - half, "width": 2 * half, "height": 2 * half})
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=np.float64)
    jj, ii = np.nonzero(rgb >= rgb.max() - 0.1 * (rgb.max() - np.median(rgb)))
    return sx - half + float(ii.mean()) + 0.5, sy - half + float(jj.mean()) + 0.5


def one_viewer(page: Any) -> None:
    """Close every viewer but the first: the admin's workspace keeps what an earlier test of the module added."""
    page.locator("[data-testid=tile]").first.wait_for()
    while page.locator("[data-testid=tile]").count() > 1:
        count = page.locator("[data-testid=tile]").count()
        page.locator("[data-testid=tile-close]").last.click()
        page.wait_for_function("n => document.querySelectorAll('[data-testid=tile]').length === n - 1", arg=count)


def settled(page: Any) -> None:
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.renderSettled && v.lock.skyTransform)", timeout=30_000)


def test_locked_by_wcs_a_rotated_and_a_mirrored_image_keep_each_star_on_the_same_screen_pixel(
    page: Any, site: dict[str, Any]
) -> None:
    samples = site["data"] / "samples"
    write_field(samples / "field_rotated.fits", (0.0, -SCALE, -SCALE, 0.0), (180.5, 220.5))
    write_field(samples / "field_mirrored.fits", (SCALE, 0.0, 0.0, SCALE), (210.5, 190.5))
    page.reload()
    one_viewer(page)
    open_file(page, "samples", "field_rotated.fits")
    wait_for_pyramid_tiles(page)
    page.locator("[data-testid=add-viewer]").click()
    page.wait_for_function(f"() => {VIEWERS}.length === 2")
    open_file(page, "field_mirrored.fits")
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.imageRef)", timeout=30_000)

    first = page.locator("toyz-image-viewer").first
    first.locator("[data-testid=lock-menu] summary").click()
    first.locator("[data-testid=lock-by]").select_option("wcs")
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.lock.lock.by === 'wcs')")
    settled(page)
    assert page.evaluate(f"{VIEWERS}.map(v => v.lock.mirrored)") == [False, True]

    # A real drag on the first viewer's map.
    box = first.locator("[data-testid=viewer-map]").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(cx - 6 * k, cy + 4 * k)
    page.mouse.up()
    settled(page)

    where = page.evaluate(STAR_ON_SCREEN, list(STAR))
    offsets = [(w[0] - w[2], w[1] - w[3]) for w in where]
    # Same place relative to each map's centre, within a screen pixel.
    assert abs(offsets[0][0] - offsets[1][0]) < 1.0 and abs(offsets[0][1] - offsets[1][1]) < 1.0, offsets
    # And the pixels drawn there are the star: the brightest spot near where it should be.
    for w in where:
        bx, by = brightest(page, w[0], w[1])
        assert abs(bx - w[0]) <= 1.5 and abs(by - w[1]) <= 1.5, (w, bx, by)


def _pointer_at(page: Any, viewer: Any, fx: float, fy: float) -> list[float]:
    """Moves the mouse to a fraction (fx, fy) of a viewer's map; returns the viewer coordinate under it."""
    box = viewer.locator("[data-testid=viewer-map]").bounding_box()
    sx, sy = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
    page.mouse.move(sx - 3, sy - 2)
    page.mouse.move(sx, sy)
    coordinate: list[float] = page.evaluate(
        f"""([sx, sy]) => {{
          const map = {VIEWERS}[0].olMap; const box = map.getViewport().getBoundingClientRect();
          return map.getCoordinateFromPixel([sx - box.x, sy - box.y]);
        }}""",
        [sx, sy],
    )
    return coordinate


CROSSHAIRS = f"() => {VIEWERS}.map(v => v.lock.crosshair)"


def wait_for_cmap(page: Any, index: int, cmap: str) -> None:
    """Wait until viewer `index` has taken colormap `cmap`; a lock copies it to the others in that same step,
    so whatever another viewer shows then is what the lock left it."""
    page.wait_for_function(f"([i, c]) => {VIEWERS}[i].state.cmap === c", arg=[index, cmap])


def test_the_lock_shares_the_crosshair_limits_and_colormap_and_locks_by_pixel(page: Any, site: dict[str, Any]) -> None:
    samples = site["data"] / "samples"
    # Two exposures of one field: the second rotated by 90° with another reference pixel.
    write_field(samples / "lock_a.fits", (-SCALE, 0.0, 0.0, SCALE), (200.5, 200.5))
    rotated = (0.0, -SCALE, -SCALE, 0.0)
    write_field(samples / "lock_b.fits", rotated, (170.5, 230.5))
    page.reload()
    one_viewer(page)
    open_file(page, "samples", "lock_a.fits")
    wait_for_pyramid_tiles(page)
    page.locator("[data-testid=add-viewer]").click()
    page.wait_for_function(f"() => {VIEWERS}.length === 2")
    open_file(page, "lock_b.fits")
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.imageRef)", timeout=30_000)
    first, second = page.locator("toyz-image-viewer").first, page.locator("toyz-image-viewer").nth(1)
    cmaps, limits = page.locator("[data-testid=cmap]"), page.locator("[data-testid=limits]")

    # Unlocked, a colormap stays in its viewer.
    cmaps.nth(0).select_option("viridis")
    wait_for_cmap(page, 0, "viridis")
    assert cmaps.nth(1).input_value() == "gray"

    # Lock by WCS with the crosshair: the pointer on the star in A puts B's crosshair on the star in B.
    first.locator("[data-testid=lock-menu] summary").click()
    first.locator("[data-testid=lock-by]").select_option("wcs")
    first.locator("[data-testid=lock-crosshair]").check()
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.lock.lock.by === 'wcs' && v.lock.lock.crosshair)")
    settled(page)
    star_b = WCS(fits.getheader(samples / "lock_b.fits")).all_world2pix([list(STAR)], 0)[0] + 0.5
    where = page.evaluate(STAR_ON_SCREEN, list(STAR))
    a_box = first.locator("[data-testid=viewer-map]").bounding_box()
    fx, fy = (where[0][0] - a_box["x"]) / a_box["width"], (where[0][1] - a_box["y"]) / a_box["height"]
    _pointer_at(page, first, fx, fy)
    page.wait_for_function(f"() => {VIEWERS}[1].lock.crosshair !== null")
    crosshair = page.evaluate(CROSSHAIRS)[1]
    # The pointer is on the star within a screen pixel (about a pixel of the image at this zoom).
    resolution = page.evaluate(f"{VIEWERS}[1].olMap.getView().getResolution()")
    assert np.hypot(*(np.array(crosshair) - star_b)) < 1.5 * max(1.0, resolution), (crosshair, star_b)
    # Drawn there: the crosshair's element (a zero-size box whose ::before and ::after are its two lines)
    # sits on the star's screen position in B, and is shown.
    # One element per test id: the menu's checkbox and the drawn crosshair are told apart.
    assert second.locator("[data-testid=lock-crosshair]").count() == 1
    mark = second.locator("[data-testid=lock-crosshair-mark]").evaluate(
        "e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e.parentElement);"
        " return [r.x, r.y, s.display !== 'none', getComputedStyle(e, '::before').width]; }"
    )
    star_on_b = page.evaluate(STAR_ON_SCREEN, list(STAR))[1]
    assert abs(mark[0] - star_on_b[0]) < 1.5 and abs(mark[1] - star_on_b[1]) < 1.5, (mark, star_on_b)
    assert mark[2] and mark[3] == "8000px"

    # Limits and colormap locked: a change in either viewer is copied to the other, and only what is locked.
    first.locator("[data-testid=lock-limits]").check()
    limits.nth(1).select_option("minmax")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=limits]')].every(s => s.value === 'minmax')"
    )
    cmaps.nth(1).select_option("inferno")  # colormap not locked yet
    wait_for_cmap(page, 1, "inferno")
    assert cmaps.nth(0).input_value() == "viridis"
    first.locator("[data-testid=lock-colormap]").check()
    cmaps.nth(0).select_option("magma")
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=cmap]')].every(s => s.value === 'magma')")
    assert limits.nth(0).input_value() == "minmax"

    # Lock by pixel: the same viewer coordinates and resolution after a drag, and the crosshair at the
    # same viewer coordinate in both.
    first.locator("[data-testid=lock-by]").select_option("pixel")
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.lock.lock.by === 'pixel')")
    box = first.locator("[data-testid=viewer-map]").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(cx - 5 * k, cy + 3 * k)
    page.mouse.up()
    settled(page)
    views = page.evaluate(
        f"{VIEWERS}.map(v => [...v.olMap.getView().getCenter(), v.olMap.getView().getResolution(),"
        " v.olMap.getView().getRotation()])"
    )
    np.testing.assert_allclose(views[0][:3], views[1][:3], atol=1e-6)
    assert views[1][3] == 0.0 and not page.evaluate(f"{VIEWERS}[1].lock.mirrored")
    under = _pointer_at(page, first, 0.3, 0.6)
    resolution = views[0][2]
    # The crosshair follows the pointer: wait for it under the new position.
    page.wait_for_function(
        f"([x, y, tol]) => {{ const c = {VIEWERS}[1].lock.crosshair; return c !== null && Math.hypot(c[0] - x, c[1] - y) < tol; }}",
        arg=[under[0], under[1], 1.5 * resolution],
    )
    got = page.evaluate(CROSSHAIRS)
    assert got[1] is not None and np.hypot(*(np.array(got[1]) - under)) < 1.5 * resolution, (got, under)

    # Unlocked: the crosshair goes, and a colormap stays in its viewer again.
    first.locator("[data-testid=lock-by]").select_option("none")
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.lock.lock.by === 'none' && v.lock.crosshair === null)")
    cmaps.nth(0).select_option("gray")
    wait_for_cmap(page, 0, "gray")
    assert cmaps.nth(1).input_value() == "magma"

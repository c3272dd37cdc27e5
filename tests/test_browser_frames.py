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
    px, py = WCS(header).all_world2pix(ra, dec, 0)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    image = np.full((SIZE, SIZE), 100.0)
    for x, y, p in zip(px, py, peak, strict=True):
        image += p * np.exp(-0.5 * ((xx - x) ** 2 + (yy - y) ** 2) / 1.5**2)
    fits.PrimaryHDU(image.astype(np.float32), header).writeto(path, overwrite=True)


VIEWERS = "[...document.querySelectorAll('toyz-image-viewer')]"

# The page position of the star in each viewer, through its SkyTransform and its map.
STAR_ON_SCREEN = f"""([ra, dec]) => {VIEWERS}.map(v => {{
  const t = v.lock.skyTransform; const map = v.olMap;
  if (!t || !map) return null;
  const p = t.toPixel(ra, dec); const px = map.getPixelFromCoordinate(p); const size = map.getSize();
  const box = map.getViewport().getBoundingClientRect();
  const x = v.lock.mirrored ? size[0] - px[0] : px[0];
  return [box.x + x, box.y + px[1], box.x + size[0] / 2, box.y + size[1] / 2];
}})"""


def brightest(page: Any, sx: float, sy: float, half: int = 12) -> tuple[float, float]:
    """The page position of the brightest spot around (sx, sy): the centroid of its near-peak
    pixels (a star clipped by the cut limits is a flat disc)."""
    import io

    from PIL import Image

    shot = page.screenshot(clip={"x": sx - half, "y": sy - half, "width": 2 * half, "height": 2 * half})
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=np.float64)
    jj, ii = np.nonzero(rgb >= rgb.max() - 0.1 * (rgb.max() - np.median(rgb)))
    return sx - half + float(ii.mean()) + 0.5, sy - half + float(jj.mean()) + 0.5


def settled(page: Any) -> None:
    page.wait_for_function(f"() => {VIEWERS}.every(v => v.renderSettled && v.lock.skyTransform)", timeout=30_000)


def test_locked_by_wcs_a_rotated_and_a_mirrored_image_keep_each_star_on_the_same_screen_pixel(
    page: Any, site: dict[str, Any]
) -> None:
    samples = site["data"] / "samples"
    write_field(samples / "field_rotated.fits", (0.0, -SCALE, -SCALE, 0.0), (180.5, 220.5))
    write_field(samples / "field_mirrored.fits", (SCALE, 0.0, 0.0, SCALE), (210.5, 190.5))
    page.reload()
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

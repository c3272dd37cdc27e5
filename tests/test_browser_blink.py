"""Blinking in real Chromium: two exposures of one star field with different WCS (dithered and
turned by a few degrees) and a moving object; added as frames of one viewer, stepped with the `n`
key, played on a timer, kept across a reload. The star stays on the same screen pixel (read back
from the screenshots), the moving object moves."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits

from tests.sky_images import add_stars
from tests.test_browser import browser, open_file, page, site, wait_for_pyramid_tiles, wait_until_saved
from tests.test_browser_frames import SCALE, STAR, brightest, write_field

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name

pytestmark = pytest.mark.browser

VIEWER = "document.querySelector('toyz-image-viewer')"

# The page position of the star through the frame shown (its SkyTransform and the map).
STAR_ON_SCREEN = f"""([ra, dec]) => {{
  const v = {VIEWER}; const t = v.lock.skyTransform; const map = v.olMap;
  if (!t || !map) return null;
  const p = t.toPixel(ra, dec); const px = map.getPixelFromCoordinate(p); const size = map.getSize();
  const box = map.getViewport().getBoundingClientRect();
  const x = v.lock.mirrored ? size[0] - px[0] : px[0];
  return [box.x + x, box.y + px[1]];
}}"""


# Steps to the next frame and reads, in the first frame the map draws after it, the share of the
# view's central 200 × 200 CSS pixels that are painted (alpha > 0) in its layer canvases.
NEXT_FRAME_PAINTED = f"""() => new Promise(done => {{
  const v = {VIEWER}; const map = v.olMap;
  map.once('postrender', () => {{
    const canvases = [...v.querySelectorAll('.ol-layer canvas')].filter(c => c.width > 0 && getComputedStyle(c.parentElement).display !== 'none');
    const size = map.getSize(); const r = window.devicePixelRatio || 1;
    let painted = 0, n = 0;
    for (let y = size[1] / 2 - 100; y < size[1] / 2 + 100; y += 5)
      for (let x = size[0] / 2 - 100; x < size[0] / 2 + 100; x += 5) {{
        n++;
        if (canvases.some(c => c.getContext('2d').getImageData(x * r, y * r, 1, 1).data[3] > 0)) painted++;
      }}
    done(painted / n);
  }});
  void v.blink.step(1);
}})"""


def exposure(path: Path, turn_deg: float, crpix: tuple[float, float], mover: tuple[float, float]) -> None:
    """The field of tests/test_browser_frames.py through a WCS turned by `turn_deg`, plus a faint
    moving object at sky position `mover` (ICRS degrees)."""
    c, s = math.cos(math.radians(turn_deg)), math.sin(math.radians(turn_deg))
    write_field(path, (-SCALE * c, -SCALE * s, -SCALE * s, SCALE * c), crpix)
    with fits.open(path, mode="update") as hdul:
        add_stars(hdul[0].data, hdul[0].header, mover[0], mover[1], 3000.0, sigma=2.0)


def settled(page: Any) -> None:
    page.wait_for_function(f"() => {VIEWER}.renderSettled && {VIEWER}.lock.skyTransform", timeout=30_000)


def map_shot(page: Any) -> np.ndarray:
    from PIL import Image

    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    shot = page.screenshot(clip=box)
    return np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=np.float64)


def test_blinking_two_exposures_keeps_the_star_in_place_steps_by_key_and_timer_and_survives_a_reload(
    page: Any, site: dict[str, Any]
) -> None:
    samples = site["data"] / "samples"
    exposure(samples / "blink_1.fits", 0.0, (200.5, 200.5), (150.012, 2.010))
    exposure(samples / "blink_2.fits", 4.0, (188.5, 214.5), (150.016, 2.013))
    page.reload()
    open_file(page, "samples", "blink_1.fits")
    wait_for_pyramid_tiles(page)
    first_path = page.evaluate(f"{VIEWER}.imageRef.path")
    second_path = first_path.replace("blink_1.fits", "blink_2.fits")

    viewer = page.locator("toyz-image-viewer").first
    viewer.locator("[data-testid=blink-menu] summary").click()
    viewer.locator("[data-testid=blink-add-path]").fill(second_path)
    viewer.locator("[data-testid=blink-add]").click()
    page.wait_for_function(f"() => {VIEWER}.blink.count === 2")
    assert viewer.locator("[data-testid=blink-label]").get_attribute("data-index") == "0"
    viewer.locator("[data-testid=zoom-1]").click()
    settled(page)
    star0 = page.evaluate(STAR_ON_SCREEN, list(STAR))
    bx, by = brightest(page, *star0)
    assert abs(bx - star0[0]) <= 1.5 and abs(by - star0[1]) <= 1.5, (star0, bx, by)
    before = map_shot(page)

    # `n` on the focused viewer shows the next frame.
    page.evaluate(f"{VIEWER}.querySelector('.viewer-map').focus()")
    page.keyboard.press("n")
    page.wait_for_function(f"() => {VIEWER}.blink.index === 1 && {VIEWER}.imageRef?.path === {second_path!r}")
    assert viewer.locator("[data-testid=blink-label]").get_attribute("data-index") == "1"
    assert "blink_2.fits" in viewer.locator("[data-testid=blink-label]").inner_text()
    settled(page)
    star1 = page.evaluate(STAR_ON_SCREEN, list(STAR))
    assert math.hypot(star1[0] - star0[0], star1[1] - star0[1]) <= 1.5, (star0, star1)
    # The pixels drawn there are the star's, in the second frame too.
    bx, by = brightest(page, *star0)
    assert abs(bx - star0[0]) <= 1.5 and abs(by - star0[1]) <= 1.5, (star0, bx, by)
    after = map_shot(page)
    assert np.abs(after - before).max() > 60, "the second frame looks like the first"

    # `b` goes back; then the timer blinks on its own.
    page.keyboard.press("b")
    page.wait_for_function(f"() => {VIEWER}.blink.index === 0 && {VIEWER}.imageRef?.path === {first_path!r}")
    settled(page)
    # No flash: the first frame drawn after a step already has the new frame's tiles (kept layer,
    # pre-loaded), so the centre of the view is painted, not blank.
    painted = page.evaluate(NEXT_FRAME_PAINTED)
    assert painted > 0.99, painted
    page.keyboard.press("b")
    page.wait_for_function(f"() => {VIEWER}.blink.index === 0")
    interval = viewer.locator("[data-testid=blink-interval]")
    interval.fill("200")
    interval.dispatch_event("change")
    viewer.locator("[data-testid=blink-play]").click()
    page.wait_for_function(f"() => {VIEWER}.blink.index === 1", timeout=10_000)
    page.wait_for_function(f"() => {VIEWER}.blink.index === 0", timeout=10_000)
    assert page.evaluate(f"{VIEWER}.blink.playing") is True
    viewer.locator("[data-testid=blink-play]").click()
    assert page.evaluate(f"{VIEWER}.blink.playing") is False
    page.wait_for_function(f"() => {VIEWER}.blink.index === 1 || {VIEWER}.blink.index === 0")
    settled(page)
    saved = page.evaluate(f"{VIEWER}.state")
    assert [f["path"] for f in saved["frames"]] == [first_path, second_path]
    assert saved["blink"]["interval_ms"] == 200

    # The layout is saved as it changes; a reload gets the frames back.
    wait_until_saved(page)
    page.reload()
    page.wait_for_function(f"() => {VIEWER}?.blink?.count === 2 && {VIEWER}.imageRef", timeout=30_000)
    restored = page.evaluate(f"{VIEWER}.state")
    assert [f["path"] for f in restored["frames"]] == [first_path, second_path]
    assert restored["blink"]["interval_ms"] == 200
    assert restored["path"] == saved["path"]
    # And blinking goes on from there.
    settled(page)
    shown = page.evaluate(f"{VIEWER}.blink.index")
    page.evaluate(f"{VIEWER}.querySelector('.viewer-map').focus()")
    page.keyboard.press("n")
    page.wait_for_function(f"() => {VIEWER}.blink.index === {1 - shown}")

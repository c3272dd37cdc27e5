"""imexam's keys in real Chromium against the real server: a Gaussian star of known position, FWHM
and flux; the pointer on it, `r` shows its radial profile with the fitted FWHM, `a` its aperture
photometry, `m` the statistics of the box around it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits

from tests.test_browser import VIEWER, browser, open_and_wait, open_file, page, site, wait_for_render
from workers.imaging.synthetic import tan_header

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name

pytestmark = pytest.mark.browser

NAME = "analysis_star.fits"
# The star: FITS pixel (81, 61) is centred at viewer (80.5, 60.5); FWHM and total flux in pixels, counts.
STAR_X, STAR_Y = 80.5, 60.5
FWHM = 4.0
FLUX = 50_000.0
BACKGROUND = 100.0


def write_star(path: Path) -> None:
    """A 200 × 150 image: a flat background with a little noise and one round Gaussian star."""
    sigma = FWHM / (2 * np.sqrt(2 * np.log(2)))
    y, x = np.mgrid[0:150, 0:200] + 0.5  # viewer coordinates of the pixel centres
    star = FLUX / (2 * np.pi * sigma**2) * np.exp(-((x - STAR_X) ** 2 + (y - STAR_Y) ** 2) / (2 * sigma**2))
    noise = np.random.default_rng(11).normal(0, 1.0, star.shape)
    header = tan_header((100.0, 75.0), (150.0, 2.0), 0.27 / 3600)
    fits.PrimaryHDU((BACKGROUND + star + noise).astype(np.float32), header=header).writeto(path, overwrite=True)


def screen_of(page: Any, x: float, y: float) -> tuple[float, float]:
    """The page position of viewer point (x, y)."""
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    px, py = page.evaluate(f"([x, y]) => {VIEWER}.olMap.getPixelFromCoordinate([x, y])", [x, y])
    return box["x"] + px, box["y"] + py


def press_on_star(page: Any, key: str, tool: str) -> dict[str, Any]:
    """Hover just off the star's centre, press `key`, wait for `tool`'s result (failing on its error)."""
    sx, sy = screen_of(page, STAR_X + 0.7, STAR_Y - 0.6)
    page.mouse.move(sx, sy)
    page.mouse.move(sx + 1, sy)
    page.keyboard.press(key)
    page.wait_for_function(
        f"() => {{ const p = {VIEWER}.analysisPanel; return p.last('{tool}') || p.lastError('{tool}'); }}",
        timeout=30_000,
    )
    error = page.evaluate(f"{VIEWER}.analysisPanel.lastError('{tool}')")
    assert error is None, f"{tool}: {error}"
    return dict(page.evaluate(f"{VIEWER}.analysisPanel.last('{tool}')"))


def test_the_keys_measure_a_star_at_the_pointer(page: Any, site: dict[str, Any]) -> None:
    write_star(site["data"] / "samples" / NAME)
    open_file(page, "samples")
    open_and_wait(page, NAME)
    # Zoom in on the star, so that the pointer lands within a pixel of where it is aimed.
    page.evaluate(f"{VIEWER}.olMap.getView().setResolution(0.25)")
    page.evaluate(f"{VIEWER}.centreOnPixel({STAR_X}, {STAR_Y})")
    wait_for_render(page)
    page.locator("[data-testid=viewer-map]").first.click()  # a person clicks the image, then uses the keys

    profile = press_on_star(page, "r", "profile")
    panel = page.locator("[data-testid=analysis-panel]").first
    assert panel.is_visible()
    shown = float(panel.locator("[data-testid=profile-fwhm]").get_attribute("data-value") or "nan")
    assert abs(shown - FWHM) < 0.1 * FWHM, f"FWHM {shown} px, the star's is {FWHM}"
    assert profile["gaussian"]["ok"]
    assert abs(profile["x"] - STAR_X) < 0.2 and abs(profile["y"] - STAR_Y) < 0.2, (profile["x"], profile["y"])
    assert "FWHM (Gaussian)" in panel.locator("[data-testid=profile-table]").inner_text()
    assert panel.locator("[data-testid=profile-plot] canvas").count() > 0

    phot = press_on_star(page, "a", "photometry")
    radius = 5.0  # the job's default aperture
    sigma = FWHM / (2 * np.sqrt(2 * np.log(2)))
    within = FLUX * (1 - np.exp(-(radius**2) / (2 * sigma**2)))
    assert abs(phot["flux"] - within) < 0.02 * within, f"flux {phot['flux']}, {within:.0f} expected in r = {radius}"
    assert abs(phot["background"] - BACKGROUND) < 1.0, phot["background"]
    assert "Flux" in panel.locator("[data-testid=photometry-table]").inner_text()
    # The aperture and its annulus are drawn on the image.
    marks = page.evaluate(
        f"{VIEWER}.olMap.getLayers().getArray().filter(l => l.getZIndex() === 50)[0].getSource().getFeatures().length"
    )
    assert marks == 3

    stats = press_on_star(page, "m", "stats")
    assert stats["count"] == 21 * 21, stats["count"]
    assert stats["max"] > BACKGROUND + 0.5 * FLUX / (2 * np.pi * sigma**2)
    assert abs(stats["centroid"]["x"] - STAR_X) < 0.3 and abs(stats["centroid"]["y"] - STAR_Y) < 0.3
    assert "Median" in panel.locator("[data-testid=stats-table]").inner_text()


def test_the_analyse_menu_runs_a_tool_at_the_view_centre(page: Any, site: dict[str, Any]) -> None:
    path = site["data"] / "samples" / NAME
    if not path.exists():
        write_star(path)
    open_file(page, "samples")
    open_and_wait(page, NAME)
    page.evaluate(f"{VIEWER}.centreOnPixel({STAR_X}, {STAR_Y})")
    wait_for_render(page)
    page.locator("[data-testid=analysis-menu] > summary").first.click()
    page.locator("[data-testid=analyse-h]").first.click()
    page.wait_for_function(
        f"() => {{ const p = {VIEWER}.analysisPanel; return p.last('histogram') || p.lastError('histogram'); }}",
        timeout=30_000,
    )
    assert page.evaluate(f"{VIEWER}.analysisPanel.lastError('histogram')") is None
    counts = page.evaluate(f"{VIEWER}.analysisPanel.last('histogram').counts")
    assert sum(counts) == 21 * 21
    # The plot draws after the result arrives: wait for its canvas rather than count at once.
    page.locator("[data-testid=histogram-plot] canvas").first.wait_for(timeout=10_000)


def wait_for_tool(page: Any, tool: str) -> Any:
    page.wait_for_function(
        f"() => {{ const p = {VIEWER}.analysisPanel; return p.last('{tool}') || p.lastError('{tool}'); }}",
        timeout=30_000,
    )
    error = page.evaluate(f"{VIEWER}.analysisPanel.lastError('{tool}')")
    assert error is None, f"{tool}: {error}"
    return page.evaluate(f"{VIEWER}.analysisPanel.last('{tool}')")


def test_the_settings_form_checks_a_value_and_measures_again(page: Any, site: dict[str, Any]) -> None:
    path = site["data"] / "samples" / NAME
    if not path.exists():
        write_star(path)
    open_file(page, "samples")
    open_and_wait(page, NAME)
    page.evaluate(f"{VIEWER}.centreOnPixel({STAR_X}, {STAR_Y})")
    wait_for_render(page)
    page.locator("[data-testid=viewer-map]").first.click()
    press_on_star(page, "a", "photometry")
    tab = page.locator("[data-testid=analysis-photometry]").first
    tab.locator(".analysis-controls > summary").click()
    radius = tab.locator("toyz-job-form input[name=radius]")
    assert radius.input_value() == "5"  # the job's default, from its schema
    radius.fill("0")
    radius.dispatch_event("change")
    assert tab.locator("[data-testid=job-form-error]").inner_text() == "Radius must be more than 0."
    tab.locator("[data-testid=analysis-rerun]").click()  # refused: nothing runs
    assert page.evaluate(f"{VIEWER}.analysisPanel.last('photometry').area") > 70
    radius.fill("3")
    radius.dispatch_event("change")
    assert tab.locator("[data-testid=job-form-error]").count() == 0
    tab.locator("[data-testid=analysis-rerun]").click()
    page.wait_for_function(f"() => {VIEWER}.analysisPanel.last('photometry')?.area < 40", timeout=30_000)
    area = page.evaluate(f"{VIEWER}.analysisPanel.last('photometry').area")
    assert abs(area - np.pi * 9) < 0.5, area
    # The aperture drawn follows the new radius.
    drawn = page.evaluate(
        f"{VIEWER}.olMap.getLayers().getArray().filter(l => l.getZIndex() === 50)[0].getSource()"
        ".getFeatures().map(f => f.getGeometry().getRadius()).sort((a, b) => a - b)"
    )
    assert drawn == [3, 10, 15]


def test_surface_cuts_and_a_cube_spectrum(page: Any, site: dict[str, Any]) -> None:
    path = site["data"] / "samples" / NAME
    if not path.exists():
        write_star(path)
    open_file(page, "samples")
    open_and_wait(page, NAME)
    page.evaluate(f"{VIEWER}.centreOnPixel({STAR_X}, {STAR_Y})")
    wait_for_render(page)
    # No click on the image: pointing at it is enough (the file browser had the focus).
    surface = press_on_star(page, "s", "surface")
    assert surface["width"] == surface["height"] == 51
    assert len(surface["values"]) == 51 * 51
    page.wait_for_function(f"() => {VIEWER}.querySelector('[data-testid=surface-canvas]')?.width > 0")

    column = press_on_star(page, "c", "line")
    assert len(column["values"]) >= 150
    assert {round(x, 3) for x in column["x"]} == {81.5}  # the centre of the column under the pointer
    row = press_on_star(page, "l", "line")
    assert {round(y, 3) for y in row["y"]} == {59.5}
    assert max(v for v in row["values"] if v is not None) > BACKGROUND + 500

    # j on a plain image: a sentence, no request.
    page.keyboard.press("j")
    page.wait_for_function(f"() => {VIEWER}.analysisPanel.lastError('spectrum')")
    assert "not a cube" in page.locator("[data-testid=analysis-error]").first.inner_text()

    open_and_wait(page, "cube.fits")
    planes = page.evaluate(f"{VIEWER}.hduInfo.planes")
    assert planes > 1
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.press("j")
    spectrum = wait_for_tool(page, "spectrum")
    assert len(spectrum["values"]) == planes
    assert page.locator("[data-testid=spectrum-plot] canvas").count() > 0

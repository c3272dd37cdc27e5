"""A night as a table in real Chromium against the real server. Carol, granted a night folder but not
its private subfolder, opens its "Night table" from the file browser: the folder is not indexed yet,
so she indexes it from there, then sees one row per exposure she may read with its thumbnail, sorts
by EXPTIME, lassoes points in the plot of the seeing against time and sees the same rows lit in the
table, keeps only those (POST /api/sources/rows; saved with the table), and a double click on a row
opens the exposure. The admin, who may read the private exposures too, sees them in his table."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from astropy.time import Time

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.test_browser import browser_page, logged_in_page, site, wait_for_pyramid_tiles, wait_until_saved
from tests.test_browser_places import log_in, manage, wait_for_folder

pytestmark = pytest.mark.browser
__all__ = ["site"]  # a module-scoped fixture, used here by name

NIGHT = "nights/night42"
APP = "document.querySelector('toyz-app')"
ROW = "toyz-table [data-testid=table-row]"
# One exposure every 30 minutes: exposure times, seeing and airmass all differ.
EXPTIME = [30.0, 90.0, 60.0, 120.0, 45.0, 15.0, 300.0, 75.0]
FWHM = [0.7, 1.0, 1.2, 1.1, 0.9, 1.3, 1.05, 1.8]
AIRMASS = [1.9, 1.6, 1.4, 1.25, 1.15, 1.1, 1.2, 1.35]
PRIVATE = 2  # exposures in NIGHT/private, hidden from carol by a none grant


def exposure(path: Any, n: int, exptime: float, fwhm: float, airmass: float, rng: np.random.Generator) -> None:
    header = fits.Header(
        {
            "DATE-OBS": f"2026-11-23T{1 + n // 2:02d}:{30 * (n % 2):02d}:00",
            "EXPTIME": exptime,
            "FWHM": fwhm,
            "AIRMASS": airmass,
            "FILTER": "gr"[n % 2],
            "OBJECT": f"field {n}",
        }
    )
    # A gradient under the noise, so that the thumbnails differ from one another.
    data = rng.normal(100, 5, (48, 64)) + np.linspace(0, 40 * n, 64)
    fits.PrimaryHDU(data.astype(np.float32), header).writeto(path)


@pytest.fixture(scope="module")
def night(site: dict[str, Any]) -> dict[str, Any]:
    """NIGHT with 8 exposures that carol may read, and NIGHT/private with 2 that only the admin may."""
    folder = site["data"] / NIGHT
    (folder / "private").mkdir(parents=True)
    rng = np.random.default_rng(42)
    for n, values in enumerate(zip(EXPTIME, FWHM, AIRMASS, strict=True)):
        exposure(folder / f"exp{n:02d}.fits", n, *values, rng)
    for n in range(PRIVATE):
        exposure(folder / "private" / f"secret{n}.fits", 8 + n, 10.0 + n, 1.0, 1.5, rng)
    manage(site, "toyz_grant", NIGHT, "--user", "carol", "--rights", "list,read")
    manage(site, "toyz_grant", f"{NIGHT}/private", "--user", "carol", "--rights", "none")
    return {"folder": folder, "mjd0": Time("2026-11-23T01:00:00", scale="utc").mjd}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # The plot draws with WebGL: SwiftShader draws it in software here.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def carol(site: dict[str, Any], browser: Any, night: dict[str, Any]) -> Iterator[Any]:
    with browser_page(browser, (1500, 950)) as page:
        log_in(page, site)
        yield page


@pytest.fixture
def admin(site: dict[str, Any], browser: Any, night: dict[str, Any]) -> Iterator[Any]:
    with logged_in_page(browser, site["base"], "admin", path="/accounts/login/", viewport=(1500, 950)) as page:
        page.locator("[data-testid=places]").wait_for()
        yield page


def shown_rows(page: Any) -> list[int]:
    """The file row numbers of the table's rows, top to bottom."""
    return [int(r) for r in page.locator(ROW).evaluate_all("rs => rs.map(r => r.dataset.row)")]


def wait_rows(page: Any, rows: list[int]) -> None:
    page.wait_for_function(
        "want => { const got = [...document.querySelectorAll('toyz-table [data-testid=table-row]')]"
        ".map(r => r.dataset.row).join(','); return got === want; }",
        arg=",".join(str(r) for r in rows),
        timeout=30_000,
    )


def open_night_table(page: Any, button: Any) -> None:
    """Click a Night table button; if the folder is not indexed, index it from the offer."""
    button.click()
    offer = page.locator("[data-testid=night-table-status][data-phase=offer]")
    page.locator(f"{ROW}, [data-testid=night-table-status][data-phase=offer]").first.wait_for(timeout=30_000)
    if offer.count():
        page.locator("[data-testid=night-index]").click()
    page.locator(f"{ROW}[data-row='0']").wait_for(timeout=60_000)


def lasso(page: Any, plot: Any, corners: list[tuple[float, float]]) -> None:
    """Draw a lasso through `corners` (data coordinates) on a plot, with the mouse."""
    plot.locator("[data-testid=plot-lasso]").click()
    points = [plot.evaluate("(p, [x, y]) => p.clientPoint(x, y)", [x, y]) for x, y in corners]
    points.append(points[0])
    page.mouse.move(*points[0])
    page.mouse.down()
    for a, b in itertools.pairwise(points):
        page.mouse.move(*b, steps=max(2, int(np.hypot(b[0] - a[0], b[1] - a[1]) // 6)))
    page.mouse.up()


def test_carol_indexes_a_night_and_works_through_its_table(carol: Any, night: dict[str, Any]) -> None:
    page = carol
    page.locator("[data-testid=place-shared]").click()
    page.locator(f"[data-testid=shared-folder][data-path='{NIGHT}']").click()
    wait_for_folder(page, NIGHT)

    # Nothing is indexed yet: the Night table offers to index the folder, with progress.
    page.locator("[data-testid=folder-night-table]").click()
    offer = page.locator("[data-testid=night-table-status][data-phase=offer]")
    offer.wait_for(timeout=30_000)
    assert "No exposure under nights/night42" in offer.inner_text()
    page.locator("[data-testid=night-index]").click()
    page.locator(f"{ROW}[data-row='0']").wait_for(timeout=60_000)
    page.locator("[data-testid=night-table-status]").wait_for(state="detached")

    # One row per exposure she may read (the private ones never appear), in time order.
    assert page.locator("toyz-table [data-testid=table-count]").inner_text() == "8 rows"
    wait_rows(page, list(range(8)))
    assert "private" not in page.locator("toyz-table [data-testid=table-body]").inner_text()
    heads = page.locator("toyz-table [data-testid=table-head]").evaluate_all("hs => hs.map(h => h.dataset.column)")
    # The thumbnails first; the long path hidden at first (the name is shown).
    assert heads[:2] == ["", "thumbnail"] and "path" not in heads
    assert {"name", "EXPTIME", "FWHM", "AIRMASS", "DATE-OBS_MJD"} <= set(heads)
    spec = page.evaluate(f"{APP}.sources.specs[0]")
    assert (spec["kind"], spec["path"]) == ("headers", NIGHT)

    # The thumbnails are images the server rendered (the CSP's img-src 'self').
    page.wait_for_function(
        "() => { const imgs = [...document.querySelectorAll('toyz-table [data-testid=table-thumbnail]')];"
        " return imgs.length === 8 && imgs.every(i => i.complete && i.naturalWidth > 0); }",
        timeout=60_000,
    )

    # Sorted by exposure time on the server.
    page.locator("toyz-table [data-testid=table-head][data-column=EXPTIME]").click()
    wait_rows(page, np.argsort(EXPTIME, kind="stable").tolist())

    # The first plot: the seeing against the time of the exposures.
    plot = page.locator("toyz-plot")
    page.wait_for_function("() => document.querySelector('toyz-plot')?.dataset.points === '8'", timeout=60_000)
    state = plot.evaluate("p => p.state")
    assert (state["kind"], state["x"], state["y"]) == ("scatter", "DATE-OBS_MJD", "FWHM")

    # A lasso around exposures 2, 3 and 4 (between 02:00 and 03:00, seeing 0.9 to 1.2): lit in the table.
    half_hour = 1 / 48
    x0, x1 = night["mjd0"] + 1.5 * half_hour, night["mjd0"] + 4.5 * half_hour
    lasso(page, plot, [(x0, 0.8), (x1, 0.8), (x1, 1.4), (x0, 1.4)])
    page.wait_for_function("() => document.querySelector('toyz-plot').dataset.highlighted === '3'", timeout=30_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('toyz-table [data-testid=table-row][aria-selected=true]')]"
        ".map(r => r.dataset.row).sort().join(',') === '2,3,4'",
        timeout=30_000,
    )
    assert page.locator("toyz-table [data-testid=table-selected-count]").inner_text() == "3 selected"

    # Only the selected rows, asked of the server with the selection, in the sorted order.
    page.locator("toyz-table [data-testid=table-only-selected]").check()
    wait_rows(page, [4, 2, 3])  # EXPTIME 45, 60, 120
    assert page.locator("toyz-table [data-testid=table-count]").inner_text() == "3 of 8 rows"
    page.wait_for_function(f"() => {APP}.tileElement(document.querySelector('toyz-table').tileId).state.only === true")

    # A double click on a row opens its exposure in the image viewer.
    page.locator(f"{ROW}[data-row='3']").dblclick()
    wait_for_pyramid_tiles(page)
    opened = page.evaluate(f"{APP}.viewers.map(v => v.state.path)")
    assert f"{NIGHT}/exp03.fits" in opened

    # The table's "only selected" and the selection (now the row clicked) are saved with the workspace.
    wait_until_saved(page)  # the layout and the sources are saved after a short delay
    page.reload()
    page.locator(f"{ROW}[data-row='3']").wait_for(timeout=60_000)
    assert page.locator("toyz-table [data-testid=table-only-selected]").is_checked()
    wait_rows(page, [3])
    assert page.locator("toyz-table [data-testid=table-count]").inner_text() == "1 of 8 rows"


def test_the_admin_sees_the_exposures_carol_may_not(admin: Any, site: dict[str, Any]) -> None:
    # Carol's index run read only what she may read; the admin's nightly command reads the rest.
    manage(site, "toyz_index", NIGHT)
    page = admin
    page.locator('[data-testid=breadcrumb] .crumb[data-path=""]').click()
    wait_for_folder(page, "")
    page.locator('[data-testid=entry][data-name="nights"]').click()
    wait_for_folder(page, "nights")
    open_night_table(page, page.locator("[data-testid=entry-night-table]").first)
    page.wait_for_function(
        "() => document.querySelector('toyz-table [data-testid=table-count]')?.textContent.trim() === '10 rows'",
        timeout=30_000,
    )
    assert "secret0.fits" in page.locator("toyz-table [data-testid=table-body]").inner_text()

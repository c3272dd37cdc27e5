"""The header search in real Chromium against the real server: carol indexes a night in her home folder
from the file browser, searches it with the header language, sees the server's sentence for a bad
query, and a double click on a match opens the exposure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from astropy.io import fits

from tests.test_browser import browser, browser_page, site, wait_for_pyramid_tiles
from tests.test_browser_places import log_in, wait_for_folder

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures, used here by name


@pytest.fixture
def carol(site: dict[str, Any], browser: Any) -> Iterator[Any]:
    night = site["data"] / "home" / "carol" / "night"
    night.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    for n, (band, seconds, target) in enumerate([("r", 90, "NGC 1300"), ("g", 30, "NGC 1365"), ("r", 20, "M31")]):
        header = fits.Header(
            {"DATE-OBS": f"2026-11-23T0{n}:00:00", "FILTER": band, "EXPTIME": seconds, "OBJECT": target}
        )
        fits.PrimaryHDU(rng.normal(100, 5, (64, 96)).astype(np.float32), header).writeto(
            night / f"c4d_{n}.fits", overwrite=True
        )
    with browser_page(browser) as page:
        log_in(page, site)
        yield page


def test_a_night_is_indexed_searched_and_a_match_opened(carol: Any) -> None:
    page = carol
    page.locator("[data-testid=place-home]").click()
    wait_for_folder(page, "home/carol")
    page.locator('[data-testid=entry][data-name="night"]').click()
    wait_for_folder(page, "home/carol/night")
    search = page.locator("[data-testid=header-search-input]")
    search.fill('FILTER=r EXPTIME>60 OBJECT~"NGC 1"')
    page.locator("[data-testid=header-index]").click()
    results = page.locator("[data-testid=header-search-result]")
    results.first.wait_for(timeout=30_000)
    assert results.evaluate_all("els => els.map(e => e.dataset.path)") == ["home/carol/night/c4d_0.fits"]
    assert "1 match" in page.locator("[data-testid=header-search-summary]").inner_text()

    search.fill("EXPTIME>lots")
    search.press("Enter")
    error = page.locator("[data-testid=header-search-error]")
    error.wait_for()
    assert error.inner_text().startswith("At character 1 of the search: EXPTIME> compares numbers or dates")

    search.fill("FILTER=r")
    search.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=header-search-result]').length === 2")
    results.first.dblclick()
    wait_for_pyramid_tiles(page)

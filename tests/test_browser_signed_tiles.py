"""The viewer behind nginx with signed tile URLs (the production setup, real Chromium): a pre-rendered image
opens, its server-rendered tiles come through /ts/ from nginx (none through /tiles/), and a mouse drag pans."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.test_browser import (
    browser_page,
    map_picture,
    open_file,
    picture_shift,
    render_count,
    viewer_stats,
    wait_for_render,
)
from workers.imaging import build_pyramid
from workers.imaging.synthetic import star_field

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWER = "document.querySelector('toyz-image-viewer')"


def test_the_viewer_gets_its_tiles_from_nginx_through_signed_urls_and_pans(
    start_production: Any, make_user: Any
) -> None:
    image = star_field((1500, 1500), n_stars=1500, seed=3)
    with production_browser(start_production, make_user("alice"), "field.fits", image) as (browser, url, cookie):
        see_signed_tiles_and_pan(browser, url, cookie)


@contextmanager
def production_browser(start_production: Any, user: Any, name: str, data: np.ndarray) -> Iterator[tuple[Any, str, str]]:
    """`data` pre-rendered as `home/<user>/<name>`, the production setup started (with a worker), and
    Chromium: yields (browser, the site's URL, the user's session cookie value)."""
    from astropy.io import fits
    from playwright.sync_api import sync_playwright

    path = Path(settings.TOYZ_DATA_ROOT) / "home" / user.username / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(data).writeto(path)
    build_pyramid(path, hdu=0, cache_dir=Path(settings.TOYZ_CACHE_DIR))
    site = start_production(workers=True)
    cookie = site.session_cookie(user).split("=", 1)[1]
    # Playwright's own event loop runs in this thread from here on: the database work is done.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser, site.url, cookie
        finally:
            browser.close()


Answer = tuple[str, int, str | None]


def open_behind_nginx(page: Any, url: str, cookie: str, name: str, wanted: Callable[[str], bool]) -> list[Answer]:
    """Open alice's `name` in the page's viewer, signed in by `cookie`, once its first tiles are in; the tile
    answers (URL, status, X-Toyz-Signed) whose URL `wanted` takes are recorded in the list returned, from the
    first one on, for as long as the page lives."""
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": url}])
    tiles: list[Answer] = []
    page.on(
        "response",
        lambda r: (
            tiles.append((r.url, r.status, r.headers.get("x-toyz-signed")))
            if ("/ts/" in r.url or "/tiles/" in r.url) and wanted(r.url)
            else None
        ),
    )
    page.goto(f"{url}/")
    page.wait_for_url("**/workspaces/*/")
    open_file(page, "home", "alice", name)
    page.wait_for_function(f"() => {{ const v = {VIEWER}; return v && v.description && v.loadedPyramidTiles > 0; }}")
    assert page.evaluate(f"{VIEWER}.description.signed_tiles") is True
    return tiles


def see_signed_tiles_and_pan(browser: Any, url: str, cookie: str) -> None:
    with browser_page(browser) as page:
        # Rendered tiles only: the float tiles the page loads first (client rendering, the default) are
        # test_browser_signed_raw_tiles.py's.
        tiles = open_behind_nginx(page, url, cookie, "field.fits", lambda u: ".raw?" not in u)
        # Server rendering (the pre-rendered PNG tiles).
        page.locator("[data-testid=client-render]").first.uncheck()
        page.locator("[data-testid=fit]").first.click()
        wait_for_render(page)
        signed = [t for t in tiles if "/ts/" in t[0]]
        assert signed, tiles
        assert all(status == 200 for _, status, _ in signed), signed
        # The fitted view shows coarse levels, every tile of which the pre-render stored: nginx sent them all.
        assert all(by == "nginx" for _, _, by in signed), signed
        assert not [t for t in tiles if "/tiles/" in t[0] and ".png" in t[0]], "rendered tiles went through Django"
        stats = viewer_stats(page)
        assert stats["opaque"] > 1000 and stats["std"] > 5, stats

        before = map_picture(page)
        box = page.locator("[data-testid=viewer-map]").first.bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        count = render_count(page)
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(cx + 90, cy + 60, steps=90)
        page.mouse.up()
        wait_for_render(page, after=count)
        (dx, dy), error, unmoved = picture_shift(before, map_picture(page), (90, 60))
        assert abs(dx - 90) <= 2 and abs(dy - 60) <= 2, f"the picture moved by ({dx}, {dy}), not (90, 60)"
        assert error < unmoved, (error, unmoved)
        # Zooming in asks for finer levels: through /ts/ too, still from nginx.
        seen = len(signed)
        with page.expect_response(lambda r: "/ts/" in r.url, timeout=30_000):
            page.mouse.wheel(0, -600)
        wait_for_render(page)
        finer = [t for t in tiles if "/ts/" in t[0]][seen:]
        assert finer and all(s == 200 and by == "nginx" for _, s, by in finer), finer

"""The default viewer (client-side rendering from raw float tiles) behind nginx with signed tile URLs (the
production setup, real Chromium): its raw tiles come through /ts/, never /tiles/; the first view's tiles
not on disk are Django's (which stores them), a second view gets every one from nginx; the floats the page
gets are the file's, and the picture painted from them is the server's rendering of them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.test_browser import browser_page, server_png, viewer_stats, wait_for_render
from tests.test_browser_signed_tiles import open_behind_nginx, production_browser
from workers.imaging.synthetic import star_field

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWER = "document.querySelector('toyz-image-viewer')"
SHAPE = (1500, 1500)

#: In the page: the raw tile (level, tx, ty) through a signed URL of its own, as the browser gets it (inflated).
SIGNED_VALUES = """async ([path, level, tx, ty]) => {
  const answer = await (await fetch(`/api/imaging/tile-url?path=${encodeURIComponent(path)}&hdu=0&plane=0&fmt=raw`)).json();
  const url = answer.template.replace("{level}", level).replace("{tx}", tx).replace("{ty}", ty);
  const response = await fetch(url, {cache: "no-store"});  // past the browser cache: who sends it now
  return {by: response.headers.get("x-toyz-signed"), values: Array.from(new Float32Array(await response.arrayBuffer()))};
}"""


def test_the_client_rendered_viewer_gets_its_raw_tiles_from_nginx_through_signed_urls(
    start_production: Any, make_user: Any
) -> None:
    data = star_field(SHAPE, n_stars=1500, seed=3).astype(np.float32)
    with production_browser(start_production, make_user("alice"), "raw-field.fits", data) as (browser, url, cookie):
        first = view(browser, url, cookie)
        assert first, "no raw tile went through /ts/"
        # Every raw tile through a signed URL: the first view's misses were Django's, which stored them...
        assert all(status == 200 for _, status, _ in first), first
        # ... so a second view (a new browser context: nothing in the browser's cache) gets all from nginx.
        second = view(browser, url, cookie, check=data)
        assert second and all(s == 200 and by == "nginx" for _, s, by in second), second


def view(browser: Any, url: str, cookie: str, *, check: np.ndarray | None = None) -> list[tuple[str, int, str | None]]:
    """Open the image in the default (client-rendered) viewer, fitted; the raw tile answers seen."""
    with browser_page(browser) as page:
        tiles = open_behind_nginx(page, url, cookie, "raw-field.fits", lambda u: True)
        assert page.evaluate(f"{VIEWER}.clientRenderActive"), "client rendering is the default for one band"
        page.locator("[data-testid=fit]").first.click()
        wait_for_render(page)
        assert not [t for t in tiles if "/tiles/" in t[0]], "tiles went to /tiles/ rather than signed URLs"
        raw = [t for t in tiles if "/ts/" in t[0] and ".raw?" in t[0]]
        assert viewer_stats(page)["std"] > 5
        if check is not None:
            check_picture(page, check)
        return raw


def check_picture(page: Any, data: np.ndarray) -> None:
    """The floats of a level-0 tile as nginx sent them are the file's; the client's picture of a shown
    tile is the server's rendering of it (one palette step)."""
    # A level-0 tile the fitted views did not show: Django's the first time (it stores it), then nginx's.
    answers = [page.evaluate(SIGNED_VALUES, ["home/alice/raw-field.fits", 0, 1, 2]) for _ in range(2)]
    assert [a["by"] for a in answers] == [None, "nginx"]
    for answer in answers:
        values = np.asarray(answer["values"], dtype=np.float32).reshape(256, 256)[::-1]
        np.testing.assert_array_equal(values, data[512:768, 256:512])
    levels = page.evaluate(f"{VIEWER}.hduInfo.levels")
    top = levels - 1
    mine = np.asarray(page.evaluate(f"{VIEWER}.clientPyramidTilePixels({top}, 0, 0)"), dtype=np.int16)
    theirs = server_png(page, page.evaluate(f"{VIEWER}.pyramidTileUrl({top}, 0, 0)"))
    mine = mine.reshape(256, 256, 4)
    np.testing.assert_array_equal(mine[..., 3] == 0, theirs[..., 3] == 0)
    np.testing.assert_allclose(mine[..., :3], theirs[..., :3], atol=4)

"""The service as a user finds it after `make run`: real server process, real Chromium.

The server is started exactly as `make run` starts it (migrate, toyz_setup, uvicorn) in a fresh
var folder, in the embedded mode, so this also proves the first-run path: sample data, admin account.
Each browser module gets a site of its own; the var folder that migrate and toyz_setup leave is made
once per test process and copied for the next modules (`lay_var`), which saves them 7 s of start-up each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, LayVar, free_port, wait_for

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-password"


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def running_site(var: Path, setup: Sequence[str] = (), *, laid: bool = False) -> Iterator[dict[str, Any]]:
    """Start Toyz as `make run` does (migrate, toyz_setup, uvicorn) in the var folder `var`, in the
    embedded mode; each of `setup` is run first with `manage.py shell -c`. With `laid`, `var` already is
    what those commands leave (`site_var`) and only the server starts. Yields ``{base, data, log}``."""
    if not (ROOT / "frontend/dist/.vite/manifest.json").exists():
        raise RuntimeError("The front end is not built: run `make frontend` (make test does).")
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(TOYZ_VAR_DIR=str(var), TOYZ_ADMIN_PASSWORD=PASSWORD)
    manage = [sys.executable, "manage.py"]
    if not laid:
        for command in site_commands(setup):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (var / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-server-header"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: server.poll() is not None or _up(f"{base}/accounts/login/"), 60, "the server")
        assert server.poll() is None, (var / "server.log").read_text()
        yield {"base": base, "data": var / "data", "log": var / "server.log"}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def site_commands(setup: Sequence[str] = ()) -> list[list[str]]:
    """The `manage.py` commands that make a site's var folder: `make run`'s, then each `setup` script."""
    return [["migrate", "--noinput", "-v0"], ["toyz_setup"], *(["shell", "-c", script] for script in setup)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, lay_var: LayVar) -> Iterator[dict[str, Any]]:
    if not (ROOT / "frontend/dist/.vite/manifest.json").exists():
        pytest.fail("The front end is not built: run `make frontend` (make test does).")
    # An ordinary user, as an admin would add one.
    carol = f"from django.contrib.auth import get_user_model; get_user_model().objects.create_user('carol', password='{PASSWORD}')"
    var = lay_var(tmp_path_factory.mktemp("site-var"), site_commands([carol]), TOYZ_ADMIN_PASSWORD=PASSWORD)
    with running_site(var, laid=True) as site:
        (site["data"] / "samples" / "broken.fits").write_bytes(b"SIMPLE  =                    T / truncated right here")
        yield site


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


# Reports every Content-Security-Policy violation of every page of a context, whatever the page does.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', e => window.__toyzCspViolation(
  `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} on <${e.target?.localName ?? '?'} class=${e.target?.className}>`
  + ` (${e.sourceFile || location.pathname}:${e.lineNumber}:${e.columnNumber})`));"""


def watch_csp(context: Any) -> list[str]:
    """Collect the Content-Security-Policy violations of `context` (and Chromium's console reports of them)."""
    violations: list[str] = []
    context.expose_function("__toyzCspViolation", lambda text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    context.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


@contextmanager
def browser_page(browser: Any, viewport: tuple[int, int] | None = (1400, 900)) -> Iterator[Any]:
    """A page in a new browser context (its own cookies, so its own session), not logged in.

    The context's Content-Security-Policy violations and the page's JavaScript errors are collected; on
    leaving the block the context is closed and, unless the block raised, the test fails if there were any.
    `viewport` is (width, height) in CSS pixels, or None for Playwright's default.
    """
    size = {"viewport": {"width": viewport[0], "height": viewport[1]}} if viewport else {}
    context = browser.new_context(**size)
    violations = watch_csp(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


#: `log_in(..., land=WORKSPACE)`: wait until a workspace is open (the first, when the home page lists them).
WORKSPACE = "workspace"


def log_in(page: Any, base: str, username: str, password: str = PASSWORD, *, path: str = "/",
           land: str | None = WORKSPACE) -> None:  # fmt: skip
    """Log `page` in as `username` through the login form that `base + path` shows (the app's or the admin's).

    `land` is where the login must lead before this returns: `WORKSPACE` (a workspace page, opening the
    first listed one if the home page lists them), a URL pattern for ``page.wait_for_url``, or None (the
    next page has loaded, wherever it is).
    """
    page.goto(f"{base}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state()
    if land == WORKSPACE:
        if "/workspaces/" not in page.url:
            # Not the first login: the home page lists the workspaces.
            page.locator("ul.list a").first.click()
        page.wait_for_url("**/workspaces/*/")
    elif land is not None:
        page.wait_for_url(land)


@contextmanager
def logged_in_page(browser: Any, base: str, username: str, password: str = PASSWORD, *, path: str = "/",
                   land: str | None = WORKSPACE, viewport: tuple[int, int] | None = (1400, 900)) -> Iterator[Any]:  # fmt: skip
    """`browser_page` logged in with `log_in` (see both): a new context's page, as `username`, checked on leaving.

    >>> with logged_in_page(browser, site["base"], "carol") as page:
    ...     page.locator("[data-testid=entry]").first.wait_for()
    """
    with browser_page(browser, viewport) as page:
        log_in(page, base, username, password, path=path, land=land)
        yield page


@pytest.fixture
def page(site: dict[str, Any], browser: Any) -> Iterator[Any]:
    with logged_in_page(browser, site["base"], "admin") as page:
        yield page


def open_file(page: Any, *names: str) -> None:
    for name in names:
        page.locator(f'[data-testid=entry][data-name="{name}"]').first.click()


CANVAS_STATS = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0, sum = 0, sq = 0, chroma = 0; const seen = new Set();
  for (let i = 0; i < data.length; i += 4 * 7) {
    if (data[i + 3] === 0) continue;
    const v = data[i] + data[i + 1] + data[i + 2];
    n++; sum += v; sq += v * v; seen.add(v);
    chroma += Math.abs(data[i] - data[i + 1]) + Math.abs(data[i + 1] - data[i + 2]);
  }
  const mean = sum / Math.max(n, 1);
  return {opaque: n, mean, std: Math.sqrt(Math.max(sq / Math.max(n, 1) - mean * mean, 0)), distinct: seen.size, chroma: chroma / Math.max(n, 1)};
}"""


def viewer_stats(page: Any) -> dict[str, float]:
    canvas = page.locator("[data-testid=viewer-map] canvas").first
    return dict(canvas.evaluate(CANVAS_STATS))


def wait_for_pyramid_tiles(page: Any) -> None:
    page.wait_for_function(
        "() => { const v = document.querySelector('toyz-app')?.shadowRoot?.querySelector('toyz-image-viewer') ?? document.querySelector('toyz-image-viewer');"
        " return v && v.loadedPyramidTiles > 0; }",
        timeout=30_000,
    )
    wait_for_render(page)


def wait_for_render(page: Any, after: int | None = None) -> None:
    """Wait until the first viewer has completely drawn what its settings ask for.

    `renderSettled`: every visible tile of the current rendering loaded and drawn; with `after`,
    also a complete render later than render number `after` (`renderCount`), e.g. after a pan.
    """
    later = "" if after is None else f" && v.renderCount > {after}"
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('toyz-image-viewer'); return v && v.renderSettled{later}; }}",
        timeout=30_000,
    )


def wait_until_saved(page: Any) -> None:
    """Wait until the page says every change made on it is saved by the server (the app's `saved`: no
    layout or sources change waits for its debounce or for the server's answer), so a reload shows it."""
    page.wait_for_function("() => document.querySelector('toyz-app')?.saved === true", timeout=30_000)


def render_count(page: Any) -> int:
    return int(page.evaluate("document.querySelector('toyz-image-viewer').renderCount"))


def test_a_user_logs_in_opens_a_fits_file_and_sees_real_pixels(page: Any, site: dict[str, Any]) -> None:
    open_file(page, "samples", "starfield.fits")
    wait_for_pyramid_tiles(page)
    stats = viewer_stats(page)
    assert stats["opaque"] > 1000, stats
    assert stats["std"] > 5 and stats["distinct"] > 20, f"the viewer shows a blank or flat canvas: {stats}"
    assert stats["chroma"] < 1, "gray colormap expected first"

    page.locator("[data-testid=cmap]").first.select_option("viridis")
    wait_for_render(page)
    assert viewer_stats(page)["chroma"] > 10, "the colormap did not change the pixels"

    # The view shows what the server renders for these settings, whichever they are.
    assert viewer_stats(page)["mean"] == pytest.approx(server_mean(page), rel=0.05)
    zscale_linear = server_mean(page)
    page.locator("[data-testid=stretch]").first.select_option("log")
    page.locator("[data-testid=limits]").first.select_option("minmax")
    wait_for_render(page)
    minmax_log = server_mean(page)
    assert abs(minmax_log - zscale_linear) > 0.15 * zscale_linear, (zscale_linear, minmax_log)
    assert viewer_stats(page)["mean"] == pytest.approx(minmax_log, rel=0.05), "the view kept the old stretch"

    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    readout = page.locator("[data-testid=readout]").first
    readout.filter(has_text=":").wait_for(timeout=10_000)
    text = readout.inner_text()
    assert "RA" in text or "α" in text, text


def test_pictures_open_the_same_way(page: Any) -> None:
    open_file(page, "samples", "starfield.png")
    wait_for_pyramid_tiles(page)
    assert viewer_stats(page)["std"] > 5


def test_a_gzipped_fits_file_named_fit_gz_is_offered_and_opens(page: Any, site: dict[str, Any]) -> None:
    import gzip
    import io

    from astropy.io import fits

    from workers.imaging.synthetic import star_field

    # As archives name their gzipped thumbnails; the file browser once greyed these out.
    buffer = io.BytesIO()
    fits.PrimaryHDU(star_field((300, 400), n_stars=30, seed=2)).writeto(buffer)
    folder = site["data"] / "archive"
    folder.mkdir(exist_ok=True)
    (folder / "thumbnail-image.fit.gz").write_bytes(gzip.compress(buffer.getvalue()))
    page.reload()  # the root was listed before the folder was there
    open_file(page, "archive")
    entry = page.locator('[data-testid=entry][data-name="thumbnail-image.fit.gz"]')
    entry.wait_for()
    assert entry.get_attribute("data-openable") == "true" and entry.get_attribute("aria-disabled") == "false"
    entry.click()
    wait_for_pyramid_tiles(page)
    assert viewer_stats(page)["std"] > 5


def test_a_broken_file_shows_a_clear_error_and_the_page_keeps_working(page: Any) -> None:
    open_file(page, "samples", "broken.fits")
    error = page.locator("[data-testid=error]").first
    error.wait_for(timeout=10_000)
    assert "FITS" in error.inner_text() or "read" in error.inner_text().lower()
    open_file(page, "starfield.fits")
    wait_for_pyramid_tiles(page)


# --- client-side rendering, cubes, contrast/bias, colorbar ------------------------------------

VIEWER = "document.querySelector('toyz-image-viewer')"


def open_and_wait(page: Any, name: str) -> None:
    open_file(page, name)
    page.wait_for_function(
        f"() => {{ const v = {VIEWER}; return v && v.description && v.description.path.endsWith('/{name}')"
        " && v.loadedPyramidTiles > 0; }",
        timeout=30_000,
    )
    wait_for_render(page)


def pyramid_tile_requests(page: Any) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/tiles/" in r.url else None)
    return requests


def server_png(page: Any, url: str) -> Any:
    import io

    import numpy as np
    from PIL import Image

    response = page.request.get(page.evaluate("location.origin") + url)
    assert response.ok, response.text()
    return np.asarray(Image.open(io.BytesIO(response.body())).convert("RGBA"), dtype=np.int16)


def server_mean(page: Any) -> float:
    """Mean R+G+B of the server's one-tile rendering of the whole image with the viewer's settings."""
    levels = page.evaluate(f"{VIEWER}.hduInfo.levels")
    tile = server_png(page, page.evaluate(f"{VIEWER}.pyramidTileUrl({levels - 1}, 0, 0)"))
    opaque = tile[..., 3] > 0
    return float(tile[..., :3].sum(axis=2)[opaque].mean())


def test_client_rendering_draws_the_server_pixels_and_restretches_without_a_request(page: Any) -> None:
    import numpy as np

    open_file(page, "samples")
    open_and_wait(page, "starfield.fits")
    assert page.evaluate(f"{VIEWER}.clientRenderActive"), "client rendering is the default for one band"
    assert page.locator("[data-testid=client-render]").first.is_checked()
    page.evaluate(f"{VIEWER}.clientPyramidTilePixels(1, 0, 0)")  # fetches that float tile once
    requests = pyramid_tile_requests(page)
    for stretch, cmap in [("linear", "gray"), ("log", "viridis"), ("asinh", "magma"), ("power", "gray")]:
        page.locator("[data-testid=stretch]").first.select_option(stretch)
        page.locator("[data-testid=cmap]").first.select_option(cmap)
        client = page.evaluate(f"{VIEWER}.clientPyramidTilePixels(1, 0, 0)")
        assert client is not None
        mine = np.asarray(client, dtype=np.int16).reshape(256, 256, 4)
        theirs = server_png(page, page.evaluate(f"{VIEWER}.pyramidTileUrl(1, 0, 0)"))
        np.testing.assert_array_equal(mine[..., 3] == 0, theirs[..., 3] == 0)
        # One palette step at most: the client's lookup table is 16-bit, the server rounds exactly.
        np.testing.assert_allclose(mine[..., :3], theirs[..., :3], atol=4, err_msg=f"{stretch} {cmap}")
    wait_for_render(page)
    assert not [u for u in requests if "/tiles/" in u and ".raw" not in u], "the page asked for server tiles"
    assert not [u for u in requests if ".raw" in u], "the float tiles were fetched again"
    assert viewer_stats(page)["chroma"] < 1, "the view shows the last (gray) colormap"


def test_the_colorbar_follows_the_limits_and_the_stretch(page: Any) -> None:
    open_file(page, "samples")
    open_and_wait(page, "starfield.fits")
    page.locator("[data-testid=stretch]").first.select_option("linear")
    page.locator("[data-testid=limits]").first.select_option("user")
    page.locator("[data-testid=lo]").first.fill("100")
    page.locator("[data-testid=lo]").first.dispatch_event("change")
    page.locator("[data-testid=hi]").first.fill("200")
    page.locator("[data-testid=hi]").first.dispatch_event("change")
    bar = page.locator("[data-testid=colorbar]").first
    assert bar.locator("[data-testid=colorbar-lo]").inner_text() == "100"
    assert bar.locator("[data-testid=colorbar-mid]").inner_text() == "150"
    assert bar.locator("[data-testid=colorbar-hi]").inner_text() == "200"
    page.locator("[data-testid=stretch]").first.select_option("sqrt")
    # The middle of a sqrt bar is a quarter of the way in data units.
    assert bar.locator("[data-testid=colorbar-mid]").inner_text() == "125"
    page.locator("[data-testid=cmap]").first.select_option("viridis")
    wait_for_render(page)
    colours = bar.locator("canvas").evaluate(
        "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, 1).data.slice(0, 4))"
    )
    assert colours[3] == 255 and colours[2] > colours[1], f"viridis starts dark blue: {colours}"
    page.locator("[data-testid=limits]").first.select_option("zscale")
    page.locator("[data-testid=stretch]").first.select_option("linear")
    page.locator("[data-testid=cmap]").first.select_option("gray")


def test_a_cube_changes_and_plays_its_planes_without_a_blank_frame(page: Any) -> None:
    open_file(page, "samples")
    open_and_wait(page, "cube.fits")
    page.evaluate(
        """() => { window.minOpaque = Infinity; window.frames = 0; window.planesSeen = new Set();
        const tick = () => { const c = document.querySelector('[data-testid=viewer-map] canvas');
          window.planesSeen.add(document.querySelector('toyz-image-viewer').description.plane);
          if (c && c.width) { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4 * 97) if (d[i]) n++;
            window.minOpaque = Math.min(window.minOpaque, n); window.frames++; }
          if (!window.stopWatch) requestAnimationFrame(tick); }; tick(); }"""
    )
    slider = page.locator("[data-testid=plane-slider]").first
    slider.fill("2")
    page.wait_for_function(f"() => {VIEWER}.description.plane === 2", timeout=10_000)
    page.locator("[data-testid=fps]").first.fill("8")
    page.locator("[data-testid=fps]").first.dispatch_event("change")
    page.evaluate("() => window.planesSeen.clear()")
    page.locator("[data-testid=play]").first.click()
    page.wait_for_function("() => window.planesSeen.size === 3 && window.frames > 10", timeout=30_000)
    assert page.locator("[data-testid=play]").first.get_attribute("data-playing") == "true"
    page.locator("[data-testid=play]").first.click()
    seen = set(page.evaluate("() => [...window.planesSeen]"))
    assert seen == {0, 1, 2}, seen
    assert not page.evaluate(f"{VIEWER}.playing")
    page.evaluate("() => { window.stopWatch = true; }")
    assert page.evaluate("window.frames") > 10
    assert page.evaluate("window.minOpaque") > 100, "a plane change showed a blank view"


def test_contrast_and_bias_drag_live_and_persist(page: Any) -> None:
    open_file(page, "samples")
    open_and_wait(page, "starfield.fits")
    page.locator("[data-testid=stretch]").first.select_option("linear")
    page.locator("[data-testid=limits]").first.select_option("zscale")
    if page.locator("[data-testid=contrast-reset]").first.is_enabled():
        page.locator("[data-testid=contrast-reset]").first.click()
    before = viewer_stats(page)
    requests = pyramid_tile_requests(page)
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down(button="right")
    page.mouse.move(cx + 60, cy - box["height"] / 4, steps=4)
    wait_for_render(page)
    live = viewer_stats(page)
    page.mouse.up(button="right")
    cb = page.evaluate(f"{VIEWER}.contrastBias")
    assert cb["contrast"] > 1.5 and cb["bias"] > 0.5, cb
    assert live["std"] > before["std"] * 1.2, (before, live)
    assert not requests, f"client rendering asked the server: {requests[:3]}"
    state = page.evaluate(f"{VIEWER}.state")
    assert state["contrast"] == cb["contrast"] and state["bias"] == cb["bias"]

    # Server rendering: a sketch of the centre while dragging, new tiles on release.
    page.locator("[data-testid=client-render]").first.uncheck()
    page.wait_for_function(f"() => !{VIEWER}.clientRenderActive && {VIEWER}.pyramidTileUrl(0, 0, 0).includes('.png')")
    wait_for_render(page)
    requests.clear()
    page.mouse.move(cx, cy)
    page.mouse.down(button="right")
    page.mouse.move(cx - 40, cy + 30, steps=3)
    page.locator("[data-testid=contrast-sketch] canvas[data-painted]").wait_for(timeout=10_000)
    assert not [u for u in requests if ".png" in u], "tiles were asked for while dragging"
    page.mouse.up(button="right")
    page.locator("[data-testid=contrast-sketch]").wait_for(state="detached", timeout=10_000)
    wait_for_render(page)
    assert [u for u in requests if ".png" in u], "no new server tiles after the drag"

    page.locator("[data-testid=contrast-reset]").first.click()
    assert page.evaluate(f"{VIEWER}.contrastBias") == {"contrast": 1, "bias": 0.5}
    page.locator("[data-testid=client-render]").first.check()
    page.wait_for_function(f"() => {VIEWER}.clientRenderActive")


def test_a_new_user_sees_only_their_home_and_cannot_reach_other_files(site: dict[str, Any], browser: Any) -> None:
    with logged_in_page(browser, site["base"], "carol", viewport=(1200, 800)) as page:
        entries = page.locator("[data-testid=entry]")
        entries.first.wait_for()
        assert entries.evaluate_all("els => els.map(e => e.dataset.name)") == ["home"]
        open_file(page, "home")
        page.locator('[data-testid=entry][data-name="carol"]').wait_for()
        assert entries.evaluate_all("els => els.map(e => e.dataset.name)") == ["carol"]
        # The samples the admin sees are out of reach, even by asking for them directly.
        response = page.request.get(f"{site['base']}/api/imaging/describe?path=samples/starfield.fits")
        assert response.status == 403 and response.json()["error"]["code"] == "forbidden"


def test_a_folder_is_prerendered_from_the_file_browser_with_progress(page: Any, site: dict[str, Any]) -> None:
    open_file(page, "samples")
    page.locator('[data-testid=entry][data-name="starfield.fits"]').wait_for()
    page.locator("[data-testid=folder-prerender]").click()
    status = page.locator("[data-testid=folder-prerender-status]")
    status.wait_for()
    status.filter(has_text="built").wait_for(timeout=120_000)
    text = status.inner_text()
    assert "Pre-rendered samples" in text and "failed" in text  # broken.fits is reported, not fatal
    cache = site["data"].parent / "cache"
    assert list(cache.glob("*/prerendered-all.json")), "no pyramid was completed"


def until(page: Any, already: bool, wanted: Any, seconds: float = 30) -> None:
    """Unless `already`, wait for the next response that is `wanted` (a predicate of the response)."""
    if not already:
        page.wait_for_event("response", predicate=wanted, timeout=seconds * 1000)


def test_a_new_mosaic_shows_a_preview_at_once_then_its_real_tiles(page: Any, site: dict[str, Any]) -> None:
    from workers.imaging.synthetic import write_decam_like

    # Big enough for previews (level 3 and coarser), small enough to build in seconds.
    write_decam_like(site["data"] / "samples" / "wide.fits.fz", n_ccds=4, ccd_shape=(4096, 2048), compress=True)
    previews: list[str] = []
    plain: list[str] = []

    def mosaic_tile(url: str) -> bool:
        return "/tiles/" in url and "wide.fits.fz" in url and "hdu=-1" in url

    def is_preview(response: Any) -> bool:
        return mosaic_tile(response.url) and response.headers.get("x-toyz-preview") == "1"

    def seen(response: Any) -> None:
        if mosaic_tile(response.url):
            (previews if is_preview(response) else plain).append(response.url)

    page.on("response", seen)
    open_file(page, "samples")
    open_and_wait(page, "wide.fits.fz")
    page.locator("[data-testid=hdu]").first.select_option("-1")
    page.wait_for_function(f"() => {VIEWER}.description?.hdu === -1 && {VIEWER}.loadedPyramidTiles > 0", timeout=30_000)
    assert page.evaluate(f"{VIEWER}.description.preview") is True
    status = page.locator("[data-testid=prerender-status]")
    status.wait_for(timeout=10_000)
    until(page, bool(previews), is_preview)
    assert all("preview=1" in url for url in previews)
    # The viewer pre-renders the mosaic by itself, then shows the real tiles.
    status.filter(has_text="Pre-rendered").wait_for(timeout=120_000)
    page.wait_for_function(f"() => {VIEWER}.description.preview === false", timeout=10_000)
    real = any("preview=1" not in url for url in plain)
    until(page, real, lambda r: mosaic_tile(r.url) and not is_preview(r) and "preview=1" not in r.url)
    wait_for_render(page)
    # The real tiles replace the previews as they arrive: give the picture a few seconds to show them.
    deadline = time.monotonic() + 10
    stats = viewer_stats(page)
    while not (stats["opaque"] > 1000 and stats["std"] > 1) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        stats = viewer_stats(page)
    assert stats["opaque"] > 1000 and stats["std"] > 1, stats


# --- panning with the mouse and the keyboard --------------------------------------------------


def map_picture(page: Any) -> Any:
    """The middle of the first viewer's map as a screenshot, gray levels as floats (row 0 on top)."""
    import io

    import numpy as np
    from PIL import Image

    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    # Clear of the zoom buttons in the corner and of the edges that new tiles fill.
    clip = {"x": box["x"] + 60, "y": box["y"] + 60, "width": box["width"] - 120, "height": box["height"] - 120}
    return np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L"), dtype=np.float64)


def picture_shift(
    before: Any, after: Any, expected: tuple[int, int], search: int = 6
) -> tuple[tuple[int, int], float, float]:
    """The (dx, dy) near `expected` that best maps `before` onto `after` (after[y + dy, x + dx] = before[y, x]),
    with its mean absolute difference and that of no shift at all."""
    import numpy as np

    def mismatch(dx: int, dy: int) -> float:
        h, w = before.shape
        a = after[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)]
        b = before[max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)]
        return float(np.abs(a - b).mean())

    ex, ey = expected
    candidates = [(dx, dy) for dx in range(ex - search, ex + search + 1) for dy in range(ey - search, ey + search + 1)]
    best = min(candidates, key=lambda d: mismatch(*d))
    return best, mismatch(*best), mismatch(0, 0)


def test_dragging_the_image_moves_it_by_the_drag(page: Any) -> None:
    open_file(page, "samples")
    open_and_wait(page, "starfield.fits")
    page.locator("[data-testid=fit]").first.click()
    wait_for_render(page)
    before = map_picture(page)
    assert before.std() > 5, "nothing to see on the map"
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    count = render_count(page)
    page.mouse.move(cx, cy)
    page.mouse.down()
    # One pixel a step, as a hand moves: OpenLayers starts panning from the first move, not the press.
    page.mouse.move(cx + 90, cy + 60, steps=90)
    page.mouse.up()
    wait_for_render(page, after=count)
    (dx, dy), error, unmoved = picture_shift(before, map_picture(page), (90, 60))
    assert abs(dx - 90) <= 2 and abs(dy - 60) <= 2, f"the picture moved by ({dx}, {dy}), not (90, 60)"
    assert error < unmoved / 3, (error, unmoved)


def test_arrow_keys_pan_the_focused_map_but_not_from_an_input(page: Any) -> None:
    open_file(page, "samples")
    open_and_wait(page, "starfield.fits")
    page.locator("[data-testid=fit]").first.click()
    wait_for_render(page)
    map_el = page.locator("[data-testid=viewer-map]").first
    map_el.click()  # a person clicks the image, then uses the keys
    wait_for_render(page)
    before = map_picture(page)
    count = render_count(page)
    page.keyboard.press("ArrowLeft")
    wait_for_render(page, after=count)
    # OpenLayers' KeyboardPan moves the view 128 screen pixels: the picture goes right.
    (dx, dy), error, unmoved = picture_shift(before, map_picture(page), (128, 0))
    assert abs(dx - 128) <= 2 and abs(dy) <= 2, f"the picture moved by ({dx}, {dy}), not (128, 0)"
    assert error < unmoved / 3, (error, unmoved)

    # Arrow keys in a field of the toolbar move the caret, not the picture.
    page.locator("[data-testid=limits]").first.select_option("user")
    wait_for_render(page)
    center = page.evaluate(f"{VIEWER}.state.center")
    lo = page.locator("[data-testid=lo]").first
    lo.click()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    # Two frames: a pan the keys had started would have moved the centre by then.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate("document.activeElement.dataset.testid") == "lo"
    assert page.evaluate(f"{VIEWER}.state.center") == center, "the arrow keys of an input panned the map"
    page.locator("[data-testid=limits]").first.select_option("zscale")


# --- the workspace page: folder kept across reloads, first viewer, new viewers ----------------


def test_the_file_browser_keeps_its_folder_across_a_reload(page: Any) -> None:
    open_file(page, "samples")
    page.locator('[data-testid=entry][data-name="starfield.fits"]').wait_for()
    assert "folder=samples" in page.url
    page.reload()
    page.locator('[data-testid=entry][data-name="starfield.fits"]').wait_for(timeout=10_000)
    assert page.locator("[data-testid=breadcrumb] .crumb").last.inner_text() == "samples"
    # A return through the home page (no folder in the address) opens the same folder.
    page.goto(page.url.split("/workspaces/")[0] + "/")
    page.wait_for_url("**/workspaces/*/**")
    page.locator('[data-testid=entry][data-name="starfield.fits"]').wait_for(timeout=10_000)
    assert page.locator("[data-testid=breadcrumb] .crumb").last.inner_text() == "samples"


def test_a_new_workspace_viewer_fills_the_window_and_an_added_one_is_in_view(page: Any) -> None:
    page.goto(page.url.split("/workspaces/")[0] + "/workspaces/")
    page.fill("#id_name", "Layout check")
    page.click("form[action$='/workspaces/new/'] button[type=submit]")
    page.wait_for_url("**/workspaces/*/")
    tiles = page.locator("[data-testid=tile]")
    tiles.first.wait_for()
    first = tiles.first.bounding_box()
    # 1400 × 900: the first viewer takes most of the window beside the file browser.
    assert first["width"] * first["height"] > 0.6 * 1400 * 900, first
    page.locator("[data-testid=add-viewer]").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=tile]').length === 2")
    # gridstack animates the move: wait until both tiles stand still, side by side, in the window.
    page.wait_for_function(
        """() => { const boxes = [...document.querySelectorAll('[data-testid=tile]')].map(t => t.getBoundingClientRect());
          const key = JSON.stringify(boxes.map(b => [b.x, b.y, b.width, b.height].map(Math.round)));
          const still = key === window.lastTileBoxes; window.lastTileBoxes = key;
          return still && boxes.every(b => b.top >= 0 && b.bottom <= innerHeight && b.width > 200); }""",
        polling="raf",
    )
    new = page.locator(".grid-stack-item.focused [data-testid=tile]")
    assert new.count() == 1, "the new viewer is focused"
    box = new.bounding_box()
    assert box["height"] > 0.6 * 900, box
    # Later tests use the first viewer of the admin's last workspace: leave one.
    new.locator("[data-testid=tile-close]").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=tile]').length === 1")


def test_an_exposure_opens_on_its_focal_plane_and_one_ccd_is_a_click_away(page: Any) -> None:
    ccd_tiles: list[str] = []

    def ccd_tile(response: Any) -> bool:
        return "/tiles/" in response.url and "hdu=2" in response.url

    page.on("response", lambda r: ccd_tiles.append(r.url) if ccd_tile(r) else None)
    open_file(page, "samples")
    open_and_wait(page, "decam_small.fits")  # 4 CCDs with DETSEC
    assert page.evaluate(f"{VIEWER}.description.hdu") == -1
    menu = page.locator("[data-testid=hdu]").first
    assert menu.input_value() == "-1"
    assert menu.locator("option:checked").inner_text().startswith("Focal plane (4 CCDs)")
    assert page.locator(".viewer-status .dims").first.inner_text() != "512 × 1024"  # the whole plane
    assert viewer_stats(page)["opaque"] > 1000
    menu.select_option("2")
    page.wait_for_function(f"() => {VIEWER}.description?.hdu === 2", timeout=30_000)
    until(page, bool(ccd_tiles), ccd_tile)
    page.locator(".viewer-status .dims", has_text="512 × 1024").wait_for(timeout=10_000)
    assert menu.input_value() == "2" and menu.locator("option:checked").inner_text().startswith("2 S2")
    assert page.evaluate(f"{VIEWER}.state.hdu") == 2

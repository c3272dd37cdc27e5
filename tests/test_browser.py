"""The service as a user finds it after `make run`: real server process, real Chromium.

The server is started exactly as `make run` starts it (migrate, toyz_setup, uvicorn) in a fresh
var folder, in the embedded mode, so this also proves the first-run path: sample data, admin account.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, free_port, wait_for

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-test-password"


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not (ROOT / "frontend/dist/.vite/manifest.json").exists():
        pytest.fail("The front end is not built: run `make frontend` (make test does).")
    var = tmp_path_factory.mktemp("site-var")
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(TOYZ_VAR_DIR=str(var), TOYZ_ADMIN_PASSWORD=PASSWORD)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "toyz_setup"], cwd=ROOT, env=env, check=True, capture_output=True)
    data = var / "data"
    (data / "samples" / "broken.fits").write_bytes(b"SIMPLE  =                    T / truncated right here")
    port = free_port()
    log = (var / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: server.poll() is not None or _up(f"{base}/accounts/login/"), 60, "the server")
        assert server.poll() is None, (var / "server.log").read_text()
        yield {"base": base, "data": data, "log": var / "server.log"}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(site: dict[str, Any], browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{site['base']}/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/workspaces/" not in page.url:
        # Not the first login: the home page lists the workspaces.
        page.locator("ul.list a").first.click()
    page.wait_for_url("**/workspaces/*/")
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


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
  return {opaque: n, std: Math.sqrt(Math.max(sq / Math.max(n, 1) - mean * mean, 0)), distinct: seen.size, chroma: chroma / Math.max(n, 1)};
}"""


def viewer_stats(page: Any) -> dict[str, float]:
    canvas = page.locator("[data-testid=viewer-map] canvas").first
    return dict(canvas.evaluate(CANVAS_STATS))


def wait_for_tiles(page: Any) -> None:
    page.wait_for_function(
        "() => { const v = document.querySelector('toyz-app')?.shadowRoot?.querySelector('toyz-image-viewer') ?? document.querySelector('toyz-image-viewer');"
        " return v && v.loadedTiles > 0; }",
        timeout=30_000,
    )
    page.wait_for_timeout(500)  # let OpenLayers draw the loaded tiles


def test_a_user_logs_in_opens_a_fits_file_and_sees_real_pixels(page: Any, site: dict[str, Any]) -> None:
    open_file(page, "samples", "starfield.fits")
    wait_for_tiles(page)
    stats = viewer_stats(page)
    assert stats["opaque"] > 1000, stats
    assert stats["std"] > 5 and stats["distinct"] > 20, f"the viewer shows a blank or flat canvas: {stats}"
    assert stats["chroma"] < 1, "gray colormap expected first"

    page.locator("[data-testid=cmap]").first.select_option("viridis")
    page.wait_for_timeout(1500)
    assert viewer_stats(page)["chroma"] > 10, "the colormap did not change the pixels"

    before = viewer_stats(page)
    page.locator("[data-testid=stretch]").first.select_option("log")
    page.locator("[data-testid=limits]").first.select_option("minmax")
    page.wait_for_timeout(1500)
    assert viewer_stats(page) != before, "the stretch and limits did not change the pixels"

    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    readout = page.locator("[data-testid=readout]").first
    readout.filter(has_text=":").wait_for(timeout=10_000)
    text = readout.inner_text()
    assert "RA" in text or "α" in text, text


def test_pictures_open_the_same_way(page: Any) -> None:
    open_file(page, "samples", "starfield.png")
    wait_for_tiles(page)
    assert viewer_stats(page)["std"] > 5


def test_a_broken_file_shows_a_clear_error_and_the_page_keeps_working(page: Any) -> None:
    open_file(page, "samples", "broken.fits")
    error = page.locator("[data-testid=error]").first
    error.wait_for(timeout=10_000)
    assert "FITS" in error.inner_text() or "read" in error.inner_text().lower()
    open_file(page, "starfield.fits")
    wait_for_tiles(page)

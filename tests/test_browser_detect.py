"""Source detection as a user does it, in real Chromium against the real server: the viewer's Detect panel
(the job's form, its progress), the table opened as a workspace source with a table tile, a plot and markers on
the image; then the catalogue edited on the image (a click adds a source, a marker's popup deletes one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from astropy.wcs import WCS

from tests.test_browser import browser, open_file, page, site, wait_for_pyramid_tiles, wait_for_render
from workers.imaging.synthetic import star_field, star_field_stars, tan_header

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name

pytestmark = pytest.mark.browser

SHAPE = (512, 512)
N_STARS, SEED = 120, 11
NOISE = 5.0  # star_field's default noise sigma, counts
VIEWER = "document.querySelector('toyz-image-viewer')"
APP = "document.querySelector('toyz-app')"

# The detection's source in the workspace, and its row count read from the server.
SOURCE = f"""async (path) => {{
  const spec = {APP}.sources.specs.find((s) => s.path === path);
  if (!spec) return null;
  const store = {APP}.sources.get(spec.id);
  const d = await store.describe();
  const x = Array.from(await store.column('x')), y = Array.from(await store.column('y'));
  return {{id: spec.id, rows: d.rows, x, y}};
}}"""


def screen_of(page: Any, x: float, y: float) -> tuple[float, float]:
    """The page position of viewer point (x, y)."""
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    px, py = page.evaluate(f"([x, y]) => {VIEWER}.olMap.getPixelFromCoordinate([x, y])", [x, y])
    return box["x"] + px, box["y"] + py


def clickable(page: Any, sx: float, sy: float, margin: float = 10) -> bool:
    """Whether page position (sx, sy) is on the map, `margin` from its edges, and not under the detection panel."""
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    panel = page.locator("[data-testid=detect-panel]").first.bounding_box()
    on_map = (
        box["x"] + margin < sx < box["x"] + box["width"] - margin
        and box["y"] + margin < sy < box["y"] + box["height"] - margin
    )
    under = (
        panel["x"] - 15 < sx < panel["x"] + panel["width"] + 15
        and panel["y"] - 15 < sy < panel["y"] + panel["height"] + 15
    )
    return on_map and not under


def source_now(page: Any, path: str) -> dict[str, Any]:
    found = page.evaluate(SOURCE, path)
    assert found is not None, f"no workspace source for {path}"
    return dict(found)


def wait_rows(page: Any, path: str, rows: int) -> dict[str, Any]:
    """Waits until the source, the overlay and the table tile all show `rows` rows."""
    page.wait_for_function(
        f"""async ([path, rows]) => {{
          const spec = {APP}.sources.specs.find((s) => s.path === path);
          const d = spec && await {APP}.sources.get(spec.id).describe();
          const placed = {VIEWER}.catalogueOverlays.placed.find((p) => p.source === spec?.id);
          const table = document.querySelector('toyz-table');
          return d?.rows === rows && placed?.rows === rows && table?.viewRows === rows;
        }}""",
        arg=[path, rows],
        timeout=60_000,
    )
    return source_now(page, path)


@pytest.fixture
def field(site: dict[str, Any]) -> tuple[Path, Any]:
    """The star field, written before the page opens (its file browser lists the root once, on load)."""
    folder = site["data"] / "fields"
    folder.mkdir(exist_ok=True)
    header = tan_header((256.5, 256.5), (150.0, 2.0), 0.27 / 3600)
    fits.PrimaryHDU(star_field(SHAPE, n_stars=N_STARS, seed=SEED), header=header).writeto(
        folder / "field.fits", overwrite=True
    )
    return folder, header


def test_a_user_detects_sources_sees_them_and_edits_the_catalogue(
    field: tuple[Path, Any], page: Any, site: dict[str, Any]
) -> None:
    folder, header = field
    truth = star_field_stars(SHAPE, n_stars=N_STARS, seed=SEED)
    tx, ty = truth["x"] + 0.5, truth["y"] + 0.5  # viewer coordinates of the stars' centres

    open_file(page, "fields", "field.fits")
    wait_for_pyramid_tiles(page)
    wait_for_render(page)

    # Detect: the panel's form comes from the job's schema; a threshold typed in, then Detect.
    page.locator("[data-testid=detect-open]").first.click()
    threshold = page.locator("[data-testid=detect-panel] [data-field=threshold] input").first
    threshold.wait_for(timeout=10_000)
    assert threshold.input_value() == "3"
    threshold.fill("abc")
    threshold.dispatch_event("change")
    page.locator("[data-testid=detect-run]").first.click()
    page.locator("[data-testid=detect-panel] [data-testid=job-form-error]").first.wait_for(timeout=5_000)
    threshold.fill("3.5")
    threshold.dispatch_event("change")
    page.locator("[data-testid=detect-run]").first.click()
    status = page.locator("[data-testid=detect-status][data-outcome=ok]").first
    status.wait_for(timeout=120_000)
    text = status.inner_text()
    assert "Found" in text, text

    # The table went into the user's detections folder and is the workspace's source, with tiles.
    path = page.evaluate(f"{APP}.sources.specs.find((s) => s.path.includes('/detections/'))?.path")
    assert path and path.endswith(".fits"), path
    page.locator("[data-testid=tile][data-kind=table]").first.wait_for(timeout=30_000)
    page.locator("[data-testid=tile][data-kind=plot]").first.wait_for(timeout=30_000)
    first = source_now(page, path)
    n = first["rows"]
    assert f"Found {n} source" in text
    bright = int(np.count_nonzero(truth["peak"] > 6 * NOISE))
    assert bright <= n <= tx.size, (bright, n, tx.size)

    # The rows are the stars: nearly all within 1.5 px of a true centre.
    x, y = np.asarray(first["x"]), np.asarray(first["y"])
    nearest = np.hypot(x[:, None] - tx[None, :], y[:, None] - ty[None, :]).min(axis=1)
    assert np.mean(nearest < 1.5) > 0.9, np.sort(nearest)[-10:]

    # Overlaid on this viewer: every row lands on the image.
    detected = wait_rows(page, path, n)
    placed = page.evaluate(f"{VIEWER}.catalogueOverlays.placed")
    assert placed[0]["source"] == detected["id"] and placed[0]["inside"] == n, placed

    # Edit mode: a click on a true star that was not detected, away from every marker, adds it.
    page.locator("[data-testid=edit-toggle]").first.click()
    page.locator("[data-testid=edit-toggle][aria-pressed=true]").first.wait_for()
    wait_for_render(page)
    gap = np.hypot(tx[:, None] - x[None, :], ty[:, None] - y[None, :]).min(axis=1)
    candidates = [i for i in np.argsort(-gap) if gap[i] > 25 and clickable(page, *screen_of(page, tx[i], ty[i]))]
    assert candidates, "no undetected star to click"
    star = int(candidates[0])
    page.mouse.click(*screen_of(page, tx[star], ty[star]))
    page.locator("[data-testid=edit-status]", has_text="Added a source").first.wait_for(timeout=30_000)
    added = wait_rows(page, path, n + 1)
    assert np.hypot(added["x"][-1] - tx[star], added["y"][-1] - ty[star]) < 2.5

    # A click on a marker opens its row; Delete removes it.
    x, y = np.asarray(added["x"]), np.asarray(added["y"])
    crowd = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    np.fill_diagonal(crowd, np.inf)
    lone = [i for i in range(n) if crowd[i].min() > 25 and clickable(page, *screen_of(page, x[i], y[i]), 40)]
    assert lone, "no lone marker to click"
    row = lone[0]
    page.mouse.click(*screen_of(page, x[row], y[row]))
    page.locator("[data-testid=overlay-row]").first.wait_for(timeout=10_000)
    page.locator("[data-testid=row-delete]").first.click()
    page.locator("[data-testid=edit-status]", has_text=f"Deleted row {row}").first.wait_for(timeout=30_000)
    after = wait_rows(page, path, n)
    kept = np.hypot(np.asarray(after["x"]) - x[row], np.asarray(after["y"]) - y[row])
    assert kept.min() > 20, "the deleted source is still in the table"

    # Relabel another one from its popup.
    other = next(i for i in lone if i != row)
    at = int(np.argmin(np.hypot(np.asarray(after["x"]) - x[other], np.asarray(after["y"]) - y[other])))
    page.mouse.click(*screen_of(page, x[other], y[other]))
    page.locator("[data-testid=overlay-popup] [data-testid=overlay-row]").first.wait_for(timeout=10_000)
    page.locator("[data-testid=row-label]").first.fill("star A")
    page.locator("[data-testid=row-relabel]").first.click()
    page.locator("[data-testid=edit-status]", has_text=f"Relabelled row {at}").first.wait_for(timeout=30_000)
    label = page.evaluate(
        f"""async ([path, row]) => {{
          const spec = {APP}.sources.specs.find((s) => s.path === path);
          const page = await {APP}.sources.get(spec.id).rows({{start: row, count: 1, columns: ['label']}});
          return page.cells[0][0];
        }}""",
        [path, at],
    )
    assert label == "star A"

    # Cross-match the detections with the truth catalogue (opened from the file browser): nearly all match.
    page.locator("[data-testid=edit-toggle]").first.click()
    page.locator("[data-testid=detect-run]").first.wait_for()
    ra, dec = WCS(header).pixel_to_world_values(truth["x"], truth["y"])
    Table({"RA": ra, "DEC": dec, "peak": truth["peak"]}).write(folder / "truth.csv", format="ascii.csv")
    page.locator("[data-testid=browser-refresh]").first.click()
    open_file(page, "truth.csv")
    page.wait_for_function(f"{APP}.sources.specs.some((s) => s.path === 'fields/truth.csv')", timeout=30_000)
    truth_id = page.evaluate(f"{APP}.sources.specs.find((s) => s.path === 'fields/truth.csv').id")
    page.locator("[data-testid=match-a]").first.select_option(after["id"])
    page.locator("[data-testid=match-b]").first.select_option(truth_id)
    page.locator("[data-testid=match-run]").first.click()
    matched = page.locator("[data-testid=match-status]", has_text="matched").first
    matched.wait_for(timeout=60_000)
    words = matched.inner_text().split()
    count, median = int(words[0]), float(words[words.index("separation") + 1].rstrip("″:,"))
    assert 0.9 * n <= count <= n and median < 0.3, matched.inner_text()
    page.wait_for_function(f"{APP}.sources.specs.some((s) => s.path.includes('-x-truth'))", timeout=30_000)

"""The whole of issue 10 in the real app, real server and real Chromium (WebGL in software), with the
user's own gestures: a student double-clicks a VOTable of the stars of the DECam-like sample in the
file browser, sees its columns, row count and a first plot, adds a second plot of other columns and
the catalogue as an overlay on the sample image, lassos in one plot and sees the same rows in the
other plot, the table and the image; selects with a box on the image and sees those rows in the plots
and the table; exports the selection as a VOTable into the home folder. The catalogue lands on the
right CCD of the focal-plane mosaic, and a click on a table row centres the viewer on its star.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io.votable import from_table, writeto
from astropy.table import Table

from tests.test_browser import browser, logged_in_page, site
from workers.imaging.synthetic import _mosaic_layout, decam_like_stars
from workers.sources import evaluate_selection, open_table, parse_selection

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures of tests/test_browser.py, used here by name

APP = "document.querySelector('toyz-app')"
VIEWER = "document.querySelector('toyz-image-viewer')"
# decam_small.fits of the first-run samples (workers/imaging/synthetic.py SAMPLES): 4 CCDs of 512 x 1024.
N_CCDS, CCD_W, CCD_H, SEED = 4, 512, 1024, 1


def write_catalogue(path: Path) -> dict[str, np.ndarray]:
    """The stars of the DECam-like sample as a VOTable: sky position (with UCDs), magnitude and a colour."""
    stars = decam_like_stars(n_ccds=N_CCDS, ccd_shape=(CCD_H, CCD_W), seed=SEED)
    n = stars["ra"].size
    rng = np.random.default_rng(10)
    columns = {
        "id": np.arange(1, n + 1, dtype=np.int32),
        "RA": stars["ra"],
        "DEC": stars["dec"],
        "mag": 25.0 - 2.5 * np.log10(np.maximum(stars["peak"], 1.0)),
        "g_r": rng.normal(0.6, 0.3, n),
    }
    votable = from_table(Table(columns))
    fields = votable.get_first_table().fields
    for field, unit, ucd in zip(
        fields, [None, "deg", "deg", "mag", "mag"], ["meta.id", "pos.eq.ra;meta.main", "pos.eq.dec;meta.main",
                                                     "phot.mag", "phot.color"], strict=True
    ):  # fmt: skip
        field.unit, field.ucd = unit, ucd
    writeto(votable, str(path))
    return {**stars, **{name: np.asarray(values) for name, values in columns.items()}}


@pytest.fixture(scope="module")
def stars(site: dict[str, Any]) -> dict[str, np.ndarray]:
    folder = site["data"] / "catalogues"
    folder.mkdir(exist_ok=True)
    return write_catalogue(folder / "decam_stars.vot")


@pytest.fixture
def page(site: dict[str, Any], browser: Any, stars: dict[str, np.ndarray]) -> Iterator[Any]:
    """The admin's page on a new workspace of their own, 1600 x 1100 so that four tiles show whole."""
    with logged_in_page(browser, site["base"], "admin", land=None, viewport=(1600, 1100)) as page:
        page.goto(f"{site['base']}/workspaces/")
        page.fill("#id_name", "linked")
        page.locator("form:has(#id_name) button[type=submit]").click()
        page.wait_for_url("**/workspaces/*/")
        page.wait_for_selector("[data-testid=connection][data-state=open]")
        yield page


# The plot's points canvas: how many pixels are drawn, and how many are the selected rows' warm yellow.
POINT_PIXELS = """plot => {
  const canvas = plot.querySelector('canvas.plot-points');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0, selected = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    drawn++;
    if (data[i] > 220 && data[i + 1] > 170 && data[i + 1] < 235 && data[i + 2] < 130) selected++;
  }
  return {drawn, selected};
}"""


def drag(page: Any, points: list[tuple[float, float]], *, shift: bool = False) -> None:
    """A mouse drag through `points` (page pixels), in small steps as a hand moves."""
    if shift:
        page.keyboard.down("Shift")
    page.mouse.move(*points[0])
    page.mouse.down()
    for a, b in itertools.pairwise(points):
        page.mouse.move(*b, steps=max(2, int(np.hypot(b[0] - a[0], b[1] - a[1]) // 6)))
    page.mouse.up()
    if shift:
        page.keyboard.up("Shift")


def core_mask(site: dict[str, Any], state: dict[str, Any]) -> np.ndarray:
    """The rows a selection state selects, by the server's core on the file itself."""
    table = open_table(site["data"] / "catalogues/decam_stars.vot", cache_dir=str(site["data"].parent / "core-cache"))
    return evaluate_selection(parse_selection(state, [c.name for c in table.columns]), table)


def screen_of(page: Any, x: float, y: float) -> tuple[float, float]:
    """The page position of viewer point (x, y)."""
    box = page.locator("[data-testid=viewer-map]").bounding_box()
    px, py = page.evaluate(f"([x, y]) => {VIEWER}.view.map.getPixelFromCoordinate([x, y])", [x, y])
    return box["x"] + px, box["y"] + py


def viewer_of(page: Any, sx: float, sy: float) -> tuple[float, float]:
    """The viewer point under page position (sx, sy)."""
    box = page.locator("[data-testid=viewer-map]").bounding_box()
    x, y = page.evaluate(
        f"([x, y]) => {VIEWER}.view.map.getCoordinateFromPixel([x, y])", [sx - box["x"], sy - box["y"]]
    )
    return float(x), float(y)


def patch(page: Any, sx: float, sy: float, half: int = 4) -> np.ndarray:
    """The RGB pixels of the screen around (sx, sy)."""
    from PIL import Image

    shot = page.screenshot(clip={"x": sx - half, "y": sy - half, "width": 2 * half, "height": 2 * half})
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)


def yellow(pixels: np.ndarray) -> int:
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(np.count_nonzero((r - b > 60) & (g - b > 40)))


def marker_positions(page: Any, sid: str, n: int) -> np.ndarray:
    """Where the overlay draws each row (viewer coordinates; NaN where it draws none), as (n, 2)."""
    got = page.evaluate(
        f"([sid, n]) => Array.from({{length: n}}, (_, r) => {VIEWER}.catalogueOverlays.rowPosition(sid, r) ?? [NaN, NaN])",
        [sid, n],
    )
    return np.array(got, dtype=float)


def lone(positions: np.ndarray, among: np.ndarray, within: np.ndarray, distance: float) -> int:
    """A row of `among` whose marker is `distance` or more from every other of `within` (viewer units)."""
    for row in np.flatnonzero(among & np.isfinite(positions[:, 0])):
        others = within.copy()
        others[row] = False
        d = np.hypot(*(positions[others] - positions[row]).T)
        if np.all(d[np.isfinite(d)] > distance):
            return int(row)
    raise AssertionError("no star stands alone")


def eventually(page: Any, check: Any, what: str) -> None:
    """Wait up to 5 s for `check()` (the overlay's WebGL layers reach the screen a few frames late)."""
    for _ in range(50):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError(what)


def lit_rows(page: Any) -> dict[int, bool]:
    """The table's rows on screen: row number → lit."""
    rows = page.locator("[data-testid=table-row]:not(.placeholder)")
    got = rows.evaluate_all("rs => rs.map(r => [Number(r.dataset.row), r.getAttribute('aria-selected') === 'true'])")
    return {int(r): bool(lit) for r, lit in got}


def open_catalogue(page: Any) -> tuple[Any, str]:
    """Double-click the catalogue in the file browser; its entry in the sources panel and its id."""
    page.locator('[data-testid=entry][data-name="catalogues"]').click()
    entry = page.locator('[data-testid=entry][data-name="decam_stars.vot"]')
    entry.wait_for()
    entry.dblclick()
    source = page.locator('[data-testid=source][data-path="catalogues/decam_stars.vot"]')
    source.wait_for(timeout=60_000)
    page.wait_for_selector("[data-testid=tile][data-kind=table]", timeout=60_000)
    page.wait_for_selector("[data-testid=tile][data-kind=plot]", timeout=60_000)
    return source, str(page.evaluate(f"{APP}.sources.specs[0].id"))


def open_image_with_overlay(page: Any, sid: str) -> None:
    """Double-click the DECam-like sample in the file browser and show the catalogue from its Overlay menu."""
    page.locator('[data-testid=breadcrumb] .crumb[data-path=""]').click()
    page.locator('[data-testid=entry][data-name="samples"]').click()
    page.locator('[data-testid=entry][data-name="decam_small.fits"]').dblclick()
    page.wait_for_function(f"() => {VIEWER}.loadedPyramidTiles > 0 && {VIEWER}.renderSettled", timeout=60_000)
    page.locator("[data-testid=overlay-menu] > summary").click()
    page.locator(f'[data-source="{sid}"] [data-testid=overlay-on]').check()
    page.locator("[data-testid=overlay-menu] > summary").click()
    page.wait_for_function(
        f"() => {{ const p = {VIEWER}.catalogueOverlays.placed; return p.length === 1 && p[0].inside > 0; }}",
        timeout=30_000,
    )


def test_a_student_links_two_plots_a_table_and_the_image_and_exports_the_selection(
    page: Any, site: dict[str, Any], stars: dict[str, np.ndarray]
) -> None:
    # The catalogue, double-clicked in the file browser: its columns, its row count, a first plot.
    source, sid = open_catalogue(page)
    n = stars["ra"].size
    count = source.locator("[data-testid=source-rows]")
    page.wait_for_function("el => el.dataset.rows !== ''", arg=count.element_handle(), timeout=30_000)
    assert int(count.get_attribute("data-rows") or 0) == n
    for column, (unit, ucd) in {"RA": ("deg", "pos.eq.ra;meta.main"), "mag": ("mag", "phot.mag")}.items():
        text = source.locator(f'[data-testid=column][data-name="{column}"]').inner_text()
        assert unit in text and ucd in text
    assert not page.locator("[data-testid=notice]").is_visible(), "a double click opened the table twice"
    sky_plot = page.locator("toyz-plot").first
    page.wait_for_function("p => p.renderCount > 0", arg=sky_plot.element_handle(), timeout=60_000)
    assert sky_plot.evaluate("p => [p.state.x, p.state.y, p.state.xreverse]") == ["RA", "DEC", True]

    # A second plot, of other columns, through the toolbar and the plot's own column menus.
    page.locator("[data-testid=add-plot]").click()
    page.wait_for_function("() => document.querySelectorAll('toyz-plot').length === 2")
    cmd_plot = page.locator("toyz-plot").nth(1)
    cmd_plot.locator("[data-testid=plot-x]").select_option("g_r")
    cmd_plot.locator("[data-testid=plot-y]").select_option("mag")
    cmd_plot.locator("[data-testid=plot-yreverse]").check()
    # RA's reversal went with RA: a colour axis runs to the right.
    assert cmd_plot.evaluate("p => [p.state.xreverse, p.state.yreverse]") == [False, True]
    page.wait_for_function(
        "p => p.renderCount > 0 && p.state.x === 'g_r' && !p._busy", arg=cmd_plot.element_handle(), timeout=60_000
    )

    open_image_with_overlay(page, sid)

    # A lasso drawn with the mouse in the sky plot.
    sky_plot.locator("[data-testid=plot-lasso]").click()
    ra0, ra1 = float(stars["RA"].min()), float(stars["RA"].max())
    de0, de1 = float(stars["DEC"].min()), float(stars["DEC"].max())
    corners = [(0.2, 0.3), (0.5, 0.25), (0.6, 0.55), (0.4, 0.7), (0.15, 0.5)]
    path = [
        tuple(sky_plot.evaluate("(p, [x, y]) => p.clientPoint(x, y)", [ra0 + u * (ra1 - ra0), de0 + v * (de1 - de0)]))
        for u, v in corners
    ]
    drag(page, [*path, path[0]])
    state = page.evaluate(f"{APP}.sources.get({sid!r}).selection")
    assert state["kind"] == "lasso" and (state["x"], state["y"]) == ("RA", "DEC"), state
    expected = core_mask(site, state)
    k = int(expected.sum())
    assert 50 < k < n // 2, k
    # Both plots say how many rows are selected, and the other one draws them in yellow.
    for plot in (sky_plot, cmd_plot):
        page.wait_for_function(f"p => p._selected === {k}", arg=plot.element_handle(), timeout=30_000)
    pixels = cmd_plot.evaluate(POINT_PIXELS)
    assert pixels["selected"] > 2 * k, pixels
    # The table lights the selected rows it shows.
    page.wait_for_selector(f'[data-testid=table-selected-count]:has-text("{k} selected")')
    page.locator("[data-testid=table-go-selected]").click()
    first = int(np.flatnonzero(expected)[0])
    page.wait_for_selector(f'[data-testid=table-row][data-row="{first}"][aria-selected=true]', timeout=30_000)
    shown = lit_rows(page)
    assert shown and all(lit == bool(expected[row]) for row, lit in shown.items()), shown
    # The image draws the selected rows' markers filled in yellow, the others not.
    positions = marker_positions(page, sid, n)
    scale = float(page.evaluate(f"{VIEWER}.view.map.getView().getResolution()"))  # viewer pixels per screen pixel
    on_image = np.isfinite(positions[:, 0])
    chosen = lone(positions, expected, on_image, 12 * scale)
    other = lone(positions, ~expected, on_image, 12 * scale)
    eventually(
        page, lambda: yellow(patch(page, *screen_of(page, *positions[chosen]))) > 10, "the selected star is not lit"
    )
    assert yellow(patch(page, *screen_of(page, *positions[other]))) == 0, "a star not selected is lit"

    # A box on the image (shift-drag) over part of the first CCD selects the rows whose markers are inside.
    a = screen_of(page, 100.0, 300.0)
    b = screen_of(page, 420.0, 700.0)
    drag(page, [a, (a[0] + 20, a[1] + 20), b], shift=True)
    (x0, y0), (x1, y1) = viewer_of(page, *a), viewer_of(page, *b)
    x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    px, py = positions[:, 0], positions[:, 1]
    boxed = (px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)
    page.wait_for_function(f"() => {APP}.sources.get({sid!r}).selection?.kind === 'rows'", timeout=30_000)
    state = page.evaluate(f"{APP}.sources.get({sid!r}).selection")
    got = np.zeros(n, dtype=bool)
    got[state["rows"]] = True
    # Exactly the markers inside the box, give or take one screen pixel at its edges.
    margin = 1.5 * scale
    surely_in = (px > x0 + margin) & (px < x1 - margin) & (py > y0 + margin) & (py < y1 - margin)
    assert np.all(got[surely_in]) and not np.any(got & ~boxed), (np.flatnonzero(got ^ boxed), margin)
    k = int(got.sum())
    assert k > 20, k
    for plot in (sky_plot, cmd_plot):
        page.wait_for_function(f"p => p._selected === {k}", arg=plot.element_handle(), timeout=30_000)
    for plot in (sky_plot, cmd_plot):
        pixels = plot.evaluate(POINT_PIXELS)
        assert pixels["selected"] > 2 * k, pixels
    page.wait_for_selector(f'[data-testid=table-selected-count]:has-text("{k} selected")')
    page.locator("[data-testid=table-go-selected]").click()
    first = int(np.flatnonzero(got)[0])
    page.wait_for_selector(f'[data-testid=table-row][data-row="{first}"][aria-selected=true]', timeout=30_000)
    shown = lit_rows(page)
    assert shown and all(lit == bool(got[row]) for row, lit in shown.items()), shown

    # The selection, exported from the sources panel as a VOTable into the home folder (the form's default).
    source.locator(".source-export > summary").click()
    export = source.locator("[data-testid=export-form]")
    assert export.locator("[data-testid=export-folder]").input_value() == "home/admin"
    export.locator("select[name=format]").select_option("votable")
    export.locator("[data-testid=export-name]").fill("boxed")
    export.locator("button[type=submit]").click()
    page.wait_for_selector(f"[data-testid=notice]:has-text('Wrote {k} rows')", timeout=30_000)
    written = Table.read(site["data"] / "home/admin/boxed.vot", format="votable")
    assert sorted(written["id"]) == sorted(stars["id"][got])
    assert written["RA"].unit == "deg" and written["mag"].unit == "mag"
    assert len(written) == k
    np.testing.assert_allclose(written["DEC"], stars["DEC"][written["id"] - 1])  # id is the row number + 1


def test_the_catalogue_lands_on_the_right_ccds_and_a_table_row_centres_the_viewer_on_its_star(
    page: Any, stars: dict[str, np.ndarray]
) -> None:
    _, sid = open_catalogue(page)
    open_image_with_overlay(page, sid)
    n = stars["ra"].size
    # Each star is drawn where the mosaic shows it: on the CCD whose data holds it, none in the gaps.
    x, y = stars["x"] + 0.5, stars["y"] + 0.5  # viewer coordinates: pixel (i, j) covers [i, i+1)
    ccd = np.full(n, -1)
    for k, (x0, y0) in enumerate(_mosaic_layout(N_CCDS, CCD_W, CCD_H)):
        ccd[(x >= x0) & (x < x0 + CCD_W) & (y >= y0) & (y < y0 + CCD_H)] = k
    positions = marker_positions(page, sid, n)
    assert np.array_equal(np.isfinite(positions[:, 0]), ccd >= 0)
    np.testing.assert_allclose(positions[ccd >= 0], np.column_stack([x, y])[ccd >= 0], atol=1e-3)
    assert set(ccd[ccd >= 0]) == set(range(N_CCDS))

    # At one screen pixel per image pixel, a click on a star's row (found with the table's filter)
    # centres the viewer on that star and selects it, and its marker is lit there.
    page.locator("[data-testid=viewer-map]").scroll_into_view_if_needed()
    page.get_by_role("button", name="1:1").click()
    placed = ccd >= 0
    for k in range(N_CCDS):
        row = lone(positions, ccd == k, placed, 30.0)
        page.locator("[data-testid=table-filter]").fill(f"id == {row + 1}")
        page.locator("[data-testid=table-filter]").press("Enter")
        hit = page.locator(f'[data-testid=table-row][data-row="{row}"]')
        hit.wait_for(timeout=30_000)
        hit.click()
        # The star is drawn in the middle of the map (the map's own frame: after the view has moved there).
        page.wait_for_function(
            f"([x, y]) => {{ const map = {VIEWER}.view.map, p = map.getPixelFromCoordinate([x, y]), s = map.getSize();"
            " return p && Math.hypot(p[0] - s[0] / 2, p[1] - s[1] / 2) < 1; }",
            arg=[float(x[row]), float(y[row])],
            timeout=30_000,
        )
        page.wait_for_function(f"() => {VIEWER}.renderSettled", timeout=30_000)
        box = page.locator("[data-testid=viewer-map]").bounding_box()
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # The click selected the row too: its marker is lit there.
        eventually(
            page,
            lambda c=centre: yellow(patch(page, c[0], c[1], half=8)) > 5,
            f"no lit marker on star {row} of CCD {k}",
        )

"""Data sources in a real browser: alice opens a VOTable from the file browser and sees its columns
(units, UCDs) and row count, a table tile and a first plot appear; her selection reaches bob, who
may only view the workspace, and his own selection stays on his page. Extended at integration when
the real plot and table components land (lasso in a plot, the other plot and the table follow)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import astropy
import numpy as np
import pytest
from astropy.io import fits

from tests.conftest import ROOT
from tests.test_browser import PASSWORD, browser, logged_in_page, site, wait_until_saved

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures, used here by name

APP = "document.querySelector('toyz-app')"
M31 = Path(astropy.__file__).parent / "io/votable/tests/data/irsa-nph-m31.xml"
STARS_ROWS = 300


def write_stars(path: Path) -> None:
    """A FITS file with an empty primary HDU and one table of stars: it opens as a table, not an image."""
    rng = np.random.default_rng(10)
    columns = [
        fits.Column(name="RA", format="D", unit="deg", array=rng.uniform(10.0, 11.0, STARS_ROWS)),
        fits.Column(name="DEC", format="D", unit="deg", array=rng.uniform(41.0, 42.0, STARS_ROWS)),
        fits.Column(name="MAG_G", format="E", unit="mag", array=rng.uniform(14.0, 22.0, STARS_ROWS)),
    ]
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(columns, name="STARS")]).writeto(path)


SETUP = """
from django.contrib.auth import get_user_model
from django.core.management import call_command
from guardian.shortcuts import assign_perm
from apps.workspaces.models import Workspace
users = get_user_model().objects
alice = users.filter(username='alice').first() or users.create_superuser('alice', password='{password}')
bob = users.filter(username='bob').first() or users.create_user('bob', password='{password}')
call_command('toyz_grant', 'catalogues', user='bob', rights='list,read')
workspace = Workspace.objects.create(owner=alice, name='M31 catalogue')
assign_perm('workspaces.view_workspace', bob, workspace)
print(workspace.pk)
"""


@pytest.fixture
def workspace_url(site: dict[str, Any]) -> str:
    """A workspace of alice's (an admin) that bob may only view; bob may read the catalogues folder."""
    catalogues = site["data"] / "catalogues"
    catalogues.mkdir(exist_ok=True)
    shutil.copyfile(M31, catalogues / "m31.vot")
    if not (catalogues / "stars.fits").exists():
        write_stars(catalogues / "stars.fits")
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TOYZ_VAR_DIR"] = str(site["data"].parent)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP.format(password=PASSWORD)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return f"{site['base']}/workspaces/{done.stdout.strip().splitlines()[-1]}/"


@pytest.fixture
def pages(site: dict[str, Any], browser: Any, workspace_url: str) -> Iterator[dict[str, Any]]:
    opened: dict[str, Any] = {}
    with ExitStack() as stack:
        for name in ("alice", "bob"):
            page = stack.enter_context(
                logged_in_page(browser, site["base"], name, path=f"/accounts/login/?next={workspace_url}",
                               land=f"{workspace_url}*")
            )  # fmt: skip
            page.wait_for_selector("[data-testid=connection][data-state=open]")
            page.locator('[data-testid=breadcrumb] .crumb[data-path=""]').click()
            page.locator('[data-testid=entry][data-name="catalogues"]').click()
            opened[name] = page
        yield opened


def source_id(page: Any) -> str:
    page.wait_for_function(f"() => {APP}.sources.specs.length > 0", timeout=30_000)
    return str(page.evaluate(f"{APP}.sources.specs[0].id"))


@pytest.mark.parametrize(
    ("name", "rows", "columns", "sky"),
    [
        # A VOTable from astropy's test data: units and UCDs as the file gives them.
        ("m31.vot", 18, {"ra": ("deg", "POS_EQ_RA_MAIN"), "j_m": ("mag", "")}, ("ra", "dec")),
        # A FITS file holding only a table: the browser asks the server and opens it as a table.
        ("stars.fits", STARS_ROWS, {"RA": ("deg", ""), "MAG_G": ("mag", "")}, ("RA", "DEC")),
    ],
)
def test_a_table_opens_from_the_file_browser_with_its_columns_a_table_and_a_plot(
    pages: dict[str, Any], name: str, rows: int, columns: dict[str, tuple[str, str]], sky: tuple[str, str]
) -> None:
    alice = pages["alice"]
    entry = alice.locator(f'[data-testid=entry][data-name="{name}"]')
    entry.wait_for()
    assert entry.get_attribute("data-table") == "true"
    entry.click()

    source = alice.locator(f'[data-testid=source][data-path="catalogues/{name}"]')
    source.wait_for(timeout=30_000)
    count = source.locator("[data-testid=source-rows]")
    alice.wait_for_function("el => el.dataset.rows !== ''", arg=count.element_handle(), timeout=30_000)
    assert int(count.get_attribute("data-rows") or 0) == rows
    # The columns with their units and UCDs.
    for column, (unit, ucd) in columns.items():
        text = source.locator(f'[data-testid=column][data-name="{column}"]').inner_text()
        assert unit in text and ucd in text

    # A table view and a first plot of the sky columns.
    alice.wait_for_selector("[data-testid=tile][data-kind=table]")
    alice.wait_for_selector("[data-testid=tile][data-kind=plot]")
    plot = alice.evaluate(f"{APP}.layout.find(t => t.kind === 'plot').state")
    assert (plot["x"], plot["y"]) == sky and plot["source"] == source_id(alice)


def test_a_selection_reaches_a_viewer_of_the_workspace_whose_own_stays_on_his_page(
    pages: dict[str, Any],
) -> None:
    alice, bob = pages["alice"], pages["bob"]
    alice.locator('[data-testid=entry][data-name="stars.fits"]').click()
    sid = source_id(alice)
    alice.wait_for_selector("[data-testid=tile][data-kind=plot]")
    # Bob's page learns of the source from alice's saved list.
    bob.wait_for_function(f"() => {APP}.sources.get({sid!r}) !== null", timeout=30_000)
    bob.locator("[data-testid=sources-section] > summary").click()

    # Alice selects three rows (as a plot's lasso would select them, through the store).
    alice.evaluate(f"{APP}.sources.get({sid!r}).select({{kind: 'rows', rows: [0, 2, 5]}}, 'test')")
    for page in (alice, bob):
        page.wait_for_selector('[data-testid=selection-count][data-count="3"]', timeout=30_000)
    assert bob.evaluate(f"{APP}.sources.get({sid!r}).selection") == {"kind": "rows", "rows": [0, 2, 5]}

    # Bob may only view: his selection is his own, and alice's next one still reaches him.
    bob.evaluate(f"{APP}.sources.get({sid!r}).select({{kind: 'rows', rows: [1]}}, 'bob-test')")
    bob.wait_for_selector('[data-testid=selection-count][data-count="1"]')
    alice.evaluate(f"{APP}.sources.get({sid!r}).select({{kind: 'rows', rows: [3, 4]}}, 'test')")
    bob.wait_for_selector('[data-testid=selection-count][data-count="2"]', timeout=30_000)
    assert alice.evaluate(f"{APP}.sources.get({sid!r}).selection") == {"kind": "rows", "rows": [3, 4]}

    # The selection is saved with the workspace: a reload shows it again.
    wait_until_saved(alice)  # past the debounced save and its answer
    alice.reload()
    alice.wait_for_function(f"() => {APP}.sources?.get({sid!r})", timeout=30_000)
    alice.locator("[data-testid=sources-section] > summary").click()
    alice.wait_for_selector('[data-testid=selection-count][data-count="2"]', timeout=30_000)


def test_a_selection_is_named_counted_and_exported_and_a_derived_column_added(
    pages: dict[str, Any], site: dict[str, Any]
) -> None:
    alice = pages["alice"]
    alice.locator('[data-testid=entry][data-name="stars.fits"]').click()
    sid = source_id(alice)
    source = alice.locator(f'[data-testid=source][data-source="{sid}"]')
    source.locator("[data-testid=source-rows]").wait_for()

    # A derived column by expression: checked by the server, then listed with the columns.
    form = source.locator("[data-testid=derived-form]")
    form.locator("input[name=name]").fill("bright")
    form.locator("input[name=expr]").fill("MAG_G < 16")
    form.locator("button[type=submit]").click()
    source.locator('[data-testid=derived-column][data-name="bright"]').wait_for()
    form.locator("input[name=name]").fill("broken")
    form.locator("input[name=expr]").fill("MAG_G <")
    form.locator("button[type=submit]").click()
    alice.wait_for_selector("[data-testid=notice].error")

    alice.evaluate(f"{APP}.sources.get({sid!r}).select({{kind: 'rows', rows: [0, 2, 5]}}, 'test')")
    source.locator('[data-testid=selection-count][data-count="3"]').wait_for()
    source.locator("[data-testid=selection-name]").fill("three")
    source.locator("[data-testid=selection-save]").click()
    source.locator('[data-testid=named-selection][data-name="three"]').wait_for()
    source.locator("[data-testid=selection-invert]").click()
    source.locator(f'[data-testid=selection-count][data-count="{STARS_ROWS - 3}"]').wait_for()

    # The named selection, written as CSV into the catalogue's folder.
    source.locator(".source-export > summary").click()
    export = source.locator("[data-testid=export-form]")
    export.locator("select[name=which]").select_option("three")
    export.locator("[data-testid=export-folder]").fill("catalogues")  # the home folder by default
    export.locator("[data-testid=export-name]").fill("three-stars")
    export.locator("button[type=submit]").click()
    alice.wait_for_selector("[data-testid=notice]:has-text('Wrote 3 rows')", timeout=30_000)
    written = list((site["data"] / "catalogues").glob("three-stars*.csv"))
    assert len(written) == 1
    assert len(written[0].read_text().strip().splitlines()) == 1 + 3  # the header and three rows

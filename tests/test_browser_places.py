"""Shared folders and shortcuts in real Chromium against the real server: a folder granted to a group by
`manage.py toyz_grant` shows under "Shared with me" for a member, one click opens it and a file in it;
a pinned folder stays pinned across a reload and a new session, and goes when removed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_browser import browser, browser_page, open_file, site, wait_for_pyramid_tiles
from tests.test_browser import log_in as log_in_as

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures, used here by name


def manage(site: dict[str, Any], *args: str) -> str:
    """Run manage.py on the site's database and data root, as an admin's script would."""
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TOYZ_VAR_DIR"] = str(site["data"].parent)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def shared_night(site: dict[str, Any]) -> str:
    """nights/n1 (with a FITS image) granted to the group observers, of which carol is a member."""
    night = site["data"] / "nights" / "n1"
    night.mkdir(parents=True)
    shutil.copy(site["data"] / "samples" / "starfield.fits", night / "m13.fits")
    (site["data"] / "nights" / "n2").mkdir()
    make_group = (
        "from django.contrib.auth.models import Group; from django.contrib.auth import get_user_model; "
        "get_user_model().objects.get(username='carol').groups.add(Group.objects.create(name='observers'))"
    )
    manage(site, "shell", "-c", make_group)
    said = manage(site, "toyz_grant", "nights/n1", "--group", "observers", "--rights", "list,read")
    assert said.startswith("Granted list, read on nights/n1 to group observers")
    return "nights/n1"


@pytest.fixture
def carol(site: dict[str, Any], browser: Any, shared_night: str) -> Iterator[Any]:
    """Carol's first workspace page, in a context of her own."""
    with browser_page(browser) as page:
        log_in(page, site)
        yield page


def log_in(page: Any, site: dict[str, Any]) -> None:
    """Log `page` in as carol, up to her workspace's places."""
    log_in_as(page, site["base"], "carol", path="/accounts/login/")
    page.locator("[data-testid=places]").wait_for()


def shown_folder(page: Any) -> str:
    return str(page.evaluate("document.querySelector('toyz-file-browser').listing?.path ?? null"))


def wait_for_folder(page: Any, path: str) -> None:
    page.wait_for_function(
        "p => document.querySelector('toyz-file-browser').listing?.path === p", arg=path, timeout=10_000
    )


def test_a_group_member_opens_a_shared_folder_and_a_file_in_it(carol: Any) -> None:
    page = carol
    page.locator("[data-testid=place-shared]").click()
    shared = page.locator("[data-testid=shared-folder]")
    shared.first.wait_for()
    assert shared.count() == 1 and shared.first.get_attribute("data-path") == "nights/n1"
    shared.first.click()
    wait_for_folder(page, "nights/n1")
    open_file(page, "m13.fits")
    wait_for_pyramid_tiles(page)
    # Home takes her back to her own folder.
    page.locator("[data-testid=place-home]").click()
    wait_for_folder(page, "home/carol")


def test_a_pinned_folder_survives_a_reload_and_a_new_session_and_can_be_removed(
    carol: Any, site: dict[str, Any], browser: Any
) -> None:
    page = carol
    page.locator("[data-testid=place-shared]").click()
    page.locator("[data-testid=shared-folder][data-path='nights/n1']").click()
    wait_for_folder(page, "nights/n1")
    page.locator("[data-testid=pin-folder]").click()
    shortcut = page.locator("[data-testid=shortcut][data-path='nights/n1']")
    shortcut.wait_for()
    assert page.locator("[data-testid=pin-folder]").is_disabled()

    page.locator("[data-testid=place-home]").click()
    wait_for_folder(page, "home/carol")
    page.reload()
    shortcut.wait_for()
    assert shortcut.inner_text().strip() == "★ n1"
    shortcut.click()
    wait_for_folder(page, "nights/n1")

    # Another browser, another session: the shortcut is kept on the server.
    with browser_page(browser) as elsewhere:
        log_in(elsewhere, site)
        elsewhere.locator("[data-testid=shortcut][data-path='nights/n1']").wait_for()

    page.locator("[data-testid=shortcut-remove]").click()
    shortcut.wait_for(state="detached")
    page.reload()
    page.locator("[data-testid=places]").wait_for()
    page.wait_for_function("() => document.querySelector('toyz-places').shortcuts !== undefined")
    # The places' request answered and the list drawn from it: nothing comes back.
    page.evaluate("() => document.querySelector('toyz-places').updateComplete")
    assert page.locator("[data-testid=shortcut]").count() == 0


def test_a_revoked_shared_folder_leaves_the_list_and_its_shortcut_becomes_unavailable(
    carol: Any, site: dict[str, Any]
) -> None:
    page = carol
    page.locator("[data-testid=place-shared]").click()
    page.locator("[data-testid=shared-folder][data-path='nights/n1']").click()
    wait_for_folder(page, "nights/n1")
    page.locator("[data-testid=pin-folder]").click()
    page.locator("[data-testid=shortcut][data-path='nights/n1']").wait_for()
    try:
        manage(site, "toyz_grant", "nights/n1", "--group", "observers", "--revoke")
        page.reload()
        shortcut = page.locator("[data-testid=shortcut][data-path='nights/n1']")
        shortcut.wait_for()
        assert shortcut.get_attribute("data-available") == "false"
        assert "no longer have access" in (shortcut.get_attribute("title") or "")
        page.locator("[data-testid=place-home]").click()
        wait_for_folder(page, "home/carol")
        # aria-disabled: a click does nothing (no toyz-go, which the click would send at once), it is never listed
        page.evaluate(
            "() => { window.toyzWent = []; document.addEventListener('toyz-go', e => window.toyzWent.push(e.detail.path), true); }"
        )
        shortcut.click(force=True)
        assert page.evaluate("window.toyzWent") == []
        assert shown_folder(page) == "home/carol"
        page.locator("[data-testid=place-shared]").click()
        page.locator("[data-testid=shared-empty]").wait_for()
    finally:
        manage(site, "toyz_grant", "nights/n1", "--group", "observers", "--rights", "list,read")
        page.locator("[data-testid=shortcut-remove]").click()
        page.locator("[data-testid=shortcut]").wait_for(state="detached")

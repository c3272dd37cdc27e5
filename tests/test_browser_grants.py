"""Folder grants as an admin and a member find them, in real Chromium against the real server: the admin
grants a night's folder to a group with the folder picker, a member of the group walks down to it and
opens an image, a "none" grant hides a subfolder from them, and the effective access page says why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_browser import (
    PASSWORD,
    browser,
    browser_page,
    log_in,
    logged_in_page,
    open_file,
    site,
    viewer_stats,
    wait_for_pyramid_tiles,
)

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures, used here by name

MEMBER = "dave"


@pytest.fixture(scope="module")
def night(site: dict[str, Any]) -> Path:
    """A night's folder with an image and a confidential subfolder, and a group `observers` with one member."""
    data: Path = site["data"]
    folder = data / "nights" / "2026-11-30"
    (folder / "confidential").mkdir(parents=True)
    (data / "nights" / "2026-11-29").mkdir()
    shutil.copy(data / "samples" / "starfield.fits", folder / "m13.fits")
    shutil.copy(data / "samples" / "starfield.fits", folder / "confidential" / "target.fits")
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TOYZ_VAR_DIR"] = str(data.parent)
    create = (
        "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
        f"get_user_model().objects.create_user('{MEMBER}', password='{PASSWORD}')"
        ".groups.add(Group.objects.create(name='observers'))"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", create], cwd=ROOT, env=env, check=True)
    return folder


@pytest.fixture
def admin(site: dict[str, Any], browser: Any) -> Iterator[Any]:
    with logged_in_page(browser, site["base"], "admin", path="/admin/login/?next=/admin/", land="**/admin/") as page:
        yield page


@pytest.fixture
def member(site: dict[str, Any], browser: Any) -> Iterator[Any]:
    """The member's page, not logged in yet (`log_in_to_the_app`)."""
    with browser_page(browser) as page:
        yield page


def log_in_to_the_app(page: Any, base: str) -> None:
    log_in(page, base, MEMBER)


def entries(page: Any) -> list[str]:
    names = page.locator("[data-testid=entry]").evaluate_all("nodes => nodes.map(n => n.dataset.name)")
    return [str(name) for name in names]


def pick(page: Any, *names: str) -> None:
    """Click through the folder picker, folder by folder."""
    for name in names:
        page.locator(f'[data-testid=picker-entry][data-name="{name}"]').click()
        # The picker lists the folder it opened: its crumbs end with the name.
        page.locator("[data-testid=picker-crumb]").last.filter(has_text=name).wait_for()


def add_grant(page: Any, base: str, folders: tuple[str, ...], holder: str, rights: str) -> None:
    page.goto(f"{base}/admin/files/pathgrant/")
    page.get_by_role("link", name="Add folder grant").click()
    page.wait_for_url("**/admin/files/pathgrant/add/")
    pick(page, *folders)
    assert page.input_value("#id_path") == "/".join(folders)
    page.select_option("#id_holders-0-holder", label=holder)
    page.select_option("#id_holders-0-rights", rights)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/files/pathgrant/")


def test_a_folder_granted_to_a_group_in_the_admin_opens_for_a_member_and_a_none_grant_hides_a_subfolder(
    site: dict[str, Any], night: Path, admin: Any, member: Any
) -> None:
    base = site["base"]
    # The member sees nothing of the nights yet.
    log_in_to_the_app(member, base)
    member.locator('[data-testid=entry][data-name="home"]').wait_for()
    assert "nights" not in entries(member)

    # The admin finds the grants from the admin's front page and grants the night with the picker.
    admin.get_by_role("link", name="Folder grants").first.click()
    admin.wait_for_url("**/admin/files/pathgrant/")
    add_grant(admin, base, ("nights", "2026-11-30"), "observers", "read")
    row = admin.locator("#result_list tbody tr").filter(has_text="nights/2026-11-30")
    assert "group observers (list, read)" in row.inner_text()

    # The member walks down from the root: only the way to the night shows, then its files.
    member.reload()
    member.locator('[data-testid=entry][data-name="nights"]').wait_for()
    assert "samples" not in entries(member)
    open_file(member, "nights")
    member.locator('[data-testid=entry][data-name="2026-11-30"]').wait_for()
    assert entries(member) == ["2026-11-30"]
    open_file(member, "2026-11-30")
    member.locator('[data-testid=entry][data-name="m13.fits"]').wait_for()
    assert "confidential" in entries(member)
    open_file(member, "m13.fits")
    wait_for_pyramid_tiles(member)
    assert viewer_stats(member)["std"] > 5

    # A none grant on the confidential subfolder: gone from the member's listing after a refresh.
    add_grant(admin, base, ("nights", "2026-11-30", "confidential"), "observers", "none")
    member.reload()
    member.locator('[data-testid=entry][data-name="m13.fits"]').wait_for()
    assert "confidential" not in entries(member)

    # The grant's history names the admin's change.
    admin.locator("#result_list a", has_text="nights/2026-11-30/confidential").click()
    admin.get_by_role("link", name="History").click()
    assert "Granted none to group observers." in admin.locator("#change-history").inner_text()


def test_the_effective_access_page_answers_for_a_user_and_for_a_path(
    site: dict[str, Any], night: Path, admin: Any
) -> None:
    # The grants the first test made (module-scoped server): the night read, its subfolder none.
    admin.get_by_role("link", name="Effective access").first.click()
    admin.wait_for_url("**/admin/files/pathgrant/access/")
    admin.select_option("#id_user", label=MEMBER)
    pick(admin, "nights", "2026-11-30", "confidential")
    admin.get_by_role("button", name="Show").click()
    admin.wait_for_url("**/access/?*")
    report = admin.locator("[data-testid=user-report]")
    on_path = report.locator("[data-testid=user-on-path]").inner_text()
    assert "no access" in on_path and "a none grant on nights/2026-11-30/confidential to group observers" in on_path
    grants = report.locator("[data-testid=user-grants]").inner_text()
    assert "nights/2026-11-30\tlist, read\tgroup observers" in grants
    assert "none: hides this subtree" in grants
    readers = admin.locator("[data-testid=readers]").inner_text()
    assert "admin" in readers and MEMBER not in readers

    # The night itself: the member reads it through the group's grant.
    admin.fill("#id_path", "nights/2026-11-30/m13")
    admin.locator('[data-testid=picker-entry][data-name="m13.fits"]').click()
    assert admin.input_value("#id_path") == "nights/2026-11-30/m13.fits"
    admin.get_by_role("button", name="Show").click()
    admin.locator("[data-testid=readers]").wait_for()
    reader = admin.locator(f'[data-testid=readers] tr[data-user="{MEMBER}"]').inner_text()
    assert "the grant on nights/2026-11-30 to group observers" in reader

"""Sharing a workspace as people do it, in real Chromium against the real server: Alice renames her
workspace and shares it with Bob through the share dialog, Bob finds it under "Shared with you",
opens it read-only and saves a copy; Alice gives him the change right and his open page becomes
editable; she removes him and his page closes with a sentence. And the list page's own buttons."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.test_browser import PASSWORD, browser, logged_in_page, site

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures, used here by name


@pytest.fixture(scope="module")
def people(site: dict[str, Any]) -> None:
    """Alice and Bob, as an admin would add them (to the same var folder as the server's)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TOYZ_VAR_DIR"] = str(site["data"].parent)
    create = (
        "from django.contrib.auth import get_user_model; User = get_user_model()\n"
        f"for name in ('alice', 'bob'): User.objects.create_user(name, password='{PASSWORD}')"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", create], cwd=ROOT, env=env, check=True)


class Person:
    """One person's own browser context (their session) and page."""

    def __init__(self, browser: Any, base: str, name: str) -> None:
        self.base = base
        self._session = logged_in_page(browser, base, name, land=None, viewport=(1300, 800))
        self.page = self._session.__enter__()

    def connected(self) -> None:
        self.page.locator("[data-testid=connection][data-state=open]").wait_for()

    def close(self) -> None:
        """Close the context; fail on the page's JavaScript errors or CSP violations."""
        self._session.__exit__(None, None, None)


@pytest.fixture
def two(site: dict[str, Any], browser: Any, people: None) -> Iterator[tuple[Person, Person]]:
    alice, bob = Person(browser, site["base"], "alice"), Person(browser, site["base"], "bob")
    yield alice, bob
    alice.close()
    bob.close()


def share_row(page: Any, name: str) -> Any:
    return page.locator(f'[data-testid=share-row][data-name="{name}"]')


def test_alice_shares_with_bob_who_views_copies_edits_and_is_shut_out(two: tuple[Person, Person]) -> None:
    alice, bob = two
    a, b = alice.page, bob.page
    # A first visit lands Alice in her own workspace; she renames it in place.
    a.wait_for_url("**/workspaces/*/")
    expect(a.locator("[data-testid=workspace-owner]")).to_have_text("yours")
    a.locator("[data-testid=workspace-name]").click()
    a.locator("[data-testid=rename-input]").fill("Night of the 12th")
    a.locator("[data-testid=rename-input]").press("Enter")
    expect(a.locator("[data-testid=workspace-name]")).to_have_text("Night of the 12th")
    night_url = a.url

    # The share dialog: type, pick the suggestion, give view.
    a.locator("[data-testid=share-button]").click()
    dialog = a.locator("[data-testid=share-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-testid=share-none]")).to_be_visible()
    dialog.locator("[data-testid=share-name]").press_sequentially("bo")
    dialog.locator('[data-testid=share-suggestion][data-name="bob"]').click()
    dialog.locator("[data-testid=share-new-right]").select_option("view")
    dialog.locator("[data-testid=share-add]").click()
    expect(share_row(a, "bob").locator("[data-testid=share-right]")).to_have_value("view")

    # Copy link puts the workspace's address on the clipboard.
    alice.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=alice.base)
    dialog.locator("[data-testid=copy-link]").click()
    expect(dialog.locator("[data-testid=link-copied]")).to_be_visible()
    assert a.evaluate("navigator.clipboard.readText()") == night_url

    # Bob finds it under "Shared with you", with its owner, and opens it read-only.
    b.goto(f"{bob.base}/workspaces/")
    shared = b.locator("[data-testid=shared-workspaces] [data-testid=workspace-row]")
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text("Night of the 12th")
    expect(shared).to_contain_text("shared by alice")
    shared.locator("a.workspace-link").click()
    b.wait_for_url(night_url)
    bob.connected()
    expect(b.locator("[data-testid=view-only]")).to_be_visible()
    expect(b.locator("[data-testid=workspace-owner]")).to_have_text("by alice")
    expect(b.locator("[data-testid=add-viewer]")).to_be_hidden()
    expect(b.locator("[data-testid=share-button]")).to_have_count(0)
    expect(b.locator("[data-testid=tile-close]").first).to_be_hidden()

    # Save a copy: a workspace of his own, opened at once.
    b.locator("[data-testid=save-copy]").click()
    b.wait_for_url(lambda url: url != night_url and "/workspaces/" in url)
    expect(b.locator("[data-testid=workspace-name]")).to_have_text("Night of the 12th (copy)")
    expect(b.locator("[data-testid=workspace-owner]")).to_have_text("yours")
    expect(b.locator("[data-testid=view-only]")).to_have_count(0)

    # Back in Alice's: she gives him the change right, and his open page turns editable at once.
    b.goto(night_url)
    bob.connected()
    expect(b.locator("[data-testid=view-only]")).to_be_visible()
    share_row(a, "bob").locator("[data-testid=share-right]").select_option("change")
    expect(b.locator("[data-testid=view-only]")).to_have_count(0)
    expect(b.locator("[data-testid=add-viewer]")).to_be_visible()
    expect(b.locator("[data-testid=notice]")).to_contain_text("You may now change this workspace")

    # She removes him: his page closes, says why, and shows the way back to his list.
    share_row(a, "bob").locator("[data-testid=share-remove]").click()
    expect(share_row(a, "bob")).to_have_count(0)
    closed = b.locator("[data-testid=access-closed]")
    expect(closed).to_contain_text("no longer shared with you")
    closed.locator("[data-testid=back-to-list]").click()
    b.wait_for_url("**/workspaces/")
    expect(b.locator("[data-testid=shared-workspaces] [data-testid=workspace-row]")).to_have_count(0)
    expect(b.locator("[data-testid=my-workspaces]")).to_contain_text("Night of the 12th (copy)")


def test_the_list_page_renames_duplicates_and_deletes(site: dict[str, Any], browser: Any, people: None) -> None:
    carol = Person(browser, site["base"], "carol")
    page = carol.page
    page.goto(f"{site['base']}/workspaces/")
    page.fill("#id_name", "M13 cube")
    page.click("form[action$='/workspaces/new/'] button[type=submit]")
    page.wait_for_url("**/workspaces/*/")
    page.goto(f"{site['base']}/workspaces/")
    named = page.locator('[data-testid=my-workspaces] [data-testid=workspace-row][data-name="M13 cube"]')
    row = page.locator(f'[data-workspace-id="{named.get_attribute("data-workspace-id")}"]')
    row.locator("[data-action=rename]").click()
    row.locator("[data-testid=rename-input]").fill("M13 cube, stacked")
    row.locator("[data-testid=rename-input]").press("Enter")
    expect(row.locator("a.workspace-link")).to_have_text("M13 cube, stacked")

    # Sharing from the list: the same dialog.
    row.locator("[data-action=share]").click()
    dialog = page.locator("[data-testid=share-dialog]")
    expect(dialog.locator("h3")).to_have_text("Share “M13 cube, stacked”")
    dialog.locator("[data-testid=share-name]").press_sequentially("ali")
    dialog.locator('[data-testid=share-suggestion][data-name="alice"]').click()
    dialog.locator("[data-testid=share-new-right]").select_option("change")
    dialog.locator("[data-testid=share-add]").click()
    expect(share_row(page, "alice").locator("[data-testid=share-right]")).to_have_value("change")
    dialog.locator("[data-testid=share-close]").click()
    expect(dialog).to_be_hidden()

    row.locator("[data-action=duplicate]").click()
    copy = page.locator('[data-testid=workspace-row][data-name="M13 cube, stacked (copy)"]')
    expect(copy).to_have_count(1)

    # Delete asks first; Cancel keeps it, Delete removes it (and it stays gone after a reload).
    copy.locator("[data-action=delete]").click()
    confirm = page.locator("[data-testid=confirm-delete]")
    expect(confirm).to_contain_text("M13 cube, stacked (copy)")
    confirm.get_by_role("button", name="Cancel").click()
    expect(copy).to_have_count(1)
    copy.locator("[data-action=delete]").click()
    page.locator("[data-testid=confirm-delete-button]").click()
    expect(copy).to_have_count(0)
    page.reload()
    expect(page.locator('[data-testid=workspace-row][data-name="M13 cube, stacked (copy)"]')).to_have_count(0)
    expect(page.locator('[data-testid=workspace-row][data-name="M13 cube, stacked"]')).to_have_count(1)
    carol.close()

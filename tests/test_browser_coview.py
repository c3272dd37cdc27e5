"""Live co-viewing in two browsers: alice and bob open one workspace, each sees the other in the
header, and what alice does to her viewer (open a file, colormap, pan, zoom) bob's viewer does too,
until bob detaches it; following alice brings it back to her view."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_browser import PASSWORD, browser, logged_in_page, open_file, site, wait_for_render

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures, used here by name

VIEWER = "document.querySelector('toyz-image-viewer')"
APP = "document.querySelector('toyz-app')"
SETUP = """
from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm
from apps.workspaces.models import Workspace
users = get_user_model().objects
alice = users.filter(username='alice').first() or users.create_superuser('alice', password='{password}')
bob = users.filter(username='bob').first() or users.create_superuser('bob', password='{password}')
workspace = Workspace.objects.create(owner=alice, name='Night together')
assign_perm('workspaces.view_workspace', bob, workspace)
assign_perm('workspaces.change_workspace', bob, workspace)
print(workspace.pk)
"""


@pytest.fixture
def shared_workspace(site: dict[str, Any]) -> str:
    """A workspace of alice's that bob may change (both are admins here, so both read the samples)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TOYZ_VAR_DIR"] = str(site["data"].parent)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP.format(password=PASSWORD)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return f"{site['base']}/workspaces/{done.stdout.strip().splitlines()[-1]}/"


@pytest.fixture
def pages(site: dict[str, Any], browser: Any, shared_workspace: str) -> Iterator[dict[str, Any]]:
    """Alice's and bob's pages of the shared workspace, in two browser contexts."""
    login = f"/accounts/login/?next={shared_workspace}"
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(
                logged_in_page(browser, site["base"], name, path=login, land=shared_workspace, viewport=(1200, 800))
            )
            for name in ("alice", "bob")
        }


def viewer_state(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(f"{VIEWER}.state"))


def wait_until_shows(page: Any, state: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Wait until the viewer of `page` has the values of `state` for `keys`."""
    wanted = {key: state.get(key) for key in keys}
    page.wait_for_function(
        f"""wanted => {{ const s = {VIEWER}?.state; return s && Object.entries(wanted).every(
             ([k, v]) => JSON.stringify(s[k] ?? null) === JSON.stringify(v ?? null)); }}""",
        arg=wanted,
        timeout=30_000,
    )


def wait_in_step(leader: Any, other: Any, keys: tuple[str, ...], timeout: float = 30) -> dict[str, Any]:
    """Wait until `other`'s viewer shows what `leader`'s shows now, for `keys`, the leader at rest
    (a wheel zoom animates through several views); returns that state."""
    deadline = time.monotonic() + timeout
    while True:
        if leader.evaluate(f"{VIEWER}.renderSettled"):
            mine, theirs = viewer_state(leader), viewer_state(other)
            if all(mine.get(k) == theirs.get(k) for k in keys):
                return mine
        if time.monotonic() > deadline:
            raise TimeoutError(f"the viewers did not agree on {keys}: {viewer_state(leader)} / {viewer_state(other)}")
        leader.wait_for_timeout(100)


def drag_map(page: Any, dx: float, dy: float) -> None:
    box = page.locator("[data-testid=viewer-map]").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + dx, cy + dy, steps=int(max(abs(dx), abs(dy))))
    page.mouse.up()


def received(page: Any) -> int:
    return int(page.evaluate(f"{APP}.coview.receivedCount"))


def test_bob_sees_alice_live_until_he_detaches_and_follows_her_again(pages: dict[str, Any]) -> None:
    alice, bob = pages["alice"], pages["bob"]
    # Presence: each page shows both people.
    for page in (alice, bob):
        page.wait_for_selector("[data-testid=person][data-user=alice]")
        page.wait_for_selector("[data-testid=person][data-user=bob]")
    assert alice.locator("[data-testid=person]").count() == 2

    # Alice opens a file: bob's viewer opens it too, and draws it.
    open_file(alice, "samples", "starfield.fits")
    wait_for_render(alice)
    wait_until_shows(bob, viewer_state(alice), ("path", "hdu"))
    wait_for_render(bob)

    # The colormap, a drag and a zoom by alice reach bob's viewer.
    alice.locator("[data-testid=cmap]").first.select_option("viridis")
    wait_until_shows(bob, viewer_state(alice), ("cmap",))
    drag_map(alice, 80, 50)
    panned = wait_in_step(alice, bob, ("center", "resolution"))
    box = alice.locator("[data-testid=viewer-map]").first.bounding_box()
    alice.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    alice.mouse.wheel(0, -300)
    alice.wait_for_function(
        f"s => {VIEWER}.state.resolution < s.resolution && {VIEWER}.renderSettled", arg=panned, timeout=30_000
    )
    zoomed = wait_in_step(alice, bob, ("center", "resolution", "cmap"))
    # A drag reaches bob while alice's button is still down.
    box = alice.locator("[data-testid=viewer-map]").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    alice.mouse.move(cx, cy)
    alice.mouse.down()
    alice.mouse.move(cx + 60, cy, steps=60)
    bob.wait_for_function(f"x => {VIEWER}.state.center[0] !== x", arg=zoomed["center"][0], timeout=30_000)
    alice.mouse.up()
    zoomed = wait_in_step(alice, bob, ("center", "resolution"))
    # Nothing echoed back: bob sent nothing, alice applied nothing.
    assert bob.evaluate(f"{APP}.coview.sentCount") == 0
    assert alice.evaluate(f"{APP}.coview.appliedCount") == 0

    # Bob detaches his viewer: alice's next pan reaches his page but not his viewer.
    bob.locator("[data-testid=tile-detach]").first.click()
    assert bob.locator("[data-testid=tile-detach]").first.get_attribute("aria-pressed") == "true"
    before = received(bob)
    drag_map(alice, -120, 0)
    alice.wait_for_function(f"s => {VIEWER}.state.center[0] !== s.center[0]", arg=zoomed, timeout=30_000)
    bob.wait_for_function(f"n => {APP}.coview.receivedCount > n", arg=before, timeout=30_000)
    assert viewer_state(bob)["center"] == zoomed["center"]
    moved = viewer_state(alice)

    # Attached again and following alice: bob's viewer goes to her view, and stays with her.
    bob.locator("[data-testid=tile-detach]").first.click()
    bob.locator("[data-testid=follow-menu]").click()
    bob.locator("[data-testid=follow][data-user=alice]").click()
    bob.wait_for_selector("[data-testid=unfollow]")
    wait_until_shows(bob, moved, ("center", "resolution"))
    alice.locator("[data-testid=cmap]").first.select_option("magma")
    wait_until_shows(bob, viewer_state(alice), ("cmap",))
    bob.wait_for_function(f"() => {VIEWER}.renderSettled", timeout=30_000)

    # Bob pans himself: he stops following (and his pan reaches alice).
    drag_map(bob, 0, 70)
    bob.wait_for_selector("[data-testid=unfollow]", state="detached")
    wait_in_step(bob, alice, ("center", "resolution"))

    # Bob leaves: alice's page shows her alone.
    bob.close()
    alice.wait_for_function("() => document.querySelectorAll('[data-testid=person]').length === 1", timeout=30_000)

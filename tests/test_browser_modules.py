"""An admin grants a module to a group in the admin, with the mouse, and a member may run it at once.

A server of its own (real uvicorn, embedded mode, SQLite in a fresh var folder) with imaging closed to
everyone (`TOYZ_OPEN_MODULES=files`); the admin pages need no built front end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, LayVar, embedded_env, free_port, wait_for
from tests.test_browser import PASSWORD, _up, browser, logged_in_page

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # a module-scoped fixture, used here by name

SETUP = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
users = get_user_model().objects
users.create_superuser('root', 'root@example.org', '{PASSWORD}')
alice = users.create_user('alice', 'alice@example.org', '{PASSWORD}')
Group.objects.create(name='observers').user_set.add(alice)
Group.objects.create(name='students')
"""


@pytest.fixture(scope="module")
def closed_site(tmp_path_factory: pytest.TempPathFactory, lay_var: LayVar) -> Iterator[str]:
    # A freshly migrated var folder (migrated once per session, copied here).
    var = lay_var(tmp_path_factory.mktemp("modules-var"), [["migrate", "--noinput", "-v0"]])
    env = embedded_env(var, TOYZ_OPEN_MODULES="files")
    subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True)
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
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def runnable(page: Any, base: str) -> dict[str, str]:
    response = page.request.get(f"{base}/api/jobs")
    assert response.status == 200
    return {f["name"]: f["module"] for f in json.loads(response.text())}


def test_an_admin_grants_imaging_to_a_group_and_its_member_may_run_it(closed_site: str, browser: Any) -> None:
    base = closed_site
    with (
        logged_in_page(browser, base, "alice", path="/accounts/login/", land=None) as alice,
        logged_in_page(browser, base, "root", path="/admin/login/?next=/admin/", land=None) as page,
    ):
        assert runnable(alice, base) == {"files.list": "files"}
        refused = alice.request.post(
            f"{base}/api/jobs/imaging.describe",
            data={"path": "home/alice/x.fits"},
            headers={"X-CSRFToken": next(c["value"] for c in alice.context.cookies() if c["name"] == "csrftoken")},
        )
        assert refused.status == 403
        assert json.loads(refused.text())["error"]["message"] == (
            "imaging.describe needs the module “Imaging” (imaging), which is not granted to you or your groups: "
            "ask an admin (root <root@example.org>) to grant it to you or to one of your groups."
        )

        page.get_by_role("link", name="Modules").click()
        row = page.locator("#result_list tr", has_text="imaging.describe")
        assert "those granted (as TOYZ_OPEN_MODULES says)" in row.inner_text() and "nobody" in row.inner_text()
        row.get_by_role("link", name="imaging").click()
        # Django's two-box picker: pick the group on the left, move it right with the arrow, save.
        page.select_option("#id_groups_from", label="observers")
        page.click("#id_groups_add")
        assert page.locator("#id_groups_to option").all_inner_texts() == ["observers"]
        page.click("[name=_save]")
        page.wait_for_load_state()
        assert "was changed successfully" in page.locator(".messagelist").inner_text()
        assert "group observers" in page.locator("#result_list tr", has_text="imaging.describe").inner_text()

        # From alice's very next request on, without logging in again.
        assert {"imaging.describe", "imaging.pixel"} <= set(runnable(alice, base))
        assert "imaging.prerender" not in runnable(alice, base)  # pre-rendering is a module of its own

        page.locator("#result_list tr", has_text="imaging.describe").get_by_role("link", name="imaging").click()
        page.get_by_role("link", name="History").click()
        assert "Added grant to group “observers”." in page.locator("#change-history").inner_text()

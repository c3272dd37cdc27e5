"""The pages under the Content-Security-Policy, in real Chromium against the real server: the Django
admin works with no violation, and every page carries the policy and no `Server` header."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from tests.test_browser import PASSWORD, browser, browser_page, logged_in_page, site

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # module-scoped fixtures, used here by name


def test_the_admin_works_under_the_content_security_policy(site: dict[str, Any], browser: Any) -> None:
    with logged_in_page(browser, site["base"], "admin", path="/admin/login/?next=/admin/", land="**/admin/") as page:
        page.get_by_role("link", name="Users").first.click()
        page.wait_for_url("**/admin/auth/user/")
        page.get_by_role("link", name="carol").click()
        page.wait_for_url("**/admin/auth/user/*/change/")
        # The change form's scripts (the permission picker) ran: their widgets are in the page.
        page.locator("#id_user_permissions_from").wait_for()
        page.goto(f"{site['base']}/admin/axes/accessattempt/")
        page.locator("#changelist").wait_for()


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_pages_carry_a_strict_policy_and_no_server_header(site: dict[str, Any], path: str) -> None:
    with urllib.request.urlopen(f"{site['base']}{path}", timeout=10) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["Server"] is None


def test_a_locked_out_login_says_so_in_the_browser(site: dict[str, Any], browser: Any) -> None:
    from django.conf import settings

    with browser_page(browser, viewport=None) as page:
        page.goto(f"{site['base']}/accounts/login/")
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            page.fill("#id_username", "carol")
            page.fill("#id_password", f"wrong-{attempt}")
            with page.expect_navigation():
                page.click("button[type=submit]")
        # Even the right password is refused now, with a sentence saying why and for how long.
        page.fill("#id_username", "carol")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        message = page.locator("[data-testid=locked-out]")
        message.wait_for()
        assert "Too many failed attempts" in message.inner_text() and "15 minutes" in message.inner_text()
        assert "/accounts/login/" in page.url


def test_the_api_docs_render_under_the_content_security_policy(site: dict[str, Any], browser: Any) -> None:
    with browser_page(browser) as page:
        # Anonymous visitors are sent to log in first, and come back to the docs.
        page.goto(f"{site['base']}/api/docs")
        page.wait_for_url("**/accounts/login/**")
        # The admin: carol may be locked out by the test above (the site is shared by the module).
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.wait_for_url("**/api/docs")
        # swagger-ui fetched the schema and drew an operation per endpoint, the tiles among them.
        page.locator(".opblock-summary-path", has_text="/api/imaging/describe").wait_for()
        page.locator(".opblock-summary-path", has_text="/tiles/").first.wait_for()
        page.locator(".opblock-summary-path", has_text="/api/files/list").click()
        page.locator(".opblock-body").first.wait_for()

"""Password guessing is throttled (django-axes): per username and address, on the site's and the admin's
login, with a cool-off, a clear message, and the lockouts listed in the admin."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import ROOT

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(make_user: Any) -> Any:
    return make_user("alice", password=PASSWORD)


def guess(client: Client, url: str, times: int, username: str = "alice") -> None:
    for i in range(times):
        response = client.post(url, {"username": username, "password": f"guess-{i}"})
        assert response.status_code in (200, 429)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_guessing_locks_the_username_out_even_with_the_right_password(alice):
    client = Client(REMOTE_ADDR="203.0.113.7")
    guess(client, "/accounts/login/", settings.AXES_FAILURE_LIMIT)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed attempts" in text and f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in text
    assert 'name="password"' in text  # still the login page, not a bare error
    assert not logged_in(client)


def test_a_few_mistakes_do_not_lock_anyone_out(alice):
    client = Client(REMOTE_ADDR="203.0.113.7")
    guess(client, "/accounts/login/", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert logged_in(client)


def test_the_lockout_is_per_username_and_address(alice, make_user):
    make_user("bob", password=PASSWORD)
    guess(Client(REMOTE_ADDR="203.0.113.7"), "/accounts/login/", settings.AXES_FAILURE_LIMIT)
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    elsewhere.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert logged_in(elsewhere)
    same_address_other_user = Client(REMOTE_ADDR="203.0.113.7")
    same_address_other_user.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert logged_in(same_address_other_user)


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(alice):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "alice", "password": "x"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response.status_code == 429


def test_the_admin_login_is_throttled_too(make_user):
    make_user("root", admin=True, password=PASSWORD)
    client = Client(REMOTE_ADDR="203.0.113.7")
    guess(client, "/admin/login/", settings.AXES_FAILURE_LIMIT, username="root")
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert not logged_in(client)


def test_the_lockout_ends_after_the_cool_off(alice):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="203.0.113.7")
    guess(client, "/accounts/login/", settings.AXES_FAILURE_LIMIT)
    # Instead of waiting: the failures happened a cool-off (and a minute) ago.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert logged_in(client)


def test_admins_see_the_lockouts_and_can_lift_them(alice, make_user):
    from axes.models import AccessAttempt

    guess(Client(REMOTE_ADDR="203.0.113.7"), "/accounts/login/", settings.AXES_FAILURE_LIMIT)
    admin = Client()
    admin.force_login(make_user("root", admin=True))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "alice" in listing.content.decode() and "203.0.113.7" in listing.content.decode()
    AccessAttempt.objects.filter(username="alice").delete()  # what the admin's delete action does
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert logged_in(client)


def test_the_limit_and_cool_off_come_from_the_environment(tmp_path: Path):
    script = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    env = {
        "PATH": "/usr/bin:/bin",
        "TOYZ_VAR_DIR": str(tmp_path),
        "TOYZ_LOGIN_FAILURE_LIMIT": "3",
        "TOYZ_LOGIN_COOLOFF_MINUTES": "2",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["3", "120.0"], result.stderr
    env["TOYZ_LOGIN_FAILURE_LIMIT"] = "0"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "TOYZ_LOGIN_FAILURE_LIMIT=0 is outside" in result.stderr

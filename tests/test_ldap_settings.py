"""The TOYZ_LDAP_* variables become django-auth-ldap's settings (toyz_site/ldap_settings.py); a mistake stops
start-up with a sentence that says what to set. The sign-in itself is tested against slapd in test_ldap.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import ldap
import pytest
from django.core.exceptions import ImproperlyConfigured
from django_auth_ldap.config import GroupOfNamesType, PosixGroupType

from tests.conftest import ROOT
from toyz_site.ldap_settings import BACKEND, ldap_settings

URL = "ldap://ldap.example.org"
TEMPLATE = "uid=%(user)s,ou=people,dc=example,dc=org"


@pytest.fixture(autouse=True)
def _no_ldap_variables(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("TOYZ_LDAP_"):
            monkeypatch.delenv(name)


def configured(monkeypatch, url: str = URL, **env: str) -> dict[str, Any]:
    for name, value in env.items():
        monkeypatch.setenv(f"TOYZ_LDAP_{name}", value)
    return ldap_settings(url)


def test_a_dn_template_with_the_usual_attributes_and_no_groups(monkeypatch):
    found = configured(monkeypatch, USER_DN_TEMPLATE=TEMPLATE)
    assert found["AUTH_LDAP_SERVER_URI"] == URL
    assert found["AUTH_LDAP_USER_DN_TEMPLATE"] == TEMPLATE
    assert found["AUTH_LDAP_USER_ATTR_MAP"] == {"first_name": "givenName", "last_name": "sn", "email": "mail"}
    assert found["AUTH_LDAP_START_TLS"] is False
    assert (found["AUTH_LDAP_BIND_DN"], found["AUTH_LDAP_BIND_PASSWORD"]) == ("", "")
    assert found["AUTH_LDAP_CONNECTION_OPTIONS"][ldap.OPT_NETWORK_TIMEOUT] == 5
    assert "AUTH_LDAP_GROUP_SEARCH" not in found and "AUTH_LDAP_MIRROR_GROUPS" not in found


def test_a_search_with_a_bind_account_starttls_and_posix_groups(monkeypatch, tmp_path: Path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    found = configured(
        monkeypatch, USER_SEARCH_BASE="ou=people,dc=example,dc=org", USER_FILTER="(sAMAccountName=%(user)s)",
        BIND_DN="cn=toyz,dc=example,dc=org", BIND_PASSWORD_FILE=str(secret), START_TLS="on", TIMEOUT="2",
        GROUP_SEARCH_BASE="ou=groups,dc=example,dc=org", GROUP_TYPE="posixgroup", EMAIL_ATTR="",
    )  # fmt: skip
    search = found["AUTH_LDAP_USER_SEARCH"]
    assert (search.base_dn, search.filterstr) == ("ou=people,dc=example,dc=org", "(sAMAccountName=%(user)s)")
    assert found["AUTH_LDAP_BIND_PASSWORD"] == "s3cret"  # the file's final newline is not part of it
    assert found["AUTH_LDAP_START_TLS"] is True
    assert found["AUTH_LDAP_CONNECTION_OPTIONS"][ldap.OPT_TIMEOUT] == 2
    assert found["AUTH_LDAP_GROUP_SEARCH"].filterstr == "(objectClass=posixGroup)"
    assert isinstance(found["AUTH_LDAP_GROUP_TYPE"], PosixGroupType)
    assert found["AUTH_LDAP_MIRROR_GROUPS"] is True
    assert "email" not in found["AUTH_LDAP_USER_ATTR_MAP"]


def test_groups_admin_flags_and_groups_kept_in_toyz(monkeypatch):
    found = configured(
        monkeypatch, USER_DN_TEMPLATE=TEMPLATE, GROUP_SEARCH_BASE="ou=groups,dc=example,dc=org",
        STAFF_GROUP="cn=staff,ou=groups,dc=example,dc=org", SUPERUSER_GROUP="cn=root,ou=groups,dc=example,dc=org",
        LOCAL_GROUPS="reviewers, class-2026",
    )  # fmt: skip
    assert isinstance(found["AUTH_LDAP_GROUP_TYPE"], GroupOfNamesType)
    assert found["AUTH_LDAP_GROUP_SEARCH"].filterstr == "(objectClass=groupOfNames)"
    assert found["AUTH_LDAP_USER_FLAGS_BY_GROUP"] == {
        "is_staff": "cn=staff,ou=groups,dc=example,dc=org", "is_superuser": "cn=root,ou=groups,dc=example,dc=org",
    }  # fmt: skip
    assert found["AUTH_LDAP_MIRROR_GROUPS_EXCEPT"] == ["reviewers", "class-2026"]
    assert "AUTH_LDAP_MIRROR_GROUPS" not in found
    found = configured(monkeypatch, USER_DN_TEMPLATE=TEMPLATE, MIRROR_GROUPS="off", LOCAL_GROUPS="")
    assert "AUTH_LDAP_MIRROR_GROUPS" not in found and "AUTH_LDAP_MIRROR_GROUPS_EXCEPT" not in found


@pytest.mark.parametrize(
    ("url", "env", "message"),
    [
        (URL, {}, "not how to find a user"),
        (URL, {"USER_DN_TEMPLATE": TEMPLATE, "USER_SEARCH_BASE": "dc=example,dc=org"}, "not both"),
        (URL, {"USER_DN_TEMPLATE": "uid=someone,dc=example,dc=org"}, "has no %\\(user\\)s"),
        (URL, {"USER_SEARCH_BASE": "dc=x", "USER_FILTER": "uid=%(user)s"}, "not an LDAP filter"),
        ("ldap.example.org", {"USER_DN_TEMPLATE": TEMPLATE}, "write ldap://host"),
        ("ldaps://ldap.example.org", {"USER_DN_TEMPLATE": TEMPLATE, "START_TLS": "yes"}, "use one or the other"),
        (URL, {"USER_DN_TEMPLATE": TEMPLATE, "GROUP_SEARCH_BASE": "dc=x", "GROUP_TYPE": "nis"}, "TOYZ_LDAP_GROUP_TYPE"),
        (URL, {"USER_DN_TEMPLATE": TEMPLATE, "SUPERUSER_GROUP": "cn=root,dc=x"}, "needs TOYZ_LDAP_GROUP_SEARCH_BASE"),
        (URL, {"USER_DN_TEMPLATE": TEMPLATE, "BIND_PASSWORD": "a", "BIND_PASSWORD_FILE": "/x"}, "not both"),
        (URL, {"USER_DN_TEMPLATE": TEMPLATE, "BIND_PASSWORD_FILE": "/nonexistent/secret"}, "cannot be read"),
        (URL, {"USER_DN_TEMPLATE": TEMPLATE, "CA_FILE": "/nonexistent/ca.pem"}, "is not a file"),
        (URL, {"USER_DN_TEMPLATE": TEMPLATE, "TIMEOUT": "0"}, "TOYZ_LDAP_TIMEOUT"),
    ],
)
def test_a_mistake_is_refused_with_what_to_set(monkeypatch, url, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        configured(monkeypatch, url, **env)


def test_the_ldap_backend_sits_after_the_lockout_and_before_local_accounts_only_when_configured(tmp_path: Path):
    script = "from django.conf import settings as s; print(' '.join(s.AUTHENTICATION_BACKENDS))"
    env = {"PATH": "/usr/bin:/bin", "TOYZ_VAR_DIR": str(tmp_path)}

    def backends(**extra: str) -> list[str]:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
            cwd=ROOT, env={**env, **extra}, capture_output=True, text=True,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert BACKEND not in backends()
    assert backends(TOYZ_LDAP_URL=URL, TOYZ_LDAP_USER_DN_TEMPLATE=TEMPLATE) == [
        "axes.backends.AxesStandaloneBackend", BACKEND,
        "django.contrib.auth.backends.ModelBackend", "guardian.backends.ObjectPermissionBackend",
    ]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "TOYZ_LDAP_URL": URL},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "TOYZ_LDAP_USER_DN_TEMPLATE" in result.stderr


def test_the_sync_command_says_when_there_is_no_directory(settings):
    from django.core.management import CommandError, call_command

    settings.TOYZ_LDAP_URL = None
    with pytest.raises(CommandError, match="TOYZ_LDAP_URL is not set"):
        call_command("toyz_ldap_sync")

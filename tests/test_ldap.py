"""Sign-in with department accounts, against a real directory server: Debian's slapd, started by the `directory`
fixture on a free port with a small directory (two people, two groups of each kind), and the real login page.

The directory:

- leavitt (Henrietta Leavitt): in the groupOfNames groups observers and admins, the posixGroup night-crew;
- hubble (Edwin Hubble): in observers and the posixGroup day-crew.
"""

from __future__ import annotations

import html
import io
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import free_port, wait_for
from toyz_site.ldap_settings import BACKEND, ldap_settings

pytestmark = pytest.mark.integration

SLAPD = Path("/usr/sbin/slapd")
SUFFIX = "dc=toyz,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "directory-root-secret"
PASSWORDS = {"leavitt": "cepheid-period-luminosity", "hubble": "redshift-distance-1929"}
SERVICE_DN = f"cn=toyz,{SUFFIX}"
SERVICE_PASSWORD = "service-account-secret"

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile "{folder}/slapd.pid"
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory "{folder}/db"
# As a department's directory: passwords are only compared; the search account reads the rest.
access to attrs=userPassword by anonymous auth by self write by * none
access to * by users read by * none
"""

DIRECTORY_LDIF = f"""\
dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
o: The Toyz test department
dc: toyz

dn: {SERVICE_DN}
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: toyz
userPassword: {SERVICE_PASSWORD}

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: ou=posixgroups,{SUFFIX}
objectClass: organizationalUnit
ou: posixgroups

dn: uid=leavitt,ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: leavitt
cn: Henrietta Leavitt
givenName: Henrietta
sn: Leavitt
mail: leavitt@toyz.test
userPassword: {PASSWORDS["leavitt"]}

dn: uid=hubble,ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: hubble
cn: Edwin Hubble
givenName: Edwin
sn: Hubble
mail: hubble@toyz.test
userPassword: {PASSWORDS["hubble"]}

dn: cn=observers,ou=groups,{SUFFIX}
objectClass: groupOfNames
cn: observers
member: uid=leavitt,ou=people,{SUFFIX}
member: uid=hubble,ou=people,{SUFFIX}

dn: cn=admins,ou=groups,{SUFFIX}
objectClass: groupOfNames
cn: admins
member: uid=leavitt,ou=people,{SUFFIX}

dn: cn=night-crew,ou=posixgroups,{SUFFIX}
objectClass: posixGroup
cn: night-crew
gidNumber: 5001
memberUid: leavitt

dn: cn=day-crew,ou=posixgroups,{SUFFIX}
objectClass: posixGroup
cn: day-crew
gidNumber: 5002
memberUid: hubble
"""


@dataclass
class Directory:
    """A running slapd: its URL, and ways to change its entries or stop it."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def modify(self, ldif: str) -> None:
        """Apply an LDIF change record (as the directory's administrator)."""
        subprocess.run(
            ["ldapmodify", "-x", "-H", self.url, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=ldif.encode(), check=True, capture_output=True,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def directory(tmp_path: Path) -> Iterator[Directory]:
    """A real slapd on a free port of 127.0.0.1, as the current user, with the small directory above."""
    if not SLAPD.exists() or shutil.which("ldapadd") is None:
        pytest.fail("The sign-in tests need Debian's slapd and ldap-utils: run `make install-dev`.")
    folder = tmp_path / "slapd"
    (folder / "db").mkdir(parents=True)
    config = folder / "slapd.conf"
    config.write_text(SLAPD_CONF.format(folder=folder, suffix=SUFFIX, root_dn=ROOT_DN, root_password=ROOT_PASSWORD))
    port = free_port()
    url = f"ldap://127.0.0.1:{port}/"
    log = folder / "slapd.log"
    # -d keeps slapd in the foreground (so it is this test's child to stop); level 0 logs nothing but errors.
    process = subprocess.Popen(
        [str(SLAPD), "-f", str(config), "-h", url, "-d", "0"], stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    server = Directory(url, process, log)
    try:
        wait_for(lambda: process.poll() is not None or _listening(port), 30, "slapd")
        assert process.poll() is None, log.read_text()
        subprocess.run(
            ["ldapadd", "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=DIRECTORY_LDIF.encode(), check=True, capture_output=True,
        )  # fmt: skip
        yield server
    finally:
        server.stop()


@pytest.fixture
def use_directory(directory: Directory, settings: Any, monkeypatch: pytest.MonkeyPatch, db: None) -> Any:
    """Configure the site for `directory` through the TOYZ_LDAP_* variables, as settings.py does at start-up.
    `use_directory(**env)` adds or overrides variables (names without the TOYZ_LDAP_ prefix)."""

    configured: set[str] = set()

    def configure(**env: str) -> None:
        variables = {
            "USER_DN_TEMPLATE": f"uid=%(user)s,ou=people,{SUFFIX}",
            "GROUP_SEARCH_BASE": f"ou=groups,{SUFFIX}",
            "BIND_DN": SERVICE_DN,
            "BIND_PASSWORD": SERVICE_PASSWORD,
            **env,
        }
        for name, value in variables.items():
            monkeypatch.setenv(f"TOYZ_LDAP_{name}", value)
        found = ldap_settings(directory.url)
        # A setting that the new variables no longer give goes, as it would at a restart.
        for name in configured - found.keys():
            delattr(settings, name)
        for name, value in found.items():
            setattr(settings, name, value)
        configured.update(found)
        settings.TOYZ_LDAP_URL = directory.url
        backends = list(django_settings.AUTHENTICATION_BACKENDS)
        settings.AUTHENTICATION_BACKENDS = [backends[0], BACKEND, *[b for b in backends[1:] if b != BACKEND]]

    configure()
    return configure


def log_in(username: str, password: str, client: Client | None = None) -> tuple[Client, Any]:
    client = client or Client(REMOTE_ADDR="203.0.113.9")
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def logged_in_as(client: Client) -> Any:
    user_id = client.session.get("_auth_user_id")
    return None if user_id is None else get_user_model().objects.get(pk=user_id)


def group_names(user: Any) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_department_user_signs_in_through_the_login_page_and_lands_in_toyz(use_directory, data_root):
    client, response = log_in("leavitt", PASSWORDS["leavitt"])
    assert response.status_code == 302 and response["Location"] == "/"
    user = logged_in_as(client)
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "leavitt", "Henrietta", "Leavitt", "leavitt@toyz.test",
    )  # fmt: skip
    # The directory keeps the password: the local account has none that could be guessed.
    assert not user.has_usable_password()
    # A new user gets a home folder like any other.
    assert (data_root / "home" / "leavitt").is_dir()
    page = client.get("/", follow=True)
    assert page.status_code == 200 and all("/accounts/login/" not in url for url, _ in page.redirect_chain)
    listing = client.get("/api/files/list", {"path": "home/leavitt"})
    assert listing.status_code == 200, listing.content


def test_the_username_is_matched_whatever_its_case_and_maps_to_one_account(use_directory):
    first, _ = log_in("Leavitt", PASSWORDS["leavitt"])
    second, _ = log_in("leavitt", PASSWORDS["leavitt"])
    assert logged_in_as(first) == logged_in_as(second)
    assert get_user_model().objects.filter(username__iexact="leavitt").count() == 1


def test_ldap_groups_become_toyz_groups_with_their_members(use_directory):
    leavitt = logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])
    hubble = logged_in_as(log_in("hubble", PASSWORDS["hubble"])[0])
    assert group_names(leavitt) == {"observers", "admins"}
    assert group_names(hubble) == {"observers"}
    assert set(Group.objects.get(name="observers").user_set.values_list("username", flat=True)) == {"leavitt", "hubble"}


def test_a_grant_to_an_ldap_group_reaches_its_members(use_directory, make_user):
    from guardian.shortcuts import assign_perm

    from apps.workspaces.models import Workspace

    hubble = logged_in_as(log_in("hubble", PASSWORDS["hubble"])[0])
    workspace = Workspace.objects.create(owner=make_user("carol"), name="Night of 2026-11-30")
    assign_perm("workspaces.view_workspace", Group.objects.get(name="observers"), workspace)
    hubble = get_user_model().objects.get(pk=hubble.pk)
    assert hubble.has_perm("workspaces.view_workspace", workspace)
    assert not hubble.has_perm("workspaces.change_workspace", workspace)


def test_a_folder_granted_to_an_ldap_group_opens_for_its_members_until_ldap_removes_them(
    use_directory, directory, data_root
):
    from apps.files.grants import grant
    from apps.files.permissions import Right

    night = data_root / "nights" / "2026-11-30"
    night.mkdir(parents=True)
    (night / "m13.fits").write_bytes(b"")
    hubble, _ = log_in("hubble", PASSWORDS["hubble"])
    grant("nights/2026-11-30", Group.objects.get(name="observers"), [Right.READ])
    listing = hubble.get("/api/files/list", {"path": "nights/2026-11-30"})
    assert listing.status_code == 200 and "m13.fits" in listing.content.decode()
    directory.modify(
        f"dn: cn=observers,ou=groups,{SUFFIX}\nchangetype: modify\n"
        f"delete: member\nmember: uid=hubble,ou=people,{SUFFIX}\n"
    )
    # Until the next sign-in, Toyz still has the membership of the last one...
    assert hubble.get("/api/files/list", {"path": "nights/2026-11-30"}).status_code == 200
    # ...which removes it, and the folder closes at once, also for the session opened before.
    again, _ = log_in("hubble", PASSWORDS["hubble"])
    assert again.get("/api/files/list", {"path": "nights/2026-11-30"}).status_code in (403, 404)
    assert hubble.get("/api/files/list", {"path": "nights/2026-11-30"}).status_code in (403, 404)
    leavitt, _ = log_in("leavitt", PASSWORDS["leavitt"])
    assert leavitt.get("/api/files/list", {"path": "nights/2026-11-30"}).status_code == 200


def test_a_membership_changed_in_ldap_follows_at_the_next_sign_in(use_directory, directory):
    assert group_names(logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])) == {"observers", "admins"}
    directory.modify(
        f"dn: cn=admins,ou=groups,{SUFFIX}\nchangetype: modify\n"
        f"delete: member\nmember: uid=leavitt,ou=people,{SUFFIX}\n-\n"
        f"add: member\nmember: uid=hubble,ou=people,{SUFFIX}\n"
    )
    assert group_names(logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])) == {"observers"}
    assert group_names(logged_in_as(log_in("hubble", PASSWORDS["hubble"])[0])) == {"observers", "admins"}


def test_groups_that_admins_keep_in_toyz_survive_a_sign_in(use_directory):
    use_directory(LOCAL_GROUPS="reviewers")
    leavitt = logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])
    leavitt.groups.add(Group.objects.create(name="reviewers"))
    leavitt = logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])
    assert group_names(leavitt) == {"observers", "admins", "reviewers"}


def test_posix_groups_become_toyz_groups_too(use_directory):
    use_directory(GROUP_SEARCH_BASE=f"ou=posixgroups,{SUFFIX}", GROUP_TYPE="posixGroup")
    assert group_names(logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])) == {"night-crew"}
    assert group_names(logged_in_as(log_in("hubble", PASSWORDS["hubble"])[0])) == {"day-crew"}


def test_users_are_found_by_a_search_with_the_bind_password_from_a_file(use_directory, tmp_path):
    secret = tmp_path / "bind-password"
    secret.write_text(SERVICE_PASSWORD + "\n")
    use_directory(
        USER_DN_TEMPLATE="", USER_SEARCH_BASE=f"ou=people,{SUFFIX}", USER_FILTER="(&(objectClass=inetOrgPerson)(uid=%(user)s))",
        BIND_PASSWORD="", BIND_PASSWORD_FILE=str(secret),
    )  # fmt: skip
    client, response = log_in("hubble", PASSWORDS["hubble"])
    assert response.status_code == 302
    assert logged_in_as(client).last_name == "Hubble"


def test_a_search_account_the_directory_refuses_is_named_on_the_login_page(use_directory):
    use_directory(USER_DN_TEMPLATE="", USER_SEARCH_BASE=f"ou=people,{SUFFIX}", BIND_PASSWORD="not-the-password")
    client, response = log_in("hubble", PASSWORDS["hubble"])
    assert response.status_code == 200 and logged_in_as(client) is None
    text = html.unescape(response.content.decode())
    assert "refused this site's query" in text and "Tell an admin" in text


def test_an_ldap_group_can_make_its_members_admins(use_directory, directory):
    use_directory(SUPERUSER_GROUP=f"cn=admins,ou=groups,{SUFFIX}", STAFF_GROUP=f"cn=admins,ou=groups,{SUFFIX}")
    leavitt = logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])
    hubble = logged_in_as(log_in("hubble", PASSWORDS["hubble"])[0])
    assert (leavitt.is_staff, leavitt.is_superuser) == (True, True)
    assert (hubble.is_staff, hubble.is_superuser) == (False, False)
    admin = Client(REMOTE_ADDR="203.0.113.9")
    response = admin.post("/admin/login/?next=/admin/", {"username": "leavitt", "password": PASSWORDS["leavitt"]})
    assert response.status_code == 302 and admin.get("/admin/").status_code == 200
    # Out of the group in LDAP, out of the admins at the next sign-in.
    directory.modify(
        f"dn: cn=admins,ou=groups,{SUFFIX}\nchangetype: modify\nreplace: member\nmember: uid=hubble,ou=people,{SUFFIX}\n"
    )
    leavitt = logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])
    assert (leavitt.is_staff, leavitt.is_superuser) == (False, False)
    assert group_names(leavitt) == {"observers"}


def test_only_members_of_the_required_group_sign_in(use_directory):
    use_directory(REQUIRE_GROUP=f"cn=admins,ou=groups,{SUFFIX}")
    assert logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0]).username == "leavitt"
    client, response = log_in("hubble", PASSWORDS["hubble"])
    assert response.status_code == 200 and logged_in_as(client) is None
    assert not get_user_model().objects.filter(username="hubble").exists()


def test_a_wrong_ldap_password_is_refused_and_counts_towards_the_lockout(use_directory, settings):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="203.0.113.9")
    _, response = log_in("leavitt", "not-her-password", client)
    assert response.status_code == 200 and logged_in_as(client) is None
    assert "didn't match" in response.content.decode()
    assert AccessAttempt.objects.get(username="leavitt").failures_since_start == 1
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("leavitt", f"guess-{i}", client)
    _, response = log_in("leavitt", PASSWORDS["leavitt"], client)
    assert response.status_code == 429 and "Too many failed attempts" in response.content.decode()
    assert logged_in_as(client) is None


def test_an_unknown_username_is_refused_like_a_wrong_password(use_directory):
    client, response = log_in("nobody", "whatever-it-is")
    assert response.status_code == 200 and logged_in_as(client) is None
    assert "didn't match" in response.content.decode()


def test_a_local_account_still_signs_in(use_directory, make_user):
    make_user("carol", password="a-local-password-1")
    client, response = log_in("carol", "a-local-password-1")
    assert response.status_code == 302 and logged_in_as(client).username == "carol"
    client, response = log_in("carol", "wrong-local-password")
    assert response.status_code == 200 and "didn't match" in response.content.decode()


def test_a_stopped_directory_is_named_on_the_login_page_and_local_accounts_still_sign_in(
    use_directory, directory, make_user
):
    log_in("leavitt", PASSWORDS["leavitt"])
    directory.stop()
    client, response = log_in("leavitt", PASSWORDS["leavitt"])
    assert response.status_code == 200 and logged_in_as(client) is None
    text = html.unescape(response.content.decode())
    assert "sign-in server cannot be reached" in text and "Local Toyz accounts still log in" in text
    assert 'name="password"' in text  # still the login form, ready for another try
    make_user("carol", password="a-local-password-1")
    client, response = log_in("carol", "a-local-password-1")
    assert response.status_code == 302 and logged_in_as(client).username == "carol"
    # The admin's login page says so as well.
    response = Client().post("/admin/login/?next=/admin/", {"username": "leavitt", "password": PASSWORDS["leavitt"]})
    assert "sign-in server cannot be reached" in html.unescape(response.content.decode())


def test_a_signed_in_department_user_stays_signed_in_while_the_directory_is_down(use_directory, directory):
    client, _ = log_in("hubble", PASSWORDS["hubble"])
    directory.stop()
    assert client.get("/api/files/list", {"path": "home/hubble"}).status_code == 200
    assert logged_in_as(client).username == "hubble"


def test_a_local_account_is_not_taken_over_by_a_directory_entry_of_the_same_name(use_directory, make_user):
    make_user("hubble", admin=True, password="the-local-admin-password")
    client, response = log_in("hubble", PASSWORDS["hubble"])
    assert response.status_code == 200 and logged_in_as(client) is None
    hubble = get_user_model().objects.get(username="hubble")
    assert hubble.is_superuser and group_names(hubble) == set() and hubble.last_name == ""
    client, response = log_in("hubble", "the-local-admin-password")
    assert response.status_code == 302 and logged_in_as(client) == hubble


def test_a_department_user_deactivated_in_toyz_cannot_sign_in(use_directory):
    leavitt = logged_in_as(log_in("leavitt", PASSWORDS["leavitt"])[0])
    leavitt.is_active = False
    leavitt.save()
    client, response = log_in("leavitt", PASSWORDS["leavitt"])
    assert response.status_code == 200 and logged_in_as(client) is None


@pytest.fixture
def ldap_service_env(service_env: dict[str, str], directory: Directory) -> dict[str, str]:
    """The server process's environment with the TOYZ_LDAP_* variables for `directory` (request it before
    `asgi_server`, which starts the server with this environment)."""
    service_env.update(
        TOYZ_LDAP_URL=directory.url,
        TOYZ_LDAP_USER_SEARCH_BASE=f"ou=people,{SUFFIX}",
        TOYZ_LDAP_BIND_DN=SERVICE_DN,
        TOYZ_LDAP_BIND_PASSWORD=SERVICE_PASSWORD,
        TOYZ_LDAP_GROUP_SEARCH_BASE=f"ou=groups,{SUFFIX}",
    )
    return service_env


def test_the_real_server_configured_from_the_environment_signs_a_department_user_in(ldap_service_env, asgi_server):
    import re
    import urllib.parse
    import urllib.request
    from http.cookiejar import CookieJar

    cookies = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    base = f"http://{asgi_server}"
    with browser.open(f"{base}/accounts/login/", timeout=30) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token is not None
    form = {"csrfmiddlewaretoken": token[1], "username": "leavitt", "password": PASSWORDS["leavitt"], "next": ""}
    with browser.open(f"{base}/accounts/login/", urllib.parse.urlencode(form).encode(), timeout=30) as landed:
        assert landed.status == 200 and "/accounts/login/" not in landed.url
    with browser.open(f"{base}/api/files/list?path=home/leavitt", timeout=30) as listing:
        assert listing.status == 200
    leavitt = get_user_model().objects.get(username="leavitt")
    assert group_names(leavitt) == {"observers", "admins"}
    assert (Path(ldap_service_env["TOYZ_DATA_ROOT"]) / "home" / "leavitt").is_dir()


def test_the_sync_command_brings_ldap_changes_between_sign_ins(use_directory, directory, make_user):
    hubble, _ = log_in("hubble", PASSWORDS["hubble"])
    log_in("leavitt", PASSWORDS["leavitt"])
    make_user("carol", password="a-local-password-1")
    directory.modify(
        f"dn: cn=observers,ou=groups,{SUFFIX}\nchangetype: modify\n"
        f"delete: member\nmember: uid=hubble,ou=people,{SUFFIX}\n\n"
        f"dn: uid=leavitt,ou=people,{SUFFIX}\nchangetype: modify\nreplace: sn\nsn: Leavitt-Pickering\n"
    )
    call_command("toyz_ldap_sync", stdout=io.StringIO())
    users = get_user_model().objects
    assert group_names(users.get(username="hubble")) == set()
    assert users.get(username="leavitt").last_name == "Leavitt-Pickering"
    # An entry gone from the directory: the account is deactivated, and its open session ends.
    directory.modify(f"dn: uid=hubble,ou=people,{SUFFIX}\nchangetype: delete\n")
    out = io.StringIO()
    call_command("toyz_ldap_sync", stdout=out)
    assert "hubble: no longer in the directory (kept" in out.getvalue()
    assert users.get(username="hubble").is_active
    out = io.StringIO()
    call_command("toyz_ldap_sync", "--deactivate-missing", stdout=out)
    assert "hubble: no longer in the directory (deactivated)" in out.getvalue()
    assert not users.get(username="hubble").is_active and users.get(username="leavitt").is_active
    assert users.get(username="carol").is_active  # a local account is not the directory's
    assert hubble.get("/api/files/list", {"path": "home/hubble"}).status_code == 401


def test_the_sync_command_changes_nothing_when_the_directory_is_down(use_directory, directory):
    log_in("hubble", PASSWORDS["hubble"])
    directory.stop()
    with pytest.raises(CommandError, match="could not be asked about 'hubble'"):
        call_command("toyz_ldap_sync", "--deactivate-missing", stdout=io.StringIO())
    hubble = get_user_model().objects.get(username="hubble")
    assert hubble.is_active and group_names(hubble) == {"observers"}

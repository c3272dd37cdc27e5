"""`manage.py toyz_grant` and `toyz_access`: one line saying what changed, a sentence and a non-zero exit
for every mistake, through `call_command` and as the real processes a cron job starts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from apps.files.models import PathGrant
from apps.files.permissions import Right, decide, has_right

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def night(data_root: Path) -> Path:
    folder = data_root / "nights" / "n1"
    (folder / "secret").mkdir(parents=True)
    (folder / "a.fits").write_bytes(b"x")
    return folder


@pytest.fixture
def team(make_user: Any) -> tuple[Group, Any]:
    observers = Group.objects.create(name="observers")
    bob = make_user("bob")
    bob.groups.add(observers)
    return observers, bob


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_a_group_grant_says_what_changed_and_takes_effect(night, team):
    _, bob = team
    line = run("toyz_grant", "nights/n1", "--group", "observers", "--rights", "list,read")
    assert line == "Granted list, read on nights/n1 to group observers (who had no grant there before)."
    assert has_right(bob, PurePosixPath("nights/n1/a.fits"), Right.READ)
    line = run("toyz_grant", "nights/n1", "--group", "observers", "--rights", "write")
    assert line == "Changed group observers's rights on nights/n1 from list, read to list, read, write."
    assert run("toyz_grant", "nights/n1", "--group", "observers", "--rights", "read,write").endswith("nothing changed.")


def test_a_none_grant_hides_a_subfolder_and_revoke_withdraws_everything(night, team):
    _, bob = team
    run("toyz_grant", "nights/n1", "--user", "bob", "--rights", "read")
    assert "Granted none on nights/n1/secret" in run(
        "toyz_grant", "nights/n1/secret", "--group", "observers", "--rights", "none"
    )
    assert not has_right(bob, PurePosixPath("nights/n1/secret"), Right.LIST)
    line = run("toyz_grant", "nights/n1", "--user", "bob", "--revoke")
    assert line == "Withdrew list, read on nights/n1 from user bob. Nobody holds a grant on nights/n1 any more."
    assert not PathGrant.objects.filter(path="nights/n1").exists()
    assert (
        run("toyz_grant", "nights/n1", "--user", "bob", "--revoke")
        == "user bob holds no grant on nights/n1: nothing changed."
    )


def test_an_absolute_path_inside_the_root_and_a_symlink_name_the_real_folder(night, team, data_root):
    (data_root / "tonight").symlink_to(night)
    line = run("toyz_grant", str(data_root / "tonight"), "--group", "observers", "--rights", "read")
    assert line.startswith("Granted list, read on nights/n1 (tonight leads there)")
    assert PathGrant.objects.get().path == "nights/n1"


def test_a_grant_on_a_deleted_folder_can_still_be_withdrawn(night, team):
    run("toyz_grant", "nights/n1/secret", "--group", "observers", "--rights", "read")
    (night / "secret").rmdir()
    assert run("toyz_grant", "nights/n1/secret", "--group", "observers", "--revoke").startswith("Withdrew list, read")
    assert not PathGrant.objects.exists()


def test_the_change_lands_in_the_history_of_the_admin_named_with_as(night, team, make_user):
    admin = make_user("root", admin=True)
    run("toyz_grant", "nights/n1", "--group", "observers", "--rights", "read", "--as", "root")
    entry = LogEntry.objects.get()
    assert entry.user_id == admin.pk and "Granted list, read to group observers" in entry.get_change_message()
    run("toyz_grant", "nights/n1", "--group", "observers", "--revoke", "--as", "root")
    assert LogEntry.objects.count() == 2
    # Without --as nothing is recorded under anybody's name.
    run("toyz_grant", "nights/n1", "--group", "observers", "--rights", "read")
    assert LogEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nights/n1", "--user", "nobody", "--rights", "read"], "There is no user named 'nobody'"),
        (["nights/n1", "--group", "astronauts", "--rights", "read"], "There is no group named 'astronauts'"),
        (["../etc", "--group", "observers", "--rights", "read"], "outside the data root"),
        (["/etc", "--group", "observers", "--rights", "read"], "outside the data root"),
        (["nights/n9", "--group", "observers", "--rights", "read"], "There is no file or folder nights/n9"),
        (["nights/n9", "--group", "observers", "--revoke"], "There is no file or folder nights/n9"),
        (["nights/n1", "--group", "observers", "--rights", "read,execute"], "Unknown right 'execute'"),
        (["nights/n1", "--group", "observers", "--rights", "read,none"], "none alone"),
        (["nights/n1", "--group", "observers", "--rights", "read", "--as", "bob"], "not an active admin"),
        (["nights/n1", "--group", "observers", "--rights", "read", "--as", "ghost"], "no user named 'ghost' (--as)"),
    ],
)
def test_mistakes_are_a_sentence_and_change_nothing(night, team, args, says):
    with pytest.raises(CommandError) as refused:
        run("toyz_grant", *args)
    assert says in str(refused.value)
    assert not PathGrant.objects.exists()


def test_access_names_the_grant_that_decides(night, team):
    run("toyz_grant", "nights", "--group", "observers", "--rights", "read")
    run("toyz_grant", "nights/n1/secret", "--user", "bob", "--rights", "none")
    assert run("toyz_access", "--user", "bob", "nights/n1/a.fits").splitlines() == [
        "user: bob",
        "path: nights/n1/a.fits",
        "rights: list, read",
        "decided by: the grant on nights to group observers",
    ]
    lines = run("toyz_access", "--user", "bob", "nights/n1/secret/gone.fits").splitlines()
    assert lines[1] == "path: nights/n1/secret/gone.fits (no such file or folder at the moment)"
    assert lines[2:] == ["rights: none", "decided by: a none grant on nights/n1/secret to user bob"]


def test_access_names_home_admin_way_and_nothing(night, team, make_user, data_root):
    make_user("root", admin=True)
    run("toyz_grant", "nights/n1", "--group", "observers", "--rights", "read")
    (data_root / "other").mkdir()

    def decided(user: str, path: str) -> str:
        return run("toyz_access", "--user", user, path).splitlines()[-1]

    assert decided("bob", "home/bob/x.fits") == "decided by: inside their home folder"
    assert decided("root", "other") == "decided by: an admin: every right inside the data root"
    assert decided("bob", "nights") == "decided by: on the way to a folder they were granted (only the way shows)"
    assert decided("bob", "other") == "decided by: no grant applies"
    assert run("toyz_access", "--user", "bob", "other").splitlines()[2] == "rights: none"
    with pytest.raises(CommandError, match="outside the data folders"):
        run("toyz_access", "--user", "bob", "../x")
    with pytest.raises(CommandError, match="no user named 'zed'"):
        run("toyz_access", "--user", "zed", "nights")


# --- as real processes: what a cron job sees ------------------------------------------------------------


@pytest.fixture
def manage(transactional_db: None, data_root: Path, tmp_path: Path) -> Any:
    """Run manage.py as a process on this test's database and data root; returns the finished process."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the process test reads the unit tests' SQLite database file")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": f"sqlite:///{database['NAME']}",
        "TOYZ_DATA_ROOT": str(data_root),
        "TOYZ_VAR_DIR": str(tmp_path / "var"),
    }

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    return call


def test_the_commands_exit_zero_on_success_and_non_zero_with_a_sentence_on_a_mistake(night, team, manage):
    _, bob = team
    done = manage("toyz_grant", "nights/n1", "--group", "observers", "--rights", "list,read")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Granted list, read on nights/n1 to group observers (who had no grant there before)."
    # The grant made by the other process counts in this one at the next check.
    assert decide(bob, "nights/n1/a.fits").grant_path == "nights/n1"
    access = manage("toyz_access", "--user", "bob", "nights/n1/a.fits")
    assert access.returncode == 0 and "decided by: the grant on nights/n1 to group observers" in access.stdout
    for args, says in [
        (["nights/n1", "--group", "nobody", "--rights", "read"], "There is no group named 'nobody'"),
        (["nights/n1", "--group", "observers", "--rights", "fly"], "Unknown right 'fly'"),
        (["nights/n1", "--group", "observers"], "one of the arguments --rights --revoke is required"),
    ]:
        refused = manage("toyz_grant", *args)
        assert refused.returncode != 0 and says in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    assert manage("toyz_access", "--user", "bob", "/etc").returncode != 0

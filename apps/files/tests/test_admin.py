"""The folder grants admin: the list, the form with its folder picker, the effective access page, and bad
input (outside the root, missing folders, deleted groups) answered with sentences, never a 500."""

from __future__ import annotations

import shutil
from pathlib import PurePosixPath
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from apps.files import grants
from apps.files.models import PathGrant
from apps.files.permissions import Right, has_right

R, L, W = Right.READ, Right.LIST, Right.WRITE
CHANGELIST = "admin:files_pathgrant_changelist"
ADD = "admin:files_pathgrant_add"
FOLDERS = "admin:files_pathgrant_folders"
ACCESS = "admin:files_pathgrant_access"


@pytest.fixture
def admin_client(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("root", admin=True))
    return client


def holder_post(path: str, rows: list[dict[str, str]], *, initial: int = 0, note: str = "") -> dict[str, str]:
    """The form's POST body: the path, the note and the holder rows (the first `initial` ones existed)."""
    data = {
        "path": path,
        "note": note,
        "holders-TOTAL_FORMS": str(len(rows)),
        "holders-INITIAL_FORMS": str(initial),
        "holders-MIN_NUM_FORMS": "0",
        "holders-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"holders-{i}-{name}"] = value
    return data


def change_url(path: str) -> str:
    return reverse("admin:files_pathgrant_change", args=[PathGrant.objects.get(path=path).pk])


# --- the list ----------------------------------------------------------------------------------------


def test_the_list_shows_one_line_per_path_with_its_holders_and_rights(admin_client, night, team):
    observers, _bob, carol = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1", carol, [W])
    grants.grant("nights/n1/secret", observers, [])
    page = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert page.count("nights/n1/secret") >= 1
    assert "group observers" in page and "(list, read)" in page
    assert "user carol" in page and "(list, read, write)" in page
    assert "(none)" in page
    assert "Effective access" in page


def test_the_list_filters_by_group_and_by_user_through_their_groups(admin_client, night, team):
    observers, bob, carol = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n2", carol, [R])
    by_group = admin_client.get(reverse(CHANGELIST), {"group": observers.pk}).context["cl"].result_list
    assert [g.path for g in by_group] == ["nights/n1"]
    by_bob = admin_client.get(reverse(CHANGELIST), {"user": bob.pk}).context["cl"].result_list
    assert [g.path for g in by_bob] == ["nights/n1"]
    by_carol = admin_client.get(reverse(CHANGELIST), {"user": carol.pk}).context["cl"].result_list
    assert [g.path for g in by_carol] == ["nights/n2"]


@pytest.mark.parametrize(
    ("term", "expected"), [("n2", ["nights/n2"]), ("carol", ["nights/n2"]), ("OBSERV", ["nights/n1"])]
)
def test_the_list_searches_paths_users_and_groups(admin_client, night, team, term, expected):
    observers, _, carol = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n2", carol, [R])
    found = admin_client.get(reverse(CHANGELIST), {"q": term}).context["cl"].result_list
    assert sorted(g.path for g in found) == expected


# --- who may see it ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [CHANGELIST, ADD, FOLDERS, ACCESS])
def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(make_user, name):
    client = Client()
    client.force_login(make_user("mallory"))
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_the_view_permission_are_refused_and_with_it_may_look(make_user, night):
    staff = make_user("stan")
    staff.is_staff = True
    staff.save()
    client = Client()
    client.force_login(staff)
    assert client.get(reverse(ACCESS)).status_code == 403
    refused = client.get(reverse(FOLDERS))
    assert refused.status_code == 403 and "error" in refused.json()
    assert client.get(reverse(CHANGELIST)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_pathgrant"))
    client.force_login(staff)
    assert client.get(reverse(ACCESS)).status_code == 200
    assert client.get(reverse(FOLDERS)).status_code == 200
    # Looking is not changing: the add page stays closed.
    assert client.get(reverse(ADD)).status_code == 403


def test_the_admin_index_links_the_effective_access_page(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse(ACCESS) in page


# --- the folder picker's listing -------------------------------------------------------------------------


def test_the_picker_lists_a_folder_folders_first_and_marks_granted_ones(admin_client, night, team, data_root):
    grants.grant("nights/n1", team[0], [R])
    (data_root / "nights" / "notes.txt").write_text("x")
    (data_root / "nights" / "out").symlink_to("/etc")
    (data_root / "nights" / "dangling").symlink_to(data_root / "nowhere")
    body = admin_client.get(reverse(FOLDERS), {"path": "nights"}).json()
    assert body["path"] == "nights" and body["parent"] == ""
    assert [(e["name"], e["folder"], e["granted"]) for e in body["entries"]] == [
        ("n1", True, True),
        ("n2", True, False),
        ("notes.txt", False, False),
    ]
    root = admin_client.get(reverse(FOLDERS)).json()
    assert root["path"] == "" and root["parent"] is None and "nights" in [e["name"] for e in root["entries"]]


@pytest.mark.parametrize(
    ("raw", "status", "words"),
    [
        ("../etc", 403, "outside"),
        ("nights/nowhere", 404, "No such"),
        ("nights/n1/a.fits", 400, "is a file"),
        ("a\x00b", 400, "not valid"),
    ],
)
def test_the_picker_refuses_bad_paths_with_a_sentence(admin_client, night, raw, status, words):
    response = admin_client.get(reverse(FOLDERS), {"path": raw})
    assert response.status_code == status
    assert words in response.json()["error"]["message"]


# --- adding and changing -----------------------------------------------------------------------------------


def test_adding_a_grant_to_a_group_gives_its_members_the_rights_and_lands_in_the_history(admin_client, night, team):
    observers, bob, carol = team
    response = admin_client.post(
        reverse(ADD), holder_post("nights/n1/", [{"holder": f"group:{observers.pk}", "rights": "read"}], note="night 1")
    )
    assert response.status_code == 302, response.content.decode()
    grant = PathGrant.objects.get()
    assert grant.path == "nights/n1" and grant.note == "night 1"
    assert has_right(bob, PurePosixPath("nights/n1/a.fits"), R)
    assert not has_right(carol, PurePosixPath("nights/n1/a.fits"), R)
    history = admin_client.get(reverse("admin:files_pathgrant_history", args=[grant.pk])).content.decode()
    assert "Granted list, read to group observers." in history
    assert LogEntry.objects.filter(object_id=str(grant.pk), user__username="root").exists()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("../../etc", "outside the data root"),
        ("/nights/../..", "outside the data root"),
        ("nights/n9", "There is no file or folder nights/n9"),
        ("", "Choose a folder with the picker"),
        ("a\x00b", "Null characters are not allowed"),
    ],
)
def test_a_bad_path_is_refused_with_a_sentence_and_nothing_is_granted(admin_client, night, team, raw, words):
    response = admin_client.post(reverse(ADD), holder_post(raw, [{"holder": f"group:{team[0].pk}", "rights": "read"}]))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not PathGrant.objects.exists()


def test_the_form_refuses_a_path_with_a_grant_already_no_holder_and_a_holder_twice(admin_client, night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", bob, [R])
    row = {"holder": f"group:{observers.pk}", "rights": "read"}
    again = admin_client.post(reverse(ADD), holder_post("nights/n1", [row])).content.decode()
    assert "already has a grant" in again
    nobody = admin_client.post(reverse(ADD), holder_post("nights/n2", [{"holder": "", "rights": "read"}]))
    assert "at least one user or group" in nobody.content.decode()
    twice = admin_client.post(reverse(ADD), holder_post("nights/n2", [row, {**row, "rights": "write"}]))
    assert "appears twice" in twice.content.decode()
    assert list(PathGrant.objects.values_list("path", flat=True)) == ["nights/n1"]


def test_changing_rights_adding_and_removing_holders_goes_through_grant_and_revoke(admin_client, night, team):
    observers, bob, carol = team
    grants.grant("nights/n1", observers, [R])
    url = change_url("nights/n1")
    page = admin_client.get(url).content.decode()
    assert f'value="group:{observers.pk}" selected' in page
    rows = [
        {"holder": f"group:{observers.pk}", "rights": "list"},
        {"holder": f"user:{carol.pk}", "rights": "write"},
    ]
    assert admin_client.post(url, holder_post("ignored", rows, initial=1)).status_code == 302
    assert not has_right(bob, PurePosixPath("nights/n1/a.fits"), R) and has_right(bob, PurePosixPath("nights/n1"), L)
    assert has_right(carol, PurePosixPath("nights/n1/a.fits"), W)
    # The path of an existing grant does not change through the form.
    assert PathGrant.objects.get().path == "nights/n1"
    rows = [{**rows[0], "DELETE": "on"}, rows[1]]
    assert admin_client.post(url, holder_post("", rows, initial=2)).status_code == 302
    assert not has_right(bob, PurePosixPath("nights/n1"), L)
    history = admin_client.get(url.replace("/change/", "/history/")).content.decode()
    assert "Withdrew every right of group observers." in history
    assert "Granted list, read, write to user carol." in history


def test_removing_the_last_holder_revokes_the_grant(admin_client, night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    url = change_url("nights/n1")
    response = admin_client.post(
        url, holder_post("", [{"holder": f"group:{observers.pk}", "rights": "read", "DELETE": "on"}], initial=1)
    )
    assert response.status_code == 302 and response["Location"] == reverse(CHANGELIST)
    assert not PathGrant.objects.exists()
    assert not has_right(bob, PurePosixPath("nights/n1"), L)
    assert admin_client.get(url, follow=True).status_code == 200


def test_a_none_grant_from_the_form_hides_the_subfolder(admin_client, night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    admin_client.post(
        reverse(ADD), holder_post("nights/n1/secret", [{"holder": f"group:{observers.pk}", "rights": "none"}])
    )
    assert not has_right(bob, PurePosixPath("nights/n1/secret"), L)
    assert has_right(bob, PurePosixPath("nights/n1/a.fits"), R)


def test_deleting_a_grant_revokes_every_holder_in_the_history(admin_client, night, team):
    observers, _bob, carol = team
    grant = grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1", carol, [R])
    url = reverse("admin:files_pathgrant_delete", args=[grant.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not PathGrant.objects.exists()
    messages = set(LogEntry.objects.filter(object_id=str(grant.pk)).values_list("change_message", flat=True))
    assert {"Withdrew every right of group observers.", "Withdrew every right of user carol."} <= messages


# --- grants that outlived their folder or their holders ----------------------------------------------------


def test_a_grant_on_a_deleted_folder_shows_missing_and_can_be_revoked_but_not_widened(admin_client, night, team):
    observers, _bob, _carol = team
    grants.grant("nights/n1", observers, [R])
    shutil.rmtree(night)
    listing = admin_client.get(reverse(CHANGELIST)).content.decode()
    assert "missing" in listing
    missing = admin_client.get(reverse(CHANGELIST), {"folder": "missing"}).context["cl"].result_list
    assert [g.path for g in missing] == ["nights/n1"]
    url = change_url("nights/n1")
    assert 'data-testid="missing-note"' in admin_client.get(url).content.decode()
    widen = holder_post("", [{"holder": f"group:{observers.pk}", "rights": "write"}], initial=1)
    refused = admin_client.post(url, widen)
    assert refused.status_code == 200
    assert "There is no file or folder nights/n1" in refused.content.decode()
    assert "You can still remove its holders." in refused.content.decode()
    revoke = holder_post("", [{"holder": f"group:{observers.pk}", "rights": "read", "DELETE": "on"}], initial=1)
    assert admin_client.post(url, revoke).status_code == 302
    assert not PathGrant.objects.exists()


def test_a_grant_whose_group_was_deleted_shows_nobody_and_can_be_deleted(admin_client, night, team):
    observers, bob, _ = team
    grant = grants.grant("nights/n1", observers, [R])
    observers.delete()
    assert "nobody" in admin_client.get(reverse(CHANGELIST)).content.decode()
    page = admin_client.get(change_url("nights/n1"))
    assert page.status_code == 200
    assert admin_client.get(reverse(ACCESS), {"user": bob.pk, "path": "nights/n1"}).status_code == 200
    assert (
        admin_client.post(reverse("admin:files_pathgrant_delete", args=[grant.pk]), {"post": "yes"}).status_code == 302
    )
    assert not PathGrant.objects.exists()
    assert LogEntry.objects.filter(object_id=str(grant.pk), change_message__startswith="Deleted the grant").exists()


def test_a_change_page_of_a_revoked_grant_sends_back_to_the_list(admin_client):
    response = admin_client.get(reverse("admin:files_pathgrant_change", args=[999]))
    assert response.status_code == 302 and response["Location"] == reverse(CHANGELIST)


# --- effective access ----------------------------------------------------------------------------------


def test_effective_access_lists_what_a_user_reaches_and_what_decides(admin_client, night, team, data_root):
    observers, bob, _carol = team
    grants.grant("nights", observers, [R])
    grants.grant("nights/n1/secret", observers, [])
    grants.grant("nights/n2", bob, [W])
    response = admin_client.get(reverse(ACCESS), {"user": bob.pk, "path": "nights/n1/secret/b.fits"})
    report = response.context["user_report"]
    assert report["home"] == "home/bob"
    assert [(g["path"], g["rights"], g["hides"], g["through"]) for g in report["grants"]] == [
        ("nights", "list, read", False, "group observers"),
        ("nights/n1/secret", "none", True, "group observers"),
        ("nights/n2", "list, read, write", False, "user bob"),
    ]
    assert report["on_path"]["rights"] == "no access"
    assert report["on_path"]["why"] == "a none grant on nights/n1/secret to group observers"
    page = response.content.decode()
    assert "none: hides this subtree" in page and "home/bob" in page


def test_effective_access_says_who_can_read_a_path_and_why(admin_client, night, team):
    observers, bob, carol = team
    grants.grant("nights", observers, [R])
    grants.grant("nights/n1", carol, [R])
    grants.grant("nights/n1/secret", bob, [])
    response = admin_client.get(reverse(ACCESS), {"path": "nights/n1/a.fits"})
    readers = {r["user"].get_username(): r["why"] for r in response.context["path_report"]["readers"]}
    assert readers == {
        "bob": "the grant on nights to group observers",
        "carol": "the grant on nights/n1 to user carol",
        "root": "an admin: every right inside the data root",
    }
    secret = admin_client.get(reverse(ACCESS), {"path": "nights/n1/secret"}).context["path_report"]
    assert "bob" not in {r["user"].get_username() for r in secret["readers"]}
    assert [(g["path"], g["holder"], g["rights"]) for g in secret["grants"]] == [
        ("nights/n1/secret", "user bob", "none"),
        ("nights/n1", "user carol", "list, read"),
        ("nights", "group observers", "list, read"),
    ]


def test_effective_access_explains_admins_inactive_users_and_bad_paths(admin_client, night, make_user):
    ghost = make_user("ghost")
    ghost.is_active = False
    ghost.save()
    answer = admin_client.get(reverse(ACCESS), {"user": ghost.pk})
    assert answer.context["user_report"]["summary"] == "not an active user"
    for raw, words in [("../x", "outside the data root"), ("nights/none", "There is no file or folder")]:
        page = admin_client.get(reverse(ACCESS), {"path": raw})
        assert page.status_code == 200 and words in page.content.decode()
    assert admin_client.get(reverse(ACCESS), {"user": "not-a-number"}).status_code == 200


def test_the_data_root_itself_can_be_granted_from_the_picker_s_root_crumb(admin_client, data_root, team):
    observers, bob, _ = team
    (data_root / "x.fits").write_bytes(b"x")
    row = {"holder": f"group:{observers.pk}", "rights": "list"}
    assert admin_client.post(reverse(ADD), holder_post("/", [row])).status_code == 302
    assert PathGrant.objects.get().path == ""
    assert has_right(bob, PurePosixPath("x.fits"), L) and not has_right(bob, PurePosixPath("x.fits"), R)
    assert "(data root)" in admin_client.get(reverse(CHANGELIST)).content.decode()
    page = admin_client.get(change_url("")).content.decode()
    assert f'href="{reverse(ACCESS)}?path=/"' in page
    assert admin_client.get(reverse(ACCESS), {"path": "/"}).context["path_report"]["path"] == "(data root)"

"""Folder grants: the nearest grant decides, user and group grants combine, "none" hides a subtree."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from django.contrib.auth.models import Group

from apps.files import grants
from apps.files.models import GrantsVersion, PathGrant
from apps.files.permissions import Right, decide, has_right, readers, visible_children
from apps.files.resolver import resolve
from apps.files.services import list_folder
from workers.errors import ToyzError

R, L, W = Right.READ, Right.LIST, Right.WRITE


def p(text: str) -> PurePosixPath:
    return PurePosixPath(text)


def test_a_group_grant_lets_its_members_read_and_nobody_else(night, team):
    observers, bob, carol = team
    grants.grant("nights/n1", observers, [R])
    assert has_right(bob, p("nights/n1/a.fits"), R)
    assert has_right(bob, p("nights/n1"), L)
    assert not has_right(bob, p("nights/n1/a.fits"), W)
    assert not has_right(carol, p("nights/n1/a.fits"), R)
    assert not has_right(bob, p("nights/n2/c.fits"), R)
    with pytest.raises(ToyzError) as refused:
        resolve(carol, "nights/n1/a.fits", R)
    assert refused.value.code == "forbidden"


def test_the_folders_above_a_grant_show_only_the_way_down(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    assert [e["name"] for e in list_folder(bob, "nights")["entries"]] == ["n1"]
    assert {e["name"] for e in list_folder(bob, "")["entries"]} == {"home", "nights"}
    assert not has_right(bob, p("nights"), R)
    assert decide(bob, "nights").source == "way"


def test_a_none_grant_hides_a_confidential_subfolder_inside_a_shared_one(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1/secret", observers, [])
    assert [e["name"] for e in list_folder(bob, "nights/n1")["entries"]] == ["a.fits"]
    assert not has_right(bob, p("nights/n1/secret/b.fits"), R)
    assert not has_right(bob, p("nights/n1/secret"), L)
    decision = decide(bob, "nights/n1/secret/b.fits")
    assert decision.grant_path == "nights/n1/secret" and decision.rights == frozenset()


def test_user_and_group_grants_on_one_path_combine(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1", bob, [W])
    assert has_right(bob, p("nights/n1/a.fits"), W)
    assert set(decide(bob, "nights/n1").holders) == {"group observers", "user bob"}


def test_the_nearest_grant_decides_even_against_a_wider_one_above(night, team):
    observers, bob, carol = team
    carol.groups.add(observers)
    grants.grant("nights", observers, [R])
    grants.grant("nights/n1", bob, [])
    assert not has_right(bob, p("nights/n1/a.fits"), R)
    assert has_right(bob, p("nights/n2/c.fits"), R)
    assert has_right(carol, p("nights/n1/a.fits"), R)
    # A grant deeper down opens again what a none grant above closed.
    grants.grant("nights/n1/secret", bob, [R])
    assert has_right(bob, p("nights/n1/secret/b.fits"), R)
    assert not has_right(bob, p("nights/n1/a.fits"), R)


def test_a_revoked_grant_stops_at_the_next_check(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    assert has_right(bob, p("nights/n1/a.fits"), R)
    assert grants.revoke("nights/n1", observers)
    assert not has_right(bob, p("nights/n1/a.fits"), R)
    assert not PathGrant.objects.exists()
    # Leaving the group does it too.
    grants.grant("nights/n1", observers, [R])
    assert has_right(bob, p("nights/n1/a.fits"), R)
    bob.groups.remove(observers)
    assert not has_right(bob, p("nights/n1/a.fits"), R)


def test_a_withdrawn_permission_row_stops_at_the_next_check_and_every_change_moves_the_version(night, team):
    observers, bob, _ = team
    grant = grants.grant("nights/n1", observers, [R])
    assert has_right(bob, p("nights/n1/a.fits"), R)
    # Withdrawn in guardian's own tables, as its admin pages do.
    from guardian.models import GroupObjectPermission

    GroupObjectPermission.objects.filter(object_pk=str(grant.pk)).delete()
    assert has_right(bob, p("nights/n1/a.fits"), R) is False
    before = GrantsVersion.objects.get(pk=1).counter
    grants.grant("nights/n1", observers, [R])
    assert GrantsVersion.objects.get(pk=1).counter > before


def test_home_folders_keep_full_rights_for_their_owner_whatever_the_grants(make_user, data_root):
    alice = make_user("alice")
    everyone = Group.objects.create(name="everyone")
    alice.groups.add(everyone)
    grants.grant("home", everyone, [])
    assert has_right(alice, p("home/alice/x.fits"), W)
    assert not has_right(alice, p("home/bob"), L)


def test_admins_have_every_right(make_user, night):
    admin = make_user("root", admin=True)
    assert has_right(admin, p("nights/n1/secret/b.fits"), W)
    assert visible_children(admin, p("nights"), ["n1", "n2"]) == ["n1", "n2"]


def test_inactive_users_lose_their_grants(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    bob.is_active = False
    bob.save()
    assert not has_right(bob, p("nights/n1/a.fits"), L)


def test_readers_are_exactly_those_the_grants_let_read(night, team, make_user):
    observers, bob, carol = team
    dave = make_user("dave")
    for user in (carol, dave):
        user.groups.add(observers)
    grants.grant("nights", observers, [R])
    grants.grant("nights/n1/secret", carol, [])
    grants.grant("nights/n1", dave, [L])
    audience = readers(p("nights/n1/secret/b.fits"))
    assert bob.pk in audience.users and carol.pk not in audience.users and dave.pk not in audience.users
    assert audience.admins
    assert carol.pk in readers(p("nights/n1/a.fits")).users


def test_grants_are_refused_outside_the_root_and_on_missing_paths(night, team, tmp_path):
    observers, _, _ = team
    with pytest.raises(ToyzError) as outside:
        grants.grant("../elsewhere", observers, [R])
    assert outside.value.code == "outside_root" and "outside the data root" in outside.value.message
    with pytest.raises(ToyzError) as missing:
        grants.grant("nights/n9", observers, [R])
    assert missing.value.code == "not_found"
    assert not PathGrant.objects.exists()


def test_a_grant_through_a_symlink_grants_its_target(night, team, data_root):
    observers, bob, _ = team
    (data_root / "tonight").symlink_to(night)
    grants.grant("tonight", observers, [R])
    assert PathGrant.objects.get().path == "nights/n1"
    assert resolve(bob, "tonight/a.fits", R).client == "nights/n1/a.fits"


def test_a_deleted_group_or_folder_crashes_nothing_and_widens_nothing(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    observers.delete()
    assert not has_right(bob, p("nights/n1/a.fits"), R)
    grants.grant("nights/n1", bob, [R])
    (night / "secret" / "b.fits").unlink()
    (night / "secret").rmdir()
    (night / "a.fits").unlink()
    night.rmdir()
    assert has_right(bob, p("nights/n1/a.fits"), R)  # a path grant: a folder made again there is shared again
    assert not has_right(bob, p("nights/n2"), R)
    assert grants.revoke("nights/n1", bob)


def test_rights_parse_as_the_command_line_writes_them():
    assert grants.parse_rights("list,read") == {L, R}
    assert grants.parse_rights("write") == {L, R, W}
    assert grants.parse_rights("none") == frozenset()
    for bad in ("", "read,none", "execute"):
        with pytest.raises(ToyzError):
            grants.parse_rights(bad)


def test_shared_with_me_lists_the_outermost_granted_folders(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1/secret", observers, [])
    grants.grant("nights/n2", bob, [W])
    assert [path for path, _, _ in grants.shared_with(bob)] == ["nights/n1", "nights/n2"]


def test_a_path_a_none_grant_hides_answers_as_a_missing_one_would(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1/secret", observers, [])
    answers = []
    for path in ("nights/n1/secret", "nights/n1/secret/b.fits", "nights/n1/secret/none.fits", "nights/n1/none"):
        with pytest.raises(ToyzError) as refused:
            resolve(bob, path, R)
        answers.append((refused.value.code, refused.value.message))
    assert answers == [("not_found", "No such file or folder.")] * 4
    # Where the folder around it gives no such right either, the refusal is the usual one, for both.
    for path in ("nights/n1/secret/b.fits", "nights/n1/none"):
        with pytest.raises(ToyzError) as refused:
            resolve(bob, path, W)
        assert refused.value.code == "forbidden"


def test_revoking_on_a_path_no_database_can_hold_is_a_clean_refusal(night, team):
    observers, _, _ = team
    for raw in ("\ud800", "nights/n1\x00", "x" * 5000):
        with pytest.raises(ToyzError) as refused:
            grants.revoke(raw, observers)
        assert refused.value.code == "bad_path"


def test_renaming_a_folder_in_toyz_carries_its_grants_so_a_none_grant_keeps_hiding(night, team, make_user):
    from apps.files import writing

    observers, bob, _ = team
    owner = make_user("olga")
    grants.grant("nights", owner, [W])
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1/secret", observers, [])
    writing.rename(owner, "nights/n1/secret", "open")
    assert not has_right(bob, p("nights/n1/open/b.fits"), R)
    assert PathGrant.objects.filter(path="nights/n1/open").exists()
    writing.rename(owner, "nights/n1", "n1-renamed")
    assert set(PathGrant.objects.values_list("path", flat=True)) == {
        "nights",
        "nights/n1-renamed",
        "nights/n1-renamed/open",
    }
    assert has_right(bob, p("nights/n1-renamed/a.fits"), R)
    assert not has_right(bob, p("nights/n1-renamed/open/b.fits"), R)


def test_a_rename_onto_a_name_a_stale_grant_still_names_is_refused(night, team, make_user):
    from apps.files import writing

    observers, _, _ = team
    owner = make_user("olga")
    grants.grant("nights", owner, [W])
    grants.grant("nights/n2", observers, [R])
    (night.parent / "n2" / "c.fits").unlink()
    (night.parent / "n2").rmdir()  # deleted outside Toyz: the grant stays, marked missing in the admin
    with pytest.raises(ToyzError) as refused:
        writing.rename(owner, "nights/n1", "n2")
    assert refused.value.code == "exists" and "grant" in refused.value.message
    assert (night / "a.fits").exists()


def test_a_folder_restored_from_the_trash_under_another_name_keeps_its_none_grant(night, team, make_user):
    from apps.files import trash

    observers, bob, _ = team
    owner = make_user("olga")
    grants.grant("nights", owner, [W])
    grants.grant("nights", observers, [R])
    grants.grant("nights/n1/secret", observers, [])
    deleted = trash.delete(owner, "nights/n1")
    trash.restore(owner, deleted["id"], "n1-back")
    assert has_right(bob, p("nights/n1-back/a.fits"), R)
    assert not has_right(bob, p("nights/n1-back/secret/b.fits"), R)

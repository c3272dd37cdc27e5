"""The write right as folder grants give it: a group's write grant lets its members write there, a read
grant does not, and a "none" grant on a subfolder keeps the folder around it from being moved."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from apps.files import grants, trash, writing
from apps.files.permissions import Right
from apps.files.services import list_folder
from workers.errors import ToyzError

R, W = Right.READ, Right.WRITE


@pytest.fixture
def team(make_user, data_root: Path):
    (data_root / "nights/n1/secret").mkdir(parents=True)
    (data_root / "nights/n1/a.fits").write_bytes(b"a")
    (data_root / "nights/n1/secret/plan.txt").write_text("x")
    writers, readers = Group.objects.create(name="writers"), Group.objects.create(name="readers")
    wendy, rita = make_user("wendy"), make_user("rita")
    wendy.groups.add(writers)
    rita.groups.add(readers)
    grants.grant("nights/n1", writers, [W])
    grants.grant("nights/n1", readers, [R])
    return wendy, rita, writers


def test_a_write_grant_lets_the_groups_members_upload_and_a_read_grant_does_not(team, data_root: Path):
    wendy, rita, _ = team
    assert list_folder(wendy, "nights/n1")["writable"] is True
    assert list_folder(rita, "nights/n1")["writable"] is False
    writing.upload(wendy, "nights/n1", "b.fits", io.BytesIO(b"b"), length=1)
    with pytest.raises(ToyzError) as refused:
        writing.upload(rita, "nights/n1", "c.fits", io.BytesIO(b"c"), length=1)
    assert refused.value.code == "forbidden"
    assert sorted(p.name for p in (data_root / "nights/n1").iterdir()) == ["a.fits", "b.fits", "secret"]


def test_a_none_grant_inside_keeps_the_folder_around_it_where_it_is(team, data_root: Path):
    wendy, _, writers = team
    grants.grant("nights/n1/secret", writers, [])
    for move in (lambda: writing.rename(wendy, "nights/n1", "n1-old"), lambda: trash.delete(wendy, "nights/n1")):
        with pytest.raises(ToyzError) as refused:
            move()
        assert refused.value.code == "forbidden"
    with pytest.raises(ToyzError):
        trash.delete(wendy, "nights/n1/secret")
    assert (data_root / "nights/n1/secret/plan.txt").exists()
    # What she may write, she may still move.
    trash.delete(wendy, "nights/n1/a.fits")
    assert not (data_root / "nights/n1/a.fits").exists()


def test_the_trash_shows_a_deletion_to_those_who_may_write_it_back(team, make_user):
    wendy, rita, _ = team
    admin = make_user("root", admin=True)
    deleted = trash.delete(admin, "nights/n1/a.fits")
    assert [e["id"] for e in trash.list_trash(wendy)] == [deleted["id"]]
    assert trash.list_trash(rita) == []
    with pytest.raises(ToyzError):
        trash.restore(rita, deleted["id"])
    assert trash.restore(wendy, deleted["id"])["path"] == "nights/n1/a.fits"

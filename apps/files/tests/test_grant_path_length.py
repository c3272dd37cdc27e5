"""A rename (or a restore under another name) that would push a grant's path past what its column holds
(PathGrant.path, 1024 characters) is refused before anything moves: on PostgreSQL the grants' update
failed after the folder had been renamed on disk, a 500 that left a "none" grant on the old path, so
the subtree it hid showed under the new name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from apps.files import grants, trash, writing
from apps.files.models import PathGrant
from apps.files.permissions import Right
from workers.errors import ToyzError

pytestmark = pytest.mark.django_db

LONG = ["B" * 250, "C" * 250, "D" * 250, "E" * 250]


@pytest.fixture
def deep(data_root: Path, make_user):
    """nights/a/<4 names of 250> with a none grant at the bottom (1012 characters), and a writer."""
    hidden = "nights/a/" + "/".join(LONG)
    (data_root / hidden).mkdir(parents=True)
    writer = make_user("olga")
    observers = Group.objects.create(name="observers")
    grants.grant("nights", writer, [Right.WRITE])
    grants.grant("nights", observers, [Right.READ])
    grants.grant(hidden, observers, [])
    return writer, hidden


def test_a_rename_that_would_make_a_grant_path_too_long_is_refused_and_nothing_moves(deep, data_root):
    writer, hidden = deep
    with pytest.raises(ToyzError) as refused:
        writing.rename(writer, "nights/a", "A" * 250)
    assert refused.value.code == "bad_name" and "shorter" in refused.value.message
    assert (data_root / "nights" / "a").is_dir() and not (data_root / "nights" / ("A" * 250)).exists()
    assert PathGrant.objects.filter(path=hidden).exists()
    # A short enough name still renames, and the grant follows.
    writing.rename(writer, "nights/a", "b")
    assert PathGrant.objects.filter(path="nights/b/" + "/".join(LONG)).exists()


def test_a_restore_under_a_name_too_long_for_its_grants_is_refused_and_stays_in_the_trash(deep, data_root):
    writer, hidden = deep
    deleted = trash.delete(writer, "nights/a")
    with pytest.raises(ToyzError) as refused:
        trash.restore(writer, deleted["id"], "A" * 250)
    assert refused.value.code == "bad_name"
    assert not (data_root / "nights" / ("A" * 250)).exists()
    assert [e["id"] for e in trash.list_trash(writer)] == [deleted["id"]]
    assert PathGrant.objects.filter(path=hidden).exists()

"""Fixtures the file tests share: a night's folder with a confidential subfolder, an observing team,
and alice (with bob beside her) logged in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group


@pytest.fixture
def night(data_root: Path) -> Path:
    """nights/n1 (a.fits, secret/b.fits) and nights/n2 (c.fits); returns nights/n1."""
    folder = data_root / "nights" / "n1"
    (folder / "secret").mkdir(parents=True)
    (data_root / "nights" / "n2").mkdir()
    (folder / "a.fits").write_bytes(b"x")
    (folder / "secret" / "b.fits").write_bytes(b"x")
    (data_root / "nights" / "n2" / "c.fits").write_bytes(b"x")
    return folder


@pytest.fixture
def team(make_user: Any) -> tuple[Group, Any, Any]:
    """The group observers, bob in it and carol not."""
    observers = Group.objects.create(name="observers")
    bob, carol = make_user("bob"), make_user("carol")
    bob.groups.add(observers)
    return observers, bob, carol


@pytest.fixture
def alice(make_user: Any) -> Any:
    make_user("bob")
    return make_user("alice")


@pytest.fixture
def alice_client(client: Any, alice: Any) -> Any:
    client.force_login(alice)
    return client

"""Pinning a folder whose real path (a link followed) is longer than a shortcut's column holds is a
sentence, not a database error (a DataError, a 500, on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from apps.files import grants, places
from apps.files.models import Shortcut
from apps.files.permissions import Right

pytestmark = pytest.mark.django_db


def test_pinning_a_link_to_a_folder_too_deep_to_store_is_refused_with_a_sentence(data_root: Path, make_user: Any):
    deep = Path("nights", *(ch * 250 for ch in "BCDE"), "F" * 100)
    assert len(deep.as_posix()) > places.MAX_PATH_LENGTH
    (data_root / deep).mkdir(parents=True)
    (data_root / "nights" / "short").symlink_to(data_root / deep)
    bob = make_user("bob")
    grants.grant("nights", bob, [Right.READ])
    client = Client()
    client.force_login(bob)
    response = client.post("/api/files/shortcuts", {"path": "nights/short"}, content_type="application/json")
    assert response.status_code == 400
    assert "too long" in response.json()["error"]["message"]
    assert not Shortcut.objects.exists()

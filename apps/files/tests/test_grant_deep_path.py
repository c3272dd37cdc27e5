"""A grant on a folder whose real path (a link followed) is longer than a grant's column holds is a
sentence from grants.grant, the admin's form and toyz_grant, not a database error (a DataError, a 500
or a traceback, on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from apps.files import grants
from apps.files.models import PathGrant
from apps.files.permissions import Right
from workers.errors import ToyzError

pytestmark = pytest.mark.django_db


@pytest.fixture
def deep_link(data_root: Path) -> str:
    deep = Path("nights", *(ch * 250 for ch in "BCDE"), "F" * 100)
    assert len(deep.as_posix()) > grants.MAX_GRANT_PATH
    (data_root / deep).mkdir(parents=True)
    (data_root / "nights" / "short").symlink_to(data_root / deep)
    return "nights/short"


def test_granting_a_path_too_long_to_store_is_refused_with_a_sentence(deep_link: str, make_user: Any) -> None:
    carol = make_user("carol")
    with pytest.raises(ToyzError) as refused:
        grants.grant(deep_link, carol, [Right.READ])
    assert refused.value.code == "bad_path" and "too long" in refused.value.message
    with pytest.raises(CommandError, match="too long"):
        call_command("toyz_grant", deep_link, "--user", "carol", "--rights", "read")
    assert not PathGrant.objects.exists()


def test_the_admin_form_says_so_too(deep_link: str, make_user: Any) -> None:
    carol = make_user("carol")
    client = Client()
    client.force_login(make_user("root", admin=True))
    response = client.post(
        "/admin/files/pathgrant/add/",
        {
            "path": deep_link,
            "note": "",
            "holders-TOTAL_FORMS": "1",
            "holders-INITIAL_FORMS": "0",
            "holders-MIN_NUM_FORMS": "0",
            "holders-MAX_NUM_FORMS": "1000",
            "holders-0-holder": f"user:{carol.pk}",
            "holders-0-rights": "read",
        },
    )
    assert response.status_code == 200
    assert "too long" in response.content.decode()
    assert not PathGrant.objects.exists()

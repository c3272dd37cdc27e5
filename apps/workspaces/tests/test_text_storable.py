"""Text that no database column holds (a NUL, which PostgreSQL refuses; a lone surrogate) in a workspace's
name, a share's or a lookup's name, or a shortcut's label is a sentence (400) or nothing found, never a
500. Checked on the rules themselves, since SQLite (the unit tests' database) would store a NUL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.files.models import Shortcut
from apps.workspaces.models import Workspace

pytestmark = pytest.mark.django_db

BAD = ["a\x00b", "a\ud800b"]


@pytest.fixture
def bob(make_user: Any, data_root: Any) -> Client:
    client = Client()
    client.force_login(make_user("bob"))
    Workspace.objects.create(owner=make_user("olga"), name="w")
    return client


def bobs_workspace(client: Client) -> int:
    return int(client.post("/api/workspaces", "{}", content_type="application/json").json()["id"])


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    # json.dumps escapes a lone surrogate as \ud800, as a browser's JSON.stringify does.
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("name", BAD)
def test_a_workspace_name_no_column_holds_is_refused_with_a_sentence(bob: Client, name: str) -> None:
    workspace = bobs_workspace(bob)
    names = sorted(Workspace.objects.values_list("name", flat=True))
    for method, url in (
        ("post", "/api/workspaces"),
        ("patch", f"/api/workspaces/{workspace}"),
        ("post", f"/api/workspaces/{workspace}/duplicate"),
    ):
        response = send(bob, method, url, {"name": name})
        assert response.status_code == 400, (method, url, response.content)
        assert response.json()["error"]["code"] in ("bad_params", "bad_request")
    if "\x00" in name:  # a form's body is UTF-8: a lone surrogate cannot travel in one
        response = bob.post("/workspaces/new/", {"name": name})
        assert response.status_code == 400
    assert sorted(Workspace.objects.values_list("name", flat=True)) == names


@pytest.mark.parametrize("name", BAD)
def test_a_share_or_lookup_name_no_column_holds_finds_nobody(bob: Client, name: str) -> None:
    workspace = bobs_workspace(bob)
    for kind in ("user", "group"):
        body = {"kind": kind, "name": name, "right": "view"}
        response = send(bob, "put", f"/api/workspaces/{workspace}/shares", body)
        assert response.status_code in (400, 404), response.content
        response = bob.delete(f"/api/workspaces/{workspace}/shares?kind={kind}&name=a%00b")
        assert response.status_code == 404, response.content
    response = bob.get("/api/workspaces/lookup", {"q": "a\x00b"})
    assert response.status_code == 200 and response.json() == []


def test_a_shortcut_label_with_a_nul_is_refused(bob: Client) -> None:
    response = send(bob, "post", "/api/files/shortcuts", {"path": "home/bob", "label": "x\x00y"})
    assert response.status_code == 400 and not Shortcut.objects.exists()

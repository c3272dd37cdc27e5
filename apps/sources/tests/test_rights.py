"""A source is read with the read right: a user without it gets the same refusal as for an image."""

from __future__ import annotations

import json

import pytest

from apps.files import grants
from apps.files.services import Right
from apps.sources.tests.conftest import write_catalogue

pytestmark = pytest.mark.django_db
RANGE = {"kind": "range", "column": "g", "lo": 17.0, "hi": None}


def answers(client, path: str) -> list[tuple[int, str]]:
    """The status and code of every sources endpoint for `path`."""
    body = {"path": path, "table": 0}
    replies = [
        client.get("/api/sources/describe", {"path": path}),
        client.get("/api/sources/column", {"path": path, "column": "g"}),
        client.get("/api/sources/rows", {"path": path}),
        client.get("/api/sources/density", {"path": path, "x": "g", "y": "r"}),
        client.post("/api/sources/mask", json.dumps({**body, "selection": RANGE}), content_type="application/json"),
        client.post("/api/sources/locate", json.dumps({**body, "selection": RANGE}), content_type="application/json"),
        client.post(
            "/api/sources/export",
            json.dumps({**body, "format": "csv", "folder": "home/bob", "name": "x.csv"}),
            content_type="application/json",
        ),
    ]
    return [(reply.status_code, reply.json()["error"]["code"]) for reply in replies]


@pytest.mark.parametrize("path", ["home/alice/cat.fits", "home/alice/none.fits", "home/alice/hidden/cat.fits"])
def test_a_user_without_the_read_right_gets_what_an_image_gets(client, make_user, data_root, path):
    make_user("alice")
    write_catalogue(data_root / "home/alice/cat.fits")
    write_catalogue(data_root / "home/alice/hidden/cat.fits")
    bob = make_user("bob")
    client.force_login(bob)
    image = client.get("/api/imaging/describe", {"path": path})
    assert image.status_code in (403, 404)
    expected = (image.status_code, image.json()["error"]["code"])
    assert answers(client, path) == [expected] * 7


def test_a_list_right_alone_does_not_read_a_table(client, make_user, data_root):
    admin = make_user("root", admin=True)
    make_user("alice")
    write_catalogue(data_root / "survey/cat.fits")
    bob = make_user("bob")
    grants.grant("survey", bob, [Right.LIST], actor=admin)
    client.force_login(bob)
    assert client.get("/api/files/list", {"path": "survey"}).status_code == 200
    assert {code for _, code in answers(client, "survey/cat.fits")} == {"forbidden"}


def test_a_read_grant_opens_a_shared_catalogue(client, make_user, data_root):
    admin = make_user("root", admin=True)
    write_catalogue(data_root / "survey/cat.fits")
    bob = make_user("bob")
    grants.grant("survey", bob, [Right.LIST, Right.READ], actor=admin)
    client.force_login(bob)
    assert client.get("/api/sources/describe", {"path": "survey/cat.fits"}).json()["rows"] == 1000


def test_anonymous_users_are_refused(client, make_user, data_root):
    make_user("alice")
    write_catalogue(data_root / "home/alice/cat.fits")
    response = client.get("/api/sources/describe", {"path": "home/alice/cat.fits"})
    assert response.status_code == 401

"""GET /api/headers/search: the language over a folder and below, through each user's read right."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from apps.files.grants import grant
from apps.files.services import Right
from apps.headers.services import index_folder

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(make_user, night, as_folder):
    root = make_user("root", admin=True)
    index_folder(as_folder(root, ""), recursive=True)
    return root


def search(user: Any, path: str, q: str, **extra: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.get("/api/headers/search?" + urlencode({"path": path, "q": q, **extra}))


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["name"] for r in response.json()["results"]]


def test_the_issue_example_finds_the_exposure_and_its_keywords(indexed):
    response = search(indexed, "nights", 'FILTER=r* EXPTIME>60 DATE-OBS:2026-11-23 OBJECT~"NGC 1"')
    body = response.json()
    assert names(response) == ["c4d_001.fits", "c4d_005.fits"] and body["total"] == 2
    first = body["results"][0]
    assert first["path"] == "nights/n1/c4d_001.fits" and first["exptime"] == 90.0
    assert first["date_obs"] == "2026-11-23T03:12:00+00:00"
    assert first["keywords"] == {
        "FILTER": "r DECam",
        "EXPTIME": 90.0,
        "DATE-OBS": "2026-11-23T03:12:00",
        "OBJECT": "NGC 1300",
    }


def test_dates_and_numbers_narrow_and_the_limit_cuts_only_the_list(indexed):
    assert names(search(indexed, "nights/n1", "DATE-OBS>=2026-11-23T04:00 DATE-OBS<2026-11-24")) == [
        "c4d_002.fits", "c4d_004.fits", "c4d_005.fits"
    ]  # fmt: skip
    limited = search(indexed, "nights", "c4d", limit=2).json()
    assert limited["total"] == 5 and len(limited["results"]) == 2


def test_a_search_stays_inside_its_folder(indexed):
    assert names(search(indexed, "nights/n1/secret", "")) == ["c4d_005.fits"]


def test_a_file_under_a_none_grant_never_appears_even_in_the_count(indexed, make_user):
    alice = make_user("alice")
    grant("nights", alice, [Right.READ])
    grant("nights/n1/secret", alice, [])
    body = search(alice, "nights", 'OBJECT="NGC 1300"').json()
    assert body["total"] == 1 and [r["path"] for r in body["results"]] == ["nights/n1/c4d_001.fits"]


def test_files_listed_but_not_readable_are_left_out(indexed, make_user):
    bob = make_user("bob")
    grant("nights", bob, [Right.LIST])
    body = search(bob, "nights", "").json()
    assert body == {"path": "nights", "query": "", "total": 0, "results": []}


def test_a_folder_the_user_may_not_list_is_refused(indexed, make_user):
    response = search(make_user("carol"), "nights", "")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_a_bad_query_answers_its_sentence(indexed):
    response = search(indexed, "nights", "FILTER=r EXPTIME>long")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_query" and error["message"].startswith("At character 10 of the search:")


def test_a_file_is_not_a_folder_to_search(indexed):
    response = search(indexed, "nights/n1/c4d_001.fits", "")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_path"


def test_the_cap_counts_only_the_files_the_user_may_read(indexed, make_user, monkeypatch):
    from apps.headers import services

    monkeypatch.setattr(services, "MAX_SCANNED", 2)
    alice = make_user("alice")
    grant("nights/n1/secret", alice, [Right.READ])  # one file among the night's six
    assert names(search(alice, "nights", "")) == ["c4d_005.fits"]
    # The admin may read them all: too many for one search.
    refused = search(indexed, "nights", "")
    assert refused.status_code == 413 and refused.json()["error"]["code"] == "too_large"

"""The index follows what users change through Toyz: an upload is indexed, a deleted file dropped at once."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import numpy as np
import pytest
from astropy.io import fits

from apps.headers.models import HeaderEntry

pytestmark = pytest.mark.django_db


def fits_bytes(**cards: object) -> bytes:
    out = io.BytesIO()
    fits.PrimaryHDU(np.zeros((4, 4), np.float32), fits.Header(cards)).writeto(out)
    return out.getvalue()


def test_an_upload_is_indexed_and_a_delete_drops_it(client, make_user):
    client.force_login(make_user("alice"))
    query = urlencode({"path": "home/alice", "name": "new.fits"})
    response = client.post(
        f"/api/files/upload?{query}", data=fits_bytes(OBJECT="M13"), content_type="application/octet-stream"
    )
    assert response.status_code == 201, response.content
    assert HeaderEntry.objects.get(path="home/alice/new.fits").object == "M13"
    found = client.get("/api/headers/search?" + urlencode({"path": "home/alice", "q": "OBJECT=m13"})).json()
    assert found["total"] == 1
    deleted = client.post(
        "/api/files/delete", data=json.dumps({"path": "home/alice/new.fits"}), content_type="application/json"
    )
    assert deleted.status_code == 200, deleted.content
    assert not HeaderEntry.objects.filter(path="home/alice/new.fits").exists()


def test_a_renamed_file_moves_in_the_index(client, make_user):
    client.force_login(make_user("alice"))
    query = urlencode({"path": "home/alice", "name": "a.fits"})
    client.post(f"/api/files/upload?{query}", data=fits_bytes(FILTER="g"), content_type="application/octet-stream")
    body = json.dumps({"path": "home/alice/a.fits", "name": "b.fits"})
    assert client.post("/api/files/rename", data=body, content_type="application/json").status_code == 200
    assert list(HeaderEntry.objects.values_list("path", "filter")) == [("home/alice/b.fits", "g")]

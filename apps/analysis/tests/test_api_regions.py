"""POST /api/analysis/regions/parse and /export: region files read and written with the user's rights."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/analysis/regions/{url}", json.dumps(body), content_type="application/json")


@pytest.fixture
def alice_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user("alice"))
    return client


def test_pasted_ds9_text_comes_back_as_regions_with_notes(alice_client, sample_fits):
    sample_fits()
    text = "image\ncircle(10,20,3) # color=red\nvector(1,2,3,4)\ncircle(9000,20,3)"
    response = post(alice_client, "parse", {"text": text, "image": {"path": "home/alice/image.fits"}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["points"] for r in body["regions"]] == [[[9.5, 19.5]], [[8999.5, 19.5]]]
    assert any("vector" in n for n in body["notes"])
    assert "Region 2 (circle) lies off the image; it is kept." in body["notes"]


def test_a_region_file_in_the_data_roots_is_read_with_the_read_right(alice_client, data_root):
    (data_root / "home/alice/m13.reg").write_text('fk5\ncircle(250.42,36.46,5")\n')
    response = post(alice_client, "parse", {"path": "home/alice/m13.reg"})
    assert response.status_code == 200, response.content
    region = response.json()["regions"][0]
    assert region["frame"] == "sky" and region["size"] == pytest.approx([5, 5])


def test_a_user_without_the_read_right_on_the_file_is_refused(client, make_user, data_root):
    make_user("bob")
    (data_root / "home/bob/secret.reg").write_text("image\ncircle(1,2,3)\n")
    client.force_login(make_user("alice"))
    response = post(client, "parse", {"path": "home/bob/secret.reg"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_garbage_is_refused_with_a_sentence(alice_client):
    response = post(alice_client, "parse", {"text": "this is not a region file"})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("No region could be read")


def test_regions_are_exported_in_pixels_of_the_image_and_saved_in_a_folder(alice_client, sample_fits, data_root):
    sample_fits()
    region = {"id": "a", "shape": "circle", "frame": "sky", "points": [[250.42, 36.46]], "size": [3.6, 3.6]}
    body = {
        "regions": [region], "format": "ds9", "frame": "image", "image": {"path": "home/alice/image.fits"},
        "folder": "home/alice", "name": "mine",
    }  # fmt: skip
    response = post(alice_client, "export", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["path"] == "home/alice/mine.reg"
    assert (data_root / "home/alice/mine.reg").read_text() == out["text"]
    again = post(alice_client, "parse", {"path": "home/alice/mine.reg"}).json()["regions"][0]
    # CRPIX (250, 150) is 1-based: the viewer centre is half a pixel below; 0.36"/px → radius 10 px.
    assert again["points"][0] == pytest.approx([249.5, 149.5], abs=1e-3)
    assert again["size"] == pytest.approx([10, 10], rel=1e-3)
    assert post(alice_client, "export", body).json()["error"]["code"] == "exists"


def test_saving_needs_the_write_right_on_the_folder(client, make_user, data_root):
    make_user("bob")
    client.force_login(make_user("alice"))
    region = {"id": "a", "shape": "point", "frame": "image", "points": [[1, 2]]}
    response = post(client, "export", {"regions": [region], "frame": "image", "folder": "home/bob"})
    assert response.status_code == 403
    assert list((data_root / "home/bob").iterdir()) == []

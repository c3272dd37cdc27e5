"""Signed pyramid tile URLs as Django issues them (GET /api/imaging/tile-url); nginx's side of the check
runs in tests/test_signed_tiles_nginx.py against the production setup."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from apps.files import grants
from apps.files.permissions import Right
from apps.imaging import signing
from workers.imaging import RenderParams, build_pyramid, file_identity
from workers.imaging.cache import plane_dir, tile_path

IDENTITY = "0123456789abcdef0123456789abcdef"
KEY = "fedcba9876543210"
SIGNED = re.compile(
    r"^/ts/(?P<expires>\d+)/(?P<sig>[A-Za-z0-9_-]{22})(?P<scope>/(?P<identity>[0-9a-f]{32})/(?P<plane>hdu-?\d+-p\d+)"
    r"/(?P<key>[0-9a-f]{16}))/\{level\}/\{tx\}_\{ty\}\.(?P<fmt>png|jpg|webp)\?(?P<query>.+)$"
)


def nginx_md5(text: str) -> str:
    """What nginx's secure_link_md5 compares the URL's signature with: base64url of the MD5, no padding."""
    return base64.urlsafe_b64encode(hashlib.md5(text.encode()).digest()).decode().rstrip("=")


# --- the signature ------------------------------------------------------------------------------


def test_the_signature_is_what_nginx_computes_from_expiry_scope_cookie_and_secret():
    scope = signing.tile_scope(IDENTITY, 1, 0, KEY)
    assert scope == f"/{IDENTITY}/hdu1-p0/{KEY}"
    assert signing.signature(1700000000, scope, "sess", "s3cret") == nginx_md5(f"1700000000|{scope}|sess|s3cret")


@pytest.mark.parametrize(
    "change",
    [
        {"expires": 1700000060},
        {"scope": signing.tile_scope(IDENTITY, 2, 0, KEY)},
        {"scope": signing.tile_scope(IDENTITY, 1, 1, KEY)},
        {"scope": signing.tile_scope(IDENTITY, 1, 0, "0" * 16)},
        {"scope": signing.tile_scope("f" * 32, 1, 0, KEY)},
        {"session": "someone-else"},
        {"secret": "another-secret"},
    ],
)
def test_each_part_changes_the_signature(change: dict[str, Any]):
    base: dict[str, Any] = {
        "expires": 1700000000,
        "scope": signing.tile_scope(IDENTITY, 1, 0, KEY),
        "session": "sess",
        "secret": "s3cret",
    }
    assert signing.signature(**{**base, **change}) != signing.signature(**base)


@pytest.mark.parametrize(("identity", "key"), [("../" + "0" * 29, KEY), (IDENTITY, "../../etc/passwd"), ("", KEY)])
def test_a_scope_names_nothing_but_a_cache_folder(identity: str, key: str):
    with pytest.raises(ValueError, match="identity"):
        signing.tile_scope(identity, 0, 0, key)


def test_urls_expire_after_their_lifetime_rounded_up_to_a_fifth_of_it():
    assert signing.expiry(1000, 300) == 1320
    assert signing.expiry(1019.9, 300) == 1320
    assert signing.expiry(1020, 300) == 1320
    assert signing.expiry(1021, 300) == 1380
    for now in range(1000, 1400, 7):
        assert 300 <= signing.expiry(now, 300) - now < 360


# --- the endpoint -------------------------------------------------------------------------------


@pytest.fixture
def signed(settings: Any) -> Any:
    settings.TOYZ_SIGNED_TILES = True
    settings.TOYZ_SIGNED_TILE_SECONDS = 300
    settings.TOYZ_TILE_SIGNING_KEY = "k" * 40
    return settings


@pytest.fixture
def alice_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user("alice"))
    return client


def ask(client: Any, **query: object) -> Any:
    return client.get("/api/imaging/tile-url", {"path": "home/alice/m13.fits", **query})


def test_a_signed_template_names_the_pre_rendered_tiles_and_is_signed_for_this_session(
    signed: Any, alice_client: Any, sample_fits: Any, cache_dir: Path
):
    path = sample_fits("home/alice/m13.fits", shape=(300, 500))
    build_pyramid(path, hdu=0, cache_dir=cache_dir)
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    assert description["signed_tiles"] is True
    # The viewer's default rendering: linear, gray, the zscale cuts (what the pre-render stored).
    lo, hi = description["cuts"]["zscale"]
    response = ask(alice_client, lo=lo, hi=hi)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    answer = response.json()
    assert answer["signed"] is True and answer["identity"] == description["identity"] == file_identity(path)
    found = SIGNED.match(answer["template"])
    assert found is not None, answer["template"]
    assert int(found["expires"]) == answer["expires"] and 300 <= answer["lifetime"] < 360
    session = alice_client.cookies["sessionid"].value
    assert found["sig"] == nginx_md5(f"{found['expires']}|{found['scope']}|{session}|{'k' * 40}")
    # The path after the signature is where the pre-rendered tile lies in the cache.
    tile = answer["template"].split("?")[0].format(level=1, tx=0, ty=0)
    relative = tile.split("/", 4)[4]
    params = RenderParams(lo=lo, hi=hi)
    assert found["key"] == params.key()
    stored = tile_path(plane_dir(cache_dir, found["identity"], 0, 0), params.key(), 1, 0, 0, "png")
    assert stored.is_file()
    assert stored == cache_dir / relative.replace(f"hdu0-p0/{params.key()}", f"hdu0-p0/render/{params.key()}")
    # The query is the /tiles/ view's, which answers a tile nginx does not have.
    query = parse_qs(found["query"])
    assert query["path"] == ["home/alice/m13.fits"] and query["v"] == [description["identity"]]
    plain = alice_client.get(f"/tiles/1/0/0.png?{found['query']}")
    assert plain.status_code == 200 and plain.content == stored.read_bytes()


RAW_SIGNED = re.compile(
    r"^/ts/(?P<expires>\d+)/(?P<sig>[A-Za-z0-9_-]{22})(?P<scope>/(?P<identity>[0-9a-f]{32})/(?P<plane>hdu-?\d+-p\d+)"
    r"/raw)/\{level\}/\{tx\}_\{ty\}\.raw\?(?P<query>.+)$"
)


def test_raw_tiles_are_signed_for_the_data_of_the_plane_whatever_the_rendering(
    signed: Any, alice_client: Any, sample_fits: Any, cache_dir: Path, settings: Any
):
    path = sample_fits("home/alice/m13.fits", shape=(300, 500))
    answer = ask(alice_client, fmt="raw").json()
    found = RAW_SIGNED.match(answer["template"])
    assert found is not None, answer["template"]
    assert found["identity"] == answer["identity"] == file_identity(path) and found["plane"] == "hdu0-p0"
    session = alice_client.cookies["sessionid"].value
    assert found["sig"] == nginx_md5(f"{found['expires']}|{found['scope']}|{session}|{'k' * 40}")
    # The data's scope, never a rendering's: the rendering fields change nothing.
    assert ask(alice_client, fmt="raw", cmap="viridis", lo=1, hi=2).json()["template"] == answer["template"]
    rendered = SIGNED.match(ask(alice_client, lo=1, hi=2).json()["template"])
    assert rendered and rendered["scope"] != found["scope"] and rendered["sig"] != found["sig"]
    # Its query is the /tiles/ raw one: Django answers a tile nginx does not have, and stores it there.
    assert parse_qs(found["query"]) == {
        "path": ["home/alice/m13.fits"],
        "hdu": ["0"],
        "plane": ["0"],
        "v": [answer["identity"]],
    }
    first = alice_client.get(f"/tiles/0/1/0.raw?{found['query']}", headers={"accept-encoding": "gzip"})
    assert first.status_code == 200 and first["X-Toyz-Cache"] == "miss" and first["Content-Encoding"] == "gzip"
    # Where the signed URL's path after the signature points: <identity>/hdu0-p0/raw/0/1_0.raw (+ .gz).
    relative = answer["template"].split("?")[0].format(level=0, tx=1, ty=0).split("/", 4)[4]
    stored = cache_dir / f"{relative}.gz"
    assert stored.read_bytes() == first.content
    again = alice_client.get(f"/tiles/0/1/0.raw?{found['query']}")
    assert again["X-Toyz-Cache"] == "hit" and "Content-Encoding" not in again
    np.testing.assert_array_equal(
        np.frombuffer(again.content, "<f4"), np.frombuffer(gzip.decompress(first.content), "<f4")
    )
    assert again["ETag"] == first["ETag"] and again["Vary"].startswith("Accept-Encoding")
    # Signed tiles off: the /tiles/ template of the raw tiles.
    settings.TOYZ_SIGNED_TILES = False
    plain = ask(alice_client, fmt="raw").json()
    assert plain["signed"] is False and plain["template"] == f"/tiles/{{level}}/{{tx}}/{{ty}}.raw?{found['query']}"


def test_a_colour_picture_gets_no_raw_template(signed: Any, alice_client: Any, data_root: Path):
    from PIL import Image

    Image.fromarray(np.zeros((40, 60, 3), np.uint8)).save(data_root / "home/alice/photo.png")
    refused = ask(alice_client, path="home/alice/photo.png", fmt="raw")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "unsupported"


def test_missing_limits_become_the_zscale_cut_the_pre_render_used(signed: Any, alice_client: Any, sample_fits: Any):
    sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    lo, hi = description["cuts"]["zscale"]
    implicit, explicit = ask(alice_client).json(), ask(alice_client, lo=lo, hi=hi).json()
    assert implicit["template"] == explicit["template"]
    assert parse_qs(urlsplit(implicit["template"]).query)["lo"] == [repr(lo)]


def test_another_rendering_or_session_gets_another_signature(
    signed: Any, client: Any, make_user: Any, sample_fits: Any, data_root: Path
):
    sample_fits("home/alice/m13.fits")
    alice, bob = make_user("alice"), make_user("bob")
    grants.grant("home/alice", bob, [Right.LIST, Right.READ])
    client.force_login(alice)
    first = SIGNED.match(ask(client, lo=1, hi=2).json()["template"])
    other_cmap = SIGNED.match(ask(client, lo=1, hi=2, cmap="viridis").json()["template"])
    client.force_login(bob)
    bobs = SIGNED.match(ask(client, lo=1, hi=2).json()["template"])
    assert first and other_cmap and bobs
    assert first["key"] != other_cmap["key"] and first["sig"] != other_cmap["sig"]
    assert first["scope"] == bobs["scope"] and first["sig"] != bobs["sig"]


def test_it_checks_the_read_right_on_every_issue(signed: Any, client: Any, make_user: Any, sample_fits: Any):
    sample_fits("home/alice/m13.fits")
    alice, bob = make_user("alice"), make_user("bob")
    client.force_login(bob)
    refused = ask(client)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    grants.grant("home/alice", bob, [Right.LIST, Right.READ])
    assert ask(client).status_code == 200
    # A renewal after the grant is withdrawn gets nothing.
    grants.revoke("home/alice", bob)
    assert ask(client).status_code == 403
    client.logout()
    assert ask(client).status_code == 401
    client.force_login(alice)
    assert ask(client).status_code == 200


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"hdu": 3}, "bad_hdu"),
        ({"hdu": "x"}, "bad_params"),
        ({"plane": 2}, "bad_plane"),
        ({"plane": -1}, "bad_params"),
        ({"stretch": "wild"}, "bad_params"),
        ({"cmap": "no-such-map"}, "bad_params"),
        ({"fmt": "gif"}, "bad_params"),
        ({"lo": "nan"}, "bad_params"),
        ({"path": "home/alice/../../../etc/passwd"}, "outside_root"),
        ({"path": "home/alice/../bob/m13.fits"}, "forbidden"),
        ({"path": "home/alice/none.fits"}, "not_found"),
        ({"path": "home/alice"}, "bad_path"),
    ],
)
def test_bad_queries_get_a_sentence_and_no_url(
    signed: Any, alice_client: Any, sample_fits: Any, query: dict[str, object], code: str
):
    sample_fits("home/alice/m13.fits")
    response = ask(alice_client, **query)
    assert response.status_code >= 400
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    assert "template" not in body


def test_signed_tiles_off_gives_the_plain_tiles_url(alice_client: Any, sample_fits: Any, settings: Any):
    settings.TOYZ_SIGNED_TILES = False
    sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    assert description["signed_tiles"] is False
    answer = ask(alice_client, lo=1, hi=2).json()
    assert answer["signed"] is False and answer["expires"] is None and answer["lifetime"] is None
    assert answer["template"].startswith("/tiles/{level}/{tx}/{ty}.png?")
    tile = alice_client.get(answer["template"].format(level=0, tx=1, ty=0))
    assert tile.status_code == 200 and tile["Content-Type"] == "image/png"


def test_the_socket_describe_job_says_whether_tiles_are_signed(signed: Any, alice_client: Any, sample_fits: Any):
    from django.contrib.auth import get_user_model

    from apps.files.services import resolve
    from apps.imaging import services

    sample_fits("home/alice/m13.fits")
    alice = get_user_model().objects.get(username="alice")
    assert services.describe_image(resolve(alice, "home/alice/m13.fits", Right.READ), None, 0)["signed_tiles"]

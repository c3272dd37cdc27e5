"""Signed tile URLs with the production setup running (nginx, two web processes): nginx sends a pre-rendered
tile to the user the URL was signed for, Django answers a tile not on disk, and everything else is refused
and never served: another user's URL, a forged or altered signature, an expired one, a grant withdrawn
once its last URL expires, traversal in the path, the internal location asked directly. Raw tiles (the
floats of client-side rendering) the same way: the first request of one not on disk is Django's, which
stores it; nginx sends it from then on, gzip as stored or inflated for a client that takes no gzip."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest
from django.conf import settings
from django.test import Client

from apps.files import grants
from apps.files.permissions import Right
from conftest import write_wcs_image
from tests.production import Reply, Site
from workers.imaging import RenderParams, build_pyramid, default_cuts, file_identity
from workers.imaging.cache import plane_dir, tile_path

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

IMAGE = "home/alice/m13.fits"


def tile_url(site: Site, cookie: str, **query: object) -> Reply:
    return site.get(f"/api/imaging/tile-url?{urlencode({'path': IMAGE, **query})}", cookie=cookie)


def fill(template: str, level: int, tx: int, ty: int) -> str:
    return template.replace("{level}", str(level)).replace("{tx}", str(tx)).replace("{ty}", str(ty))


def sign(expires: int, scope: str, session: str, key: str) -> str:
    """What nginx's secure_link_md5 in deploy/nginx.d/signed-tiles.conf computes."""
    text = f"{expires}|{scope}|{session}|{key}"
    return base64.urlsafe_b64encode(hashlib.md5(text.encode()).digest()).decode().rstrip("=")


def refused(reply: Reply, *secrets: bytes) -> None:
    """Refused, with none of the files' bytes in the answer."""
    assert reply.status in (400, 403, 404), (reply.status, reply.headers)
    assert "x-toyz-signed" not in reply.headers
    for secret in secrets:
        assert secret not in reply.body


@pytest.fixture
def alice_image(make_user: Any, service_env: dict[str, str]) -> dict[str, Any]:
    """Alice's 600×600 image, pre-rendered into the shared cache with the viewer's default rendering."""
    alice = make_user("alice")
    path = write_wcs_image(Path(settings.TOYZ_DATA_ROOT) / IMAGE, (600, 600))
    cache = Path(settings.TOYZ_CACHE_DIR)
    build_pyramid(path, hdu=0, cache_dir=cache)
    lo, hi = default_cuts(path, hdu=0, plane=0, cache_dir=cache)["zscale"]
    params = RenderParams(lo=lo, hi=hi)
    identity = file_identity(path)
    folder = plane_dir(cache, identity, 0, 0)
    return {
        "alice": alice,
        "lo": lo,
        "hi": hi,
        "identity": identity,
        "key": params.key(),
        "stored": lambda level, x, y: tile_path(folder, params.key(), level, x, y, "png").read_bytes(),
        "levels": folder / "L1.npy",
    }


def test_nginx_sends_the_signed_user_their_tiles_and_refuses_everyone_else(
    start_production: Any, alice_image: dict[str, Any], make_user: Any
) -> None:
    site = start_production(workers=False)
    key = site.production.setup.env["TOYZ_TILE_SIGNING_KEY"]
    alice = site.session_cookie(alice_image["alice"])
    bob_user = make_user("bob")
    bob = site.session_cookie(bob_user)
    lo, hi = alice_image["lo"], alice_image["hi"]

    answer = tile_url(site, alice, lo=lo, hi=hi)
    assert answer.status == 200, answer.body
    issued = json.loads(answer.body)
    assert issued["signed"] is True and issued["identity"] == alice_image["identity"]
    template = issued["template"]
    assert template.startswith("/ts/") and f"/{alice_image['identity']}/hdu0-p0/{alice_image['key']}/" in template

    # Served by nginx (its own header; Django never sees it), the stored bytes, Django's headers.
    url = fill(template, 1, 1, 0)
    served = site.get(url, cookie=alice)
    stored = alice_image["stored"](1, 1, 0)
    assert served.status == 200 and served.body == stored
    assert served.headers["x-toyz-signed"] == "nginx" and served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "private, max-age=31536000, immutable"
    plain = site.get(f"/tiles/1/1/0.png?{template.split('?', 1)[1]}", cookie=alice)
    assert plain.status == 200 and plain.body == stored and "x-toyz-signed" not in plain.headers
    assert served.headers["etag"] == plain.headers["etag"]
    again = site.get(url, cookie=alice, headers={"If-None-Match": served.headers["etag"]})
    assert again.status == 304 and not again.body and again.headers["etag"] == served.headers["etag"]

    # A rendering that was not pre-rendered: nginx passes it to Django's /tiles/ view.
    viridis = json.loads(tile_url(site, alice, lo=lo, hi=hi, cmap="viridis").body)["template"]
    rendered = site.get(fill(viridis, 0, 2, 2), cookie=alice)
    assert rendered.status == 200 and rendered.headers["content-type"] == "image/png"
    assert "x-toyz-signed" not in rendered.headers and rendered.headers["x-toyz-cache"] == "miss"
    # ... where a tile outside the pyramid is Django's error, as on /tiles/.
    assert site.get(fill(viridis, 0, 9, 9), cookie=alice).status == 400

    # Bob may not read the image: no URL for him, and Alice's refused with his session or none.
    assert tile_url(site, bob, lo=lo, hi=hi).status == 403
    refused(site.get(url, cookie=bob), stored)
    refused(site.get(url), stored)
    refused(site.get(fill(viridis, 0, 2, 2), cookie=bob))

    # Forged and altered URLs.
    expires, sig, rest = url[len("/ts/") :].split("/", 2)
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    other_identity = "f" * 32 if alice_image["identity"] != "f" * 32 else "e" * 32
    for forged in (
        f"/ts/{expires}/{flipped}/{rest}",
        f"/ts/{int(expires) + 60}/{sig}/{rest}",
        f"/ts/{expires}/{sig}/{rest.replace(alice_image['identity'], other_identity)}",
        f"/ts/{expires}/{sig}/{rest.replace(alice_image['key'], '0' * 16)}",
        f"/ts/{expires}/{sig}/{rest.replace('hdu0-p0', 'hdu1-p0')}",
        f"/ts/{expires}/{sig[:-1]}/{rest}",
    ):
        refused(site.get(forged, cookie=alice), stored)

    # Signed with the real key for Alice's session, but expired a second ago.
    session = alice.split("=", 1)[1]
    scope = f"/{alice_image['identity']}/hdu0-p0/{alice_image['key']}"
    past = int(time.time()) - 1
    refused(site.get(f"/ts/{past}/{sign(past, scope, session, key)}{scope}/1/1_0.png", cookie=alice), stored)
    # ... and the same made for a future expiry is what nginx accepts (the check above is the expiry).
    future = int(time.time()) + 60
    assert site.get(f"/ts/{future}/{sign(future, scope, session, key)}{scope}/1/1_0.png", cookie=alice).status == 200

    # Traversal and other shapes: nothing of the cache or the disk but a rendered tile.
    levels = alice_image["levels"].read_bytes()[:200]
    prefix = f"/ts/{expires}/{sig}/{alice_image['identity']}/hdu0-p0/{alice_image['key']}"
    for path in (
        f"/ts/{expires}/{sig}/../../../../etc/passwd",
        f"{prefix}/../../L1.npy",
        f"{prefix}/..%2f..%2fL1.npy",
        f"{prefix}/%2e%2e/%2e%2e/L1.npy",
        f"{prefix}/1/1_0.png/../../../../cuts.json",
        f"{prefix}/1/..%2f..%2f..%2fL1.npy",
        f"/ts/{expires}/{sig}/{alice_image['identity']}/hdu0-p0/render/{alice_image['key']}/1/1_0.png",
        "/ts/",
        "/ts/../etc/passwd",
    ):
        refused(site.get(path, cookie=alice), stored, levels, b"root:")

    # The internal location, asked directly: not found.
    internal = f"/_toyz_cache/{alice_image['identity']}/hdu0-p0/render/{alice_image['key']}/1/1_0.png"
    refused(site.get(internal, cookie=alice), stored)
    refused(site.get(f"/_toyz_cache/{alice_image['identity']}/hdu0-p0/L1.npy", cookie=alice), levels)


def test_a_withdrawn_grant_stops_working_once_its_last_url_expires(
    start_production: Any, alice_image: dict[str, Any], make_user: Any
) -> None:
    site = start_production(workers=False, TOYZ_SIGNED_TILE_SECONDS="5")
    bob_user = make_user("bob")
    bob = site.session_cookie(bob_user)
    grants.grant("home/alice", bob_user, [Right.LIST, Right.READ])
    answer = tile_url(site, bob, lo=alice_image["lo"], hi=alice_image["hi"])
    assert answer.status == 200, answer.body
    issued = json.loads(answer.body)
    url = fill(issued["template"], 1, 0, 0)
    stored = alice_image["stored"](1, 0, 0)
    assert site.get(url, cookie=bob).body == stored

    grants.revoke("home/alice", bob_user)
    # No renewal: the read right is checked on every issue.
    assert tile_url(site, bob, lo=alice_image["lo"], hi=alice_image["hi"]).status == 403
    # The URL already issued is refused once it has expired (at most TOYZ_SIGNED_TILE_SECONDS + a fifth).
    time.sleep(max(issued["expires"] - time.time(), 0) + 1.5)
    refused(site.get(url, cookie=bob), stored)
    # A tile that was never pre-rendered goes to Django, which checks the right itself.
    refused(site.get(fill(issued["template"], 0, 2, 2), cookie=bob))


# --- raw tiles (client-side rendering's float values) ----------------------------------------------

GZIP = {"Accept-Encoding": "gzip"}


def floats(body: bytes) -> np.ndarray:
    return np.frombuffer(body, "<f4").reshape(256, 256)


def embedded_raw(user: Any, path: str) -> bytes:
    """Today's answer: Django in this process (no X-Accel, no signed tiles) reads the tile from the levels."""
    client = Client()
    client.force_login(user)
    reply = client.get(path)
    assert reply.status_code == 200 and reply["X-Toyz-Cache"] == "miss", reply
    return bytes(reply.content)


def test_nginx_sends_raw_tiles_once_django_stored_them_and_refuses_everyone_else(
    start_production: Any, alice_image: dict[str, Any], make_user: Any
) -> None:
    site = start_production(workers=False)
    key = site.production.setup.env["TOYZ_TILE_SIGNING_KEY"]
    alice = site.session_cookie(alice_image["alice"])
    bob = site.session_cookie(make_user("bob"))
    identity = alice_image["identity"]

    answer = tile_url(site, alice, fmt="raw")
    assert answer.status == 200, answer.body
    template = json.loads(answer.body)["template"]
    assert template.startswith("/ts/") and f"/{identity}/hdu0-p0/raw/{{level}}/{{tx}}_{{ty}}.raw?" in template
    query = template.split("?", 1)[1]
    today = embedded_raw(alice_image["alice"], f"/tiles/0/1/1.raw?{query}")
    stored = Path(settings.TOYZ_CACHE_DIR) / identity / "hdu0-p0/raw/0/1_1.raw.gz"
    assert not stored.exists()

    # Not on disk: nginx passes it to Django, which sends it and stores it.
    url = fill(template, 0, 1, 1)
    first = site.get(url, cookie=alice, headers=GZIP)
    assert first.status == 200 and "x-toyz-signed" not in first.headers and first.headers["x-toyz-cache"] == "miss"
    assert first.headers["content-encoding"] == "gzip" and stored.read_bytes() == first.body
    np.testing.assert_array_equal(floats(gzip.decompress(first.body)), floats(today))
    # From then on nginx sends the stored file as it is, with Django's headers.
    served = site.get(url, cookie=alice, headers=GZIP)
    assert served.status == 200 and served.headers["x-toyz-signed"] == "nginx" and served.body == first.body
    assert served.headers["content-encoding"] == "gzip" and served.headers["content-type"] == "application/octet-stream"
    for header in ("etag", "cache-control"):
        assert served.headers[header] == first.headers[header], header
    assert served.headers["vary"] == "Accept-Encoding" and first.headers["vary"].startswith("Accept-Encoding")
    # A client that takes no gzip gets the floats, inflated by nginx (gunzip).
    inflated = site.get(url, cookie=alice)
    assert inflated.status == 200 and inflated.headers["x-toyz-signed"] == "nginx"
    assert "content-encoding" not in inflated.headers and inflated.body == today
    again = site.get(url, cookie=alice, headers={"If-None-Match": served.headers["etag"], **GZIP})
    assert again.status == 304 and not again.body and again.headers["etag"] == served.headers["etag"]

    # Bob may not read the image: no URL for him, and Alice's refused with his session or none.
    assert tile_url(site, bob, fmt="raw").status == 403
    secret = stored.read_bytes()
    refused(site.get(url, cookie=bob, headers=GZIP), secret, today)
    refused(site.get(url, headers=GZIP), secret, today)
    refused(site.get(fill(template, 0, 2, 2), cookie=bob, headers=GZIP))
    assert not (stored.parent / "2_2.raw.gz").exists()

    # Forged and altered URLs; a rendering's signature is no raw tile's, nor the other way round.
    expires, sig, rest = url[len("/ts/") :].split("/", 2)
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    rendered = json.loads(tile_url(site, alice, lo=alice_image["lo"], hi=alice_image["hi"]).body)["template"]
    r_expires, r_sig, r_rest = fill(rendered, 0, 1, 1)[len("/ts/") :].split("/", 2)
    for forged in (
        f"/ts/{expires}/{flipped}/{rest}",
        f"/ts/{int(expires) + 60}/{sig}/{rest}",
        f"/ts/{expires}/{sig}/{rest.replace(identity, 'f' * 32 if identity != 'f' * 32 else 'e' * 32)}",
        f"/ts/{expires}/{sig}/{rest.replace('hdu0-p0', 'hdu0-p1')}",
        f"/ts/{r_expires}/{r_sig}/{rest}",
        f"/ts/{expires}/{sig}/{r_rest}",
        f"/ts/{expires}/{sig}/{rest.replace('/raw/', '/' + alice_image['key'] + '/')}",
    ):
        refused(site.get(forged, cookie=alice, headers=GZIP), secret, today)

    # Signed with the real key for Alice's session, but expired a second ago; the same for the future works.
    session = alice.split("=", 1)[1]
    scope = f"/{identity}/hdu0-p0/raw"
    past, future = int(time.time()) - 1, int(time.time()) + 60
    refused(site.get(f"/ts/{past}/{sign(past, scope, session, key)}{scope}/0/1_1.raw", cookie=alice), secret)
    assert site.get(f"/ts/{future}/{sign(future, scope, session, key)}{scope}/0/1_1.raw", cookie=alice).status == 200

    # Traversal and other shapes: nothing of the cache but a raw tile, never its .gz by name, no dotfile.
    (stored.parent / ".1_1.raw.gz").write_bytes(b"a dotfile")
    levels = alice_image["levels"].read_bytes()[:200]
    prefix = f"/ts/{expires}/{sig}/{identity}/hdu0-p0/raw"
    for path in (
        f"{prefix}/0/1_1.raw.gz",
        f"{prefix}/0/.1_1.raw",
        f"{prefix}/../L1.npy",
        f"{prefix}/..%2fL1.npy",
        f"{prefix}/%2e%2e/L1.npy",
        f"{prefix}/0/1_1.raw/../../../L1.npy",
        f"{prefix}/0/..%2f..%2f..%2fL1.npy",
        f"/ts/{expires}/{sig}/{identity}/hdu0-p0/raw/0/1_1.npy",
        f"/ts/{expires}/{sig}/{identity}/hdu0-p0/raw/0/1_1.json",
        f"{prefix}/../cuts.json",
        f"{prefix}/../../prerendered-hdu0.json",
        f"/ts/{expires}/{sig}/{identity}/hdu0-p0/0/1_1.raw",
    ):
        refused(site.get(path, cookie=alice, headers=GZIP), secret, levels, b"a dotfile")

    # The internal location, asked directly: not found.
    for internal in (
        f"/_toyz_cache/{identity}/hdu0-p0/raw/0/1_1.raw",
        f"/_toyz_cache/{identity}/hdu0-p0/raw/0/1_1.raw.gz",
    ):
        refused(site.get(internal, cookie=alice, headers=GZIP), secret, today)


def test_a_withdrawn_grant_stops_raw_tiles_once_their_last_url_expires(
    start_production: Any, alice_image: dict[str, Any], make_user: Any
) -> None:
    site = start_production(workers=False, TOYZ_SIGNED_TILE_SECONDS="5")
    bob_user = make_user("bob")
    bob = site.session_cookie(bob_user)
    grants.grant("home/alice", bob_user, [Right.LIST, Right.READ])
    issued = json.loads(tile_url(site, bob, fmt="raw").body)
    url = fill(issued["template"], 1, 0, 0)
    first = site.get(url, cookie=bob, headers=GZIP)
    assert first.status == 200 and "x-toyz-signed" not in first.headers  # Django's, which stored it
    assert site.get(url, cookie=bob, headers=GZIP).headers.get("x-toyz-signed") == "nginx"

    grants.revoke("home/alice", bob_user)
    assert tile_url(site, bob, fmt="raw").status == 403
    time.sleep(max(issued["expires"] - time.time(), 0) + 1.5)
    refused(site.get(url, cookie=bob, headers=GZIP), first.body)
    # A tile not stored yet goes to Django, which checks the right itself (and stores nothing).
    refused(site.get(fill(issued["template"], 0, 2, 2), cookie=bob, headers=GZIP))

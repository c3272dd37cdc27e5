"""Tiles behind nginx (TOYZ_ACCEL_REDIRECT): a tile already on disk is an empty answer naming its file
(X-Accel-Redirect) after the read check, with exactly the headers Django sends with the bytes; a raw tile
is stored (gzip) when first sent and redirected to from then on."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from apps.imaging.tests.test_api import tile_url
from workers.imaging import build_pyramid

ACCEL = "/_toyz_cache/"
IMAGE = "home/alice/m13.fits"


@pytest.fixture
def alice_client(client, make_user):
    client.force_login(make_user("alice"))
    return client


@pytest.fixture
def prerendered(alice_client, sample_fits, cache_dir: Path) -> dict[str, Any]:
    """Alice's image with its pyramid built, and its description; tile_url(d, cuts="zscale") is pre-rendered."""
    build_pyramid(sample_fits(IMAGE, shape=(300, 500)), hdu=None, cache_dir=cache_dir)
    description: dict[str, Any] = alice_client.get("/api/imaging/describe", {"path": IMAGE}).json()
    description["cuts"]["minmax"] = description["cuts"]["zscale"]  # test_api's tile_url takes the minmax cuts
    return description


def test_a_tile_on_disk_is_an_empty_redirect_with_the_headers_of_the_bytes(
    alice_client, prerendered, settings, cache_dir: Path
):
    url = tile_url(prerendered, x=1)
    sent = alice_client.get(url)
    assert sent["X-Toyz-Cache"] == "hit" and "X-Accel-Redirect" not in sent
    settings.TOYZ_ACCEL_REDIRECT = ACCEL
    redirected = alice_client.get(url)
    assert redirected.status_code == 200 and redirected.content == b""
    target = redirected["X-Accel-Redirect"]
    assert target.startswith(ACCEL)
    assert (cache_dir / target.removeprefix(ACCEL)).read_bytes() == sent.content
    for header in ("ETag", "Cache-Control", "Content-Type", "X-Toyz-Cache"):
        assert redirected[header] == sent[header], header
    # Cuts left to the server find the same file once the image is open.
    implicit = alice_client.get(tile_url(prerendered, x=1, lo="", hi="").replace("lo=&hi=&", ""))
    assert implicit["X-Accel-Redirect"] == target and implicit["ETag"] == sent["ETag"]


def test_what_is_not_on_disk_or_not_allowed_never_redirects(alice_client, prerendered, settings, client, make_user):
    settings.TOYZ_ACCEL_REDIRECT = ACCEL
    fresh = alice_client.get(tile_url(prerendered, cmap="viridis"))
    assert fresh.status_code == 200 and fresh.content and fresh["X-Toyz-Cache"] == "miss"
    assert "X-Accel-Redirect" not in fresh
    raw = alice_client.get(f"/tiles/0/0/0.raw?path={IMAGE}&v={prerendered['identity']}")
    assert raw.status_code == 200 and len(raw.content) == 256 * 256 * 4 and "X-Accel-Redirect" not in raw
    assert raw["X-Toyz-Cache"] == "miss"
    url = tile_url(prerendered)
    etag = alice_client.get(url)["ETag"]
    revalidated = alice_client.get(url, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and "X-Accel-Redirect" not in revalidated
    assert revalidated["X-Toyz-Cache"] == "hit"
    client.force_login(make_user("bob"))
    refused = client.get(url)
    assert refused.status_code == 403 and "X-Accel-Redirect" not in refused


def test_a_raw_tile_is_stored_when_first_sent_and_then_redirected_to_as_its_url_names_it(
    alice_client, prerendered, settings, cache_dir: Path
):
    settings.TOYZ_ACCEL_REDIRECT = ACCEL
    url = f"/tiles/0/1/0.raw?path={IMAGE}&hdu=0&plane=0&v={prerendered['identity']}"
    first = alice_client.get(url, headers={"accept-encoding": "gzip"})
    assert first.status_code == 200 and first["X-Toyz-Cache"] == "miss" and "X-Accel-Redirect" not in first
    assert first["Content-Encoding"] == "gzip" and first["Vary"].startswith("Accept-Encoding")
    redirected = alice_client.get(url, headers={"accept-encoding": "gzip"})
    assert redirected.status_code == 200 and redirected.content == b"" and redirected["X-Toyz-Cache"] == "hit"
    target = redirected["X-Accel-Redirect"]
    relative = f"{prerendered['identity']}/hdu0-p0/raw/0/1_0.raw"
    # The URL's name: nginx's gzip_static finds the .gz beside it, and no Content-Encoding comes from here.
    assert target == ACCEL + relative and "Content-Encoding" not in redirected
    assert (cache_dir / f"{relative}.gz").read_bytes() == first.content
    for header in ("ETag", "Cache-Control", "Content-Type", "Vary"):
        assert redirected[header] == first[header], header
    # Without X-Accel-Redirect (or signed tiles) the embedded mode sends what is stored, and stores nothing.
    settings.TOYZ_ACCEL_REDIRECT = None
    plain = alice_client.get(url)
    assert plain["X-Toyz-Cache"] == "hit" and plain.content == gzip.decompress(first.content)
    alice_client.get(url.replace("/0/1/0.raw", "/0/0/0.raw"))
    assert not (cache_dir / prerendered["identity"] / "hdu0-p0/raw/0/0_0.raw.gz").exists()

"""Tiles behind nginx (TOYZ_ACCEL_REDIRECT): a tile already on disk is an empty answer naming its file
(X-Accel-Redirect) after the read check, with exactly the headers Django sends with the bytes."""

from __future__ import annotations

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

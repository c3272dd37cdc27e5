from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image


@pytest.fixture
def alice_client(client, make_user):
    client.force_login(make_user("alice"))
    return client


def tile_url(description: dict[str, Any], level: int = 0, x: int = 0, y: int = 0, **overrides: object) -> str:
    lo, hi = description["cuts"]["minmax"]
    params = {
        "path": description["path"],
        "hdu": description["hdu"],
        "plane": 0,
        "stretch": "linear",
        "lo": lo,
        "hi": hi,
        "cmap": "gray",
        "inv": 0,
        "v": description["identity"],
    }
    params.update(overrides)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/tiles/{level}/{x}/{y}.png?{query}"


def test_describe_then_a_tile_shows_the_image(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits", shape=(300, 500))
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    assert description["format"] == "fits" and description["hdus"][0]["levels"] == 2
    response = alice_client.get(tile_url(description))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    pixels = np.asarray(Image.open(io.BytesIO(response.content)).convert("RGBA"))
    assert pixels.shape == (256, 256, 4)
    # The gradient rises to the top right: the first PNG row is the highest image row.
    assert pixels[0, 255, 0] > pixels[255, 0, 0]
    assert pixels[:, :, 3].min() == 255


def test_tiles_carry_an_etag_and_revalidate(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    url = tile_url(description)
    first = alice_client.get(url)
    assert "immutable" in first["Cache-Control"]
    assert alice_client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    other = alice_client.get(tile_url(description, cmap="viridis"))
    assert other["ETag"] != first["ETag"]


def test_a_changed_file_gets_a_new_identity_and_new_pixels(alice_client, sample_fits, data_root: Path):
    path = sample_fits("home/alice/m13.fits")
    before = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    old_tile = alice_client.get(tile_url(before))
    from astropy.io import fits

    fits.PrimaryHDU(np.zeros((300, 500), np.float32)).writeto(path, overwrite=True)
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse filesystems
    after = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    assert after["identity"] != before["identity"]
    stale = alice_client.get(tile_url(before))
    assert stale["Cache-Control"] == "private, no-cache"
    assert stale["ETag"] != old_tile["ETag"]
    flat = np.asarray(Image.open(io.BytesIO(stale.content)).convert("L"))
    assert flat.std() == 0


def test_pixel_endpoint_reads_value_and_sky_position(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    pixel = alice_client.get(
        "/api/imaging/pixel", {"path": "home/alice/m13.fits", "hdu": 0, "x": 10.5, "y": 20.5}
    ).json()
    assert pixel["col"] == 10 and pixel["row"] == 20 and pixel["value"] == pytest.approx(30, abs=5)
    assert pixel["ra"] is not None and pixel["world"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/imaging/describe?path=../../etc/passwd", 403, "outside_root"),
        ("/api/imaging/describe?path=home/alice/missing.fits", 404, "not_found"),
        ("/api/imaging/describe?path=home/alice", 400, "bad_path"),
        ("/api/imaging/describe?path=home/alice/fake.fits", 422, "unreadable"),
        ("/api/imaging/describe?path=home/alice/m13.fits&hdu=9", 400, "bad_hdu"),
        ("/api/imaging/describe?path=home/alice/m13.fits&hdu=x", 400, "bad_params"),
        ("/api/imaging/pixel?path=home/alice/m13.fits&x=nan&y=1", 400, "bad_params"),
        ("/tiles/0/0/0.png?path=home/alice/m13.fits&stretch=wobbly", 400, "bad_params"),
        ("/tiles/0/0/0.png?path=home/alice/m13.fits&cmap=not_a_map", 400, "bad_params"),
        ("/tiles/0/0/0.png?path=home/alice/m13.fits&lo=abc&hi=1", 400, "bad_params"),
        ("/tiles/0/99/0.png?path=home/alice/m13.fits", 400, "bad_params"),
        ("/tiles/40/0/0.png?path=home/alice/m13.fits", 400, "bad_params"),
        ("/tiles/0/0/0.png?path=home/bob/b.fits", 403, "forbidden"),
    ],
)
def test_bad_requests_get_a_json_error_never_a_500(
    alice_client, sample_fits, make_user, data_root: Path, url, status, code
):
    make_user("bob")
    sample_fits("home/alice/m13.fits")
    sample_fits("home/bob/b.fits")
    (data_root / "home/alice/fake.fits").write_text("plain text pretending to be FITS\n")
    response = alice_client.get(url)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code


def test_anonymous_tile_requests_are_refused(client, db):
    response = client.get("/tiles/0/0/0.png?path=x.fits")
    assert response.status_code == 401


def test_png_and_jpeg_files_open_like_fits(alice_client, data_root: Path):
    picture = np.zeros((40, 60, 3), np.uint8)
    picture[:20, :, 0] = 255  # the top half of the picture is red
    Image.fromarray(picture).save(data_root / "home/alice/photo.png")
    Image.fromarray(picture).save(data_root / "home/alice/photo.jpg", quality=95)
    for name in ("photo.png", "photo.jpg"):
        description = alice_client.get("/api/imaging/describe", {"path": f"home/alice/{name}"}).json()
        assert description["format"] == "raster" and description["hdus"][0]["bands"] == 3
        tile = np.asarray(Image.open(io.BytesIO(alice_client.get(tile_url(description)).content)).convert("RGBA"))
        # 40 rows padded to 256: the picture sits at the bottom of the tile, red half on top.
        assert tile[256 - 40 + 5, 10, 0] > 200 and tile[255, 10, 0] < 50
        assert tile[0, 0, 3] == 0


def test_raw_tiles_carry_the_exact_values(alice_client, sample_fits):
    import gzip

    from astropy.io import fits

    path = sample_fits("home/alice/m13.fits", shape=(300, 500))
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    url = f"/tiles/0/1/0.raw?path=home/alice/m13.fits&hdu=0&v={description['identity']}"
    response = alice_client.get(url, headers={"accept-encoding": "gzip, deflate"})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    values = np.frombuffer(gzip.decompress(response.content), "<f4").reshape(256, 256)
    plain = alice_client.get(url)
    assert "Content-Encoding" not in plain and plain.content == gzip.decompress(response.content)
    expected = fits.getdata(path)[0:256, 256:500]
    # First row = highest y; columns 244+ of tile 1 are padding.
    np.testing.assert_array_equal(values[::-1][:, :244], expected)
    assert np.isnan(values[:, 244:]).all()


def test_colormaps_are_served_for_colorbars(alice_client):
    viridis = alice_client.get("/api/imaging/colormap", {"name": "viridis"}).json()
    assert len(viridis["colors"]) == 255 and viridis["colors"][0] != viridis["colors"][-1]
    inverted = alice_client.get("/api/imaging/colormap", {"name": "viridis", "inv": "1"}).json()
    assert inverted["colors"][0] == viridis["colors"][-1]
    assert alice_client.get("/api/imaging/colormap", {"name": "nope"}).status_code == 400
    assert "viridis" in alice_client.get("/api/imaging/colormaps").json()["names"]


def test_a_multi_extension_file_opens_as_a_focal_plane_mosaic(alice_client, data_root: Path):
    from workers.imaging.synthetic import write_decam_like

    write_decam_like(data_root / "home/alice/exp.fits.fz", n_ccds=4, ccd_shape=(256, 128), compress=True)
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/exp.fits.fz", "hdu": -1}).json()
    mosaic = description["hdus"][0]
    assert mosaic["index"] == -1 and mosaic["kind"] == "mosaic" and mosaic["ccds"] == 4
    response = alice_client.get(tile_url(description))
    assert response.status_code == 200
    # Across the focal plane the readout names the CCD under the cursor and the pixel in it.
    hits = []
    for eighth in (1, 3, 5, 7):
        x, y = mosaic["width"] * eighth / 8, mosaic["height"] / 2
        pixel = alice_client.get(
            "/api/imaging/pixel", {"path": "home/alice/exp.fits.fz", "hdu": -1, "x": x, "y": y}
        ).json()
        if pixel["ccd"] is not None:
            hits.append(pixel)
    assert len({p["ccd"]["hdu"] for p in hits}) >= 2, hits
    assert all(1 <= p["ccd"]["hdu"] <= 4 and p["value"] is not None and p["ra"] is not None for p in hits)


def test_a_cache_that_cannot_be_written_is_a_json_error(alice_client, sample_fits, settings, tmp_path: Path):
    sample_fits("home/alice/m13.fits")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.TOYZ_CACHE_DIR = blocker / "cache"  # every write below it fails with an OSError
    response = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal"


def test_a_new_mosaic_is_previewed_until_it_is_built(alice_client, data_root: Path, monkeypatch):
    from workers.imaging import pyramid
    from workers.imaging.synthetic import write_decam_like

    # The test CCDs are small: preview from level 1 (DECam's first screen is level 5).
    monkeypatch.setattr(pyramid, "PREVIEW_MIN_LEVEL", 1)
    write_decam_like(data_root / "home/alice/new.fits.fz", n_ccds=4, ccd_shape=(512, 256), compress=True)
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/new.fits.fz", "hdu": -1}).json()
    assert description["preview"] is True
    quick = alice_client.get(tile_url(description, level=1, preview=1))
    assert quick.status_code == 200 and quick["X-Toyz-Preview"] == "1" and quick["Cache-Control"] == "no-store"
    raw = alice_client.get("/tiles/1/0/0.raw?path=home/alice/new.fits.fz&hdu=-1&preview=1")
    assert raw["X-Toyz-Preview"] == "1"
    # Without preview=1 the tile is built and cached as usual; then no tile is a preview any more.
    full = alice_client.get(tile_url(description, level=1))
    assert "X-Toyz-Preview" not in full and "immutable" in full["Cache-Control"]
    again = alice_client.get(tile_url(description, level=1, preview=1))
    assert "X-Toyz-Preview" not in again and again.content == full.content
    # Level 0 never is (it is read in place).
    assert "X-Toyz-Preview" not in alice_client.get(tile_url(description, level=0, preview=1))


def test_eviction_walks_the_cache_at_most_once_a_minute(settings, tmp_path: Path, monkeypatch):
    from apps.imaging import services
    from workers.imaging.cache import EVICTION_INTERVAL_SECONDS, EVICTION_STAMP, eviction

    settings.TOYZ_CACHE_DIR = tmp_path / "cache"
    settings.TOYZ_CACHE_MAX_BYTES = 12345
    walks: list[tuple[Path, int]] = []
    monkeypatch.setattr(eviction, "evict_cache", lambda root, limit: walks.append((root, limit)))
    services.keep_cache_in_bounds()
    services.keep_cache_in_bounds()  # a night's next task, seconds later
    assert walks == [(tmp_path / "cache", 12345)]
    old = EVICTION_INTERVAL_SECONDS + 1
    stamp = tmp_path / "cache" / EVICTION_STAMP
    os.utime(stamp, (stamp.stat().st_atime - old, stamp.stat().st_mtime - old))
    services.keep_cache_in_bounds()
    assert len(walks) == 2


def test_a_tile_url_without_limits_renders_with_the_zscale_cuts(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    lo, hi = description["cuts"]["zscale"]
    explicit = alice_client.get(tile_url(description, lo=repr(lo), hi=repr(hi)))
    implicit = alice_client.get(f"/tiles/0/0/0.png?path=home/alice/m13.fits&v={description['identity']}")
    assert implicit.status_code == 200 and implicit["ETag"] == explicit["ETag"]
    # An empty value is a value left out, as it has always been.
    assert alice_client.get(tile_url(description, lo="", hi="", hdu=""))["ETag"] == explicit["ETag"]


def test_tile_queries_take_the_usual_spellings_of_true_and_false(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    inverted = alice_client.get(tile_url(description, inv=1))["ETag"]
    assert alice_client.get(tile_url(description, inv="true"))["ETag"] == inverted
    assert alice_client.get(tile_url(description, inv="0"))["ETag"] != inverted


def test_an_unknown_tile_format_is_no_address_at_all(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    assert alice_client.get("/tiles/0/0/0.gif?path=home/alice/m13.fits").status_code == 404


def test_a_revalidated_raw_tile_keeps_its_headers(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    url = f"/tiles/0/0/0.raw?path=home/alice/m13.fits&v={description['identity']}"
    first = alice_client.get(url, headers={"accept-encoding": "gzip"})
    assert first["Vary"].startswith("Accept-Encoding") and "immutable" in first["Cache-Control"]
    again = alice_client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content


def test_the_query_models_offer_exactly_the_cores_stretches_and_formats():
    from typing import get_args

    from apps.imaging.schemas import Stretch, TileFormat
    from workers.imaging.render import FORMATS, STRETCHES

    assert get_args(Stretch) == STRETCHES
    assert get_args(TileFormat) == (*FORMATS, "raw")


@pytest.mark.parametrize("limits", [True, False])
def test_a_revalidation_that_still_holds_reads_and_renders_nothing(alice_client, sample_fits, monkeypatch, limits):
    from workers.imaging import tiles

    sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    url = tile_url(description, v="old") if limits else "/tiles/0/0/0.png?path=home/alice/m13.fits&v=old"
    first = alice_client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-cache"
    calls: list[str] = []

    def counted(name: str) -> Any:
        real = getattr(tiles, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)

        return call

    for name in ("tile_data", "render"):
        monkeypatch.setattr(tiles, name, counted(name))
    again = alice_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and calls == []
    # A stale ETag still gets the tile.
    assert alice_client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200 and calls


def test_a_tile_request_stats_its_file_once(alice_client, sample_fits, monkeypatch):
    import os

    path = sample_fits("home/alice/m13.fits")
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/m13.fits"}).json()
    assert alice_client.get(tile_url(description)).status_code == 200
    real, real_stat, seen = os.path.realpath(path), os.stat, []

    def counting_stat(target: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if os.fspath(target) == real:
            seen.append(target)
        return real_stat(target, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting_stat)
    assert alice_client.get(tile_url(description, x=0, y=0, stretch="sqrt")).status_code == 200
    assert len(seen) == 1


def test_world_to_pixel_finds_the_point_whose_readout_gives_that_sky_position(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    readout = alice_client.get(
        "/api/imaging/pixel", {"path": "home/alice/m13.fits", "hdu": 0, "x": 12.25, "y": 30.75}
    ).json()
    where = alice_client.get(
        "/api/imaging/world-to-pixel", {"path": "home/alice/m13.fits", "ra": readout["ra"], "dec": readout["dec"]}
    ).json()
    assert where["inside"] is True
    assert where["x"] == pytest.approx(12.25, abs=1e-4) and where["y"] == pytest.approx(30.75, abs=1e-4)


def test_world_to_pixel_says_when_a_position_is_off_the_image(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    corner = alice_client.get("/api/imaging/pixel", {"path": "home/alice/m13.fits", "x": 0.5, "y": 0.5}).json()
    # Half a degree south of the corner: off any small image.
    where = alice_client.get(
        "/api/imaging/world-to-pixel", {"path": "home/alice/m13.fits", "ra": corner["ra"], "dec": corner["dec"] - 0.5}
    ).json()
    assert where["inside"] is False
    bad = alice_client.get("/api/imaging/world-to-pixel", {"path": "home/alice/m13.fits", "ra": 10, "dec": 95})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_params"


def test_world_to_pixel_lands_on_the_right_ccd_of_the_mosaic(alice_client, data_root: Path):
    from workers.imaging.synthetic import write_decam_like

    write_decam_like(data_root / "home/alice/exp.fits.fz", n_ccds=4, ccd_shape=(256, 128), compress=True)
    description = alice_client.get("/api/imaging/describe", {"path": "home/alice/exp.fits.fz", "hdu": -1}).json()
    mosaic = description["hdus"][0]
    for eighth in (1, 3, 5, 7):
        x, y = mosaic["width"] * eighth / 8 + 0.3, mosaic["height"] / 2 + 0.6
        pixel = alice_client.get(
            "/api/imaging/pixel", {"path": "home/alice/exp.fits.fz", "hdu": -1, "x": x, "y": y}
        ).json()
        if pixel["ccd"] is None:
            continue
        where = alice_client.get(
            "/api/imaging/world-to-pixel",
            {"path": "home/alice/exp.fits.fz", "hdu": -1, "ra": pixel["ra"], "dec": pixel["dec"]},
        ).json()
        assert where["ccd"]["hdu"] == pixel["ccd"]["hdu"]
        assert where["x"] == pytest.approx(x, abs=1e-3) and where["y"] == pytest.approx(y, abs=1e-3)

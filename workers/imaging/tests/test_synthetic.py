"""The synthetic images used by tests, benchmarks and the first-run sample data."""

from __future__ import annotations

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

from workers.imaging import describe
from workers.imaging.synthetic import star_field, tan_header, write_decam_like, write_sample_data


def test_star_fields_are_windows_of_one_continuous_plane():
    whole = star_field((300, 400), n_stars=200, seed=3, noise=0.0)
    window = star_field((100, 150), n_stars=200 * 100 * 150 // (300 * 400), seed=3, noise=0.0, offset=(170, 90))
    np.testing.assert_allclose(window, whole[90:190, 170:320], rtol=1e-5)
    assert whole.dtype == np.float32 and whole.max() > 150 and np.median(whole) == 100.0


def test_star_fields_depend_on_the_seed():
    a = star_field((64, 64), n_stars=20, seed=1)
    assert np.array_equal(a, star_field((64, 64), n_stars=20, seed=1))
    assert not np.array_equal(a, star_field((64, 64), n_stars=20, seed=2))


def test_tan_headers_put_the_reference_pixel_at_the_reference_value():
    wcs = WCS(tan_header((10.5, 20.5), (250.42, 36.46), 1 / 3600))
    ra, dec = wcs.all_pix2world([[9.5, 19.5]], 0)[0]
    assert abs(ra - 250.42) < 1e-9 and abs(dec - 36.46) < 1e-9
    assert wcs.wcs.cdelt[0] < 0  # east to the left


def test_decam_like_mosaics_are_consistent_across_ccds(tmp_path):
    path = write_decam_like(tmp_path / "m.fits", n_ccds=6, ccd_shape=(200, 100), seed=1, dtype="int32")
    with fits.open(path) as hdul:
        assert hdul[0].data is None and len(hdul) == 7
        names = [h.name for h in hdul[1:]]
        assert names == ["S1", "S2", "S3", "N1", "N2", "N3"]
        assert hdul[1].data.dtype.kind == "i"
        sky = []
        for hdu in hdul[1:]:
            x1, x2, y1, y2 = (int(v) for v in hdu.header["DETSEC"].strip("[]").replace(",", ":").split(":"))
            assert (x2 - x1 + 1, y2 - y1 + 1) == (100, 200)
            # The focal-plane point (1000, 1000) seen through each CCD's WCS is the same sky point.
            sky.append(WCS(hdu.header).all_pix2world([[1000 - x1, 1000 - y1]], 0)[0])
        np.testing.assert_allclose(sky, np.broadcast_to(sky[0], (6, 2)), atol=1e-9)
        origins = {hdu.header["DETSEC"] for hdu in hdul[1:]}
        assert len(origins) == 6


def test_compressed_mosaics_use_rice_tiles_of_one_row(tmp_path):
    path = write_decam_like(tmp_path / "m.fits.fz", n_ccds=2, ccd_shape=(64, 32), compress=True)
    with fits.open(path) as hdul:
        assert isinstance(hdul[1], fits.CompImageHDU)
        assert hdul[1]._bintable.header["ZCMPTYPE"] == "RICE_1" and tuple(hdul[1].tile_shape) == (1, 32)


def test_every_file_of_the_sample_data_opens(tmp_path):
    written = write_sample_data(tmp_path / "samples")
    names = {p.name for p in written}
    assert names == {
        "starfield.fits", "decam_small.fits", "decam_small.fits.fz", "cube.fits", "ints_bzero.fits", "starfield.png"
    }  # fmt: skip
    cache = tmp_path / "cache"
    for path in written:
        d = describe(path, cache_dir=cache)
        assert d["cuts"]["zscale"][0] < d["cuts"]["zscale"][1], path.name
    star = describe(tmp_path / "samples/starfield.fits", cache_dir=cache)
    assert star["hdus"][0]["has_wcs"] and star["hdus"][0]["width"] == 2048
    with fits.open(tmp_path / "samples/ints_bzero.fits") as hdul:
        assert hdul[0].header["BZERO"] == 32768 and hdul[0].header["BITPIX"] == 16
    assert describe(tmp_path / "samples/cube.fits", cache_dir=cache)["hdus"][0]["planes"] == 3
    hdus = describe(tmp_path / "samples/decam_small.fits.fz", cache_dir=cache)["hdus"]
    assert [h["index"] for h in hdus] == [-1, 0, 1, 2, 3, 4]

"""describe(): HDU lists, problems, cuts and headers of good and bad files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from PIL import Image

from workers.errors import ToyzError
from workers.imaging import default_cuts, describe, files, pixel_at
from workers.imaging.hdus import header_has_celestial_wcs


def test_a_multi_extension_file_lists_every_hdu_and_picks_the_first_image(astropy_fits, cache_dir):
    d = describe(astropy_fits / "test0.fits", cache_dir=cache_dir)
    assert d["format"] == "fits" and d["hdu"] == 1 and d["name"] == "test0.fits"
    kinds = [(h["index"], h["kind"], h["is_image"]) for h in d["hdus"]]
    # Four WFPC2 chips, but no DETSEC and no sky WCS on the first: no mosaic of them.
    assert kinds == [(0, "empty", False)] + [(i, "image", True) for i in range(1, 5)]
    assert d["hdus"][0]["problem"] == "This HDU has no data; choose another HDU"
    sci = d["hdus"][1]
    assert (sci["name"], sci["width"], sci["height"], sci["planes"], sci["levels"]) == ("SCI", 40, 40, 1, 1)
    assert sci["dtype"] == "int16" and sci["shape"] == [40, 40] and sci["problem"] is None
    assert d["header"][0].startswith("XTENSION= 'IMAGE")
    assert set(d["cuts"]) == {"minmax", "zscale", "zmax", "p99.5", "p99", "p95"}
    json.dumps(d, allow_nan=False)  # strict JSON: no NaN anywhere


def test_a_tile_compressed_hdu_is_an_image_marked_compressed(astropy_fits, cache_dir):
    d = describe(astropy_fits / "comp.fits", cache_dir=cache_dir)
    hdu = d["hdus"][1]
    assert d["hdu"] == 1 and hdu["compressed"] and hdu["is_image"]
    assert (hdu["width"], hdu["height"], hdu["levels"]) == (440, 300, 2)
    assert any(card.startswith("NAXIS1  =                  440") for card in d["header"])
    assert not any(card.startswith(("ZNAXIS", "TTYPE")) for card in d["header"])  # the image's header


def test_a_packed_unsigned_image_keeps_its_dtype_and_values(tmp_path, cache_dir):
    data = (np.arange(30 * 40, dtype=np.uint16).reshape(30, 40) * 50).astype(np.uint16)
    path = tmp_path / "u.fits.fz"
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data, name="SCI")]).writeto(path)
    d = describe(path, cache_dir=cache_dir)
    hdu = d["hdus"][1]
    assert (hdu["name"], hdu["dtype"], hdu["shape"], hdu["compressed"]) == ("SCI", "uint16", [30, 40], True)
    assert pixel_at(path, hdu=1, plane=0, x=39.5, y=29.5, cache_dir=cache_dir)["value"] == float(data[29, 39])


def test_the_m13_sample_has_a_celestial_wcs(astropy_compressed, cache_dir):
    d = describe(astropy_compressed / "m13_rice.fits", cache_dir=cache_dir)
    assert d["hdus"][1]["has_wcs"] and not d["hdus"][0]["has_wcs"]


def test_has_wcs_comes_from_the_header_without_building_a_wcs(astropy_compressed, cache_dir, monkeypatch):
    def refuse(*args):
        raise AssertionError("a WCS was built")

    monkeypatch.setattr(files, "celestial_wcs", refuse)
    d = describe(astropy_compressed / "m13_rice.fits", cache_dir=cache_dir)
    assert d["hdus"][1]["has_wcs"] and not d["hdus"][0]["has_wcs"]


@pytest.mark.parametrize(
    ("ctype1", "ctype2", "expected"),
    [
        ("RA---TAN", "DEC--TAN", True),
        ("RA---TPV", "DEC--TPV", True),
        ("RA---TAN-SIP", "DEC--TAN-SIP", True),
        ("DEC--SIN", "RA---SIN", True),
        ("GLON-CAR", "GLAT-CAR", True),
        ("ELON-AIT", "ELAT-AIT", True),
        ("RA---TAN", "DEC--SIN", False),
        ("RA---TAN", "GLAT-TAN", False),
        ("RA", "DEC", False),
        ("LINEAR", "LINEAR", False),
        ("RA---TAN", None, False),
        (None, None, False),
    ],
)
def test_celestial_ctypes_are_recognised(ctype1, ctype2, expected):
    header = fits.Header()
    for key, value in (("CTYPE1", ctype1), ("CTYPE2", ctype2)):
        if value is not None:
            header[key] = value
    assert header_has_celestial_wcs(header) is expected


def test_cuts_are_ordered_and_cached_on_disk(write_fits, cache_dir):
    data = np.arange(100 * 120, dtype=np.float32).reshape(100, 120)
    path = write_fits("ramp.fits", data)
    d = describe(path, cache_dir=cache_dir)
    lo, hi = d["cuts"]["minmax"]
    assert (lo, hi) == (0.0, 100 * 120 - 1)
    for name in ("p95", "p99", "p99.5"):
        assert lo <= d["cuts"][name][0] < d["cuts"][name][1] <= hi
    assert d["cuts"]["p95"][0] > d["cuts"]["p99"][0] > d["cuts"]["p99.5"][0]
    assert d["cuts"]["zmax"] == [d["cuts"]["zscale"][0], hi]
    stored = list(cache_dir.glob(f"{d['identity']}/hdu0-p0/cuts.json"))
    assert len(stored) == 1
    assert default_cuts(path, hdu=0, plane=0, cache_dir=cache_dir)["minmax"] == (lo, hi)


def test_cubes_count_their_planes_and_describe_the_chosen_one(write_fits, cache_dir):
    cube = np.stack([np.full((8, 10), k, np.float32) for k in range(6)]).reshape(2, 3, 8, 10)
    path = write_fits("cube.fits", cube)
    d = describe(path, plane=4, cache_dir=cache_dir)
    hdu = d["hdus"][0]
    assert (hdu["planes"], hdu["width"], hdu["height"], hdu["shape"]) == (6, 10, 8, [2, 3, 8, 10])
    assert d["plane"] == 4 and d["cuts"]["minmax"] == [4.0, 4.0]
    with pytest.raises(ToyzError) as err:
        describe(path, plane=6, cache_dir=cache_dir)
    assert err.value.code == "bad_plane" and "6 plane(s)" in err.value.message


def test_tables_and_one_dimensional_hdus_have_problems(tmp_path, cache_dir):
    path = tmp_path / "mixed.fits"
    table = fits.BinTableHDU.from_columns([fits.Column(name="flux", format="E", array=np.arange(5.0))])
    spectrum = fits.ImageHDU(np.arange(50, dtype=np.float32), name="SPECTRUM")
    fits.HDUList([fits.PrimaryHDU(), table, spectrum, fits.ImageHDU(np.ones((4, 4)))]).writeto(path)
    d = describe(path, cache_dir=cache_dir)
    assert d["hdu"] == 3
    by_index = {h["index"]: h for h in d["hdus"]}
    assert by_index[1]["kind"] == "table" and "table" in (by_index[1]["problem"] or "")
    assert by_index[2]["kind"] == "image" and not by_index[2]["is_image"]
    assert "one-dimensional" in (by_index[2]["problem"] or "")
    # Asking for a problem HDU still describes the file, with no cuts.
    table_view = describe(path, hdu=1, cache_dir=cache_dir)
    assert table_view["cuts"] == {} and table_view["hdu"] == 1 and table_view["header"]


def test_a_file_with_no_image_is_not_an_image_unless_an_hdu_is_named(tmp_path, cache_dir):
    path = tmp_path / "empty.fits"
    fits.PrimaryHDU().writeto(path)
    with pytest.raises(ToyzError) as err:
        describe(path, cache_dir=cache_dir)
    assert err.value.code == "not_an_image" and "no data" in err.value.message
    d = describe(path, hdu=0, cache_dir=cache_dir)
    assert d["hdus"][0]["kind"] == "empty" and d["cuts"] == {}


def test_a_truncated_file_is_described_with_the_problem(write_fits, tmp_path, cache_dir):
    whole = write_fits("whole.fits", np.ones((100, 120), np.float32)).read_bytes()
    path = tmp_path / "cut.fits"
    path.write_bytes(whole[: 2880 + 4000])
    d = describe(path, hdu=0, cache_dir=cache_dir)
    problem = d["hdus"][0]["problem"]
    assert problem and "truncated" in problem and not d["hdus"][0]["is_image"]
    with pytest.raises(ToyzError) as err:
        describe(path, cache_dir=cache_dir)
    assert err.value.code == "not_an_image"


def test_a_truncated_compressed_file_is_described_with_the_problem(astropy_compressed, tmp_path, cache_dir):
    whole = (astropy_compressed / "m13_rice.fits").read_bytes()
    path = tmp_path / "cut.fits.fz"
    path.write_bytes(whole[: len(whole) - 30000])
    d = describe(path, hdu=1, cache_dir=cache_dir)
    assert "truncated" in (d["hdus"][1]["problem"] or "")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"plain text pretending to be FITS\n" * 20, "unreadable"),
        (b"", "unreadable"),
        (b"SIMPLE  = T" + b" " * 200, "unreadable"),  # a header that never ends
    ],
)
def test_files_that_are_not_fits_or_pictures_are_unreadable(tmp_path, cache_dir, content, code):
    path = tmp_path / "fake.fits"
    path.write_bytes(content)
    with pytest.raises(ToyzError) as err:
        describe(path, cache_dir=cache_dir)
    assert err.value.code == code and "fake.fits" in err.value.message


def test_missing_files_folders_and_bad_hdus_are_reported(tmp_path, write_fits, cache_dir):
    with pytest.raises(ToyzError) as err:
        describe(tmp_path / "nope.fits", cache_dir=cache_dir)
    assert err.value.code == "not_found"
    with pytest.raises(ToyzError) as err:
        describe(tmp_path, cache_dir=cache_dir)
    assert err.value.code == "unreadable"
    path = write_fits("one.fits", np.ones((4, 4), np.float32))
    for hdu in (1, -1, 99):
        with pytest.raises(ToyzError) as err:
            describe(path, hdu=hdu, cache_dir=cache_dir)
        assert err.value.code == "bad_hdu" and "1 HDU(s)" in err.value.message


def test_nan_only_and_constant_images_get_safe_cuts(write_fits, cache_dir):
    nan_path = write_fits("nan.fits", np.full((30, 30), np.nan, np.float32))
    cuts = describe(nan_path, cache_dir=cache_dir)["cuts"]
    assert all(limits == [0.0, 1.0] for limits in cuts.values())
    flat = np.full((30, 30), 7.5, np.float32)
    flat[3, 3] = np.inf
    flat[4, 4] = -np.inf
    cuts = describe(write_fits("flat.fits", flat), cache_dir=cache_dir)["cuts"]
    assert all(limits == [7.5, 7.5] for limits in cuts.values())


def test_big_images_are_sampled_not_read_whole(write_fits, cache_dir, monkeypatch):
    from workers.imaging import files, reading

    calls: list[tuple[int, int]] = []
    original = files.OpenedFile.read_stored

    def counting(self, hdu, plane, y0, y1, x0, x1):
        calls.append((y0, y1))
        return original(self, hdu, plane, y0, y1, x0, x1)

    monkeypatch.setattr(files.OpenedFile, "read_stored", counting)
    monkeypatch.setattr(reading, "SAMPLE_TARGET", 10_000)
    data = np.random.default_rng(0).normal(100, 10, (1000, 500)).astype(np.float32)
    describe(write_fits("big.fits", data), cache_dir=cache_dir)
    rows = sum(y1 - y0 for y0, y1 in calls)
    assert 0 < rows < 1000 / 4  # strided rows only


def test_sample_grid_stays_near_the_target():
    from workers.imaging.reading import sample_grid

    for width, height in ((40000, 40000), (2048, 4096), (100, 100), (1_000_000, 3)):
        row_step, col_step = sample_grid(width, height)
        picked = math.ceil(height / row_step) * math.ceil(width / col_step)
        assert picked <= 1_100_000


def test_pictures_are_one_hdu_called_image(tmp_path, cache_dir):
    grey = tmp_path / "grey.png"
    Image.fromarray(np.zeros((30, 50), np.uint8)).save(grey)
    colour = tmp_path / "colour.jpg"
    Image.fromarray(np.zeros((30, 50, 3), np.uint8)).save(colour)
    alpha = tmp_path / "alpha.png"
    Image.fromarray(np.zeros((30, 50, 4), np.uint8)).save(alpha)
    for path, bands in ((grey, 1), (colour, 3), (alpha, 4)):
        d = describe(path, cache_dir=cache_dir)
        info = d["hdus"][0]
        assert d["format"] == "raster" and d["hdu"] == 0 and info["name"] == "IMAGE"
        assert (info["width"], info["height"], info["bands"], info["planes"]) == (50, 30, bands, 1)


def test_pictures_too_large_to_decode_are_refused(tmp_path, cache_dir, monkeypatch):
    from workers.imaging import raster

    monkeypatch.setattr(raster, "MAX_RASTER_PIXELS", 1000)
    path = tmp_path / "big.png"
    Image.fromarray(np.zeros((40, 50), np.uint8)).save(path)
    with pytest.raises(ToyzError) as err:
        describe(path, cache_dir=cache_dir)
    assert err.value.code == "too_large"


def test_the_header_is_capped(tmp_path, cache_dir):
    header = fits.Header()
    for i in range(2500):
        header[f"K{i}"] = i
    path = tmp_path / "long.fits"
    fits.PrimaryHDU(np.ones((4, 4), np.float32), header).writeto(path)
    assert len(describe(path, cache_dir=cache_dir)["header"]) == 2000


def test_describe_does_not_need_a_writable_file_path_but_a_cache(tmp_path: Path, write_fits):
    path = write_fits("a.fits", np.ones((4, 4), np.float32))
    cache = tmp_path / "new" / "cache"  # created on demand
    assert describe(path, cache_dir=cache)["cuts"]["minmax"] == [1.0, 1.0]

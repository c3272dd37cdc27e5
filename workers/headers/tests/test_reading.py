"""Reading headers for the index: kept keywords, the first extension of an empty primary, .fz, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from astropy.io import fits

from workers.headers import MAX_KEYWORDS, is_fits_name, read_header, typed_fields
from workers.imaging.synthetic import write_decam_like


def _exposure(path: Path, **cards: object) -> Path:
    header = fits.Header()
    for key, value in cards.items():
        header[key.replace("_", "-")] = value
    fits.PrimaryHDU(np.zeros((4, 4), np.float32), header).writeto(path)
    return path


def test_it_keeps_the_primary_cards_but_not_the_structure_or_commentary(tmp_path: Path) -> None:
    path = _exposure(
        tmp_path / "a.fits", OBJECT="M13", EXPTIME=60, FILTER="r", AIRMASS=1.25, DATE_OBS="2026-11-23T03:00:00"
    )
    with fits.open(path, mode="update") as hdul:
        hdul[0].header["HISTORY"] = "reduced"
        hdul[0].header["SIMPLEST"] = True
    read = read_header(path)
    assert read.problem is None
    assert read.keywords["OBJECT"] == "M13"
    assert read.keywords["EXPTIME"] == 60
    assert read.keywords["AIRMASS"] == 1.25
    assert read.keywords["SIMPLEST"] is True
    assert not {"SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "HISTORY"} & set(read.keywords)


def test_an_empty_primary_takes_the_first_extensions_cards(tmp_path: Path) -> None:
    header = fits.Header({"OBJECT": "NGC 1", "EXPTIME": 30.0})
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(np.ones((8, 8), np.float32), header)]).writeto(tmp_path / "m.fits")
    assert read_header(tmp_path / "m.fits").keywords == {"OBJECT": "NGC 1", "EXPTIME": 30.0}


def test_a_tile_compressed_file_gives_the_image_header_without_compression_cards(tmp_path: Path) -> None:
    header = fits.Header({"OBJECT": "M31", "FILTER": "g"})
    hdu = fits.CompImageHDU(np.arange(64, dtype=np.float32).reshape(8, 8), header)
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "c.fits.fz")
    keywords = read_header(tmp_path / "c.fits.fz").keywords
    assert keywords["OBJECT"] == "M31"
    assert keywords["FILTER"] == "g"
    assert not [k for k in keywords if k.startswith("Z") or k.startswith("TTYPE")]


def test_a_decam_like_mosaic_keeps_its_primary(tmp_path: Path) -> None:
    path = write_decam_like(tmp_path / "d.fits", n_ccds=2, ccd_shape=(32, 16))
    keywords = read_header(path).keywords
    assert keywords["INSTRUME"] == "DECam-like"
    assert "CCDNUM" not in keywords


def test_a_corrupt_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "bad.fits").write_bytes(b"SIMPLE  =  not really" + b"\0" * 100)
    (tmp_path / "empty.fits").write_bytes(b"")
    for name in ("bad.fits", "empty.fits", "missing.fits"):
        read = read_header(tmp_path / name)
        assert read.problem and read.problem.startswith("Its header cannot be read as FITS")
        assert read.keywords == {}


def test_a_huge_header_is_cut_at_the_limit(tmp_path: Path) -> None:
    header = fits.Header([(f"K{i}", i) for i in range(MAX_KEYWORDS + 50)])
    fits.PrimaryHDU(None, header).writeto(tmp_path / "h.fits")
    read = read_header(tmp_path / "h.fits")
    assert len(read.keywords) == MAX_KEYWORDS
    assert read.truncated


def test_fits_names_are_told_by_suffix() -> None:
    assert all(is_fits_name(n) for n in ("a.fits", "B.FIT", "c.fts", "d.fits.fz", "e.fits.gz", "f.fz.bz2"))
    assert not any(is_fits_name(n) for n in ("a.png", "b.csv", "fits", "c.fits.txt"))


def test_typed_fields_follow_the_usual_spellings() -> None:
    fields = typed_fields(
        {"DATE-OBS": "2026-11-23", "TIME-OBS": "03:00:00", "EXPOSURE": 90, "FILTER1": "i", "OBJECT": " M1 "}
    )
    assert fields.date_obs is not None and fields.date_obs.isoformat() == "2026-11-23T03:00:00+00:00"
    assert fields.exptime == 90.0 and fields.filter == "i" and fields.object == "M1"
    assert fields.mjd is not None and abs(fields.mjd - 61367.125) < 1e-9
    from_mjd = typed_fields({"MJD-OBS": 61367.5})
    assert from_mjd.date_obs is not None and from_mjd.date_obs.hour == 12
    assert typed_fields({"DATE-OBS": "last night"}).date_obs is None

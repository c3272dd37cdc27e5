"""The one list of openable names: every name it offers opens, and what it leaves out is refused."""

from __future__ import annotations

import bz2
import gzip
import io
import shutil
import zipfile
from pathlib import Path

import astropy
import numpy as np
import pytest
from astropy.io import fits
from PIL import Image

from workers.errors import ToyzError
from workers.imaging import OPENABLE_SUFFIXES, describe, is_openable
from workers.imaging.formats import RASTER_FORMATS, STREAM_SUFFIXES

DATA = np.arange(40 * 30, dtype=np.float32).reshape(30, 40)


def compress(data: bytes, stream: str) -> bytes:
    return gzip.compress(data) if stream == ".gz" else bz2.compress(data)


def fits_bytes(compressed: bool) -> bytes:
    buf = io.BytesIO()
    image = fits.CompImageHDU(DATA, compression_type="GZIP_2") if compressed else fits.ImageHDU(DATA)
    fits.HDUList([fits.PrimaryHDU(), image]).writeto(buf)
    return buf.getvalue()


def write_as(path: Path, suffix: str) -> None:
    """A small valid file of the kind ``suffix`` names."""
    Image.init()
    picture = Image.registered_extensions().get(suffix)
    if picture in RASTER_FORMATS:
        Image.fromarray((DATA % 256).astype(np.uint8)).save(path, format=picture)
        return
    stream = next((s for s in STREAM_SUFFIXES if suffix.endswith(s)), "")
    inner = suffix.removesuffix(stream)
    data = fits_bytes(compressed=inner == ".fz")
    if stream == ".zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("image" + inner, data)
    else:
        path.write_bytes(compress(data, stream) if stream else data)


@pytest.mark.parametrize("suffix", OPENABLE_SUFFIXES)
def test_every_name_ending_offered_as_openable_opens(tmp_path, cache_dir, suffix):
    path = tmp_path / f"file{suffix.upper() if suffix == '.jpe' else suffix}"
    write_as(path, suffix)
    assert is_openable(path.name)
    d = describe(path, cache_dir=cache_dir)
    shown = next(h for h in d["hdus"] if h["index"] == d["hdu"])
    assert (shown["width"], shown["height"]) == (40, 30) and d["cuts"]


def test_astropys_gzipped_thumbnail_named_fit_gz_is_openable(tmp_path, cache_dir):
    source = Path(astropy.__file__).parent / "wcs/tests/data/dss.14.29.56-62.41.05.fits.gz"
    if not source.is_file():
        pytest.skip("astropy's WCS test data is not installed")
    path = tmp_path / "thumbnail-image.fit.gz"
    shutil.copyfile(source, path)
    assert is_openable(path.name)
    assert describe(path, cache_dir=cache_dir)["hdus"][0]["has_wcs"]


@pytest.mark.parametrize("name", ["notes.txt", "table.csv", "image.fits.txt", "archive.tar.gz", "spectrum.webp"])
def test_other_names_are_not_openable(name):
    assert not is_openable(name)


def test_a_picture_format_outside_the_list_is_refused_clearly(tmp_path, cache_dir):
    # Pillow reads WebP, but the list does not offer it: the engine refuses it rather than differ.
    path = tmp_path / "stars.webp"
    Image.fromarray((DATA % 256).astype(np.uint8)).save(path, format="WEBP")
    with pytest.raises(ToyzError) as err:
        describe(path, cache_dir=cache_dir)
    assert err.value.code == "unreadable" and "PNG, JPEG, TIFF, BMP, GIF" in err.value.message

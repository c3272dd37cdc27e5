"""A file still being written is told from a whole one: every prefix of a FITS file (plain, tile-compressed,
in a gzip, bzip2 or zip stream) and of a picture reads as incomplete, the whole file as complete."""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from PIL import Image

from workers.imaging import describe
from workers.imaging.completeness import BLOCK, check_complete
from workers.imaging.synthetic import write_decam_like

RNG = np.random.default_rng(3)


def decam(tmp_path: Path, *, compress: bool = False) -> bytes:
    path = write_decam_like(tmp_path / "whole.fits", n_ccds=3, ccd_shape=(64, 48), seed=1, compress=compress)
    return path.read_bytes()


def prefixes(data: bytes) -> list[int]:
    """Lengths of cut-short copies: inside headers and data, at block and HDU boundaries."""
    cuts = {1, 79, 80, BLOCK - 1, BLOCK, BLOCK + 1, len(data) // 3, len(data) // 2, len(data) - BLOCK, len(data) - 1}
    boundaries = [i for i in range(0, len(data), BLOCK) if data[i : i + 8] == b"XTENSION"]
    cuts.update(boundaries)  # structurally whole files with fewer extensions (NEXTEND tells)
    cuts.update(b + BLOCK for b in boundaries)
    return sorted(c for c in cuts if 0 < c < len(data))


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_whole_fits_file_is_complete(tmp_path):
    data = decam(tmp_path)
    assert check_complete(written(tmp_path, "e.fits", data)).complete


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "fz"])
def test_every_prefix_of_a_fits_file_is_incomplete(tmp_path, compress):
    data = decam(tmp_path, compress=compress)
    assert check_complete(written(tmp_path, "whole.fz", data)).complete
    for cut in prefixes(data):
        found = check_complete(written(tmp_path, "part.fits", data[:cut]))
        assert not found.complete, f"a file cut at {cut} of {len(data)} bytes was taken as whole"
        assert found.reason


def test_the_reasons_say_what_is_missing(tmp_path):
    data = decam(tmp_path)
    assert "not a whole number of 2880-byte" in check_complete(written(tmp_path, "a.fits", data[:100])).reason
    # A primary header longer than one block, cut after its first block.
    long_header = fits.PrimaryHDU()
    long_header.header.extend([(f"KEY{i}", i) for i in range(40)])
    cut = long_header.header.tostring().encode()[:BLOCK]
    assert check_complete(written(tmp_path, "b.fits", cut)).reason == "ends inside the header of HDU 0"
    # The data of the last CCD is missing: cut at the last block boundary.
    reason = check_complete(written(tmp_path, "c.fits", data[: len(data) - BLOCK])).reason
    assert "ends inside the data of HDU 3" in reason
    first_extension = data.index(b"XTENSION")
    reason = check_complete(written(tmp_path, "d.fits", data[:first_extension])).reason
    assert reason == "has 0 of the 3 extensions its primary header announces"


def test_zero_bytes_where_a_header_should_be_are_not_padding(tmp_path):
    """A file allocated at its full size before it is filled reads as unwritten."""
    data = decam(tmp_path)
    first_extension = data.index(b"XTENSION")
    allocated = data[:first_extension] + bytes(len(data) - first_extension)
    found = check_complete(written(tmp_path, "allocated.fits", allocated))
    assert not found.complete and "zero bytes where HDU 1" in found.reason
    garbage = check_complete(written(tmp_path, "garbage.fits", data + b"x" * BLOCK))
    assert not garbage.complete and "not a FITS extension" in garbage.reason


def test_a_file_without_extensions_announced_is_whole_at_any_hdu_boundary(tmp_path):
    hdus = fits.HDUList([fits.PrimaryHDU(RNG.random((30, 20)).astype(np.float32)), fits.ImageHDU(np.ones((5, 5)))])
    buf = io.BytesIO()
    hdus.writeto(buf)
    data = buf.getvalue()
    assert check_complete(written(tmp_path, "two.fits", data)).complete
    # Without NEXTEND the primary HDU alone is a whole file: the settle time is what waits for the rest.
    assert check_complete(written(tmp_path, "one.fits", data[: data.index(b"XTENSION")])).complete


def test_tables_random_groups_and_empty_primaries_are_measured_by_their_headers(tmp_path):
    table = fits.BinTableHDU.from_columns(
        [fits.Column("a", "D", array=np.arange(7.0)), fits.Column("v", "PJ()", array=[[1, 2], [3], [], [4, 5, 6]] * 2)]
    )
    pixels = np.arange(24.0, dtype=">f4").reshape(4, 1, 3, 2)
    groups = fits.GroupsHDU(fits.GroupData(pixels, parnames=["u", "v"], pardata=[RNG.random(4)] * 2, bitpix=-32))
    for name, hdus in {"table": [fits.PrimaryHDU(), table], "groups": [groups], "empty": [fits.PrimaryHDU()]}.items():
        fits.HDUList(hdus).writeto(tmp_path / "made.fits", overwrite=True)  # astropy writes groups to files only
        data = (tmp_path / "made.fits").read_bytes()
        assert check_complete(written(tmp_path, f"{name}.fits", data)).complete, name
        if len(data) > BLOCK:
            assert not check_complete(written(tmp_path, f"{name}-cut.fits", data[:-BLOCK])).complete, name


@pytest.mark.parametrize("kind", ["gz", "bz2", "zip"])
def test_a_fits_stream_is_complete_only_when_its_stream_and_its_fits_are(tmp_path, kind):
    data = decam(tmp_path)

    def pack(payload: bytes) -> bytes:
        if kind == "gz":
            return gzip.compress(payload)
        if kind == "bz2":
            return bz2.compress(payload)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("e.fits", payload)
        return buf.getvalue()

    whole = pack(data)
    path = written(tmp_path, f"e.fits.{kind}", whole)
    assert check_complete(path).complete
    assert [h["name"] for h in describe(path, hdu=1, cache_dir=tmp_path / "cache")["hdus"]][2:] == ["S1", "S2", "N1"]
    for cut in (10, len(whole) // 2, len(whole) - 5, len(whole) - 1):
        found = check_complete(written(tmp_path, f"part.fits.{kind}", whole[:cut]))
        assert not found.complete, f"a {kind} stream cut at {cut} of {len(whole)} bytes was taken as whole"
    # A whole stream of a cut-short FITS file.
    found = check_complete(written(tmp_path, f"inner.fits.{kind}", pack(data[: len(data) - BLOCK])))
    assert not found.complete and "ends inside the data of HDU 3" in found.reason


def test_a_damaged_gzip_checksum_is_not_whole(tmp_path):
    packed = bytearray(gzip.compress(decam(tmp_path)))
    packed[-6] ^= 0xFF  # inside the CRC-32 at the end
    found = check_complete(written(tmp_path, "bad.fits.gz", bytes(packed)))
    assert not found.complete and "gzip" in found.reason


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "BMP", "GIF"])
def test_every_prefix_of_a_picture_is_incomplete(tmp_path, fmt):
    pixels = (RNG.random((120, 160, 3)) * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format=fmt)
    data = buf.getvalue()
    assert check_complete(written(tmp_path, f"whole.{fmt.lower()}", data)).complete
    for cut in (1, 10, 100, len(data) // 2, len(data) - 20, len(data) - 1):
        found = check_complete(written(tmp_path, f"part.{fmt.lower()}", data[:cut]))
        assert not found.complete, f"a {fmt} cut at {cut} of {len(data)} bytes was taken as whole"


def test_an_empty_file_or_another_kind_of_file_is_not_complete(tmp_path):
    assert check_complete(written(tmp_path, "e.fits", b"")).reason == "is empty"
    assert not check_complete(written(tmp_path, "notes.png", b"just some text, not a picture")).complete

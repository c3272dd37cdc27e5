"""Synthetic sky images for tests, benchmarks and the first-run sample data.

Stars live on one global plane: the plane is cut into cells whose stars depend only on the
seed and the cell, so any window of it (``offset``) is continuous with its neighbours — the
CCDs of :func:`write_decam_like` line up across their gaps like a real mosaic.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from astropy.io import fits
from astropy.wcs import WCS
from PIL import Image

#: Side of the square cells (pixels) in which stars are drawn.
_CELL: Final = 256
#: Pixel scale of the synthetic mosaic, degrees (DECam's 0.263 arcsec).
_DECAM_SCALE: Final = 0.263 / 3600.0
_STARS_PER_PIXEL: Final = 1 / 2000


def _cell_rng(seed: int, *parts: int) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, *(p & 0xFFFFFFFF for p in parts)])


def _stars_in(
    x0: float, y0: float, x1: float, y1: float, density: float, seed: int, noise: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return (x, y, peak) of the global-plane stars inside ``[x0, x1) × [y0, y1)``."""
    xs, ys, peaks = [], [], []
    for cy in range(math.floor(y0 / _CELL), math.floor(y1 / _CELL) + 1):
        for cx in range(math.floor(x0 / _CELL), math.floor(x1 / _CELL) + 1):
            rng = _cell_rng(seed, 1, cx, cy)
            count = rng.poisson(density * _CELL * _CELL)
            pos = rng.uniform(0.0, _CELL, size=(count, 2))
            # A power law of fluxes: many faint stars, a few bright ones; the faintest at 3 sigma.
            faintest = 3.0 * max(noise, 1.0)
            peak = np.minimum(faintest * (1.0 + rng.pareto(1.2, size=count)), 60000.0)
            x = pos[:, 0] + cx * _CELL
            y = pos[:, 1] + cy * _CELL
            keep = (x >= x0) & (x < x1) & (y >= y0) & (y < y1)
            xs.append(x[keep])
            ys.append(y[keep])
            peaks.append(peak[keep])
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(peaks)


def star_field(
    shape: tuple[int, int],
    *,
    n_stars: int,
    seed: int,
    sky: float = 100.0,
    noise: float = 5.0,
    offset: tuple[float, float] = (0, 0),
    psf_sigma: float = 1.5,
) -> npt.NDArray[np.float32]:
    """Return a window of a synthetic star field: Gaussian stars on a noisy flat sky.

    Parameters
    ----------
    shape : tuple of int
        ``(height, width)`` in pixels (numpy order).
    n_stars : int
        Expected number of stars in a window of this shape; it sets the star density
        (``n_stars / (height * width)`` per pixel) of the global plane.
    seed : int
        Seeds the star positions and fluxes (per cell of the global plane) and the noise.
    sky, noise : float
        Sky level and Gaussian noise sigma, in counts.
    offset : tuple of float
        ``(x, y)`` of this window's pixel ``[0, 0]`` on the global plane (x = column). Windows
        with the same seed, density and PSF agree wherever they overlap (up to the noise).
    psf_sigma : float
        Gaussian PSF sigma in pixels.

    Returns
    -------
    numpy.ndarray
        float32 ``[y, x]``; pixel ``[j, i]`` is centred on global ``(offset_x + i,
        offset_y + j)``.
    """
    height, width = shape
    ox, oy = float(offset[0]), float(offset[1])
    density = n_stars / max(1, height * width)
    radius = max(1, math.ceil(4.0 * psf_sigma))
    xs, ys, peaks = _stars_in(
        ox - radius, oy - radius, ox + width + radius, oy + height + radius,
        density, seed, noise,
    )  # fmt: skip
    flux = np.zeros(height * width, dtype=np.float64)
    steps = np.arange(-radius, radius + 1)
    for start in range(0, xs.size, 20000):
        x = xs[start : start + 20000] - ox
        y = ys[start : start + 20000] - oy
        peak = peaks[start : start + 20000]
        cols = np.floor(x).astype(np.int64)[:, None] + steps  # (n, S)
        rows = np.floor(y).astype(np.int64)[:, None] + steps
        gx = np.exp(-0.5 * ((cols - x[:, None]) / psf_sigma) ** 2)
        gy = np.exp(-0.5 * ((rows - y[:, None]) / psf_sigma) ** 2)
        values = peak[:, None, None] * gy[:, :, None] * gx[:, None, :]
        ok = ((rows >= 0) & (rows < height))[:, :, None] & ((cols >= 0) & (cols < width))[:, None, :]
        index = rows[:, :, None] * width + cols[:, None, :]
        flux += np.bincount(index[ok], weights=values[ok], minlength=height * width)
    rng = _cell_rng(seed, 2, int(ox), int(oy), height, width)
    image = rng.standard_normal((height, width), dtype=np.float32)
    image *= np.float32(noise)
    image += np.float32(sky)
    image += flux.reshape(height, width).astype(np.float32)
    return image


def star_field_stars(
    shape: tuple[int, int],
    *,
    n_stars: int,
    seed: int,
    noise: float = 5.0,
    offset: tuple[float, float] = (0, 0),
    psf_sigma: float = 1.5,
) -> dict[str, npt.NDArray[np.float64]]:
    """Return the stars :func:`star_field` draws with the same arguments: its truth catalogue.

    Returns
    -------
    dict of numpy.ndarray
        ``x``, ``y``: each star's centre in the window's 0-based array pixels (numpy's convention: the
        centre of ``data[j, i]`` is ``(i, j)``), only stars whose centre lies in the window; ``peak``
        (counts above the sky) and ``flux`` (the Gaussian's total, ``2 pi psf_sigma**2 peak``).
    """
    height, width = shape
    ox, oy = float(offset[0]), float(offset[1])
    density = n_stars / max(1, height * width)
    x, y, peak = _stars_in(ox, oy, ox + width, oy + height, density, seed, noise)
    return {"x": x - ox, "y": y - oy, "peak": peak, "flux": 2.0 * math.pi * psf_sigma**2 * peak}


def tan_header(crpix: tuple[float, float], crval: tuple[float, float], cdelt_deg: float) -> fits.Header:
    """Return a gnomonic (TAN) celestial WCS header, north up and east left.

    Parameters
    ----------
    crpix : tuple of float
        Reference pixel ``(x, y)``, 1-based FITS convention.
    crval : tuple of float
        ``(ra, dec)`` of the reference pixel, degrees (ICRS).
    cdelt_deg : float
        Pixel scale in degrees per pixel.
    """
    header = fits.Header()
    header["CTYPE1"] = "RA---TAN"
    header["CTYPE2"] = "DEC--TAN"
    header["CRPIX1"] = float(crpix[0])
    header["CRPIX2"] = float(crpix[1])
    header["CRVAL1"] = float(crval[0])
    header["CRVAL2"] = float(crval[1])
    header["CDELT1"] = -float(cdelt_deg)
    header["CDELT2"] = float(cdelt_deg)
    header["CUNIT1"] = "deg"
    header["CUNIT2"] = "deg"
    header["RADESYS"] = "ICRS"
    return header


def _as_dtype(image: npt.NDArray[np.float32], dtype: str) -> npt.NDArray[np.generic]:
    kind = np.dtype(dtype)
    if kind.kind == "f":
        return image.astype(kind)
    limits = np.iinfo(kind)
    return np.clip(np.rint(image), limits.min, limits.max).astype(kind)


def _mosaic_layout(n_ccds: int, width: int, height: int) -> list[tuple[int, int]]:
    """Return the (x0, y0) of each CCD on the focal plane: centred rows, small gaps."""
    rows = max(1, round(math.sqrt(n_ccds * width / height)))
    rows = min(rows, n_ccds)
    counts = [n_ccds // rows] * rows
    middle = sorted(range(rows), key=lambda r: abs(r - (rows - 1) / 2))
    for r in middle[: n_ccds % rows]:
        counts[r] += 1  # the middle rows get the extra CCDs: a rounder focal plane
    gap_x, gap_y = max(8, width // 16), max(8, height // 32)
    widest = max(counts) * (width + gap_x)
    origins: list[tuple[int, int]] = []
    for r, count in enumerate(counts):
        start = (widest - count * (width + gap_x)) // 2
        origins.extend((start + c * (width + gap_x), r * (height + gap_y)) for c in range(count))
    return origins


def _append_hdu(path: Path, hdu: fits.ImageHDU | fits.CompImageHDU) -> None:
    """Append one extension without re-reading the file (astropy's append mode parses every
    HDU already there, which makes writing many extensions quadratic)."""
    buf = io.BytesIO()
    bare = fits.PrimaryHDU()
    fits.HDUList([bare, hdu]).writeto(buf)
    with path.open("ab") as fh:
        fh.write(buf.getbuffer()[len(bare.header.tostring()) :])


def write_decam_like(
    path: Path,
    *,
    n_ccds: int = 62,
    ccd_shape: tuple[int, int] = (4096, 2048),
    seed: int = 0,
    compress: bool = False,
    dtype: str = "float32",
) -> Path:
    """Write a DECam-like mosaic: an empty primary HDU and one image extension per CCD.

    Parameters
    ----------
    path : Path
        Output file (overwritten).
    n_ccds : int
        Number of CCD extensions, named ``S1``, ``S2``, ... (first half) then ``N1``, ...
    ccd_shape : tuple of int
        ``(height, width)`` of each CCD in pixels.
    seed : int
        Seed of the star field shared by all CCDs (they are windows of one global plane).
    compress : bool
        Write Rice-compressed ``CompImageHDU`` extensions with tiles of one row (like fpack).
    dtype : str
        numpy dtype of the data (integers are rounded and clipped; ``uint16`` gets BZERO).

    Returns
    -------
    Path
        ``path``. Each CCD has ``DETSEC``/``DATASEC`` and a TAN WCS consistent with its place
        on the focal plane. Written one CCD at a time, so memory stays at one CCD.
    """
    height, width = ccd_shape
    origins = _mosaic_layout(n_ccds, width, height)
    full_w = max(x for x, _ in origins) + width
    full_h = max(y for _, y in origins) + height
    centre = (full_w / 2 + 0.5, full_h / 2 + 0.5)  # 1-based focal-plane pixel of the pointing
    primary = fits.PrimaryHDU()
    primary.header["TELESCOP"] = "synthetic"
    primary.header["INSTRUME"] = "DECam-like"
    primary.header["NEXTEND"] = n_ccds
    primary.writeto(path, overwrite=True)
    n_south = (n_ccds + 1) // 2
    n_stars = max(10, height * width // 2000)
    for i, (x0, y0) in enumerate(origins):
        name = f"S{i + 1}" if i < n_south else f"N{i + 1 - n_south}"
        header = tan_header((centre[0] - x0, centre[1] - y0), (150.1, 2.2), _DECAM_SCALE)
        header["EXTNAME"] = name
        header["CCDNUM"] = i + 1
        header["DETSEC"] = f"[{x0 + 1}:{x0 + width},{y0 + 1}:{y0 + height}]"
        header["DATASEC"] = f"[1:{width},1:{height}]"
        image = star_field((height, width), n_stars=n_stars, seed=seed, offset=(x0, y0), sky=1000.0, noise=10.0)
        data = _as_dtype(image, dtype)
        hdu: fits.ImageHDU | fits.CompImageHDU
        if compress:
            hdu = fits.CompImageHDU(data, header, compression_type="RICE_1", tile_shape=(1, width))
        else:
            hdu = fits.ImageHDU(data, header)
        _append_hdu(path, hdu)
        del image, data, hdu
    return path


def decam_like_stars(
    *, n_ccds: int = 62, ccd_shape: tuple[int, int] = (4096, 2048), seed: int = 0
) -> dict[str, npt.NDArray[np.float64]]:
    """Return the stars that :func:`write_decam_like` draws with the same arguments: a catalogue.

    Returns
    -------
    dict of numpy.ndarray
        ``ra``, ``dec`` (degrees, ICRS), ``x``, ``y`` (the star's centre in 0-based focal-plane
        pixels: DETSEC's frame less one, i.e. astropy's convention on the mosaic) and ``peak``
        (counts above the sky), for every star of the focal plane's bounding box, gaps included.
    """
    height, width = ccd_shape
    origins = _mosaic_layout(n_ccds, width, height)
    full_w = max(x for x, _ in origins) + width
    full_h = max(y for _, y in origins) + height
    density = max(10, height * width // 2000) / (height * width)
    x, y, peak = _stars_in(0, 0, full_w, full_h, density, seed, 10.0)
    header = tan_header((full_w / 2 + 0.5, full_h / 2 + 0.5), (150.1, 2.2), _DECAM_SCALE)
    ra, dec = WCS(header).all_pix2world(x, y, 0)
    return {"ra": np.asarray(ra), "dec": np.asarray(dec), "x": x, "y": y, "peak": peak}


def write_one_field(
    path: Path,
    names: tuple[str, ...] = ("image", "error", "coverage"),
    *,
    shape: tuple[int, int] = (200, 300),
    seed: int = 0,
) -> Path:
    """Write several products of one sky area (as Herschel, GMOS or MUSE deliver them): an empty
    primary HDU, then one float32 image extension per name, all with the same TAN WCS.

    The first is a star field, the others its noise (``sqrt``) and a smooth coverage map.
    """
    height, width = shape
    image = star_field(shape, n_stars=max(10, height * width // 2000), seed=seed)
    header = tan_header((width / 2 + 0.5, height / 2 + 0.5), (83.82, -5.39), 1.0 / 3600.0)
    maps = [image, np.sqrt(np.abs(image)), np.add.outer(np.arange(height), np.arange(width)).astype(np.float32)]
    hdus: list[fits.PrimaryHDU | fits.ImageHDU] = [fits.PrimaryHDU()]
    hdus.extend(fits.ImageHDU(maps[min(n, 2)], header, name=name) for n, name in enumerate(names))
    fits.HDUList(hdus).writeto(path, overwrite=True)
    return path


def _sample_starfield(path: Path) -> None:
    field = star_field((2048, 2048), n_stars=3000, seed=13)
    header = tan_header((1024.5, 1024.5), (250.4226, 36.4602), 0.4 / 3600.0)
    header["OBJECT"] = "synthetic M13 field"
    fits.PrimaryHDU(field, header).writeto(path, overwrite=True)


def _sample_cube(path: Path) -> None:
    cube = np.stack([star_field((256, 256), n_stars=60, seed=20 + k) for k in range(3)])
    fits.PrimaryHDU(cube).writeto(path, overwrite=True)


def _sample_ints(path: Path) -> None:
    ints = _as_dtype(star_field((512, 512), n_stars=200, seed=5, sky=1000.0), "uint16")
    fits.PrimaryHDU(ints).writeto(path, overwrite=True)


def _sample_picture(path: Path) -> None:
    picture = star_field((768, 1024), n_stars=600, seed=7, sky=20.0, noise=4.0)
    grey = np.clip(np.sqrt(np.clip(picture, 0, None) / 400.0) * 255.0, 0, 255).astype(np.uint8)
    Image.fromarray(grey[::-1]).save(path, format="PNG")  # pictures store the top row first


#: The first-run demo set: file name → writer.
SAMPLES: Final[dict[str, Callable[[Path], object]]] = {
    "starfield.fits": _sample_starfield,
    "decam_small.fits": lambda p: write_decam_like(p, n_ccds=4, ccd_shape=(1024, 512), seed=1),
    "decam_small.fits.fz": lambda p: write_decam_like(p, n_ccds=4, ccd_shape=(1024, 512), seed=1, compress=True),
    "cube.fits": _sample_cube,
    "ints_bzero.fits": _sample_ints,
    "starfield.png": _sample_picture,
}


def write_sample_data(folder: Path, *, missing_only: bool = False) -> list[Path]:
    """Create the small demo set in ``folder`` and return the paths written.

    ``starfield.fits`` (2048² float32, TAN WCS near M13), ``decam_small.fits`` (4 CCDs of
    512×1024, i.e. 1024 rows of 512), ``decam_small.fits.fz`` (the same, Rice compressed),
    ``cube.fits`` (3 planes of 256²), ``ints_bzero.fits`` (uint16 stored with BZERO = 32768)
    and ``starfield.png`` (an 8-bit grey rendering of a star field).

    With ``missing_only``, a name that exists already (whatever it holds) is left alone. Each
    file is written under a hidden temporary name and renamed, so an interrupted run leaves no
    half-written sample that a later run would take for a whole one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, write in SAMPLES.items():
        target = folder / name
        if missing_only and (target.exists() or target.is_symlink()):
            continue
        temporary = folder / f".{name}.tmp"
        write(temporary)
        temporary.replace(target)
        written.append(target)
    return written

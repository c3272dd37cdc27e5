"""Pixels under a box of the viewer: cut-outs of a plain HDU, a cube's plane or each CCD of a mosaic.

Every analysis tool starts here: a box in **viewer coordinates** (level-0 pixels, pixel ``(i, j)``
covering ``[i, i+1) × [j, j+1)``, ``y`` up; on a focal-plane mosaic, the mosaic's frame) becomes one
:class:`Cutout` per HDU it touches, each a float32 array in the viewer's orientation (a CCD whose
``DETSEC`` flips it is read flipped, as the viewer shows it) with its place in the viewer and a
celestial WCS of its own array pixels. Nothing is ever assembled across a CCD gap: a measurement that
spans a gap is one measurement per CCD, which is what a CCD's own noise and calibration call for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError
from workers.imaging import raster
from workers.imaging.describe import select_view
from workers.imaging.mosaic import Ccd, Mosaic
from workers.imaging.reading import ImagePlane, OpenedFile, opened, read_level0, read_region, to_float32

#: The most pixels one call reads by default (64 MB of float32).
MAX_PIXELS: Final = 16_000_000

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Cutout:
    """Level-0 pixels of one HDU under a box, in the viewer's orientation.

    Attributes
    ----------
    data : numpy.ndarray
        float32 ``[row, column]``, row 0 at the bottom (``y`` up); BSCALE/BZERO applied, NaN for
        BLANK, NaN and ±inf pixels. Only the part of the box that lies on the image (on the CCD) is
        read, so ``data`` may be smaller than the box.
    x0, y0 : int
        Viewer coordinates of ``data[0, 0]``'s lower-left corner: the centre of ``data[j, i]`` is the
        viewer point ``(x0 + i + 0.5, y0 + j + 0.5)``.
    ccd : int or None
        The CCD's HDU index on a mosaic, else None.
    name : str
        The CCD's EXTNAME on a mosaic (for messages), else "".
    wcs : astropy.wcs.WCS or None
        The celestial WCS of ``data`` in its own 0-based array pixels (astropy's convention: the
        centre of ``data[j, i]`` is pixel ``(i, j)``), a copy of the caller's own; None without one
        (or for a flipped CCD whose SIP distortion cannot be mirrored).
    """

    data: npt.NDArray[np.float32]
    x0: int
    y0: int
    ccd: int | None
    name: str
    wcs: Any | None

    @property
    def width(self) -> int:
        """Columns of :attr:`data`."""
        return int(self.data.shape[1])

    @property
    def height(self) -> int:
        """Rows of :attr:`data`."""
        return int(self.data.shape[0])

    def to_local(self, x: float, y: float) -> tuple[float, float]:
        """0-based array position (astropy/photutils convention) of the viewer point ``(x, y)``."""
        return x - self.x0 - 0.5, y - self.y0 - 0.5

    def to_viewer(self, px: float, py: float) -> tuple[float, float]:
        """Viewer point of the 0-based array position ``(px, py)`` (inverse of :meth:`to_local`)."""
        return px + self.x0 + 0.5, py + self.y0 + 0.5

    def contains(self, x: float, y: float) -> bool:
        """Whether the viewer point ``(x, y)`` lies on :attr:`data`."""
        return self.x0 <= x < self.x0 + self.width and self.y0 <= y < self.y0 + self.height


def pixel_range(box: Box) -> tuple[int, int, int, int]:
    """The pixels a viewer box touches: ``(i0, i1, j0, j1)``, end exclusive.

    A pixel is touched when the box overlaps its square ``[i, i+1) × [j, j+1)``; a box of no width
    (a point, a vertical segment) still touches the pixel it lies in.
    """
    xmin, ymin, xmax, ymax = box
    if not all(math.isfinite(v) for v in box):
        raise ToyzError("bad_params", "The box must have finite coordinates.")
    if xmax < xmin or ymax < ymin:
        raise ToyzError("bad_params", "The box must have xmin <= xmax and ymin <= ymax.")
    i0, j0 = math.floor(xmin), math.floor(ymin)
    i1, j1 = max(i0 + 1, math.ceil(xmax)), max(j0 + 1, math.ceil(ymax))
    return i0, i1, j0, j1


def _copy_wcs(f: OpenedFile, hdu: int) -> Any | None:
    # astropy's WCS objects are not thread-safe: copy under the file's lock, use the copy freely.
    with f.lock:
        wcs = f.celestial_wcs(hdu)
        return None if wcs is None else wcs.deepcopy()


def _sub_wcs(wcs: Any | None, c0: int, c1: int, r0: int, r1: int, flip_x: bool, flip_y: bool) -> Any | None:
    """The WCS of HDU pixels ``[r0:r1, c0:c1]`` as an array of their own, mirrored where flipped."""
    if wcs is None:
        return None
    try:
        out = wcs.slice((slice(r0, r1), slice(c0, c1)))  # shifts CRPIX (and SIP's reference) by (c0, r0)
        if not (flip_x or flip_y):
            return out
        if out.sip is not None or out.cpdis1 is not None or out.cpdis2 is not None or out.det2im1 is not None:
            return None  # distortions applied in pixel space cannot be mirrored by the linear part
        # A mirrored axis: pixel P' (1-based) of the cut-out is HDU pixel n + 1 - P', so CRPIX becomes
        # n + 1 - CRPIX and the matrix column of that axis changes sign.
        matrix = out.wcs.cd if out.wcs.has_cd() else out.wcs.pc
        for axis, (flip, n) in enumerate(((flip_x, c1 - c0), (flip_y, r1 - r0))):
            if flip:
                out.wcs.crpix[axis] = n + 1 - out.wcs.crpix[axis]
                matrix[:, axis] *= -1
        if out.wcs.has_cd():
            out.wcs.cd = matrix
        else:
            out.wcs.pc = matrix
        out.wcs.set()
        return out
    except Exception:  # a WCS that cannot be sliced is no WCS for the cut-out
        return None


def _read_plain(
    f: OpenedFile, src: ImagePlane, cache_dir: Path | None, r0: int, r1: int, c0: int, c1: int
) -> npt.NDArray[np.float32]:
    if src.format == "raster":
        if cache_dir is not None:
            data = read_level0(f, src, cache_dir, r0, r1, c0, c1)
        else:
            data = to_float32(raster.decode_raster(f.real_path, f.name)[r0:r1, c0:c1])
    elif cache_dir is not None:
        data = read_level0(f, src, cache_dir, r0, r1, c0, c1)
    else:
        data = read_region(f, src, r0, r1, c0, c1)
    if data.ndim == 3:  # a colour picture: measure its grey level, the mean of its bands
        data = to_float32(data[..., :3].mean(axis=2))
    return np.ascontiguousarray(data, dtype=np.float32)


def _too_large(pixels: int, max_pixels: int) -> ToyzError:
    return ToyzError(
        "too_large",
        f"The region covers {pixels:,} pixels, more than the {max_pixels:,} one measurement reads; draw a smaller one.",
    )


def _ccd_piece(ccd: Ccd, i0: int, i1: int, j0: int, j1: int) -> tuple[int, int, int, int, int, int, int, int] | None:
    """The part of a CCD's placed data a pixel range covers: viewer ``(X0, X1, Y0, Y1)`` then its HDU
    pixels ``(c0, c1, r0, r1)``, or None."""
    x0, x1 = max(i0, ccd.x0), min(i1, ccd.x0 + ccd.width)
    y0, y1 = max(j0, ccd.y0), min(j1, ccd.y0 + ccd.height)
    if x0 >= x1 or y0 >= y1:
        return None
    dx0, _, dy0, _ = ccd.data
    u0, u1, v0, v1 = x0 - ccd.x0, x1 - ccd.x0, y0 - ccd.y0, y1 - ccd.y0
    # As workers.imaging.mosaic reads a tile: offsets in the placed region, mirrored if flipped.
    c0, c1 = (dx0 + ccd.width - u1, dx0 + ccd.width - u0) if ccd.flip_x else (dx0 + u0, dx0 + u1)
    r0, r1 = (dy0 + ccd.height - v1, dy0 + ccd.height - v0) if ccd.flip_y else (dy0 + v0, dy0 + v1)
    return x0, x1, y0, y1, c0, c1, r0, r1


def cutouts(
    path: Path,
    *,
    hdu: int,
    plane: int,
    box: Box,
    max_pixels: int = MAX_PIXELS,
    cache_dir: Path | None = None,
) -> list[Cutout]:
    """Read the pixels under a viewer box: one :class:`Cutout` per HDU the box touches.

    Parameters
    ----------
    path : Path
        The image file (resolved and checked by the caller).
    hdu, plane : int
        The image shown; ``hdu`` -1 is the focal-plane mosaic (its plane is 0).
    box : tuple of float
        ``(xmin, ymin, xmax, ymax)`` in viewer coordinates; every pixel whose square the box overlaps
        is read (:func:`pixel_range`), clipped to the image.
    max_pixels : int
        The most pixels read in all; beyond, ``too_large``.
    cache_dir : Path, optional
        The pyramid cache: pictures and gzip'd files are then read from their decoded level 0, and
        tile-compressed CCDs through the shared band cache. Without it everything is read from the file.

    Returns
    -------
    list of Cutout
        One for a plain HDU; on a mosaic one per CCD the box touches, in HDU order (none for a box
        that falls entirely in a gap: ``bad_region``).

    Raises
    ------
    ToyzError
        ``bad_region`` when the box misses the image (or every CCD); ``too_large`` beyond
        ``max_pixels``; ``bad_params`` for a box that is not finite or inverted; ``bad_hdu``,
        ``bad_plane``, ``not_found``, ``unreadable`` as for any image.
    """
    i0, i1, j0, j1 = pixel_range(box)
    with opened(path) as f:
        view = select_view(f, hdu, plane)
        name = f.name
        if isinstance(view, Mosaic):
            pieces = [
                (ccd, src, piece)
                for ccd, src in zip(view.ccds, view.planes, strict=True)
                if (piece := _ccd_piece(ccd, i0, i1, j0, j1)) is not None
            ]
            if not pieces:
                raise ToyzError("bad_region", f"The region falls off every CCD of {name} (in a gap or outside).")
            total = sum((p[1] - p[0]) * (p[3] - p[2]) for _, _, p in pieces)
            if total > max_pixels:
                raise _too_large(total, max_pixels)
            out = []
            for ccd, src, (x0, _, y0, _, c0, c1, r0, r1) in pieces:
                data = _read_plain(f, src, cache_dir, r0, r1, c0, c1)
                if ccd.flip_x:
                    data = data[:, ::-1]
                if ccd.flip_y:
                    data = data[::-1]
                wcs = _sub_wcs(_copy_wcs(f, ccd.hdu), c0, c1, r0, r1, ccd.flip_x, ccd.flip_y)
                out.append(Cutout(np.ascontiguousarray(data), x0, y0, ccd.hdu, ccd.name, wcs))
            return out
        c0, c1 = max(i0, 0), min(i1, view.width)
        r0, r1 = max(j0, 0), min(j1, view.height)
        if c0 >= c1 or r0 >= r1:
            raise ToyzError(
                "bad_region", f"The region lies outside the image ({view.width} × {view.height} pixels) of {name}."
            )
        if (c1 - c0) * (r1 - r0) > max_pixels:
            raise _too_large((c1 - c0) * (r1 - r0), max_pixels)
        data = _read_plain(f, view, cache_dir, r0, r1, c0, c1)
        wcs = _sub_wcs(_copy_wcs(f, hdu), c0, c1, r0, r1, False, False) if view.format == "fits" else None
        return [Cutout(data, c0, r0, None, "", wcs)]


def image_wcs(path: Path, *, hdu: int, plane: int) -> Any | None:
    """The celestial WCS of a plain HDU (a copy), or None (no WCS, a picture, or the mosaic).

    Its pixels are astropy's 0-based ones: viewer point ``(x, y)`` is WCS pixel ``(x - 0.5, y - 0.5)``.
    A mosaic has no single WCS: use each :class:`Cutout`'s own (or ``workers.imaging.project``).

    Raises
    ------
    ToyzError
        ``bad_hdu``, ``bad_plane``, ``not_found`` as for any image.
    """
    with opened(path) as f:
        view = select_view(f, hdu, plane)
        if isinstance(view, Mosaic) or view.format != "fits":
            return None
        return _copy_wcs(f, hdu)


@dataclass(frozen=True)
class Canvas:
    """The pixels of a whole box, CCDs pasted in place and NaN elsewhere (gaps, off the image).

    ``data[j, i]`` is centred on the viewer point ``(x0 + i + 0.5, y0 + j + 0.5)``; ``parts`` are the
    cut-outs it was pasted from (their WCS give sky positions, :func:`part_at` finds one).
    """

    data: npt.NDArray[np.float32]
    x0: int
    y0: int
    parts: tuple[Cutout, ...]

    def to_local(self, x: float, y: float) -> tuple[float, float]:
        """0-based array position of the viewer point ``(x, y)``."""
        return x - self.x0 - 0.5, y - self.y0 - 0.5

    def part_at(self, x: float, y: float) -> Cutout | None:
        """The cut-out under the viewer point ``(x, y)``, else the one whose centre is nearest."""
        for part in self.parts:
            if part.contains(x, y):
                return part
        if not self.parts:
            return None
        return min(
            self.parts,
            key=lambda p: math.hypot(x - p.x0 - p.width / 2, y - p.y0 - p.height / 2),
        )


def canvas(
    path: Path, *, hdu: int, plane: int, box: Box, max_pixels: int = MAX_PIXELS, cache_dir: Path | None = None
) -> Canvas:
    """Read a box as one array: the :func:`cutouts` pasted into a NaN array of the box's pixel range.

    For stamps around a point (profiles, fits, surfaces) whose pixels may run off the image or into
    a gap. Same errors as :func:`cutouts`.
    """
    i0, i1, j0, j1 = pixel_range(box)
    if (i1 - i0) * (j1 - j0) > max_pixels:
        raise _too_large((i1 - i0) * (j1 - j0), max_pixels)
    parts = cutouts(path, hdu=hdu, plane=plane, box=box, max_pixels=max_pixels, cache_dir=cache_dir)
    data = np.full((j1 - j0, i1 - i0), np.nan, dtype=np.float32)
    for part in parts:
        data[part.y0 - j0 : part.y0 - j0 + part.height, part.x0 - i0 : part.x0 - i0 + part.width] = part.data
    return Canvas(data, i0, j0, tuple(parts))

"""Star-field exposures with a WCS for the browser tests, and where a sky position lands on screen.

The browser tests of locking, blinking and the whole observer flow draw the same kind of image: Gaussian
stars at known ICRS positions, put on the pixels through the image's own WCS, so that a test can follow
one star from the sky to the screen (`SKY_ON_SCREEN`) and back to the pixels drawn there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from astropy.io import fits
from astropy.wcs import WCS

__all__ = ["SKY_ON_SCREEN", "VIEWERS", "add_stars"]

VIEWERS = "[...document.querySelectorAll('toyz-image-viewer')]"

# For an ICRS position [ra, dec] (degrees): in each viewer, its page position through the viewer's
# SkyTransform and map, and the page position of the map's centre: [x, y, cx, cy] (CSS pixels), or
# null for a viewer without a sky transform or a map yet.
SKY_ON_SCREEN = f"""([ra, dec]) => {VIEWERS}.map(v => {{
  const t = v.lock.skyTransform; const map = v.olMap;
  if (!t || !map) return null;
  const p = t.toPixel(ra, dec); const px = map.getPixelFromCoordinate(p); const size = map.getSize();
  const box = map.getViewport().getBoundingClientRect();
  const x = v.lock.mirrored ? size[0] - px[0] : px[0];
  return [box.x + x, box.y + px[1], box.x + size[0] / 2, box.y + size[1] / 2];
}})"""


def add_stars(
    image: npt.NDArray[np.floating],
    header: fits.Header,
    ra: npt.ArrayLike,
    dec: npt.ArrayLike,
    peak: npt.ArrayLike,
    sigma: float,
    half: int | None = None,
) -> None:
    """Adds circular Gaussian stars to `image` in place, placed through the WCS of `header`.

    Parameters
    ----------
    image : ndarray, shape (ny, nx)
        The pixels, indexed [y, x]; 0-based pixel centres (FITS pixel 1 is index 0).
    header : astropy.io.fits.Header
        A header with the celestial WCS of `image`.
    ra, dec : array_like
        The stars' ICRS positions, degrees.
    peak : array_like
        Each star's peak above the background, in the image's units (counts).
    sigma : float
        The Gaussian's standard deviation, pixels (FWHM = 2.3548 sigma).
    half : int, optional
        Draw each star only within this many pixels of its centre (fast on large images); a star whose
        box falls off the image is skipped. None (the default) draws each over the whole image.
    """
    px, py = WCS(header).all_world2pix(np.atleast_1d(ra), np.atleast_1d(dec), 0)
    ny, nx = image.shape
    for sx, sy, p in zip(px, py, np.atleast_1d(peak), strict=True):
        if half is None:
            i0, i1, j0, j1 = 0, nx, 0, ny
        else:
            i0, i1 = max(0, int(sx) - half), min(nx, int(sx) + half + 1)
            j0, j1 = max(0, int(sy) - half), min(ny, int(sy) + half + 1)
            if i0 >= i1 or j0 >= j1:
                continue
        yy, xx = np.mgrid[j0:j1, i0:i1]
        image[j0:j1, i0:i1] += p * np.exp(-0.5 * ((xx - sx) ** 2 + (yy - sy) ** 2) / sigma**2)

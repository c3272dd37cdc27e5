"""Cross-matching two catalogues on the sky: each row of the first with its nearest neighbour in the second."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from astropy import units as u
from astropy.coordinates import SkyCoord

from workers.errors import ToyzError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Matches:
    """Matched pairs: 0-based rows of the first and second catalogue and their separations (arcsec)."""

    rows_a: npt.NDArray[np.int64]
    rows_b: npt.NDArray[np.int64]
    separation: FloatArray

    @property
    def median(self) -> float | None:
        """The median separation in arcseconds, None without matches."""
        return float(np.median(self.separation)) if self.separation.size else None


def crossmatch(ra_a: FloatArray, dec_a: FloatArray, ra_b: FloatArray, dec_b: FloatArray, max_sep: float) -> Matches:
    """Match each position of catalogue A with its nearest position in B, keeping pairs closer than `max_sep`.

    Parameters
    ----------
    ra_a, dec_a, ra_b, dec_b : numpy.ndarray
        ICRS right ascension and declination in degrees; rows with a non-finite position are left out.
    max_sep : float
        The largest separation of a match, arcseconds (> 0).

    Returns
    -------
    Matches
        One pair per matched row of A (several rows of A may match the same row of B).

    Raises
    ------
    ToyzError
        ``bad_params`` for max_sep ≤ 0 or arrays of different lengths; ``no_data`` when a catalogue has
        no finite position.
    """
    if not (np.isfinite(max_sep) and max_sep > 0):
        raise ToyzError("bad_params", f"The largest separation must be a positive number of arcseconds, not {max_sep}.")
    ra_a, dec_a, ra_b, dec_b = (np.asarray(v, dtype=np.float64) for v in (ra_a, dec_a, ra_b, dec_b))
    if ra_a.shape != dec_a.shape or ra_b.shape != dec_b.shape:
        raise ToyzError("bad_params", "Each catalogue needs as many right ascensions as declinations.")
    ok_a = np.flatnonzero(np.isfinite(ra_a) & np.isfinite(dec_a) & (np.abs(dec_a) <= 90))
    ok_b = np.flatnonzero(np.isfinite(ra_b) & np.isfinite(dec_b) & (np.abs(dec_b) <= 90))
    if ok_a.size == 0 or ok_b.size == 0:
        raise ToyzError("no_data", "One of the catalogues has no valid sky position to match.")
    a = SkyCoord(ra_a[ok_a] * u.deg, dec_a[ok_a] * u.deg, frame="icrs")
    b = SkyCoord(ra_b[ok_b] * u.deg, dec_b[ok_b] * u.deg, frame="icrs")
    index, sep2d, _ = a.match_to_catalog_sky(b)
    sep = np.asarray(sep2d.to_value(u.arcsec), dtype=np.float64)
    keep = sep <= max_sep
    return Matches(ok_a[keep].astype(np.int64), ok_b[np.asarray(index)[keep]].astype(np.int64), sep[keep])

"""Warning filters for the odd files the imaging core accepts, installed once at import.

``warnings.catch_warnings`` swaps process-wide state and is not thread-safe, so the core never
uses it per call: astropy's warnings about non-standard headers and WCS (it repairs what it can;
what it cannot becomes an HDU's ``problem``) and Pillow's decompression-bomb warning (we apply
our own pixel cap) are filtered here for good. Floating-point warnings are silenced where they
arise with :func:`numpy.errstate`, which is per thread.
"""

from __future__ import annotations

import warnings

from astropy.utils.exceptions import AstropyWarning
from PIL import Image

# Warnings are attributed to the frame that their stack level points at: astropy's own modules,
# or ours when astropy points at its caller.
_ASTROPY_OR_US = r"(astropy|workers\.imaging)(\.|$)"


def install() -> None:
    """Add the filters (idempotent: ``filterwarnings`` replaces an identical filter)."""
    warnings.filterwarnings("ignore", category=AstropyWarning, module=_ASTROPY_OR_US)
    # numpy's "Mean of empty slice" and the like, raised inside astropy's ZScale on flat data.
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"astropy(\.|$)")
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


install()

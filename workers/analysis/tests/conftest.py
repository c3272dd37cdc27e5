"""Fixtures for the analysis core tests (plain functions, no Django needed): the imaging core's own.

- ``_isolated_storage`` (autouse): shadows the root fixture, so ``-p no:django`` works too.
- ``fresh_caches`` (autouse): the imaging core's process-wide caches are emptied around every test.
- ``write_fits``: writes an array (and optional header) as the primary HDU of a FITS file in ``tmp_path``.

All three are defined once, in workers/imaging/tests/conftest.py; importing them here registers them
for this package too.
"""

from __future__ import annotations

from workers.imaging.tests.conftest import _isolated_storage, fresh_caches, write_fits

__all__ = ["_isolated_storage", "fresh_caches", "write_fits"]

"""Fixtures shared by every test.

- Every test gets its own data root and cache folder (`data_root`, `cache_dir`) so nothing touches var/.
- `make_user` creates users (their home folders appear in the test's data root).
- `sample_fits` writes a small FITS image with a celestial WCS into a folder of the data root.
- Passwords are hashed with a fast hasher in the test process (`_fast_password_hashing`): the real one
  costs a third of a CPU second per user made or password checked. Servers and commands that the tests
  start as processes keep the real one.
- Under pytest-xdist (`make pytest-unit` runs `-n 2 --dist loadscope`), a module's tests go to one
  worker together (its module-scoped fixtures are made once), and the browser tests (tests/test_browser*.py)
  all go to one worker, one module after another, as without xdist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadscope`: a module's tests go to one worker (its module-scoped fixtures are made
    once), and all of tests/test_browser*.py to one worker, module after module."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            # Two Chromiums and two servers at once on a small machine would make timing tests flaky.
            if nodeid.startswith("tests/test_browser"):
                return "browser"
            return str(super()._split_scope(nodeid))

    return Scheduling(config, log)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    from django.conf import settings

    if not settings.configured:  # run with `-p no:django` (the plain numeric cores): no passwords at all
        yield
        return
    from django.test import override_settings

    # override_settings tells Django's hasher cache that the setting changed.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _isolated_storage(tmp_path: Path, settings: Any) -> None:
    settings.TOYZ_DATA_ROOT = tmp_path / "data"
    settings.TOYZ_CACHE_DIR = tmp_path / "cache"
    settings.TOYZ_DATA_ROOT.mkdir()
    settings.TOYZ_CACHE_DIR.mkdir()
    # Each test's database starts again from grants version 0: rights cached by an earlier test must go,
    # and so must the header tables (index version 0 again).
    from apps.files.permissions import forget_cached_rights
    from apps.headers.table import forget_cached_tables

    forget_cached_rights()
    forget_cached_tables()


@pytest.fixture
def data_root(settings: Any) -> Path:
    return Path(settings.TOYZ_DATA_ROOT)


@pytest.fixture
def cache_dir(settings: Any) -> Path:
    return Path(settings.TOYZ_CACHE_DIR)


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from django.contrib.auth import get_user_model

    def make(username: str = "alice", *, admin: bool = False, password: str = "a-long-test-password") -> Any:
        model = get_user_model()
        if admin:
            return model.objects.create_superuser(username, f"{username}@example.org", password)
        return model.objects.create_user(username, f"{username}@example.org", password)

    return make


def write_wcs_image(path: Path, shape: tuple[int, int] = (300, 500), *, seed: int = 1) -> Path:
    """A float32 image with a TAN WCS near M13 and a gradient, so that every pixel differs."""
    rng = np.random.default_rng(seed)
    ny, nx = shape
    data = (np.add.outer(np.arange(ny), np.arange(nx)).astype(np.float32) + rng.normal(0, 1, shape)).astype(np.float32)
    header = fits.Header()
    header.update(
        CTYPE1="RA---TAN", CTYPE2="DEC--TAN", CRPIX1=nx / 2, CRPIX2=ny / 2,
        CRVAL1=250.42, CRVAL2=36.46, CDELT1=-0.0001, CDELT2=0.0001, CUNIT1="deg", CUNIT2="deg",
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(data, header).writeto(path, overwrite=True)
    return path


@pytest.fixture
def sample_fits(data_root: Path) -> Callable[..., Path]:
    def make(relative: str = "home/alice/image.fits", shape: tuple[int, int] = (300, 500)) -> Path:
        return write_wcs_image(data_root / relative, shape)

    return make

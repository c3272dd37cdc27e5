"""Loaded at start-up by the processes that tests start with `tests.slow_build.slow_tiles` (see there)."""

from __future__ import annotations

import os
import time
from typing import Any

_SECONDS = float(os.environ.get("TOYZ_TEST_TILE_SECONDS", "0"))

if _SECONDS > 0:
    from workers.imaging import render

    _encode = render._indexed_png

    def _slow_encode(*args: Any, **kwargs: Any) -> bytes:
        time.sleep(_SECONDS)
        return _encode(*args, **kwargs)

    render._indexed_png = _slow_encode

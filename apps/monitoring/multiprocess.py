"""One node's web processes share their counters: prometheus_client's multiprocess mode, for web processes only.

`TOYZ_METRICS_DIR` (or prometheus_client's own `PROMETHEUS_MULTIPROC_DIR`) names a folder of this node,
emptied before the web processes start (`deploy/production.py` does). The ASGI entry point calls
`use_metrics_dir` before Django loads anything that imports prometheus_client, which picks its storage
when first imported. Workers and commands, which serve no /metrics, keep theirs in memory even when the
variable is in their environment too (one env file for every unit). Imports nothing of Django.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


class MetricsDirError(RuntimeError):
    """The metrics folder cannot be made or written: the web process cannot start."""


def use_metrics_dir(environ: MutableMapping[str, str]) -> Path | None:
    """Hand the folder of TOYZ_METRICS_DIR to prometheus_client (made if missing); None when unset."""
    raw = (environ.get("TOYZ_METRICS_DIR") or environ.get(MULTIPROC_VARIABLE) or "").strip()
    if not raw:
        return None
    folder = Path(raw).expanduser().absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MetricsDirError(f"TOYZ_METRICS_DIR={raw!r}: cannot make the folder ({exc.strerror}).") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise MetricsDirError(f"TOYZ_METRICS_DIR={raw!r}: this user cannot write there.")
    environ[MULTIPROC_VARIABLE] = str(folder)
    return folder


def multiprocess_dir() -> str | None:
    """The folder prometheus_client of this process writes to, if it is in the multiprocess mode."""
    return os.environ.get(MULTIPROC_VARIABLE) or None

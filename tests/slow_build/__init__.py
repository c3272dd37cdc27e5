"""Worker processes whose pre-rendered tiles take a set time longer, for tests that need a build to last.

A test that must catch a build midway (kill its process, outlast a visibility timeout, ask something while
the night runs) cannot rely on the machine being slow: a build that took 10 s on a loaded machine takes 3 s
on a quiet one. `slow_tiles(seconds)` is extra environment for `start_worker`: the worker's interpreter loads
this folder's `sitecustomize`, which makes every palette PNG tile (what a pre-render writes) sleep first.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def slow_tiles(seconds: float) -> dict[str, str]:
    """The environment that makes a worker sleep `seconds` before each pre-rendered tile it encodes."""
    # ROOT too: sitecustomize runs before `python -m celery` puts the working folder on sys.path.
    return {"PYTHONPATH": f"{HERE}:{ROOT}", "TOYZ_TEST_TILE_SECONDS": str(seconds)}
